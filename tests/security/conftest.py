# The apps' page builders, shared with the security tests.
from tests.courses.conftest import catalogue, course_builder  # noqa: F401
from tests.events.conftest import event_index, make_event, make_user  # noqa: F401
from tests.resources.conftest import library  # noqa: F401
