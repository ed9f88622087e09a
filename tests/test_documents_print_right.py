"""Issue 11: the transcript, certificate and invoice print what people typed, as text, inside the page.

Each document is rendered with markup-looking names (`<`, `&`, `<img …>`), Vietnamese, right-to-left
scripts and a 120-character name; the text is read back with pypdf, and every text run's position
(pypdf's text matrix) plus its width in the embedded font must stay inside a half-inch page margin.
"""

import io
import re
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest
from pypdf import PdfReader
from reportlab.pdfbase import pdfmetrics

from core.pdf import FONT, FONT_BOLD, register_fonts

MARGIN = 36  # half an inch
LONG_NAME = "Maximiliana" + "x" * 99 + "-Ocampo"  # 117 characters, no space to break on
assert len(LONG_NAME) >= 117
NAMES = [
    "Nguyễn Thị Ảnh",
    "Lopez <Jr",
    "Ana & Bo",
    '<img src="/etc/hostname"/>',
    "דנה כהן",
    "ليلى حداد",
    "Jean-Baptiste " + "Wolfeschlegelsteinhausen " * 4 + "Senior",
    LONG_NAME,
]


def _runs(pdf_bytes):
    """(page width, [(x, width, text)]) for every text run, using pypdf's matrices."""
    register_fonts()
    reader = PdfReader(io.BytesIO(pdf_bytes))
    pages = []
    for page in reader.pages:
        runs = []

        def visit(text, cm, tm, font_dict, font_size, runs=runs):
            if not text.strip():
                return
            a, _, _, _, e, _ = _multiply(tm, cm)
            size = font_size * abs(a)
            base = str((font_dict or {}).get("/BaseFont", ""))
            font = FONT_BOLD if "Bold" in base else FONT
            runs.append((e, pdfmetrics.stringWidth(text.rstrip("\n"), font, size), text))

        text = page.extract_text(visitor_text=visit)
        pages.append((float(page.mediabox.width), runs, text))
    return pages


def _multiply(m, n):
    a1, b1, c1, d1, e1, f1 = m
    a2, b2, c2, d2, e2, f2 = n
    return (
        a1 * a2 + b1 * c2,
        a1 * b2 + b1 * d2,
        c1 * a2 + d1 * c2,
        c1 * b2 + d1 * d2,
        e1 * a2 + f1 * c2 + e2,
        e1 * b2 + f1 * d2 + f2,
    )


def _assert_prints_right(pdf_bytes, expected: list[str], *, images: int = 0):
    pages = _runs(pdf_bytes)
    all_text = "".join(text for _, _, text in pages)
    squashed = re.sub(r"\s+", "", all_text)
    for value in expected:
        assert re.sub(r"\s+", "", value) in squashed, f"{value!r} is not in the PDF text"
    for width, runs, _ in pages:
        for x, run_width, text in runs:
            assert x >= MARGIN - 1, f"{text!r} starts at {x:.0f}pt, left of the margin"
            assert x + run_width <= width - MARGIN + 1, f"{text!r} ends at {x + run_width:.0f}pt of {width:.0f}pt"
    # Only our own images (the QR code): a name like <img src=…> never embeds a file.
    assert sum(len(page.images) for page in PdfReader(io.BytesIO(pdf_bytes)).pages) == images


@pytest.mark.parametrize("name", NAMES)
def test_certificate(name):
    from courses.models import Certificate
    from courses.pdf import render_certificate_pdf

    certificate = Certificate(
        code="abc123",
        learner_name=name,
        course_title=f"Fractions & <b>area</b> models for {name}",
        pd_hours=Decimal("12.5"),
        completed_on=date(2026, 5, 1),
    )
    pdf = render_certificate_pdf(certificate)
    if name == LONG_NAME or name.startswith("Jean"):
        # Wrapped onto two lines at most (and cut with … past that): its start must be there.
        _assert_prints_right(pdf, [name[:40]], images=1)
    else:
        _assert_prints_right(pdf, [name, "Fractions & <b>area</b>"], images=1)


@pytest.mark.parametrize("name", NAMES)
def test_transcript(name):
    from learning.pdf import transcript_pdf

    line = SimpleNamespace(on=date(2026, 3, 2), title=f"{name}: number talks", kind="course", pd_hours=Decimal("2"))
    year = SimpleNamespace(label="2025-26", lines=[line], total_hours=Decimal("2"))
    transcript = SimpleNamespace(years=[year], total_hours=Decimal("2"))
    record = SimpleNamespace(holder_name=name, code="ABCDE12345", issued_at=date(2026, 6, 1))
    pdf = transcript_pdf(transcript=transcript, record=record, verify_url="https://example.org/transcripts/verify/X/")
    _assert_prints_right(pdf, [name, "number talks"], images=1)


@pytest.mark.django_db
@pytest.mark.parametrize("name", NAMES)
def test_invoice(name, home_page, user):
    from events import services
    from events.factories import EventIndexPageFactory, EventPageFactory
    from events.pdf import invoice_pdf

    event = EventPageFactory(
        parent=EventIndexPageFactory(parent=home_page), price=49, allow_invoice=True, title=f"Fractions <{name}>"
    )
    organization = f"{name[:60]} Unified School District of the Northern Valley, Office of Curriculum & Instruction"
    registration = services.registration_create(
        event=event,
        purchaser=user,
        attendees=[{"name": name, "email": "a@example.org", "role": "Coach <3"}],
        payment_method="invoice",
        po_number="PO-<1>",
        billing_contact=name,
        billing_email="ap@example.org",
        billing_address="12 Main St\nSuite 4\nSpringfield, IL",
        organization_name=organization,
    )
    pdf = invoice_pdf(registration)
    _assert_prints_right(pdf, [name, "Coach <3", "PO-<1>", organization[:60], "Suite 4"])
    text = "".join(t for _, _, t in _runs(pdf))
    # Address lines stay lines.
    assert re.search(r"12 Main St\s*\n\s*Suite 4", text)


@pytest.mark.django_db
def test_markup_in_a_name_answers_200_on_the_transcript_download(client, user):
    user.first_name, user.last_name = "Lopez <Jr", '<img src="/etc/hostname"/>'
    user.save()
    client.force_login(user)
    response = client.get("/my-learning/transcript/pdf/")
    assert response.status_code == 200
    assert sum(len(page.images) for page in PdfReader(io.BytesIO(response.content)).pages) == 1
