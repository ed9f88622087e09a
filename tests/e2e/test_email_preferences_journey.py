"""From an e-mail's link, without signing in: unsubscribe from reminders in one click, then change the rest."""

from playwright.sync_api import expect

from tests.e2e.conftest import audit, login


def test_unsubscribe_and_preferences_from_the_link_and_the_account(site, page):
    from members import email_preferences
    from members.models import EmailPreference

    page.goto(email_preferences.unsubscribe_url("teacher@example.org", email_preferences.REMINDERS))
    expect(page.get_by_role("heading", level=1)).to_have_text("Unsubscribe")
    audit(page, name="unsubscribe, asked")
    page.get_by_role("button", name="Unsubscribe").click()
    expect(page.get_by_role("status")).to_contain_text("will no longer receive workshop reminders")
    audit(page, name="unsubscribe, done")
    assert EmailPreference.objects.get(email="teacher@example.org").reminders is False

    page.get_by_role("link", name="Change all your e-mail preferences").click()
    expect(page.get_by_role("checkbox", name="Workshop reminders")).not_to_be_checked()
    page.get_by_role("checkbox", name="Workshop news").uncheck()
    page.get_by_role("button", name="Save preferences").click()
    expect(page.locator("main")).to_contain_text("Your e-mail preferences are saved.")
    audit(page, name="e-mail preferences from the link")
    assert EmailPreference.objects.get(email="teacher@example.org").notifications is False

    page.goto("/email-preferences/not-a-real-token/")
    expect(page.get_by_role("heading", level=1)).to_have_text("This link does not work")
    audit(page, name="e-mail link refused")

    login(page, "teacher@example.org")
    page.goto("/account/profile/")
    page.get_by_role("navigation", name="Account settings").get_by_role("link", name="E-mail preferences").click()
    expect(page.get_by_role("checkbox", name="Workshop news")).not_to_be_checked()
    page.keyboard.press("Tab")  # the form is reachable from the keyboard
    audit(page, name="e-mail preferences, signed in")
