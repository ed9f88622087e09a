# Two commands for a newcomer: `make run` and `make test`. CI (.ci/run) uses these same targets.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install browser migrate seed serve worker beat up lint format check e2e screenshots \
	test-sqlite smoke clean wrk bench bench-data lint-imports

# Development and test installs use requirements-dev.lock (the runtime lock plus test tools);
# a production install uses requirements.lock alone (docs/deploy.md).
$(VENV)/.installed: requirements.lock requirements-dev.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements-dev.lock
	touch $@

install: $(VENV)/.installed

# Debian's Chromium for the browser tests (never `playwright install`: it downloads a browser).
browser:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
		echo "Installing Debian's chromium for the browser tests..."; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
		|| echo "Could not install chromium; browser tests will skip (install it with: apt-get install chromium)"; \
	else echo "Chromium missing: browser tests will skip. Install it with: sudo apt-get install chromium"; fi

# Debian's wrk, the load generator of `make bench`.
wrk:
	@if command -v wrk >/dev/null; then :; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
		echo "Installing Debian's wrk for the benchmark..."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; \
	else echo "wrk missing: install it with: sudo apt-get install wrk"; exit 1; fi

# The benchmark (never part of `make test`): its own PostgreSQL database (BENCH_DATABASE_URL, default
# aln_bench on 127.0.0.1), seeded once by seed_scale, gunicorn + wrk; writes docs/performance.md.
BENCH_ENV := DJANGO_SETTINGS_MODULE=aln_site.settings.bench

bench-data: install
	$(BENCH_ENV) $(PY) manage.py bench --seed-only $(if $(FORCE),--force)

bench: install wrk
	$(BENCH_ENV) $(PY) manage.py bench

migrate: install
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo

run: seed
	@echo "Serving on http://$(HOST):$(PORT)  (admin: http://$(HOST):$(PORT)/admin/)"
	$(PY) manage.py runserver $(HOST):$(PORT)

test: install browser
	$(PY) -m pytest -m "not e2e" -q
	$(PY) -m pytest -m e2e -q || [ $$? -eq 5 ]

e2e: install browser
	$(PY) -m pytest -m e2e -q

# The journeys save screenshots to build/screenshots/ (git-ignored); this refreshes the README's copies.
SCREENSHOT_JOURNEYS := tests/e2e/test_home.py tests/e2e/test_course_journey.py \
	tests/e2e/test_library_journey.py tests/e2e/test_workshop_journey.py

screenshots: install browser
	rm -rf build/screenshots
	$(PY) -m pytest -m e2e -q $(SCREENSHOT_JOURNEYS)
	mkdir -p docs/screenshots
	cp build/screenshots/*.png docs/screenshots/
	@echo "docs/screenshots/ refreshed from build/screenshots/"

# The concurrency tests on the SQLite default (`make test` runs them on DATABASE_URL, PostgreSQL in CI).
test-sqlite: install
	DATABASE_URL= $(PY) -m pytest -q tests/events/test_concurrency.py tests/members/test_districts.py

# The embedded default: a dev server (dev settings, a fresh SQLite file, the demo seeded) answers the home page.
SMOKE_PORT ?= 8765
# Up to three minutes for the first answer: a busy machine starts Django slowly, and this checks it answers at all.

smoke: install
	@set -eu; tmp="$$(mktemp -d)"; \
	export DATABASE_URL="sqlite:///$$tmp/smoke.sqlite3"; unset CELERY_BROKER_URL DJANGO_SETTINGS_MODULE; \
	$(PY) manage.py migrate --noinput -v0; \
	$(PY) manage.py seed_demo --quiet-logins >/dev/null; \
	$(PY) manage.py runserver 127.0.0.1:$(SMOKE_PORT) --noreload >"$$tmp/runserver.log" 2>&1 & server=$$!; \
	trap 'kill $$server 2>/dev/null || true; rm -rf "$$tmp"' EXIT; \
	code=000; for _ in $$(seq 1 180); do \
		code=$$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:$(SMOKE_PORT)/ || true); \
		[ "$$code" = "200" ] && break; sleep 1; \
	done; \
	echo "Dev server home page answered $$code"; \
	if [ "$$code" != "200" ]; then cat "$$tmp/runserver.log"; exit 1; fi

# Celery needs DJANGO_SETTINGS_MODULE (it has no default); these local targets use dev unless told.
worker: install
	DJANGO_SETTINGS_MODULE=$${DJANGO_SETTINGS_MODULE:-aln_site.settings.dev} $(VENV)/bin/celery -A aln_site worker --loglevel=info -Q default,email,payments,certificates

beat: install
	DJANGO_SETTINGS_MODULE=$${DJANGO_SETTINGS_MODULE:-aln_site.settings.dev} $(VENV)/bin/celery -A aln_site beat --loglevel=info

# The production process model on this machine: gunicorn, a Celery worker and beat from the Procfile
# (honcho), on production settings against the real PostgreSQL and Redis. Ctrl-C stops all three.
UP_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/aln
UP_REDIS_URL ?= redis://127.0.0.1:6379/0
UP_ENV = DJANGO_SETTINGS_MODULE=aln_site.settings.production \
	DATABASE_URL=$(UP_DATABASE_URL) REDIS_URL=$(UP_REDIS_URL) CELERY_BROKER_URL=$(UP_REDIS_URL) \
	SECRET_KEY=$${SECRET_KEY:-$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')} \
	ALLOWED_HOSTS=$${ALLOWED_HOSTS:-localhost,127.0.0.1} SECURE_SSL_REDIRECT=$${SECURE_SSL_REDIRECT:-false} \
	SITE_URL=$${SITE_URL:-http://localhost:$(PORT)} \
	EMAIL_BACKEND=$${EMAIL_BACKEND:-django.core.mail.backends.filebased.EmailBackend} \
	EMAIL_FILE_PATH=$${EMAIL_FILE_PATH:-$(CURDIR)/tmp/mail} PATH="$(CURDIR)/$(VENV)/bin:$$PATH"

up: install
	$(UP_ENV) $(PY) manage.py migrate --noinput
	$(UP_ENV) $(PY) manage.py collectstatic --noinput -v0
	@echo "Web on http://localhost:$(PORT) (e-mail is written to tmp/mail/); Ctrl-C stops web, worker and beat."
	$(UP_ENV) $(VENV)/bin/honcho start -f Procfile -p $(PORT)

check: install
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

lint: install lint-imports
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# The layers and "models never import views, selectors or services" (pyproject.toml, docs/architecture.md).
lint-imports: install
	$(VENV)/bin/lint-imports --no-cache

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) staticfiles db.sqlite3 build
