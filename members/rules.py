"""Predicates about districts that are not access decisions (those are in members.access)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from core.timezones import moment_text


def invitation_resend_refusal(invitation, *, now: datetime | None = None, zone=None) -> str:
    """Why this invitation may not be e-mailed again now ("" when it may): so no inbox is flooded."""
    if invitation.accepted_at is not None:
        return f"{invitation.email} already accepted this invitation."
    if invitation.revoked_at is not None:
        return f"The invitation to {invitation.email} was withdrawn. Invite the address again to send a new link."
    if invitation.send_count >= settings.INVITATION_MAX_SENDS:
        return (
            f"The invitation to {invitation.email} was already sent {invitation.send_count} times. "
            "Ask the teacher to check the spam folder, or withdraw it and invite another address."
        )
    now = now or timezone.now()
    if invitation.last_sent_at is not None:
        next_at = invitation.last_sent_at + timedelta(minutes=settings.INVITATION_RESEND_MINUTES)
        if now < next_at:
            when = moment_text(next_at, zone or timezone.get_current_timezone())
            return f"The invitation to {invitation.email} was sent recently. You can send it again after {when}."
    return ""
