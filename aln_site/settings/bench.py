"""Production settings on the benchmark database (`make bench`): DEBUG off, WhiteNoise, Redis cache.

Only what a local, plain-HTTP run needs differs from production: no HTTPS redirect, a fixed secret,
local hosts, and one extra URL (the trivial "ceiling" view, aln_site/bench_urls.py).
"""

import os

os.environ.setdefault("SECRET_KEY", "bench-only-" + "x" * 50)
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
# Always the benchmark's own database, never the DATABASE_URL of a development shell.
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/aln_bench")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/14")
os.environ.setdefault("LOG_LEVEL", "WARNING")

from .production import *  # noqa: E402, F403

ROOT_URLCONF = "aln_site.bench_urls"
# The full-size and one-tenth databases share one Redis: each keeps its own cached reads.
CACHES["default"]["KEY_PREFIX"] = DATABASES["default"]["NAME"]  # noqa: F405
SECURE_HSTS_SECONDS = 0
# The benchmark's own e-mail never leaves the process.
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
