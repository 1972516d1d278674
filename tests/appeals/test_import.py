"""Importing appeals row by row: a report of what was registered, already registered or
refused and why; a second import of the same file creates nothing."""

import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from mycity.accounts.models import RoleKind
from mycity.appeals.importing import UnreadableFile, import_appeals, read_rows
from mycity.appeals.models import Appeal
from tests.conftest import person

pytestmark = pytest.mark.django_db
EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "appeals-import.json"


@pytest.fixture
def clerk(city):
    return person("intake@example.org", RoleKind.INTAKE, city=city)


def run(clerk, city, department, rows):
    return import_appeals(actor=clerk, city=city, registrar=department, rows=rows).as_dict()


def test_the_documented_example_imports_and_imports_once(clerk, city, department, housing_question):
    rows = read_rows(EXAMPLE.read_bytes(), EXAMPLE.name)
    assert run(clerk, city, department, rows) == {
        "registered": 2,
        "already_registered": 0,
        "refused": [],
    }
    assert run(clerk, city, department, rows)["already_registered"] == 2
    assert Appeal.objects.count() == 2
    posted = Appeal.objects.get(source_number="П-17/2026")
    assert posted.channel == "post" and str(posted.registered_on) == "2026-04-23"


def test_bad_rows_are_refused_with_reasons_and_the_good_ones_registered(
    clerk, city, department, housing_question
):
    good = {
        "source_number": "1",
        "received_at": "2026-04-23T10:00",
        "category": housing_question.slug,
        "applicant_name": "Петров Пётр",
        "applicant_address": "Полоцк, ул. Замковая, 2",
        "text": "Прошу ответить.",
    }
    rows = [
        good,
        good | {"source_number": "2", "received_at": "23.04.2026"},
        good | {"source_number": "3", "applicant_address": ""},
        good | {"source_number": "4", "categry": "typo"},
        good | {"source_number": "5", "category": "no-such-subject"},
        {"text": "только текст"},
    ]
    report = run(clerk, city, department, rows)
    assert report["registered"] == 1
    refused = {r["row"]: {p["field"] for p in r["problems"]} for r in report["refused"]}
    assert refused[2] == {"received_at"}
    assert refused[3] == {"applicant_address"}
    assert refused[4] == {""}  # the unknown column
    assert 5 in refused
    assert {"source_number", "received_at", "category"} <= refused[6]
    assert Appeal.objects.count() == 1


def test_a_csv_file_imports_like_json(clerk, city, department, housing_question, tmp_path):
    csv_file = tmp_path / "appeals.csv"
    csv_file.write_text(
        "\ufeffsource_number,channel,received_at,category,applicant_name,applicant_address,text\n"
        f"Б-1,book,2026-04-24T15:00,{housing_question.slug},Сидорова Анна,"
        '"Полоцк, ул. Гоголя, 1",Благодарю за чистоту в парке\n',
        encoding="utf-8",
    )
    call_command(
        "import_appeals", "polotsk", str(csv_file), registrar=department.slug, clerk=clerk.email
    )
    assert Appeal.objects.get().channel == "book"


def test_a_file_that_is_not_the_format_is_refused_whole(clerk, city, department, tmp_path):
    broken = tmp_path / "appeals.json"
    broken.write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command(
            "import_appeals", "polotsk", str(broken), registrar=department.slug, clerk=clerk.email
        )
    with pytest.raises(UnreadableFile):
        read_rows(b"name,age\nx,1\n", "appeals.csv")
    assert not Appeal.objects.exists()


def test_the_report_is_printed_as_json(clerk, city, department, housing_question, capsys):
    call_command(
        "import_appeals", "polotsk", str(EXAMPLE), registrar=department.slug, clerk=clerk.email
    )
    assert json.loads(capsys.readouterr().out)["registered"] == 2
