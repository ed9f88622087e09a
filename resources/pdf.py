"""A classroom handout PDF: one or two letter pages drawn from a handout spec (the demo's resources use it).

The text flows through reportlab's platypus, so every line wraps inside the margins and nothing is cut
at the page edge; a problem is never split across two pages.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from reportlab.lib import colors
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer

from core.pdf import FONT, FONT_BOLD, escape, styles

MAX_PAGES = 2
NAVY = colors.HexColor("#13293d")
TEAL = colors.HexColor("#0b5563")
MUTED = colors.HexColor("#4a5868")

# How the network frames each part of the math block, printed at the top of a handout for that part.
LESSON_PART_FRAMING = {
    "launch": (
        "Launch, five to ten minutes. A short routine every student can enter. Show one problem at a time, "
        "collect strategies before answers, and record the thinking where the whole class can see it."
    ),
    "main-lesson": (
        "Main Lesson. Students solve a rich problem in mixed groups and talk about how they solved it. "
        "Your job is to listen, ask questions and choose which strategies to share, in an order that builds."
    ),
    "math-menu": (
        "Math Menu. Practice at the right level for each student, run by the students themselves, "
        "while you meet a small group on the concept that matters most."
    ),
    "closure": (
        "Closure. Students share and reflect, and you collect a quick look at what each of them understands. "
        "Sort what you collect by thinking, not by score, and use it to plan tomorrow."
    ),
}


class HandoutTooLong(ValueError):
    """The handout's text does not fit on two pages: shorten its notes or problems."""


@dataclass
class Handout:
    """What a handout says; grade, concept and lesson parts are the resource's own tags, as words."""

    title: str
    grades: str
    concept: str
    lesson_parts: list[tuple[str, str]]  # (slug, name)
    kind: str
    how_to_use: str
    teacher_notes: str
    problems: list[str]
    answers: list[str] = field(default_factory=list)
    look_fors: list[str] = field(default_factory=list)


def _styles() -> dict[str, ParagraphStyle]:
    base = styles()
    # Our own words, no 120-letter names: wrap between words (core's styles may break inside one).
    body = ParagraphStyle(
        "handout-body", parent=base["BodyText"], fontSize=10.5, leading=14, spaceAfter=4, wordWrap=None
    )
    return {
        "eyebrow": ParagraphStyle("handout-eyebrow", parent=body, fontName=FONT_BOLD, fontSize=9, textColor=TEAL),
        "title": ParagraphStyle(
            "handout-title",
            parent=base["Title"],
            fontSize=20,
            leading=24,
            alignment=0,
            textColor=NAVY,
            spaceAfter=6,
            wordWrap=None,
        ),
        "meta": ParagraphStyle("handout-meta", parent=body, fontSize=9.5, leading=13, textColor=MUTED),
        "heading": ParagraphStyle(
            "handout-heading",
            parent=base["Heading2"],
            fontSize=13,
            leading=16,
            textColor=NAVY,
            spaceBefore=8,
            wordWrap=None,
        ),
        "body": body,
        "frame": ParagraphStyle(
            "handout-frame",
            parent=body,
            backColor=colors.HexColor("#eef5f6"),
            borderPadding=6,
            spaceBefore=6,
            spaceAfter=10,
        ),
        "problem": ParagraphStyle(
            "handout-problem", parent=body, fontSize=11.5, leading=15, leftIndent=18, firstLineIndent=-18
        ),
        "item": ParagraphStyle("handout-item", parent=body, leftIndent=12, bulletIndent=0),
    }


def _story(handout: Handout, s) -> list:
    story = [
        Paragraph("MATH LEARNING NETWORK · CLASSROOM HANDOUT", s["eyebrow"]),
        Paragraph(escape(handout.title), s["title"]),
        Paragraph(
            f"<b>Grades:</b> {escape(handout.grades)} · <b>High Leverage Concept:</b> {escape(handout.concept)}<br/>"
            f"<b>Lesson part:</b> {escape(', '.join(name for _, name in handout.lesson_parts))} · "
            f"<b>Kind:</b> {escape(handout.kind)}",
            s["meta"],
        ),
    ]
    for slug, _ in handout.lesson_parts:
        if slug in LESSON_PART_FRAMING:
            story.append(Paragraph(escape(LESSON_PART_FRAMING[slug]), s["frame"]))
    story += [
        Paragraph("Teacher notes", s["heading"]),
        Paragraph(escape(handout.teacher_notes), s["body"]),
        Paragraph(escape(handout.how_to_use), s["body"]),
        Paragraph("Problems", s["heading"]),
    ]
    # Problems are numbered "1." so they read the same on paper and in a screen reader's text.
    for number, problem in enumerate(handout.problems, start=1):
        story.append(KeepTogether([Paragraph(f"{number}. {escape(problem)}", s["problem"]), Spacer(1, 10)]))
    # The teacher's part (answers, look-fors) stays in one piece: it moves to page 2 whole if it must.
    key = []
    if handout.answers:
        key.append(Paragraph("Answer key", s["heading"]))
        answers = "; ".join(f"({n}) {escape(a)}" for n, a in enumerate(handout.answers, start=1))
        key.append(Paragraph(answers + ".", s["body"]))
    if handout.look_fors:
        key.append(Paragraph("Look-fors", s["heading"]))
        key += [Paragraph(escape(item), s["item"], bulletText="•") for item in handout.look_fors]
    key.append(Spacer(1, 8))
    key.append(
        Paragraph(
            "Free to copy for your classroom. More routines, probes and Math Menu activities for this concept "
            "are in the resource library.",
            s["meta"],
        )
    )
    story.append(KeepTogether(key))
    return story


def _footer(canvas, doc) -> None:
    canvas.saveState()
    canvas.setFont(FONT, 8)
    canvas.setFillColor(MUTED)
    canvas.drawString(doc.leftMargin, 0.5 * inch, f"Math Learning Network. Page {doc.page}.")
    canvas.restoreState()


def render_handout_pdf(handout: Handout) -> bytes:
    """The handout as PDF bytes; raises HandoutTooLong rather than print a third page."""
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=LETTER,
        leftMargin=0.8 * inch,
        rightMargin=0.8 * inch,
        topMargin=0.7 * inch,
        bottomMargin=0.8 * inch,
        title=handout.title,
        author="Math Learning Network",
        subject=f"{handout.kind}: {handout.concept}",
    )
    doc.build(_story(handout, _styles()), onFirstPage=_footer, onLaterPages=_footer)
    if doc.page > MAX_PAGES:
        raise HandoutTooLong(f"{handout.title!r} needs {doc.page} pages; a handout has at most {MAX_PAGES}.")
    return buffer.getvalue()
