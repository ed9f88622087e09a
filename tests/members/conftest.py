# The workshop fixtures, for the e-mail tests that register people for workshops.
from tests.events.conftest import committed, event_index, make_event  # noqa: F401
