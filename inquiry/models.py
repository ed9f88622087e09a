"""Student-work sorts, inquiry cycles and coaching: a teacher's look at her class's thinking.

Student work is private by design: files live in the student_work storage (inquiry/storage.py), are
re-encoded without metadata on upload, carry a pseudonym or number only, are streamed only after
inquiry.rules.can_view_sort, and are deleted after the district's retention period.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from wagtail.admin.panels import FieldPanel

from members.models import Organization
from taxonomy.models import HighLeverageConcept

from .storage import student_work_storage


class SuggestedPile(models.Model):
    """A pile staff suggest for sorting work on one HLC: a strategy or model students use (Snippets)."""

    concept = models.ForeignKey(HighLeverageConcept, on_delete=models.CASCADE, related_name="suggested_piles")
    name = models.CharField(max_length=80)
    description = models.CharField(max_length=240, blank=True, help_text="What the work in this pile shows.")
    sort_order = models.PositiveSmallIntegerField(default=0)

    panels = [FieldPanel("concept"), FieldPanel("name"), FieldPanel("description"), FieldPanel("sort_order")]

    class Meta:
        ordering = ["concept", "sort_order", "name"]
        constraints = [models.UniqueConstraint(fields=["concept", "name"], name="one_suggested_pile_name_per_hlc")]

    def __str__(self):
        return f"{self.concept}: {self.name}"


class Sort(models.Model):
    """A look at one class's responses to a probe, sorted by the thinking they show (the Work Sort protocol).

    A teacher creates it from My sorts; a coach may run one with several teachers' work (a group sort).
    """

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="inquiry_sorts")
    # The district whose coach and retention period apply (her organization when she started it).
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.SET_NULL, related_name="inquiry_sorts"
    )
    class_label = models.CharField("class", max_length=80, help_text="e.g. Room 12, 1st period. No student names.")
    concept = models.ForeignKey(
        HighLeverageConcept, on_delete=models.PROTECT, related_name="inquiry_sorts", verbose_name="HLC"
    )
    probe = models.ForeignKey(
        "resources.ResourcePage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The probe or task the students answered.",
    )
    is_group = models.BooleanField(
        default=False, help_text="A faculty-meeting sort: several teachers' pieces on one board."
    )
    showing = models.TextField("What are they showing us?", blank=True)
    telling = models.TextField("What are they telling us?", blank=True)
    next_focus = models.TextField("Next teacher-table focus", blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    # Set when retention deleted the pieces: the counts and notes stay, the work is gone.
    work_deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self):
        return f"{self.class_label}: {self.concept.title}"

    @property
    def title(self) -> str:
        return str(self)


class Pile(models.Model):
    """A pile of a sort, named by the strategy or model its pieces show, with the teacher's note."""

    sort = models.ForeignKey(Sort, on_delete=models.CASCADE, related_name="piles")
    name = models.CharField(max_length=80)
    note = models.TextField(blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)
    # Kept with the pieces (services recount after every move), so the summary survives retention.
    piece_count = models.PositiveIntegerField(default=0)
    # The Math Menu plan: the activity this pile's students go to (a resource tagged with the HLC).
    menu_activity = models.ForeignKey(
        "resources.ResourcePage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["sort_order", "pk"]
        constraints = [models.UniqueConstraint(fields=["sort", "name"], name="one_pile_name_per_sort")]

    def __str__(self):
        return self.name


def piece_upload_to(instance, filename):
    # A random name: the stored path says nothing about the student or the teacher.
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"sorts/{instance.sort_id}/{uuid.uuid4().hex}.{extension}"


class Piece(models.Model):
    """One piece of student work (an image, or one page of a PDF), labelled with a pseudonym or number only."""

    sort = models.ForeignKey(Sort, on_delete=models.CASCADE, related_name="pieces")
    pile = models.ForeignKey(Pile, null=True, blank=True, on_delete=models.SET_NULL, related_name="pieces")
    label = models.CharField(max_length=40, help_text="A pseudonym or number, never the student's name.")
    file = models.FileField(upload_to=piece_upload_to, storage=student_work_storage, max_length=200)
    content_type = models.CharField(max_length=40)
    # In a group sort, whose class the piece comes from (she may see the board).
    contributor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.label


class CycleType(models.Model):
    """A kind of inquiry cycle and the PD hours a finished one counts for on the transcript (staff set them)."""

    name = models.CharField(max_length=120, unique=True)
    pd_hours = models.DecimalField(max_digits=5, decimal_places=2, default=0)
    description = models.TextField(blank=True)

    panels = [FieldPanel("name"), FieldPanel("pd_hours"), FieldPanel("description")]

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Cycle(models.Model):
    """A rapid cycle of inquiry: a question, a baseline sort, the practice tried, a follow-up sort, a result."""

    class Sharing(models.TextChoices):
        PRIVATE = "private", "Only me (and coaches I share with)"
        DISTRICT = "district", "My district"
        NETWORK = "network", "The whole network"

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="inquiry_cycles")
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.SET_NULL, related_name="inquiry_cycles"
    )
    cycle_type = models.ForeignKey(CycleType, null=True, blank=True, on_delete=models.SET_NULL, related_name="cycles")
    question = models.CharField(max_length=300)
    baseline = models.ForeignKey(Sort, on_delete=models.PROTECT, related_name="baseline_of")
    follow_up = models.ForeignKey(Sort, null=True, blank=True, on_delete=models.SET_NULL, related_name="follow_up_of")
    practice = models.TextField("Practice tried", blank=True)
    practice_resources = models.ManyToManyField("resources.ResourcePage", blank=True, related_name="+")
    practice_lessons = models.ManyToManyField("courses.LessonPage", blank=True, related_name="+")
    result = models.TextField(blank=True, help_text="A few sentences: what changed, what you would keep or revise.")
    finished_at = models.DateTimeField(null=True, blank=True)
    sharing = models.CharField(max_length=10, choices=Sharing.choices, default=Sharing.PRIVATE)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created"]
        constraints = [
            models.CheckConstraint(
                condition=Q(sharing="private") | Q(finished_at__isnull=False), name="only_finished_cycles_are_shared"
            )
        ]

    def __str__(self):
        return self.question

    @property
    def is_finished(self) -> bool:
        return self.finished_at is not None


class Share(models.Model):
    """Something a teacher shared with her coach: a sort, a cycle or a course reflection."""

    class Kind(models.TextChoices):
        SORT = "sort", "Sort"
        CYCLE = "cycle", "Inquiry cycle"
        REFLECTION = "reflection", "Course reflection"

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="inquiry_shares")
    coach = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="inquiry_shared_with")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    sort = models.ForeignKey(Sort, null=True, blank=True, on_delete=models.CASCADE, related_name="shares")
    cycle = models.ForeignKey(Cycle, null=True, blank=True, on_delete=models.CASCADE, related_name="shares")
    reflection = models.ForeignKey(
        "courses.ReflectionResponse", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="sort", sort__isnull=False, cycle__isnull=True, reflection__isnull=True)
                    | Q(kind="cycle", cycle__isnull=False, sort__isnull=True, reflection__isnull=True)
                    | Q(kind="reflection", reflection__isnull=False, sort__isnull=True, cycle__isnull=True)
                ),
                name="share_names_exactly_its_kind",
            ),
            models.UniqueConstraint(fields=["coach", "sort"], name="one_share_per_coach_sort"),
            models.UniqueConstraint(fields=["coach", "cycle"], name="one_share_per_coach_cycle"),
            models.UniqueConstraint(fields=["coach", "reflection"], name="one_share_per_coach_reflection"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} shared with {self.coach}"


class Comment(models.Model):
    """A coach's (or the teacher's) comment on a shared item; the other side is notified."""

    share = models.ForeignKey(Share, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    body = models.TextField()
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created"]

    def __str__(self):
        return f"Comment by {self.author} on {self.share}"
