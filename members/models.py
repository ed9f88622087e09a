"""Accounts, memberships, districts and orders: everything that decides access or takes money."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from core.timezones import timezone_choices


class Role(models.TextChoices):
    CLASSROOM_TEACHER = "teacher", "Classroom teacher"
    SPECIAL_EDUCATOR = "special_educator", "Special educator"
    INTERVENTIONIST = "interventionist", "Interventionist"
    COACH = "coach", "Math coach"
    ADMINISTRATOR = "administrator", "Administrator"
    OTHER = "other", "Other"


GRADE_CHOICES = [("K", "Kindergarten")] + [(str(n), f"Grade {n}") for n in range(1, 9)]


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """An educator, district leader or staff member. The e-mail address is the login."""

    username = None
    email = models.EmailField("e-mail address", unique=True)
    role = models.CharField(max_length=32, choices=Role.choices, blank=True)
    grades_taught = models.JSONField(default=list, blank=True, help_text="Grade codes: K, 1 … 8")
    school = models.CharField(max_length=200, blank=True)
    district = models.CharField(max_length=200, blank=True)
    time_zone = models.CharField(
        max_length=64,
        blank=True,
        choices=timezone_choices,
        help_text="Online workshop times are also shown in this zone. Empty: the site's zone.",
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        ordering = ["email"]

    def __str__(self):
        return self.get_full_name() or self.email

    @property
    def display_name(self):
        return self.get_full_name() or self.email.split("@")[0]

    def get_grades_taught_display(self):
        labels = dict(GRADE_CHOICES)
        return ", ".join(labels.get(code, code) for code in self.grades_taught)

    @property
    def grades_phrase(self) -> str:
        """Her grades as a heading reads them: "Grade 2", "Kindergarten", "Grades K, 1 and 2"."""
        order = [code for code, _ in GRADE_CHOICES]
        codes = sorted((c for c in self.grades_taught if c in order), key=order.index)
        if not codes:
            return ""
        if len(codes) == 1:
            return dict(GRADE_CHOICES)[codes[0]]
        return "Grades " + ", ".join(codes[:-1]) + " and " + codes[-1]


class MembershipPlan(models.Model):
    """A membership tier staff sell through Stripe (e.g. individual monthly, yearly)."""

    class Interval(models.TextChoices):
        MONTH = "month", "Monthly"
        YEAR = "year", "Yearly"

    name = models.CharField(max_length=120)
    description = models.TextField(blank=True, help_text="What the membership unlocks, shown on the join page.")
    stripe_price_id = models.CharField(max_length=120, blank=True)
    interval = models.CharField(max_length=10, choices=Interval.choices, default=Interval.YEAR)
    amount_cents = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(default=True)
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "amount_cents"]

    def __str__(self):
        return self.name

    @property
    def amount(self):
        return self.amount_cents / 100


class Membership(models.Model):
    """An individual subscription, mirrored from Stripe by webhooks."""

    class Status(models.TextChoices):
        INCOMPLETE = "incomplete", "Incomplete"
        TRIALING = "trialing", "Trial"
        ACTIVE = "active", "Active"
        PAST_DUE = "past_due", "Payment overdue"
        UNPAID = "unpaid", "Unpaid"
        CANCELED = "canceled", "Cancelled"
        INCOMPLETE_EXPIRED = "incomplete_expired", "Expired"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    plan = models.ForeignKey(MembershipPlan, null=True, blank=True, on_delete=models.SET_NULL)
    status = models.CharField(max_length=24, choices=Status.choices, default=Status.INCOMPLETE)
    current_period_end = models.DateTimeField(null=True, blank=True)
    cancel_at_period_end = models.BooleanField(default=False)
    past_due_since = models.DateTimeField(null=True, blank=True)
    stripe_customer_id = models.CharField(max_length=120, blank=True)
    stripe_subscription_id = models.CharField(max_length=120, blank=True, unique=True, null=True)
    # The Checkout Session that started it, so the success page can find it.
    stripe_checkout_session_id = models.CharField(max_length=255, blank=True, db_index=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self):
        return f"{self.user} – {self.get_status_display()}"

    # The membership rule, in one place: paying (active or trialing) until the period ends, and a
    # past-due membership for MEMBERSHIP_GRACE_DAYS while Stripe retries. grants_access answers for one
    # membership, access_q for a query; a test walks every status and time to keep the two equal.
    PAYING = (Status.ACTIVE, Status.TRIALING)

    @staticmethod
    def grace_period() -> timedelta:
        return timedelta(days=settings.MEMBERSHIP_GRACE_DAYS)

    @property
    def grace_ends_at(self):
        """When a past-due membership stops giving access; None when it is not past due."""
        if self.status != self.Status.PAST_DUE or self.past_due_since is None:
            return None
        return self.past_due_since + self.grace_period()

    def grants_access(self, now=None) -> bool:
        """Active or trialing until the period ends; past-due keeps access for a grace period."""
        now = now or timezone.now()
        if self.current_period_end and self.current_period_end < now:
            return False
        if self.status in self.PAYING:
            return True
        return self.grace_ends_at is not None and now < self.grace_ends_at

    @classmethod
    def access_q(cls, now=None) -> Q:
        """The same rule as grants_access, as a query filter."""
        now = now or timezone.now()
        in_period = Q(current_period_end__isnull=True) | Q(current_period_end__gte=now)
        in_grace = Q(status=cls.Status.PAST_DUE, past_due_since__gt=now - cls.grace_period())
        return in_period & (Q(status__in=cls.PAYING) | in_grace)


class Organization(models.Model):
    """A district or school that buys seats for its teachers."""

    name = models.CharField(max_length=200)
    email_domains = models.JSONField(default=list, blank=True, help_text='e.g. ["district.k12.ca.us"]')
    auto_join_by_domain = models.BooleanField(
        default=False, help_text="Teachers who verify an address in one of these domains join automatically."
    )
    billing_contact = models.CharField(max_length=200, blank=True)
    student_work_retention_days = models.PositiveIntegerField(
        default=365,
        help_text="Days teachers' uploaded student work is kept before it is deleted automatically "
        "(the sort's pile counts and notes stay).",
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class SeatLicense(models.Model):
    """A number of member seats an organization bought for a period (usually by invoice / PO)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="licenses")
    seats = models.PositiveIntegerField()
    # Seats held by members (OrganizationMember.seat_license): taken and released by conditional updates.
    seats_used = models.PositiveIntegerField(default=0, editable=False)
    starts = models.DateField()
    ends = models.DateField()
    invoice_reference = models.CharField(max_length=120, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-ends"]
        constraints = [
            models.CheckConstraint(condition=Q(ends__gt=F("starts")), name="license_ends_after_it_starts"),
            models.CheckConstraint(condition=Q(seats_used__lte=F("seats")), name="license_seats_used_within_seats"),
        ]

    def __str__(self):
        return f"{self.organization}: {self.seats} seats until {self.ends}"

    def clean(self):
        from django.core.exceptions import ValidationError

        # The CHECK would refuse it anyway; staff get a sentence instead of an error page.
        if self.seats is not None and self.seats < self.seats_used:
            raise ValidationError(
                {"seats": f"{self.seats_used} seats of this license are held; remove or unseat members first."}
            )

    def is_current(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.starts <= today <= self.ends


class OrganizationMember(models.Model):
    """A person's place in an organization. A teacher with a seat has member access."""

    class OrgRole(models.TextChoices):
        LEADER = "leader", "District leader"
        COACH = "coach", "Coach"
        TEACHER = "teacher", "Teacher"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="organization_memberships"
    )
    role = models.CharField(max_length=16, choices=OrgRole.choices, default=OrgRole.TEACHER)
    has_seat = models.BooleanField(default=False)
    # The license whose seat she holds. Empty with has_seat: seated before licenses were counted (or the
    # license was deleted); the next join moves her onto a current license with room, before newcomers.
    seat_license = models.ForeignKey(
        SeatLicense, null=True, blank=True, on_delete=models.SET_NULL, related_name="seat_holders", editable=False
    )
    joined = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "user"], name="unique_org_member"),
            models.CheckConstraint(
                condition=Q(seat_license__isnull=True) | Q(has_seat=True), name="license_seat_holder_is_seated"
            ),
        ]
        ordering = ["organization", "user__email"]

    def __str__(self):
        return f"{self.user} @ {self.organization} ({self.get_role_display()})"


class Order(models.Model):
    """A one-time purchase (a paid course or workshop seats), created before redirecting to Checkout."""

    class Status(models.TextChoices):
        PENDING = "pending", "Awaiting payment"
        PAID = "paid", "Paid"
        FAILED = "failed", "Payment failed"
        EXPIRED = "expired", "Expired"
        REFUNDED = "refunded", "Refunded"

    class Kind(models.TextChoices):
        COURSE = "course", "Course"
        EVENT_SEATS = "event_seats", "Workshop seats"

    reference = models.CharField(max_length=32, unique=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="orders")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    # The course or event page bought; pages keep the link generic across apps.
    page = models.ForeignKey("wagtailcore.Page", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    description = models.CharField(max_length=255)
    quantity = models.PositiveIntegerField(default=1)
    amount_cents = models.PositiveIntegerField()
    currency = models.CharField(max_length=3, default="usd")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    stripe_checkout_session_id = models.CharField(max_length=255, blank=True, db_index=True)
    stripe_payment_intent_id = models.CharField(max_length=255, blank=True, db_index=True)
    metadata = models.JSONField(default=dict, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    refunded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]
        constraints = [
            # Two "Buy" clicks at once must not open two checkouts for one course.
            models.UniqueConstraint(
                fields=["user", "page"],
                condition=Q(kind="course", status="pending"),
                name="one_open_course_order_per_user",
            ),
        ]

    def __str__(self):
        return f"Order {self.reference}: {self.description}"

    def save(self, *args, **kwargs):
        if not self.reference:
            self.reference = secrets.token_hex(6).upper()
        super().save(*args, **kwargs)

    @property
    def amount(self):
        return self.amount_cents / 100


class StripeEvent(models.Model):
    """A webhook event from Stripe, stored once (unique on its id) and processed by a Celery task."""

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=120, db_index=True)
    payload = models.JSONField(default=dict)
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = "Stripe event"

    def __str__(self):
        return f"{self.type} ({self.event_id})"

    @property
    def object_id(self) -> str:
        return ((self.payload.get("data") or {}).get("object") or {}).get("id", "")


class PaymentReversal(models.Model):
    """A refund, dispute or cancellation Stripe told us about for a payment we may not have seen yet.

    Stripe does not order its events: a `charge.refunded` can arrive before the
    `checkout.session.completed` of the same payment. The reversal is kept here, keyed by the
    payment intent, and applied the moment the order is marked paid.
    """

    class Kind(models.TextChoices):
        REFUND = "refund", "Refund"
        DISPUTE = "dispute", "Dispute"
        CANCELLATION = "cancellation", "Cancellation"

    payment_intent_id = models.CharField(max_length=255, unique=True)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    stripe_object_id = models.CharField(max_length=255, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self):
        return f"{self.get_kind_display()} of {self.payment_intent_id}"


def _invitation_token() -> str:
    return secrets.token_urlsafe(24)


class Invitation(models.Model):
    """A leader's invitation for a teacher to take a seat in her organization."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField("e-mail address")
    token = models.CharField(max_length=64, unique=True, default=_invitation_token, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Withdrawn by the leader: the link stays dead (inviting the address again makes a new token).
    revoked_at = models.DateTimeField(null=True, blank=True)
    # How many times the e-mail was owed, and when last: a resend's purpose key and its rate limit.
    send_count = models.PositiveIntegerField(default=1, editable=False)
    last_sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created"]
        constraints = [models.UniqueConstraint(fields=["organization", "email"], name="unique_org_invitation")]

    def __str__(self):
        return f"{self.email} → {self.organization}"

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None and self.accepted_at is None


class InvitationImport(models.Model):
    """A leader's CSV of teachers to invite, processed in batches by a Celery task; its page shows progress."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Sending invitations"
        DONE = "done", "Done"
        FAILED = "failed", "Stopped by an error"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="invitation_imports")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The file's non-empty rows, as lists of cells (the header row dropped).
    rows = models.JSONField(default=list)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    invited = models.JSONField(default=list, blank=True, help_text="Addresses invited by this file.")
    skipped = models.JSONField(default=list, blank=True, help_text='[{"row": n, "value": "...", "reason": "..."}]')
    error = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]
        constraints = [
            models.CheckConstraint(condition=Q(processed__lte=F("total")), name="import_processed_within_total"),
        ]

    def __str__(self):
        return f"Invitations for {self.organization}: {self.processed}/{self.total}"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


def _verify_code() -> str:
    return secrets.token_hex(5).upper()


class TranscriptRecord(models.Model):
    """A PD transcript as issued in a PDF; its code lets anyone check it on the verify page."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="transcripts")
    code = models.CharField(max_length=16, unique=True, default=_verify_code, editable=False)
    holder_name = models.CharField(max_length=200)
    total_hours = models.DecimalField(max_digits=7, decimal_places=2, default=0)
    # The lines as printed, so the verify page shows exactly what the PDF said.
    lines = models.JSONField(default=list)
    issued_at = models.DateTimeField(auto_now_add=True)
    # A digest of what the PDF says: the same transcript downloaded again keeps its code.
    content_hash = models.CharField(max_length=64, blank=True, default="", editable=False)

    class Meta:
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "content_hash"],
                condition=~models.Q(content_hash=""),
                name="one_transcript_record_per_content",
            )
        ]

    def __str__(self):
        return f"Transcript {self.code} for {self.holder_name}"


class EmailPreference(models.Model):
    """Which optional e-mails an address receives. Kept per address, not per account, so attendees without
    an account can stop reminders too. Transactional e-mail (receipts, confirmations, invoices, cancellations,
    password and sign-in) is always sent. No row means everything on."""

    email = models.EmailField("e-mail address", unique=True)
    reminders = models.BooleanField("workshop reminders", default=True)
    notifications = models.BooleanField("workshop news", default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "e-mail preference"

    def __str__(self):
        return self.email
