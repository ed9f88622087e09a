"""Issue 15's journey: a district leader registers three teachers for the two-day institute with a PO, the
billing contact receives the invoice, staff mark it paid, and the teachers see "Confirmed" with each day's times
in their own time zone; a waitlisted teacher is offered the seat another school gives up and accepts it with a PO."""

import io
import re
import zoneinfo

from django.core import mail
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.e2e.conftest import account_menu, audit, login, logout

INSTITUTE = "Summer institute: High Leverage Concepts in middle school"
GROUP = [
    ("Ana Ruiz", "ana.ruiz@riverside.k12.example.org", "Grade 6 teacher"),
    ("Ben Okafor", "ben.okafor@riverside.k12.example.org", "Interventionist"),
    ("Carla Diaz", "carla.diaz@riverside.k12.example.org", "Special educator"),
]
RIVERSIDE_AP = "ap@riverside.k12.example.org"
MAPLE_AP = "office@maple.k12.example.org"


def streamed_institute_with_one_seat_left():
    """The world we start from: the seeded two-day institute in Denver, streamed this year (hybrid), with four
    seats, one of them held by Marcus's school on an invoice."""
    from events import services
    from events.models import EventCapacity, EventPage
    from members.models import User

    event = EventPage.objects.get(title=INSTITUTE)
    EventPage.objects.filter(pk=event.pk).update(
        format="hybrid", virtual_link="https://meet.example.org/institute", capacity=4
    )
    EventCapacity.objects.filter(event=event).update(capacity=4)
    event = EventPage.objects.get(pk=event.pk)
    assert len(event.schedule) == 2, "the seeded institute has a session per day"
    services.registration_create(
        event=event,
        purchaser=User.objects.get(email="member@example.org"),
        payment_method="invoice",
        po_number="PO-LINCOLN-7",
        billing_contact="Lincoln Middle School office",
        billing_email="office@lincoln.example.org",
    )
    return event


def your_time(session, zone_name: str) -> str:
    """What a teacher in that zone should read for a session: her own clock and abbreviation."""
    zone = zoneinfo.ZoneInfo(zone_name)
    start, end = session.start.astimezone(zone), session.end.astimezone(zone)
    clock = "%I:%M %p"
    return (
        f"{start:%a} {start.day} {start:%b}, {start.strftime(clock).lstrip('0')} to "
        f"{end.strftime(clock).lstrip('0')} {end.tzname()} (your time)"
    )


def mail_to(address):
    return [m for m in mail.outbox if m.to == [address]]


def attached_invoice_text(message) -> str:
    [pdf] = [content for _, content, mimetype in message.attachments if mimetype == "application/pdf"]
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def set_time_zone(page, email: str, zone_label: str) -> None:
    """A teacher sets her own time zone in her profile, as she would before an online workshop."""
    login(page, email)
    page.goto("/account/profile/")
    page.get_by_label("Your time zone").select_option(label=zone_label)
    audit(page, name="profile")
    page.get_by_role("button", name="Save profile").click()
    page.wait_for_load_state()
    logout(page)


def registration_panel(page):
    return page.locator("section.cta-panel", has=page.locator("#register-heading"))


def open_institute(page) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Workshops").click()
    page.get_by_role("link", name=INSTITUTE).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(INSTITUTE)


def test_leader_po_invoice_paid_teachers_confirmed_in_their_zone_and_a_waitlist_offer_accepted_with_a_po(
    site, page, new_page
):
    from events.models import Registration

    event = streamed_institute_with_one_seat_left()
    day_one, day_two = event.schedule

    # Two of the teachers live in other zones and said so in their profiles.
    set_time_zone(page, GROUP[0][1], "Eastern (New York)")
    set_time_zone(page, GROUP[1][1], "Pacific (Los Angeles)")

    # The leader reads the institute's two days in Denver's time, and registers her three teachers with a PO.
    login(page, "leader@example.org")
    open_institute(page)
    when = page.locator("dl.meta-list")
    expect(when).to_contain_text("in 2 sessions")
    for session in (day_one, day_two):
        expect(when).to_contain_text(session.title)
        expect(when).to_contain_text(session.when_text)
    assert "MST" in day_one.time_text or "MDT" in day_one.time_text
    expect(registration_panel(page)).to_contain_text("3 seats left")
    audit(page, name="institute")
    registration_panel(page).get_by_role("link", name=re.compile("Register a group")).click()
    expect(page.locator("main")).to_contain_text(day_two.when_text)
    for n, (name, email, role) in enumerate(GROUP, start=1):
        person = page.get_by_role("group", name=re.compile(rf"^Attendee {n}\b"))
        person.get_by_label("Full name").fill(name)
        person.get_by_label("E-mail address").fill(email)
        person.get_by_label("Role").fill(role)
    page.get_by_role("radio", name=re.compile("Invoice")).check()
    page.get_by_label("School or district").fill("Riverside Unified School District")
    page.get_by_label("Purchase order (PO) number").fill("PO-2026-1515")
    page.get_by_label("Billing contact name").fill("Riverside accounts payable")
    page.get_by_label("Billing contact e-mail").fill(RIVERSIDE_AP)
    audit(page, name="group registration form")
    page.get_by_role("button", name="Register", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your registration")
    expect(page.locator(".main-col .alert__title")).to_have_text("Awaiting invoice payment")
    audit(page, name="registration (invoice due)")
    group = Registration.objects.get(event=event, purchaser__email="leader@example.org")

    # The billing contact receives the invoice itself, with the PO, the amount and the PDF.
    [invoice_mail] = mail_to(RIVERSIDE_AP)
    assert group.invoice_number in invoice_mail.subject and "PO-2026-1515" in invoice_mail.body
    assert f"${group.total:,.2f}" in invoice_mail.body
    invoice_text = attached_invoice_text(invoice_mail)
    assert group.invoice_number in invoice_text and "PO-2026-1515" in invoice_text and "PAID" not in invoice_text
    logout(page)

    # Another school's teacher finds it full and joins the waitlist, to be invoiced to her own office.
    sofia = new_page()
    login(sofia, "seat.teacher@example.org")
    open_institute(sofia)
    expect(registration_panel(sofia)).to_contain_text("The workshop is full")
    audit(sofia, name="institute (full)")
    registration_panel(sofia).get_by_role("link", name=re.compile("Register a group")).click()
    only = sofia.get_by_role("group", name=re.compile(r"^Attendee 1\b"))
    only.get_by_label("Full name").fill("Sofia Nguyen")
    only.get_by_label("E-mail address").fill("seat.teacher@example.org")
    sofia.get_by_role("radio", name=re.compile("Invoice")).check()
    sofia.get_by_label("School or district").fill("Maple Valley Schools")
    sofia.get_by_label("Purchase order (PO) number").fill("PO-MAPLE-1")
    sofia.get_by_label("Billing contact name").fill("Maple Valley business office")
    sofia.get_by_label("Billing contact e-mail").fill(MAPLE_AP)
    sofia.get_by_role("button", name="Register", exact=True).click()
    expect(sofia.locator(".main-col .alert__title")).to_have_text("Waitlisted, position 1")
    audit(sofia, name="registration (waitlisted)")
    sofia_registration = sofia.url
    assert not mail_to(MAPLE_AP), "no invoice while she only waits"

    # Staff record the business office's check against the invoice.
    login(page, "moderator@example.org")
    page.goto("/admin/workshops/invoices/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Workshop invoices")
    audit(page, name="admin invoices")
    page.get_by_role("link", name=f"Mark invoice paid {group.reference}").click()
    expect(page.locator("main")).to_contain_text(group.invoice_number)
    page.get_by_label("Payment received on").fill("2026-12-01")
    page.get_by_label("Check number or transfer reference").fill("Check 20417")
    audit(page, name="admin mark invoice paid")
    page.get_by_role("button", name="Mark paid").click()
    expect(page.get_by_text(f"Invoice {group.invoice_number} marked paid.")).to_be_visible()
    group.refresh_from_db()
    assert group.invoice_status == Registration.InvoiceStatus.PAID
    paid_mail = mail_to(RIVERSIDE_AP)[-1]
    assert "paid" in paid_mail.subject.lower() and "PAID" in attached_invoice_text(paid_mail)

    # Each teacher sees "Confirmed" and both days at her own clock, with her zone's abbreviation.
    for (_, email, _), zone in zip(GROUP[:2], ("America/New_York", "America/Los_Angeles"), strict=True):
        teacher = new_page()
        login(teacher, email)
        account_menu(teacher, "My learning")
        card = teacher.locator("section", has=teacher.get_by_role("heading", name="Upcoming workshops")).locator(
            "li.card", has=teacher.get_by_role("link", name=INSTITUTE, exact=True)
        )
        expect(card.first).to_contain_text("Confirmed")
        for session in (day_one, day_two):
            expect(card.first).to_contain_text(your_time(session, zone))
            expect(card.first).to_contain_text(session.time_text)
        audit(teacher, name=f"my learning ({zone})")

    # Marcus's school gives its seat up; the invoice is voided and Sofia is offered the seat.
    marcus = new_page()
    login(marcus, "member@example.org")
    open_institute(marcus)
    registration_panel(marcus).get_by_role("link", name="Manage registration").click()
    expect(marcus.locator(".main-col .alert__title")).to_have_text("Awaiting invoice payment")
    audit(marcus, name="registration (another school's invoice)")
    marcus.get_by_role("link", name="Cancel registration").click()
    expect(marcus.locator("main")).to_contain_text("is voided")
    audit(marcus, name="cancel confirmation (invoice)")
    mail.outbox.clear()
    marcus.get_by_role("button", name="Yes, cancel my registration").click()
    expect(marcus.get_by_text("Your registration is cancelled.")).to_be_visible()
    assert mail_to("seat.teacher@example.org"), "the offer is e-mailed"

    # She accepts the seat with her office's purchase order; that office receives its invoice.
    sofia.goto(sofia_registration)
    expect(sofia.locator(".main-col .alert__title")).to_have_text(re.compile(r"^Offered a seat until "))
    audit(sofia, name="registration (offered)")
    sofia.get_by_label("Purchase order (PO) number").fill("PO-MAPLE-2")
    sofia.get_by_role("button", name=re.compile("Accept the seat")).click()
    expect(
        sofia.get_by_text("Your seat is confirmed. The invoice is on its way to your billing contact.")
    ).to_be_visible()
    expect(sofia.locator(".main-col .alert__title")).to_have_text("Awaiting invoice payment")
    audit(sofia, name="registration (offer accepted)")
    offered = Registration.objects.get(event=event, purchaser__email="seat.teacher@example.org")
    [maple_invoice] = mail_to(MAPLE_AP)
    assert offered.invoice_number in maple_invoice.subject and "PO-MAPLE-2" in maple_invoice.body
    assert "PO-MAPLE-2" in attached_invoice_text(maple_invoice)
