"""Which Wagtail Site answers a request, from the shared cache instead of a query on every request.

Wagtail looks the site up once per request (Site.find_for_request, kept on `request._wagtail_site`)
and routing then loads the site's root page in its specific type: two queries that every page and
every view reading the site settings pay. Both answers change only when a Site is saved or a page
is published, moved or deleted, which is when the key's generation changes (core.page_cache.published_read).
"""

from __future__ import annotations

import logging

from django.core.exceptions import DisallowedHost
from django.db import DatabaseError
from wagtail.models import Site

from .page_cache import published_read

SITE_SECONDS = 300
HEALTH_PATHS = frozenset({"/healthz", "/readyz", "/healthz/", "/readyz/"})
logger = logging.getLogger(__name__)


def _find_site(request) -> tuple[Site | None]:
    site = Site.find_for_request(request)
    if site is not None:
        site.root_page = site.root_page.specific
    return (site,)


def site_for_request(request) -> Site | None:
    """The request's Site with its root page already specific; cached per host and port."""
    if hasattr(request, "_wagtail_site"):
        return request._wagtail_site
    # A host that is not allowed raises DisallowedHost here, before any cache is read.
    parts = ("site", request.get_host(), request.get_port())
    (site,) = published_read(parts, lambda: _find_site(request), SITE_SECONDS)
    request._wagtail_site = site
    # What every page URL is built from (Wagtail reads it from its own cache once per request otherwise).
    request._wagtail_cached_site_root_paths = published_read(
        ("site-root-paths",), Site.get_site_root_paths, SITE_SECONDS
    )
    return site


class CachedSiteMiddleware:
    """Sets the request's Site from the shared cache before any view or template asks for it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path not in HEALTH_PATHS:  # health checks must answer, and report, with the database down
            try:
                site_for_request(request)
            except DisallowedHost:
                pass  # CommonMiddleware answers 400 for a host that is not allowed
            except DatabaseError:
                logger.warning("site_lookup_failed", exc_info=True)  # the view meets the same error, or not
        return self.get_response(request)
