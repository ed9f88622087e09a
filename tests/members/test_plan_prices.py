"""Staff type a membership plan's price in dollars; Stripe and the database keep cents."""

import pytest
from django.urls import reverse

from members.models import MembershipPlan

pytestmark = pytest.mark.django_db


def test_a_plan_is_priced_in_dollars_in_the_admin(client, staff):
    client.force_login(staff)
    add_url = reverse("wagtailsnippets_members_membershipplan:add")
    form = client.get(add_url).content.decode()
    assert "Price (USD)" in form
    response = client.post(
        add_url,
        {
            "name": "Individual (yearly)",
            "description": "",
            "stripe_price_id": "price_123",
            "interval": "year",
            "amount_cents": "99.00",
            "is_active": "on",
            "sort_order": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    plan = MembershipPlan.objects.get(name="Individual (yearly)")
    assert plan.amount_cents == 9900
    edit = client.get(reverse("wagtailsnippets_members_membershipplan:edit", args=[plan.pk])).content.decode()
    assert 'value="99.00"' in edit
    listing = client.get(reverse("wagtailsnippets_members_membershipplan:list")).content.decode()
    assert "99.00" in listing
