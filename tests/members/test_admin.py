"""Staff manage districts and billing records in the Wagtail admin."""

import pytest
from django.urls import reverse

from members.factories import MembershipFactory, OrderFactory, SeatLicenseFactory
from members.models import StripeEvent

pytestmark = pytest.mark.django_db

MODELS = ["organization", "seatlicense", "invitation", "membershipplan", "membership", "order", "stripeevent"]


@pytest.mark.parametrize("model", MODELS)
def test_staff_can_list(client, staff, model):
    SeatLicenseFactory()
    MembershipFactory()
    OrderFactory()
    StripeEvent.objects.create(event_id="evt_1", type="invoice.paid", payload={})
    client.force_login(staff)
    response = client.get(reverse(f"wagtailsnippets_members_{model}:list"))
    assert response.status_code == 200


def test_staff_create_organization_and_license(client, staff):
    from members.models import Organization, SeatLicense

    client.force_login(staff)
    response = client.post(
        reverse("wagtailsnippets_members_organization:add"),
        {
            "name": "Lakeside Schools",
            "email_domains": '["lakeside.example.org"]',
            "billing_contact": "AP",
            "student_work_retention_days": "365",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    org = Organization.objects.get(name="Lakeside Schools")
    response = client.post(
        reverse("wagtailsnippets_members_seatlicense:add"),
        {
            "organization": org.pk,
            "seats": 12,
            "starts": "2026-07-01",
            "ends": "2027-06-30",
            "invoice_reference": "PO-9",
        },
    )
    assert response.status_code == 302
    assert SeatLicense.objects.get(organization=org).seats == 12


def test_stripe_events_and_orders_are_read_only(client, staff):
    event = StripeEvent.objects.create(event_id="evt_ro", type="invoice.paid", payload={"id": "evt_ro"})
    order = OrderFactory()
    client.force_login(staff)
    assert client.get(reverse("wagtailsnippets_members_stripeevent:edit", args=[event.pk])).status_code in (302, 403)
    assert client.get(reverse("wagtailsnippets_members_order:add")).status_code in (302, 403)
    assert client.get(reverse("wagtailsnippets_members_stripeevent:inspect", args=[event.pk])).status_code == 200
    assert client.get(reverse("wagtailsnippets_members_order:inspect", args=[order.pk])).status_code == 200


def test_teachers_cannot_reach_the_admin_lists(client, user):
    client.force_login(user)
    response = client.get(reverse("wagtailsnippets_members_order:list"))
    assert response.status_code in (302, 403)
