"""Demo people for every role, with their memberships and district seats."""

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.utils import timezone

from . import services
from .factories import DEFAULT_PASSWORD
from .models import Invitation, Membership, MembershipPlan, Organization, OrganizationMember, Role, SeatLicense, User

DEMO_USERS = [
    # email, first, last, role, what the login shows
    ("teacher@example.org", "Tess", "Alvarez", Role.CLASSROOM_TEACHER, "free account"),
    ("member@example.org", "Marcus", "Lee", Role.INTERVENTIONIST, "individual member"),
    ("leader@example.org", "Dana", "Whitfield", Role.COACH, "district leader (Riverside USD)"),
    ("seat.teacher@example.org", "Sofia", "Nguyen", Role.CLASSROOM_TEACHER, "district teacher with a seat"),
    ("editor@example.org", "Evan", "Park", Role.OTHER, "Editor: drafts and submits pages for review (Wagtail admin)"),
    ("moderator@example.org", "Maya", "Ortiz", Role.OTHER, "Moderator: approves and publishes, staff actions"),
    ("admin@example.org", "Alex", "Admin", Role.OTHER, "superuser (site settings, users and groups)"),
]

# Demo staff roles: which Wagtail group each staff login belongs to (setup_editorial creates them).
STAFF_GROUPS = {"editor@example.org": "Editors", "moderator@example.org": "Moderators"}


def _user(email, first, last, role, **extra) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(
            email=email,
            password=DEFAULT_PASSWORD,
            first_name=first,
            last_name=last,
            role=role,
            grades_taught=["3", "4"],
            school="Lincoln Elementary",
            **extra,
        )
    EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    return user


def seed(*, stdout) -> None:
    users = {email: _user(email, first, last, role) for email, first, last, role, _ in DEMO_USERS}
    # Staff rights come from Wagtail groups: the editor cannot publish past the review workflow.
    for email, group_name in STAFF_GROUPS.items():
        person = users[email]
        if person.is_superuser or person.is_staff:
            person.is_superuser = person.is_staff = False
            person.save(update_fields=["is_superuser", "is_staff"])
        group = Group.objects.filter(name=group_name).first()
        if group:
            person.groups.set([group])
    admin = users["admin@example.org"]
    if not admin.is_superuser:
        # is_staff lets the superuser into Django's admin where it is mounted (never in production).
        admin.is_superuser = admin.is_staff = True
        admin.save(update_fields=["is_superuser", "is_staff"])

    yearly, _ = MembershipPlan.objects.get_or_create(
        name="Individual membership (yearly)",
        defaults={
            "interval": "year",
            "amount_cents": 12900,
            "stripe_price_id": "price_demo_yearly",
            "sort_order": 1,
            "description": "Every member-only course, resource and workshop recording for a year.",
        },
    )
    MembershipPlan.objects.get_or_create(
        name="Individual membership (monthly)",
        defaults={
            "interval": "month",
            "amount_cents": 1500,
            "stripe_price_id": "price_demo_monthly",
            "sort_order": 2,
            "description": "Everything members get, billed monthly. Cancel any time.",
        },
    )
    member = users["member@example.org"]
    Membership.objects.get_or_create(
        user=member,
        defaults={
            "plan": yearly,
            "status": Membership.Status.ACTIVE,
            "current_period_end": timezone.now() + timezone.timedelta(days=240),
            "stripe_customer_id": "cus_demo_member",
            "stripe_subscription_id": "sub_demo_member",
        },
    )

    org, created = Organization.objects.get_or_create(
        name="Riverside Unified School District",
        defaults={"email_domains": ["riverside.k12.example.org"], "billing_contact": "Accounts payable, Riverside USD"},
    )
    if created:
        today = timezone.localdate()
        SeatLicense.objects.create(
            organization=org,
            seats=40,
            starts=today - timezone.timedelta(days=60),
            ends=today + timezone.timedelta(days=305),
            invoice_reference="PO-24-0117",
        )
    for user in User.objects.filter(email__in=["leader@example.org", "seat.teacher@example.org"]):
        for email in (user.email,):
            leader = email == "leader@example.org"
            OrganizationMember.objects.get_or_create(
                organization=org,
                user=user,
                defaults={"role": "leader" if leader else "teacher", "has_seat": True},
            )
    _seed_district(org, users["leader@example.org"])
    # The seeded members take their seats on the license's counter, as a join would.
    services.organization_seats_assign(organization=org)
    for user in users.values():
        if user.email.endswith("@example.org") and not user.district and user.email not in STAFF_EMAILS:
            user.district = org.name if "leader" in user.email or "seat" in user.email else "Maple Valley Schools"
            user.save(update_fields=["district"])


STAFF_EMAILS = {"editor@example.org", "moderator@example.org", "admin@example.org"}


# More Riverside teachers, so the leader's dashboard has people at different stages
# (the courses and events seeders may give these addresses enrollments and registrations).
DISTRICT_TEACHERS = [
    ("ana.ruiz@riverside.k12.example.org", "Ana", "Ruiz", Role.CLASSROOM_TEACHER),
    ("ben.okafor@riverside.k12.example.org", "Ben", "Okafor", Role.INTERVENTIONIST),
    ("carla.diaz@riverside.k12.example.org", "Carla", "Diaz", Role.SPECIAL_EDUCATOR),
]
PENDING_INVITATION = "new.hire@riverside.k12.example.org"


def _seed_district(org: Organization, leader: User) -> None:
    for email, first, last, role in DISTRICT_TEACHERS:
        teacher = _user(email, first, last, role, district=org.name)
        OrganizationMember.objects.get_or_create(organization=org, user=teacher, defaults={"has_seat": True})
    Invitation.objects.get_or_create(organization=org, email=PENDING_INVITATION, defaults={"invited_by": leader})


def reset(*, stdout) -> None:
    User.objects.filter(email__endswith="@example.org").delete()
    User.objects.filter(email__in=[email for email, *_ in DISTRICT_TEACHERS]).delete()
    Organization.objects.filter(name="Riverside Unified School District").delete()
    stdout.write("Removed demo users and organizations")


def print_logins(stdout) -> None:
    stdout.write("")
    stdout.write(f"Demo logins (password for all: {DEFAULT_PASSWORD})")
    for email, _, _, _, label in DEMO_USERS:
        stdout.write(f"  {email:<28} {label}")
    stdout.write("")
