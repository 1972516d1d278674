# The appeal's executor copied into its search row (AppealSearch.organisation), so an
# executor's search on PostgreSQL reads only their organisation's matches. On SQLite
# the FTS trigger now fires only when the terms change, not when the copy does.

import django.db.models.deletion
from django.db import migrations, models

SQLITE = [
    "DROP TRIGGER IF EXISTS appeals_appealsearch_fts_update",
    "CREATE TRIGGER appeals_appealsearch_fts_update AFTER UPDATE OF terms "
    "ON appeals_appealsearch "
    "BEGIN INSERT INTO appeals_appeal_fts(appeals_appeal_fts, rowid, terms) "
    "VALUES ('delete', old.appeal_id, old.terms); "
    "INSERT INTO appeals_appeal_fts(rowid, terms) VALUES (new.appeal_id, new.terms); END",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS appeals_appealsearch_fts_update",
    "CREATE TRIGGER appeals_appealsearch_fts_update AFTER UPDATE ON appeals_appealsearch "
    "BEGIN INSERT INTO appeals_appeal_fts(appeals_appeal_fts, rowid, terms) "
    "VALUES ('delete', old.appeal_id, old.terms); "
    "INSERT INTO appeals_appeal_fts(rowid, terms) VALUES (new.appeal_id, new.terms); END",
]
BACKFILL = (
    "UPDATE appeals_appealsearch SET organisation_id = (SELECT a.organisation_id "
    "FROM appeals_appeal a WHERE a.id = appeals_appealsearch.appeal_id)"
)


def _run(statements_of):
    def run(apps, schema_editor):
        for statement in statements_of.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):

    dependencies = [
        ('appeals', '0005_executor_newest'),
        ('cities', '0003_city_map_tiles'),
    ]

    operations = [
        migrations.AddField(
            model_name='appealsearch',
            name='organisation',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='cities.organisation'),
        ),
        migrations.RunPython(
            _run({"sqlite": SQLITE}), _run({"sqlite": SQLITE_REVERSE}), elidable=False
        ),
        migrations.RunSQL(BACKFILL, migrations.RunSQL.noop),
    ]
