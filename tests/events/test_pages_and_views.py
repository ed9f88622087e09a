"""Page tree, the calendar page with filters, and the registration journey over HTTP."""

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.test.utils import WagtailPageTestCase

from events.factories import EventIndexPageFactory, EventPageFactory
from events.models import EventIndexPage, EventPage, Registration
from home.factories import site_home
from home.models import HomePage

pytestmark = pytest.mark.django_db


class TestTree(WagtailPageTestCase):
    def test_rules(self):
        self.assertAllowedSubpageTypes(EventIndexPage, {EventPage})
        self.assertAllowedParentPageTypes(EventPage, {EventIndexPage})
        self.assertCanCreateAt(HomePage, EventIndexPage)
        self.assertCanNotCreateAt(HomePage, EventPage)

    def test_pages_render_and_preview(self):
        index = EventIndexPageFactory(parent=site_home())
        event = EventPageFactory(parent=index)
        self.assertPageIsRenderable(index)
        self.assertPageIsRenderable(event)
        from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

        post_data = nested_form_data(
            {
                "title": "Number talks for K-2",
                "slug": "number-talks-k-2",
                "summary": "Short routines that get every student talking.",
                "start": "2031-03-04 09:30",
                "end": "2031-03-04 12:30",
                "timezone": "America/Denver",
                "format": "virtual",
                "capacity": 25,
                "price": "0",
                "cancellation_cutoff_hours": 48,
                "pd_hours": "3",
                "body": streamfield([]),
                "recording_videos": streamfield([]),
                "sessions": inline_formset([]),
            }
        )
        self.assertPageIsPreviewable(event, post_data=post_data)


def test_times_show_in_the_events_zone_with_its_abbreviation(client, make_event):
    import zoneinfo
    from datetime import datetime

    start = datetime(2031, 3, 4, 9, 30, tzinfo=zoneinfo.ZoneInfo("America/Denver"))
    event = make_event(start=start, end=start + timedelta(hours=3), timezone="America/Denver")
    html = client.get(event.url).content.decode()
    assert "Tuesday, March 4, 2031, 9:30 AM to 12:30 PM MST" in html
    assert "Mountain (Denver)" in html


def test_admin_form_reads_times_in_the_workshops_zone(make_event):
    """An editor types 9:00 for a Chicago workshop: it is stored as 9:00 Chicago time."""
    import zoneinfo

    from wagtail.admin.panels import get_edit_handler

    event = make_event(timezone="America/Chicago")
    handler = get_edit_handler(EventPage).bind_to_model(EventPage)
    form_class = handler.get_form_class()
    form = form_class(instance=event, for_user=None)
    shown = form.initial["start"]
    assert shown == timezone.make_naive(event.start, zoneinfo.ZoneInfo("America/Chicago"))


def test_index_filters_by_format_band_price_and_past(client, make_event, event_index):
    make_event(title="Virtual K-2 free", format="virtual", grade_bands=["k-2"])
    make_event(title="In person 6-8 paid", format="in_person", venue_name="Hall", grade_bands=["6-8"], price="40")
    make_event(
        title="Past with recording",
        start=timezone.now() - timedelta(days=20),
        end=timezone.now() - timedelta(days=20) + timedelta(hours=2),
        recording_video="https://video.example.org/x",
    )

    def titles(**params):
        response = client.get(event_index.url, params)
        return [e.title for e in response.context["events"]]

    assert titles() == ["Virtual K-2 free", "In person 6-8 paid"]
    assert titles(format="in_person") == ["In person 6-8 paid"]
    assert titles(band="k-2") == ["Virtual K-2 free"]
    assert titles(price="paid") == ["In person 6-8 paid"]
    assert titles(when="past") == ["Past with recording"]
    html = client.get(event_index.url).content.decode()
    assert "/workshops/calendar.ics" in html


def test_one_click_free_registration(client, user, make_event):
    event = make_event()
    client.force_login(user)
    response = client.post(reverse("events:register", args=[event.pk]), {"kind": "self"})
    registration = Registration.objects.get(event=event)
    assert response.status_code == 302 and response.url == registration.get_absolute_url()
    assert registration.status == Registration.Status.CONFIRMED
    page = client.get(registration.get_absolute_url()).content.decode()
    assert "Confirmed" in page and event.virtual_link in page


def test_anonymous_is_asked_to_sign_in(client, make_event):
    event = make_event()
    response = client.post(reverse("events:register", args=[event.pk]), {"kind": "self"})
    assert response.status_code == 302 and "/accounts/login/" in response.url
    assert "Sign in to register" in client.get(event.url).content.decode()


def test_card_registration_redirects_to_stripe_checkout(client, user, make_event, fake_stripe):
    event = make_event(price="49")
    client.force_login(user)
    response = client.post(reverse("events:register", args=[event.pk]), {"kind": "self", "payment_method": "card"})
    assert response.status_code == 302
    assert response.url.startswith("https://checkout.stripe.com/")
    call = fake_stripe.last("POST", "/v1/checkout/sessions")
    assert call.params["line_items"][0]["price_data"]["unit_amount"] == "4900"
    assert Registration.objects.get(event=event).status == Registration.Status.PENDING_PAYMENT


def test_checkout_outage_keeps_the_registration_and_explains(client, user, make_event, fake_stripe):
    event = make_event(price="49")
    fake_stripe.fail_with = 500
    client.force_login(user)
    response = client.post(
        reverse("events:register", args=[event.pk]), {"kind": "self", "payment_method": "card"}, follow=True
    )
    assert "could not open the payment page" in response.content.decode()
    assert Registration.objects.get(event=event).status == Registration.Status.PENDING_PAYMENT


def _group_post(rows, **extra):
    data = {
        "kind": "group",
        "attendee-TOTAL_FORMS": str(len(rows) + 1),
        "attendee-INITIAL_FORMS": "0",
        "attendee-MIN_NUM_FORMS": "1",
        "attendee-MAX_NUM_FORMS": "60",
    }
    for i, (name, email) in enumerate(rows):
        data[f"attendee-{i}-name"] = name
        data[f"attendee-{i}-email"] = email
    data.update(extra)
    return data


def test_group_invoice_registration_pdf_and_renaming(client, user, make_event):
    from pypdf import PdfReader

    event = make_event(price="120", allow_invoice=True)
    client.force_login(user)
    assert client.get(reverse("events:register", args=[event.pk]), {"seats": 2}).status_code == 200
    rows = [("Ana Ruiz", "ana@example.org"), ("Ben Ode", "ben@example.org")]
    missing_po = client.post(
        reverse("events:register", args=[event.pk]) + "?seats=2", _group_post(rows, payment_method="invoice")
    )
    assert missing_po.status_code == 400
    assert "Needed for an invoice" in missing_po.content.decode()
    assert not Registration.objects.exists()

    response = client.post(
        reverse("events:register", args=[event.pk]) + "?seats=2",
        _group_post(
            rows,
            payment_method="invoice",
            po_number="PO-2040",
            billing_contact="Accounts payable",
            billing_email="ap@example.org",
        ),
    )
    registration = Registration.objects.get(event=event)
    assert response.url == registration.get_absolute_url()
    assert registration.seats == 2 and registration.invoice_status == "due"

    pdf = client.get(reverse("events:registration_invoice", args=[registration.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "PO-2040" in text and "$240.00" in text

    edit_url = reverse("events:registration_attendees", args=[registration.pk])
    data = {
        "attendee-TOTAL_FORMS": "2",
        "attendee-INITIAL_FORMS": "2",
        "attendee-MIN_NUM_FORMS": "2",
        "attendee-MAX_NUM_FORMS": "60",
        "attendee-0-name": "Cara Lin",
        "attendee-0-email": "cara@example.org",
        "attendee-1-name": "Ben Ode",
        "attendee-1-email": "ben@example.org",
    }
    assert client.post(edit_url, data).status_code == 302
    assert sorted(registration.attendees.values_list("name", flat=True)) == ["Ben Ode", "Cara Lin"]


def test_registrant_cancels_from_her_page_and_others_cannot_see_it(client, user, make_user, make_event):
    event = make_event()
    client.force_login(user)
    client.post(reverse("events:register", args=[event.pk]), {"kind": "self"})
    registration = Registration.objects.get(event=event)

    client.force_login(make_user())
    assert client.get(registration.get_absolute_url()).status_code == 404
    assert client.post(reverse("events:registration_cancel", args=[registration.pk])).status_code == 404

    client.force_login(user)
    client.post(reverse("events:registration_cancel", args=[registration.pk]))
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED


def test_selectors_for_other_apps(user, make_user, make_event):
    from events import selectors, services, staff

    event = make_event(pd_hours="3")
    leader = make_user()
    services.registration_create(event=event, purchaser=leader, attendees=[{"name": "Me", "email": user.email}])
    assert selectors.confirmed_event_ids_for_user(user=user) == [event.pk]
    assert selectors.confirmed_event_ids_for_user(user=leader) == [event.pk]
    [row] = selectors.dashboard_registrations(user=user)
    assert row.join_url_available and row.ics_url.endswith("/calendar.ics")
    # Days ahead, the Join button waits; half an hour before the start it appears.
    assert not row.join_url_visible
    event.start = timezone.now() + timedelta(minutes=20)
    event.end = event.start + timedelta(hours=2)
    event.save()
    [row] = selectors.dashboard_registrations(user=user)
    assert row.join_url_visible
    assert selectors.transcript_events(user=user) == []
    staff.attendee_check_in(attendee=row.attendees.get(), now=event.start)
    [line] = selectors.transcript_events(user=user)
    assert line["title"] == event.title and str(line["pd_hours"]) == "3.00"
    [org_row] = selectors.organization_registrations(user_ids=[user.pk])
    assert org_row["user_id"] == user.pk and org_row["attended"] is True
    assert selectors.upcoming_events(limit=3) == [event]
