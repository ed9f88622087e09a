"""Journey 4: a teacher subscribes through Checkout, member content unlocks, she cancels, it locks at period end."""

import re

from playwright.sync_api import expect

from tests.e2e.conftest import account_menu, audit, login, open_file

MEMBER_RESOURCE = "Number talk: multiplying by 9 and 11"


def open_member_resource(page) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Resources").click()
    page.get_by_label("Search the library").fill("multiplying by 9")
    page.get_by_role("button", name="Show resources").click()
    page.get_by_role("link", name=MEMBER_RESOURCE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(MEMBER_RESOURCE)


def test_subscribe_unlock_cancel_and_lock_at_period_end(site, page, stripe_standin):
    stripe_standin.install(page)
    login(page, "teacher@example.org")

    # A free account: the member-only file is locked, with a clear way in.
    open_member_resource(page)
    files = page.locator("section", has=page.get_by_role("heading", name="Files"))
    expect(files.get_by_text("locked")).to_be_visible()
    audit(page, name="member resource, locked")
    page.get_by_role("link", name="See membership options").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Membership")
    audit(page, name="membership plans")

    # Subscribe: our Checkout redirect lands on the Stripe stand-in, which pays and sends the webhooks.
    page.get_by_role("button", name=re.compile(r"Subscribe\W+Individual membership \(yearly\)")).click()
    expect(page.get_by_role("heading", name="Stripe test checkout")).to_be_visible()
    page.get_by_role("button", name="Pay").click()
    expect(page).to_have_url(re.compile(r"/billing/success/\?session_id=cs_"))
    expect(page.get_by_text("Welcome, member!")).to_be_visible()
    audit(page, name="billing success")

    # Member content is open now: the file downloads.
    open_member_resource(page)
    assert open_file(page, page.locator("a.download").first).startswith(b"%PDF")
    page.go_back()

    # My learning shows the membership; cancel at period end through our own form.
    account_menu(page, "My learning")
    membership = page.locator("aside", has=page.get_by_role("heading", name="Membership"))
    expect(membership.get_by_text("Member", exact=True)).to_be_visible()
    audit(page, name="my learning (member)")
    membership.get_by_text("Cancel membership").click()
    membership.get_by_role("button", name="Cancel at the end of this period").click()
    expect(page.get_by_text("Your membership will not renew")).to_be_visible()

    # Until the period ends she keeps access.
    open_member_resource(page)
    expect(page.locator("a.download").first).to_be_visible()

    # Stripe: the period ends and the subscription is deleted (a signed webhook); the file locks again.
    stripe_standin.end_period()
    page.reload()
    expect(page.locator("a.download")).to_have_count(0)
    expect(page.get_by_role("link", name="See membership options")).to_be_visible()
    account_menu(page, "My learning")
    expect(page.locator("aside").get_by_text("Free account")).to_be_visible()
