from django.utils.functional import SimpleLazyObject

from .selectors import navigation_pages


def site_navigation(request):
    """Header navigation, computed only if a template uses it."""
    return {"main_navigation": SimpleLazyObject(navigation_pages)}
