import json
import logging

import stripe
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from core.params import parse_id, parse_int
from core.timezones import zone_named

from . import email_preferences as email_prefs
from . import payments, selectors, services
from .access import can_manage_invitations, can_view_organization, entitlements_for
from .forms import AccountDeleteForm, EmailPreferencesForm, ProfileForm
from .models import Invitation, Membership, MembershipPlan, Order, Organization, OrganizationMember

logger = logging.getLogger(__name__)


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.profile_update(user=request.user, data=form.cleaned_data)
        messages.success(request, "Your profile is saved.")
        return redirect("members:profile")
    return render(request, "members/profile.html", {"form": form})


# --- membership and billing ---
def join(request):
    """Membership plans, what they unlock, and Subscribe buttons that go to Stripe Checkout."""
    plans = MembershipPlan.objects.filter(is_active=True)
    status = selectors.membership_status(user=request.user) if request.user.is_authenticated else None
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('account_login')}?next={reverse('members:join')}")
        plan_id = parse_id(request.POST.get("plan"))
        plan = plans.filter(pk=plan_id).first() if plan_id else None
        if plan is None:
            messages.error(request, "Please choose one of the plans below.")
        elif status and status.is_member and status.source == "subscription":
            messages.info(request, "You are already a member. Manage your plan from My learning.")
            return redirect("members:dashboard")
        else:
            try:
                return redirect(payments.start_subscription_checkout(request=request, user=request.user, plan=plan))
            except (payments.PaymentError, stripe.StripeError) as exc:
                logger.warning("Subscription checkout failed: %s", exc)
                messages.error(request, _payment_message(exc))
    return render(request, "members/join.html", {"plans": plans, "status": status})


def _payment_message(exc) -> str:
    if isinstance(exc, payments.PaymentError):
        return str(exc)
    return "We could not reach our payment provider just now. Nothing was charged; please try again in a minute."


@login_required
@require_POST
def billing_portal(request):
    try:
        return redirect(payments.billing_portal_url(request=request, user=request.user))
    except (payments.PaymentError, stripe.StripeError) as exc:
        messages.error(request, _payment_message(exc))
        return redirect("members:dashboard")


@login_required
@require_POST
def membership_cancel(request):
    """Our own cancel-at-period-end, for when the Stripe portal is not available."""
    membership = (
        Membership.objects.filter(user=request.user, stripe_subscription_id__isnull=False)
        .exclude(status__in=[Membership.Status.CANCELED, Membership.Status.INCOMPLETE_EXPIRED])
        .order_by("-created")
        .first()
    )
    if membership is None:
        messages.error(request, "We could not find a membership to cancel.")
        return redirect("members:dashboard")
    try:
        membership = payments.cancel_subscription_at_period_end(membership=membership)
    except (payments.PaymentError, stripe.StripeError) as exc:
        messages.error(request, _payment_message(exc))
        return redirect("members:dashboard")
    when = f" on {membership.current_period_end:%B %-d, %Y}" if membership and membership.current_period_end else ""
    messages.success(request, f"Your membership will not renew. You keep member access until it ends{when}.")
    return redirect("members:dashboard")


@login_required
def billing_success(request):
    """Stripe sends the buyer here; we show "processing" until the verified webhook has landed."""
    session_id = request.GET.get("session_id", "")[:255]
    tries = parse_int(request.GET.get("tries"), default=0, minimum=0, maximum=1000)
    order = (
        Order.objects.filter(stripe_checkout_session_id=session_id, user=request.user).select_related("page").first()
    )
    membership = None
    if order is None and session_id:
        membership = Membership.objects.filter(stripe_checkout_session_id=session_id, user=request.user).first()
    done = (order is not None and order.status != Order.Status.PENDING) or membership is not None
    context = {
        "order": order,
        "membership": membership,
        "done": done,
        "tries": tries,
        "gave_up": tries >= 20,
        "refresh_url": f"{request.path}?session_id={session_id}&tries={tries + 1}",
        "page_url": order.page.url if order and order.page_id else "",
    }
    return render(request, "members/billing_success.html", context)


@csrf_exempt
@require_POST
def stripe_webhook(request):
    """Verify the signature, store the event once, and let a Celery task process it."""
    payload = request.body
    signature = request.headers.get("Stripe-Signature", "")
    try:
        stripe.WebhookSignature.verify_header(
            payload.decode("utf-8"), signature, settings.STRIPE_WEBHOOK_SECRET, stripe.Webhook.DEFAULT_TOLERANCE
        )
        data = json.loads(payload)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return HttpResponseBadRequest("Invalid payload")
    except stripe.SignatureVerificationError:
        return HttpResponseBadRequest("Invalid signature")
    # A signed body is still only as good as its shape: an object with a string id and type.
    if not (isinstance(data, dict) and isinstance(data.get("id"), str) and isinstance(data.get("type"), str)):
        return HttpResponseBadRequest("Invalid payload: an event object with an id and a type is expected")
    if not data["id"] or len(data["id"]) > 255 or len(data["type"]) > 120 or not isinstance(data.get("data", {}), dict):
        return HttpResponseBadRequest("Invalid payload")
    # The event and its owed processing commit together; the answer never waits on the broker.
    with transaction.atomic():
        stripe_event, created = services.stripe_event_record(event_id=data["id"], type=data["type"], payload=data)
        if created:
            services.stripe_event_enqueue(stripe_event=stripe_event)
    return JsonResponse({"received": True, "duplicate": not created})


def transcript_verify(request, code):
    record = selectors.transcript_record_by_code(code=code)
    status = 200 if record else 404
    return render(request, "members/transcript_verify.html", {"record": record, "code": code}, status=status)


# --- account data ---
@login_required
def account_data(request):
    form = AccountDeleteForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        services.account_delete(user=user)
        messages.success(request, "Your account is deleted. Thank you for learning with us.")
        return redirect("/")
    return render(request, "members/account_data.html", {"form": form})


# --- districts ---
def organization_for_leader(request, org_id) -> Organization:
    """The organization, if this user may see its dashboard (its leaders and staff); 403 otherwise."""
    organization = get_object_or_404(Organization, pk=org_id)
    decision = can_view_organization(request.user, organization)
    if not decision:
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied(decision.message)
    return organization


@login_required
def district_invitation_import(request, org_id, job_id):
    """The progress of an uploaded file; it refreshes itself (a meta refresh: CSP allows no inline script)."""
    organization = get_object_or_404(Organization, pk=org_id)
    # 404, not 403: another district's leader learns nothing about this district's uploads.
    if not can_view_organization(request.user, organization):
        raise Http404
    job = selectors.invitation_import(organization=organization, job_id=job_id)
    if job is None:
        raise Http404
    return render(request, "members/invitation_import.html", {"organization": organization, "job": job})


@login_required
@require_POST
def district_member_remove(request, org_id, member_id):
    organization = organization_for_leader(request, org_id)
    member = get_object_or_404(OrganizationMember, pk=member_id, organization=organization)
    if member.user_id == request.user.pk:
        messages.error(request, "You cannot remove yourself. Ask our staff to change your organization's leader.")
    else:
        name = str(member.user)
        services.organization_member_remove(member=member)
        messages.success(request, f"{name} was removed and the seat is free again.")
    return redirect("members:district_dashboard", org_id=organization.pk)


@login_required
@require_POST
def district_member_coach(request, org_id, member_id):
    """The leader names a teacher the district's coach, or takes the role back (a POST; leaders only)."""
    organization = organization_for_leader(request, org_id)
    member = get_object_or_404(OrganizationMember, pk=member_id, organization=organization)
    member = services.organization_member_set_coach(member=member, is_coach=request.POST.get("coach") == "on")
    if member.role == OrganizationMember.OrgRole.COACH:
        messages.success(request, f"{member.user} is now a coach: teachers can share their work with her.")
    else:
        messages.success(request, f"{member.user} is not a coach.")
    return redirect("members:district_dashboard", org_id=organization.pk)


RETENTION_DAYS_RANGE = (30, 3650)


@login_required
@require_POST
def district_settings(request, org_id):
    organization = organization_for_leader(request, org_id)
    services.organization_set_auto_join(organization=organization, enabled=request.POST.get("auto_join") == "on")
    if "retention_days" in request.POST:
        days = parse_int(request.POST.get("retention_days"))
        low, high = RETENTION_DAYS_RANGE
        if days is None or not low <= days <= high:
            messages.error(request, f"Keep student work between {low} and {high} days.")
            return redirect("members:district_dashboard", org_id=organization.pk)
        services.organization_set_student_work_retention(organization=organization, days=days)
    messages.success(request, "Settings saved.")
    return redirect("members:district_dashboard", org_id=organization.pk)


def _invitation_led_by(request, org_id, invitation_id) -> Invitation:
    """A pending or withdrawn invitation of a district this user leads; 404 for anyone else (they learn nothing)."""
    organization = get_object_or_404(Organization, pk=org_id)
    if not can_manage_invitations(request.user, organization):
        raise Http404
    return get_object_or_404(Invitation, pk=invitation_id, organization=organization)


@login_required
@require_POST
def district_invitation_resend(request, org_id, invitation_id):
    invitation = _invitation_led_by(request, org_id, invitation_id)
    try:
        services.invitation_resend(invitation=invitation, zone=zone_named(request.user.time_zone))
    except services.InvitationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"The invitation to {invitation.email} was sent again, with the same link.")
    return redirect(reverse("members:district_dashboard", args=[org_id]) + "#pending")


@login_required
@require_POST
def district_invitation_revoke(request, org_id, invitation_id):
    invitation = _invitation_led_by(request, org_id, invitation_id)
    try:
        services.invitation_revoke(invitation=invitation)
    except services.InvitationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"The invitation to {invitation.email} is withdrawn: its link no longer works.")
    return redirect(reverse("members:district_dashboard", args=[org_id]) + "#pending")


def invitation_accept(request, token):
    """Join by invitation link: sign in or sign up first, then confirm to take a seat."""
    invitation = Invitation.objects.filter(token=token).select_related("organization").first()
    if invitation is None:
        return render(request, "members/invitation.html", {"invitation": None}, status=404)
    if invitation.is_revoked:
        # Gone for good, said plainly: the teacher knows whom to ask and nothing is consumed.
        context = {"invitation": invitation, "withdrawn": services.INVITATION_WITHDRAWN}
        return render(request, "members/invitation.html", context, status=410 if request.method == "POST" else 200)
    error = ""
    if request.method == "POST" and request.user.is_authenticated:
        try:
            services.invitation_accept(invitation=invitation, user=request.user)
        except services.SeatError as exc:
            error = str(exc)
        else:
            messages.success(request, f"Welcome to {invitation.organization.name}. Your member access is ready.")
            return redirect("members:dashboard")
    already = request.user.is_authenticated and entitlements_for(request.user).seat_membership is not None
    matches = request.user.is_authenticated and services.invitation_matches_user(
        invitation=invitation, user=request.user
    )
    return render(
        request,
        "members/invitation.html",
        {
            "invitation": invitation,
            "error": error,
            "already_seated": already,
            "address_matches": matches,
            "next": request.path,
        },
        status=409 if error else 200,
    )


# --- e-mail preferences (signed in, or through the signed link in every e-mail) ---
@login_required
def email_preferences(request):
    return _email_preferences_page(request, email=request.user.email, signed_in=True)


def email_preferences_link(request, email_token):
    try:
        email, _ = email_prefs.read_link_token(email_token)
    except (email_prefs.LinkExpired, email_prefs.LinkInvalid) as exc:
        return _email_link_refused(request, exc)
    return _email_preferences_page(request, email=email, signed_in=False)


def _email_preferences_page(request, *, email: str, signed_in: bool):
    preference = selectors.email_preference_for(email=email)
    initial = {"reminders": preference.reminders, "notifications": preference.notifications}
    form = EmailPreferencesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.email_preferences_update(email=email, **form.cleaned_data)
        messages.success(request, "Your e-mail preferences are saved.")
        return redirect(request.path)
    return render(request, "members/email_preferences.html", {"form": form, "email": email, "signed_in": signed_in})


@csrf_exempt  # RFC 8058: the mail provider POSTs "List-Unsubscribe=One-Click" with no cookie; the token is the key.
def email_unsubscribe(request, email_token):
    """GET asks (a person who opened the link); POST turns that kind of e-mail off at once (one click)."""
    try:
        email, kind = email_prefs.read_link_token(email_token)
    except (email_prefs.LinkExpired, email_prefs.LinkInvalid) as exc:
        return _email_link_refused(request, exc)
    kinds = [kind] if kind else list(email_prefs.OPTIONAL_KINDS)
    done = request.method == "POST"
    if done:
        services.email_preferences_update(email=email, **{k: False for k in kinds})
    context = {
        "email": email,
        "kinds": [EmailPreferencesForm.base_fields[k].label.lower() for k in kinds],
        "done": done,
        "preferences_url": reverse("members:email_preferences_link", args=[email_token]),
    }
    return render(request, "members/email_unsubscribe.html", context)


def _email_link_refused(request, exc):
    expired = isinstance(exc, email_prefs.LinkExpired)
    return render(request, "members/email_link_invalid.html", {"expired": expired}, status=400)
