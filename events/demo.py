"""Demo workshops: upcoming free, paid and invoice-able ones in every format, one full with a waitlist,
and past ones with recordings. Registrations are written as rows (no e-mails) and the seat counters recounted.

The workshops are in demo/workshops.json: `days` from today at `hour` in the workshop's zone, lasting `hours`;
the summer institute also has a session per day.
"""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from core.demo_data import load_demo_data
from members.models import Role, User
from taxonomy.models import HighLeverageConcept

from .models import Attendee, EventFormat, EventIndexPage, EventPage, Registration

PASSCODE = "Passcode: 314159"


def _at(days: int, hour: int, zone: str):
    """`days` from today at `hour` o'clock in `zone` (so demo times read naturally in that zone)."""
    import zoneinfo

    local = timezone.now().astimezone(zoneinfo.ZoneInfo(zone)) + timedelta(days=days)
    return local.replace(hour=hour, minute=0, second=0, microsecond=0)


def _concepts(pairs):
    """The High Leverage Concepts named by [grade code, title] pairs (those the taxonomy has)."""
    wanted = {tuple(pair) for pair in pairs}
    return [c for c in HighLeverageConcept.objects.select_related("grade") if (c.grade.code, c.title) in wanted]


def _workshop(index, spec) -> EventPage:
    from .factories import EventPageFactory, EventSessionFactory

    existing = EventPage.objects.filter(slug=spec["slug"]).first()
    if existing:
        if not existing.concepts.exists():
            # Workshops seeded before they carried concept tags get them; staff's own tags are kept.
            existing.concepts.set(_concepts(spec.get("concepts", [])))
            existing.save()
        return existing
    spec = dict(spec)
    spec["concepts"] = _concepts(spec.get("concepts", []))
    days, hour, hours = spec.pop("days"), spec.pop("hour"), spec.pop("hours")
    sessions = spec.pop("sessions", [])
    start = _at(days, hour, spec["timezone"])
    for key in ("price", "member_price", "pd_hours"):
        if key in spec:
            spec[key] = Decimal(spec[key])
    is_virtual = spec["format"] in (EventFormat.VIRTUAL, EventFormat.HYBRID)
    event = EventPageFactory(
        parent=index,
        start=start,
        end=start + timedelta(hours=hours),
        virtual_link=f"https://meet.example.org/{spec['slug']}" if is_virtual else "",
        virtual_instructions=PASSCODE if is_virtual else "",
        body=[(block["type"], block["value"]) for block in spec.pop("body", [])],
        **spec,
    )
    # A multi-day institute: one session per day, `day` days after the first, at `hour` for `hours`.
    for session in sessions:
        session_start = _at(days + session["day"], session["hour"], spec["timezone"])
        EventSessionFactory(
            event=event,
            title=session["title"],
            start=session_start,
            end=session_start + timedelta(hours=session["hours"]),
        )
    return event


def _register(event, purchaser, *, attendees=None, status=Registration.Status.CONFIRMED, **fields) -> Registration:
    existing = Registration.objects.filter(event=event, purchaser=purchaser).first()
    if existing:
        return existing
    registration = Registration.objects.create(
        event=event,
        purchaser=purchaser,
        status=status,
        seats=len(attendees) if attendees else 1,
        confirmed_at=timezone.now() if status == Registration.Status.CONFIRMED else None,
        **fields,
    )
    people = attendees or [
        (purchaser.get_full_name() or purchaser.email, purchaser.email, purchaser.get_role_display())
    ]
    for name, email, role in people:
        Attendee.objects.create(
            registration=registration, name=name, email=email, role=role, user=User.objects.filter(email=email).first()
        )
    return registration


def seed(*, stdout) -> None:
    from .services import seats_recount

    index = EventIndexPage.objects.first()
    if index is None:
        stdout.write("No workshop calendar page; run the home seeder first")
        return
    created_before = EventPage.objects.count()
    workshops = load_demo_data("events", "workshops")
    events = {spec["slug"]: _workshop(index, spec) for spec in workshops["upcoming"] + workshops["past"]}
    users = {u.email: u for u in User.objects.filter(email__endswith="example.org")}

    member = users.get("member@example.org")
    if member:
        _register(events["number-strings-multiplication-3-5"], member)
    leader = users.get("leader@example.org")
    if leader:
        teachers = [
            (str(users[e]), e, users[e].get_role_display())
            for e in (
                "ana.ruiz@riverside.k12.example.org",
                "ben.okafor@riverside.k12.example.org",
                "carla.diaz@riverside.k12.example.org",
            )
            if e in users
        ]
        now = timezone.now()
        _register(
            events["launching-math-menu-k-2"],
            leader,
            attendees=teachers,
            payment_method=Registration.PaymentMethod.INVOICE,
            seat_price=Decimal("75"),
            invoice_status=Registration.InvoiceStatus.DUE,
            invoice_number=f"INV-{events['launching-math-menu-k-2'].pk}-DEMO1",
            po_number="PO-2026-0412",
            billing_contact="Riverside USD accounts payable",
            billing_email="ap@riverside.k12.example.org",
            organization_name="Riverside Unified School District",
            hold_expires_at=now + timedelta(days=14),
        )

    # The full hybrid workshop: four seats taken, two people waiting in order.
    full = events["formative-probes-work-sort"]
    fillers = []
    for n, (first, last) in enumerate(
        [("Rosa", "Diaz"), ("Sam", "Patel"), ("Kim", "Nguyen"), ("Tom", "Baker"), ("Lena", "Ortiz"), ("Omar", "Haddad")]
    ):
        email = f"participant{n + 1}@example.org"
        user = users.get(email) or User.objects.create_user(
            email=email, password=None, first_name=first, last_name=last, role=Role.CLASSROOM_TEACHER
        )
        fillers.append(user)
    for n, user in enumerate(fillers):
        _register(
            full,
            user,
            status=Registration.Status.CONFIRMED if n < 4 else Registration.Status.WAITLISTED,
            payment_method=Registration.PaymentMethod.CARD,
            seat_price=Decimal("45"),
            created=timezone.now() - timedelta(days=10 - n),
        )

    # Someone attended a past workshop, so the PD transcript has a workshop line.
    teacher = users.get("teacher@example.org")
    if teacher:
        past = _register(events["number-talks-first-weeks"], teacher)
        past.attendees.filter(checked_in_at__isnull=True).update(checked_in_at=past.event.start)

    for event in events.values():
        seats_recount(event=event)
        # Remember what participants were told, so the first real publish does not announce a "change".
        from .staff import event_change_announce

        event_change_announce(event=event)
    created = EventPage.objects.count() - created_before
    if created:
        stdout.write(f"Created {created} workshops with demo registrations")


def reset(*, stdout) -> None:
    Registration.objects.all().delete()
    for event in EventPage.objects.all():
        event.delete()
    User.objects.filter(email__regex=r"^participant\d+@example\.org$").delete()
    stdout.write("Removed demo workshops and registrations")
