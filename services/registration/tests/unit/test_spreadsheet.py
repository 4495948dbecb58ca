"""Reading exports: Excel's CSV habits (semicolons, byte-order mark, Windows-1252) and XLSX cells that are not text."""

from __future__ import annotations

import datetime as dt

import pytest

from registration.cli.spreadsheet import SpreadsheetError, read_sheet


def test_a_semicolon_csv_with_a_byte_order_mark_and_line_breaks_in_cells(tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes(
        "\ufeffReference;First Name;offers\r\n"
        'a-1;Ana;"technology: Sensors\r\n\r\nbusiness: Trays"\r\n'
        ";;\r\n"
        "a-2;Bo;\r\n".encode()
    )
    sheet = read_sheet(path)
    assert sheet.columns == ["reference", "first_name", "offers"]
    assert [number for number, _ in sheet.rows] == [2, 4], "numbered as a spreadsheet shows them; empty rows skipped"
    assert sheet.rows[0][1]["offers"] == "technology: Sensors\r\n\r\nbusiness: Trays"
    assert sheet.warnings == []


def test_a_windows_1252_csv_is_read_with_a_warning_and_extra_cells_are_noticed(tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes("reference,last_name\nb-1,Müller,stray\n".encode("cp1252"))
    sheet = read_sheet(path)
    assert sheet.rows[0][1]["last_name"] == "Müller"
    assert "Windows-1252" in sheet.warnings[0]
    assert sheet.overfull == {2: 1}


def test_xlsx_numbers_dates_and_booleans_become_the_text_a_person_typed(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "Participants"
    book.active.append(["reference", "revision", "unavailable_slots", "consent", "phone"])
    book.active.append([1001, 2.0, dt.datetime(2027, 4, 13, 14, 20), True, None])
    path = tmp_path / "export.xlsx"
    book.save(path)
    sheet = read_sheet(path, "Participants")
    assert sheet.rows == [(2, {"reference": "1001", "revision": "2", "unavailable_slots": "2027-04-13T14:20",
                               "consent": "yes", "phone": ""})]
    with pytest.raises(SpreadsheetError, match="no sheet named 'Other'; the sheets are Participants"):
        read_sheet(path, "Other")


def test_unreadable_files_are_refused_with_the_reason(tmp_path):
    with pytest.raises(SpreadsheetError, match="no such file"):
        read_sheet(tmp_path / "missing.csv")
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(SpreadsheetError, match="saved as .xlsx"):
        read_sheet(tmp_path / "old.xls")
    (tmp_path / "fake.xlsx").write_text("not a zip")
    with pytest.raises(SpreadsheetError, match="not a readable XLSX"):
        read_sheet(tmp_path / "fake.xlsx")
    (tmp_path / "empty.csv").write_text("")
    with pytest.raises(SpreadsheetError, match="empty"):
        read_sheet(tmp_path / "empty.csv")
