"""The site's URLs plus the benchmark's ceiling: a trivial view behind the same middleware."""

from django.http import HttpResponse
from django.urls import path

from .urls import handler403, handler404, handler500  # noqa: F401
from .urls import urlpatterns as site_urlpatterns


def ceiling(request):
    """No database, no template: what the middleware and gunicorn alone allow."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("__bench__/ceiling/", ceiling), *site_urlpatterns]
