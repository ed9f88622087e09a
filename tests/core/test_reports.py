"""The shared spreadsheet rules: formula escaping, Title Case headings, local times with their zone."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone

from core.reports import SafeSpreadsheetExportMixin, csv_response, formula_safe, spreadsheet_cell, title_case


def test_formula_like_text_is_kept_as_text_but_numbers_stay_numbers():
    assert formula_safe("=HYPERLINK('http://evil')") == "'=HYPERLINK('http://evil')"
    for prefix in ("=", "+", "-", "@"):
        assert spreadsheet_cell(prefix + "cmd") == "'" + prefix + "cmd"
    assert spreadsheet_cell("Ana Ruiz") == "Ana Ruiz"
    assert spreadsheet_cell(-3) == -3 and spreadsheet_cell(Decimal("1.50")) == Decimal("1.50")
    assert spreadsheet_cell(None) == ""
    assert spreadsheet_cell(["=a", "b"]) == "'=a; b"


def test_times_are_local_and_say_their_zone(settings):
    settings.TIME_ZONE = "America/Los_Angeles"
    with timezone.override(ZoneInfo("America/Los_Angeles")):
        moment = datetime.datetime(2026, 1, 15, 20, 30, tzinfo=datetime.UTC)
        assert spreadsheet_cell(moment) == "2026-01-15 12:30 PST"


def test_headings_are_title_case_without_lowering_capitals():
    assert title_case("active in last 30 days") == "Active In Last 30 Days"
    assert title_case("PO number") == "PO Number"
    assert title_case("e-mail") == "E-mail"


def test_the_mixin_escapes_after_wagtails_own_preprocessing():
    class Export(SafeSpreadsheetExportMixin):
        custom_field_preprocess = {"name": {"csv": lambda v: v.upper()}}
        export_headings = {"name": "full name"}

    export = Export()
    assert export.preprocess_field_value("name", "=cmd", "csv") == "'=CMD"
    assert export.preprocess_field_value("other", "@sum", "xlsx") == "'@sum"
    assert export.get_heading(None, "name") == "Full Name"


def test_csv_response_is_an_attachment():
    response = csv_response("report.csv", [["+cmd", 2]], header=["name", "hours"])
    assert response["Content-Disposition"] == 'attachment; filename="report.csv"'
    assert response.content.decode().splitlines() == ["Name,Hours", "'+cmd,2"]
