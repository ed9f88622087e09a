"""Issue 11: the hostile inputs an outside tester found, one test each (each answered 500 before)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.params import parse_date, parse_id, parse_int, parse_month

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, user):
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    "path",
    [
        "/search/?q=a%00b",
        "/certificates/%00/",
        "/transcripts/verify/%00/",
        "/district/join/%00/",
        f"/my-workshops/{2**63}/",
        f"/courses/{10**30}/completed/",
    ],
)
def test_nul_bytes_and_huge_path_ids_are_refused_not_500(signed_in, path):
    assert signed_in.get(path).status_code in (400, 404)


def test_nul_in_a_form_field_is_a_400(signed_in):
    assert signed_in.post("/account/profile/", {"first_name": "An\x00a"}).status_code == 400


def test_library_facets_with_odd_digits_and_huge_numbers_still_render(client, home_page):
    from resources.factories import ResourceIndexPageFactory

    library = ResourceIndexPageFactory(parent=home_page)
    for value in ("²", "٣", str(10**30), str(2**63)):
        assert client.get(library.url, {"hlc": value}).status_code == 200


def test_calendar_month_far_in_the_future_still_renders(client, home_page):
    from events.factories import EventIndexPageFactory

    calendar = EventIndexPageFactory(parent=home_page)
    assert client.get(calendar.url, {"month": "9999-12"}).status_code == 200


def test_report_until_the_end_of_the_calendar_is_refused_politely(client, staff):
    client.force_login(staff)
    response = client.get("/admin/reports/resource-downloads/", {"since": "2026-01-01", "until": "9999-12-31"})
    assert response.status_code == 200


def test_membership_plan_that_is_not_a_number(signed_in):
    response = signed_in.post("/membership/", {"plan": "abc"})
    assert response.status_code == 200
    assert "choose one of the plans" in response.content.decode().lower()


def test_save_to_library_with_next_home_goes_back_to_the_resource(signed_in, home_page):
    from resources.factories import ResourceIndexPageFactory, ResourcePageFactory

    resource = ResourcePageFactory(parent=ResourceIndexPageFactory(parent=home_page))
    for target in ("home", "https://evil.example/", "//evil.example/x"):
        response = signed_in.post(f"/my-library/save/{resource.pk}/", {"next": target})
        assert response.status_code == 302
        assert response["Location"] == resource.url


def test_invite_csv_with_a_huge_cell_or_too_many_rows_gets_a_clear_message(client, settings):
    from members.factories import OrganizationMemberFactory, SeatLicenseFactory

    settings.INVITE_CSV_MAX_ROWS = 5
    license_ = SeatLicenseFactory(seats=3)
    leader = OrganizationMemberFactory(organization=license_.organization, role="leader").user
    client.force_login(leader)
    url = f"/district/{license_.organization.pk}/"
    huge = SimpleUploadedFile("t.csv", b'"' + b"x" * 140_000 + b'"\n', content_type="text/csv")
    response = client.post(url, {"csv_file": huge})
    assert response.status_code < 500
    rows = io.BytesIO(b"\n".join(f"t{n}@example.org".encode() for n in range(6)))
    response = client.post(url, {"csv_file": SimpleUploadedFile("t.csv", rows.getvalue(), content_type="text/csv")})
    assert response.status_code < 500
    assert "at most 5 can be invited" in response.content.decode()
    assert not license_.organization.invitations.exists()


def test_parsers():
    assert parse_int("²") is None and parse_int("٣") is None
    assert parse_int(str(2**63)) is None and parse_int("12") == 12
    assert parse_id("0") is None and parse_id("7") == 7
    assert parse_date("9999-12-31") is None and parse_date("2026-02-30") is None
    assert parse_month("9999-12") is None and parse_month("2026-05").month == 5
