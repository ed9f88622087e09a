"""QR codes as a data: URI for printed pages, drawn by the one QR drawer (core.pdf.qr_png)."""

import base64

from core.pdf import qr_png


def qr_data_uri(data: str) -> str:
    """A PNG QR code inline in the page (CSP img-src allows data:), so printing needs no extra request."""
    return "data:image/png;base64," + base64.b64encode(qr_png(data).getvalue()).decode("ascii")
