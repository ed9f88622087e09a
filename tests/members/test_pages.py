"""The member-facing pages: join, success, My learning, billing buttons, seed."""

import pytest
from django.urls import reverse

from members.factories import MembershipFactory, MembershipPlanFactory, OrderFactory
from members.models import Membership, Order

pytestmark = pytest.mark.django_db


def test_join_page_lists_plans_and_district_info(client, home_page):
    MembershipPlanFactory(name="Yearly membership", amount_cents=12900)
    response = client.get(reverse("members:join"))
    assert response.status_code == 200
    assert b"Yearly membership" in response.content and b"$129" in response.content
    assert b"Create an account to join" in response.content
    assert b"district" in response.content


def test_subscribe_button_goes_to_checkout(client, user, fake_stripe, home_page):
    plan = MembershipPlanFactory(stripe_price_id="price_join")
    client.force_login(user)
    page = client.get(reverse("members:join"))
    assert b"Subscribe" in page.content
    response = client.post(reverse("members:join"), {"plan": plan.pk})
    assert response.status_code == 302
    assert response["Location"].startswith("https://checkout.stripe.com/")
    assert fake_stripe.last("POST", "/v1/checkout/sessions").params["line_items"][0]["price"] == "price_join"


def test_subscribe_when_stripe_is_down_explains(client, user, fake_stripe, home_page):
    plan = MembershipPlanFactory()
    fake_stripe.fail_with = 500
    client.force_login(user)
    response = client.post(reverse("members:join"), {"plan": plan.pk}, follow=True)
    assert response.status_code == 200
    assert b"Nothing was charged" in response.content


def test_anonymous_subscribe_is_sent_to_sign_in(client, home_page):
    plan = MembershipPlanFactory()
    response = client.post(reverse("members:join"), {"plan": plan.pk})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_success_page_processing_then_done(client, user, home_page):
    order = OrderFactory(user=user, page=home_page, stripe_checkout_session_id="cs_wait", kind=Order.Kind.COURSE)
    client.force_login(user)
    url = reverse("members:billing_success") + "?session_id=cs_wait"
    waiting = client.get(url)
    assert b"Processing" in waiting.content
    assert b'http-equiv="refresh"' in waiting.content
    Order.objects.filter(pk=order.pk).update(status=Order.Status.PAID)
    done = client.get(url)
    assert b'http-equiv="refresh"' not in done.content
    assert b"Payment received" in done.content and b"Start the course" in done.content


def test_success_page_gives_up_refreshing(client, user):
    client.force_login(user)
    response = client.get(reverse("members:billing_success") + "?session_id=cs_x&tries=20")
    assert b'http-equiv="refresh"' not in response.content
    assert b"Still waiting" in response.content


def test_success_page_membership_welcome(client, user):
    MembershipFactory(user=user, stripe_checkout_session_id="cs_member")
    client.force_login(user)
    response = client.get(reverse("members:billing_success") + "?session_id=cs_member")
    assert b"Welcome, member" in response.content


def test_success_page_never_shows_someone_elses_order(client, user, member):
    OrderFactory(user=member, stripe_checkout_session_id="cs_theirs", status=Order.Status.PAID)
    client.force_login(user)
    response = client.get(reverse("members:billing_success") + "?session_id=cs_theirs")
    assert b"Payment received" not in response.content


def test_dashboard_shows_membership_status(client, member, home_page):
    client.force_login(member)
    response = client.get(reverse("members:dashboard"))
    assert response.status_code == 200
    assert b"Manage billing" in response.content and b"Renews on" in response.content


def test_dashboard_for_free_account(client, user, home_page):
    client.force_login(user)
    response = client.get(reverse("members:dashboard"))
    assert b"See membership options" in response.content


def test_dashboard_for_district_seat(client, seat_teacher, home_page):
    client.force_login(seat_teacher)
    response = client.get(reverse("members:dashboard"))
    assert b"Your seat is provided by" in response.content


def test_manage_billing_redirects_to_portal(client, member, fake_stripe):
    client.force_login(member)
    response = client.post(reverse("members:billing_portal"))
    assert response.status_code == 302 and response["Location"].startswith("https://billing.stripe.com/")


def test_cancel_fallback_from_dashboard(client, member, fake_stripe, home_page):
    membership = Membership.objects.get(user=member)
    fake_stripe.add_subscription(
        subscription_id=membership.stripe_subscription_id, metadata={"user_id": str(member.pk)}
    )
    client.force_login(member)
    response = client.post(reverse("members:membership_cancel"), follow=True)
    assert b"will not renew" in response.content
    membership.refresh_from_db()
    assert membership.cancel_at_period_end


def test_seed_is_idempotent():
    import io

    from members import demo
    from members.models import Invitation, OrganizationMember

    demo.seed(stdout=io.StringIO())
    demo.seed(stdout=io.StringIO())
    assert OrganizationMember.objects.filter(has_seat=True).count() == 2 + len(demo.DISTRICT_TEACHERS)
    assert Invitation.objects.filter(accepted_at__isnull=True).count() == 1
    # Every seeded seat is held on the license's counter, once.
    from members.models import SeatLicense

    assert SeatLicense.objects.get().seats_used == 2 + len(demo.DISTRICT_TEACHERS)
    assert not OrganizationMember.objects.filter(has_seat=True, seat_license__isnull=True).exists()
