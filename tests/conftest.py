import os
import socket

import pytest


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    """Everything under tests/e2e/ is a browser journey; `make test` runs them last."""
    for item in items:
        if "/tests/e2e/" in str(item.path):
            item.add_marker(pytest.mark.e2e)
    # A plain `pytest` run keeps the browser journeys last, as `make test` does.
    items.sort(key=lambda item: "/tests/e2e/" in str(item.path))


def service_available(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def require_service(name: str, host: str, port: int) -> None:
    """Skip when a real service is missing, but fail under CI (REQUIRE_SERVICES=1)."""
    if service_available(host, port):
        return
    message = f"{name} is not running on {host}:{port}"
    if os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail(message + " (REQUIRE_SERVICES=1)")
    pytest.skip(message)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: a Site or page cached by an earlier test's rolled-back rows is gone."""
    from django.core.cache import cache

    from core.page_cache import forget_local_copies

    cache.clear()
    forget_local_copies()


@pytest.fixture
def home_page(db):
    from home.factories import site_home

    return site_home()


@pytest.fixture
def user(db):
    from members.factories import UserFactory

    return UserFactory(email="free@example.org")


@pytest.fixture
def member(db):
    from members.factories import MembershipFactory

    return MembershipFactory(user__email="member@example.org").user


@pytest.fixture
def seat_teacher(db):
    from members.factories import OrganizationMemberFactory, SeatLicenseFactory

    license_ = SeatLicenseFactory()
    return OrganizationMemberFactory(organization=license_.organization, user__email="seat@example.org").user


@pytest.fixture
def staff(db):
    from members.factories import StaffFactory

    return StaffFactory(email="editor@example.org", is_superuser=True)


@pytest.fixture
def fake_stripe():
    """The real Stripe SDK talking to an in-memory fake (tests/members/stripe_fakes.py); no network."""
    from members import payments
    from tests.members.stripe_fakes import FakeStripeHTTPClient

    transport = FakeStripeHTTPClient()
    payments.set_http_client(transport)
    yield transport
    payments.set_http_client(None)
