# Historical migrations (courses 0002, events 0002, home 0003) import the field by this path; it lives in core.
from core.fields import ChoiceListField  # noqa: F401
