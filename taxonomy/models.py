"""The taxonomy staff manage in the admin (Snippets > Taxonomy) and every feature app tags content with.

The tables keep their first names (`resources_*`): the models moved here from the resource library
without touching the data (taxonomy/migrations/0001 and resources/migrations/0004).
"""

from __future__ import annotations

from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.search import index


class GradeBandCode(models.TextChoices):
    K2 = "k-2", "Grades K-2"
    G35 = "3-5", "Grades 3-5"
    G68 = "6-8", "Grades 6-8"


class GradeBandQuerySet(models.QuerySet):
    def for_codes(self, codes) -> list[GradeBand]:
        """The bands with these codes, creating any known band a flushed test database lacks."""
        wanted = [code for code in dict(GradeBandCode.choices) if code in set(codes or [])]
        found = {band.code: band for band in self.filter(code__in=wanted)}
        for code in wanted:
            if code not in found:
                found[code], _ = self.get_or_create(code=code, defaults=_band_defaults(code))
        return [found[code] for code in wanted]


def _band_defaults(code: str) -> dict:
    codes = list(dict(GradeBandCode.choices))
    return {"name": GradeBandCode(code).label, "sort_order": codes.index(code)}


class GradeBand(models.Model):
    """K-2, 3-5 or 6-8: the bands courses, workshops and articles are tagged with (seeded by migration 0003).

    The code is the key, so a tag is stored as the code itself and filters with an exact match.
    """

    code = models.CharField(max_length=3, primary_key=True, choices=GradeBandCode.choices)
    name = models.CharField(max_length=40)
    sort_order = models.PositiveSmallIntegerField(default=0)

    objects = GradeBandQuerySet.as_manager()

    class Meta:
        ordering = ["sort_order"]

    def __str__(self):
        return self.name


class Grade(models.Model):
    """A grade level, K through 8."""

    code = models.CharField(max_length=2, unique=True, help_text="K, 1 … 8")
    name = models.CharField(max_length=40)
    band = models.CharField(max_length=3, choices=GradeBandCode.choices)
    sort_order = models.PositiveSmallIntegerField(default=0)

    panels = [FieldPanel("code"), FieldPanel("name"), FieldPanel("band"), FieldPanel("sort_order")]

    class Meta:
        db_table = "resources_grade"
        ordering = ["sort_order"]

    def __str__(self):
        return self.name


class HighLeverageConcept(index.Indexed, models.Model):
    """One of the few concepts per grade a student needs to succeed the next year."""

    grade = models.ForeignKey(Grade, on_delete=models.PROTECT, related_name="concepts")
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    leads_to = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="builds_on",
        help_text="The concept in the next grade this one prepares for.",
    )
    sort_order = models.PositiveSmallIntegerField(default=0)

    panels = [
        FieldPanel("grade"),
        FieldPanel("title"),
        FieldPanel("summary"),
        FieldPanel("leads_to"),
        FieldPanel("sort_order"),
    ]
    search_fields = [index.SearchField("title"), index.SearchField("summary"), index.FilterField("grade")]

    class Meta:
        db_table = "resources_highleverageconcept"
        ordering = ["grade__sort_order", "sort_order", "title"]
        verbose_name = "High Leverage Concept"

    def __str__(self):
        return f"{self.grade.code}: {self.title}"


class Term(models.Model):
    """A named, slugged, ordered term: the shape lesson parts, resource kinds and topics share."""

    name = models.CharField(max_length=60, unique=True)
    slug = models.SlugField(unique=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("sort_order")]

    class Meta:
        abstract = True
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name


class LessonPart(Term):
    """A part of the math block: Launch, Main Lesson, Math Menu, Closure."""

    description = models.TextField(blank=True)

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("description"), FieldPanel("sort_order")]

    class Meta(Term.Meta):
        db_table = "resources_lessonpart"
        ordering = ["sort_order"]


class ResourceKind(Term):
    """Launch routine, math game, menu activity, formative probe, HLA, protocol, video …"""

    class Meta(Term.Meta):
        db_table = "resources_resourcekind"


class Topic(Term):
    """A free topic tag (e.g. fractions, place value, MTSS)."""

    name = models.CharField(max_length=80, unique=True)

    class Meta(Term.Meta):
        db_table = "resources_topic"
