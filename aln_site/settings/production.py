"""Production: refuses to start without the secrets and hosts it needs, and never with DEBUG on."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DATABASES, MIDDLEWARE, env, logging_config

_missing = [name for name in ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL") if not env(name, default="")]
if _missing:
    raise ImproperlyConfigured(
        "Production settings need these environment variables: "
        + ", ".join(_missing)
        + ". See .env.example for what each one means."
    )
if env.bool("DEBUG", default=False):
    raise ImproperlyConfigured("DEBUG is set in the environment, but production never serves debug pages. Unset it.")

DEBUG = False
# WhiteNoise serves the collected, hashed static files straight from the app server (a CDN caches them).
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1, "whitenoise.middleware.WhiteNoiseMiddleware"
)
STAFF_MFA_REQUIRED = env.bool("STAFF_MFA_REQUIRED", default=True)
DJANGO_ADMIN_ENABLED = env.bool("DJANGO_ADMIN_ENABLED", default=False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
# The load balancer probes the web processes over plain HTTP on the private network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
# Wagtail's live preview renders the page in a same-origin iframe, so DENY would break it.
SILENCED_SYSTEM_CHECKS = ["security.W019"]

# Several web processes share one database: keep connections a while, check them before use, and give up
# quickly on an unreachable server (so /readyz answers instead of hanging).
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)

# One JSON object per log line, for the log collector.
LOG_FORMAT = env("LOG_FORMAT", default="json")
LOGGING = logging_config(LOG_FORMAT, env("LOG_LEVEL", default="INFO"))

# Error reports go to Sentry only when a DSN is given; without it sentry-sdk is never initialised.
SENTRY_DSN = env("SENTRY_DSN", default="")
if SENTRY_DSN:
    import sentry_sdk

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=env("SENTRY_ENVIRONMENT", default="production"),
        release=env("SENTRY_RELEASE", default="") or None,
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
        send_default_pii=False,
    )
