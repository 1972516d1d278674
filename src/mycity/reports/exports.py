"""The report's tables as files: CSV (one block per table) and XLSX (one sheet each)."""

import csv
import io
import re

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from mycity.reports.tables import Report, Table

# A spreadsheet runs a cell that starts with one of these as a formula; names come from
# staff and imports, so text is never let through as one.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
SHEET_TITLE_MAX = 31
NOT_IN_SHEET_TITLE = re.compile(r"[\[\]:*?/\\]")


def _text(value: str) -> str:
    return f"'{value}" if value.startswith(FORMULA_START) else value


def _heading(report: Report, table: Table) -> list[str]:
    return [_text(table.title), _text(report.title), report.period]


def to_csv(report: Report) -> bytes:
    """Each table: its heading, its column names, its rows, then an empty line. With
    a byte-order mark, so that spreadsheets read the Cyrillic as UTF-8."""
    out = io.StringIO()
    writer = csv.writer(out)
    for table in report.tables:
        writer.writerow(_heading(report, table))
        writer.writerow([_text(h) for h in table.headers])
        for row in table.rows:
            writer.writerow([_text(c) if isinstance(c, str) else c for c in row.cells])
        writer.writerow([])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _sheet_title(title: str, taken: set[str]) -> str:
    base = NOT_IN_SHEET_TITLE.sub(" ", title).strip()[:SHEET_TITLE_MAX] or "Sheet"
    name, n = base, 1
    while name.lower() in taken:
        n += 1
        suffix = f" ({n})"
        name = base[: SHEET_TITLE_MAX - len(suffix)] + suffix
    taken.add(name.lower())
    return name


def to_xlsx(report: Report) -> bytes:
    """One sheet per table: its heading, its column names in bold, then its rows, with
    numbers stored as numbers and text always as text."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    workbook.properties.title = f"{report.title}, {report.period}"
    taken: set[str] = set()
    bold = Font(bold=True)
    for table in report.tables:
        sheet = workbook.create_sheet(_sheet_title(table.title, taken))
        lines: list[list[str | int]] = [
            list(_heading(report, table)),
            list(table.headers),
            *(row.cells for row in table.rows),
        ]
        for r, line in enumerate(lines, start=1):
            for c, value in enumerate(line, start=1):
                cell = sheet.cell(row=r, column=c, value=value)
                if isinstance(value, str):
                    cell.data_type = "s"  # openpyxl would take "=…" for a formula
                if r <= 2:
                    cell.font = bold
        sheet.freeze_panes = "A3"
        for c in range(1, len(table.columns) + 1):
            sheet.column_dimensions[get_column_letter(c)].width = 40 if c == 1 else 18
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
