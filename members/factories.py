import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from .models import Membership, MembershipPlan, Order, Organization, OrganizationMember, Role, SeatLicense, User

DEFAULT_PASSWORD = "learn-math-2026"


class UserFactory(factory.django.DjangoModelFactory):
    """A user with a verified primary e-mail (pass verified=False for a fresh sign-up)."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"teacher{n}@example.org")
    first_name = "Jamie"
    last_name = factory.Sequence(lambda n: f"Rivera{n}")
    role = Role.CLASSROOM_TEACHER
    grades_taught = factory.LazyFunction(lambda: ["3"])
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        obj.save()
        if create and extracted is not False:
            EmailAddress.objects.get_or_create(user=obj, email=obj.email, defaults={"verified": True, "primary": True})


def _permissions(*dotted):
    from django.contrib.auth.models import Permission

    found = []
    for name in dotted:
        app_label, codename = name.split(".", 1)
        found.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return found


class EditorFactory(UserFactory):
    """Wagtail admin access and nothing else: may preview gated pages, holds no staff action."""

    email = factory.Sequence(lambda n: f"editor{n}@example.org")
    role = Role.OTHER

    @factory.post_generation
    def permissions(obj, create, extracted, **kwargs):
        if create:
            obj.user_permissions.add(*_permissions("wagtailadmin.access_admin", *(extracted or [])))


class StaffFactory(EditorFactory):
    """Staff with admin access and every named staff action (what setup_editorial gives Moderators).

    Django's is_staff stays False: nothing in the project reads it.
    """

    email = factory.Sequence(lambda n: f"staff{n}@example.org")

    @factory.post_generation
    def permissions(obj, create, extracted, **kwargs):
        from .access import StaffAction

        if create:
            actions = [action.value for action in StaffAction]
            obj.user_permissions.add(*_permissions("wagtailadmin.access_admin", *actions, *(extracted or [])))


class MembershipPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MembershipPlan

    name = "Individual membership (yearly)"
    stripe_price_id = factory.Sequence(lambda n: f"price_test_{n}")
    interval = MembershipPlan.Interval.YEAR
    amount_cents = 9900


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    plan = factory.SubFactory(MembershipPlanFactory)
    status = Membership.Status.ACTIVE
    current_period_end = factory.LazyFunction(lambda: timezone.now() + timezone.timedelta(days=300))
    stripe_customer_id = factory.Sequence(lambda n: f"cus_test_{n}")
    stripe_subscription_id = factory.Sequence(lambda n: f"sub_test_{n}")


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Riverside School District {n}")
    email_domains = factory.LazyFunction(lambda: ["riverside.k12.example.org"])


class SeatLicenseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SeatLicense

    organization = factory.SubFactory(OrganizationFactory)
    seats = 25
    starts = factory.LazyFunction(lambda: timezone.localdate() - timezone.timedelta(days=30))
    ends = factory.LazyFunction(lambda: timezone.localdate() + timezone.timedelta(days=335))
    invoice_reference = factory.Sequence(lambda n: f"PO-{1000 + n}")


class OrganizationMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrganizationMember

    organization = factory.SubFactory(OrganizationFactory)
    user = factory.SubFactory(UserFactory)
    role = OrganizationMember.OrgRole.TEACHER
    has_seat = True


class OrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Order

    user = factory.SubFactory(UserFactory)
    kind = Order.Kind.COURSE
    description = "A course"
    amount_cents = 4900
