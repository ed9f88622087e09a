from tests.e2e.conftest import audit, screenshot


def test_home_and_articles_are_accessible(site, page):
    page.goto("/")
    assert page.locator("h1").first.is_visible()
    audit(page, name="home")
    screenshot(page, "home")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Articles").click()
    page.wait_for_load_state()
    audit(page, name="articles")
    page.locator("main a", has_text="faculty meetings").first.click()
    audit(page, name="article")
