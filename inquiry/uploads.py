"""Checking and cleaning uploaded student work before anything is stored.

Images (JPEG, PNG, and HEIC/HEIF from tablet and phone cameras, stored as JPEG) are opened with Pillow,
turned upright by their EXIF orientation and re-encoded from pixels only, so no EXIF (camera, place,
time), no XMP and no comments survive. PDFs are split
with pypdf into one single-page PDF per page, written fresh, so the document's metadata (author,
title, XMP) is not copied. Anything else, or anything that does not open, is refused with a sentence.
"""

from __future__ import annotations

import io
import re
import warnings
from dataclasses import dataclass

from django.conf import settings
from PIL import Image, ImageOps, UnidentifiedImageError
from pillow_heif import register_heif_opener

# Tablets and phones photograph in HEIC; Pillow reads it once this opener is registered.
register_heif_opener()

MAX_PIXELS = 40_000_000
MAX_PDF_PAGES = 40


class UploadRefused(ValueError):
    """A file or label we will not store; the message says why and what to do."""


@dataclass(frozen=True)
class CleanPiece:
    content: bytes
    content_type: str
    extension: str
    page: int = 1


# Two or more capitalised words in a row ("Maria Lopez", "maria_Lopez" is not) read as a person's name.
_WORD = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ']+")


def looks_like_a_name(text: str) -> bool:
    """True for text that reads like a first and last name: two capitalised words next to each other."""
    words = [w for w in re.split(r"[\s_\-.,()]+", text) if w]
    run = 0
    for word in words:
        if _WORD.fullmatch(word) and len(word) >= 2 and word[0].isupper() and word[1:].islower():
            run += 1
            if run >= 2:
                return True
        else:
            run = 0
    return False


NAME_WARNING = (
    "“{text}” looks like a student's name. Student work must never carry a name: rename the file "
    "(e.g. 7.jpg or piece-7.jpg) or use a number or one-word pseudonym."
)


def check_label(label: str) -> str:
    label = " ".join((label or "").split())
    if not label:
        raise UploadRefused("Give the piece a number or a one-word pseudonym.")
    if len(label) > 40:
        raise UploadRefused("Keep the label under 40 characters: a number or a one-word pseudonym.")
    if looks_like_a_name(label):
        raise UploadRefused(NAME_WARNING.format(text=label))
    return label


def clean_upload(uploaded) -> list[CleanPiece]:
    """The pieces in one uploaded file, cleaned; UploadRefused when it is not student work we can keep."""
    name = uploaded.name or ""
    stem = name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    if looks_like_a_name(stem):
        raise UploadRefused(NAME_WARNING.format(text=name))
    if uploaded.size is not None and uploaded.size > settings.INQUIRY_MAX_FILE_BYTES:
        limit = settings.INQUIRY_MAX_FILE_BYTES // (1024 * 1024)
        raise UploadRefused(f"“{name}” is larger than {limit} MB. Take a smaller photo or scan at a lower resolution.")
    head = uploaded.read(8)
    uploaded.seek(0)
    if head.startswith(b"%PDF-"):
        return _pdf_pages(uploaded, name)
    return [_image(uploaded, name)]


def _image(uploaded, name: str) -> CleanPiece:
    refused = UploadRefused(f"“{name}” is not a JPEG, PNG, HEIC or PDF file we can open.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(uploaded)
            if image.format not in ("JPEG", "PNG", "HEIF"):
                raise refused
            if image.width * image.height > MAX_PIXELS:
                raise UploadRefused(f"“{name}” has too many pixels. Take a smaller photo.")
            image.load()
    except UploadRefused:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError, Warning):
        raise refused from None
    upright = ImageOps.exif_transpose(image)
    has_alpha = upright.mode in ("RGBA", "LA", "PA") or "transparency" in upright.info
    mode = "RGBA" if has_alpha and image.format == "PNG" else "RGB"
    pixels = upright.convert(mode)
    # A new image from the pixels alone: no EXIF, XMP, ICC profile, text chunks or comments come along.
    clean = Image.frombytes(mode, pixels.size, pixels.tobytes())
    out = io.BytesIO()
    if image.format in ("JPEG", "HEIF"):
        clean.save(out, "JPEG", quality=88, optimize=True)
        return CleanPiece(out.getvalue(), "image/jpeg", "jpg")
    clean.save(out, "PNG", optimize=True)
    return CleanPiece(out.getvalue(), "image/png", "png")


def _pdf_pages(uploaded, name: str) -> list[CleanPiece]:
    from pypdf import PdfReader, PdfWriter
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(uploaded)
        if reader.is_encrypted:
            raise UploadRefused(f"“{name}” is password-protected. Save it without a password and upload it again.")
        count = len(reader.pages)
        if count > MAX_PDF_PAGES:
            raise UploadRefused(f"“{name}” has {count} pages; upload at most {MAX_PDF_PAGES} pages at a time.")
        pieces = []
        for number, page in enumerate(reader.pages, start=1):
            writer = PdfWriter()
            writer.add_page(page)
            out = io.BytesIO()
            writer.write(out)
            pieces.append(CleanPiece(out.getvalue(), "application/pdf", "pdf", number))
    except UploadRefused:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError):
        raise UploadRefused(f"“{name}” is not a PDF we can open.") from None
    if not pieces:
        raise UploadRefused(f"“{name}” has no pages.")
    return pieces
