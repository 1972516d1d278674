"""The head's report on a phone tells one story: the officials' workload counts the
same appeals as the timeliness and result tables (those registered in the period),
checked against the month counted by hand in tests/reports/conftest.py."""

from datetime import date

import pytest
from playwright.sync_api import expect

from mycity.appeals.models import Answer
from tests.browser.test_my_appeals import sign_in
from tests.reports.conftest import at, head, make_appeal, march  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def february_work(march):  # noqa: F811
    """In March the executor answered a February appeal, and another February appeal
    of the organisation is still open: neither is one of March's appeals."""
    Answer.objects.create(
        appeal=march.appeals[13], organisation=march.zhes, author=march.executor,
        text="Ответ", created_at=at(5),
    )  # fmt: skip
    make_appeal(
        march.city, "2026-00015", march.appeals[1].category, date(2026, 2, 20),
        organisation=march.zhes, status="in_progress", deadline=at(10),
    )  # fmt: skip


def cells(page, table: str, row: str) -> list[str]:
    return page.locator(f"#table-{table} tr[data-key='{row}'] td").all_inner_texts()


def test_the_heads_workload_counts_the_months_appeals(
    live_server,
    context,
    page,
    march,  # noqa: F811
    february_work,
):
    context.add_cookies([{"name": "mycity_language", "value": "en", "url": live_server.url}])
    sign_in(context, live_server, march.head)
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(
        f"{live_server.url}/console/{march.city.slug}/reports/"
        "?date_from=2026-03-01&date_to=2026-03-31"
    )
    # The head sees their organisation's six March appeals (1, 2, 3, 6, 9, 12).
    expect(page.locator("#table-timeliness tr[data-key='total'] td")).to_have_text("6")
    on_time = int(cells(page, "timeliness", "on_time")[0])
    late = int(cells(page, "timeliness", "late")[0])
    still_open = int(cells(page, "timeliness", "overdue")[0]) + int(
        cells(page, "timeliness", "in_term")[0]
    )
    assert (on_time, late, still_open) == (4, 1, 1)
    assert cells(page, "results", "in_work") == [str(still_open)]
    # answers, of them on time, late, status moves, open now, of them overdue
    executor = cells(page, "officials", str(march.executor.pk))
    assert executor == ["3", "2", "1", "2", "1", "1"]
    head_row = cells(page, "officials", str(march.head.pk))
    assert head_row == ["1", "1", "0", "0", "1", "1"]
    answered_on_time = int(executor[1]) + int(head_row[1])
    assert answered_on_time <= on_time and int(executor[4]) == still_open
