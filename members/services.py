"""Writes for accounts, memberships, districts, orders and Stripe events."""

import logging
import secrets
from datetime import UTC, datetime

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models.functions import Greatest
from django.urls import reverse
from django.utils import timezone

from core import outbox

from . import email_preferences, signals
from .access import refresh_entitlements
from .models import (
    EmailPreference,
    Invitation,
    InvitationImport,
    Membership,
    MembershipPlan,
    Order,
    Organization,
    OrganizationMember,
    PaymentReversal,
    SeatLicense,
    StripeEvent,
    TranscriptRecord,
    User,
)
from .rules import invitation_resend_refusal

logger = logging.getLogger(__name__)


def email_preferences_update(*, email: str, **choices: bool) -> EmailPreference:
    """Save which optional e-mails (reminders, notifications) this address receives; safe to repeat."""
    allowed = {"reminders", "notifications"}
    preference, _ = EmailPreference.objects.update_or_create(
        email=email.strip().lower(), defaults={k: bool(v) for k, v in choices.items() if k in allowed}
    )
    return preference


@transaction.atomic
def profile_update(*, user: User, data: dict) -> User:
    for field in ("first_name", "last_name", "role", "school", "district"):
        setattr(user, field, data.get(field, ""))
    user.grades_taught = data.get("grades_taught", [])
    if "time_zone" in data:
        user.time_zone = data["time_zone"] or ""
    user.save()
    return user


@transaction.atomic
def order_create(
    *, user: User, kind: str, page, description: str, amount_cents: int, quantity: int = 1, metadata: dict | None = None
) -> Order:
    """Record what is being bought before sending the buyer to Stripe Checkout."""
    return Order.objects.create(
        user=user,
        kind=kind,
        page=page,
        description=description[:255],
        amount_cents=amount_cents,
        quantity=quantity,
        currency=settings.CURRENCY,
        metadata=metadata or {},
    )


def _transition(order_id: int, *, allowed_from: set[str], to: str, signal, **fields) -> Order | None:
    """Move an order to a new status once; repeating the call is a no-op (webhooks repeat)."""
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_id)
        if order.status == to or order.status not in allowed_from:
            return None
        order.status = to
        for name, value in fields.items():
            setattr(order, name, value)
        order.save()
        signal.send(sender=Order, order=order)
    if order.user_id:
        refresh_entitlements(order.user)
    return order


def order_mark_paid(*, order: Order, payment_intent_id: str = "") -> Order | None:
    """The payment went through. A refund or dispute that reached us first is applied right after."""
    fields = {"paid_at": timezone.now()}
    if payment_intent_id:
        fields["stripe_payment_intent_id"] = payment_intent_id
    with transaction.atomic():
        paid = _transition(
            order.pk,
            allowed_from={Order.Status.PENDING, Order.Status.FAILED, Order.Status.EXPIRED},
            to=Order.Status.PAID,
            signal=signals.order_paid,
            **fields,
        )
        intent = payment_intent_id or Order.objects.values_list("stripe_payment_intent_id", flat=True).get(pk=order.pk)
        if intent:
            reversal = PaymentReversal.objects.select_for_update().filter(payment_intent_id=intent).first()
            if reversal is not None:
                order_mark_refunded(order=order)
                if reversal.applied_at is None:
                    reversal.applied_at = timezone.now()
                    reversal.save(update_fields=["applied_at"])
    return paid


def payment_reversal_record(*, payment_intent_id: str, kind: str, stripe_object_id: str = "") -> Order | None:
    """A refund, dispute or cancellation for a payment: undo its order now, or keep it for when it is paid."""
    with transaction.atomic():
        reversal, _ = PaymentReversal.objects.get_or_create(
            payment_intent_id=payment_intent_id, defaults={"kind": kind, "stripe_object_id": stripe_object_id}
        )
        order = Order.objects.filter(stripe_payment_intent_id=payment_intent_id).first()
        if order is None:
            return None
        order_mark_refunded(order=order)
        if reversal.applied_at is None:
            PaymentReversal.objects.filter(pk=reversal.pk).update(applied_at=timezone.now())
    return order


def order_mark_refunded(*, order: Order) -> Order | None:
    return _transition(
        order.pk,
        allowed_from={Order.Status.PAID},
        to=Order.Status.REFUNDED,
        signal=signals.order_refunded,
        refunded_at=timezone.now(),
    )


def order_mark_failed(*, order: Order) -> Order | None:
    return _transition(
        order.pk, allowed_from={Order.Status.PENDING}, to=Order.Status.FAILED, signal=signals.order_failed
    )


def order_mark_expired(*, order: Order) -> Order | None:
    return _transition(
        order.pk,
        allowed_from={Order.Status.PENDING, Order.Status.FAILED},
        to=Order.Status.EXPIRED,
        signal=signals.order_expired,
    )


# --- memberships (mirrored from Stripe subscriptions) ---
_STATUS_FROM_STRIPE = {
    "incomplete": Membership.Status.INCOMPLETE,
    "incomplete_expired": Membership.Status.INCOMPLETE_EXPIRED,
    "trialing": Membership.Status.TRIALING,
    "active": Membership.Status.ACTIVE,
    "past_due": Membership.Status.PAST_DUE,
    "unpaid": Membership.Status.UNPAID,
    "canceled": Membership.Status.CANCELED,
    # A paused subscription bills nothing and grants nothing.
    "paused": Membership.Status.UNPAID,
}


def _timestamp(value) -> datetime | None:
    return datetime.fromtimestamp(int(value), tz=UTC) if value else None


def subscription_period_end(subscription: dict) -> datetime | None:
    """Current API versions keep the period on the items; older ones (and localstripe) on the subscription."""
    items = ((subscription.get("items") or {}).get("data")) or []
    ends = [item.get("current_period_end") for item in items if item.get("current_period_end")]
    if ends:
        return _timestamp(max(ends))
    return _timestamp(subscription.get("current_period_end"))


def _subscription_price_id(subscription: dict) -> str:
    for item in ((subscription.get("items") or {}).get("data")) or []:
        price = item.get("price") or item.get("plan") or {}
        if price.get("id"):
            return price["id"]
    return ""


def _subscription_user(subscription: dict, user_id=None) -> User | None:
    metadata = subscription.get("metadata") or {}
    user_id = user_id or metadata.get("user_id")
    if user_id:
        user = User.objects.filter(pk=user_id).first()
        if user:
            return user
    customer = subscription.get("customer")
    customer_id = customer.get("id") if isinstance(customer, dict) else customer
    if customer_id:
        known = Membership.objects.filter(stripe_customer_id=customer_id).select_related("user").first()
        if known:
            return known.user
    return None


@transaction.atomic
def membership_sync_from_subscription(
    *, subscription: dict, user_id=None, checkout_session_id: str = ""
) -> Membership | None:
    """Make our Membership match the subscription's current state. Safe to repeat in any order."""
    sub_id = subscription["id"]
    membership = Membership.objects.select_for_update().filter(stripe_subscription_id=sub_id).first()
    if membership is None:
        user = _subscription_user(subscription, user_id)
        if user is None:
            logger.warning("Subscription %s has no user we know; ignored", sub_id)
            return None
        # Two webhooks for a new subscription can arrive together: lock the user, then look again.
        User.objects.select_for_update().filter(pk=user.pk).first()
        membership = Membership.objects.select_for_update().filter(stripe_subscription_id=sub_id).first()
        membership = membership or Membership(user=user, stripe_subscription_id=sub_id)
    customer = subscription.get("customer")
    membership.stripe_customer_id = (customer.get("id") if isinstance(customer, dict) else customer) or ""
    price_id = _subscription_price_id(subscription)
    plan = MembershipPlan.objects.filter(stripe_price_id=price_id).first() if price_id else None
    metadata_plan = (subscription.get("metadata") or {}).get("plan_id")
    if plan is None and metadata_plan:
        plan = MembershipPlan.objects.filter(pk=metadata_plan).first()
    if plan is not None:
        membership.plan = plan
    status = _STATUS_FROM_STRIPE.get(subscription.get("status"), Membership.Status.INCOMPLETE)
    if status == Membership.Status.PAST_DUE:
        membership.past_due_since = membership.past_due_since or timezone.now()
    else:
        membership.past_due_since = None
    membership.status = status
    membership.current_period_end = subscription_period_end(subscription)
    membership.cancel_at_period_end = bool(subscription.get("cancel_at_period_end"))
    if status == Membership.Status.CANCELED:
        ended = _timestamp(subscription.get("ended_at") or subscription.get("canceled_at"))
        if ended and (membership.current_period_end is None or ended < membership.current_period_end):
            membership.current_period_end = ended
    if checkout_session_id:
        membership.stripe_checkout_session_id = checkout_session_id
    membership.save()
    refresh_entitlements(membership.user)
    return membership


@transaction.atomic
def membership_mark_payment_failed(*, subscription_id: str) -> Membership | None:
    """A renewal failed: the member keeps access for the grace period while Stripe retries."""
    membership = Membership.objects.select_for_update().filter(stripe_subscription_id=subscription_id).first()
    if membership is None or membership.status not in (Membership.Status.ACTIVE, Membership.Status.PAST_DUE):
        return membership
    membership.status = Membership.Status.PAST_DUE
    membership.past_due_since = membership.past_due_since or timezone.now()
    membership.save(update_fields=["status", "past_due_since", "updated"])
    return membership


# --- Stripe events ---
def stripe_event_record(*, event_id: str, type: str, payload: dict) -> tuple[StripeEvent, bool]:
    """Store an event once; a replay returns the stored row and created=False."""
    try:
        with transaction.atomic():
            return StripeEvent.objects.get_or_create(event_id=event_id, defaults={"type": type, "payload": payload})
    except IntegrityError:
        return StripeEvent.objects.get(event_id=event_id), False


def stripe_event_enqueue(*, stripe_event: StripeEvent) -> None:
    """Owe the event's processing through the outbox (once while pending)."""
    # robust: a failing handler (tasks run inline in dev) must not turn the webhook's answer into a 500.
    outbox.enqueue(
        "members.tasks.process_stripe_event", stripe_event.pk, key=f"stripe-event:{stripe_event.pk}", robust=True
    )


def stripe_event_process(*, stripe_event: StripeEvent) -> None:
    """Apply one event; on failure record the error and re-raise so the task retries."""
    from .stripe_events import handle_event

    if stripe_event.processed_at:
        return
    try:
        handle_event(stripe_event.type, stripe_event.payload)
    except Exception as exc:
        StripeEvent.objects.filter(pk=stripe_event.pk).update(error=f"{type(exc).__name__}: {exc}"[:2000])
        raise
    StripeEvent.objects.filter(pk=stripe_event.pk).update(processed_at=timezone.now(), error="")


def stripe_events_reconcile(*, hours: int | None = None) -> int:
    """Store and process recent events we missed, and retry stored ones that never finished."""
    from . import payments
    from .stripe_events import HANDLED_TYPES

    hours = hours or settings.STRIPE_RECONCILE_HOURS
    since = timezone.now() - timezone.timedelta(hours=hours)
    known = set(StripeEvent.objects.filter(received_at__gte=since).values_list("event_id", flat=True))
    caught = 0
    for event in payments.list_recent_events(since_timestamp=int(since.timestamp())):
        if event["id"] in known or event.get("type") not in HANDLED_TYPES:
            continue
        stripe_event, created = stripe_event_record(event_id=event["id"], type=event["type"], payload=event)
        if created:
            caught += 1
            stripe_event_enqueue(stripe_event=stripe_event)
    # Events whose retries ran out get another chance here.
    stale = timezone.now() - timezone.timedelta(minutes=30)
    for stripe_event in StripeEvent.objects.filter(processed_at__isnull=True, received_at__range=(since, stale)):
        stripe_event_enqueue(stripe_event=stripe_event)
    return caught


def orders_reconcile(*, hours: int | None = None) -> int:
    """Make recent orders agree with Stripe's current objects; returns how many changed.

    A pending or expired order whose Checkout Session is paid becomes paid; a paid order whose
    charge is refunded or disputed becomes refunded. Missed or reordered webhooks cannot leave
    a buyer paid-and-refunded with access, or charged without it.
    """
    from . import payments

    hours = hours or settings.STRIPE_RECONCILE_HOURS
    since = timezone.now() - timezone.timedelta(hours=hours)
    changed = 0
    recent = Order.objects.filter(created__gte=since)
    for order in recent.filter(status__in=[Order.Status.PENDING, Order.Status.EXPIRED, Order.Status.FAILED]).exclude(
        stripe_checkout_session_id=""
    ):
        session = payments.retrieve_checkout_session(order.stripe_checkout_session_id)
        if session.get("payment_status") in ("paid", "no_payment_required"):
            intent = session.get("payment_intent")
            intent = intent.get("id", "") if isinstance(intent, dict) else (intent or "")
            if order_mark_paid(order=order, payment_intent_id=intent):
                changed += 1
    for order in recent.filter(status=Order.Status.PAID).exclude(stripe_payment_intent_id=""):
        charges = payments.list_charges(order.stripe_payment_intent_id)
        reversed_ = [c for c in charges if c.get("refunded") or c.get("disputed")]
        if reversed_:
            kind = PaymentReversal.Kind.REFUND if reversed_[0].get("refunded") else PaymentReversal.Kind.DISPUTE
            payment_reversal_record(
                payment_intent_id=order.stripe_payment_intent_id, kind=kind, stripe_object_id=reversed_[0].get("id", "")
            )
            changed += 1
    return changed


# --- districts ---
class SeatError(Exception):
    """A seat could not be given; the message is for the teacher or leader."""


def seats_in_use(organization: Organization) -> int:
    return OrganizationMember.objects.filter(organization=organization, has_seat=True).count()


def seats_licensed(organization: Organization, today=None) -> int:
    today = today or timezone.localdate()
    return sum(
        lic.seats for lic in SeatLicense.objects.filter(organization=organization, starts__lte=today, ends__gte=today)
    )


def _current_licenses(organization_id: int, today=None):
    today = today or timezone.localdate()
    return SeatLicense.objects.filter(organization_id=organization_id, starts__lte=today, ends__gte=today)


def _seat_take(organization_id: int) -> SeatLicense | None:
    """One seat from a current license with room, in one conditional UPDATE; None when all are full.

    The CHECK seats_used <= seats refuses any write that would overbook, whatever the caller does.
    """
    for license_ in _current_licenses(organization_id).select_for_update().order_by("-ends", "pk"):
        taken = SeatLicense.objects.filter(pk=license_.pk, seats_used__lt=models.F("seats")).update(
            seats_used=models.F("seats_used") + 1
        )
        if taken:
            return license_
    return None


def seat_release(license_id: int | None) -> None:
    """One seat of the license is free again (the receiver calls it when a seated member's row is deleted)."""
    if license_id:
        SeatLicense.objects.filter(pk=license_id).update(
            seats_used=Greatest(models.F("seats_used") - 1, models.Value(0))
        )


def _seats_carry_over(organization_id: int) -> None:
    """Seated members without a current license's seat (license expired, deleted, or seated before seats
    were counted) take free seats of the current licenses first: a renewal seats them before newcomers."""
    today = timezone.localdate()
    waiting = (
        OrganizationMember.objects.select_for_update()
        .filter(organization_id=organization_id, has_seat=True)
        .exclude(seat_license__in=_current_licenses(organization_id, today))
        .order_by("joined", "pk")
    )
    for member in waiting:
        license_ = _seat_take(organization_id)
        if license_ is None:
            return
        seat_release(member.seat_license_id)
        OrganizationMember.objects.filter(pk=member.pk).update(seat_license=license_)


@transaction.atomic
def organization_seats_assign(*, organization: Organization) -> None:
    """Seated members holding no current license's seat take free ones (demo seeding, repair by hand)."""
    Organization.objects.select_for_update().get(pk=organization.pk)
    _seats_carry_over(organization.pk)


def organization_join(
    *, organization: Organization, user: User, role: str = OrganizationMember.OrgRole.TEACHER
) -> OrganizationMember:
    """Give the user a seat of a current license of the organization; SeatError when every seat is held."""
    with transaction.atomic():
        # Locking the organization row makes concurrent joins queue; the license counters' CHECK is the backstop.
        organization = Organization.objects.select_for_update().get(pk=organization.pk)
        existing = OrganizationMember.objects.filter(organization=organization, user=user).first()
        if existing and existing.has_seat:
            return existing
        _seats_carry_over(organization.pk)
        license_ = _seat_take(organization.pk)
        if license_ is None:
            member = None  # refused after the commit, so the carried-over seats stay carried over
        elif existing:
            existing.has_seat = True
            existing.seat_license = license_
            existing.save(update_fields=["has_seat", "seat_license"])
            member = existing
        else:
            member = OrganizationMember.objects.create(
                organization=organization, user=user, role=role, has_seat=True, seat_license=license_
            )
    if member is None:
        raise SeatError(
            f"All of {organization.name}'s seats are taken. Ask your district leader to free or add a seat."
        )
    refresh_entitlements(user)
    return member


@transaction.atomic
def organization_member_unseat(*, member: OrganizationMember) -> OrganizationMember:
    """The member stays in the organization without a seat; her license's seat is free again."""
    Organization.objects.select_for_update().get(pk=member.organization_id)
    member = OrganizationMember.objects.select_for_update().get(pk=member.pk)
    seat_release(member.seat_license_id)
    member.has_seat = False
    member.seat_license = None
    member.save(update_fields=["has_seat", "seat_license"])
    transaction.on_commit(lambda: refresh_entitlements(member.user))
    return member


@transaction.atomic
def organization_member_remove(*, member: OrganizationMember) -> None:
    """A leader removes a teacher: the seat is released for someone else."""
    Organization.objects.select_for_update().get(pk=member.organization_id)
    user = member.user
    # Her invitation links die with the seat: a removed teacher cannot rejoin with an old token.
    Invitation.objects.filter(organization_id=member.organization_id).filter(
        models.Q(accepted_by=user) | models.Q(email__iexact=user.email)
    ).delete()
    # Deleted through a queryset so the receiver sees the row as stored: it frees her seat in this transaction.
    OrganizationMember.objects.filter(pk=member.pk).delete()
    refresh_entitlements(user)


def invitation_create(
    *, organization: Organization, email: str, invited_by: User | None, email_key: str = ""
) -> Invitation:
    """Invite a teacher by e-mail. An address invited again gets the same link again, under the resend limit
    (members.rules.invitation_resend_refusal), so the invite form cannot flood an inbox either.

    email_key: the e-mail's purpose; with it the invitation reaches the address once for that purpose.
    A withdrawn invitation to the same address comes back to life with a new link; the old one stays dead.
    """
    email = email.strip().lower()
    with transaction.atomic():
        invitation, created = Invitation.objects.select_for_update().get_or_create(
            organization=organization, email=email, defaults={"invited_by": invited_by, "last_sent_at": timezone.now()}
        )
        revived = invitation.is_revoked
        if revived:
            invitation.token = Invitation._meta.get_field("token").get_default()
            invitation.revoked_at = None
            invitation.invited_by = invited_by
            invitation.send_count = 1
            invitation.created = invitation.last_sent_at = timezone.now()
            invitation.save()
        if created or revived:
            _invitation_email(invitation, key=email_key)
        elif invitation.is_pending and not invitation_resend_refusal(invitation):
            # The address typed again: a resend like the dashboard's button, under the same limit.
            invitation.send_count += 1
            invitation.last_sent_at = timezone.now()
            invitation.save(update_fields=["send_count", "last_sent_at"])
            _invitation_email(invitation, key=email_key or f"invitation:{invitation.pk}:send:{invitation.send_count}")
    return invitation


def _invitation_email(invitation: Invitation, *, key: str) -> None:
    url = settings.SITE_URL.rstrip("/") + reverse("members:invitation_accept", args=[invitation.token])
    invited_by, organization = invitation.invited_by, invitation.organization
    inviter = (invited_by.get_full_name() or invited_by.email) if invited_by else "Your district leader"
    email_preferences.send_email(
        to=invitation.email,
        kind=email_preferences.TRANSACTIONAL,
        template_prefix="members/email/invitation",
        context={"organization": organization, "invited_by": invited_by, "accept_url": url},
        because=f"You receive this because {inviter} invited you to join {organization.name} "
        f"on the {settings.WAGTAIL_SITE_NAME}.",
        key=key,
    )


class InvitationError(Exception):
    """A leader's action on an invitation that cannot be done; the message says why, for her."""


def invitation_resend(*, invitation: Invitation, zone=None, now=None) -> Invitation:
    """The leader sends a pending invitation again: the same link, one more e-mail, no more often than the rule
    allows. Each send has its own purpose key (`invitation:<id>:send:<n>`), so a deliberate resend is delivered
    while a retried request for the same send is not."""
    now = now or timezone.now()
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update(of=("self",))
            .select_related("organization", "invited_by")
            .get(pk=invitation.pk)
        )
        refusal = invitation_resend_refusal(invitation, now=now, zone=zone)
        if refusal:
            raise InvitationError(refusal)
        invitation.send_count += 1
        invitation.last_sent_at = now
        invitation.save(update_fields=["send_count", "last_sent_at"])
        _invitation_email(invitation, key=f"invitation:{invitation.pk}:send:{invitation.send_count}")
    return invitation


@transaction.atomic
def invitation_revoke(*, invitation: Invitation) -> Invitation:
    """The leader withdraws a pending invitation: its link no longer gives a seat. Doing it twice changes nothing."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise InvitationError(
            f"{invitation.email} already accepted this invitation. Remove the teacher from the list instead."
        )
    if invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
    return invitation


# --- invitation files (processed by members.tasks.process_invitation_import) ---
@transaction.atomic
def invitation_import_create(
    *, organization: Organization, uploaded_by: User, rows: list[list[str]]
) -> InvitationImport:
    """Keep the checked rows and owe their processing in one transaction: a broker down now delays, never loses."""
    job = InvitationImport.objects.create(
        organization=organization, uploaded_by=uploaded_by, rows=rows, total=len(rows)
    )
    outbox.enqueue("members.tasks.process_invitation_import", job.pk, key=f"invitation-import:{job.pk}", robust=True)
    return job


def _import_row_address(cells: list[str]) -> str:
    return next((cell for cell in cells if "@" in cell), "")


def _import_skip_reason(job: InvitationImport, address: str, seen: set[str]) -> str:
    """Why a row is not invited ("" when it is); `seen` holds the file's addresses above it."""
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    if not address:
        return "No e-mail address in this row."
    try:
        validate_email(address)
    except ValidationError:
        return "This is not a valid e-mail address."
    if address.lower() in seen:
        return "This address is repeated earlier in the file."
    if OrganizationMember.objects.filter(organization_id=job.organization_id, user__email__iexact=address).exists():
        return "This teacher is already in your district."
    earlier = Invitation.objects.filter(
        organization_id=job.organization_id, email=address.lower(), revoked_at__isnull=True
    ).first()
    if earlier is not None and earlier.accepted_at:
        return "This invitation was already accepted."
    if earlier is not None and earlier.created < job.created:
        return f"Already invited on {earlier.created:%B %-d, %Y}; still waiting for an answer."
    return ""


def invitation_import_process(*, job_id: int) -> InvitationImport | None:
    """Invite the rows of a file in batches; each batch commits with its progress, so a re-run resumes.

    Idempotent: rows already counted are not looked at again; a row done again after lost progress finds its
    invitation and owes no second e-mail; each e-mail has the key `invitation-import:<job>` (once per address).
    """
    batch_size = max(1, int(getattr(settings, "INVITE_IMPORT_BATCH_SIZE", 50)))
    job = InvitationImport.objects.filter(pk=job_id).first()
    if job is None or job.status == InvitationImport.Status.DONE:
        return job
    InvitationImport.objects.filter(pk=job_id).update(
        status=InvitationImport.Status.RUNNING, started_at=job.started_at or timezone.now(), error=""
    )
    try:
        while True:
            with transaction.atomic():
                job = InvitationImport.objects.select_for_update().select_related("organization").get(pk=job_id)
                if job.processed >= job.total:
                    break
                seen = {_import_row_address(cells).lower() for cells in job.rows[: job.processed]} - {""}
                for index in range(job.processed, min(job.processed + batch_size, job.total)):
                    cells = job.rows[index]
                    address = _import_row_address(cells)
                    reason = _import_skip_reason(job, address, seen)
                    seen.add(address.lower())
                    if reason:
                        job.skipped.append({"row": index + 1, "value": address or ", ".join(cells), "reason": reason})
                    else:
                        # An invitation made since the upload is this job's (its progress was lost): owed already.
                        if not Invitation.objects.filter(
                            organization_id=job.organization_id, email=address.lower(), revoked_at__isnull=True
                        ).exists():
                            invitation_create(
                                organization=job.organization,
                                email=address,
                                invited_by=job.uploaded_by,
                                email_key=f"invitation-import:{job.pk}",
                            )
                        job.invited.append(address.lower())
                    job.processed = index + 1
                job.save(update_fields=["processed", "invited", "skipped"])
    except Exception as exc:
        if not isinstance(exc, outbox.TRANSIENT_ERRORS):  # a transient error is retried by the task; this one is not
            InvitationImport.objects.filter(pk=job_id).update(
                status=InvitationImport.Status.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000]
            )
        raise
    InvitationImport.objects.filter(pk=job_id).update(status=InvitationImport.Status.DONE, finished_at=timezone.now())
    job.refresh_from_db()
    return job


def invitation_matches_user(*, invitation: Invitation, user: User) -> bool:
    """An invitation is bound to its address: only an account that verified that address may take it."""
    from allauth.account.models import EmailAddress

    return EmailAddress.objects.filter(user=user, email__iexact=invitation.email, verified=True).exists()


INVITATION_WITHDRAWN = (
    "This invitation was withdrawn by your district leader, so its link no longer gives a seat. "
    "Ask your district leader to invite you again if you still need one."
)


def invitation_accept(*, invitation: Invitation, user: User) -> OrganizationMember:
    """The signed-in teacher takes the invitation: she joins and a seat is consumed."""
    if invitation.is_revoked:
        raise SeatError(INVITATION_WITHDRAWN)
    if not invitation_matches_user(invitation=invitation, user=user):
        raise SeatError(
            "This invitation was sent to a different e-mail address. Sign in with the address it was sent to "
            "(and confirm that address), or ask your district leader to invite the address you use here."
        )
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.is_revoked:
            raise SeatError(INVITATION_WITHDRAWN)
        if invitation.accepted_at and invitation.accepted_by_id not in (None, user.pk):
            raise SeatError("This invitation has already been used. Ask your district leader for a new one.")
        member = organization_join(organization=invitation.organization, user=user)
        invitation.accepted_at = invitation.accepted_at or timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
    return member


def organization_auto_join(*, user: User, email: str) -> OrganizationMember | None:
    """A verified address in an organization's domain joins it when the leader turned that on."""
    domain = email.rsplit("@", 1)[-1].lower()
    for organization in Organization.objects.filter(auto_join_by_domain=True):
        if domain in [d.lower().lstrip("@") for d in organization.email_domains]:
            try:
                return organization_join(organization=organization, user=user)
            except SeatError:
                logger.info("No free seat in %s for %s", organization, email)
                return None
    return None


# --- account data ---
def transcript_record_for(*, user: User, holder_name: str, lines: list[dict], total_hours) -> TranscriptRecord:
    """The record (and verify code) of this exact transcript, issued once: same content, same code.

    Downloading the PDF again does not mint a new code; a new course or a name change does.
    The unique (user, content_hash) constraint keeps one record even when two downloads race.
    """
    import hashlib
    import json
    from decimal import Decimal

    content = json.dumps(
        {"holder": holder_name, "lines": lines, "total": str(Decimal(total_hours).quantize(Decimal("0.01")))},
        sort_keys=True,
    )
    content_hash = hashlib.sha256(content.encode()).hexdigest()
    existing = TranscriptRecord.objects.filter(user=user, content_hash=content_hash).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return TranscriptRecord.objects.create(
                user=user, holder_name=holder_name, lines=lines, total_hours=total_hours, content_hash=content_hash
            )
    except IntegrityError:
        return TranscriptRecord.objects.get(user=user, content_hash=content_hash)


@transaction.atomic
def account_delete(*, user: User) -> None:
    """Delete what identifies the person; learning records stay only as anonymous counts."""
    from allauth.account.models import EmailAddress

    signals.account_deleting.send(sender=User, user=user)
    EmailAddress.objects.filter(user=user).delete()
    OrganizationMember.objects.filter(user=user).delete()  # each deleted row frees its seat (post_delete)
    Invitation.objects.filter(email__iexact=user.email, accepted_at__isnull=True).delete()
    TranscriptRecord.objects.filter(user=user).update(user=None)
    Membership.objects.filter(user=user).update(stripe_customer_id="")
    user.email = f"deleted-{user.pk}-{secrets.token_hex(4)}@deleted.invalid"
    user.first_name = ""
    user.last_name = ""
    user.school = ""
    user.district = ""
    user.grades_taught = []
    user.role = ""
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.set_unusable_password()
    user.save()
    user.groups.clear()
    refresh_entitlements(user)


@transaction.atomic
def organization_member_set_coach(*, member: OrganizationMember, is_coach: bool) -> OrganizationMember:
    """A leader names a teacher her district's coach, or makes a coach a teacher again (leaders stay leaders)."""
    member = OrganizationMember.objects.select_for_update().get(pk=member.pk)
    if member.role == OrganizationMember.OrgRole.LEADER:
        return member
    role = OrganizationMember.OrgRole.COACH if is_coach else OrganizationMember.OrgRole.TEACHER
    if member.role != role:
        member.role = role
        member.save(update_fields=["role"])
    return member


@transaction.atomic
def organization_set_student_work_retention(*, organization: Organization, days: int) -> Organization:
    organization.student_work_retention_days = days
    organization.save(update_fields=["student_work_retention_days"])
    return organization


@transaction.atomic
def organization_set_auto_join(*, organization: Organization, enabled: bool) -> Organization:
    organization.auto_join_by_domain = enabled
    organization.save(update_fields=["auto_join_by_domain"])
    return organization
