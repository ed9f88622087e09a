from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from resources.models import Grade, HighLeverageConcept, LessonPart, ResourceKind, Topic


class GradeViewSet(SnippetViewSet):
    model = Grade
    icon = "list-ol"
    list_display = ["name", "code", "band"]
    sort_order_field = "sort_order"


class HighLeverageConceptViewSet(SnippetViewSet):
    model = HighLeverageConcept
    icon = "pick"
    menu_label = "High Leverage Concepts"
    list_display = ["title", "grade"]
    list_filter = ["grade"]
    search_fields = ["title", "summary"]


class LessonPartViewSet(SnippetViewSet):
    model = LessonPart
    icon = "list-ul"
    sort_order_field = "sort_order"


class ResourceKindViewSet(SnippetViewSet):
    model = ResourceKind
    icon = "folder-open-inverse"
    sort_order_field = "sort_order"


class TopicViewSet(SnippetViewSet):
    model = Topic
    icon = "tag"
    sort_order_field = "sort_order"


class TaxonomyGroup(SnippetViewSetGroup):
    """Grades, concepts, lesson parts, kinds and topics in one admin menu."""

    menu_label = "Taxonomy"
    menu_icon = "tag"
    menu_order = 300
    items = (GradeViewSet, HighLeverageConceptViewSet, LessonPartViewSet, ResourceKindViewSet, TopicViewSet)


register_snippet(TaxonomyGroup)
