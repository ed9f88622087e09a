"""Read the admin's CSV and XLSX downloads back in tests."""

import csv
import io

import openpyxl


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def csv_rows(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    return list(csv.reader(io.StringIO(body(response).decode())))


def xlsx_rows(response) -> list[tuple]:
    assert "attachment" in response["Content-Disposition"]
    return list(openpyxl.load_workbook(io.BytesIO(body(response))).active.iter_rows(values_only=True))
