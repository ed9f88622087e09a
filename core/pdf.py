"""Text for reportlab documents: an embedded Unicode font, escaping, and fitting long lines.

reportlab's Paragraph reads its text as markup (`<img src=…>` would embed a server file, and
`Lopez <Jr` is a parse error), so every string a person typed goes through `escape()` first.
The built-in PDF fonts only know Latin-1: names such as "Nguyễn Thị Ảnh" need the DejaVu Sans
font shipped in core/fonts (licence beside it).
"""

from __future__ import annotations

import io
import unicodedata
from pathlib import Path
from xml.sax.saxutils import escape as _xml_escape

import qrcode
from bidi import get_display
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"


def register_fonts() -> None:
    """Register the shipped fonts once per process (reportlab keeps a global registry)."""
    registered = pdfmetrics.getRegisteredFontNames()
    if FONT in registered and FONT_BOLD in registered:
        return
    pdfmetrics.registerFont(TTFont(FONT, str(FONT_DIR / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(FONT_DIR / "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD)


def visual(value) -> str:
    """Right-to-left runs (Hebrew, Arabic) put in the order they are drawn; reportlab draws left to right.

    Arabic letters are drawn in their isolated forms (no shaping), still readable and searchable.
    """
    text = "" if value is None else str(value)
    if any(unicodedata.bidirectional(ch) in ("R", "AL") for ch in text):
        return "\n".join(get_display(line) for line in text.split("\n"))
    return text


def escape(value) -> str:
    """A user's string made safe for Paragraph markup: <, > and & become entities, controls dropped."""
    text = "" if value is None else str(value)
    text = "".join(ch for ch in text if ch == "\n" or ord(ch) >= 32)
    return _xml_escape(visual(text))


def escape_lines(value) -> str:
    """Like escape(), keeping the line breaks someone typed (an address) as <br/>."""
    lines = [line.strip() for line in ("" if value is None else str(value)).splitlines()]
    return "<br/>".join(escape(line) for line in lines if line)


def styles() -> dict[str, ParagraphStyle]:
    """reportlab's sample styles, switched to the embedded font and allowed to wrap anywhere."""
    register_fonts()
    sheet = getSampleStyleSheet()
    result = {}
    for name in ("Normal", "BodyText", "Title", "Heading2", "Heading3", "Italic"):
        base = sheet[name]
        bold = name in ("Title", "Heading2", "Heading3")
        # wordWrap CJK breaks a word with no spaces (a 120-letter name) instead of overflowing.
        result[name] = ParagraphStyle(f"aln-{name}", parent=base, fontName=FONT_BOLD if bold else FONT, wordWrap="CJK")
    return result


def fit_font_size(text: str, *, font: str, max_width: float, size: float, min_size: float = 8) -> float:
    """The largest size from `size` down to `min_size` at which `text` fits on one line."""
    register_fonts()
    while size > min_size and pdfmetrics.stringWidth(text, font, size) > max_width:
        size -= 0.5
    return size


def wrap_lines(text: str, *, font: str, size: float, max_width: float, max_lines: int = 3) -> list[str]:
    """Break `text` into at most `max_lines` lines no wider than `max_width` (long words are cut)."""
    register_fonts()
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if pdfmetrics.stringWidth(candidate, font, size) <= max_width:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = ""
        for char in word:
            if pdfmetrics.stringWidth(current + char, font, size) > max_width:
                lines.append(current)
                current = char
            else:
                current += char
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        while last and pdfmetrics.stringWidth(last + "…", font, size) > max_width:
            last = last[:-1]
        lines[-1] = last + "…"
    return lines


def qr_png(url: str) -> io.BytesIO:
    """The one QR drawer: a PNG of `url` (error correction M, one-module border) for any PDF to place."""
    qr = qrcode.QRCode(border=1, box_size=8, error_correction=qrcode.constants.ERROR_CORRECT_M)
    qr.add_data(url)
    qr.make(fit=True)
    buffer = io.BytesIO()
    qr.make_image(fill_color="black", back_color="white").save(buffer, format="PNG")
    buffer.seek(0)
    return buffer
