"""Issue 15, item 6: a district leader reads her dashboard and one teacher's page on a phone (cards, no sideways
scroll), and sends a pending invitation again."""

import re

from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, audit, login, screenshot


def test_leader_dashboard_and_a_teachers_page_on_a_phone(site, page):
    from members.models import Organization

    organization = Organization.objects.get(name="Riverside Unified School District")
    login(page, "leader@example.org")
    page.set_viewport_size(PHONE)
    page.goto(f"/district/{organization.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(organization.name)
    # Under 640px each teacher is a card: the column headings are read from each cell.
    cell = page.locator("table.table--cards td[data-label='Last active']").first
    assert cell.evaluate("el => getComputedStyle(el).display") == "block"
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    audit(page, name="district dashboard, phone")
    screenshot(page, "district-dashboard")

    pending = page.locator(".pending-list__item").first
    pending.get_by_role("button", name=re.compile(r"^Send again")).click()
    expect(page.locator(".alert").filter(has_text="sent again")).to_be_visible()

    page.locator("table.table--cards tbody th a").filter(has_text=re.compile(r"\w")).first.click()
    expect(page.get_by_role("heading", name="Courses")).to_be_visible()
    expect(page.get_by_text("Last active")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    audit(page, name="a teacher's page, phone")
    screenshot(page, "district-teacher")
