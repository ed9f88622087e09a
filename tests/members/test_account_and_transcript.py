"""PD transcript totals and PDF, account data export and deletion."""

import io
import json
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from pypdf import PdfReader

from learning.pdf import transcript_pdf
from learning.selectors import SchoolYear, Transcript, TranscriptLine, school_year
from members import services
from members.factories import MembershipFactory, OrderFactory, OrganizationMemberFactory
from members.models import Membership, Order, OrganizationMember, TranscriptRecord, User

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "day,label",
    [
        (date(2025, 7, 1), "2025-26"),
        (date(2026, 6, 30), "2025-26"),
        (date(2026, 7, 1), "2026-27"),
        (date(2025, 6, 30), "2024-25"),
    ],
)
def test_school_year_runs_july_to_june(day, label):
    assert school_year(day) == label


def _sample() -> Transcript:
    y1 = SchoolYear(
        "2025-26",
        [
            TranscriptLine("course", "Number talks that stick", date(2026, 3, 2), Decimal("6")),
            TranscriptLine("workshop", "Fractions institute", date(2025, 8, 14), Decimal("12.5")),
        ],
    )
    y0 = SchoolYear("2024-25", [TranscriptLine("course", "Math menus", date(2025, 5, 1), Decimal("4"))])
    return Transcript([y1, y0])


def test_totals_per_year_and_overall():
    t = _sample()
    assert [y.total_hours for y in t.years] == [Decimal("18.5"), Decimal("4")]
    assert t.total_hours == Decimal("22.5")


def test_transcript_pdf_has_the_lines_totals_and_verify_code(user):
    t = _sample()
    record = services.transcript_record_for(user=user, holder_name="Jamie Rivera", lines=[], total_hours=t.total_hours)
    pdf = transcript_pdf(transcript=t, record=record, verify_url=f"http://testserver/transcripts/verify/{record.code}/")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Jamie Rivera" in text
    assert "Number talks that stick" in text and "Fractions institute" in text
    assert "2025-26" in text and "18.5" in text and "22.5" in text
    assert record.code in text


def test_transcript_pages(client, user):
    client.force_login(user)
    assert client.get(reverse("members:transcript")).status_code == 200
    response = client.get(reverse("members:transcript_pdf"))
    assert response["Content-Type"] == "application/pdf"
    record = TranscriptRecord.objects.get(user=user)
    assert record.code in response["Content-Disposition"]
    client.logout()
    verify = client.get(reverse("members:transcript_verify", args=[record.code.lower()]))
    assert verify.status_code == 200 and str(user).encode() in verify.content
    assert client.get(reverse("members:transcript_verify", args=["NOPE"])).status_code == 404


def test_transcript_needs_sign_in(client):
    assert client.get(reverse("members:transcript")).status_code == 302


def test_data_export(client, user, home_page):
    MembershipFactory(user=user)
    OrderFactory(user=user, page=home_page, description="Number strings", status=Order.Status.PAID)
    OrganizationMemberFactory(user=user)
    client.force_login(user)
    response = client.get(reverse("members:account_data_download"))
    assert response["Content-Disposition"].startswith("attachment")
    data = json.loads(response.content)
    assert data["account"]["email"] == user.email
    assert data["orders"][0]["description"] == "Number strings"
    assert data["memberships"][0]["status"] == "active"
    assert len(data["organizations"]) == 1


def test_delete_needs_confirmation(client, user):
    client.force_login(user)
    response = client.post(reverse("members:account_data"), {"confirm": "no"})
    assert response.status_code == 200 and b"Type the word DELETE" in response.content
    assert User.objects.get(pk=user.pk).is_active


def test_delete_refused_while_membership_renews(client, member):
    client.force_login(member)
    response = client.post(reverse("members:account_data"), {"confirm": "DELETE"})
    assert response.status_code == 200 and b"still renews" in response.content


def test_delete_anonymises_and_keeps_counts(client, user, home_page):
    OrganizationMemberFactory(user=user)
    order = OrderFactory(user=user, page=home_page, status=Order.Status.PAID)
    MembershipFactory(user=user, status=Membership.Status.CANCELED)
    client.force_login(user)
    response = client.post(reverse("members:account_data"), {"confirm": "delete"})
    assert response.status_code == 302
    gone = User.objects.get(pk=user.pk)
    assert gone.email.endswith("@deleted.invalid") and not gone.first_name and not gone.is_active
    assert not gone.has_usable_password()
    assert not User.objects.filter(email="free@example.org").exists()
    assert not OrganizationMember.objects.filter(user=gone).exists()
    # The purchase still counts (anonymously) in sales and enrollment totals.
    assert Order.objects.filter(pk=order.pk, user=gone).exists()
    # Signed out, and the old login no longer works.
    assert client.get(reverse("members:dashboard")).status_code == 302
    assert not client.login(email="free@example.org", password="learn-math-2026")
