# The appeals' search index: AppealSearch rows (the stems, computed in Python by
# mycity.appeals.search) and the database's own full-text index over them.
# Appeals that exist before this migration are indexed by `mycity reindex_appeals`.

import django.db.models.deletion
from django.db import migrations, models

SQLITE = [
    # External content: the stems live in appeals_appealsearch; FTS5 keeps only its index.
    "CREATE VIRTUAL TABLE appeals_appeal_fts USING fts5("
    "terms, content='appeals_appealsearch', content_rowid='appeal_id', "
    "tokenize='unicode61 remove_diacritics 0')",
    "CREATE TRIGGER appeals_appealsearch_fts_insert AFTER INSERT ON appeals_appealsearch "
    "BEGIN INSERT INTO appeals_appeal_fts(rowid, terms) VALUES (new.appeal_id, new.terms); END",
    "CREATE TRIGGER appeals_appealsearch_fts_delete AFTER DELETE ON appeals_appealsearch "
    "BEGIN INSERT INTO appeals_appeal_fts(appeals_appeal_fts, rowid, terms) "
    "VALUES ('delete', old.appeal_id, old.terms); END",
    "CREATE TRIGGER appeals_appealsearch_fts_update AFTER UPDATE ON appeals_appealsearch "
    "BEGIN INSERT INTO appeals_appeal_fts(appeals_appeal_fts, rowid, terms) "
    "VALUES ('delete', old.appeal_id, old.terms); "
    "INSERT INTO appeals_appeal_fts(rowid, terms) VALUES (new.appeal_id, new.terms); END",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS appeals_appealsearch_fts_update",
    "DROP TRIGGER IF EXISTS appeals_appealsearch_fts_delete",
    "DROP TRIGGER IF EXISTS appeals_appealsearch_fts_insert",
    "DROP TABLE IF EXISTS appeals_appeal_fts",
]
# A stored vector, not an index on the expression: a plan that filters rows one by one
# (newest first, until a page is full) would compute to_tsvector for each, ~35 µs a row.
POSTGRESQL = [
    "ALTER TABLE appeals_appealsearch ADD COLUMN vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, terms)) STORED",
    "CREATE INDEX appeal_search_vector ON appeals_appealsearch USING gin (vector)",
]
POSTGRESQL_REVERSE = [
    "DROP INDEX IF EXISTS appeal_search_vector",
    "ALTER TABLE appeals_appealsearch DROP COLUMN IF EXISTS vector",
]


def _run(statements_of):
    def run(apps, schema_editor):
        for statement in statements_of.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):

    dependencies = [
        ('appeals', '0002_moderation_and_information'),
    ]

    operations = [
        migrations.CreateModel(
            name='AppealSearch',
            fields=[
                ('appeal', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='search', serialize=False, to='appeals.appeal')),
                ('terms', models.TextField(blank=True)),
            ],
        ),
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRESQL_REVERSE}),
        ),
    ]
