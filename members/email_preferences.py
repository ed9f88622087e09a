"""Optional e-mail: what a recipient may turn off, the signed link that lets her (no sign-in needed),
the List-Unsubscribe headers (RFC 2369 and RFC 8058 one-click), and a footer that says why she got it.

Every e-mail the feature apps send to a person goes through `send_email` here; `core.email` renders and
queues it.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse

from core.email import send_templated_email

from . import selectors

TRANSACTIONAL = "transactional"  # receipts, confirmations, invoices, cancellations, certificates: always sent
REMINDERS = "reminders"  # the 7-day and 1-day workshop reminders
NOTIFICATIONS = "notifications"  # news about a workshop she registered for (time, place or link changed)
OPTIONAL_KINDS = (REMINDERS, NOTIFICATIONS)

_SALT = "members.email-preferences"
# Long enough for an old reminder's link to still work; past it she signs in or uses a newer e-mail.
LINK_MAX_AGE = timedelta(days=400)


class LinkExpired(Exception):
    pass


class LinkInvalid(Exception):
    pass


def link_token(email: str, kind: str = "") -> str:
    """A signed, dated token naming the address (and the kind of e-mail a one-click unsubscribe turns off)."""
    return signing.dumps({"e": email.strip().lower(), "k": kind}, salt=_SALT, compress=True)


def read_link_token(token: str) -> tuple[str, str]:
    """(address, kind) from a token; LinkExpired or LinkInvalid otherwise."""
    try:
        data = signing.loads(token, salt=_SALT, max_age=LINK_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise LinkExpired from exc
    except signing.BadSignature as exc:
        raise LinkInvalid from exc
    if (
        not isinstance(data, dict)
        or not isinstance(data.get("e"), str)
        or data.get("k", "") not in ("", *OPTIONAL_KINDS)
    ):
        raise LinkInvalid
    return data["e"], data.get("k", "")


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def preferences_url(email: str) -> str:
    return _absolute(reverse("members:email_preferences_link", args=[link_token(email)]))


def unsubscribe_url(email: str, kind: str) -> str:
    return _absolute(reverse("members:email_unsubscribe", args=[link_token(email, kind)]))


def footer_for(email: str, *, because: str = "") -> dict:
    """Why this address gets our e-mail, in the words the footer shows, and where to change it.

    because: the reason for an address without an account ("Ana Ruiz (Riverside USD) registered you for ...").
    """
    if selectors.account_exists_for(email):
        reason = f"You receive this because you have an account with the {settings.WAGTAIL_SITE_NAME}."
    else:
        reason = because or f"You receive this because this address was given to the {settings.WAGTAIL_SITE_NAME}."
    return {"because": reason, "preferences_url": preferences_url(email)}


def send_email(
    *,
    to: str,
    kind: str,
    template_prefix: str,
    context: dict,
    because: str = "",
    attachments: list | None = None,
    key: str = "",
) -> bool:
    """Queue one e-mail to one address unless she turned this kind off; True when it was queued.
    Optional kinds carry List-Unsubscribe (a one-click POST, RFC 8058) and every kind a fitting footer."""
    if kind != TRANSACTIONAL and not selectors.email_wanted(email=to, kind=kind):
        return False
    headers = {}
    if kind != TRANSACTIONAL:
        headers = {
            "List-Unsubscribe": f"<{unsubscribe_url(to, kind)}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
    send_templated_email(
        to=[to],
        template_prefix=template_prefix,
        context={**context, "email_footer": footer_for(to, because=because)},
        attachments=attachments,
        key=key,
        headers=headers,
    )
    return True
