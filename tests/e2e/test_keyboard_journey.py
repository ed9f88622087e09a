"""Journey 1's key steps with the keyboard only (Tab, Shift+Tab, Enter, Space), with a visible focus at every stop."""

import re

from playwright.sync_api import expect

from tests.e2e.conftest import tab_to


def test_sign_in_continue_answer_reflect_and_complete_by_keyboard(site, page):
    keys = page.keyboard
    page.goto("/accounts/login/")

    # Sign in.
    tab_to(page, r"^Email")
    keys.type("teacher@example.org")
    tab_to(page, r"^Password")
    keys.type("learn-math-2026")
    keys.press("Enter")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)

    # Skip the header, then go to My learning and Continue the course.
    tab_to(page, r"^Skip to")
    keys.press("Enter")
    tab_to(page, r"^My learning$", backwards=True)
    keys.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("My learning")
    tab_to(page, r"^Skip to")
    keys.press("Enter")
    tab_to(page, r"^Continue\b")
    keys.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Three routines at a glance")

    # Answer the check: Tab into the options, arrows/Space to choose, Enter on the button.
    tab_to(page, r"^Skip to")
    keys.press("Enter")
    option = tab_to(page, r"A number string|An image routine|A timed facts quiz")
    assert option["type"] == "radio"
    for _ in range(3):
        if page.evaluate("document.activeElement.labels[0].innerText").strip() == "A number string":
            break
        keys.press("ArrowDown")
    keys.press("Space")
    expect(page.get_by_role("radio", name="A number string")).to_be_checked()
    tab_to(page, r"^Check my answer")
    keys.press("Enter")
    expect(page.locator(".quiz__feedback")).to_contain_text("Right")

    # Write the reflection and save it with Space on the button.
    tab_to(page, r"^Skip to")
    keys.press("Enter")
    tab_to(page, r"^Reflection:")
    keys.type("Image routines on Fridays; students explain how they saw the dots.")
    tab_to(page, r"^Save my reflection")
    keys.press("Space")
    expect(page.get_by_role("heading", name=re.compile("You completed this lesson"))).to_be_visible()

    # Go on to the next lesson and mark it complete.
    tab_to(page, r"^Skip to")
    keys.press("Enter")
    tab_to(page, r"^Next lesson: Choosing the problem")
    keys.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Choosing the problem")
    tab_to(page, r"^Skip to")
    keys.press("Enter")
    tab_to(page, r"^Mark complete")
    keys.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Recording what students say")
