"""Production: refuses to start without the secrets and hosts it needs."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import MIDDLEWARE, env

_missing = [name for name in ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL") if not env(name, default="")]
if _missing:
    raise ImproperlyConfigured(
        "Production settings need these environment variables: "
        + ", ".join(_missing)
        + ". See .env.example for what each one means."
    )

DEBUG = False
# WhiteNoise serves the collected, hashed static files straight from the app server.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1, "whitenoise.middleware.WhiteNoiseMiddleware"
)
STAFF_MFA_REQUIRED = env.bool("STAFF_MFA_REQUIRED", default=True)
DJANGO_ADMIN_ENABLED = env.bool("DJANGO_ADMIN_ENABLED", default=False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
# Wagtail's live preview renders the page in a same-origin iframe, so DENY would break it.
SILENCED_SYSTEM_CHECKS = ["security.W019"]
