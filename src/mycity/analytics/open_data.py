"""The daily figures as open data: per city, day and category (with its sector), the
counts of docs/analytics.md, CSV or JSON, under CC BY 4.0. No district or executor
and no appeal, so nothing in them points at a person; the counts are exact."""

import csv
import io
from datetime import date
from typing import Any

from django.db.models import QuerySet

from mycity.analytics.figures import COLUMNS, SUMS
from mycity.analytics.models import DailyFigures
from mycity.cities.models import City

LICENSE = "CC-BY-4.0"
LICENSE_URL = "https://creativecommons.org/licenses/by/4.0/"
FIELDS = ("day", "category", "sector", *COLUMNS)


def open_rows(city: City, start: date, end: date) -> QuerySet[DailyFigures, Any]:
    return (
        DailyFigures.objects.filter(city=city, day__gte=start, day__lte=end)
        .values("day", "category__slug", "sector")
        .annotate(**SUMS)
        .order_by("day", "category__slug")
    )


def _record(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "day": row["day"].isoformat(),
        "category": row["category__slug"],
        "sector": row["sector"],
        **{name: row[name] or 0 for name in COLUMNS},
    }


def as_json(city: City, start: date, end: date) -> dict[str, Any]:
    return {
        "city": city.slug,
        "date_from": start.isoformat(),
        "date_to": end.isoformat(),
        "license": LICENSE,
        "license_url": LICENSE_URL,
        "definitions": "https://github.com/mycity-by/mycity/blob/main/docs/analytics.md",
        "fields": list(FIELDS),
        "rows": [_record(row) for row in open_rows(city, start, end)],
    }


def as_csv(city: City, start: date, end: date) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(FIELDS)
    for row in open_rows(city, start, end):
        record = _record(row)
        writer.writerow([record[name] for name in FIELDS])
    return out.getvalue().encode("utf-8")
