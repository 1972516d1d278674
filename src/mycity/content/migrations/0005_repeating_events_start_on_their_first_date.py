"""A repeating event whose start the rule does not give (a Wednesday start with
BYDAY=SA) starts on the rule's first date, as save_event now writes it: RFC 5545 counts
DTSTART as a date, so calendar apps showed one date too many."""

from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr
from django.db import migrations


def start_on_first_date(apps, schema_editor):
    Event = apps.get_model("content", "Event")
    for event in Event.objects.exclude(recurrence="").select_related("city").iterator():
        zone = ZoneInfo(event.city.timezone)
        try:
            rule = rrulestr(event.recurrence, dtstart=event.starts_at.astimezone(zone))
            first = next(iter(rule), None)
        except (ValueError, TypeError):
            continue
        if first is None or first == event.starts_at:
            continue
        if event.ends_at is not None:
            event.ends_at = first + (event.ends_at - event.starts_at)
        event.starts_at = first
        event.save(update_fields=["starts_at", "ends_at"])


class Migration(migrations.Migration):
    dependencies = [("content", "0004_search")]

    operations = [migrations.RunPython(start_on_first_date, migrations.RunPython.noop)]
