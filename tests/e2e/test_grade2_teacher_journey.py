"""Issue 16's journey: a new teacher sets Grade 2 in her profile, lands on "For your grades", opens a Grade 2
High Leverage Concept hub, watches its explainer with captions, downloads a handout with real problems, and
prints an article whose "What now?" steps carry QR codes."""

import io
import re

from django.core import mail
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.e2e.conftest import account_menu, audit, open_file, screenshot

EMAIL = "sam.lee@lincoln.example.org"
PASSWORD = "making-tens-2026"
HUB = "Add and subtract within 1,000"
HANDOUT = "Close to 1,000"
ARTICLE = "Three habits for faculty meetings that improve math teaching"


def h1(page):
    return page.get_by_role("heading", level=1)


def test_grade2_teacher_finds_her_concept_watches_downloads_and_prints(site, page):
    # A new teacher signs up and confirms her e-mail.
    page.goto("/")
    page.get_by_role("link", name="Join free").first.click()
    page.get_by_label("First name").fill("Sam")
    page.get_by_label("Last name").fill("Lee")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_label("Your role").select_option(label="Classroom teacher")
    page.get_by_role("button", name="Create account").click()
    message = next(m for m in mail.outbox if EMAIL in m.to)
    page.goto(re.search(r"https?://\S+/accounts/confirm-email/\S+/", message.body)[0])
    page.get_by_role("button", name=re.compile("Confirm")).click()

    # She sets Grade 2 in her profile.
    account_menu(page, "Profile")
    expect(h1(page)).to_have_text("Your profile")
    audit(page, name="profile")
    page.get_by_role("group", name=re.compile("Grades you teach")).get_by_role("checkbox", name="Grade 2").check()
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_text("Your profile is saved.")).to_be_visible()

    # The home page now opens with her grade, and leads to its High Leverage Concepts.
    page.locator("a.brand:visible").first.click()
    shelf = page.locator("#for-your-grades")
    expect(shelf.get_by_role("heading", name="For your grades: Grade 2")).to_be_visible()
    audit(page, name="home, for your grades")
    shelf.get_by_role("navigation", name="High Leverage Concepts for your grades").get_by_role("link", name=HUB).click()
    expect(h1(page)).to_have_text(HUB)
    audit(page, name="grade 2 hub")
    screenshot(page, "concept-hub")

    # The explainer plays here with English captions served as WebVTT, and its transcript is on the page.
    explainer = page.locator("section", has=page.get_by_role("heading", name="Explainer video", exact=True))
    video = explainer.locator("video")
    expect(video).to_be_visible()
    track = video.locator('track[kind="captions"]')
    expect(track).to_have_count(1)
    expect(track).to_have_attribute("srclang", "en")
    captions = page.request.get(track.get_attribute("src"))
    assert captions.status == 200, captions.status
    assert captions.headers["content-type"].startswith("text/vtt"), captions.headers
    assert captions.text().lstrip("\ufeff").startswith("WEBVTT")
    # Captions on: the default track is showing once the browser has loaded it.
    page.wait_for_function(
        "() => { const t = document.querySelector('.concept-hub__explainer video').textTracks[0];"
        " return t && t.mode === 'showing'; }"
    )
    transcript = explainer.locator(".transcript")
    expect(transcript).to_be_visible()
    expect(transcript).to_contain_text("28 + 7")

    # She opens a Math Menu game tagged with the concept and downloads its handout: a PDF with problems in it.
    page.get_by_role("link", name=HANDOUT, exact=True).first.click()
    expect(h1(page)).to_have_text(HANDOUT)
    audit(page, name="handout resource")
    pdf = open_file(page, page.locator("a.download").first)
    assert pdf.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(pdf))
    assert 1 <= len(reader.pages) <= 2
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert len(re.findall(r"(?m)^\s*\d{1,2}\. \S", text)) >= 6, text
    assert "456 + 538" in text and "Answer key" in text

    # She prints an article: the print view's "What now?" steps carry QR codes, and the site's chrome is gone.
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Articles").click()
    page.get_by_role("link", name=ARTICLE).first.click()
    expect(h1(page)).to_have_text(ARTICLE)
    audit(page, name="article")
    page.get_by_role("link", name="Printable version").click()
    expect(h1(page)).to_have_text(ARTICLE)
    audit(page, name="article, print view")
    page.emulate_media(media="print")
    qr_codes = page.locator("img.what-now__qr")
    expect(qr_codes.first).to_be_visible()
    assert qr_codes.count() == 3
    for index in range(qr_codes.count()):
        expect(qr_codes.nth(index)).to_be_visible()
        assert qr_codes.nth(index).get_attribute("src").startswith("data:image/png;base64,")
    for chrome in (".site-header", ".site-footer", ".breadcrumbs", "nav", ".btn"):
        for index in range(page.locator(chrome).count()):
            expect(page.locator(chrome).nth(index)).to_be_hidden()
    page.emulate_media(media="screen")
