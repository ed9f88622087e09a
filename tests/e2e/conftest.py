"""Browser journeys: Python Playwright driving Debian's Chromium against pytest-django's live_server."""

import json
import os
from pathlib import Path
from urllib.parse import urljoin, urlsplit

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
# A build folder (git-ignored): `make screenshots` copies these into docs/screenshots/ for the README.
SCREENSHOTS = Path(
    os.environ.get("E2E_SCREENSHOT_DIR", Path(__file__).resolve().parent.parent.parent / "build" / "screenshots")
)
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}


@pytest.fixture(scope="session")
def migrated_data(django_db_setup, django_db_blocker):
    """What the migrations put in the test database (Wagtail's root page, locale, groups), serialized.

    Each journey's transactional_db empties every table afterwards. Django would restore this data for
    `django_db_serialized_rollback`, but under Playwright's event loop the ORM gets another connection
    object, one without the serialized copy, so `site` restores it itself. Read before the browser starts.
    """
    from django.db import connections

    return getattr(connections["default"], "_test_serialized_contents", None)


@pytest.fixture(scope="session")
def browser(migrated_data):
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
def new_page(browser, live_server):
    """Another person's browser (a separate context with its own cookies) on the same live server."""
    contexts = []

    def make():
        context = browser.new_context(viewport=DESKTOP, base_url=live_server.url, accept_downloads=True)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


FAILURES = Path(os.environ.get("E2E_FAILURE_DIR", "/tmp/e2e-failures"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.e2e_failed = report.failed
    return report


@pytest.fixture
def page(request, browser, live_server, settings):
    settings.WAGTAILADMIN_BASE_URL = live_server.url
    settings.SITE_URL = live_server.url
    context = browser.new_context(viewport=DESKTOP, base_url=live_server.url, accept_downloads=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    if getattr(request.node, "e2e_failed", False):
        # What the browser showed when the journey broke, to read after the run.
        FAILURES.mkdir(parents=True, exist_ok=True)
        try:
            page.screenshot(path=str(FAILURES / f"{request.node.name}.png"), full_page=True)
            (FAILURES / f"{request.node.name}.html").write_text(f"<!-- {page.url} -->\n" + page.content())
        except Exception:  # noqa: BLE001 - a broken page must not hide the real failure
            pass
    context.close()


@pytest.fixture
def site(django_db_serialized_rollback, transactional_db, live_server, migrated_data):
    """The seeded demo site, pointed at the live server."""
    from django.core.management import call_command
    from django.db import connections
    from wagtail.models import Page, Site

    if Page.get_first_root_node() is None:
        assert migrated_data, "the test database was not serialized; keep django_db_serialized_rollback above"
        # The flush re-created content types and permissions (post_migrate); the serialized copy has its own.
        from django.contrib.auth.models import Permission
        from django.contrib.contenttypes.models import ContentType

        Permission.objects.all().delete()
        ContentType.objects.all().delete()
        ContentType.objects.clear_cache()
        # Content types go first: saving other rows (Wagtail's reference index) may look them up.
        rows = json.loads(migrated_data)
        rows.sort(key=lambda row: row["model"] != "contenttypes.contenttype")
        connections["default"].creation.deserialize_db_from_string(json.dumps(rows))
        ContentType.objects.clear_cache()

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
    """Save desktop and phone screenshots to the build folder (`make screenshots` publishes them)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    original = page.viewport_size
    page.screenshot(path=str(SCREENSHOTS / f"{name}-desktop.png"), full_page=False)
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(SCREENSHOTS / f"{name}-phone.png"), full_page=False)
    page.set_viewport_size(original)


def logout(page) -> None:
    page.locator("details.account-menu:visible > summary").first.click()
    page.locator("details.account-menu[open]").get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()
    # allauth asks to confirm when the sign-out form is not the one it rendered itself.
    confirm = page.locator("main").get_by_role("button", name="Sign out")
    if confirm.count():
        confirm.click()
        page.wait_for_load_state()


def login(page, email: str, password: str = "learn-math-2026") -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").first.fill(email)
    page.get_by_label("Password").first.fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


@pytest.fixture
def stripe_standin(live_server, settings):
    """Our server's Stripe calls go to the in-memory fake; the browser's visits to Stripe go to a stand-in page."""
    from members import payments
    from tests.e2e.stripe_standin import StandInTransport, StripeStandIn

    transport = StandInTransport()
    payments.set_http_client(transport)
    yield StripeStandIn(transport, live_server.url, settings.STRIPE_WEBHOOK_SECRET)
    payments.set_http_client(None)


def account_menu(page, link: str) -> None:
    """Open the account menu in the header, as a person would, and follow one of its links."""
    page.locator("details.account-menu:visible > summary").first.click()
    page.locator("details.account-menu[open]").get_by_role("link", name=link, exact=True).click()
    page.wait_for_load_state()


def open_file(page, link, *, content_type: str = "application/pdf") -> bytes:
    """Click a file link as a person would; return the file whether the browser downloads it or shows it inline."""
    path = urlsplit(urljoin(page.url, link.get_attribute("href"))).path
    downloads, responses = [], []

    def on_download(download):
        downloads.append(download)

    def on_response(response):
        if urlsplit(response.url).path == path and response.status < 300:
            responses.append(response)

    page.on("download", on_download)
    page.on("response", on_response)
    try:
        link.click()
        for _ in range(150):
            if downloads or responses:
                break
            page.wait_for_timeout(100)
    finally:
        page.remove_listener("download", on_download)
        page.remove_listener("response", on_response)
    if downloads:
        return Path(downloads[0].path()).read_bytes()
    assert responses, f"clicking {path} gave neither a download nor the file"
    response = responses[0]
    assert response.headers.get("content-type", "").startswith(content_type), response.headers
    # Chromium shows a PDF in its viewer (the response body is then the viewer); save the file with the same cookies.
    return page.context.request.get(response.url).body()


FOCUSED = """() => {
    const el = document.activeElement;
    // Skip-link targets (tabindex=-1) take focus but are not tab stops; they can land a moment late.
    if (!el || el === document.body || el.tabIndex < 0) return null;
    const style = getComputedStyle(el);
    const rect = el.getBoundingClientRect();
    const labels = el.labels ? Array.from(el.labels).map(l => l.innerText).join(" ") : "";
    const name = (el.getAttribute("aria-label") || labels || el.innerText || el.value || "").replace(/\\s+/g, " ").trim();
    const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2;
    const shadow = style.boxShadow && style.boxShadow !== "none";
    return {
        tag: el.tagName.toLowerCase(), type: el.type || "", name,
        indicator: outline || shadow,
        onScreen: rect.width > 0 && rect.height > 0 && rect.bottom > 0 && rect.top < window.innerHeight
            && rect.right > 0 && rect.left < window.innerWidth,
    };
}"""


def tab_to(page, name, *, max_presses: int = 120, backwards: bool = False) -> dict:
    """Press Tab until the focused element's name matches; every stop on the way must show a visible focus."""
    import re as _re

    pattern = _re.compile(name) if isinstance(name, str) else name
    seen = []
    for _ in range(max_presses):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        focused = page.evaluate(FOCUSED)
        if focused is None:
            continue
        seen.append(focused["name"][:40])
        assert focused["onScreen"], f"focus went off screen: {focused}"
        assert focused["indicator"], f"no visible focus indicator on {focused}"
        if pattern.search(focused["name"]):
            return focused
    raise AssertionError(f"never reached {pattern.pattern!r} with Tab; focus visited: {seen}")
