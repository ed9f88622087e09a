"""Reads for the members' pages: dashboard, transcript, district reports, account data."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q

from .access import entitlements_for
from .models import (
    EmailPreference,
    InvitationImport,
    Membership,
    Organization,
    OrganizationMember,
    TranscriptRecord,
    User,
)


# --- membership status ---
@dataclass
class MembershipStatus:
    """What the dashboard says about a person's access, in plain words."""

    is_member: bool
    source: str  # "subscription", "district", or ""
    membership: Membership | None = None
    organization: Organization | None = None
    can_manage_billing: bool = False
    note: str = ""


def membership_status(*, user) -> MembershipStatus:
    ent = entitlements_for(user)
    latest = ent.memberships[0] if ent.memberships else None
    can_manage = bool(latest and latest.stripe_customer_id)
    if ent.active_membership:
        m = ent.active_membership
        if m.grace_ends_at:
            note = f"Your last payment did not go through. Update your card by {m.grace_ends_at:%B %-d} to keep access."
        elif m.cancel_at_period_end and m.current_period_end:
            note = f"Your membership ends on {m.current_period_end:%B %-d, %Y} and will not renew."
        elif m.current_period_end:
            note = f"Renews on {m.current_period_end:%B %-d, %Y}."
        else:
            note = ""
        return MembershipStatus(True, "subscription", m, None, can_manage, note)
    if ent.seat_membership:
        org = ent.seat_membership.organization
        return MembershipStatus(True, "district", None, org, can_manage, f"Your seat is provided by {org.name}.")
    note = ""
    if latest and latest.status in (Membership.Status.CANCELED, Membership.Status.UNPAID, Membership.Status.PAST_DUE):
        note = "Your membership has ended. Rejoin any time to get member access back."
    return MembershipStatus(False, "", latest, None, can_manage, note)


def transcript_record_by_code(*, code: str) -> TranscriptRecord | None:
    return TranscriptRecord.objects.filter(code=code.strip().upper()).first()


# --- districts ---
def led_organizations(*, user) -> list[Organization]:
    return list(
        Organization.objects.filter(members__user=user, members__role=OrganizationMember.OrgRole.LEADER).distinct()
    )


def invitation_import(*, organization: Organization, job_id: int):
    """One uploaded invitation file of this organization (None for another's: its page answers 404)."""
    return InvitationImport.objects.filter(pk=job_id, organization=organization).first()


# --- staff summaries ---
def seat_usage() -> list[Organization]:
    return list(Organization.objects.annotate(seats_used=Count("members", filter=Q(members__has_seat=True))))


# --- e-mail preferences ---
def email_preference_for(*, email: str) -> EmailPreference:
    """Her saved choices, or the defaults (everything on) when she never changed them."""
    email = email.strip().lower()
    return EmailPreference.objects.filter(email=email).first() or EmailPreference(email=email)


def email_wanted(*, email: str, kind: str) -> bool:
    """Whether this address still receives this optional kind of e-mail (reminders, notifications)."""
    return bool(getattr(email_preference_for(email=email), kind))


def account_exists_for(email: str) -> bool:
    return User.objects.filter(email__iexact=email.strip(), is_active=True).exists()
