from django.db import migrations

# The nightly count reads one city's answers and closings of one day: an index on the
# moment alone made SQLite walk the whole city (or the republic's day) instead. Plain
# SQL that SQLite and PostgreSQL both speak, as in 0001.
REPLACED = (
    ("analytics_appeal_answered_at", "analytics_appeal_city_answered_at", "answered_at"),
    ("analytics_appeal_closed_at", "analytics_appeal_city_closed_at", "closed_at"),
)


class Migration(migrations.Migration):
    dependencies = [("analytics", "0002_monthly_figures_and_cells_per_group")]

    operations = [
        migrations.RunSQL(
            [
                f"DROP INDEX IF EXISTS {old}",
                f"CREATE INDEX IF NOT EXISTS {new} ON appeals_appeal (city_id, {column})",
            ],
            [
                f"DROP INDEX IF EXISTS {new}",
                f"CREATE INDEX IF NOT EXISTS {old} ON appeals_appeal ({column})",
            ],
        )
        for old, new, column in REPLACED
    ]
