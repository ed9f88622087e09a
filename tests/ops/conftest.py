"""Fixtures for the operations tests: real processes (gunicorn, Celery, honcho, moto, redis-server) on free ports."""

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(condition, *, what: str, timeout: float = 120, proc=None, log=None):
    """Poll until condition() is truthy; fail with the process log if it dies or the (generous) deadline passes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        if proc is not None and proc.poll() is not None:
            pytest.fail(f"{what}: the process exited ({proc.returncode}).\n{read_log(log)}")
        time.sleep(0.2)
    pytest.fail(f"Timed out waiting for {what}.\n{read_log(log)}")


def read_log(log) -> str:
    if log is None:
        return ""
    return Path(log).read_text(errors="replace")[-6000:]


def port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class Moto:
    """A moto S3 server with one private bucket, the S3 stand-in for object-storage tests."""

    def __init__(self, tmp_path: Path):
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.bucket = "aln-media-test"
        self.log = tmp_path / "moto.log"
        self.proc = subprocess.Popen(
            [str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=open(self.log, "w"),
            stderr=subprocess.STDOUT,
            env={**os.environ, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"},
        )
        wait_for(lambda: port_open(self.port), what="moto S3 server", proc=self.proc, log=self.log)
        self.client().create_bucket(Bucket=self.bucket, ACL="private")

    def client(self):
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            region_name="us-east-1",
        )

    def env(self) -> dict:
        """The environment variables that put a process's media on this bucket."""
        return {
            "AWS_STORAGE_BUCKET_NAME": self.bucket,
            "AWS_S3_ENDPOINT_URL": self.endpoint,
            "AWS_S3_REGION_NAME": "us-east-1",
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
        }

    def storage_settings(self) -> dict:
        return {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": self.bucket,
                "endpoint_url": self.endpoint,
                "region_name": "us-east-1",
                "access_key": "testing",
                "secret_key": "testing",
                "default_acl": "private",
                "querystring_auth": True,
                "querystring_expire": 300,
                "file_overwrite": False,
            },
        }


@pytest.fixture
def moto_s3(tmp_path):
    if shutil.which("moto_server", path=str(BIN)) is None:
        pytest.fail("moto_server is not installed: run `make install` (requirements-dev.lock has moto[server])")
    server = Moto(tmp_path)
    yield server
    stop(server.proc)


class RedisServer:
    """A private redis-server on a free port, for tests that stop Redis (never the shared one on 6379)."""

    def __init__(self, tmp_path: Path):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.log = tmp_path / f"redis-{self.port}.log"
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=open(self.log, "w"),
            stderr=subprocess.STDOUT,
        )
        wait_for(lambda: port_open(self.port), what="redis-server", proc=self.proc, log=self.log)


@pytest.fixture
def redis_server(tmp_path):
    if shutil.which("redis-server") is None:
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail("redis-server is not installed (REQUIRE_SERVICES=1)")
        pytest.skip("redis-server is not installed")
    server = RedisServer(tmp_path)
    yield server
    stop(server.proc)


def production_env(**extra) -> dict:
    """An environment for a production process on this machine; callers add the service URLs."""
    keep = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("AWS_", "DJANGO_", "REDIS_", "CELERY_", "EMAIL_", "DATABASE_", "SECRET_", "PYTEST_"))
    }
    return {
        **keep,
        "DJANGO_SETTINGS_MODULE": "aln_site.settings.production",
        "SECRET_KEY": "ops-test-" + "s" * 50,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "PATH": f"{BIN}:{keep.get('PATH', '')}",
        **extra,
    }


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory):
    """collectstatic once per run, as a deployment does before starting gunicorn (production uses the manifest)."""
    root = tmp_path_factory.mktemp("staticfiles")
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=production_env(STATIC_ROOT=str(root), DATABASE_URL="postgres://postgres@127.0.0.1:5432/postgres"),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return root
