"""The certificate PDF: one landscape page drawn with reportlab, with a QR code to the public verify page."""

import io

from django.conf import settings
from reportlab.lib import colors
from reportlab.lib.pagesizes import landscape, letter
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from core.pdf import FONT, FONT_BOLD, fit_font_size, qr_png, register_fonts, visual, wrap_lines

NAVY = colors.HexColor("#13293d")
TEAL = colors.HexColor("#0b5563")
AMBER = colors.HexColor("#e8913a")
MUTED = colors.HexColor("#4a5868")


def _hours(value) -> str:
    text = f"{value:f}".rstrip("0").rstrip(".")
    return f"{text} professional development hour{'' if text == '1' else 's'}"


def render_certificate_pdf(certificate) -> bytes:
    buffer = io.BytesIO()
    width, height = landscape(letter)
    pdf = canvas.Canvas(buffer, pagesize=(width, height))
    pdf.setTitle(f"Certificate: {certificate.course_title}")
    pdf.setAuthor(settings.WAGTAIL_SITE_NAME)
    pdf.setSubject(f"Certificate {certificate.code}")

    margin = 36
    pdf.setStrokeColor(NAVY)
    pdf.setLineWidth(4)
    pdf.rect(margin, margin, width - 2 * margin, height - 2 * margin)
    pdf.setStrokeColor(AMBER)
    pdf.setLineWidth(1.5)
    pdf.rect(margin + 10, margin + 10, width - 2 * margin - 20, height - 2 * margin - 20)

    register_fonts()
    center = width / 2
    # Text stays inside the amber frame, with room to spare on each side.
    text_width = width - 2 * margin - 80
    pdf.setFillColor(TEAL)
    pdf.setFont(FONT_BOLD, 14)
    pdf.drawCentredString(center, height - 110, settings.WAGTAIL_SITE_NAME.upper())
    pdf.setFillColor(NAVY)
    pdf.setFont("Times-Bold", 36)
    pdf.drawCentredString(center, height - 160, "Certificate of Completion")

    pdf.setFillColor(MUTED)
    pdf.setFont(FONT, 14)
    pdf.drawCentredString(center, height - 205, "This certifies that")
    # The learner's name shrinks to fit one line, and wraps (at the smallest size) if it still cannot.
    pdf.setFillColor(NAVY)
    learner_name, course_title = visual(certificate.learner_name), visual(certificate.course_title)
    name_size = fit_font_size(learner_name, font=FONT_BOLD, max_width=text_width, size=30, min_size=14)
    name_lines = wrap_lines(learner_name, font=FONT_BOLD, size=name_size, max_width=text_width, max_lines=2)
    pdf.setFont(FONT_BOLD, name_size)
    y = height - 245 + (len(name_lines) - 1) * (name_size * 0.6)
    for line in name_lines:
        pdf.drawCentredString(center, y, line)
        y -= name_size * 1.15
    pdf.setFillColor(MUTED)
    pdf.setFont(FONT, 14)
    pdf.drawCentredString(center, height - 280, "completed the self-paced course")
    pdf.setFillColor(NAVY)
    title_size = fit_font_size(course_title, font=FONT_BOLD, max_width=text_width, size=22, min_size=14)
    title_lines = wrap_lines(course_title, font=FONT_BOLD, size=title_size, max_width=text_width, max_lines=2)
    pdf.setFont(FONT_BOLD, title_size)
    y = height - 310
    for line in title_lines:
        pdf.drawCentredString(center, y, line)
        y -= title_size * 1.15
    pdf.setFont(FONT, 14)
    pdf.drawCentredString(center, height - 355, _hours(certificate.pd_hours))
    pdf.drawCentredString(center, height - 377, f"Completed on {certificate.completed_on:%B %-d, %Y}")

    qr_size = 96
    pdf.drawImage(
        ImageReader(qr_png(certificate.verify_url)), width - margin - 30 - qr_size, margin + 30, qr_size, qr_size
    )
    pdf.setFillColor(MUTED)
    pdf.setFont(FONT, 9)
    pdf.drawString(margin + 30, margin + 52, "Verify this certificate:")
    pdf.setFont("Courier", 9)
    pdf.drawString(margin + 30, margin + 40, certificate.verify_url)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
