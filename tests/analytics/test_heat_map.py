"""The heat map never reveals a cell under the minimum, whatever the block size."""

from datetime import date

import pytest

from mycity.analytics.figures import MINIMUM, Selection
from mycity.analytics.models import DailyCell
from mycity.analytics.places import heat_map

pytestmark = pytest.mark.django_db


def test_a_lone_report_beside_a_busy_cell_is_not_revealed_by_a_larger_block(city, street_light):
    day = date(2026, 11, 2)
    for col, reports in ((0, MINIMUM), (1, 1)):  # a busy cell and a doorstep beside it
        DailyCell.objects.create(
            city=city,
            day=day,
            category=street_light,
            sector="improvement",
            row=0,
            col=col,
            reports=reports,
        )
    selection = Selection(city_ids=(city.pk,), start=day, end=day)
    single = [cell.reports for cell in heat_map(selection, block=1)]
    merged = [cell.reports for cell in heat_map(selection, block=2)]
    assert single == [MINIMUM]
    assert merged == [MINIMUM]  # not MINIMUM + 1: the difference would be the doorstep
