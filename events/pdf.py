"""The quote / invoice PDF for a group registration paid by purchase order."""

from __future__ import annotations

import io

from django.conf import settings
from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import letter
from reportlab.lib.units import inch
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from core.pdf import FONT, FONT_BOLD, escape, escape_lines
from core.pdf import styles as pdf_styles


def _money(value) -> str:
    return f"${value:,.2f}"


def invoice_pdf(registration) -> bytes:
    """An invoice (or a quote, before the seats are confirmed) with the PO number, lines, totals and how to pay."""
    event = registration.event
    styles = pdf_styles()
    body = styles["BodyText"]
    is_quote = registration.status != registration.Status.CONFIRMED
    title = "Quote" if is_quote else "Invoice"
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=letter,
        leftMargin=0.8 * inch,
        rightMargin=0.8 * inch,
        topMargin=0.8 * inch,
        bottomMargin=0.8 * inch,
        title=f"{title} {registration.invoice_number or registration.reference}",
        author=settings.WAGTAIL_SITE_NAME,
    )
    issued = timezone.localtime(registration.confirmed_at or registration.created).date()
    due = timezone.localtime(registration.hold_expires_at).date() if registration.hold_expires_at else None
    number = escape(registration.invoice_number or registration.reference)
    story = [
        Paragraph(escape(settings.WAGTAIL_SITE_NAME), styles["Title"]),
        Paragraph(f"{title} {number}", styles["Heading2"]),
        Spacer(1, 6),
    ]
    facts = [
        ["PO number", registration.po_number or "-"],
        ["Issued", issued.strftime("%B %-d, %Y")],
        [
            "Payment due",
            due.strftime("%B %-d, %Y") if due else ("Paid" if registration.invoice_status == "paid" else "-"),
        ],
        ["Bill to", registration.billing_contact or str(registration.purchaser)],
        ["", registration.organization_name or ""],
        ["", registration.billing_email or registration.purchaser.email],
    ]
    # Every value is someone's typing: escaped, and in a Paragraph so a long one wraps inside the page.
    facts = [[label, Paragraph(escape(value), body)] for label, value in facts]
    if registration.billing_address:
        facts.append(["", Paragraph(escape_lines(registration.billing_address), body)])
    facts_table = Table(facts, colWidths=[1.4 * inch, 5.5 * inch])
    facts_table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT),
                ("FONTNAME", (0, 0), (0, -1), FONT_BOLD),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story += [facts_table, Spacer(1, 14)]

    when = f"{event.local_start:%B %-d, %Y, %-I:%M %p} {event.zone_abbreviation}"
    lines = [["Description", "Seats", "Price per seat", "Amount"]]
    lines.append(
        [
            Paragraph(f"<b>{escape(event.title)}</b><br/>{when}<br/>{escape(event.location_text)}", body),
            str(registration.seats),
            _money(registration.seat_price),
            _money(registration.total),
        ]
    )
    lines.append(["", "", "Total", _money(registration.total)])
    table = Table(lines, colWidths=[3.6 * inch, 0.7 * inch, 1.2 * inch, 1.1 * inch])
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#13293d")),
                ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
                ("FONTNAME", (0, 0), (-1, -1), FONT),
                ("FONTNAME", (0, 0), (-1, 0), FONT_BOLD),
                ("FONTNAME", (2, -1), (-1, -1), FONT_BOLD),
                ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 1), (-1, 1), 0.5, colors.grey),
            ]
        )
    )
    story += [table, Spacer(1, 14)]

    story.append(Paragraph("Attendees", styles["Heading3"]))
    for attendee in registration.attendees.all():
        role = f" ({attendee.role})" if attendee.role else ""
        story.append(Paragraph(escape(f"{attendee.name}{role}, {attendee.email}"), body))
    story.append(Spacer(1, 14))
    story.append(Paragraph("How to pay", styles["Heading3"]))
    story.append(
        Paragraph(
            f"Please pay by check or bank transfer and quote <b>{number}</b>"
            f"{' and PO ' + escape(registration.po_number) if registration.po_number else ''}. "
            f"Questions about this invoice: {escape(settings.DEFAULT_FROM_EMAIL.split('<')[-1].rstrip('>'))}.",
            body,
        )
    )
    if is_quote:
        story.append(
            Paragraph("This quote is not a confirmation: seats are confirmed once registered.", styles["Italic"])
        )
    doc.build(story)
    return buffer.getvalue()
