"""A per-address counter in Django's cache for public forms that anyone can post (no account to limit)."""

import hashlib

from django.core.cache import cache


def client_address(request) -> str:
    """The visitor's address as allauth sees it, so the sign-up limits and ours trust the same proxies."""
    from allauth.account.adapter import get_adapter

    return get_adapter(request).get_client_ip(request)


def throttle_allows(request, *, scope: str, limit: int, window_seconds: int) -> bool:
    """Count this request for its address; False once `limit` came within the current window."""
    address = hashlib.sha256(client_address(request).encode()).hexdigest()[:32]  # no raw addresses in the cache
    key = f"throttle:{scope}:{address}"
    cache.add(key, 0, timeout=window_seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # the window ended between add() and incr()
        cache.set(key, 1, timeout=window_seconds)
        count = 1
    return count <= limit
