"""QR codes as PNG bytes or a data: URI, for printed pages and PDFs."""

import base64
import io

import qrcode


def qr_png(data: str, *, box_size: int = 6, border: int = 2) -> bytes:
    qr = qrcode.QRCode(border=border, box_size=box_size, error_correction=qrcode.constants.ERROR_CORRECT_M)
    qr.add_data(data)
    qr.make(fit=True)
    buffer = io.BytesIO()
    qr.make_image(fill_color="black", back_color="white").save(buffer, format="PNG")
    return buffer.getvalue()


def qr_data_uri(data: str, **kwargs) -> str:
    """A PNG QR code inline in the page (CSP img-src allows data:), so printing needs no extra request."""
    return "data:image/png;base64," + base64.b64encode(qr_png(data, **kwargs)).decode("ascii")
