"""The committee's figures on appeals for a staff token: the same tables as the console
page and its downloads."""

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router

from mycity.appeals.api import STAFF
from mycity.cities.calendar import calendar_for
from mycity.cities.selectors import city_by_slug
from mycity.reports.access import report_scope_for
from mycity.reports.forms import FIELDS, ReportForm
from mycity.reports.schemas import AppealFiguresOut, ReportQuery
from mycity.reports.tables import Report, build_report

router = Router(tags=["reports"])


def report_out(report: Report) -> dict[str, Any]:
    tables = []
    for table in report.tables:
        tables.append(
            {
                "key": table.key,
                "title": table.title,
                "columns": [{"key": c.key, "label": c.label} for c in table.columns],
                "rows": [
                    {
                        "key": row.key,
                        "labels": list(row.labels),
                        "values": dict(
                            zip(
                                [c.key for c in table.columns[len(row.labels) :]],
                                row.values,
                                strict=True,
                            )
                        ),
                    }
                    for row in table.rows
                ],
            }
        )
    return {
        "city": report.city.slug,
        "date_from": report.filters.start,
        "date_to": report.filters.end,
        "title": report.title,
        "tables": tables,
    }


@router.get(
    "/{slug}/appeal-figures",
    response=AppealFiguresOut,
    auth=STAFF,
    summary="Staff: the committee's figures on the appeals registered in a period",
    description="The appeals registered in the period (both ends included), by timeliness, "
    "channel, result, group of subjects, subject, executor, registering organisation, "
    "district and current status, and each official's workload in the period. A city "
    "administrator or a dispatcher reads the whole city's; the head of an organisation "
    "only their organisation's. A bad period is a 400 with the field's message.",
)
def appeal_figures(request: HttpRequest, slug: str, query: Query[ReportQuery]) -> dict:
    city = city_by_slug(slug)
    scope = report_scope_for(request.auth, city)  # type: ignore[attr-defined]
    calendar = calendar_for(city)
    now = timezone.now()
    given = {name: value for name in FIELDS if (value := getattr(query, name)) is not None}
    form = ReportForm(scope, calendar.local_date(now), given)
    if not form.is_valid():
        raise form.as_error()
    return report_out(build_report(city, form.filters(), calendar=calendar, now=now))
