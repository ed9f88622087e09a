import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run(code: str, **env):
    full_env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL")}
    full_env.update(env)
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=full_env, capture_output=True, text=True)


def test_production_refuses_to_start_without_secret_key():
    result = _run(
        "import django; django.setup()",
        DJANGO_SETTINGS_MODULE="aln_site.settings.production",
        ALLOWED_HOSTS="learn.example.org",
        DATABASE_URL="postgres://u@127.0.0.1/x",
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr and "ImproperlyConfigured" in result.stderr


def test_production_check_deploy_is_clean():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
            "DJANGO_SETTINGS_MODULE": "aln_site.settings.production",
            "SECRET_KEY": "x" * 20 + "a-very-long-random-production-secret-value-1234567890",
            "ALLOWED_HOSTS": "learn.example.org",
            "DATABASE_URL": "postgres://u@127.0.0.1/x",
        },
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_dev_defaults_need_no_services():
    result = _run(
        "import django; django.setup(); from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.EMAIL_BACKEND,"
        " s.DATABASES['default']['OPTIONS']['transaction_mode'])",
        DJANGO_SETTINGS_MODULE="aln_site.settings.dev",
        CELERY_BROKER_URL="",
        REDIS_URL="",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        "True",
        "django.core.mail.backends.console.EmailBackend",
        "IMMEDIATE",
    ]


def _database_settings(settings_module: str, database_url: str, **env) -> list[str]:
    result = _run(
        "import django; django.setup(); from django.db import connections as c;"
        "d = c['default'].settings_dict; print(d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'])",
        DJANGO_SETTINGS_MODULE=settings_module,
        SECRET_KEY="x" * 60,
        ALLOWED_HOSTS="learn.example.org",
        DATABASE_URL=database_url,
        **env,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_postgresql_connections_persist_with_health_checks_in_every_setting():
    for module in ("production", "dev", "test"):
        assert _database_settings(f"aln_site.settings.{module}", "postgres://u@127.0.0.1/x") == ["60", "True"]
    assert _database_settings("aln_site.settings.production", "postgres://u@127.0.0.1/x", CONN_MAX_AGE="300") == [
        "300",
        "True",
    ]


def test_sqlite_keeps_a_connection_per_request():
    assert _database_settings("aln_site.settings.test", "sqlite:////tmp/aln-settings-check.sqlite3") == ["0", "False"]


def test_bench_settings_are_production_on_the_benchmark_database():
    """`make bench` never touches the DATABASE_URL of the shell it runs in."""
    result = _run(
        "import django; django.setup(); from django.conf import settings as s; from django.urls import resolve;"
        "print(s.DEBUG, s.DATABASES['default']['NAME'], s.SECURE_SSL_REDIRECT, resolve('/__bench__/ceiling/').func.__name__)",
        DJANGO_SETTINGS_MODULE="aln_site.settings.bench",
        DATABASE_URL="postgres://u@127.0.0.1/not_the_bench",
        BENCH_DATABASE_URL="postgres://u@127.0.0.1/aln_bench_x",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "aln_bench_x", "False", "ceiling"]
