"""Outgoing e-mail: rendered in the request, sent by a Celery task after the transaction commits."""

import base64

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string


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


def queue_message(msg) -> None:
    """Send after commit through Celery, so a rolled-back write never sends mail."""
    from home.tasks import send_email

    payload = message_to_payload(msg)
    transaction.on_commit(lambda: send_email.delay(payload))


def send_templated_email(
    *, to: list[str], template_prefix: str, context: dict, attachments: list | None = None
) -> None:
    """Render `<prefix>_subject.txt`, `<prefix>.txt` and `<prefix>.html` and queue the message.

    attachments: list of (filename, bytes, mimetype).
    """
    context = {"site_url": settings.SITE_URL, "site_name": settings.WAGTAIL_SITE_NAME, **context}
    subject = " ".join(render_to_string(f"{template_prefix}_subject.txt", context).split())
    text = render_to_string(f"{template_prefix}.txt", context)
    html = render_to_string(f"{template_prefix}.html", context)
    msg = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, to)
    msg.attach_alternative(html, "text/html")
    for filename, content, mimetype in attachments or []:
        msg.attach(filename, content, mimetype)
    queue_message(msg)
