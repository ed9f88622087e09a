"""gunicorn settings for the web processes (Procfile `web`). Every value can be changed from the environment.

Workers are threaded (gthread): the master's heartbeat is kept while a thread streams a large document to a
slow reader, so a long download is never killed by the timeout, and a few threads per worker absorb waiting
on the database and object storage.
"""

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value else default


bind = os.environ.get("GUNICORN_BIND") or f"{os.environ.get('HOST', '0.0.0.0')}:{_int('PORT', 8000)}"
# WEB_CONCURRENCY is the common name platforms set; otherwise one worker per core plus one.
workers = _int("WEB_CONCURRENCY", multiprocessing.cpu_count() + 1)
worker_class = "gthread"
threads = _int("GUNICORN_THREADS", 4)
# A worker silent for this long is restarted; requests themselves are bounded by the load balancer.
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Recycle workers now and then so a slow leak never grows; jitter keeps them from restarting together.
max_requests = _int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 100)
# Heartbeat files in RAM: a busy or slow disk must not look like a hung worker.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
# Only the load balancer (or whatever FORWARDED_ALLOW_IPS names) may set X-Forwarded-* headers.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# gunicorn 27 opens a control socket at $XDG_RUNTIME_DIR/gunicorn.ctl or ~/.gunicorn/gunicorn.ctl by default.
# Several masters on one host (blue/green deploys, tests, `make up` beside another run) would fight over that
# one path, and container homes are often read-only: it is off unless GUNICORN_CONTROL_SOCKET names a path.
if os.environ.get("GUNICORN_CONTROL_SOCKET"):
    control_socket = os.environ["GUNICORN_CONTROL_SOCKET"]
else:
    control_socket_disable = True

# Access and error logs on stdout/stderr; the access log is one JSON object per request.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
logger_class = "core.gunicorn_logging.JsonAccessLogger"
