"""Library reports in the Wagtail admin: downloads by resource, role, district, organization; the log; empty searches."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from members.factories import OrganizationFactory, OrganizationMemberFactory, UserFactory
from members.models import Role
from resources.factories import DownloadLogFactory, SearchTermFactory
from resources.models import DownloadLog
from tests.spreadsheets import csv_rows, xlsx_rows

from .conftest import first_document

pytestmark = pytest.mark.django_db

REPORT = reverse("resources_downloads_report")
SEARCHES = reverse("resources_search_terms_report")
LOG = reverse("resources_download_log")
_rows = csv_rows


def _last_30_days() -> dict:
    today = timezone.localdate()
    return {"since": (today - timedelta(days=30)).isoformat(), "until": today.isoformat()}


@pytest.fixture
def downloads(free_resource, member_resource):
    coach = UserFactory(role=Role.COACH, district="Riverside Unified")
    teacher = UserFactory(role=Role.CLASSROOM_TEACHER, district="Riverside Unified")
    other = UserFactory(role=Role.CLASSROOM_TEACHER, district="")
    OrganizationMemberFactory(user=teacher, organization=OrganizationFactory(name="Riverside USD"))
    free_doc, member_doc = first_document(free_resource), first_document(member_resource)
    for user in (coach, teacher, teacher, other):
        DownloadLogFactory(user=user, document=member_doc, resource=member_resource)
    DownloadLogFactory(user=coach, document=free_doc, resource=free_resource)
    old = DownloadLogFactory(user=coach, document=free_doc, resource=free_resource)
    DownloadLog.objects.filter(pk=old.pk).update(created=timezone.now() - timedelta(days=90))
    return {"coach": coach, "teacher": teacher, "other": other}


def test_report_needs_permission(client, user):
    client.force_login(user)  # no admin access at all
    assert client.get(REPORT).status_code in (302, 403)

    from django.contrib.auth.models import Permission

    editor = UserFactory(is_staff=True)
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(editor)
    refused = client.get(REPORT)  # Wagtail turns PermissionDenied into a redirect to the dashboard
    assert refused.status_code == 302 and refused["Location"] == reverse("wagtailadmin_home")
    assert client.get(REPORT, {"export": "csv"}).status_code == 302
    assert client.get(LOG, {"export": "csv"}).status_code == 302
    editor.user_permissions.add(Permission.objects.get(codename="view_downloadlog"))
    editor = type(editor).objects.get(pk=editor.pk)  # fresh permission cache
    client.force_login(editor)
    assert client.get(REPORT).status_code == 200


def test_downloads_report_for_a_period(client, staff, downloads, free_resource, member_resource):
    client.force_login(staff)
    period = _last_30_days()
    response = client.get(REPORT, period)
    assert response.status_code == 200
    # The 90-day-old download is outside the last 30 days.
    assert [list(r.values()) for r in response.context["object_list"]] == [
        [member_resource.title, "Members only", 4, 3],
        [free_resource.title, "Free with an account", 1, 1],
    ]
    by = {}
    for group in ("role", "district", "organization"):
        rows = client.get(REPORT, {**period, "group": group}).context["object_list"]
        by[group] = [[r["name"], r["downloads"], r["people"]] for r in rows]
    assert by["role"] == [["Classroom teacher", 3, 2], ["Math coach", 2, 1]]
    assert by["district"] == [["Riverside Unified", 4, 2], ["Not given", 1, 1]]
    assert by["organization"] == [["Riverside USD", 2, 1]]
    everything = client.get(REPORT).context["object_list"]
    assert sum(r["downloads"] for r in everything) == 6  # no period: all time
    html = response.content.decode()
    assert "Download CSV" in html and "export=xlsx" in html


def test_downloads_report_filters_by_role_and_bad_period(client, staff, downloads, free_resource):
    client.force_login(staff)
    start = (timezone.localdate() - timedelta(days=120)).isoformat()
    end = (timezone.localdate() - timedelta(days=60)).isoformat()
    response = client.get(REPORT, {"since": start, "until": end})
    assert [list(r.values()) for r in response.context["object_list"]] == [
        [free_resource.title, "Free with an account", 1, 1]
    ]
    coaches = client.get(REPORT, {"role": Role.COACH, "group": "role"}).context["object_list"]
    assert [r["name"] for r in coaches] == ["Math coach"]
    bad = client.get(REPORT, {"since": end, "until": start})
    assert bad.status_code == 200
    assert "The start date must be on or before the end date." in bad.content.decode()


@pytest.mark.parametrize(
    ("group", "header", "first"),
    [
        ("resource", ["Resource", "Access", "Downloads", "People"], None),
        ("role", ["Role", "Downloads", "People"], ["Classroom teacher", "3", "2"]),
        ("district", ["District", "Downloads", "People"], ["Riverside Unified", "4", "2"]),
        ("organization", ["Organization", "Downloads", "People"], ["Riverside USD", "2", "1"]),
    ],
)
def test_downloads_csv_exports(client, staff, downloads, member_resource, group, header, first):
    client.force_login(staff)
    rows = _rows(client.get(REPORT, {**_last_30_days(), "group": group, "export": "csv"}))
    assert rows[0] == header
    assert rows[1] == (first or [member_resource.title, "Members only", "4", "3"])


def test_download_log_lists_every_download_in_period(client, staff, downloads):
    client.force_login(staff)
    assert client.get(LOG, _last_30_days()).context["paginator"].count == 5
    rows = _rows(client.get(LOG, {**_last_30_days(), "export": "csv"}))
    assert rows[0] == ["Downloaded At", "E-mail", "Role", "District", "Organizations", "Resource", "File"]
    assert len(rows) == 1 + 5
    teacher_rows = [r for r in rows[1:] if r[1] == downloads["teacher"].email]
    assert len(teacher_rows) == 2 and teacher_rows[0][4] == "Riverside USD"
    sheet = xlsx_rows(client.get(LOG, {"export": "xlsx"}))
    assert sheet[0][0] == "Downloaded At" and len(sheet) == 1 + 6


def test_csv_cells_cannot_become_formulas(client, staff, free_resource):
    evil = UserFactory(district='=HYPERLINK("http://evil")')
    DownloadLogFactory(user=evil, document=first_document(free_resource), resource=free_resource)
    client.force_login(staff)
    rows = _rows(client.get(REPORT, {"group": "district", "export": "csv"}))
    assert rows[1][0].startswith("'=")
    assert xlsx_rows(client.get(LOG, {"export": "xlsx"}))[1][3].startswith("'=")


def test_search_terms_report_lists_empty_searches_most_frequent_first(client, staff):
    for _ in range(3):
        SearchTermFactory(query="tangrams")
    SearchTermFactory(query="decimal games", filtered=True)
    SearchTermFactory(query="number string", results_count=12)  # found something: not listed
    client.force_login(staff)

    response = client.get(SEARCHES)
    assert response.status_code == 200
    assert [[r["query"], r["times"], r["with_filters"]] for r in response.context["object_list"]] == [
        ["tangrams", 3, 0],
        ["decimal games", 1, 1],
    ]

    rows = _rows(client.get(SEARCHES, {"export": "csv"}))
    assert rows[0] == ["Search Words", "Times", "With Filters", "Last Searched"]
    assert [r[:2] for r in rows[1:]] == [["tangrams", "3"], ["decimal games", "1"]]


def test_reports_are_in_the_admin_reports_menu(client, staff):
    client.force_login(staff)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert REPORT in html and SEARCHES in html and LOG in html
