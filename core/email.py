"""Outgoing e-mail: rendered in the request, owed as an outbox row in its transaction, sent by a Celery task."""

import base64

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from core import outbox


def message_to_payload(msg) -> dict:
    """A JSON-safe form of an EmailMessage so it can travel through the broker."""
    alternatives = [[content, mimetype] for content, mimetype in getattr(msg, "alternatives", [])]
    attachments = []
    for attachment in msg.attachments:
        filename, content, mimetype = attachment
        if isinstance(content, str):
            content = content.encode()
        attachments.append([filename, base64.b64encode(content).decode(), mimetype])
    return {
        "subject": msg.subject,
        "body": msg.body,
        "from_email": msg.from_email,
        "to": list(msg.to),
        "cc": list(msg.cc),
        "reply_to": list(msg.reply_to),
        "headers": dict(msg.extra_headers),
        "alternatives": alternatives,
        "attachments": attachments,
    }


def payload_to_message(payload: dict) -> EmailMultiAlternatives:
    msg = EmailMultiAlternatives(
        subject=payload["subject"],
        body=payload["body"],
        from_email=payload["from_email"],
        to=payload["to"],
        cc=payload.get("cc") or None,
        reply_to=payload.get("reply_to") or None,
        headers=payload.get("headers") or None,
    )
    for content, mimetype in payload.get("alternatives", []):
        msg.attach_alternative(content, mimetype)
    for filename, content, mimetype in payload.get("attachments", []):
        msg.attach(filename, base64.b64decode(content), mimetype)
    return msg


def queue_message(msg, *, key: str = "") -> None:
    """Owe the message in the caller's transaction: a rolled-back write never sends mail, a committed one
    always does (the outbox relay publishes it if the broker is down), and only once per recipient.

    key: the e-mail's purpose (e.g. "certificate:12"); with it, that purpose reaches each recipient once
    even if the message is owed twice. Without it, each owed message is its own purpose.
    """
    payload = message_to_payload(msg)
    recipient = ",".join(payload["to"])
    outbox.enqueue("home.tasks.send_email", payload, key=f"email:{key}:{recipient}" if key else "", email_key=key)


def send_templated_email(
    *,
    to: list[str],
    template_prefix: str,
    context: dict,
    attachments: list | None = None,
    key: str = "",
    headers: dict | None = None,
) -> None:
    """Render `<prefix>_subject.txt`, `<prefix>.txt` and `<prefix>.html` and queue the message.

    attachments: list of (filename, bytes, mimetype). headers: extra headers (e.g. List-Unsubscribe).
    """
    context = {"site_url": settings.SITE_URL, "site_name": settings.WAGTAIL_SITE_NAME, **context}
    subject = " ".join(render_to_string(f"{template_prefix}_subject.txt", context).split())
    text = render_to_string(f"{template_prefix}.txt", context)
    html = render_to_string(f"{template_prefix}.html", context)
    msg = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, to, headers=headers or None)
    msg.attach_alternative(html, "text/html")
    for filename, content, mimetype in attachments or []:
        msg.attach(filename, content, mimetype)
    queue_message(msg, key=key)
