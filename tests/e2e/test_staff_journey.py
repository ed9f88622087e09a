"""Journey 5: an editor submits a draft (and a change to a live workshop) for review; a moderator publishes a resource and a lesson in the
Wagtail admin, previews a gated lesson and exports a course report."""

import csv
import io
import re
from urllib.parse import urljoin, urlsplit

from playwright.sync_api import expect

from tests.e2e.conftest import account_menu, audit, login

RESOURCE = "Fraction number line probe"
LESSON = "Probe talk in pairs"
LESSON_TEXT = "Pairs explain their probe answers to each other before the class discussion."
MEMBER_COURSE = "Formative probes: seeing student thinking"


def a_pdf(path):
    from reportlab.pdfgen import canvas

    sheet = canvas.Canvas(str(path))
    sheet.drawString(72, 720, "Place 1/4, 1/2 and 3/4 on the number line.")
    sheet.save()
    return path


def explore(page, *names) -> None:
    """From the admin, open the page explorer and walk down the tree to the listing of the last name."""
    page.get_by_role("navigation", name="Main menu").get_by_role("button", name="Pages").click()
    page.get_by_role("dialog", name="Page explorer").get_by_role("link", name="Home").first.click()
    for name in names:
        page.get_by_role("link", name=f"Explore child pages of '{name}'").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Exploring: {names[-1]}")


# Wagtail 8 autosaves the editor. On a new page the first autosave creates the page as a draft and then
# turns the create form into the edit form (form action, preview URL, panels). Until that settles, a preview
# or publish still goes to the create URL, where the draft's own slug is now taken: the form is invalid.
# Reads Wagtail's Stimulus controllers (window.wagtail.app) because the DOM flags lag behind by an interval.
EDITS_AUTOSAVED = """() => {
    const form = document.querySelector("form[data-edit-form]");
    const controller = (name) => window.wagtail.app.getControllerForElementAndIdentifier(form, name);
    const unsaved = controller("w-unsaved");
    const autosave = controller("w-autosave");
    // No edit left for autosave to pick up (formData is computed now), and no autosave or hydration in flight.
    return unsaved !== null && unsaved.initialFormData !== undefined && unsaved.formData === unsaved.initialFormData
        && (autosave === null || autosave.submitPromise === null);
}"""

# The preview panel has stored the current form and shown it: nothing stale, no update or iframe swap pending.
PREVIEW_SETTLED = """() => {
    const panel = document.querySelector('[data-controller~="w-preview"]');
    const preview = panel && window.wagtail.app.getControllerForElementAndIdentifier(panel, "w-preview");
    return Boolean(preview) && preview.ready && !preview.staleValue && preview.updatePromise === null;
}"""


def wait_until_autosaved(page) -> None:
    page.wait_for_function(EDITS_AUTOSAVED, timeout=30_000)


def open_preview_in_new_tab(page, preview_panel):
    """Open the preview tab the way Wagtail does, waiting for what it needs rather than for time to pass.

    Wagtail POSTs the form to the panel's preview URL (the server keeps that form state), then opens the tab,
    whose GET renders the stored state. Both must go to the page the form now edits: wait until autosave has
    settled (a new page has become its draft and the panel its edit-view panel) and the panel is up to date,
    then click and check that the POST the click sends stored a valid, available preview.
    """
    page.wait_for_function(f"() => ({EDITS_AUTOSAVED})() && ({PREVIEW_SETTLED})()", timeout=30_000)
    link = preview_panel.get_by_role("link", name="Preview in new tab")
    preview_path = urlsplit(urljoin(page.url, link.get_attribute("href"))).path

    def is_preview_post(response):
        return response.request.method == "POST" and urlsplit(response.url).path == preview_path

    with page.expect_response(is_preview_post) as posted, page.context.expect_page() as new_tab:
        link.click()
    state = posted.value.json()
    assert state == {"is_valid": True, "is_available": True}, state
    return new_tab.value


def publish(page) -> None:
    wait_until_autosaved(page)  # publishing during a create autosave would post to the create URL again
    page.get_by_role("navigation", name="Actions (footer)").get_by_role("button", name="More actions").click()
    # A moderator's publish also closes the review workflow: give the busy test server time.
    page.get_by_role("button", name="Publish", exact=True).click(timeout=45_000)


DRAFT = "Counting collections routine"


def test_editor_drafts_and_submits_the_moderator_sees_it_awaiting_review(site, page, new_page):
    """Editors cannot publish past the review workflow: they submit, and a moderator approves."""
    login(page, "editor@example.org")
    account_menu(page, "Admin")
    explore(page, "Resources")
    page.get_by_role("navigation", name="Actions").get_by_role("link", name="Add child page").click()
    page.get_by_role("textbox", name="Title*").fill(DRAFT)
    page.get_by_role("textbox", name="Summary*").fill("Students count a collection and record how.")
    page.get_by_role("navigation", name="Actions (footer)").get_by_role("button", name="More actions").click()
    expect(page.get_by_role("button", name="Publish", exact=True)).to_have_count(0)
    wait_until_autosaved(page)
    page.get_by_role("button", name="Submit to Review before publishing").click()
    expect(page.get_by_text(re.compile(f"Page '{DRAFT}' .*submitted"))).to_be_visible(timeout=30_000)

    moderator = new_page()
    login(moderator, "moderator@example.org")
    moderator.goto("/admin/")
    expect(moderator.locator("main")).to_contain_text(DRAFT)


def test_publish_resource_and_lesson_preview_gated_lesson_export_report(site, page, new_page, tmp_path):
    # The moderator publishes (editors submit for review: see the journey above).
    login(page, "moderator@example.org")
    account_menu(page, "Admin")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    audit(page, name="admin dashboard")

    # Publish a member-only resource with a file.
    explore(page, "Resources")
    audit(page, name="admin page listing")
    page.get_by_role("navigation", name="Actions").get_by_role("link", name="Add child page").click()
    page.get_by_role("textbox", name="Title*").fill(RESOURCE)
    page.get_by_role("textbox", name="Summary*").fill("Students place unit fractions on a number line and explain.")
    page.get_by_role("button", name="Add File").click()
    page.get_by_role("region", name="Files").get_by_role("button", name="Choose a document").click()
    chooser = page.get_by_role("dialog")
    chooser.get_by_role("tab", name="Upload").click()
    upload = chooser.get_by_role("tabpanel", name="Upload")
    upload.get_by_role("textbox", name="Title*").fill(RESOURCE)
    upload.locator("input[type=file]").set_input_files(str(a_pdf(tmp_path / "fraction-probe.pdf")))
    upload.get_by_role("combobox", name="Collection*").select_option(label="Resource library")
    upload.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("region", name="Files")).to_contain_text(RESOURCE)
    page.get_by_role("tab", name="Tags").click()
    tags = page.get_by_role("tabpanel", name="Tags")
    tags.get_by_role("region", name="Grades").get_by_role("checkbox", name="Grade 3").check()
    tags.get_by_role("region", name="Lesson parts").get_by_role("checkbox", name="Math Menu").check()
    page.get_by_role("tab", name="Access and related").click()
    page.get_by_role("combobox", name="Access level*").select_option(label="Members only")
    audit(page, name="admin resource editor")
    publish(page)
    expect(
        page.get_by_text(re.compile(f"Page '{RESOURCE}' (created and published|has been published)"))
    ).to_be_visible()

    # It is live in the library, members only.
    teacher = new_page()
    login(teacher, "teacher@example.org")
    teacher.get_by_role("navigation", name="Main").get_by_role("link", name="Resources").click()
    teacher.get_by_label("Search the library").fill("fraction number line")
    teacher.get_by_role("button", name="Show resources").click()
    teacher.get_by_role("link", name=RESOURCE).click()
    expect(teacher.get_by_role("heading", level=1)).to_have_text(RESOURCE)
    expect(teacher.locator(".badge--members").first).to_be_visible()
    expect(teacher.get_by_role("link", name="See membership options")).to_be_visible()

    # Write a lesson in the member course, preview it as the learner will see it, then publish it.
    explore(page, "Courses", MEMBER_COURSE, "What a probe shows")
    page.get_by_role("navigation", name="Actions").get_by_role("link", name="Add child page").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New: Lesson")
    page.get_by_role("textbox", name="Title*").fill(LESSON)
    page.get_by_role("textbox", name="Summary").fill("Partners compare their probe answers.")
    page.get_by_role("button", name="Insert a block").first.click()
    page.get_by_role("option", name="Paragraph").click()
    page.locator("[contenteditable=true]").last.click()
    page.keyboard.type(LESSON_TEXT)
    page.get_by_role("textbox", name="Summary").click()  # leave the rich-text editor so its value is saved
    expect(page.locator("input[name='body-0-value']")).to_have_value(re.compile("class discussion"))
    page.get_by_role("button", name="Toggle preview").click()
    preview_panel = page.get_by_role("complementary", name="Preview")
    expect(preview_panel.frame_locator("#w-preview-iframe").locator("main")).to_contain_text(
        LESSON_TEXT, timeout=15_000
    )
    preview = open_preview_in_new_tab(page, preview_panel)
    preview.wait_for_load_state()
    expect(preview.get_by_role("heading", level=1)).to_have_text(LESSON)
    expect(preview.locator("main")).to_contain_text(LESSON_TEXT)
    expect(preview.locator("main")).to_contain_text("seeing this lesson as an editor")
    audit(preview, name="lesson preview")
    preview.close()
    publish(page)
    expect(page.get_by_text(re.compile(f"Page '{LESSON}' (created and published|has been published)"))).to_be_visible()

    # The lesson is in the course now, and stays gated: a free teacher sees the way in, not the lesson.
    teacher.get_by_role("navigation", name="Main").get_by_role("link", name="Courses").click()
    teacher.get_by_role("link", name=MEMBER_COURSE).first.click()
    expect(teacher.locator(".outline")).to_contain_text(LESSON)
    lesson_url = page.get_by_role("link", name=re.compile("View live")).first.get_attribute("href")
    teacher.goto(lesson_url)
    expect(teacher.locator("main")).not_to_contain_text(LESSON_TEXT)
    # A free teacher is told plainly that this lesson needs membership, with the way in.
    expect(teacher.locator("main")).to_contain_text("Membership required")
    audit(teacher, name="lesson, refused")
    expect(teacher.get_by_role("link", name="Become a member")).to_be_visible()
    teacher.get_by_role("link", name="About the course").click()
    expect(teacher.locator("#cta-title")).to_have_text("Included in membership")

    # Export the course progress report.
    page.get_by_role("navigation", name="Main menu").get_by_role("button", name="Reports").click()
    page.get_by_role("link", name="Course progress").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Course progress")
    audit(page, name="admin course report")
    page.get_by_role("button", name="Actions").click()  # Wagtail's report header keeps exports in this menu
    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    assert download.value.suggested_filename.endswith(".csv")
    with open(download.value.path(), newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(io.StringIO(handle.read())))
    titles = [row[0] for row in rows[1:]]
    assert "Launch routines that open every lesson" in titles and MEMBER_COURSE in titles, rows


WORKSHOP = "Launching the Math Menu in K-2 classrooms"


def test_an_editor_changes_a_live_workshop_and_the_change_waits_for_a_moderator(site, page, new_page):
    """Capacity is a promise to teachers: an Editor's change to a live workshop goes live only when approved."""
    login(page, "editor@example.org")
    account_menu(page, "Admin")
    explore(page, "Workshops")
    page.get_by_role("link", name=WORKSHOP, exact=True).first.click()
    page.get_by_role("tab", name="Registration").click()
    capacity = page.get_by_role("spinbutton", name="Capacity*")
    expect(capacity).to_have_value("30")
    capacity.fill("50")
    audit(page, name="admin workshop editor")
    page.get_by_role("navigation", name="Actions (footer)").get_by_role("button", name="More actions").click()
    expect(page.get_by_role("button", name="Publish", exact=True)).to_have_count(0)
    wait_until_autosaved(page)
    page.get_by_role("button", name="Submit to Review before publishing").click()
    expect(page.get_by_text(re.compile(f"Page '{WORKSHOP}' .*submitted"))).to_be_visible(timeout=30_000)

    # Teachers still see the live capacity: 30 seats, not 50.
    teacher = new_page()
    teacher.goto("/workshops/")
    teacher.get_by_role("link", name=WORKSHOP).first.click()
    expect(teacher.get_by_role("heading", level=1)).to_have_text(WORKSHOP)
    seats_before = teacher.locator("main").inner_text()
    assert "50 seats" not in seats_before and re.search(r"\b(2\d|30) seats? left", seats_before), seats_before

    # The moderator finds it awaiting review and approves it; then the new capacity is live.
    moderator = new_page()
    login(moderator, "moderator@example.org")
    moderator.goto("/admin/")
    awaiting = moderator.locator("main")
    expect(awaiting).to_contain_text(WORKSHOP)
    moderator.get_by_role("link", name=WORKSHOP).first.click()
    moderator.get_by_role("tab", name="Registration").click()
    expect(moderator.get_by_role("spinbutton", name="Capacity*")).to_have_value("50")
    moderator.get_by_role("navigation", name="Actions (footer)").get_by_role("button", name="More actions").click()
    moderator.get_by_role("button", name="Approve and Publish", exact=True).click(timeout=45_000)
    expect(moderator.get_by_text(re.compile(f"Page '{WORKSHOP}' has been (approved|published|updated)"))).to_be_visible(
        timeout=30_000
    )
    teacher.reload()
    expect(teacher.locator("main")).to_contain_text(re.compile(r"\b(4\d|50) seats? left"))
