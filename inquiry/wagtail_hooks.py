"""Staff manage suggested piles per HLC and the kinds of inquiry cycle with their PD hours (Snippets).

Teachers' sorts, pieces and cycles have no admin view: student work is seen only through inquiry.rules.
Changing a cycle type's hours needs inquiry.change_cycletype (members.access.StaffAction.SET_CYCLE_HOURS).
"""

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import CycleType, SuggestedPile


class SuggestedPileViewSet(SnippetViewSet):
    model = SuggestedPile
    icon = "list-ul"
    menu_label = "Suggested piles"
    list_display = ["name", "concept", "description"]
    list_filter = ["concept"]
    search_fields = ["name"]
    sort_order_field = "sort_order"


class CycleTypeViewSet(SnippetViewSet):
    model = CycleType
    icon = "time"
    menu_label = "Inquiry cycle types"
    list_display = ["name", "pd_hours"]


class InquiryGroup(SnippetViewSetGroup):
    menu_label = "Inquiry"
    menu_icon = "view"
    menu_order = 320
    items = (SuggestedPileViewSet, CycleTypeViewSet)


register_snippet(InquiryGroup)
