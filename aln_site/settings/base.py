"""Settings shared by every environment: secure by default, everything from the environment."""

from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE as CSP_NONE
from csp.constants import SELF as CSP_SELF
from csp.constants import UNSAFE_INLINE as CSP_UNSAFE_INLINE

BASE_DIR = Path(__file__).resolve().parent.parent.parent
PROJECT_DIR = BASE_DIR / "aln_site"

env = environ.Env()
# A .env file is optional; real deployments set variables in the environment.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("SECRET_KEY", default=None)
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "core",
    "taxonomy",
    "home",
    "members",
    "resources",
    "courses",
    "events",
    "inquiry",
    "learning",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.routable_page",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "csp",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_structlog",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.RejectNulBytesMiddleware",
    "django_structlog.middlewares.RequestMiddleware",
    "core.request_id.RequestIdResponseMiddleware",
    # Before sessions, CSRF and messages: it stores a response only after they have set their cookies.
    "core.page_cache.AnonymousPageCacheMiddleware",
    # The request's Wagtail Site and its root page from the shared cache (two queries a page otherwise).
    "core.sites.CachedSiteMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "aln_site.csp.SiteCSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "members.middleware.StaffMFAMiddleware",
    "resources.middleware.PrivateDocumentsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "aln_site.urls"
WSGI_APPLICATION = "aln_site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "home.context_processors.site_navigation",
            ],
        },
    },
]

# SQLite by default (the embedded setup); DATABASE_URL switches to PostgreSQL.
DATABASES = {"default": env.db_url_config(env("DATABASE_URL", default="") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE makes concurrent writers queue for the lock instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update({"transaction_mode": "IMMEDIATE", "timeout": 20})
else:
    # Reuse a PostgreSQL connection across requests (a new one per request costs more than most pages);
    # the health check replaces one the server closed instead of failing the request.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "members.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = env("TIME_ZONE", default="America/Los_Angeles")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Object storage: with a bucket named, images and documents go to S3-compatible storage (django-storages).
# The bucket is private: nothing in it is readable without credentials. Documents are streamed to the
# reader by Django after the access check (WAGTAILDOCS_SERVE_METHOD below); images get short-lived signed
# URLs, or plain URLs on AWS_S3_CUSTOM_DOMAIN when a CDN with its own read access fronts images/ only.
AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    from botocore.config import Config as _BotoConfig

    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": env("AWS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env("AWS_S3_REGION_NAME", default="") or None,
            "access_key": env("AWS_ACCESS_KEY_ID", default="") or None,
            "secret_key": env("AWS_SECRET_ACCESS_KEY", default="") or None,
            "custom_domain": env("AWS_S3_CUSTOM_DOMAIN", default="") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": env.int("AWS_QUERYSTRING_EXPIRE", default=300),
            "file_overwrite": False,
            "location": env("AWS_LOCATION", default=""),
            "client_config": _BotoConfig(
                connect_timeout=5, read_timeout=30, retries={"max_attempts": 3, "mode": "standard"}
            ),
        },
    }

# Student work (inquiry sorts) lives outside MEDIA_ROOT, in a storage no URL serves: only the sort's access
# check streams it (inquiry/views.py). With a bucket, it is a private prefix of that bucket, read by Django.
# An empty variable (as in .env.example) counts as unset: never the working directory.
STUDENT_WORK_ROOT = Path(env("STUDENT_WORK_ROOT", default="") or BASE_DIR / "private-media" / "student-work")
STORAGES["student_work"] = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": STUDENT_WORK_ROOT},
}
if AWS_STORAGE_BUCKET_NAME:
    STORAGES["student_work"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {**STORAGES["default"]["OPTIONS"], "location": "student-work", "custom_domain": None},
    }
# Limits on one upload of student work (inquiry): files per upload, bytes per file, pieces per sort.
INQUIRY_MAX_FILES_PER_UPLOAD = env.int("INQUIRY_MAX_FILES_PER_UPLOAD", default=40)
INQUIRY_MAX_FILE_BYTES = env.int("INQUIRY_MAX_FILE_BYTES", default=10 * 1024 * 1024)
INQUIRY_MAX_PIECES_PER_SORT = env.int("INQUIRY_MAX_PIECES_PER_SORT", default=120)
# Days student work is kept for a teacher with no district (a district sets its own on its dashboard).
INQUIRY_DEFAULT_RETENTION_DAYS = env.int("INQUIRY_DEFAULT_RETENTION_DAYS", default=365)

# --- Wagtail ---
WAGTAIL_SITE_NAME = "Math Learning Network"
WAGTAILADMIN_BASE_URL = env("SITE_URL", default="http://127.0.0.1:8000")
SITE_URL = WAGTAILADMIN_BASE_URL
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
# Every document download goes through Django so access rules apply.
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILDOCS_DOCUMENT_FORM_BASE = "core.documents.DocumentForm"  # refuses a .vtt that is not WebVTT
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "key", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip", "mp4", "vtt"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 50 * 1024 * 1024
WAGTAILADMIN_LOGIN_URL = "account_login"
WAGTAIL_FRONTEND_LOGIN_URL = "/accounts/login/"
# Password resets and changes go through allauth too (rate limits, re-authentication, notifications).
WAGTAIL_PASSWORD_RESET_ENABLED = False
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_I18N_ENABLED = False
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# --- Accounts (django-allauth) ---
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/my-learning/"
ACCOUNT_ADAPTER = "members.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = False
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SIGNUP_FORM_CLASS = "members.forms.SignupProfileForm"
# allauth would prefix subjects with the request's host:port; name the site instead.
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{WAGTAIL_SITE_NAME}] "
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = WAGTAIL_SITE_NAME
# Staff who use the Wagtail admin must have set up two-factor authentication.
STAFF_MFA_REQUIRED = env.bool("STAFF_MFA_REQUIRED", default=True)
# Django's own admin (/django-admin/): off in production, where Wagtail's admin does everything.
DJANGO_ADMIN_ENABLED = env.bool("DJANGO_ADMIN_ENABLED", default=True)

# --- E-mail ---
# Every e-mail setting comes from the environment (listed in .env.example); the worker reads the same ones.
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
# Seconds an SMTP connection may block a worker; the send task retries with backoff after a timeout.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
# Folder for the file backend (django.core.mail.backends.filebased.EmailBackend).
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", default=str(BASE_DIR / "sent-emails"))
EMAIL_SUBJECT_PREFIX = env("EMAIL_SUBJECT_PREFIX", default="[Math Learning Network] ")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Math Learning Network <hello@example.org>")
SERVER_EMAIL = env("SERVER_EMAIL", default="") or DEFAULT_FROM_EMAIL

# --- Cache ---
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Cached public pages (core/page_cache.py, docs/performance.md) ---
# Seconds an anonymous page stays cached; publishing anything forgets them all sooner. 0 turns it off.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=300)
# Page types that look the same to every anonymous visitor (no gated body, nothing personal).
PAGE_CACHE_PAGE_TYPES = [
    "home.HomePage",
    "home.StandardPage",
    "home.ArticleIndexPage",
    "home.ArticlePage",
    "courses.CourseIndexPage",
    "resources.ResourceIndexPage",
    "events.EventIndexPage",
]
# Listing parameters a cached page may carry; any other parameter skips the cache. Not `q`: the
# library records every search's words for the staff's search-terms report.
PAGE_CACHE_QUERY_PARAMS = [
    "page", "sort", "grade", "band", "hlc", "part", "kind", "topic", "access", "length",
    "when", "format", "price", "month",
]  # fmt: skip
# Snippets and settings that cached pages show: saving or deleting one forgets every cached page.
PAGE_CACHE_INVALIDATED_BY = [
    "taxonomy.Grade",
    "taxonomy.HighLeverageConcept",
    "taxonomy.LessonPart",
    "taxonomy.ResourceKind",
    "taxonomy.Topic",
    "home.SiteSettings",
    "wagtailcore.Site",
    # Which pages carry a view restriction is a published read too (core.pages.restricted_paths).
    "wagtailcore.PageViewRestriction",
]

# --- Celery ---
# Empty variables count as unset, so a blank line in .env keeps the embedded default.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="") or REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default="") or (
    CELERY_BROKER_URL if CELERY_BROKER_URL.startswith("redis") else "cache+memory://"
)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=CELERY_BROKER_URL == "memory://")
CELERY_TASK_EAGER_PROPAGATES = True
# A task is acknowledged after it ran, and given back to the queue if its worker dies (docs/reliability.md).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# The longest task (an e-mail over a slow SMTP server, a Stripe call) is stopped after this many seconds...
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=40)
CELERY_TASK_SOFT_TIME_LIMIT = max(CELERY_TASK_TIME_LIMIT - 10, 1)
# ...so Redis can hand an unacknowledged task to another worker soon after (not after Redis's one hour).
CELERY_VISIBILITY_TIMEOUT = env.int("CELERY_VISIBILITY_TIMEOUT", default=CELERY_TASK_TIME_LIMIT + 10)
# A request never waits on a broker that is down: a short connect timeout and no retry loop.
# The outbox (core.outbox) keeps the owed work and its relay publishes it when the broker is back.
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
    "socket_connect_timeout": 1,
    "socket_timeout": 5,
    "max_retries": 0,
}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 5}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 1
CELERY_REDIS_SOCKET_TIMEOUT = 5
CELERY_TASK_PUBLISH_RETRY = False
# The worker itself keeps reconnecting until the broker is back.
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
# Nothing waits on task results; owed work is tracked by outbox rows and each task's own records.
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
# One queue per kind of work, so each gets its own worker pool in production (docs/deploy.md):
# slow SMTP never holds up a payment webhook, and a burst of certificates never delays e-mail.
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    "home.tasks.send_email": {"queue": "email"},
    "members.tasks.process_stripe_event": {"queue": "payments"},
    "members.tasks.reconcile_stripe_events": {"queue": "payments"},
    "events.tasks.refund_registration_order": {"queue": "payments"},
    "events.tasks.expire_payment_holds": {"queue": "payments"},
    "courses.tasks.issue_certificate": {"queue": "certificates"},
}
# One beat for the whole site (docs/deploy.md); jobs that must not overlap also take a lock (core.locks).
CELERY_BEAT_SCHEDULE = {
    # The outbox relay: owed work that could not be handed to the broker goes out a few seconds later.
    "outbox-relay": {
        "task": "core.tasks.relay_outbox",
        "schedule": env.float("OUTBOX_RELAY_SECONDS", default=5.0),
    },
    # Repair what was lost before the outbox: certificates, confirmation e-mails, reminders (each once).
    "repair-background-work": {
        "task": "home.tasks.repair_background_work",
        "schedule": crontab(minute="*/10"),
    },
    # Wagtail's scheduled publishing needs this command run regularly.
    "publish-scheduled-pages": {
        "task": "home.tasks.publish_scheduled",
        "schedule": crontab(minute="*"),
    },
    # A webhook Stripe could not deliver is caught by comparing its event list with ours.
    "reconcile-stripe-events": {
        "task": "members.tasks.reconcile_stripe_events",
        "schedule": crontab(minute="*/15"),
    },
    # Unpaid workshop holds (card checkout, invoice) release their seats to the waitlist.
    "events-expire-payment-holds": {
        "task": "events.tasks.expire_payment_holds",
        "schedule": crontab(minute="*"),
    },
    # Student work past its district's retention period is deleted (files and pieces; counts and notes stay).
    "inquiry-delete-expired-student-work": {
        "task": "inquiry.tasks.delete_expired_student_work",
        "schedule": crontab(minute=17, hour=3),
    },
    # Workshop reminders 7 days and 1 day before; each attendee gets each one once.
    "events-send-reminders": {
        "task": "events.tasks.send_event_reminders",
        "schedule": crontab(minute="*/15"),
    },
}

# --- Outbox (core.outbox) ---
# A published task not done after this many seconds is published again (its task is idempotent): by then a
# worker killed while running it is gone, whether or not Redis hands the message back itself.
OUTBOX_RESEND_AFTER_SECONDS = env.int("OUTBOX_RESEND_AFTER_SECONDS", default=CELERY_VISIBILITY_TIMEOUT)
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=10)
# After a failed publish, requests leave the work to the relay for this many seconds.
OUTBOX_BROKER_BACKOFF_SECONDS = env.int("OUTBOX_BROKER_BACKOFF_SECONDS", default=10)
# How far back recovery looks for confirmed registrations and reminders without their e-mail.
OUTBOX_REPAIR_HOURS = env.int("OUTBOX_REPAIR_HOURS", default=72)

# --- Stripe ---
STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY", default="")
STRIPE_PUBLISHABLE_KEY = env("STRIPE_PUBLISHABLE_KEY", default="")
STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET", default="")
# Points the SDK at a stand-in server (localstripe) when set.
STRIPE_API_BASE = env("STRIPE_API_BASE", default="")
# Dotted path to a stripe.HTTPClient subclass used as the SDK's transport (tests use a fake).
STRIPE_HTTP_CLIENT = env("STRIPE_HTTP_CLIENT", default="")
# How far back the reconciliation task compares Stripe's event list with what we stored.
STRIPE_RECONCILE_HOURS = env.int("STRIPE_RECONCILE_HOURS", default=48)
# Bounded work per request: an invitation upload is at most this many rows and bytes.
INVITE_CSV_MAX_ROWS = env.int("INVITE_CSV_MAX_ROWS", default=500)
INVITE_CSV_MAX_BYTES = env.int("INVITE_CSV_MAX_BYTES", default=256 * 1024)
# A leader may send a pending invitation again this long after the last time, and at most this many times in all.
INVITATION_RESEND_MINUTES = env.int("INVITATION_RESEND_MINUTES", default=60)
INVITATION_MAX_SENDS = env.int("INVITATION_MAX_SENDS", default=5)
CURRENCY = "usd"

# --- Security (production tightens these further) ---
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "SAMEORIGIN"
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy in every environment (so the browser journeys run under it): see aln_site/csp.py.
# No 'unsafe-inline' for scripts: public templates load every script from /static/.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [CSP_SELF],
        "script-src": [CSP_SELF],
        # Inline style attributes remain in templates and Wagtail's rich text; styles cannot run code.
        "style-src": [CSP_SELF, CSP_UNSAFE_INLINE],
        "img-src": [CSP_SELF, "data:", "https:"],
        "font-src": [CSP_SELF, "data:"],
        # Lesson and recording videos are embeds (YouTube, Vimeo) in iframes.
        "frame-src": [CSP_SELF, "https:"],
        "media-src": [CSP_SELF, "https:"],
        "connect-src": [CSP_SELF],
        "object-src": [CSP_NONE],
        "base-uri": [CSP_SELF],
        "frame-ancestors": [CSP_SELF],
    }
}

# --- Logs ---
# LOG_FORMAT=json (production's default): one JSON object per line, with the request id django-structlog
# binds to every request and carries into the Celery tasks that request enqueued. "console" is readable text.
LOG_FORMAT = env("LOG_FORMAT", default="console")
LOG_LEVEL = env("LOG_LEVEL", default="INFO")
DJANGO_STRUCTLOG_CELERY_ENABLED = True
# The load balancer's X-Request-ID (if it sets one) is kept, so its logs and ours share the id.
DJANGO_STRUCTLOG_TRUST_UPSTREAM_REQUEST_ID = True
DJANGO_STRUCTLOG_IP_LOGGING_ENABLED = True


def logging_config(log_format: str, level: str) -> dict:
    """The LOGGING dict for a format; structlog and the standard library share the same handler."""
    import structlog

    shared = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.stdlib.add_logger_name,
        structlog.stdlib.add_log_level,
        structlog.stdlib.ExtraAdder(),
    ]
    renderer = (
        structlog.processors.JSONRenderer() if log_format == "json" else structlog.dev.ConsoleRenderer(colors=False)
    )
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.stdlib.filter_by_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.stdlib.add_logger_name,
            structlog.stdlib.add_log_level,
            structlog.stdlib.PositionalArgumentsFormatter(),
            structlog.processors.StackInfoRenderer(),
            structlog.processors.UnicodeDecoder(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "structured": {
                "()": structlog.stdlib.ProcessorFormatter,
                "processors": [
                    structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                    structlog.processors.format_exc_info,
                    renderer,
                ],
                "foreign_pre_chain": shared,
            },
        },
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "structured"}},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # Per-task and per-page chatter drowns out what matters.
            "django_tasks": {"level": "WARNING"},
            "wagtail": {"level": "WARNING"},
            "celery.app.trace": {"level": "WARNING"},
            # django-structlog logs request_started/request_finished; Django's own per-request line repeats it.
            "django.server": {"level": "WARNING"},
        },
    }


LOGGING = logging_config(LOG_FORMAT, LOG_LEVEL)

# --- Admin ---
# The admin's URL prefix: moving it off /admin/ keeps scanners from the login form (WAGTAIL_ADMIN_PATH),
# and the Django admin is kept for superusers only, on its own path (DJANGO_ADMIN_PATH).
WAGTAIL_ADMIN_PATH = env("WAGTAIL_ADMIN_PATH", default="admin/").strip("/") + "/"
DJANGO_ADMIN_PATH = env("DJANGO_ADMIN_PATH", default="django-admin/").strip("/") + "/"

# --- Memberships ---
# Days a past-due subscription keeps member access while Stripe retries the card.
MEMBERSHIP_GRACE_DAYS = env.int("MEMBERSHIP_GRACE_DAYS", default=7)

# --- Workshops ---
# Minutes a card registration holds its seats while the buyer is at Stripe Checkout.
EVENT_PAYMENT_HOLD_MINUTES = env.int("EVENT_PAYMENT_HOLD_MINUTES", default=30)
# Hours a seat offered from the waitlist is held for its buyer to accept (by card, or by invoice / PO).
WAITLIST_OFFER_HOURS = env.int("WAITLIST_OFFER_HOURS", default=48)
# Days an invoice / purchase-order registration holds its seats before the invoice must be paid.
EVENT_INVOICE_HOLD_DAYS = env.int("EVENT_INVOICE_HOLD_DAYS", default=14)
# Seats one account that is neither a district leader nor staff may hold per workshop (group registration).
EVENT_GROUP_SEATS_PER_ACCOUNT = env.int("EVENT_GROUP_SEATS_PER_ACCOUNT", default=5)
# Course PD hours above (lessons' estimated minutes / 60) times this ratio get a warning in the editor.
PD_HOURS_MAX_RATIO = env.float("PD_HOURS_MAX_RATIO", default=1.5)
