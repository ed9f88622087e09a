"""Journey 3: a teacher registers alone and pays by card, a district leader registers a group of three by
invoice, the workshop is full and a teacher joins the waitlist; one cancels and the waitlisted teacher moves up,
pays and downloads her calendar file."""

import re

from django.core import mail
from playwright.sync_api import expect

from tests.e2e.conftest import account_menu, audit, login, open_file, screenshot

WORKSHOP = "Summer institute: High Leverage Concepts in middle school"
GROUP = [
    ("Ana Ruiz", "ana.ruiz@riverside.k12.example.org", "Grade 6 teacher"),
    ("Ben Okafor", "ben.okafor@riverside.k12.example.org", "Interventionist"),
    ("Carla Diaz", "carla.diaz@riverside.k12.example.org", "Special educator"),
]


def small_institute():
    """The world we start from: the seeded institute, with only four seats (the seed gives it forty)."""
    from events.models import EventCapacity, EventPage

    event = EventPage.objects.get(title=WORKSHOP)
    EventPage.objects.filter(pk=event.pk).update(capacity=4)
    EventCapacity.objects.filter(event=event).update(capacity=4)


def open_workshop(page) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Workshops").click()
    page.get_by_role("link", name=WORKSHOP).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(WORKSHOP)


def registration_panel(page):
    return page.locator("section.cta-panel", has=page.locator("#register-heading"))


def test_register_alone_group_invoice_waitlist_promotion_and_ics(site, page, new_page, stripe_standin):
    small_institute()
    stripe_standin.install(page)

    # A teacher registers herself and pays by card (the Stripe stand-in).
    login(page, "teacher@example.org")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Workshops").click()
    audit(page, name="workshop calendar")
    page.get_by_role("link", name=WORKSHOP).first.click()
    expect(registration_panel(page)).to_contain_text("4 seats left")
    audit(page, name="workshop")
    screenshot(page, "event")
    registration_panel(page).get_by_role("button", name="Register and pay by card").click()
    expect(page.get_by_role("heading", name="Stripe test checkout")).to_be_visible()
    page.get_by_role("button", name=re.compile(r"^Pay \$350")).click()
    expect(page.get_by_text("Payment received")).to_be_visible()
    audit(page, name="payment received")
    page.get_by_role("link", name="See your registration").click()
    registration_panel(page).get_by_role("link", name="Manage registration").click()
    expect(page.locator(".main-col .alert__title")).to_have_text("Confirmed")
    audit(page, name="registration (card)")
    teacher_registration = page.url

    # A district leader registers three teachers and asks for an invoice.
    leader = new_page()
    login(leader, "leader@example.org")
    open_workshop(leader)
    expect(registration_panel(leader)).to_contain_text("3 seats left")
    registration_panel(leader).get_by_role("link", name=re.compile("Register a group")).click()
    audit(leader, name="group registration form")
    for n, (name, email, role) in enumerate(GROUP, start=1):
        person = leader.get_by_role("group", name=re.compile(rf"^Attendee {n}\b"))
        person.get_by_label("Full name").fill(name)
        person.get_by_label("E-mail address").fill(email)
        person.get_by_label("Role").fill(role)
    leader.get_by_role("radio", name=re.compile("Invoice")).check()
    leader.get_by_label("School or district").fill("Riverside Unified School District")
    leader.get_by_label("Purchase order (PO) number").fill("PO-2026-0999")
    leader.get_by_label("Billing contact name").fill("Riverside accounts payable")
    leader.get_by_label("Billing contact e-mail").fill("ap@riverside.k12.example.org")
    leader.get_by_role("button", name="Register", exact=True).click()
    expect(leader.get_by_role("heading", level=1)).to_have_text("Your registration")
    expect(leader.locator(".main-col .alert__title")).to_have_text("Awaiting invoice payment")
    expect(leader.locator(".main-col .alert--warning")).to_contain_text("Pay invoice")
    for name, _, _ in GROUP:
        expect(leader.get_by_role("cell", name=name)).to_be_visible()
    audit(leader, name="registration (invoice)")
    invoice = open_file(leader, leader.get_by_role("link", name=re.compile(r"Download the invoice")))
    assert invoice.startswith(b"%PDF")
    assert any(GROUP[0][1] in m.to for m in mail.outbox), "each attendee gets the confirmation"

    # The workshop is full now: another teacher joins the waitlist.
    sofia = new_page()
    stripe_standin.install(sofia)
    login(sofia, "seat.teacher@example.org")
    open_workshop(sofia)
    expect(registration_panel(sofia)).to_contain_text("The workshop is full")
    registration_panel(sofia).get_by_role("button", name="Join the waitlist").click()
    expect(sofia.get_by_text("you are on the waitlist")).to_be_visible()
    expect(sofia.locator(".main-col .alert__title")).to_have_text("Waitlisted, position 1")
    audit(sofia, name="registration (waitlisted)")
    sofia_registration = sofia.url

    # The first teacher cancels: her card payment is refunded and the waitlisted teacher moves up.
    mail.outbox.clear()
    page.goto(teacher_registration)
    page.get_by_role("link", name="Cancel registration").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cancel your registration?")
    expect(page.locator("main")).to_contain_text("is refunded in full")
    audit(page, name="cancel confirmation")
    page.get_by_role("button", name="Yes, cancel my registration").click()
    expect(page.get_by_text("Your registration is cancelled. Your card payment has been refunded.")).to_be_visible()
    promoted = [m for m in mail.outbox if "seat.teacher@example.org" in m.to]
    assert promoted, f"no e-mail to the promoted teacher: {[(m.to, m.subject) for m in mail.outbox]}"

    # She sees it, pays for the seat she was given, and downloads her calendar file.
    sofia.goto(sofia_registration)
    expect(sofia.locator(".main-col .alert__title")).to_have_text(re.compile(r"^Offered a seat until "))
    sofia.get_by_role("button", name="Accept and pay by card").click()
    expect(sofia.get_by_role("heading", name="Stripe test checkout")).to_be_visible()
    sofia.get_by_role("button", name=re.compile(r"^Pay")).click()
    expect(sofia.get_by_text("Payment received")).to_be_visible()
    sofia.goto(sofia_registration)
    expect(sofia.locator(".main-col .alert__title")).to_have_text("Confirmed")
    calendar = open_file(
        sofia, sofia.get_by_role("link", name=re.compile(r"Your calendar file \(\.ics\)")), content_type="text/calendar"
    )
    text = calendar.decode()
    assert "BEGIN:VCALENDAR" in text and "High Leverage Concepts in middle school" in text.replace("\r\n ", "")

    # Her dashboard lists the workshop with its calendar file.
    account_menu(sofia, "My learning")
    workshops = sofia.locator("section", has=sofia.get_by_role("heading", name="Upcoming workshops"))
    expect(workshops.get_by_role("link", name=WORKSHOP, exact=True)).to_be_visible()
    expect(workshops.get_by_role("link", name=re.compile(r"Add to calendar"))).to_be_visible()
    audit(sofia, name="my learning (workshops)")
