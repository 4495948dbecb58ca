"""Rows of a CSV or XLSX export as {column: cell text}, numbered the way a spreadsheet shows them (header = row 1).

CSV files may come from Excel (``;`` as separator in much of Europe, a byte-order mark, Windows-1252 when saved as
plain "CSV"); XLSX cells may hold numbers and dates, which become the text a person would have typed.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MAX_CELL = 1_000_000
"""Cells are cut nowhere: the contract's limits name a too-long text; this only bounds the CSV parser."""


class SpreadsheetError(Exception):
    """The file cannot be read as a table of participants."""


@dataclass
class Sheet:
    columns: list[str]
    rows: list[tuple[int, dict[str, str]]]
    warnings: list[str] = field(default_factory=list)
    overfull: dict[int, int] = field(default_factory=dict)
    """Row number -> how many cells it has beyond the header's columns (a separator in an unquoted cell)."""


def normalise_column(name: Any) -> str:
    return "_".join(str(name or "").replace("\ufeff", "").strip().lower().replace("-", " ").split())


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%dT%H:%M") if not value.second else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _decode(raw: bytes, warnings: list[str]) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        warnings.append("the file is not UTF-8; read it as Windows-1252 (Excel's 'CSV'); save as 'CSV UTF-8' to be sure")
        return raw.decode("cp1252", errors="replace")


def _separator(header_line: str) -> str:
    counts = {sep: header_line.count(sep) for sep in (",", ";", "\t")}
    return max(counts, key=counts.__getitem__)


def _csv_rows(path: Path, warnings: list[str]) -> Iterator[list[str]]:
    text = _decode(path.read_bytes(), warnings)
    first_line = text.split("\n", 1)[0]
    csv.field_size_limit(MAX_CELL)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_separator(first_line))
    try:
        yield from reader
    except csv.Error as error:
        raise SpreadsheetError(f"{path}: cannot read CSV at line {reader.line_num}: {error}") from None


def _xlsx_rows(path: Path, sheet: str | None) -> Iterator[list[str]]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, OSError, KeyError, ValueError, zipfile.BadZipFile) as error:
        raise SpreadsheetError(f"{path}: not a readable XLSX workbook ({error})") from None
    try:
        if sheet is not None and sheet not in book.sheetnames:
            raise SpreadsheetError(f"{path}: no sheet named '{sheet}'; the sheets are {', '.join(book.sheetnames)}")
        worksheet = book[sheet] if sheet else book.worksheets[0]
        for values in worksheet.iter_rows(values_only=True):
            yield [_cell_text(v) for v in values]
    finally:
        book.close()


def read_sheet(path: Path, sheet: str | None = None, on_row: Callable[[int], None] | None = None) -> Sheet:
    """The table in ``path`` (.csv, .xlsx); ``on_row`` hears the running count of rows read."""
    warnings: list[str] = []
    suffix = path.suffix.lower()
    if not path.is_file():
        raise SpreadsheetError(f"{path}: no such file")
    if suffix in (".csv", ".txt"):
        source = _csv_rows(path, warnings)
    elif suffix in (".xlsx", ".xlsm"):
        source = _xlsx_rows(path, sheet)
    else:
        raise SpreadsheetError(f"{path}: expected a .csv or .xlsx file (an .xls file must be saved as .xlsx first)")
    header = next(source, None)
    if header is None:
        raise SpreadsheetError(f"{path}: empty; the first row must name the columns")
    columns = [normalise_column(c) for c in header]
    result = Sheet([c for c in columns if c], [], warnings)
    for number, cells in enumerate(source, start=2):
        if on_row:
            on_row(number - 1)
        if not any(str(c).strip() for c in cells):
            continue
        row = {column: cells[i] if i < len(cells) else "" for i, column in enumerate(columns) if column}
        extra = [c for c in cells[len(columns):] if str(c).strip()]
        if extra:
            result.overfull[number] = len(extra)
        result.rows.append((number, row))
    return result
