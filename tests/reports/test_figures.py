"""The committee's figures for March 2026, against the table counted by hand in
conftest.py."""

from datetime import UTC, date, datetime

import pytest
from django.utils import timezone, translation

from mycity.appeals.deadlines import DeadlineState, deadline_state
from mycity.cities.calendar import calendar_for
from mycity.reports import selectors
from mycity.reports.selectors import Counts, ReportFilters
from mycity.reports.tables import build_report
from tests.reports.conftest import make_appeal

pytestmark = pytest.mark.django_db

MARCH = ReportFilters(start=date(2026, 3, 1), end=date(2026, 3, 31))


def report(march, filters=MARCH, language="en"):
    with translation.override(language):
        return build_report(
            march.city, filters, calendar=calendar_for(march.city), now=timezone.now()
        )


def figures(report, key):
    """A table as {row key: numbers}."""
    return {row.key: list(row.values) for row in report.table(key).rows}


def test_timeliness_of_the_month(march, elsewhere):
    assert figures(report(march), "timeliness") == {
        "on_time": [6],
        "late": [2],
        "overdue": [2],
        "in_term": [2],
        "total": [12],
    }


def test_every_channel_is_listed_and_counted(march):
    table = figures(report(march), "channels")
    # total, on time, late, overdue, in term
    assert table["app"] == [6, 2, 1, 1, 2]
    assert table["post"] == [3, 2, 1, 0, 0]
    assert table["national"] == [3, 2, 0, 1, 0]
    for quiet in ("api", "open311", "reception", "hotline", "book"):
        assert table[quiet] == [0, 0, 0, 0, 0]
    assert table["total"] == [12, 6, 2, 2, 2]
    assert list(table)[-1] == "total"


def test_each_result_once_and_four_still_in_work(march):
    assert figures(report(march), "results") == {
        "satisfied": [1],
        "explained": [1],
        "refused": [1],
        "not_considered": [1],
        "redirected": [1],
        "withdrawn": [1],
        "thanks": [1],
        "duplicate": [1],
        "in_work": [4],
        "total": [12],
    }


def test_subjects_by_leaf_and_by_group_in_the_catalogue_order(march):
    built = report(march)
    categories = built.table("categories")
    assert [row.labels for row in categories.rows] == [
        ("Letters", "Letters"),
        ("Housing", "Roof"),
        ("Housing", "Heating"),
        ("Lighting", "Street lights"),
        ("Total", ""),
    ]
    assert [list(row.values) for row in categories.rows] == [
        [6, 4, 1, 1, 0],
        [2, 1, 1, 0, 0],
        [2, 1, 0, 0, 1],
        [2, 0, 0, 1, 1],
        [12, 6, 2, 2, 2],
    ]
    groups = built.table("groups")
    assert [(row.labels[0], list(row.values)) for row in groups.rows] == [
        ("Letters", [6, 4, 1, 1, 0]),
        ("Housing", [4, 2, 1, 0, 1]),
        ("Lighting", [2, 0, 0, 1, 1]),
        ("Total", [12, 6, 2, 2, 2]),
    ]


def test_executors_with_the_unassigned_last(march):
    table = report(march).table("organisations")
    assert [(row.key, list(row.values)) for row in table.rows] == [
        ("gorsvet", [4, 2, 0, 1, 1]),
        ("zhes-1", [6, 4, 1, 1, 0]),
        ("none", [2, 0, 1, 0, 1]),
        ("total", [12, 6, 2, 2, 2]),
    ]
    assert table.rows[2].labels == ("Not assigned",)


def test_registering_organisation_counts_only_what_staff_registered(march):
    assert figures(report(march), "registrars") == {
        "uzhkh": [6, 4, 1, 1, 0],
        "total": [6, 4, 1, 1, 0],
    }


def test_districts(march):
    assert figures(report(march), "districts") == {
        "d1": [5, 2, 1, 0, 2],
        "d2": [4, 3, 0, 1, 0],
        "none": [3, 1, 1, 1, 0],
        "total": [12, 6, 2, 2, 2],
    }


def test_statuses(march):
    table = figures(report(march), "statuses")
    assert {key: n for key, (n,) in table.items() if n} == {
        "submitted": 1,
        "assigned": 2,
        "in_progress": 1,
        "answered": 1,
        "closed": 3,
        "redirected": 1,
        "duplicate": 1,
        "not_considered": 1,
        "withdrawn": 1,
        "total": 12,
    }


def test_officials_workload_counts_what_they_did_in_the_period(march):
    table = report(march).table("officials")
    rows = {row.key: list(row.values) for row in table.rows}
    # answers, on time, late, status moves, open at their organisations, overdue
    assert rows == {
        str(march.executor.pk): [3, 2, 1, 2, 1, 1],
        str(march.head.pk): [1, 1, 0, 0, 1, 1],
        str(march.dispatcher.pk): [0, 0, 0, 3, 0, 0],
    }
    # The applicant who withdrew an appeal is no official.
    assert str(march.resident.pk) not in rows


def test_a_filter_by_channel_kind_or_executor_narrows_every_table(march):
    post = report(march, ReportFilters(start=MARCH.start, end=MARCH.end, channel="post"))
    assert figures(post, "timeliness")["total"] == [3]
    assert figures(post, "channels")["app"] == [0, 0, 0, 0, 0]
    problems = report(march, ReportFilters(start=MARCH.start, end=MARCH.end, kind="problem"))
    assert figures(problems, "channels")["total"] == [6, 2, 1, 1, 2]
    assert "uzhkh" not in figures(problems, "registrars")
    lights = report(
        march, ReportFilters(start=MARCH.start, end=MARCH.end, organisations=(march.gorsvet.pk,))
    )
    assert figures(lights, "organisations") == {
        "gorsvet": [4, 2, 0, 1, 1],
        "total": [4, 2, 0, 1, 1],
    }
    # Only the people of the organisation: Gorsvet has none here.
    assert figures(lights, "officials") == {}


def test_the_period_includes_both_ends(march):
    # 2 March holds appeal 1, 13 March appeal 12.
    one_day = ReportFilters(start=date(2026, 3, 2), end=date(2026, 3, 2))
    assert figures(report(march, one_day), "timeliness")["total"] == [1]
    whole = ReportFilters(start=date(2026, 2, 28), end=date(2026, 4, 1))
    assert figures(report(march, whole), "timeliness")["total"] == [14]


def test_names_follow_the_language(march):
    in_russian = report(march, language="ru").table("organisations").rows
    in_english = report(march, language="en").table("organisations").rows
    assert in_russian[0].labels == ("Горсвет",)
    assert in_english[0].labels == ("Street lights",)


def test_timeliness_agrees_with_the_cards_deadline_state(march):
    now = timezone.now()
    counted = selectors.overall(selectors.appeals_in_period(march.city, MARCH), now=now)
    states = [deadline_state(march.appeals[n], now) for n in range(1, 13)]
    answered = [s for s in states if s in (DeadlineState.MET, DeadlineState.LATE)]
    assert counted.overdue == states.count(DeadlineState.OVERDUE)
    assert counted.in_term == states.count(DeadlineState.ON_TIME) + states.count(
        DeadlineState.DUE_SOON
    )
    assert counted.on_time + counted.late == len(answered)


def test_an_appeal_still_open_turns_overdue_when_its_deadline_passes(march):
    in_term_now = datetime(2026, 3, 15, tzinfo=UTC)
    appeals = selectors.appeals_in_period(march.city, MARCH)
    before = selectors.overall(appeals, now=in_term_now)
    after = selectors.overall(appeals, now=datetime(2026, 3, 21, tzinfo=UTC))
    assert (before.overdue, before.in_term) == (0, 4)
    assert (after.overdue, after.in_term) == (2, 2)
    assert before.total == after.total == before.on_time + before.late + 4


def test_counts_add_up():
    assert Counts(1, 1, 0, 0, 0) + Counts(2, 0, 1, 1, 0) == Counts(3, 1, 1, 1, 0)


def test_the_whole_report_costs_a_fixed_number_of_queries(march, django_assert_max_num_queries):
    calendar = calendar_for(march.city)
    with django_assert_max_num_queries(13):
        build_report(march.city, MARCH, calendar=calendar, now=timezone.now())


def test_a_reopened_appeal_is_open_again_not_answered(march):
    """The applicant disagreed with a late answer: the appeal is back in work and counts
    against its deadline, as its card shows it."""
    reopened = make_appeal(
        march.city,
        "2026-00099",
        march.appeals[1].category,
        date(2026, 5, 4),
        status="reopened",
        answered_at=datetime(2026, 3, 25, tzinfo=UTC),
    )
    may = ReportFilters(start=date(2026, 5, 1), end=date(2026, 5, 31))
    now = timezone.now()
    counted = selectors.overall(selectors.appeals_in_period(march.city, may), now=now)
    assert deadline_state(reopened, now) == DeadlineState.OVERDUE
    assert counted == Counts(total=1, overdue=1)
