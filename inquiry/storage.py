"""The private storage student work lives in: STORAGES["student_work"], never served by a URL of its own."""

from django.core.files.storage import storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty


class _StudentWorkStorage(LazyObject):
    def _setup(self):
        self._wrapped = storages["student_work"]


student_work = _StudentWorkStorage()


def student_work_storage():
    """The FileField's storage (a callable, so migrations name this function, not a location)."""
    return student_work


@receiver(setting_changed)
def _forget_storage(*, setting, **kwargs):
    if setting in ("STORAGES", "STUDENT_WORK_ROOT"):
        student_work._wrapped = empty
