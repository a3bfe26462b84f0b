"""The quarterly return written out as CSV and as a spreadsheet (openpyxl): the same cells as the
JSON, "<5" and "suppressed" kept as text."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Font

Row = Sequence[object]


def _cell(value: object) -> object:
    return "" if value is None else value


def as_csv(columns: Sequence[str], rows: Sequence[Row]) -> str:
    """A header line and one line per row (RFC 4180, CRLF line ends)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    writer.writerows([_cell(v) for v in row] for row in rows)
    return out.getvalue()


def as_xlsx(title: str, columns: Sequence[str], rows: Sequence[Row],
            notes: Sequence[tuple[str, str]] = ()) -> bytes:
    """A workbook: the return on its first sheet (header in bold, frozen), ``notes`` (name, text) —
    the definitions and the suppression rule — on a second."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Return"
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(list(columns))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_cell(v) for v in row])
    sheet.freeze_panes = "A3"
    for letter, width in zip("ABCDEF", (20, 38, 34, 10, 12, 14), strict=True):
        sheet.column_dimensions[letter].width = width
    explained = book.create_sheet("Definitions")
    explained.append(["Figure", "Definition"])
    for cell in explained[1]:
        cell.font = Font(bold=True)
    for name, text in notes:
        explained.append([name, text])
    explained.column_dimensions["A"].width = 28
    explained.column_dimensions["B"].width = 120
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
