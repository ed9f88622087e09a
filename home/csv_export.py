"""One CSV writer for every staff and leader export."""

import csv
from decimal import Decimal

from django.http import HttpResponse


def csv_cell(value) -> str:
    """Spreadsheet apps run cells starting with =, +, - or @ as formulas; keep them as text."""
    if isinstance(value, (int, float, Decimal)):
        return str(value)
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def csv_response(filename: str, header: list[str] | None, rows) -> HttpResponse:
    """An attachment with a header row (if given) and every cell made formula-safe."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    if header:
        writer.writerow(header)
    for row in rows:
        writer.writerow([csv_cell(cell) for cell in row])
    return response
