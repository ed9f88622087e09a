"""The PD transcript as a PDF, with a verify code and a QR code to the public verify page."""

from io import BytesIO

from django.conf import settings
from reportlab.lib import colors
from reportlab.lib.pagesizes import letter
from reportlab.lib.units import inch
from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from core.pdf import FONT, FONT_BOLD, escape, qr_png
from core.pdf import styles as pdf_styles


def _qr_image(url: str) -> Image:
    return Image(qr_png(url), width=1.1 * inch, height=1.1 * inch)


def transcript_pdf(*, transcript, record, verify_url: str) -> bytes:
    buffer = BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=letter,
        title=f"PD transcript – {record.holder_name}",
        author=settings.WAGTAIL_SITE_NAME,
        leftMargin=0.8 * inch,
        rightMargin=0.8 * inch,
    )
    styles = pdf_styles()
    story = [
        Paragraph(escape(settings.WAGTAIL_SITE_NAME), styles["Normal"]),
        Paragraph("Professional development transcript", styles["Title"]),
        Paragraph(f"<b>{escape(record.holder_name)}</b>", styles["Heading2"]),
        Paragraph(
            f"Issued {record.issued_at:%B %-d, %Y}. Total: <b>{transcript.total_hours}</b> PD hours.", styles["Normal"]
        ),
        Spacer(1, 12),
    ]
    if not transcript.years:
        story.append(Paragraph("No completed courses or attended workshops yet.", styles["Normal"]))
    for year in transcript.years:
        story.append(Paragraph(f"School year {year.label} (July 1 – June 30)", styles["Heading3"]))
        rows = [["Date", "Activity", "Type", "PD hours"]]
        for line in year.lines:
            rows.append(
                [
                    f"{line.on:%b %-d, %Y}",
                    Paragraph(escape(line.title), styles["Normal"]),
                    "Practice" if line.kind == "inquiry" else line.kind.title(),
                    str(line.pd_hours),
                ]
            )
        rows.append(["", "Total for the year", "", str(year.total_hours)])
        table = Table(rows, colWidths=[1.1 * inch, 3.6 * inch, 0.9 * inch, 0.9 * inch], repeatRows=1)
        table.setStyle(
            TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, -1), FONT),
                    ("FONTNAME", (0, 0), (-1, 0), FONT_BOLD),
                    ("FONTNAME", (0, -1), (-1, -1), FONT_BOLD),
                    ("LINEBELOW", (0, 0), (-1, 0), 0.75, colors.black),
                    ("LINEABOVE", (0, -1), (-1, -1), 0.5, colors.grey),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("ALIGN", (-1, 0), (-1, -1), "RIGHT"),
                ]
            )
        )
        story += [table, Spacer(1, 10)]
    story += [
        Spacer(1, 16),
        Table(
            [
                [
                    _qr_image(verify_url),
                    Paragraph(
                        f"Verify code <b>{escape(record.code)}</b><br/>Anyone can check this transcript at<br/>"
                        f"{escape(verify_url)}",
                        styles["Normal"],
                    ),
                ]
            ],
            colWidths=[1.3 * inch, 5.2 * inch],
        ),
    ]
    doc.build(story)
    return buffer.getvalue()
