"""The backlog by age: the appeals open now, by how long ago they were submitted. A
stock, not a flow, so it is counted live: one grouped query over the open appeals
(the `appeal_queue` index), cheap because few appeals are open at a time."""

from datetime import datetime, timedelta

from django.db.models import Count, Q

from mycity.analytics.figures import Selection
from mycity.appeals.models import Appeal
from mycity.reports.selectors import OPEN_STATUSES

# Upper bounds of the age bands, in days; the last band has none.
AGE_BANDS = (7, 30, 90)


def backlog(selection: Selection, sectors: dict[int, str], *, now: datetime) -> dict[str, int]:
    """{"0-7": n, "8-30": n, "31-90": n, "91+": n, "overdue": n}."""
    appeals = Appeal.objects.filter(city_id__in=selection.city_ids, status__in=OPEN_STATUSES)
    if selection.sectors:
        appeals = appeals.filter(
            category_id__in=[pk for pk, s in sectors.items() if s in selection.sectors]
        )
    for name, values in (
        ("category_id", selection.category_ids),
        ("district_id", selection.district_ids),
        ("organisation_id", selection.organisation_ids),
        ("channel", selection.channels),
    ):
        if values:
            appeals = appeals.filter(**{f"{name}__in": values})
    if selection.confined_to_organisations is not None:
        appeals = appeals.filter(organisation_id__in=selection.confined_to_organisations)
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
