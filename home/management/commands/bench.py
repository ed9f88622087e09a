"""`make bench`: gunicorn + wrk against the scale data, with a ceiling and a Wagtail floor in the same run.

Run with DJANGO_SETTINGS_MODULE=aln_site.settings.bench (the Makefile does). Steps: create the benchmark
database if missing, migrate, seed_scale if not seeded, collectstatic; count each page's queries with the
test client (one request after a warm one); the same counts on a one-tenth database; start gunicorn
(2 sync workers on a free 127.0.0.1 port); warm up; wrk for a fixed time per URL; print the table and
write docs/performance.md.
"""

from __future__ import annotations

import json
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from courses.models import Enrollment, LessonPage
from events.models import EventPage
from home.scale import BENCH_MEMBER_EMAIL, PLAIN_PAGE_SLUG, is_seeded
from members.models import User
from taxonomy.models import Grade, Topic

WRK_SCRIPT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH {\\"requests\\": %d, \\"duration_us\\": %d, \\"errors\\": %d, \\"non_2xx\\": %d, "
    .. "\\"p50\\": %d, \\"p95\\": %d, \\"p99\\": %d}\\n",
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""

# Each request's search words differ (a made-up word excluded: the same matches, a new cache key), so
# "uncached" rows measure the search itself, never a ranking kept from an earlier request.
WRK_UNIQUE_WORDS = """
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end
function init(args)
  counter = 0
end
function request()
  counter = counter + 1
  return wrk.format(nil, wrk.path .. "+-zqx" .. id .. "n" .. counter)
end
"""

CEILING = "ceiling: trivial view, same middleware"
# As the member: the page cache never serves a session, so this is what Wagtail costs a signed-in visitor.
FLOOR = "floor: plain Wagtail page, no blocks (member)"


@dataclass
class Target:
    name: str
    path: str
    member: bool = False
    unique_words: bool = False
    status: int = 0
    queries: int | None = None
    queries_tenth: int | None = None
    rps: float = 0.0
    p50: float = 0.0
    p95: float = 0.0
    p99: float = 0.0
    errors: int = 0


def _targets() -> list[Target]:
    enrollment = (
        Enrollment.objects.filter(user__email=BENCH_MEMBER_EMAIL, course__access_level="members")
        .select_related("course")
        .order_by("course__path")
        .first()
        or Enrollment.objects.filter(user__email=BENCH_MEMBER_EMAIL).select_related("course").first()
    )
    if enrollment is None:
        raise CommandError("The bench member has no enrollment: run `manage.py seed_scale --force`.")
    course = enrollment.course
    lesson = LessonPage.objects.descendant_of(course).live().order_by("path")[4]
    workshop = EventPage.objects.live().filter(start__gte=timezone.now()).order_by("start").first()
    grade = Grade.objects.get(code="3").code
    topic = Topic.objects.order_by("sort_order", "name").first().slug
    # The searches' facets match the words, so they list results (place value has none for "fraction number").
    fractions = Topic.objects.filter(slug="fractions").values_list("slug", flat=True).first() or topic
    return [
        Target("home", "/"),
        Target("course catalogue", "/courses/"),
        Target("course (member)", course.url, member=True),
        Target("lesson (member)", lesson.url, member=True),
        Target("My learning (member)", "/my-learning/", member=True),
        Target("resource library", "/resources/"),
        Target("library, two facets", f"/resources/?grade={grade}&topic={topic}"),
        Target("library search", "/resources/?q=fraction+number"),
        Target("library search, two facets", f"/resources/?q=fraction+number&grade={grade}&topic={fractions}"),
        Target("site search", "/search/?q=fraction"),
        Target(
            "library search, two facets, uncached",
            f"/resources/?grade={grade}&topic={fractions}&q=fraction+number",
            unique_words=True,
        ),
        Target("site search, uncached", "/search/?q=fraction", unique_words=True),
        Target("workshops list", "/workshops/"),
        Target("a workshop", workshop.url),
        Target(CEILING, "/__bench__/ceiling/"),
        Target(FLOOR, f"/{PLAIN_PAGE_SLUG}/", member=True),
    ]


def _member():
    return User.objects.get(email=BENCH_MEMBER_EMAIL)


def _count_queries(targets: list[Target]) -> str:
    """Status and queries of one request per page (after one warm request). Returns the session cookie.

    Counted with the anonymous page cache off: what a page costs when it is built (a cache miss).
    """
    from django.test import Client, override_settings

    anonymous, member = Client(), Client()
    member.force_login(_member())
    with override_settings(PAGE_CACHE_SECONDS=0):
        for target in targets:
            client = member if target.member else anonymous
            # Uncached rows: new words for the counted request too (what a first search costs).
            warm, counted = (
                (target.path + "+-zqwarm", target.path + "+-zqcount") if target.unique_words else (target.path,) * 2
            )
            client.get(warm)
            with CaptureQueriesContext(connection) as captured:
                response = client.get(counted)
            target.status = response.status_code
            target.queries = len(captured)
    return member.cookies[settings.SESSION_COOKIE_NAME].value


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _machine() -> dict[str, str]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = "unknown"
    try:
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        memory = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, AttributeError):
        pass
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0]
    return {
        "cpus": str(os.cpu_count()),
        "cpu": cpu,
        "memory": memory,
        "os": platform.platform(),
        "python": platform.python_version(),
        "postgresql": pg,
        "load": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


class Command(BaseCommand):
    help = "Benchmark the site under gunicorn with wrk and write docs/performance.md."

    def add_arguments(self, parser):
        parser.add_argument("--duration", type=int, default=10, help="Seconds of load per URL (default 10).")
        parser.add_argument("--warmup", type=int, default=2, help="Seconds of warm-up load per URL.")
        parser.add_argument("--connections", type=int, default=8)
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--scale", type=float, default=1.0, help="Scale to seed if the database is empty.")
        parser.add_argument("--output", default=str(Path(settings.BASE_DIR) / "docs" / "performance.md"))
        parser.add_argument("--no-tenth", action="store_true", help="Skip the query counts at one tenth.")
        parser.add_argument("--queries-only", metavar="JSON", help="Only prepare and count queries; write JSON.")
        parser.add_argument("--seed-only", action="store_true", help="Only create, migrate and seed the database.")
        parser.add_argument("--force", action="store_true", help="With --seed-only: rebuild the scale data.")

    def handle(self, *args, **opts):
        started = time.monotonic()
        if connection.vendor != "postgresql":
            raise CommandError("The benchmark needs PostgreSQL (BENCH_DATABASE_URL).")
        # The one-tenth database's own run (--queries-only) needs no one-tenth copy of itself.
        self._prepare(opts["scale"], force=opts["force"] and opts["seed_only"], tenth=not opts["queries_only"])
        if opts["seed_only"]:
            return
        targets = _targets()
        cookie = _count_queries(targets)
        if opts["queries_only"]:
            Path(opts["queries_only"]).write_text(json.dumps({t.name: t.queries for t in targets}))
            return
        if not shutil.which("wrk"):
            raise CommandError("wrk is missing: `apt-get install wrk` (the Makefile's bench target does this).")
        if not opts["no_tenth"]:
            self._tenth(targets, opts["scale"])
        self._load(targets, cookie, opts)
        machine = _machine()
        table = self._table(targets)
        self.stdout.write(table)
        elapsed = time.monotonic() - started
        _write_report(Path(opts["output"]), self._report(targets, table, machine, opts, elapsed))
        self.stdout.write(f"Wrote {opts['output']} ({elapsed:.0f} s)")

    # --- preparation ---------------------------------------------------------------------------
    def _prepare(self, scale: float, force: bool = False, tenth: bool = True) -> None:
        _ensure_database()
        call_command("migrate", verbosity=0, interactive=False)
        if tenth and not is_seeded():
            # A fresh machine: the one-tenth database starts as a copy of the migrated, empty one.
            connection.close()
            _ensure_database(settings.DATABASES["default"]["NAME"] + "_tenth", template=True)
        self._seeded = force or not is_seeded()
        if self._seeded:
            self.stdout.write(f"Seeding the benchmark database (scale {scale:g})...")
            call_command("seed_scale", scale=scale, force=force, stdout=self.stdout)
        call_command("collectstatic", verbosity=0, interactive=False)

    def _tenth(self, targets: list[Target], scale: float) -> None:
        """Count the same pages' queries on a database seeded at one tenth of the data."""
        name = settings.DATABASES["default"]["NAME"] + "_tenth"
        url = _database_url(name)
        self.stdout.write(f"Counting queries at one tenth of the data ({name})...")
        with tempfile.NamedTemporaryFile(suffix=".json") as out:
            env = {**os.environ, "BENCH_DATABASE_URL": url}
            cmd = [sys.executable, "manage.py", "bench", "--queries-only", out.name, "--scale", str(scale / 10)]
            subprocess.run(cmd, cwd=settings.BASE_DIR, env=env, check=True, stdout=subprocess.DEVNULL)
            counts = json.loads(Path(out.name).read_text())
        for target in targets:
            target.queries_tenth = counts.get(target.name)

    # --- load ----------------------------------------------------------------------------------
    def _load(self, targets: list[Target], cookie: str, opts) -> None:
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        gunicorn = Path(sys.executable).with_name("gunicorn")
        cmd = [str(gunicorn), "aln_site.wsgi:application", "--workers", str(opts["workers"])]
        cmd += ["--worker-class", "sync", "--bind", f"127.0.0.1:{port}", "--log-level", "warning"]
        # gunicorn.conf.py recycles a worker every ~1,000 requests; at a cache hit's rate that is a cold
        # restart every few seconds, whose wait would show as the p95 of every fast page.
        cmd += ["--max-requests", "0"]
        # gunicorn.conf.py's threads turn a "sync" worker into gthread, whose keep-alive connections stay with
        # whichever worker accepted them; one thread each makes them the sync workers the issue measures.
        cmd += ["--threads", "1"]
        if "--no-control-socket" in subprocess.run([str(gunicorn), "--help"], capture_output=True, text=True).stdout:
            cmd.append("--no-control-socket")
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "aln_site.settings.bench"}
        log = tempfile.NamedTemporaryFile("w+", suffix=".log", prefix="gunicorn-", delete=False)
        server = subprocess.Popen(cmd, cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            _wait_until_up(f"{base}/__bench__/ceiling/", server, log.name)
            with (
                tempfile.NamedTemporaryFile("w", suffix=".lua") as script,
                tempfile.NamedTemporaryFile("w", suffix=".lua") as unique_script,
            ):
                script.write(WRK_SCRIPT)
                script.flush()
                unique_script.write(WRK_SCRIPT + WRK_UNIQUE_WORDS)
                unique_script.flush()
                header = ["-H", f"Cookie: {settings.SESSION_COOKIE_NAME}={cookie}"]
                self.stdout.write(f"gunicorn on {base}; warming up...")
                for target in targets:
                    extra = header if target.member else []
                    lua = unique_script.name if target.unique_words else script.name
                    _wrk(base + target.path, opts["warmup"], opts["connections"], lua, extra)
                    _drain(base)
                for target in targets:
                    extra = header if target.member else []
                    lua = unique_script.name if target.unique_words else script.name
                    result = _wrk(base + target.path, opts["duration"], opts["connections"], lua, extra)
                    _drain(base)
                    target.rps = result["requests"] / (result["duration_us"] / 1e6)
                    target.p50, target.p95, target.p99 = (result[k] / 1000 for k in ("p50", "p95", "p99"))
                    target.errors = result["errors"] + result["non_2xx"]
                    self.stdout.write(f"  {target.name}: {target.rps:.1f} req/s, p95 {target.p95:.0f} ms")
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
            log.close()

    # --- output --------------------------------------------------------------------------------
    def _table(self, targets: list[Target]) -> str:
        ceiling = next(t for t in targets if t.name == CEILING).rps or 1
        floor = next(t for t in targets if t.name == FLOOR).rps or 1
        rows = [
            "| page | status | queries | queries at 1/10 | req/s | p50 ms | p95 ms | p99 ms | % of ceiling | % of floor |",
            "|---|---|---|---|---|---|---|---|---|---|",
        ]
        for t in targets:
            tenth = "-" if t.queries_tenth is None else str(t.queries_tenth)
            status = f"{t.status}" + (f" ({t.errors} errors)" if t.errors else "")
            rows.append(
                f"| {t.name} | {status} | {t.queries} | {tenth} | {t.rps:.1f} | {t.p50:.0f} | {t.p95:.0f} | "
                f"{t.p99:.0f} | {100 * t.rps / ceiling:.1f}% | {100 * t.rps / floor:.0f}% |"
            )
        return "\n".join(rows) + "\n"

    def _report(self, targets, table, machine, opts, elapsed) -> str:
        by = {t.name: t for t in targets}
        ceiling, floor = by[CEILING].rps or 1, by[FLOOR].rps or 1
        checks = []
        for name in ("home", "course catalogue", "resource library", "workshops list"):
            t = by[name]
            checks.append(
                (f"{name}: >= 50% of the ceiling", 100 * t.rps / ceiling >= 50, f"{100 * t.rps / ceiling:.1f}%")
            )
        for name in ("course (member)", "lesson (member)", "My learning (member)"):
            t = by[name]
            checks.append((f"{name}: >= 80% of the floor", 100 * t.rps / floor >= 80, f"{100 * t.rps / floor:.0f}%"))
            checks.append((f"{name}: <= 12 queries", t.queries is not None and t.queries <= 12, f"{t.queries}"))
            if t.queries_tenth is not None:
                checks.append(
                    (f"{name}: same queries at 1/10", t.queries == t.queries_tenth, f"{t.queries} / {t.queries_tenth}")
                )
        for name in ("library search, two facets", "site search"):
            t = by[name]
            checks.append((f"{name}: p95 < 50 ms", t.p95 < 50, f"{t.p95:.0f} ms"))
        for name in ("library search, two facets, uncached", "site search, uncached"):
            t = by[name]
            checks.append((f"{name} (for reference: new words on every request)", None, f"p95 {t.p95:.0f} ms"))
        seeded = "seeding included" if self._seeded else "data already seeded"
        checks.append(("seed + bench under 15 minutes", elapsed < 15 * 60, f"{elapsed:.0f} s ({seeded})"))
        check_rows = "\n".join(
            f"| {label} | {'met' if ok else 'not met' if ok is not None else '-'} | {value} |"
            for label, ok, value in checks
        )
        data = json.dumps([asdict(t) for t in targets], indent=1)
        return f"""# Performance

Last output of `make bench` (`manage.py bench`), {timezone.localtime():%Y-%m-%d %H:%M %Z}.

**Machine:** {machine["cpus"]} CPUs ({machine["cpu"]}), {machine["memory"]} RAM, {machine["os"]},
Python {machine["python"]}, PostgreSQL {machine["postgresql"]}; load average at the end of the run: {machine["load"]}.

**Setup:** gunicorn, {opts["workers"]} sync workers of one thread each on 127.0.0.1 (never recycled), `aln_site.settings.bench` (production settings:
DEBUG off, WhiteNoise, Redis cache, persistent connections `CONN_MAX_AGE={settings.DATABASES["default"]["CONN_MAX_AGE"]}`);
wrk with {opts["connections"]} connections and 2 threads, {opts["warmup"]} s warm-up then {opts["duration"]} s per URL;
member pages with a logged-in member's session cookie. Data: `manage.py seed_scale` (100 courses x 3 modules x
10 lessons, 5,000 resources, 300 workshops, 20,000 users, 200,000 lesson completions, 50,000 downloads).
Queries are counted with the test client, one request after a warm one, with the anonymous page cache off
(what building the page costs; wrk runs with it on); "at 1/10" on a second database seeded with `--scale 0.1`.
The floor is requested as the member (the page cache never serves a session), the ceiling anonymously. The two references are served by the same process in the same run.
Searches that repeat one query are answered from the published-read cache after the first request (rankings,
facet counts and a page of cards are kept until anything is published); the "uncached" rows exclude a new made-up
word on every request, so each one ranks and counts from scratch.
The whole `manage.py bench` took {elapsed:.0f} s (seeding included when it had to seed).

{table}
## Targets of issue 14

| target | status | measured |
|---|---|---|
{check_rows}

Numbers from a shared, busy machine are noisy: compare the ratios within one run, not runs with each other.

<details><summary>Raw results (JSON)</summary>

```json
{data}
```

</details>
"""


START, END = "<!-- bench:start -->", "<!-- bench:end -->"


def _write_report(path: Path, generated: str) -> None:
    """Replace the generated part of the report; text written by hand after it stays."""
    generated = f"{START}\n{generated.rstrip()}\n{END}\n"
    old = path.read_text() if path.exists() else ""
    if START in old and END in old:
        before, rest = old.split(START, 1)
        after = rest.split(END, 1)[1]
        path.write_text(before + generated + "\n" + after.lstrip("\n") if after.strip() else before + generated)
    else:
        path.write_text(generated)


def _database_url(name: str) -> str:
    db = settings.DATABASES["default"]
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


def _ensure_database(name: str | None = None, template: bool = False) -> None:
    """Create the benchmark database if it does not exist (connecting to the `postgres` database).

    With template=True the new database copies the benchmark database (already migrated).
    """
    import psycopg

    db = settings.DATABASES["default"]
    name = name or db["NAME"]
    conninfo = {"dbname": "postgres", "user": db["USER"], "host": db["HOST"] or "127.0.0.1", "port": db["PORT"] or 5432}
    if db.get("PASSWORD"):
        conninfo["password"] = db["PASSWORD"]
    with psycopg.connect(**conninfo, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{db["NAME"]}"' if template else ""))


def _wait_until_up(url: str, server: subprocess.Popen, log_path: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise CommandError("gunicorn exited:\n" + Path(log_path).read_text())
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise CommandError("gunicorn did not answer within 60 s:\n" + Path(log_path).read_text())


def _drain(base: str) -> None:
    """Wait for the requests wrk left in the server's queue when it stopped.

    Sync workers still serve requests whose client has gone; without this the next URL's run would
    spend its first seconds on the previous URL's leftovers. Two ceiling requests in a row return
    only after everything queued before them.
    """
    for _ in range(2):
        with urllib.request.urlopen(f"{base}/__bench__/ceiling/", timeout=300) as response:
            response.read()


def _wrk(url: str, seconds: int, connections: int, script: str, extra: list[str]) -> dict:
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", script, *extra, url]
    output = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    line = next((line for line in output.splitlines() if line.startswith("BENCH ")), None)
    if line is None:
        raise CommandError(f"wrk gave no result for {url}:\n{output}")
    return json.loads(line[len("BENCH ") :])
