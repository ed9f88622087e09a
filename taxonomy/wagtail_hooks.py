"""Registers the taxonomy snippets: one Taxonomy menu, rows reordered by dragging."""

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import Grade, HighLeverageConcept, LessonPart, ResourceKind, Topic


class GradeViewSet(SnippetViewSet):
    model = Grade
    icon = "list-ol"
    list_display = ["name", "code", "band"]
    list_filter = ["band"]
    sort_order_field = "sort_order"


class HighLeverageConceptViewSet(SnippetViewSet):
    model = HighLeverageConcept
    icon = "pick"
    menu_label = "High Leverage Concepts"
    list_display = ["title", "grade", "leads_to"]
    list_filter = ["grade"]
    search_fields = ["title", "summary"]
    sort_order_field = "sort_order"


class LessonPartViewSet(SnippetViewSet):
    model = LessonPart
    icon = "list-ul"
    list_display = ["name", "slug"]
    sort_order_field = "sort_order"


class ResourceKindViewSet(SnippetViewSet):
    model = ResourceKind
    icon = "folder-open-inverse"
    list_display = ["name", "slug"]
    sort_order_field = "sort_order"


class TopicViewSet(SnippetViewSet):
    model = Topic
    icon = "tag"
    list_display = ["name", "slug"]
    search_fields = ["name"]
    sort_order_field = "sort_order"


class TaxonomyGroup(SnippetViewSetGroup):
    """Grades, concepts, lesson parts, kinds and topics in one admin menu; drag rows to reorder."""

    menu_label = "Taxonomy"
    menu_icon = "tag"
    menu_order = 300
    items = (GradeViewSet, HighLeverageConceptViewSet, LessonPartViewSet, ResourceKindViewSet, TopicViewSet)


register_snippet(TaxonomyGroup)
