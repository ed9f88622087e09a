"""Self-paced courses: the page tree (catalogue > course > module > lesson) and the learning record."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.forms import CheckboxSelectMultiple
from django.http import Http404
from django.utils import timezone
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from core.fields import CentsAsDollarsField
from core.page_cache import published_read
from core.pages import PublishedViewRestrictionsMixin
from core.search import search_vector_column
from members.access import AccessLevel, can_view_lesson

from .blocks import LessonStreamBlock
from .rules import module_opens_on

COURSE_ACCESS_CHOICES = [(c.value, c.label) for c in AccessLevel if c != AccessLevel.COURSE]


ROUTED_PAGE_SECONDS = 3600


def _page_at(model, url_path: str):
    """The page of this type at this URL path: from the published cache (a miss is never kept), else one query."""
    return published_read(
        ("page-at", model._meta.label, url_path),
        lambda: model.objects.filter(url_path=url_path).first(),
        ROUTED_PAGE_SECONDS,
        local=False,
    )


# Migration 0002 names this base class; it is the same mixin.
_OneQueryViewRestrictions = PublishedViewRestrictionsMixin


class CourseIndexPage(Page):
    """The course catalogue. Staff create one, under the home page; courses live under it."""

    intro = RichTextField(blank=True)
    per_page = 12

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = Page.search_fields + [index.SearchField("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["courses.CoursePage"]
    max_count = 1

    class Meta:
        verbose_name = "course catalogue"

    def route(self, request, path_components):
        # One query per course/module/lesson instead of Wagtail's two per level.
        if not path_components:
            return super().route(request, path_components)
        if len(path_components) == 3:
            # A lesson: its course is loaded with the outline (courses.selectors.lesson_course_and_outline).
            lesson = _page_at(LessonPage, f"{self.url_path}{'/'.join(path_components)}/")
            if lesson is None:
                raise Http404
            return lesson.route(request, [])
        course = _page_at(CoursePage, f"{self.url_path}{path_components[0]}/")
        if course is None:
            raise Http404
        course._cached_parent_obj = self
        return course.route(request, path_components[1:])

    def get_context(self, request, *args, **kwargs):
        from .selectors import course_catalogue

        context = super().get_context(request, *args, **kwargs)
        context.update(course_catalogue(index_page=self, params=request.GET, user=request.user, request=request))
        return context


class CoursePageForm(WagtailAdminPageForm):
    """Prices typed in dollars (stored in cents); tells the editor when the PD hours claim more than the
    lessons' estimated minutes support."""

    price_cents = CentsAsDollarsField(
        label="Price (USD)", help_text="For courses sold separately, in dollars, e.g. 49.00.", initial=0
    )

    def clean(self):
        from django.conf import settings
        from django.db.models import Sum

        from .rules import pd_hours_exceed_lesson_time

        cleaned = super().clean()
        pd_hours = cleaned.get("pd_hours")
        if self.instance.pk and pd_hours:
            # Checked once lessons exist: a new course gets its lessons after its first save.
            lessons = LessonPage.objects.descendant_of(self.instance)
            minutes = lessons.aggregate(total=Sum("estimated_minutes"))["total"] or 0
            ratio = settings.PD_HOURS_MAX_RATIO
            if lessons.exists() and pd_hours_exceed_lesson_time(pd_hours=pd_hours, lesson_minutes=minutes, ratio=ratio):
                self.add_error(
                    "pd_hours",
                    f"{pd_hours:g} PD hours is more than the lessons' estimated {minutes} minutes support "
                    f"({minutes / 60 * ratio:.1f} hours at most). Lower the hours or correct the lessons' minutes.",
                )
        return cleaned


class CoursePage(PublishedViewRestrictionsMixin, Page):
    """A self-paced course. Staff create it in the catalogue, then add modules and lessons under it."""

    summary = models.TextField(help_text="One or two sentences for listings and the top of the course page.")
    description = RichTextField(blank=True, help_text="What the course covers and who it is for.")
    outcomes = models.TextField(blank=True, help_text="What a teacher will be able to do: one outcome per line.")
    cover_image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    pd_hours = models.DecimalField("PD hours", max_digits=4, decimal_places=1, default=0)
    estimated_hours = models.DecimalField(
        "estimated time (hours)", max_digits=4, decimal_places=1, default=1, help_text="How long most teachers take."
    )
    grade_bands = ParentalManyToManyField("taxonomy.GradeBand", blank=True, related_name="+")
    concepts = ParentalManyToManyField("taxonomy.HighLeverageConcept", blank=True, related_name="courses")
    topics = ParentalManyToManyField("taxonomy.Topic", blank=True, related_name="courses")
    access_level = models.CharField(max_length=10, choices=COURSE_ACCESS_CHOICES, default=AccessLevel.FREE)
    price_cents = models.PositiveIntegerField(
        "price (cents)", default=0, help_text="For courses sold separately, e.g. 4900 for $49."
    )
    prerequisites = ParentalManyToManyField(
        "courses.CoursePage",
        blank=True,
        symmetrical=False,
        related_name="required_by",
        help_text="Courses a teacher must complete before enrolling in this one.",
    )

    base_form_class = CoursePageForm

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [FieldPanel("summary"), FieldPanel("description"), FieldPanel("outcomes"), FieldPanel("cover_image")],
            heading="About the course",
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("pd_hours"), FieldPanel("estimated_hours")]),
                FieldPanel("prerequisites", widget=CheckboxSelectMultiple),
            ],
            heading="Credit and prerequisites",
        ),
        MultiFieldPanel(
            [FieldPanel("access_level"), FieldPanel("price_cents")],
            heading="Access",
            help_text="Free: any account. Members: membership or district seat. Sold separately: buy at the price.",
        ),
        MultiFieldPanel(
            [
                FieldPanel("grade_bands", widget=CheckboxSelectMultiple),
                FieldPanel("concepts", widget=CheckboxSelectMultiple),
                FieldPanel("topics", widget=CheckboxSelectMultiple),
            ],
            heading="Tags",
        ),
        InlinePanel("facilitators", label="Facilitators"),
    ]
    # The stored, GIN-indexed tsvector core.search queries on PostgreSQL: weights A, B, C in this order.
    search_vector = search_vector_column()
    search_vector_fields = (["title"], ["summary"], ["description", "outcomes"])
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("description"),
        index.SearchField("outcomes"),
        index.FilterField("access_level"),
    ]
    parent_page_types = ["courses.CourseIndexPage"]
    subpage_types = ["courses.ModulePage"]

    class Meta:
        verbose_name = "course"

    def clean(self):
        from django.core.exceptions import ValidationError

        super().clean()
        if self.access_level == AccessLevel.PAID and not self.price_cents:
            raise ValidationError({"price_cents": "A course sold separately needs a price."})

    @property
    def image(self):
        """Listing cards read `image`."""
        return self.cover_image

    @property
    def price(self) -> Decimal:
        """Dollars, for display; payments use price_cents."""
        return Decimal(self.price_cents) / 100

    def outcome_list(self) -> list[str]:
        return [line.strip(" -•\t") for line in self.outcomes.splitlines() if line.strip(" -•\t")]

    def grade_band_labels(self) -> list[str]:
        """The bands' names ("Grades 3-5"); listings prefetch `grade_bands`."""
        return [band.name for band in self.grade_bands.all()]

    def route(self, request, path_components):
        # Modules and lessons are found by their URL path in a single query.
        if not path_components or len(path_components) > 2:
            return super().route(request, path_components)
        model = ModulePage if len(path_components) == 1 else LessonPage
        page = _page_at(model, f"{self.url_path}{'/'.join(path_components)}/")
        if page is None:
            raise Http404
        page._course = self
        return page.route(request, [])

    def get_context(self, request, *args, **kwargs):
        from .selectors import course_detail

        context = super().get_context(request, *args, **kwargs)
        context.update(course_detail(course=self, user=request.user, request=request))
        return context


class CourseFacilitator(Orderable):
    """A person who designed or leads the course."""

    course = ParentalKey(CoursePage, on_delete=models.CASCADE, related_name="facilitators")
    name = models.CharField(max_length=120)
    role = models.CharField(max_length=160, blank=True, help_text="e.g. Math coach, Riverside USD")
    bio = models.TextField(blank=True)

    panels = [FieldPanel("name"), FieldPanel("role"), FieldPanel("bio")]

    def __str__(self):
        return self.name


class _InCourse:
    """Pages that live under a course find it once and cache it."""

    @property
    def course(self) -> CoursePage:
        if getattr(self, "_course", None) is None:
            self._course = CoursePage.objects.ancestor_of(self).first()
        return self._course


class ModulePage(_InCourse, PublishedViewRestrictionsMixin, Page):
    """An ordered group of lessons. Staff create modules under a course, in the order taught."""

    summary = models.TextField(blank=True)
    search_vector = search_vector_column()
    search_vector_fields = (["title"], ["summary"])
    release_after_days = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Open this module this many days after a teacher enrolls. Leave empty to open it at once.",
    )

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        MultiFieldPanel([FieldPanel("release_after_days")], heading="Release"),
    ]
    search_fields = Page.search_fields + [index.SearchField("summary")]
    parent_page_types = ["courses.CoursePage"]
    subpage_types = ["courses.LessonPage"]

    class Meta:
        verbose_name = "module"

    def opens_on(self, enrolled_at):
        return module_opens_on(release_after_days=self.release_after_days, enrolled_at=enrolled_at)

    def get_context(self, request, *args, **kwargs):
        from .selectors import course_outline

        context = super().get_context(request, *args, **kwargs)
        context["outline"] = course_outline(course=self.course, user=request.user, request=request)
        context["module_item"] = context["outline"].module(self.pk)
        return context


class LessonPage(_InCourse, PublishedViewRestrictionsMixin, Page):
    """One lesson. Staff write lessons under a module; learners see them only with access."""

    class CompletionRule(models.TextChoices):
        BUTTON = "button", "The learner clicks Mark complete"
        ACTIVITIES = "activities", "Automatic when every check is right and every reflection is written"

    summary = models.TextField(blank=True)
    estimated_minutes = models.PositiveIntegerField(default=10)
    is_required = models.BooleanField(
        default=True, help_text="Required lessons count toward completion and the certificate."
    )
    completion_rule = models.CharField(max_length=12, choices=CompletionRule.choices, default=CompletionRule.BUTTON)
    body = StreamField(LessonStreamBlock())
    # The body weighs C: a visitor who may not open the lesson is matched on weights A and B only
    # (title and summary, shown in every course outline; core.search, weights="AB").
    search_vector = search_vector_column()
    search_vector_fields = (["title"], ["summary"], ["body"])

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldPanel("body"),
        # Next to the body: whether the checks and reflections above complete the lesson.
        MultiFieldPanel(
            [FieldPanel("completion_rule"), FieldPanel("is_required"), FieldPanel("estimated_minutes")],
            heading="Completion",
            help_text="Lessons without checks or reflections always complete with the button.",
        ),
    ]
    search_fields = Page.search_fields + [index.SearchField("summary"), index.SearchField("body")]
    parent_page_types = ["courses.ModulePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = "lesson"

    def activity_block_ids(self) -> tuple[list[str], list[str]]:
        """(check block ids, reflection block ids) in this lesson's body."""
        checks = [b.id for b in self.body if b.block_type == "check"]
        reflections = [b.id for b in self.body if b.block_type == "reflection"]
        return checks, reflections

    @property
    def completes_automatically(self) -> bool:
        checks, reflections = self.activity_block_ids()
        return self.completion_rule == self.CompletionRule.ACTIVITIES and bool(checks or reflections)

    def document_access_decision(self, user):
        """Files used in a lesson are for those who may open the lesson."""
        return can_view_lesson(user, self, self.course)

    def serve(self, request, *args, **kwargs):
        from .views import lesson_view

        return lesson_view(request, lesson=self)

    def serve_preview(self, request, mode_name):
        from .views import lesson_view

        return lesson_view(request, lesson=self, preview=True)


# --- the learning record ---
class Enrollment(models.Model):
    """A learner taking a course. Created by enrolling, buying, or a staff grant."""

    class Source(models.TextChoices):
        FREE = "free", "Free course"
        MEMBERSHIP = "membership", "Membership"
        PURCHASE = "purchase", "Purchase"
        DISTRICT_SEAT = "district_seat", "District seat"
        STAFF_GRANT = "staff_grant", "Staff grant"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollments")
    course = models.ForeignKey(CoursePage, on_delete=models.CASCADE, related_name="enrollments")
    source = models.CharField(max_length=16, choices=Source.choices)
    enrolled_at = models.DateTimeField(default=timezone.now)
    last_lesson = models.ForeignKey(LessonPage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    last_activity_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "course"], name="one_enrollment_per_course")]
        ordering = ["-enrolled_at"]

    def __str__(self):
        return f"{self.user} in {self.course}"

    @property
    def is_complete(self) -> bool:
        return self.completed_at is not None


class LessonCompletion(models.Model):
    """A lesson a learner finished. The course is stored too so progress is one query."""

    class Method(models.TextChoices):
        BUTTON = "button", "Marked complete"
        ACTIVITIES = "activities", "Checks and reflections done"
        STAFF = "staff", "Granted by staff"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_completions")
    lesson = models.ForeignKey(LessonPage, on_delete=models.CASCADE, related_name="completions")
    course = models.ForeignKey(CoursePage, on_delete=models.CASCADE, related_name="+")
    method = models.CharField(max_length=12, choices=Method.choices, default=Method.BUTTON)
    completed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "lesson"], name="one_completion_per_lesson")]
        indexes = [models.Index(fields=["user", "course"])]


class CheckAnswer(models.Model):
    """The learner's latest answer to one check for understanding, and how many tries it took."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    lesson = models.ForeignKey(LessonPage, on_delete=models.CASCADE, related_name="check_answers")
    block_id = models.CharField(max_length=64)
    option_id = models.CharField(max_length=64)
    is_correct = models.BooleanField(default=False)
    attempts = models.PositiveIntegerField(default=1)
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "lesson", "block_id"], name="one_check_answer_per_block")
        ]


class ReflectionResponse(models.Model):
    """A learner's private written reflection. Shown only to its author."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    lesson = models.ForeignKey(LessonPage, on_delete=models.CASCADE, related_name="reflections")
    block_id = models.CharField(max_length=64)
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "lesson", "block_id"], name="one_reflection_per_block")]


def certificate_upload_to(instance, filename):
    return f"certificates/{instance.code}.pdf"


class Certificate(models.Model):
    """Proof of a completed course. Title and PD hours are copied at issue so later edits do not change it."""

    enrollment = models.OneToOneField(Enrollment, null=True, on_delete=models.SET_NULL, related_name="certificate")
    # The enrollment's id, kept when the enrollment is deleted: one certificate per enrollment, ever.
    enrollment_key = models.PositiveBigIntegerField(null=True, unique=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    course = models.ForeignKey(CoursePage, null=True, on_delete=models.SET_NULL, related_name="certificates")
    code = models.CharField(max_length=32, unique=True, editable=False)
    learner_name = models.CharField(max_length=200)
    course_title = models.CharField(max_length=255)
    pd_hours = models.DecimalField("PD hours", max_digits=4, decimal_places=1)
    completed_on = models.DateField()
    issued_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.TextField(blank=True)
    pdf = models.FileField(upload_to=certificate_upload_to, blank=True)

    class Meta:
        ordering = ["-issued_at"]
        permissions = [("reissue_certificate", "Reissue a certificate with a corrected name")]

    def __str__(self):
        return f"{self.course_title}: {self.learner_name}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("courses:certificate_verify", args=[self.code])

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None

    @property
    def verify_url(self) -> str:
        return settings.SITE_URL.rstrip("/") + self.get_absolute_url()


class CertificateReissue(models.Model):
    """A certificate issued again with a corrected name: the same code, and who changed what, when and why."""

    certificate = models.ForeignKey(Certificate, on_delete=models.CASCADE, related_name="reissues")
    previous_name = models.CharField(max_length=200)
    learner_name = models.CharField("corrected name", max_length=200)
    reason = models.TextField()
    reissued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    reissued_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-reissued_at"]

    def __str__(self):
        return f"{self.certificate.code}: {self.previous_name} → {self.learner_name}"
