"""Resource library: the library pages, downloads, saved resources and searches (tagged with `taxonomy`)."""

from django import forms
from django.conf import settings
from django.db import models
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel, ObjectList, TabbedInterface
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from core.blocks import BaseStreamBlock
from core.pages import PrintablePageMixin
from core.search import search_vector_column
from members.access import AccessLevel, decide
from taxonomy.models import Grade, HighLeverageConcept, LessonPart, ResourceKind, Topic


class ResourceAccess(models.TextChoices):
    """The access levels a resource can have: a subset of the access service's levels."""

    FREE = AccessLevel.FREE.value, AccessLevel.FREE.label
    MEMBERS = AccessLevel.MEMBERS.value, AccessLevel.MEMBERS.label
    COURSE = AccessLevel.COURSE.value, AccessLevel.COURSE.label


class ResourceIndexPage(Page):
    """The resource library. Staff create one, under the home page; resources live beneath it."""

    intro = RichTextField(blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = Page.search_fields + [index.SearchField("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["resources.ResourcePage"]
    max_count = 1

    class Meta:
        verbose_name = "resource library"

    def get_context(self, request, *args, **kwargs):
        from .selectors import library_listing
        from .services import search_term_record

        context = super().get_context(request, *args, **kwargs)
        listing = library_listing(index_page=self, params=request.GET, user=request.user)
        if listing.query and listing.page_obj.number == 1 and "page" not in request.GET:
            search_term_record(
                query=listing.query,
                results_count=listing.total,
                user=request.user,
                filtered=bool(listing.active_filters),
            )
        context["listing"] = listing
        context["page_obj"] = listing.page_obj
        return context


class ResourcePage(PrintablePageMixin, Page):
    """One classroom resource (a routine, game, probe, protocol …) with its files.

    Staff create these under the resource library; the access level decides who may
    download the files (through members.access).
    """

    summary = models.TextField(help_text="One or two sentences shown on cards and in search results.")
    body = StreamField(BaseStreamBlock(), blank=True, help_text="How to use it in class.")
    preview_image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    access_level = models.CharField(
        max_length=12,
        choices=ResourceAccess.choices,
        default=ResourceAccess.FREE,
        help_text="Who may download the files. Course participants: people enrolled in one of the courses below.",
    )
    courses = ParentalManyToManyField(
        "courses.CoursePage",
        blank=True,
        related_name="resources",
        help_text="Courses this resource belongs to. Shown as related courses; with “Course participants” "
        "access, people enrolled in one of them may download.",
    )
    kind = models.ForeignKey(ResourceKind, null=True, blank=True, on_delete=models.SET_NULL, related_name="resources")
    grades = ParentalManyToManyField(Grade, blank=True, related_name="resources")
    concepts = ParentalManyToManyField(
        HighLeverageConcept, blank=True, related_name="resources", verbose_name="High Leverage Concepts"
    )
    lesson_parts = ParentalManyToManyField(LessonPart, blank=True, related_name="resources")
    topics = ParentalManyToManyField(Topic, blank=True, related_name="resources")

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldPanel("preview_image"),
        FieldPanel("body"),
        InlinePanel("files", heading="Files", label="File", min_num=0),
    ]
    tag_panels = [
        FieldPanel("kind"),
        FieldPanel("grades", widget=forms.CheckboxSelectMultiple),
        FieldPanel("concepts", widget=forms.CheckboxSelectMultiple),
        FieldPanel("lesson_parts", widget=forms.CheckboxSelectMultiple),
        FieldPanel("topics", widget=forms.CheckboxSelectMultiple),
    ]
    access_panels = [
        MultiFieldPanel(
            [FieldPanel("access_level"), FieldPanel("courses", widget=forms.CheckboxSelectMultiple)],
            heading="Who may download",
        ),
        InlinePanel("related_resources", heading="Related resources", label="Related resource"),
    ]
    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading="Content"),
            ObjectList(tag_panels, heading="Tags"),
            ObjectList(access_panels, heading="Access and related"),
            ObjectList(Page.promote_panels, heading="Promote"),
            ObjectList(Page.settings_panels, heading="Settings"),
        ]
    )

    # The stored, GIN-indexed tsvector core.search queries on PostgreSQL: weights A, B, C in this order.
    search_vector = search_vector_column()
    search_vector_fields = (["title"], ["summary"], ["body"])
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("access_level"),
    ]
    parent_page_types = ["resources.ResourceIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = "resource"

    def document_access_decision(self, user):
        """The one rule for this resource's files, asked by members.access.can_download_document."""
        course_ids = self.course_ids() if self.access_level == AccessLevel.COURSE else []
        return decide(user, level=self.access_level, page_id=self.pk, course_ids=course_ids)

    @property
    def image(self):
        """The shared card include (includes/card.html) reads `image`."""
        return self.preview_image

    @property
    def grades_label(self) -> str:
        """ "Grades K-5" for a run of grades, "Grades 1, 3" otherwise (uses prefetched grades)."""
        grades = sorted(self.grades.all(), key=lambda g: g.sort_order)
        if not grades:
            return ""
        if len(grades) == 1:
            return grades[0].name
        orders = [g.sort_order for g in grades]
        if len(grades) > 2 and orders == list(range(orders[0], orders[0] + len(orders))):
            return f"Grades {grades[0].code}-{grades[-1].code}"
        return "Grades " + ", ".join(g.code for g in grades)

    def course_ids(self) -> list[int]:
        return [course.pk for course in self.courses.all()]

    def get_context(self, request, *args, **kwargs):
        from .selectors import resource_detail

        context = super().get_context(request, *args, **kwargs)
        context["detail"] = resource_detail(resource=self, user=request.user)
        return context


class ResourceFile(Orderable):
    """A downloadable file of a resource; a resource may have several (e.g. the game and its recording sheet)."""

    page = ParentalKey(ResourcePage, on_delete=models.CASCADE, related_name="files")
    document = models.ForeignKey("wagtaildocs.Document", on_delete=models.CASCADE, related_name="+")
    label = models.CharField(max_length=120, blank=True, help_text="Shown instead of the document title, if set.")

    panels = [FieldPanel("document"), FieldPanel("label")]

    def __str__(self):
        return self.display_label

    @property
    def display_label(self) -> str:
        return self.label or self.document.title


class RelatedResource(Orderable):
    """A resource staff suggest alongside another one."""

    page = ParentalKey(ResourcePage, on_delete=models.CASCADE, related_name="related_resources")
    resource = models.ForeignKey(ResourcePage, on_delete=models.CASCADE, related_name="+")

    panels = [FieldPanel("resource")]


class DownloadLog(models.Model):
    """One served download: who, which file, from which resource (if any), when."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="downloads")
    document = models.ForeignKey("wagtaildocs.Document", on_delete=models.CASCADE, related_name="+")
    resource = models.ForeignKey(
        ResourcePage, null=True, blank=True, on_delete=models.SET_NULL, related_name="download_logs"
    )
    created = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created"]
        indexes = [models.Index(fields=["resource", "created"])]

    def __str__(self):
        return f"{self.user} downloaded {self.document} on {self.created:%Y-%m-%d}"


class SavedResource(models.Model):
    """A resource a teacher saved to "My library"."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_resources")
    resource = models.ForeignKey(ResourcePage, on_delete=models.CASCADE, related_name="saves")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created"]
        constraints = [models.UniqueConstraint(fields=["user", "resource"], name="unique_saved_resource")]

    def __str__(self):
        return f"{self.user} saved {self.resource}"


class SearchTerm(models.Model):
    """A library search, kept so staff can see what teachers look for and do not find."""

    query = models.CharField(max_length=200, db_index=True)
    results_count = models.PositiveIntegerField()
    role = models.CharField(max_length=32, blank=True, help_text="The searcher's role; blank when signed out.")
    filtered = models.BooleanField(default=False, help_text="Filters were applied alongside the search.")
    created = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self):
        return f"“{self.query}” ({self.results_count} results)"


def download_count_subquery(*, since=None, until=None):
    """Downloads per resource as a correlated subquery, so a listing annotates it without extra queries."""
    logs = DownloadLog.objects.filter(resource=OuterRef("pk"))
    if since is not None:
        logs = logs.filter(created__gte=since)
    if until is not None:
        logs = logs.filter(created__lt=until)
    counted = logs.order_by().values("resource").annotate(n=models.Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=models.IntegerField()), 0)
