"""Library reports: downloads by resource, role, district or organization; the download log; empty searches."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import django_filters
from django import forms
from django.utils import timezone
from django.utils.functional import cached_property
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.admin.widgets import AdminDateInput
from wagtail.coreutils import multigetattr

from core.params import MAX_YEAR, MIN_YEAR
from core.reports import StaffReportView, local_time_text
from members.access import StaffAction, staff_can
from members.models import Role

from ..models import DownloadLog, SearchTerm
from . import selectors


class PeriodForm(forms.Form):
    """A report period that a mistyped year cannot break (year 9999 stays a clear message, never a 500)."""

    def clean(self):
        data = super().clean()
        for name in ("since", "until"):
            day = data.get(name)
            if day and not (MIN_YEAR <= day.year <= MAX_YEAR):
                self.add_error(name, f"Choose a date between {MIN_YEAR} and {MAX_YEAR}.")
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            self.add_error("until", "The start date must be on or before the end date.")
        return data


def _day_start(day) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


class PeriodFilterSet(WagtailFilterSet):
    since = django_filters.DateFilter(label="From", method="filter_since", widget=AdminDateInput)
    until = django_filters.DateFilter(label="To (inclusive)", method="filter_until", widget=AdminDateInput)

    def filter_since(self, queryset, name, value):
        return queryset.filter(created__gte=_day_start(value))

    def filter_until(self, queryset, name, value):
        return queryset.filter(created__lt=_day_start(value + timedelta(days=1)))


class DownloadFilterSet(PeriodFilterSet):
    role = django_filters.ChoiceFilter(label="Role", field_name="user__role", choices=Role.choices)

    class Meta:
        model = DownloadLog
        fields = ["since", "until", "role"]
        form = PeriodForm


class DownloadTotalsFilterSet(DownloadFilterSet):
    group = django_filters.ChoiceFilter(
        label="Downloads by",
        choices=[(key, label) for key, (_, label) in selectors.DOWNLOAD_GROUPS.items()],
        method="keep",  # read by the view: it chooses the grouping, not the rows
        empty_label="Resource",
    )

    def keep(self, queryset, name, value):
        return queryset

    class Meta(DownloadFilterSet.Meta):
        fields = ["since", "until", "role", "group"]


class SearchFilterSet(PeriodFilterSet):
    class Meta:
        model = SearchTerm
        fields = ["since", "until"]
        form = PeriodForm


class LibraryReportView(StaffReportView):
    def user_may_view(self, user) -> bool:
        return staff_can(user, StaffAction.DOWNLOAD_REPORTS)

    def get_filtered_queryset(self):
        return self.get_queryset()  # each report filters the raw rows before grouping them


class DownloadTotalsReportView(LibraryReportView):
    """Most downloaded resources, or downloads by role, district or organization, in a period."""

    page_title = "Resource downloads"
    header_icon = "download"
    index_url_name = "resources_downloads_report"
    index_results_url_name = "resources_downloads_report_results"
    filterset_class = DownloadTotalsFilterSet

    @cached_property
    def group(self) -> str:
        value = self.request.GET.get("group", "")
        return value if value in selectors.DOWNLOAD_GROUPS else "resource"

    @property
    def heading(self) -> str:
        return selectors.DOWNLOAD_GROUPS[self.group][1]

    def get_filename(self):
        return f"downloads-by-{self.group}"

    @cached_property
    def columns(self):
        columns = [Column("name", label=self.heading, accessor=lambda r: r["name"])]
        if self.group == "resource":
            columns.append(Column("access", label="Access", accessor=lambda r: r["access"]))
        return columns + [
            Column("downloads", label="Downloads", accessor=lambda r: r["downloads"]),
            Column("people", label="People", accessor=lambda r: r["people"]),
        ]

    @property
    def list_export(self):
        return (
            ["name", "access", "downloads", "people"] if self.group == "resource" else ["name", "downloads", "people"]
        )

    @property
    def export_headings(self):
        return {"name": self.heading, "access": "Access", "downloads": "Downloads", "people": "People"}

    def to_row_dict(self, item):
        return {field: item[field] for field in self.list_export}

    def get_queryset(self):
        return selectors.downloads_by(self.filter_queryset(selectors.download_logs()), group=self.group)

    def decorate_rows(self, object_list):
        return selectors.download_total_rows(object_list, group=self.group)


class DownloadLogReportView(LibraryReportView):
    """Every download in a period: who (role, district, organizations), which resource, which file."""

    page_title = "Download log"
    header_icon = "list-ul"
    index_url_name = "resources_download_log"
    index_results_url_name = "resources_download_log_results"
    filterset_class = DownloadFilterSet
    export_filename = "downloads"
    columns = [
        Column("created", label="Downloaded at", accessor=lambda log: local_time_text(log.created)),
        Column("email", label="E-mail", accessor="user.email"),
        Column("role", label="Role", accessor="user.get_role_display"),
        Column("district", label="District", accessor="user.district"),
        Column("resource", label="Resource", accessor="resource.title"),
        Column("document", label="File", accessor="document.title"),
    ]
    list_export = [
        "created",
        "user.email",
        "user.get_role_display",
        "user.district",
        "organizations",
        "resource.title",
        "document.title",
    ]
    export_headings = {
        "created": "Downloaded at",
        "user.email": "E-mail",
        "user.get_role_display": "Role",
        "user.district": "District",
        "organizations": "Organizations",
        "resource.title": "Resource",
        "document.title": "File",
    }
    custom_field_preprocess = {
        "organizations": {
            fmt: lambda user: [m.organization.name for m in user.organization_memberships.all()]
            for fmt in ("csv", "xlsx")
        }
    }

    def to_row_dict(self, item):
        return {
            field: (item.user if field == "organizations" else multigetattr(item, field)) for field in self.list_export
        }

    def get_queryset(self):
        return selectors.download_log_rows(self.filter_queryset(selectors.download_logs()))


class SearchTermsReportView(LibraryReportView):
    """What people searched the library for and found nothing, most frequent first."""

    page_title = "Library searches with no results"
    header_icon = "search"
    index_url_name = "resources_search_terms_report"
    index_results_url_name = "resources_search_terms_report_results"
    filterset_class = SearchFilterSet
    export_filename = "library-searches-without-results"
    columns = [
        Column("query", label="Search words", accessor=lambda t: t["query"]),
        Column("times", label="Times", accessor=lambda t: t["times"]),
        Column("with_filters", label="With filters", accessor=lambda t: t["with_filters"]),
        Column("last_searched", label="Last searched", accessor=lambda t: local_time_text(t["last_searched"])),
    ]
    list_export = ["query", "times", "with_filters", "last_searched"]
    export_headings = {
        "query": "Search words",
        "times": "Times",
        "with_filters": "With filters",
        "last_searched": "Last searched",
    }

    def to_row_dict(self, item):
        return {field: item[field] for field in self.list_export}

    def get_queryset(self):
        return selectors.zero_result_searches(self.filter_queryset(SearchTerm.objects.all()))
