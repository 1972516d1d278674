"""Importing appeals from the national unified system or another register: a JSON or
CSV file of rows (docs/appeal-import.md), each checked and registered on its own, with
a report of what was registered, what had been already (the source's own number), and
what was refused and why. Importing a file again creates nothing twice."""

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from mycity.accounts.models import User
from mycity.appeals.actions.submission import AppealDraft
from mycity.appeals.applicant import APPLICANT_FIELDS
from mycity.appeals.intake import register_received_appeal
from mycity.appeals.models import STAFF_CHANNELS, Channel
from mycity.cities.clock import in_city_time
from mycity.cities.models import City, Organisation
from mycity.core.errors import DomainError

COLUMNS = ("source_number", "channel", "received_at", "category", *APPLICANT_FIELDS, "text")
REQUIRED = ("source_number", "received_at", "category", "text")


class UnreadableFile(DomainError):
    code = "unreadable_import"
    message = _("The file is neither the JSON nor the CSV of the import format.")


@dataclass
class Refusal:
    row: int  # 1 for the first row of data
    source_number: str
    problems: list[dict[str, str]]


@dataclass
class ImportReport:
    registered: list[str] = field(default_factory=list)  # registration numbers
    already: list[str] = field(default_factory=list)  # source numbers seen before
    refused: list[Refusal] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "registered": len(self.registered),
            "already_registered": len(self.already),
            "refused": [
                {"row": r.row, "source_number": r.source_number, "problems": r.problems}
                for r in self.refused
            ],
        }


def read_rows(content: bytes, name: str) -> list[dict[str, Any]]:
    """The rows of a JSON (a list, or {"appeals": [...]}) or CSV (UTF-8, a header of
    the format's column names) file."""
    text = content.decode("utf-8-sig", errors="strict") if content else ""
    if name.lower().endswith(".json") or text.lstrip().startswith(("[", "{")):
        try:
            data = json.loads(text)
        except ValueError:
            raise UnreadableFile from None
        rows = data.get("appeals") if isinstance(data, dict) else data
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise UnreadableFile
        return rows
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or not set(REQUIRED) <= set(reader.fieldnames):
        raise UnreadableFile(
            _("The CSV's first line must name the columns, at least: %(columns)s.")
            % {"columns": ", ".join(REQUIRED)}
        )
    return list(reader)


def import_appeals(
    *, actor: User, city: City, registrar: Organisation, rows: Iterable[dict[str, Any]]
) -> ImportReport:
    report = ImportReport()
    for number, row in enumerate(rows, start=1):
        source = str(row.get("source_number") or "").strip()
        problems, received_at = _check(city, row)
        if problems:
            report.refused.append(Refusal(number, source, problems))
            continue
        assert received_at is not None
        try:
            submission = register_received_appeal(
                actor=actor,
                city=city,
                registrar=registrar,
                channel=str(row.get("channel") or Channel.NATIONAL),
                received_at=received_at,
                draft=_draft(row),
                source_number=source,
            )
        except DomainError as exc:
            report.refused.append(
                Refusal(
                    number,
                    source,
                    exc.as_dict()["details"] or [{"field": "", "message": str(exc.message)}],
                )
            )
            continue
        if submission.replayed:
            report.already.append(source)
        else:
            report.registered.append(submission.appeal.registration_number)
    return report


def _check(city: City, row: dict[str, Any]) -> tuple[list[dict[str, str]], datetime | None]:
    problems = [
        {"field": name, "message": _("This column is required.")}
        for name in REQUIRED
        if not str(row.get(name) or "").strip()
    ]
    unknown = set(row) - set(COLUMNS)
    if unknown:
        problems.append(
            {
                "field": "",
                "message": _("Unknown columns: %(names)s.") % {"names": ", ".join(sorted(unknown))},
            }
        )
    channel = str(row.get("channel") or Channel.NATIONAL)
    if channel not in STAFF_CHANNELS:
        problems.append({"field": "channel", "message": _("Choose how the appeal arrived.")})
    received_at = None
    raw = str(row.get("received_at") or "").strip()
    if raw:
        try:
            parsed = parse_datetime(raw)
        except ValueError:
            parsed = None
        if parsed is None:
            problems.append(
                {
                    "field": "received_at",
                    "message": _("Give the date and time as 2026-04-21T09:30 (ISO 8601)."),
                }
            )
        else:
            received_at = in_city_time(city, parsed)
    return problems, received_at


def _draft(row: dict[str, Any]) -> AppealDraft:
    def text(name: str) -> str:
        return str(row.get(name) or "").strip()

    applicant: dict[str, Any] = {name: text(name) for name in APPLICANT_FIELDS}
    applicant["applicant_type"] = applicant["applicant_type"] or "person"
    return AppealDraft(category_slug=text("category"), description=text("text"), **applicant)
