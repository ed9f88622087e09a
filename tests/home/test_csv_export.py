from decimal import Decimal

from home.csv_export import csv_cell, csv_response


def test_formula_like_text_is_kept_as_text_but_numbers_stay_numbers():
    assert csv_cell("=HYPERLINK('http://evil')") == "'=HYPERLINK('http://evil')"
    assert csv_cell("@SUM(A1)") == "'@SUM(A1)"
    assert csv_cell("Ana Ruiz") == "Ana Ruiz"
    assert csv_cell(-3) == "-3" and csv_cell(Decimal("1.50")) == "1.50"
    assert csv_cell(None) == ""


def test_csv_response_is_an_attachment():
    response = csv_response("report.csv", ["name", "hours"], [["+cmd", 2]])
    assert response["Content-Disposition"] == 'attachment; filename="report.csv"'
    assert response.content.decode().splitlines() == ["name,hours", "'+cmd,2"]
