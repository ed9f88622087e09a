"""Journey 2: filter and search the library, be refused a member file with a clear way in, download it as a
member, save it and find it in My library."""

import re

from playwright.sync_api import expect

from tests.e2e.conftest import audit, login, logout, open_file, screenshot

RESOURCE = "Choral counting by fractions"


def test_library_filter_search_refuse_download_save(site, page, new_page):
    login(page, "teacher@example.org")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Resources").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Resources")
    audit(page, name="resource library")
    screenshot(page, "library")

    # Filter: grade 4, the Launch part of the lesson.
    filters = page.locator("form.filters")
    filters.get_by_role("group", name="Grade", exact=True).get_by_role(
        "checkbox", name=re.compile(r"^Grade 4\b")
    ).check()
    filters.get_by_role("group", name="Lesson part").get_by_role("checkbox", name=re.compile(r"^Launch\b")).check()
    filters.get_by_role("button", name="Show resources").click()
    active = page.get_by_role("list", name="Active filters")
    expect(active).to_contain_text("Grade 4")
    expect(active).to_contain_text("Launch")
    results = page.locator("#library-results h2.card__title")
    expect(results.first).to_be_visible()
    assert RESOURCE in results.all_inner_texts()
    audit(page, name="resource library, filtered")

    # Search inside the filtered list, then open the resource.
    page.get_by_label("Search the library").fill("choral")
    filters.get_by_role("button", name="Show resources").click()
    expect(page.locator(".results-bar")).to_contain_text("for “choral”")
    page.get_by_role("link", name=RESOURCE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(RESOURCE)

    # A free account is refused, and told how to get in.
    expect(page.locator("a.download")).to_have_count(0)
    access = page.locator(".cta-panel", has=page.get_by_role("heading", name=re.compile("Membership|member", re.I)))
    expect(access).to_be_visible()
    expect(access.get_by_role("link", name="See membership options")).to_be_visible()
    audit(page, name="resource, refused")

    # A member downloads it and saves it.
    logout(page)
    login(page, "member@example.org")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Resources").click()
    page.get_by_label("Search the library").fill("choral counting")
    page.get_by_role("button", name="Show resources").click()
    page.get_by_role("link", name=RESOURCE).click()
    file_link = page.locator("a.download").first
    file_url = file_link.get_attribute("href")
    assert open_file(page, file_link).startswith(b"%PDF")
    page.go_back()
    page.get_by_role("button", name=re.compile(r"^Save\b.*to My library")).click()
    expect(page.get_by_text(f"Saved “{RESOURCE}” to My library.")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile(r"Remove from My library"))).to_be_visible()
    audit(page, name="resource, member")

    # ... and finds it in My library, with the download listed.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Resources").click()
    page.locator(".results-bar").get_by_role("link", name="My library").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My library")
    saved = page.locator("section", has=page.get_by_role("heading", name="Saved resources"))
    expect(saved.get_by_role("link", name=RESOURCE)).to_be_visible()
    downloads = page.locator("section", has=page.get_by_role("heading", name="Recent downloads"))
    expect(downloads.get_by_role("link", name=RESOURCE).first).to_be_visible()
    audit(page, name="my library")

    # The member shares the file's link with a colleague on a free account: she is refused, with the way in.
    colleague = new_page()
    login(colleague, "teacher@example.org")
    colleague.goto(file_url)
    expect(colleague.get_by_role("heading", level=1)).to_have_text("You can’t download this file yet")
    expect(colleague.get_by_role("link", name="See membership options")).to_be_visible()
    audit(colleague, name="download refused")
    colleague.get_by_role("link", name="Back to the resource").click()
    expect(colleague.get_by_role("heading", level=1)).to_have_text(RESOURCE)
