"""Membership with its grace period is one rule on Membership: the Python answer, the query, the dashboard."""

from datetime import timedelta

import pytest
from django.utils import timezone

from members.factories import MembershipFactory
from members.models import Membership
from members.selectors import membership_status

pytestmark = pytest.mark.django_db

S = Membership.Status


@pytest.mark.parametrize(
    "status, past_due_days, period_days",
    [
        (S.ACTIVE, None, 10),
        (S.ACTIVE, None, -1),
        (S.TRIALING, None, 3),
        (S.PAST_DUE, 2, 10),
        (S.PAST_DUE, 8, 10),
        (S.PAST_DUE, 2, -1),
        (S.PAST_DUE, None, 10),
        (S.CANCELED, None, 10),
        (S.UNPAID, None, 10),
    ],
)
def test_grants_access_and_access_q_agree(settings, status, past_due_days, period_days):
    settings.MEMBERSHIP_GRACE_DAYS = 7
    now = timezone.now()
    membership = MembershipFactory(
        status=status,
        past_due_since=None if past_due_days is None else now - timedelta(days=past_due_days),
        current_period_end=now + timedelta(days=period_days),
    )
    in_query = Membership.objects.filter(Membership.access_q(now), pk=membership.pk).exists()
    assert in_query == membership.grants_access(now)
    expected = period_days > 0 and (status in Membership.PAYING or (past_due_days is not None and past_due_days < 7))
    assert membership.grants_access(now) is expected


def test_the_dashboard_names_the_day_the_grace_period_ends(settings):
    settings.MEMBERSHIP_GRACE_DAYS = 7
    since = timezone.now() - timedelta(days=2)
    membership = MembershipFactory(status=S.PAST_DUE, past_due_since=since)
    assert membership.grace_ends_at == since + timedelta(days=7)
    status = membership_status(user=membership.user)
    assert status.is_member
    assert f"{membership.grace_ends_at:%B %-d}" in status.note


def test_a_person_with_several_memberships_holds_the_longest_one_that_grants_access(user):
    """Entitlements load every membership once; the one that counts is the longest granting one."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from members.access import entitlements_for, refresh_entitlements

    now = timezone.now()
    MembershipFactory(user=user, status=S.ACTIVE, current_period_end=now + timedelta(days=400))
    longest = MembershipFactory(user=user, status=S.ACTIVE, current_period_end=now + timedelta(days=900))
    MembershipFactory(user=user, status=S.CANCELED, current_period_end=now + timedelta(days=2000))
    latest = MembershipFactory(user=user, status=S.ACTIVE, current_period_end=now - timedelta(days=1))
    refresh_entitlements(user)

    with CaptureQueriesContext(connection) as queries:
        held = entitlements_for(user).active_membership
        status = membership_status(user=user)

    assert held == longest
    assert status.is_member and status.membership == longest
    assert entitlements_for(user).memberships[0] == latest  # the newest decides "Manage billing"
    assert len(queries) == 1
