"""A fake Stripe transport for the real SDK, plus helpers to build and sign webhook events.

The SDK does everything it normally does (encoding, headers, idempotency keys,
response parsing); only the HTTP round trip is answered here, from a small in-memory
store, in the shapes of the current API version. Reusable by every app's tests
through the `fake_stripe` fixture in tests/conftest.py.
"""

from __future__ import annotations

import itertools
import json
import re
import secrets
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

import stripe

API_VERSION = stripe.api_version if hasattr(stripe, "api_version") else "2026-10-28.endive"
_counter = itertools.count(1)


def new_id(prefix: str) -> str:
    return f"{prefix}_test_{next(_counter):04d}{secrets.token_hex(6)}"


def _set_nested(target: dict, key: str, value: str) -> None:
    parts = re.findall(r"[^\[\]]+", key)
    node = target
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    node[parts[-1]] = value


def _listify(value):
    """Form-encoded arrays arrive as {"0": ..., "1": ...}; turn them back into lists."""
    if isinstance(value, dict):
        value = {k: _listify(v) for k, v in value.items()}
        if value and all(k.isdigit() for k in value):
            return [value[k] for k in sorted(value, key=int)]
    return value


def decode_params(encoded: str) -> dict:
    params: dict = {}
    for key, value in parse_qsl(encoded or "", keep_blank_values=True):
        _set_nested(params, key, value)
    return _listify(params)


@dataclass
class RecordedRequest:
    method: str
    path: str
    headers: dict
    params: dict = field(default_factory=dict)
    url: str = ""

    @property
    def idempotency_key(self) -> str | None:
        return {k.lower(): v for k, v in self.headers.items()}.get("idempotency-key")


class FakeStripeHTTPClient(stripe.HTTPClient):
    """Records every request and answers from an in-memory store of Stripe objects."""

    name = "fake"

    def __init__(self):
        super().__init__()
        self.requests: list[RecordedRequest] = []
        self.objects: dict[str, dict] = {}
        self.events: list[dict] = []
        self._idempotent: dict[str, tuple[str, int, dict]] = {}
        # Set to an int (e.g. 500) to make the next calls fail like an outage.
        self.fail_with: int | None = None

    # --- the transport ---
    def request(self, method, url, headers, post_data=None, *, _usage=None):
        parts = urlsplit(url)
        params = decode_params(post_data if method == "post" else parts.query)
        recorded = RecordedRequest(method.upper(), parts.path, dict(headers or {}), params, url)
        self.requests.append(recorded)
        key = recorded.idempotency_key
        if key and key in self._idempotent:
            return self._idempotent[key]
        if self.fail_with:
            return self._error(self.fail_with, "api_error", "Simulated outage")
        response = self._route(recorded)
        if key and method == "post" and response[1] < 400:
            self._idempotent[key] = response
        return response

    def request_stream(self, method, url, headers, post_data=None, *, _usage=None):
        raise NotImplementedError

    def close(self):
        pass

    # --- what the tests read ---
    def calls(self, method: str, path_prefix: str) -> list[RecordedRequest]:
        return [r for r in self.requests if r.method == method.upper() and r.path.startswith(path_prefix)]

    def last(self, method: str, path_prefix: str) -> RecordedRequest:
        found = self.calls(method, path_prefix)
        assert found, f"no {method} {path_prefix} request was made"
        return found[-1]

    # --- routing ---
    def _ok(self, obj, status=200):
        return json.dumps(obj), status, {"Request-Id": new_id("req"), "Stripe-Version": API_VERSION}

    def _error(self, status, type_, message, code=None):
        body = {"error": {"type": type_, "message": message, "code": code}}
        # Tell the SDK not to retry, so failure tests stay fast.
        return json.dumps(body), status, {"Request-Id": new_id("req"), "Stripe-Should-Retry": "false"}

    def _missing(self, object_id):
        return self._error(404, "invalid_request_error", f"No such object: '{object_id}'", "resource_missing")

    def _get(self, object_id):
        obj = self.objects.get(object_id)
        return self._ok(obj) if obj else self._missing(object_id)

    def _route(self, r: RecordedRequest):
        m, p = r.method, r.path
        if m == "POST" and p == "/v1/checkout/sessions":
            return self._ok(self._create_checkout_session(r.params))
        if m == "GET" and (match := re.fullmatch(r"/v1/checkout/sessions/([^/]+)", p)):
            return self._get(match[1])
        if m == "POST" and p == "/v1/billing_portal/sessions":
            return self._ok(self._create_portal_session(r.params))
        if m == "POST" and p == "/v1/customers":
            return self._ok(self.add_customer(email=r.params.get("email", ""), metadata=r.params.get("metadata")))
        if m == "GET" and (match := re.fullmatch(r"/v1/(customers|invoices|charges|refunds)/([^/]+)", p)):
            return self._get(match[2])
        if match := re.fullmatch(r"/v1/subscriptions/([^/]+)", p):
            sub = self.objects.get(match[1])
            if sub is None:
                return self._missing(match[1])
            if m == "POST":
                if "cancel_at_period_end" in r.params:
                    sub["cancel_at_period_end"] = r.params["cancel_at_period_end"] == "true"
                    sub["cancel_at"] = (
                        sub["items"]["data"][0]["current_period_end"] if sub["cancel_at_period_end"] else None
                    )
            if m == "DELETE":
                sub.update(status="canceled", canceled_at=int(time.time()), ended_at=int(time.time()))
            return self._ok(sub)
        if m == "GET" and p == "/v1/charges":
            intent = r.params.get("payment_intent")
            data = [o for o in self.objects.values() if o.get("object") == "charge" and o["payment_intent"] == intent]
            return self._ok({"object": "list", "url": "/v1/charges", "has_more": False, "data": data})
        if m == "POST" and p == "/v1/refunds":
            return self._ok(self._create_refund(r.params))
        if m == "GET" and p == "/v1/events":
            since = int((r.params.get("created") or {}).get("gte", 0))
            data = sorted((e for e in self.events if e["created"] >= since), key=lambda e: -e["created"])
            return self._ok({"object": "list", "url": "/v1/events", "has_more": False, "data": data})
        return self._error(404, "invalid_request_error", f"Unrecognized request URL ({m}: {p})")

    # --- object builders (current API shapes) ---
    def _create_checkout_session(self, params: dict) -> dict:
        session_id = new_id("cs")
        session = {
            "id": session_id,
            "object": "checkout.session",
            "mode": params.get("mode"),
            "status": "open",
            "payment_status": "unpaid",
            "url": f"https://checkout.stripe.com/c/pay/{session_id}",
            "client_reference_id": params.get("client_reference_id"),
            "customer": params.get("customer"),
            "customer_email": params.get("customer_email"),
            "metadata": params.get("metadata") or {},
            "success_url": params.get("success_url"),
            "cancel_url": params.get("cancel_url"),
            "amount_total": sum(
                int((item.get("price_data") or {}).get("unit_amount", 0)) * int(item.get("quantity", 1))
                for item in params.get("line_items", [])
            ),
            "currency": "usd",
            "payment_intent": None,
            "subscription": None,
            "invoice": None,
            "livemode": False,
            "created": int(time.time()),
            "expires_at": int(time.time()) + 86400,
        }
        self.objects[session_id] = session
        return session

    def _create_portal_session(self, params: dict) -> dict:
        session_id = new_id("bps")
        return {
            "id": session_id,
            "object": "billing_portal.session",
            "customer": params.get("customer"),
            "return_url": params.get("return_url"),
            "url": f"https://billing.stripe.com/p/session/{session_id}",
            "livemode": False,
            "created": int(time.time()),
        }

    def _create_refund(self, params: dict) -> dict:
        refund = {
            "id": new_id("re"),
            "object": "refund",
            "amount": 0,
            "currency": "usd",
            "payment_intent": params.get("payment_intent"),
            "charge": None,
            "reason": params.get("reason"),
            "metadata": params.get("metadata") or {},
            "status": "succeeded",
            "created": int(time.time()),
        }
        self.objects[refund["id"]] = refund
        return refund

    def add_customer(self, *, email: str = "", metadata: dict | None = None) -> dict:
        customer = {
            "id": new_id("cus"),
            "object": "customer",
            "email": email,
            "metadata": metadata or {},
            "created": int(time.time()),
            "livemode": False,
        }
        self.objects[customer["id"]] = customer
        return customer

    def add_subscription(
        self,
        *,
        customer: str | None = None,
        price_id: str = "price_test",
        status: str = "active",
        period_end: int | None = None,
        cancel_at_period_end: bool = False,
        metadata: dict | None = None,
        subscription_id: str | None = None,
    ) -> dict:
        now = int(time.time())
        period_end = period_end or now + 30 * 86400
        sub_id = subscription_id or new_id("sub")
        sub = {
            "id": sub_id,
            "object": "subscription",
            "customer": customer or new_id("cus"),
            "status": status,
            "cancel_at_period_end": cancel_at_period_end,
            "cancel_at": period_end if cancel_at_period_end else None,
            "canceled_at": None,
            "ended_at": None,
            "created": now,
            "start_date": now,
            "metadata": metadata or {},
            "livemode": False,
            "latest_invoice": None,
            # Since the 2025 API versions the billing period lives on each item.
            "items": {
                "object": "list",
                "data": [
                    {
                        "id": new_id("si"),
                        "object": "subscription_item",
                        "current_period_start": period_end - 30 * 86400,
                        "current_period_end": period_end,
                        "quantity": 1,
                        "price": {"id": price_id, "object": "price", "recurring": {"interval": "year"}},
                    }
                ],
                "has_more": False,
            },
        }
        self.objects[sub_id] = sub
        return sub

    def add_invoice(self, *, subscription: str, status: str = "paid", customer: str | None = None) -> dict:
        invoice = {
            "id": new_id("in"),
            "object": "invoice",
            "customer": customer,
            "status": status,
            "amount_due": 9900,
            "amount_paid": 9900 if status == "paid" else 0,
            "attempt_count": 1,
            "billing_reason": "subscription_cycle",
            "parent": {
                "type": "subscription_details",
                "quote_details": None,
                "subscription_details": {"subscription": subscription, "metadata": {}},
            },
            "created": int(time.time()),
            "livemode": False,
        }
        self.objects[invoice["id"]] = invoice
        return invoice

    def add_charge(self, *, payment_intent: str, refunded: bool = True, amount: int = 4900) -> dict:
        charge = {
            "id": new_id("ch"),
            "object": "charge",
            "amount": amount,
            "amount_refunded": amount if refunded else amount // 2,
            "refunded": refunded,
            "payment_intent": payment_intent,
            "currency": "usd",
            "metadata": {},
            "status": "succeeded",
            "created": int(time.time()),
            "livemode": False,
        }
        self.objects[charge["id"]] = charge
        return charge

    def complete_checkout_session(self, session_id: str, *, payment_status: str = "paid", **extra) -> dict:
        """What Stripe does when the buyer pays: the session becomes complete (and, in payment mode, gets a PI)."""
        session = self.objects[session_id]
        session.update(status="complete", payment_status=payment_status, **extra)
        if session["mode"] == "payment" and not session.get("payment_intent"):
            session["payment_intent"] = new_id("pi")
        return session

    def event(self, type_: str, obj: dict, *, created: int | None = None) -> dict:
        """A current-shape event; also listed by GET /v1/events for reconciliation."""
        event = {
            "id": new_id("evt"),
            "object": "event",
            "api_version": API_VERSION,
            "created": created or int(time.time()),
            "data": {"object": json.loads(json.dumps(obj))},
            "livemode": False,
            "pending_webhooks": 1,
            "request": {"id": None, "idempotency_key": None},
            "type": type_,
        }
        self.events.append(event)
        return event


def sign(payload: str, secret: str, *, timestamp: int | None = None) -> str:
    return stripe.WebhookSignature.generate_signature_header(payload, secret, timestamp=timestamp)


def post_webhook(client, event: dict, *, secret: str = "whsec_test_secret", timestamp: int | None = None, tamper=False):
    """Post a signed event to our endpoint with Django's test client."""
    payload = json.dumps(event)
    header = sign(payload, secret, timestamp=timestamp)
    if tamper:
        payload = payload.replace('"livemode": false', '"livemode": true', 1)
    return client.post("/stripe/webhook/", data=payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=header)
