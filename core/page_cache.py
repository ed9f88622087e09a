"""A shared cache of public pages for anonymous visitors (docs/performance.md, "Cached public pages").

What is cached: the 200 response of a Wagtail page whose type is in settings.PAGE_CACHE_PAGE_TYPES,
served to a GET with no session and no messages cookie, whose query string only uses
settings.PAGE_CACHE_QUERY_PARAMS, when the page has no view restriction and the response sets no
cookie and is not marked private. Anything else goes through untouched, every time.

Why it is safe for members: the cache is read only by requests that carry no session cookie (so
no signed-in user and no per-visitor session data can exist), and written only from such requests
after the whole stack ran (a response that set a CSRF, session or messages cookie is never stored:
a page that rendered a CSRF token always sets the CSRF cookie).

Invalidation: every key carries a generation number; publishing, unpublishing, moving (post_page_move), deleting
or saving a live page, and saving or deleting a taxonomy snippet or the site settings, bumps it.
"""

from __future__ import annotations

import hashlib
import logging
import pickle
import re
import time
from collections.abc import Callable
from contextvars import ContextVar
from typing import TypeVar

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_migrate, post_save
from django.http import HttpResponse

GENERATION_KEY = "page-cache:generation"
REQUEST_FLAG = "_page_cache_page"
MAX_QUERY_STRING = 512
HIT_HEADER = "X-Page-Cache"
logger = logging.getLogger(__name__)
T = TypeVar("T")
# Inside a request, the generation read once ([None] until read); outside a request (tasks, shells), unset.
_REQUEST_GENERATION: ContextVar[list | None] = ContextVar("published_generation", default=None)
# This process's copies of published reads (pickled, so every caller gets its own objects), one generation at a time.
_LOCAL: dict[str, bytes] = {}
_LOCAL_STATE = {"generation": None}
LOCAL_MAX_ENTRIES = 2000
_SAFE_KEY = re.compile(r"[\w.:,/-]*")


# --- the key --------------------------------------------------------------------------------
def _generation() -> int:
    scope = _REQUEST_GENERATION.get()
    if scope is not None and scope[0] is not None:
        return scope[0]
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        # A time-based start, so a restarted (or cleared) cache never reuses an older generation's numbers.
        generation = time.time_ns()
        cache.add(GENERATION_KEY, generation, timeout=None)
        generation = cache.get(GENERATION_KEY, generation)
    if scope is not None:
        scope[0] = generation
    return generation


def bump_generation(**kwargs) -> None:
    """Forget every cached page (old keys simply stop being read and expire)."""
    scope = _REQUEST_GENERATION.get()
    if scope is not None:
        scope[0] = None  # this request reads the new number from now on
    try:
        try:
            cache.incr(GENERATION_KEY)
        except ValueError:  # no generation yet: start one, then move past it
            _generation()
            cache.incr(GENERATION_KEY)
    except Exception:
        # A publish must not fail because the cache is down; entries left behind expire with their timeout.
        logger.error("page_cache_invalidation_failed", exc_info=True)


def _normalised_query(request) -> str | None:
    """The query string with parameters in a fixed order, or None when it may not be cached."""
    raw = request.META.get("QUERY_STRING", "")
    if not raw:
        return ""
    if len(raw) > MAX_QUERY_STRING:
        return None
    allowed = set(settings.PAGE_CACHE_QUERY_PARAMS)
    params = request.GET
    if any(key not in allowed for key in params):
        return None
    # Values keep their order within a parameter (the listing shows filters in that order).
    copy = params.copy()
    ordered = sorted(copy.lists())
    copy.clear()
    for key, values in ordered:
        copy.setlist(key, values)
    return copy.urlencode()


def published_read(parts: tuple, build: Callable[[], T], timeout: int, *, local: bool = True) -> T:
    """A read that changes only when published content changes: this process's copy, else the shared
    cache, else build(). Forgotten at the next publish (the key carries the generation).

    `local=False` for reads with many keys (searches): the shared cache only, so they never crowd out
    the few reads every page makes."""
    try:
        generation = _generation()
    except Exception:  # a cache that is down costs the build, never the page
        logger.warning("published_cache_unavailable", exc_info=True)
        return build()
    key = _published_key(generation, parts)
    if local and (_LOCAL_STATE["generation"] != generation or len(_LOCAL) > LOCAL_MAX_ENTRIES):
        _LOCAL.clear()
        _LOCAL_STATE["generation"] = generation
    copy = _LOCAL.get(key) if local else None
    if copy is not None:
        return pickle.loads(copy)
    try:
        value = cache.get(key)
    except Exception:
        logger.warning("published_cache_unavailable", exc_info=True)
        return build()
    if value is None:
        value = build()
        if value is None:  # nothing found (a made-up URL): never stored, so it costs no memory
            return value
        try:
            cache.set(key, value, timeout)
        except Exception:
            logger.warning("published_cache_unavailable", exc_info=True)
            return value
    if local:
        _LOCAL[key] = pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
    return value


def _published_key(generation: int, parts: tuple) -> str:
    name, *rest = map(str, parts)
    detail = ":".join(rest)
    if len(detail) > 120 or not _SAFE_KEY.fullmatch(detail):  # search words, facet tuples: a digest
        detail = hashlib.sha256(detail.encode()).hexdigest()
    return f"published:{generation}:{name}:{detail}"


def forget_local_copies() -> None:
    """Drop this process's copies (tests that clear the shared cache between them)."""
    _LOCAL.clear()
    _LOCAL_STATE["generation"] = None


def _cache_key(request, query: str) -> str:
    return f"page-cache:{_generation()}:{request.get_host()}:{request.path}?{query}"


def _is_anonymous_request(request) -> bool:
    """No session and no pending messages: nothing in this request can be about one visitor."""
    return settings.SESSION_COOKIE_NAME not in request.COOKIES and "messages" not in request.COOKIES


# --- the middleware -------------------------------------------------------------------------
class AnonymousPageCacheMiddleware:
    """Placed right after the request-id middleware, before sessions: it sees the final cookies."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # The publish generation is read once per request (bumps during the request forget it).
        token = _REQUEST_GENERATION.set([None])
        try:
            return self._respond(request)
        finally:
            _REQUEST_GENERATION.reset(token)

    def _respond(self, request):
        if not settings.PAGE_CACHE_SECONDS or request.method != "GET":
            return self.get_response(request)
        if not _is_anonymous_request(request):
            return self.get_response(request)
        query = _normalised_query(request)
        if query is None:
            return self.get_response(request)

        try:
            key = _cache_key(request, query)
            cached = cache.get(key)
        except Exception:  # a cache that is down costs speed, never the page
            logger.warning("page_cache_unavailable", exc_info=True)
            return self.get_response(request)
        if cached is not None:
            status, headers, content = cached
            response = HttpResponse(content, status=status)
            for name, value in headers:
                response[name] = value
            response[HIT_HEADER] = "hit"
            return response

        response = self.get_response(request)
        if self._storable(request, response):
            headers = [(k, v) for k, v in response.items() if k.lower() not in ("set-cookie", HIT_HEADER.lower())]
            try:
                cache.set(key, (response.status_code, headers, response.content), settings.PAGE_CACHE_SECONDS)
            except Exception:
                logger.warning("page_cache_unavailable", exc_info=True)
                return response
            response[HIT_HEADER] = "miss"
        return response

    @staticmethod
    def _storable(request, response) -> bool:
        if not getattr(request, REQUEST_FLAG, False) or response.status_code != 200:
            return False
        if response.streaming or response.cookies:
            return False
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return False
        # A session written during this request (its cookie set later would be missing from the copy).
        session = getattr(request, "session", None)
        if session is not None and (session.modified or not session.is_empty()):
            return False
        cache_control = response.get("Cache-Control", "").lower()
        return "private" not in cache_control and "no-store" not in cache_control


# --- which pages: the before_serve_page hook ------------------------------------------------
def _cacheable_models() -> tuple[type, ...]:
    return tuple(apps.get_model(label) for label in settings.PAGE_CACHE_PAGE_TYPES)


def mark_cacheable_page(page, request, serve_args, serve_kwargs):
    """Wagtail hook: flag the request when the page served may be stored for everyone."""
    # A request that is never stored (a session, search words) skips the view-restriction queries.
    if not _is_anonymous_request(request) or not isinstance(page, _cacheable_models()):
        return None
    if not settings.PAGE_CACHE_SECONDS or request.method != "GET" or _normalised_query(request) is None:
        return None
    if getattr(request, "is_preview", False) or page.get_view_restrictions():
        return None
    setattr(request, REQUEST_FLAG, True)
    return None


# --- invalidation ---------------------------------------------------------------------------
def _invalidate(**kwargs) -> None:
    # Now (this request and tests) and again after commit (a request racing the write re-cached old data).
    bump_generation()
    transaction.on_commit(bump_generation)


def _on_page_saved(sender, instance, **kwargs) -> None:
    from wagtail.models import Page

    if isinstance(instance, Page) and instance.live:
        _invalidate()


def _on_page_deleted(sender, instance, **kwargs) -> None:
    from wagtail.models import Page

    if isinstance(instance, Page):
        _invalidate()


def _on_settings_saved(sender, instance, created=False, **kwargs) -> None:
    # The row a site's first request creates holds the defaults every page before it was built with.
    if not created:
        _invalidate()


def connect_signals() -> None:
    from wagtail.contrib.settings.models import BaseSiteSetting
    from wagtail.signals import page_published, page_unpublished, post_page_move

    page_published.connect(_invalidate, dispatch_uid="page-cache-published")
    page_unpublished.connect(_invalidate, dispatch_uid="page-cache-unpublished")
    post_page_move.connect(_invalidate, dispatch_uid="page-cache-moved")
    post_save.connect(_on_page_saved, dispatch_uid="page-cache-page-saved")
    post_delete.connect(_on_page_deleted, dispatch_uid="page-cache-page-deleted")
    # A deploy runs migrate: entries written by the old code (their shapes may differ) are forgotten.
    post_migrate.connect(bump_generation, sender=apps.get_app_config("core"), dispatch_uid="page-cache-migrated")
    for label in settings.PAGE_CACHE_INVALIDATED_BY:
        model = apps.get_model(label)
        receiver = _on_settings_saved if issubclass(model, BaseSiteSetting) else _invalidate
        post_save.connect(receiver, sender=model, dispatch_uid=f"page-cache-save-{label}")
        post_delete.connect(_invalidate, sender=model, dispatch_uid=f"page-cache-delete-{label}")
