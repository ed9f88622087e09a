"""Admin for the resource library: taxonomy snippets, gated document downloads, staff reports."""

from datetime import datetime, time, timedelta

from django import forms
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from core.params import MAX_YEAR, MIN_YEAR
from home.csv_export import csv_response
from members.access import can_download_document

from .models import Grade, HighLeverageConcept, LessonPart, ResourceAccess, ResourceKind, Topic
from .services import download_log_create, resource_for_document, unpublished_resource_decision


# --- taxonomy -----------------------------------------------------------------------------
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


# --- gated downloads ----------------------------------------------------------------------
# order=1: Wagtail's own collection-privacy hook (order 0) runs first, so a download is logged only when served.
@hooks.register("before_serve_document", order=1)
def gate_document_download(document, request):
    """Apply the access of the pages that use this document; log what is served."""
    from .views import download_refused

    decision = can_download_document(request.user, document)
    if decision is None:
        decision = unpublished_resource_decision(user=request.user, document=document)
    if decision is None:
        return None  # No resource or gated page uses it: the collection's privacy settings decide.
    if not decision:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return download_refused(request, decision=decision, resource=resource_for_document(document=document))
    download_log_create(user=request.user, document=document)
    return None


# --- staff reports ------------------------------------------------------------------------
REPORT_PERMISSION = "resources.view_downloadlog"


class PeriodForm(forms.Form):
    since = forms.DateField(label="From", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label="To (inclusive)", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        for name in ("since", "until"):
            day = data.get(name)
            if day and not (MIN_YEAR <= day.year <= MAX_YEAR):
                self.add_error(name, f"Choose a date between {MIN_YEAR} and {MAX_YEAR}.")
                data[name] = None
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            raise forms.ValidationError("The start date must be on or before the end date.")
        return data


def _period(request) -> tuple[PeriodForm, datetime | None, datetime | None]:
    """The report period from GET (default: the last 30 days), as aware datetimes [since, until)."""
    today = timezone.localdate()
    params = request.GET if ("since" in request.GET or "until" in request.GET) else None
    form = PeriodForm(params or None, initial={"since": today - timedelta(days=30), "until": today})
    since_day, until_day = today - timedelta(days=30), today
    if params is not None and form.is_valid():
        since_day, until_day = form.cleaned_data["since"], form.cleaned_data["until"]
    tz = timezone.get_current_timezone()
    since = datetime.combine(since_day, time.min, tzinfo=tz) if since_day else None
    until = datetime.combine(until_day + timedelta(days=1), time.min, tzinfo=tz) if until_day else None
    return form, since, until


def _require_report_permission(request):
    if not request.user.has_perm(REPORT_PERMISSION):
        raise PermissionDenied


def downloads_report(request):
    """Most downloaded resources in a period, and downloads by role, district and organization."""
    from . import selectors

    _require_report_permission(request)
    form, since, until = _period(request)
    export = request.GET.get("export", "")
    stamp = f"{since:%Y%m%d}-{(until - timedelta(days=1)):%Y%m%d}" if since and until else "all"
    if export == "resources":
        rows = selectors.most_downloaded_resources(since=since, until=until, limit=None)
        return csv_response(
            f"downloads-by-resource-{stamp}.csv",
            ["Resource", "Access", "Downloads", "People"],
            ([r["title"], r["access_level"], r["downloads"], r["people"]] for r in rows),
        )
    if export == "roles":
        rows = selectors.downloads_by_role(since=since, until=until)
        return csv_response(
            f"downloads-by-role-{stamp}.csv",
            ["Role", "Downloads", "People"],
            ([r["role"], r["downloads"], r["people"]] for r in rows),
        )
    if export == "districts":
        rows = selectors.downloads_by_district(since=since, until=until)
        return csv_response(
            f"downloads-by-district-{stamp}.csv",
            ["District", "Downloads", "People"],
            ([r["district"], r["downloads"], r["people"]] for r in rows),
        )
    if export == "organizations":
        rows = selectors.downloads_by_organization(since=since, until=until)
        return csv_response(
            f"downloads-by-organization-{stamp}.csv",
            ["Organization", "Downloads", "People"],
            ([r["organization"], r["downloads"], r["people"]] for r in rows),
        )
    if export == "log":
        logs = selectors.download_log_rows(since=since, until=until)
        return csv_response(
            f"downloads-{stamp}.csv",
            ["Downloaded at", "E-mail", "Role", "District", "Organizations", "Resource", "File"],
            (
                [
                    timezone.localtime(log.created).strftime("%Y-%m-%d %H:%M"),
                    log.user.email,
                    log.user.get_role_display(),
                    log.user.district,
                    "; ".join(m.organization.name for m in log.user.organization_memberships.all()),
                    log.resource.title if log.resource else "",
                    log.document.title,
                ]
                for log in logs.iterator(chunk_size=500)
            ),
        )
    query = request.GET.copy()
    query.pop("export", None)
    resources = selectors.most_downloaded_resources(since=since, until=until)
    access_labels = dict(ResourceAccess.choices)
    tables = [
        {
            "id": "resources",
            "caption": "Most downloaded resources",
            "headings": ["Resource", "Access", "Downloads", "People"],
            "rows": [
                [r["title"], access_labels.get(r["access_level"], ""), r["downloads"], r["people"]] for r in resources
            ],
        },
        {
            "id": "roles",
            "caption": "Downloads by role",
            "headings": ["Role", "Downloads", "People"],
            "rows": [
                [r["role"], r["downloads"], r["people"]] for r in selectors.downloads_by_role(since=since, until=until)
            ],
        },
        {
            "id": "districts",
            "caption": "Downloads by district (as given in profiles)",
            "headings": ["District", "Downloads", "People"],
            "rows": [
                [r["district"], r["downloads"], r["people"]]
                for r in selectors.downloads_by_district(since=since, until=until)
            ],
        },
        {
            "id": "organizations",
            "caption": "Downloads by organization membership",
            "headings": ["Organization", "Downloads", "People"],
            "rows": [
                [r["organization"], r["downloads"], r["people"]]
                for r in selectors.downloads_by_organization(since=since, until=until)
            ],
        },
    ]
    return TemplateResponse(
        request,
        "resources/admin/downloads_report.html",
        {
            "page_title": "Resource downloads",
            "header_icon": "download",
            "form": form,
            "since": since,
            "until": until - timedelta(days=1) if until else None,
            "tables": tables,
            "query": query.urlencode(),
        },
    )


def search_terms_report(request):
    """What people searched the library for and found nothing, most frequent first."""
    from . import selectors

    _require_report_permission(request)
    form, since, until = _period(request)
    terms = selectors.zero_result_searches(since=since, until=until)
    if request.GET.get("export") == "csv":
        return csv_response(
            "library-searches-without-results.csv",
            ["Search words", "Times", "With filters", "Last searched"],
            (
                [t["query"], t["times"], t["with_filters"], timezone.localtime(t["last_searched"]).strftime("%Y-%m-%d")]
                for t in terms
            ),
        )
    query = request.GET.copy()
    query.pop("export", None)
    return TemplateResponse(
        request,
        "resources/admin/search_terms_report.html",
        {
            "page_title": "Library searches with no results",
            "header_icon": "search",
            "form": form,
            "headings": ["Search words", "Times", "With filters", "Last searched"],
            "rows": [
                [
                    t["query"],
                    t["times"],
                    t["with_filters"],
                    timezone.localtime(t["last_searched"]).strftime("%b %-d, %Y"),
                ]
                for t in terms
            ],
            "query": query.urlencode(),
        },
    )


@hooks.register("register_admin_urls")
def register_report_urls():
    return [
        path("reports/resource-downloads/", downloads_report, name="resources_downloads_report"),
        path("reports/library-searches/", search_terms_report, name="resources_search_terms_report"),
    ]


class ReportMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(REPORT_PERMISSION)


@hooks.register("register_reports_menu_item")
def register_downloads_report_menu_item():
    return ReportMenuItem("Resource downloads", reverse("resources_downloads_report"), icon_name="download", order=700)


@hooks.register("register_reports_menu_item")
def register_search_terms_menu_item():
    return ReportMenuItem("Library searches", reverse("resources_search_terms_report"), icon_name="search", order=710)
