"""The report as tables of labelled rows: built once, rendered by the page, the CSV,
the XLSX and the API alike, so they always show the same numbers."""

from dataclasses import dataclass, field
from datetime import datetime

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from mycity.appeals.models import Channel, Result, Status
from mycity.cities.calendar import WorkingCalendar
from mycity.cities.models import City
from mycity.core.translated import pick_translation
from mycity.reports import selectors
from mycity.reports.selectors import TIMELINESS, Counts, NamedFigures, ReportFilters


@dataclass(frozen=True)
class Column:
    key: str
    label: str


@dataclass(frozen=True)
class Row:
    key: str  # stable for machines: a channel's code, an organisation's slug, "total"
    labels: tuple[str, ...]
    values: tuple[int, ...]

    @property
    def cells(self) -> list[str | int]:
        return [*self.labels, *self.values]


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    columns: list[Column]
    rows: list[Row] = field(default_factory=list)

    @property
    def headers(self) -> list[str]:
        return [c.label for c in self.columns]


@dataclass(frozen=True)
class Report:
    city: City
    filters: ReportFilters
    title: str
    period: str  # the period in words, for the page and the files' headings
    tables: list[Table]

    def table(self, key: str) -> Table:
        return next(t for t in self.tables if t.key == key)


def _timeliness_columns() -> list[Column]:
    labels = {
        "total": _("Appeals"),
        "on_time": _("Finished on time"),
        "late": _("Finished late"),
        "overdue": _("Open, overdue"),
        "in_term": _("Open, within the term"),
    }
    return [Column(key, labels[key]) for key in TIMELINESS]


def _values(counts: Counts) -> tuple[int, ...]:
    return tuple(getattr(counts, key) for key in TIMELINESS)


def _total_row(rows: list[Row], labels: int = 1) -> Row:
    sums = tuple(sum(column) for column in zip(*(r.values for r in rows), strict=True))
    width = len(rows[0].values) if rows else 0
    return Row("total", (_("Total"), *([""] * (labels - 1))), sums or (0,) * width)


def _with_total(rows: list[Row], labels: int = 1) -> list[Row]:
    return [*rows, _total_row(rows, labels)] if rows else []


def _named_table(key: str, title: str, head: str, figures: list[NamedFigures], none: str) -> Table:
    rows = [
        Row(f.slug or "none", (pick_translation(f.names) if f.id else none,), _values(f.counts))
        for f in figures
    ]
    return Table(key, title, [Column("name", head), *_timeliness_columns()], _with_total(rows))


def build_report(
    city: City, filters: ReportFilters, *, calendar: WorkingCalendar, now: datetime
) -> Report:
    appeals = selectors.appeals_in_period(city, filters)
    period = "{} – {}".format(
        formats.date_format(filters.start, "SHORT_DATE_FORMAT"),
        formats.date_format(filters.end, "SHORT_DATE_FORMAT"),
    )
    tables = []

    total = selectors.overall(appeals, now=now)
    labels = {
        "on_time": _("Answered or finished on time"),
        "late": _("Answered or finished late"),
        "overdue": _("Open and overdue"),
        "in_term": _("Open within the term"),
        "total": _("Total"),
    }
    tables.append(
        Table(
            "timeliness",
            _("Timeliness"),
            [Column("name", _("Appeals")), Column("count", pgettext("how many", "Number"))],
            [
                Row(key, (labels[key],), (getattr(total, key),))
                for key in (*TIMELINESS[1:], TIMELINESS[0])
            ],
        )
    )

    channels = selectors.by_channel(appeals, now=now)
    rows = [
        Row(c.value, (str(c.label),), _values(channels.get(c.value, Counts()))) for c in Channel
    ]
    tables.append(
        Table(
            "channels",
            _("By channel"),
            [Column("name", _("Channel")), *_timeliness_columns()],
            _total_row_after(rows),
        )
    )

    results = selectors.by_result(appeals)
    rows = [Row(r.value, (str(r.label),), (results.get(r.value, 0),)) for r in Result]
    rows.append(Row("in_work", (_("Still in work"),), (results.get("", 0),)))
    tables.append(
        Table(
            "results",
            _("By result"),
            [Column("name", _("Result")), Column("count", _("Appeals"))],
            _total_row_after(rows),
        )
    )

    categories = selectors.by_category(appeals, now=now)
    groups: dict[int, tuple[dict[str, str], Counts]] = {}
    for figure in categories:
        names, counts = groups.get(figure.group_id, (figure.group_names, Counts()))
        groups[figure.group_id] = (names, counts + figure.counts)
    rows = [
        Row(str(group_id), (pick_translation(names),), _values(counts))
        for group_id, (names, counts) in groups.items()
    ]
    tables.append(
        Table(
            "groups",
            _("By group of subjects"),
            [Column("group", _("Group")), *_timeliness_columns()],
            _with_total(rows),
        )
    )
    rows = [
        Row(
            str(f.category_id),
            (pick_translation(f.group_names), pick_translation(f.names)),
            _values(f.counts),
        )
        for f in categories
    ]
    tables.append(
        Table(
            "categories",
            _("By subject"),
            [Column("group", _("Group")), Column("name", _("Subject")), *_timeliness_columns()],
            _with_total(rows, labels=2),
        )
    )

    tables.append(
        _named_table(
            "organisations",
            _("By executor"),
            _("Executor"),
            selectors.by_organisation(appeals, now=now),
            _("Not assigned"),
        )
    )
    tables.append(
        _named_table(
            "registrars",
            _("By registering organisation"),
            _("Registered by"),
            selectors.by_registrar(appeals, now=now),
            "",
        )
    )
    tables.append(
        _named_table(
            "districts",
            _("By district"),
            _("District"),
            selectors.by_district(appeals, now=now),
            _("No district"),
        )
    )

    statuses = selectors.by_status(appeals)
    rows = [Row(s.value, (str(s.label),), (statuses.get(s.value, 0),)) for s in Status]
    tables.append(
        Table(
            "statuses",
            _("By current status"),
            [Column("name", _("Status")), Column("count", _("Appeals"))],
            _total_row_after(rows),
        )
    )

    loads = selectors.workload(city, filters, calendar=calendar, now=now)
    tables.append(
        Table(
            "officials",
            _("Officials' workload"),
            [
                Column("name", _("Official")),
                Column("answers", _("Answers written")),
                Column("answers_on_time", _("of them on time")),
                Column("answers_late", _("of them late")),
                Column("moves", _("Status changes")),
                Column("open", _("Open at their organisations now")),
                Column("overdue", _("of them overdue")),
            ],
            [
                Row(
                    str(load.user_id),
                    (load.name,),
                    (
                        load.answers,
                        load.answers_on_time,
                        load.answers_late,
                        load.moves,
                        load.open,
                        load.overdue,
                    ),
                )
                for load in loads
            ],
        )
    )
    return Report(
        city=city,
        filters=filters,
        title=_("Appeals in %(city)s") % {"city": city.name},
        period=period,
        tables=tables,
    )


def _total_row_after(rows: list[Row]) -> list[Row]:
    """Every value listed (zeros too: the register shows every channel and result),
    then their sum."""
    return [*rows, _total_row(rows)]
