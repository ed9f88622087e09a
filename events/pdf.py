"""The quote / invoice PDF for a group registration paid by purchase order."""

from __future__ import annotations

import io

from django.conf import settings
from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import letter
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import inch
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle


def _money(value) -> str:
    return f"${value:,.2f}"


def invoice_pdf(registration) -> bytes:
    """An invoice (or a quote, before the seats are confirmed) with the PO number, lines, totals and how to pay."""
    event = registration.event
    styles = getSampleStyleSheet()
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
    story = [
        Paragraph(settings.WAGTAIL_SITE_NAME, styles["Title"]),
        Paragraph(f"{title} {registration.invoice_number or registration.reference}", styles["Heading2"]),
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
    if registration.billing_address:
        facts.append(["", " ".join(registration.billing_address.split())])
    facts_table = Table(facts, colWidths=[1.4 * inch, 5 * inch])
    facts_table.setStyle(
        TableStyle([("FONTNAME", (0, 0), (0, -1), "Helvetica-Bold"), ("VALIGN", (0, 0), (-1, -1), "TOP")])
    )
    story += [facts_table, Spacer(1, 14)]

    when = f"{event.local_start:%B %-d, %Y, %-I:%M %p} {event.zone_abbreviation}"
    lines = [["Description", "Seats", "Price per seat", "Amount"]]
    lines.append(
        [
            Paragraph(f"<b>{event.title}</b><br/>{when}<br/>{event.location_text}", styles["BodyText"]),
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
                ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
                ("FONTNAME", (2, -1), (-1, -1), "Helvetica-Bold"),
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
        story.append(Paragraph(f"{attendee.name}{role}, {attendee.email}", styles["BodyText"]))
    story.append(Spacer(1, 14))
    story.append(Paragraph("How to pay", styles["Heading3"]))
    story.append(
        Paragraph(
            f"Please pay by check or bank transfer and quote <b>{registration.invoice_number or registration.reference}</b>"
            f"{' and PO ' + registration.po_number if registration.po_number else ''}. "
            f"Questions about this invoice: {settings.DEFAULT_FROM_EMAIL.split('<')[-1].rstrip('>')}.",
            styles["BodyText"],
        )
    )
    if is_quote:
        story.append(
            Paragraph("This quote is not a confirmation: seats are confirmed once registered.", styles["Italic"])
        )
    doc.build(story)
    return buffer.getvalue()
