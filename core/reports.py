"""Staff reports on top of Wagtail's ReportView: formula-safe CSV/XLSX, Title Case headings, local times.

Every admin report and every spreadsheet a person downloads goes through here, so the rules hold once:
- text starting with =, +, - or @ is kept as text (spreadsheet apps run it as a formula otherwise);
- headings are Title Case whatever the field is called;
- times are in the site's time zone and say which zone (a bare "14:30" is ambiguous once opened elsewhere).
"""

from __future__ import annotations

import csv
import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.utils import timezone
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.reports import ReportView

FORMULA_PREFIXES = ("=", "+", "-", "@")


def formula_safe(value):
    """Text that a spreadsheet would run as a formula, made plain text with a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def local_time_text(value: datetime.datetime | None) -> str:
    """An aware time as the site reads it, with its zone: 2026-03-01 14:30 PST."""
    if value is None:
        return ""
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M %Z")


def title_case(text: str) -> str:
    """Title Case a heading without lowering what is already capitalised ("PO Number", "E-mail")."""
    return " ".join(word[:1].upper() + word[1:] for word in str(text).replace("_", " ").split())


def spreadsheet_cell(value):
    """One cell for CSV or XLSX: numbers stay numbers, times go local with their zone, text stays text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, (int, float, Decimal)):
        return value
    if isinstance(value, datetime.datetime):
        return local_time_text(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        value = "; ".join(str(v) for v in value)
    return formula_safe(str(value))


class SafeSpreadsheetExportMixin:
    """Wagtail's SpreadsheetExportMixin, with every value made formula-safe and every heading Title Case.

    Put it before ReportView/IndexView in the bases: it replaces the value preparation for both formats.
    """

    def preprocess_field_value(self, field, value, export_format):
        format_dict = self.custom_field_preprocess.get(field, {})
        if export_format in format_dict:
            value = format_dict[export_format](value)
        return spreadsheet_cell(value)

    def get_heading(self, queryset, field):
        heading = self.export_headings.get(field)
        if not heading:
            heading = super().get_heading(queryset, field)
        return title_case(heading)


class StaffReportView(SafeSpreadsheetExportMixin, ReportView):
    """A Wagtail report a staff member may open only when `user_may_view` says so (the app asks members.access)."""

    def user_may_view(self, user) -> bool:
        raise NotImplementedError("Each report says which staff action it needs.")

    def decorate_rows(self, object_list):
        """Turn one page of the queryset (or all of it, for an export) into the rows shown and exported."""
        return object_list

    def decorate_paginated_queryset(self, object_list):
        # ReportView builds the table before decorating; both go through here, so rows are computed once.
        cached = getattr(self, "_decorated", None)
        if cached is None or cached[0] is not object_list:
            self._decorated = (object_list, self.decorate_rows(object_list))
        return self._decorated[1]

    def get_table(self, object_list):
        return super().get_table(self.decorate_paginated_queryset(object_list))

    def dispatch(self, request, *args, **kwargs):
        if not self.user_may_view(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def csv_response(filename: str, rows, header: list[str] | None = None) -> HttpResponse:
    """A CSV attachment outside the admin (the district leader's export), with the same cell rules."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    if header:
        writer.writerow([title_case(h) for h in header])
    for row in rows:
        writer.writerow([spreadsheet_cell(cell) for cell in row])
    return response


class LinksColumn(Column):
    """A column of small buttons; the accessor returns a list of ReportLink (empty for none)."""

    cell_template_name = "core/tables/links_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["value"] = context["raw_value"] or []
        return context


@dataclass(frozen=True)
class ReportLink:
    label: str
    url: str
    classname: str = ""
    sr_suffix: str = ""
