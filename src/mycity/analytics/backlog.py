"""The backlog by age: the appeals open now, by how long ago they were submitted. A
stock, not a flow, so it is counted live: one grouped query over the open appeals
(the `appeal_queue` index), cheap because few appeals are open at a time."""

from datetime import datetime, timedelta

from django.db.models import Count, Q

from mycity.analytics.figures import Selection, selected_appeals
from mycity.appeals.models import Appeal
from mycity.reports.selectors import OPEN_STATUSES

# Upper bounds of the age bands, in days; the last band has none.
AGE_BANDS = (7, 30, 90)


def backlog(selection: Selection, sectors: dict[int, str], *, now: datetime) -> dict[str, int]:
    """{"0-7": n, "8-30": n, "31-90": n, "91+": n, "overdue": n}."""
    appeals = Appeal.objects.filter(city_id__in=selection.city_ids, status__in=OPEN_STATUSES)
    appeals = selected_appeals(appeals, selection, sectors)
    bands: dict[str, Q] = {}
    previous = 0
    for bound in AGE_BANDS:
        # "8-30": more than 7 days old, at most 30.
        bands[f"{previous + 1 if previous else 0}-{bound}"] = Q(
            submitted_at__gt=now - timedelta(days=bound),
            submitted_at__lte=now - timedelta(days=previous),
        )
        previous = bound
    bands[f"{previous + 1}+"] = Q(submitted_at__lte=now - timedelta(days=previous))
    counted = appeals.order_by().aggregate(
        **{name: Count("pk", filter=q) for name, q in bands.items()},
        overdue=Count("pk", filter=Q(deadline__lt=now)),
    )
    return {name: counted[name] or 0 for name in (*bands, "overdue")}
