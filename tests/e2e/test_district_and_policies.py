"""Issue 16: a district leader finds the inquiry form from the footer and sends it; the policies read well
on a phone; the library shows its results first on a phone, with the filters behind "Filter"."""

import re

from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, audit, screenshot


def test_library_on_a_phone_shows_results_before_the_filters(site, page):
    page.set_viewport_size(PHONE)
    page.goto("/resources/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Resources")
    filters = page.locator("details.library-filters")
    expect(filters).not_to_have_attribute("open", re.compile(".*"))
    expect(page.locator("form.filters")).to_be_hidden()
    toggle = filters.locator("summary")
    expect(toggle).to_have_text(re.compile(r"^Filter"))
    # The count of results is on the first screen, without scrolling.
    count = page.locator(".results-bar")
    expect(count).to_contain_text(re.compile(r"\d+ resources"))
    box = count.bounding_box()
    assert box and box["y"] + box["height"] <= PHONE["height"], box
    audit(page, name="library, phone")
    page.screenshot(path=str(_shot("library-filters-closed-phone")), full_page=False)

    toggle.click()
    expect(page.locator("form.filters")).to_be_visible()
    expect(page.get_by_label("Search the library")).to_be_visible()
    audit(page, name="library, phone, filters open")
    page.screenshot(path=str(_shot("library-filters-open-phone")), full_page=False)

    # Where there is room the filters are open from the start.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.reload()
    expect(page.locator("form.filters")).to_be_visible()
    expect(toggle).to_be_hidden()


def test_district_inquiry_and_policies(site, page, monkeypatch):
    from django.core.cache import cache

    from home.models import DistrictInquiryPage

    cache.clear()
    monkeypatch.setattr(DistrictInquiryPage, "posts_per_address", 1)
    page.goto("/")
    footer = page.locator("footer.site-footer")
    footer.get_by_role("link", name="Privacy policy").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Privacy policy")
    expect(page.get_by_role("heading", name="FERPA")).to_be_visible()
    audit(page, name="privacy policy")
    screenshot(page, "privacy-policy")

    page.locator("footer.site-footer").get_by_role("link", name="Accessibility statement").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Accessibility statement")
    audit(page, name="accessibility statement")
    screenshot(page, "accessibility-statement")

    page.goto("/accounts/signup/")
    card = page.locator(".auth-card")
    expect(card.get_by_role("link", name="privacy policy")).to_be_visible()
    expect(card.get_by_role("link", name="accessibility statement")).to_be_visible()
    card.get_by_role("link", name="privacy policy").scroll_into_view_if_needed()
    screenshot(page, "signup-policies")

    page.locator("footer.site-footer").get_by_role("link", name="Bring the network to your school or district").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bring the network to your school or district")
    audit(page, name="district inquiry")
    screenshot(page, "district-inquiry")
    # The trap field is out of sight and out of the tab order.
    trap = page.locator("input[name=website]")
    assert trap.get_attribute("tabindex") == "-1"
    box = trap.bounding_box()
    assert box is None or box["x"] + box["width"] <= 0, box

    page.get_by_label("Your name").fill("Rosa Diaz")
    page.get_by_label("Work e-mail").fill("rosa.diaz@riverbend.example.org")
    page.get_by_label("District or school").fill("Riverbend Unified School District")
    page.get_by_label("Your role").select_option("Curriculum or district leader")
    page.get_by_label("Number of teachers").fill("42")
    page.get_by_role("checkbox", name="Content knowledge").check()
    page.get_by_label("Anything else we should know?").fill("Grade 3 teams want to plan Math Menu groups.")
    page.get_by_role("button", name="Send my inquiry").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for reaching out")
    audit(page, name="district inquiry, sent")
    screenshot(page, "district-inquiry-sent")

    from wagtail.contrib.forms.models import FormSubmission

    submission = FormSubmission.objects.get()
    assert submission.get_data()["district_or_school"] == "Riverbend Unified School District"

    # A second post from the same address within the hour is held back, with a clear message.
    page.go_back()
    page.get_by_label("Your name").fill("Rosa Diaz")
    page.get_by_label("Work e-mail").fill("rosa.diaz@riverbend.example.org")
    page.get_by_label("District or school").fill("Riverbend Unified School District")
    page.get_by_label("Your role").select_option("Curriculum or district leader")
    page.get_by_label("Number of teachers").fill("42")
    page.get_by_role("button", name="Send my inquiry").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Too many messages")
    expect(page.get_by_label("District or school")).to_have_value("Riverbend Unified School District")
    assert FormSubmission.objects.count() == 1
    audit(page, name="district inquiry, held back")
    screenshot(page, "district-inquiry-held")


def _shot(name):
    from tests.e2e.conftest import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS / f"{name}.png"
