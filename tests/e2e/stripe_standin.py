"""A stand-in for the parts of Stripe a buyer's browser sees, for the browser journeys.

Our server talks to Stripe through the members app's fake transport (tests/members/stripe_fakes.py),
so Checkout Sessions are created in memory and their URLs point at checkout.stripe.com, which a test
cannot reach. `StripeStandIn.install(page)` intercepts those URLs in the browser and serves a tiny
"Stripe test checkout" page. Its Pay button does what Stripe does when a buyer pays: it completes the
session (and, for a subscription, creates the customer, subscription and paid invoice) in the fake,
sends the real signed webhooks to our /stripe/webhook/ endpoint over HTTP, and redirects the browser
to the session's success URL. Nothing on our side is called directly.
"""

from __future__ import annotations

import html
import json
import re
import time
import urllib.request

from tests.members.stripe_fakes import FakeStripeHTTPClient, sign

CHECKOUT_URL = re.compile(r"^https://checkout\.stripe\.com/c/pay/(?P<session>[A-Za-z0-9_]+)(?P<pay>/pay)?")
PORTAL_URL = re.compile(r"^https://billing\.stripe\.com/p/session/(?P<session>[A-Za-z0-9_]+)")


class StandInTransport(FakeStripeHTTPClient):
    """The fake transport, remembering what each Checkout Session was created with (price, metadata)."""

    def __init__(self):
        super().__init__()
        self.session_params: dict[str, dict] = {}
        self.portal_params: dict[str, dict] = {}

    def _create_checkout_session(self, params: dict) -> dict:
        session = super()._create_checkout_session(params)
        self.session_params[session["id"]] = params
        return session

    def _create_portal_session(self, params: dict) -> dict:
        session = super()._create_portal_session(params)
        self.portal_params[session["id"]] = params
        return session


class StripeStandIn:
    def __init__(self, transport: StandInTransport, server_url: str, webhook_secret: str):
        self.transport = transport
        self.server_url = server_url.rstrip("/")
        self.webhook_secret = webhook_secret
        self.subscriptions: list[str] = []
        self.paid_sessions: list[str] = []

    # --- the browser side ---
    def install(self, page) -> None:
        page.route("https://checkout.stripe.com/**", self._checkout)
        page.route("https://billing.stripe.com/**", self._portal)

    def _checkout(self, route) -> None:
        match = CHECKOUT_URL.match(route.request.url)
        session_id = match["session"]
        session = self.transport.objects.get(session_id)
        if session is None:
            route.fulfill(status=404, content_type="text/plain", body="No such checkout session")
            return
        if match["pay"] and route.request.method == "POST":
            self.pay(session_id)
            success = session["success_url"].replace("{CHECKOUT_SESSION_ID}", session_id)
            route.fulfill(status=303, headers={"Location": success})
            return
        route.fulfill(status=200, content_type="text/html; charset=utf-8", body=self._checkout_page(session))

    def _checkout_page(self, session: dict) -> str:
        params = self.transport.session_params.get(session["id"], {})
        items = params.get("line_items") or []
        if session["mode"] == "subscription":
            what = "Membership subscription"
            amount = ""
        else:
            what = ((items[0].get("price_data") or {}).get("product_data") or {}).get("name", "Purchase")
            amount = f" ${session['amount_total'] / 100:,.2f}"
        return (
            "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Stripe test checkout</title></head>"
            "<body><main><h1>Stripe test checkout</h1>"
            f"<p>{html.escape(what)}</p>"
            f"<form method='post' action='/c/pay/{session['id']}/pay'>"
            f"<button type='submit'>Pay{amount}</button></form>"
            f"<p><a href='{html.escape(session.get('cancel_url') or '/')}'>Back</a></p>"
            "</main></body></html>"
        )

    def _portal(self, route) -> None:
        session_id = PORTAL_URL.match(route.request.url)["session"]
        back = (self.transport.portal_params.get(session_id) or {}).get("return_url", self.server_url)
        route.fulfill(
            status=200,
            content_type="text/html; charset=utf-8",
            body=(
                "<!doctype html><html lang='en'><head><title>Stripe test billing portal</title></head><body><main>"
                f"<h1>Stripe test billing portal</h1><a href='{html.escape(back)}'>Return</a></main></body></html>"
            ),
        )

    # --- what Stripe does ---
    def pay(self, session_id: str) -> None:
        """The buyer paid: complete the session in the fake and send Stripe's webhooks."""
        fake = self.transport
        session = fake.objects[session_id]
        params = fake.session_params.get(session_id, {})
        if session["mode"] == "subscription":
            customer = session.get("customer") or fake.add_customer(email=session.get("customer_email") or "")["id"]
            price = (params.get("line_items") or [{}])[0].get("price", "price_test")
            metadata = (params.get("subscription_data") or {}).get("metadata") or session.get("metadata") or {}
            subscription = fake.add_subscription(customer=customer, price_id=price, metadata=metadata)
            invoice = fake.add_invoice(subscription=subscription["id"], customer=customer)
            fake.complete_checkout_session(session_id, customer=customer, subscription=subscription["id"])
            self.subscriptions.append(subscription["id"])
            self.send("checkout.session.completed", fake.objects[session_id])
            self.send("customer.subscription.created", subscription)
            self.send("invoice.paid", invoice)
        else:
            fake.complete_checkout_session(session_id)
            self.send("checkout.session.completed", fake.objects[session_id])
        self.paid_sessions.append(session_id)

    def end_period(self, subscription_id: str | None = None) -> None:
        """Time passes: a subscription set to cancel at period end reaches it, and Stripe deletes it."""
        subscription_id = subscription_id or self.subscriptions[-1]
        subscription = self.transport.objects[subscription_id]
        ended = int(time.time()) - 60
        subscription.update(status="canceled", canceled_at=ended, ended_at=ended, cancel_at=ended)
        for item in subscription["items"]["data"]:
            item["current_period_start"] = ended - 365 * 86400
            item["current_period_end"] = ended
        self.send("customer.subscription.deleted", subscription)

    def send(self, event_type: str, obj: dict) -> dict:
        """Sign an event the way Stripe does and POST it to our webhook endpoint."""
        event = self.transport.event(event_type, obj)
        payload = json.dumps(event)
        request = urllib.request.Request(
            f"{self.server_url}/stripe/webhook/",
            data=payload.encode(),
            headers={"Content-Type": "application/json", "Stripe-Signature": sign(payload, self.webhook_secret)},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.status == 200, f"webhook {event_type} answered {response.status}"
            body = json.loads(response.read())
        assert body.get("received"), body
        return event
