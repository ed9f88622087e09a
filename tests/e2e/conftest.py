"""Browser journeys: Python Playwright driving Debian's Chromium against pytest-django's live_server."""

import os
from pathlib import Path

import pytest


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parent.parent.parent / "docs" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        message = "Chromium is not installed: run `apt-get install chromium` (make test does this as root)."
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls beside it are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, settings):
    settings.WAGTAILADMIN_BASE_URL = live_server.url
    settings.SITE_URL = live_server.url
    context = browser.new_context(viewport=DESKTOP, base_url=live_server.url, accept_downloads=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def site(transactional_db, live_server):
    """The seeded demo site, pointed at the live server."""
    from django.core.management import call_command
    from wagtail.models import Site

    call_command("seed_demo", "--quiet-logins", stdout=open(os.devnull, "w"))
    host, port = live_server.url.replace("http://", "").split(":")
    Site.objects.filter(is_default_site=True).update(hostname=host, port=int(port))
    return live_server


def check_accessibility(page, *, name: str = "") -> None:
    """Fail on any serious or critical WCAG 2.1 A/AA violation on the current page."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page,
        options={
            "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
            "resultTypes": ["violations"],
        },
    )
    serious = [v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]
    if serious:
        lines = [f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes'][:3]]}" for v in serious]
        raise AssertionError(f"Accessibility violations on {name or page.url}:\n" + "\n".join(lines))


def check_no_horizontal_scroll(page) -> None:
    """At phone width the page must not scroll sideways."""
    original = page.viewport_size
    page.set_viewport_size(PHONE)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    page.set_viewport_size(original)
    assert overflow <= 1, f"{page.url} scrolls sideways by {overflow}px at 375px wide"


def audit(page, *, name: str = "") -> None:
    check_accessibility(page, name=name)
    check_no_horizontal_scroll(page)


def screenshot(page, name: str) -> None:
    """Save desktop and phone screenshots to docs/screenshots/ for the README."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    original = page.viewport_size
    page.screenshot(path=str(SCREENSHOTS / f"{name}-desktop.png"), full_page=False)
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(SCREENSHOTS / f"{name}-phone.png"), full_page=False)
    page.set_viewport_size(original)


def login(page, email: str, password: str = "learn-math-2026") -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").first.fill(email)
    page.get_by_label("Password").first.fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
