import pytest

# The apps' page builders, shared with the security tests.
from tests.courses.conftest import catalogue, course_builder  # noqa: F401
from tests.events.conftest import event_index, make_event, make_user  # noqa: F401
from tests.resources.conftest import library  # noqa: F401


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    """Every security test runs with the anonymous page cache on, so a leak through it shows up here."""
    from django.core.cache import cache

    settings.PAGE_CACHE_SECONDS = 300
    cache.clear()
    yield
    cache.clear()
