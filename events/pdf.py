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


def _seller():
    """The seller block from the invoice settings of the default site (empty fields fall back to the site name)."""
    from wagtail.models import Site

    from .models import InvoiceSettings

    site = Site.objects.filter(is_default_site=True).first() or Site.objects.first()
    return InvoiceSettings.for_site(site) if site else InvoiceSettings()


def invoice_pdf(registration) -> bytes:
    """An invoice (or a quote, before the seats are confirmed) with the PO number, lines, totals and how to pay."""
    event = registration.event
    styles = pdf_styles()
    body = styles["BodyText"]
    # Before the seats are confirmed it is a quote; a paid or voided invoice stays an invoice.
    is_quote = registration.status != registration.Status.CONFIRMED and registration.invoice_status not in (
        registration.InvoiceStatus.PAID,
        registration.InvoiceStatus.VOID,
    )
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
    seller = _seller()
    issued_at = registration.invoice_issued_at or registration.confirmed_at or registration.created
    issued = timezone.localtime(issued_at).date()
    due = timezone.localtime(registration.hold_expires_at).date() if registration.hold_expires_at else None
    number = escape(registration.invoice_number or registration.reference)
    paid = registration.invoice_status == registration.InvoiceStatus.PAID
    void = registration.invoice_status == registration.InvoiceStatus.VOID
    seller_lines = [seller.seller_name or settings.WAGTAIL_SITE_NAME]
    seller_lines += [line for line in seller.seller_address.splitlines() if line.strip()]
    if seller.tax_id:
        seller_lines.append(f"Tax ID (EIN): {seller.tax_id}")
    story = [
        Paragraph(escape(seller_lines[0]), styles["Title"]),
        Paragraph(escape_lines("\n".join(seller_lines[1:])), body),
        Paragraph(f"{title} {number}", styles["Heading2"]),
        Spacer(1, 6),
    ]
    if paid:
        paid_on = timezone.localtime(registration.invoice_paid_at).strftime("%B %-d, %Y")
        reference = (
            f", reference {registration.invoice_payment_reference}" if registration.invoice_payment_reference else ""
        )
        story.append(Paragraph(escape(f"PAID on {paid_on}{reference}. Thank you."), styles["Heading3"]))
    elif void:
        story.append(Paragraph("VOID: this invoice was cancelled and nothing is owed on it.", styles["Heading3"]))
    facts = [
        ["Invoice number", registration.invoice_number or "-"],
        ["PO number", registration.po_number or "-"],
        ["Issued", issued.strftime("%B %-d, %Y")],
        [
            "Payment due",
            "Paid" if paid else ("-" if void else (due.strftime("%B %-d, %Y") if due else "-")),
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

    when = f"{event.date_text}, {event.time_text}"
    lines = [["Description", "Seats", "Price per seat", "Amount"]]
    lines.append(
        [Paragraph(f"<b>{escape(event.title)}</b><br/>{when}<br/>{escape(event.location_text)}", body), "", "", ""]
    )
    # One line per attendee: the business office checks each seat against its own list.
    attendees = list(registration.attendees.all())
    for attendee in attendees:
        role = f" ({attendee.role})" if attendee.role else ""
        lines.append(
            [
                Paragraph(escape(f"Seat: {attendee.name}{role}, {attendee.email}"), body),
                "1",
                _money(registration.seat_price),
                _money(registration.seat_price),
            ]
        )
    for _ in range(registration.seats - len(attendees)):
        lines.append(["Seat", "1", _money(registration.seat_price), _money(registration.seat_price)])
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
                ("LINEABOVE", (0, -1), (-1, -1), 0.5, colors.grey),
            ]
        )
    )
    story += [table, Spacer(1, 14)]

    story.append(Paragraph("How to pay", styles["Heading3"]))
    story.append(
        Paragraph(
            f"Please pay by check or bank transfer and quote <b>{number}</b>"
            f"{' and PO ' + escape(registration.po_number) if registration.po_number else ''}. "
            f"Questions about this invoice: {escape(seller.billing_email or settings.DEFAULT_FROM_EMAIL.split('<')[-1].rstrip('>'))}.",
            body,
        )
    )
    if seller.remit_to:
        story.append(Paragraph("Remit to", styles["Heading3"]))
        story.append(Paragraph(escape_lines(seller.remit_to), body))
    if is_quote:
        story.append(
            Paragraph("This quote is not a confirmation: seats are confirmed once registered.", styles["Italic"])
        )
    doc.build(story)
    return buffer.getvalue()
