from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone


@pytest.fixture
def event_index(home_page):
    from events.factories import EventIndexPageFactory

    return EventIndexPageFactory(parent=home_page)


@pytest.fixture
def make_event(event_index):
    """make_event(capacity=2, price="49", ...) -> a live EventPage under the calendar."""
    from events.factories import EventPageFactory

    def make(**kwargs):
        for key in ("price", "member_price", "pd_hours"):
            if key in kwargs and kwargs[key] is not None:
                kwargs[key] = Decimal(str(kwargs[key]))
        return EventPageFactory(parent=event_index, **kwargs)

    return make


@pytest.fixture
def make_user(db):
    from members.factories import UserFactory

    def make(email=None, **kwargs):
        if email:
            kwargs["email"] = email
        return UserFactory(**kwargs)

    return make


def days(n):
    return timezone.now() + timedelta(days=n)


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """`with committed():` runs the on-commit work (e-mails, Celery tasks) as a real commit would."""

    def block():
        return django_capture_on_commit_callbacks(execute=True)

    return block
