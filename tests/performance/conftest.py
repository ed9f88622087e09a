import pytest

# The page builders of the apps' own tests.
from tests.courses.conftest import catalogue, course_builder  # noqa: F401
from tests.events.conftest import event_index, make_event, make_user  # noqa: F401
from tests.resources.conftest import library  # noqa: F401


@pytest.fixture
def page_cache(settings):
    """The anonymous page cache switched on (test settings keep it off), starting empty."""
    from django.core.cache import cache

    settings.PAGE_CACHE_SECONDS = 300
    cache.clear()
    yield
    cache.clear()
