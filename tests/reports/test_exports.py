"""The CSV and XLSX downloads hold exactly the page's tables."""

import csv
import io

import pytest
from django.utils import timezone, translation
from openpyxl import load_workbook

from mycity.cities.calendar import calendar_for
from mycity.reports.exports import to_csv, to_xlsx
from mycity.reports.tables import build_report
from tests.reports.conftest import MARCH
from tests.reports.test_figures import MARCH as MARCH_FILTERS

pytestmark = pytest.mark.django_db

PAGE = "/console/polotsk/reports/"


def page_tables(report) -> list[list[list]]:
    """What the page shows: each table's column names and rows of cells."""
    return [[table.headers, *(row.cells for row in table.rows)] for table in report.tables]


def csv_tables(content: bytes) -> list[list[list]]:
    """The CSV's blocks, without their heading lines, numbers as numbers."""
    lines = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    blocks, block = [], []
    for line in lines:
        if line:
            block.append([int(c) if c.isdigit() else c for c in line])
        elif block:
            blocks.append(block[1:])
            block = []
    return blocks


def xlsx_tables(content: bytes) -> tuple[list[str], list[list[list]]]:
    workbook = load_workbook(io.BytesIO(content))
    tables = []
    for sheet in workbook.worksheets:
        rows = []
        for row in sheet.iter_rows(values_only=True):
            cells = list(row)
            while cells and cells[-1] is None:  # the sheet is as wide as its heading
                cells.pop()
            rows.append(["" if v is None else v for v in cells])
        tables.append(rows[1:])
    return workbook.sheetnames, tables


def test_the_csv_download_holds_the_page_s_numbers(client, march):
    client.force_login(march.dispatcher)
    page = client.get(PAGE, MARCH)
    download = client.get(PAGE + "appeals.csv", MARCH)
    assert download.status_code == 200
    assert download["Content-Type"].startswith("text/csv")
    assert 'filename="appeals-polotsk-2026-03-01-2026-03-31.csv"' in download["Content-Disposition"]
    assert csv_tables(download.content) == page_tables(page.context["report"])


def test_the_xlsx_download_holds_the_page_s_numbers_as_numbers(client, march):
    client.force_login(march.dispatcher)
    page = client.get(PAGE, MARCH)
    download = client.get(PAGE + "appeals.xlsx", MARCH)
    assert download.status_code == 200
    names, tables = xlsx_tables(download.content)
    report = page.context["report"]
    assert tables == page_tables(report)
    assert names == [table.title[:31] for table in report.tables]
    workbook = load_workbook(io.BytesIO(download.content))
    channels = workbook.worksheets[1]
    assert channels.cell(row=3, column=2).data_type == "n"


def test_a_head_s_download_has_only_their_organisation(client, march):
    client.force_login(march.head)
    _names, tables = xlsx_tables(client.get(PAGE + "appeals.xlsx", MARCH).content)
    timeliness = tables[0]
    assert timeliness[-1][-1] == 6


def test_sheet_and_column_names_are_in_the_person_s_language(march):
    calendar = calendar_for(march.city)
    with translation.override("en"):
        report = build_report(march.city, MARCH_FILTERS, calendar=calendar, now=timezone.now())
        names, tables = xlsx_tables(to_xlsx(report))
    assert "By channel" in names
    assert tables[1][0][:2] == ["Channel", "Appeals"]
    with translation.override("ru"):
        report = build_report(march.city, MARCH_FILTERS, calendar=calendar, now=timezone.now())
    # The organisations' names come in the language asked for.
    assert "Горсвет" in to_csv(report).decode("utf-8-sig")


def test_a_name_that_looks_like_a_formula_stays_text(march):
    march.gorsvet.name_en = '=HYPERLINK("http://example.org")'
    march.gorsvet.save(update_fields=["name_en"])
    with translation.override("en"):
        report = build_report(
            march.city, MARCH_FILTERS, calendar=calendar_for(march.city), now=timezone.now()
        )
    assert "'=HYPERLINK" in to_csv(report).decode("utf-8-sig")
    workbook = load_workbook(io.BytesIO(to_xlsx(report)))
    sheet = workbook[report.table("organisations").title[:31]]
    cell = sheet.cell(row=3, column=1)
    assert cell.value.startswith("=HYPERLINK") and cell.data_type == "s"
