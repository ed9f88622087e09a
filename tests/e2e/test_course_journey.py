"""Journey 1: sign up, verify the e-mail, find a course, enroll, work through lessons (a check, reflections),
leave, come back and Continue to the right lesson, finish, download the certificate and open its verify link."""

import re

from django.core import mail
from playwright.sync_api import expect

from tests.e2e.conftest import account_menu, audit, login, logout, open_file, screenshot

COURSE = "Launch routines that open every lesson"
EMAIL = "jo.rivera@lincoln.example.org"
PASSWORD = "number-strings-2026"


def h1(page):
    return page.get_by_role("heading", level=1)


def test_sign_up_enroll_resume_finish_and_verify_certificate(site, page):
    # Sign up.
    page.goto("/")
    page.get_by_role("link", name="Join free").first.click()
    expect(h1(page)).to_have_text("Create your free account")
    audit(page, name="sign up")
    page.get_by_label("First name").fill("Jo")
    page.get_by_label("Last name").fill("Rivera")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_label("Your role").select_option(label="Classroom teacher")
    page.get_by_role("group", name=re.compile("Grades you teach")).get_by_role("checkbox", name="Grade 3").check()
    page.get_by_role("button", name="Create account").click()
    expect(h1(page)).to_contain_text(re.compile("e-?mail", re.I))
    audit(page, name="verification sent")

    # Open the verification link from the e-mail, confirm, and she is signed in.
    message = next(m for m in mail.outbox if EMAIL in m.to)
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", message.body)
    assert link, message.body
    page.goto(link[0])
    audit(page, name="confirm e-mail")
    page.get_by_role("button", name=re.compile("Confirm")).click()
    expect(page.locator("details.account-menu:visible > summary").first).to_contain_text("Jo")

    # Find the course in the catalogue.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Courses").click()
    audit(page, name="course catalogue")
    screenshot(page, "catalogue")
    page.get_by_role("link", name=COURSE).first.click()
    expect(h1(page)).to_have_text(COURSE)
    audit(page, name="course")
    page.get_by_role("button", name=re.compile(r"^(Enroll|Start)")).click()

    # Lesson 1: read it and mark it complete.
    expect(h1(page)).to_have_text("What a launch is for")
    audit(page, name="lesson")
    screenshot(page, "lesson")
    page.get_by_role("button", name=re.compile("Mark complete")).click()

    # Lesson 2 completes itself once the check is right and the reflection saved.
    expect(h1(page)).to_have_text("Three routines at a glance")
    check = page.get_by_role("group", name=re.compile("Check for understanding"))
    check.get_by_role("radio", name="A timed facts quiz").check()
    check.get_by_role("button", name="Check my answer").click()
    check = page.get_by_role("group", name=re.compile("Check for understanding"))
    expect(check.locator(".quiz__feedback")).to_contain_text("A quiz checks recall")
    audit(page, name="lesson, wrong answer")
    check.get_by_role("radio", name="A number string").check()
    check.get_by_role("button", name="Check again").click()
    check = page.get_by_role("group", name=re.compile("Check for understanding"))
    expect(check.locator(".quiz__feedback")).to_contain_text("Right")
    page.get_by_label(re.compile("^Reflection:")).fill("I use number talks on Mondays; students share two ways.")
    page.get_by_role("button", name="Save my reflection").click()
    expect(page.get_by_role("heading", name=re.compile("You completed this lesson"))).to_be_visible()
    audit(page, name="lesson, completed")
    page.get_by_role("link", name=re.compile("^Next lesson: Choosing the problem")).first.click()

    # Lesson 3, then open lesson 4 and leave before finishing it.
    expect(h1(page)).to_have_text("Choosing the problem")
    page.get_by_role("button", name=re.compile("Mark complete")).click()
    expect(h1(page)).to_have_text("Recording what students say")
    logout(page)

    # Come back: My learning's Continue goes to the lesson where she stopped.
    login(page, EMAIL, PASSWORD)
    account_menu(page, "My learning")
    course_card = page.locator("article", has=page.get_by_role("link", name=COURSE))
    expect(course_card.get_by_role("progressbar")).to_have_attribute("value", "60")
    audit(page, name="my learning")
    screenshot(page, "dashboard")
    course_card.get_by_role("link", name=re.compile("^Continue")).click()
    expect(h1(page)).to_have_text("Recording what students say")
    page.get_by_role("button", name=re.compile("Mark complete")).click()

    # The last lesson: a reflection, then finish.
    expect(h1(page)).to_have_text("Planning your first week")
    page.get_by_label(re.compile("^Reflection:")).fill("29 + 14: rounding to 30 + 13, and 20 + 10 + 9 + 4.")
    page.get_by_role("button", name="Save my reflection").click()
    expect(page.get_by_label(re.compile("^Reflection:"))).to_have_value(re.compile("rounding to 30"))
    page.get_by_role("button", name=re.compile("Mark complete")).click()
    see = page.get_by_role("link", name="See your certificate")
    if see.count():
        see.first.click()
    expect(page.get_by_text(re.compile("certificate", re.I)).first).to_be_visible()
    audit(page, name="course completed")

    # Download the certificate, then open its public verify link.
    pdf = open_file(page, page.get_by_role("link", name="Download the PDF"))
    assert pdf.startswith(b"%PDF")
    page.get_by_role("link", name="View and share").click()
    expect(page).to_have_url(re.compile(r"/certificates/[\w-]+/$"))
    expect(page.locator("main")).to_contain_text("Jo Rivera")
    expect(page.locator("main")).to_contain_text(COURSE)
    expect(page.locator("main")).to_contain_text(re.compile(r"valid", re.I))
    audit(page, name="certificate verify")
