"""Demo workshops: upcoming free, paid and invoice-able ones in every format, one full with a waitlist,
and past ones with recordings. Registrations are written as rows (no e-mails) and the seat counters recounted."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from .models import Attendee, EventFormat, EventIndexPage, EventPage, Registration

PASSCODE = "Passcode: 314159"


def _at(days: int, hour: int, zone: str):
    """`days` from today at `hour` o'clock in `zone` (so demo times read naturally in that zone)."""
    import zoneinfo

    local = timezone.now().astimezone(zoneinfo.ZoneInfo(zone)) + timedelta(days=days)
    return local.replace(hour=hour, minute=0, second=0, microsecond=0)


def _agenda(*items):
    return {"heading": "Agenda", "items": [{"time": t, "title": title, "description": d} for t, title, d in items]}


WORKSHOPS = [
    {
        "slug": "number-strings-multiplication-3-5",
        "title": "Number strings that build multiplication strategies (grades 3-5)",
        "summary": "Experience a string as a learner, then plan one for your own class that moves students from skip counting toward partial products.",
        "days": 14,
        "hour": 16,
        "hours": 2,
        "timezone": "America/New_York",
        "format": EventFormat.VIRTUAL,
        "capacity": 60,
        "price": "0",
        "facilitators": "Maya Chen",
        "audience": "Grade 3-5 teachers, interventionists and coaches",
        "grade_bands": ["3-5"],
        "pd_hours": "2",
        "body": [
            (
                "paragraph",
                "<p>A number string is a short sequence of related problems solved mentally, one at a time, while the teacher records student thinking. The order of the problems nudges students toward a strategy without anyone announcing it.</p>",
            ),
            (
                "agenda",
                _agenda(
                    ("4:00", "Solve a string together", "We work as learners and notice which problems helped."),
                    ("4:40", "What makes a string work", "Choosing helper problems and a model to record on."),
                    ("5:20", "Plan your own", "Draft a string for next week and trade feedback."),
                ),
            ),
        ],
    },
    {
        "slug": "launching-math-menu-k-2",
        "title": "Launching the Math Menu in K-2 classrooms",
        "summary": "Set up differentiated practice that runs itself, so you can pull small groups for the concepts that matter most.",
        "days": 30,
        "hour": 9,
        "hours": 6,
        "timezone": "America/Chicago",
        "format": EventFormat.IN_PERSON,
        "capacity": 30,
        "price": "95",
        "member_price": "75",
        "allow_invoice": True,
        "venue_name": "Riverside Learning Center",
        "address": "400 Main Street\nRiverside, IL 60546",
        "facilitators": "Priya Natarajan and Daniel Okafor",
        "audience": "Kindergarten to grade 2 teachers",
        "grade_bands": ["k-2"],
        "pd_hours": "6",
        "body": [
            (
                "paragraph",
                "<p>We build a menu together: must-do and may-do activities, routines for materials, and a simple way to track who worked on what. In the afternoon you plan the small-group work that the menu frees you to do.</p>",
            ),
            (
                "agenda",
                _agenda(
                    ("9:00", "Why a menu?", "Tier 1 and tier 2 support in the same hour."),
                    ("10:30", "Building the menu", "Games, probes and practice for your grade."),
                    ("1:00", "Small groups", "Planning intervention around High Leverage Concepts."),
                ),
            ),
        ],
    },
    {
        "slug": "formative-probes-work-sort",
        "title": "Formative probes and the Work Sort protocol",
        "summary": "Give a short probe, sort the student work by strategy, and decide tomorrow's groups in one planning period.",
        "days": 21,
        "hour": 15,
        "hours": 2,
        "timezone": "America/Los_Angeles",
        "format": EventFormat.HYBRID,
        "capacity": 4,
        "price": "45",
        "venue_name": "Lincoln Elementary library",
        "address": "12 Elm Street\nSpringfield, CA 94110",
        "facilitators": "Leah Brooks",
        "audience": "Teams of teachers with a coach",
        "grade_bands": ["k-2", "3-5"],
        "pd_hours": "2",
        "body": [
            (
                "paragraph",
                "<p>Bring a class set of a recent probe. We sort it together, name what each pile understands, and plan the next lesson for each group.</p>",
            )
        ],
    },
    {
        "slug": "summer-institute-hlc-middle-school",
        "title": "Summer institute: High Leverage Concepts in middle school",
        "summary": "Two days on the few concepts that decide success in algebra, and on running a modified workshop in 50-minute periods.",
        "days": 60,
        "hour": 9,
        "hours": 31,
        "timezone": "America/Denver",
        "format": EventFormat.IN_PERSON,
        "capacity": 40,
        "price": "350",
        "member_price": "295",
        "allow_invoice": True,
        "venue_name": "Front Range Conference Center",
        "address": "1800 Lincoln Street\nDenver, CO 80203",
        "facilitators": "Maya Chen and guest faculty",
        "audience": "Grade 6-8 teachers and math leaders",
        "grade_bands": ["6-8"],
        "pd_hours": "12",
        "body": [
            (
                "paragraph",
                "<p>Day one focuses on proportional reasoning and operations with rational numbers. Day two is about structure: launch, main lesson, menu and closure when the bell rings every 50 minutes.</p>",
            )
        ],
    },
    {
        "slug": "clinical-interviews-student-thinking",
        "title": "Clinical interviews: listening to student thinking",
        "summary": "Learn to ask follow-up questions that reveal what a child understands, and to record it quickly.",
        "days": 45,
        "hour": 17,
        "hours": 1,
        "timezone": "America/New_York",
        "format": EventFormat.VIRTUAL,
        "capacity": 100,
        "price": "0",
        "facilitators": "Daniel Okafor",
        "audience": "All K-8 educators",
        "grade_bands": ["k-2", "3-5", "6-8"],
        "pd_hours": "1",
        "body": [
            (
                "paragraph",
                "<p>We watch short interview clips, practise neutral prompts in pairs, and leave with a one-page recording sheet.</p>",
            )
        ],
    },
]

PAST = [
    {
        "slug": "number-talks-first-weeks",
        "title": "Number talks for the first weeks of school",
        "summary": "Routines that build a culture of explaining and listening from day one.",
        "days": -30,
        "hour": 16,
        "hours": 1,
        "timezone": "America/New_York",
        "format": EventFormat.VIRTUAL,
        "capacity": 80,
        "price": "0",
        "facilitators": "Leah Brooks",
        "audience": "K-5 teachers",
        "grade_bands": ["k-2", "3-5"],
        "pd_hours": "1",
        "recording_video": "https://vimeo.com/76979871",
        "recording_notes": "The full session, with the three number talks we tried together.",
    },
    {
        "slug": "intervention-planning-tiers",
        "title": "Intervention planning with tiers of support",
        "summary": "Match tier 2 and tier 3 time to High Leverage Concepts, and check progress with quick assessments.",
        "days": -60,
        "hour": 13,
        "hours": 3,
        "timezone": "America/Chicago",
        "format": EventFormat.HYBRID,
        "capacity": 40,
        "price": "60",
        "venue_name": "Riverside Learning Center",
        "address": "400 Main Street\nRiverside, IL 60546",
        "facilitators": "Priya Natarajan",
        "audience": "Interventionists, special educators and coaches",
        "grade_bands": ["k-2", "3-5", "6-8"],
        "pd_hours": "3",
        "recording_video": "https://vimeo.com/76979871",
        "recording_notes": "Recorded in the room; slides are in the resource library.",
    },
]


def _workshop(index, spec) -> EventPage:
    from .factories import EventPageFactory

    existing = EventPage.objects.filter(slug=spec["slug"]).first()
    if existing:
        return existing
    spec = dict(spec)
    days, hour, hours = spec.pop("days"), spec.pop("hour"), spec.pop("hours")
    start = _at(days, hour, spec["timezone"])
    for key in ("price", "member_price", "pd_hours"):
        if key in spec:
            spec[key] = Decimal(spec[key])
    is_virtual = spec["format"] in (EventFormat.VIRTUAL, EventFormat.HYBRID)
    return EventPageFactory(
        parent=index,
        start=start,
        end=start + timedelta(hours=hours),
        virtual_link=f"https://meet.example.org/{spec['slug']}" if is_virtual else "",
        virtual_instructions=PASSCODE if is_virtual else "",
        body=spec.pop("body", []),
        **spec,
    )


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
        from members.models import User

        Attendee.objects.create(
            registration=registration, name=name, email=email, role=role, user=User.objects.filter(email=email).first()
        )
    return registration


def seed(*, stdout) -> None:
    from members.models import Role, User

    from .services import seats_recount

    index = EventIndexPage.objects.first()
    if index is None:
        stdout.write("No workshop calendar page; run the home seeder first")
        return
    created_before = EventPage.objects.count()
    events = {spec["slug"]: _workshop(index, spec) for spec in WORKSHOPS + PAST}
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
    from members.models import User

    User.objects.filter(email__regex=r"^participant\d+@example\.org$").delete()
    stdout.write("Removed demo workshops and registrations")
