"""A table as a file: XLSX (numbers as numbers, text always as text) or CSV."""

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from mycity.analytics.tables import Table
from mycity.reports.exports import FORMULA_START


def _text(value: str) -> str:
    return f"'{value}" if value.startswith(FORMULA_START) else value


def _lines(table: Table, heading: str) -> list[list[str | int | float | None]]:
    lines: list[list[str | int | float | None]] = [
        [_text(table.title), _text(heading)],
        [_text(label) for _key, label in table.columns],
    ]
    for row in table.rows:
        # A number that is not shown (under the minimum) keeps its text, never a blank
        # that reads as zero.
        values: list[str | int | float | None] = [_text(row.label)]
        for cell in row.cells:
            values.append(cell.value if isinstance(cell.value, int | float) else _text(cell.text))
        lines.append(values)
    return lines


def table_xlsx(table: Table, heading: str) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = table.key[:31]
    bold = Font(bold=True)
    for r, line in enumerate(_lines(table, heading), start=1):
        for c, value in enumerate(line, start=1):
            cell = sheet.cell(row=r, column=c, value=value)
            if isinstance(value, str):
                cell.data_type = "s"
            if r <= 2:
                cell.font = bold
    sheet.freeze_panes = "A3"
    for c in range(1, len(table.columns) + 1):
        sheet.column_dimensions[get_column_letter(c)].width = 36 if c == 1 else 16
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def table_csv(table: Table, heading: str) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(_lines(table, heading))
    return ("\ufeff" + out.getvalue()).encode("utf-8")
