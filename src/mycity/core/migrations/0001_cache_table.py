"""The table of the database cache (CACHES' default: rate limits, submission counts).

`migrate` makes it, on SQLite and PostgreSQL alike, so no deployment and no test run
has to remember `createcachetable`. It is made whatever CACHES names at the time, so
switching CACHE_URL back to db:// later finds it in place."""

from django.core.management.commands.createcachetable import Command as CreateCacheTable
from django.db import migrations

CACHE_TABLE = "mycity_cache"


def create_cache_table(apps, schema_editor) -> None:
    command = CreateCacheTable()
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, CACHE_TABLE, dry_run=False)


def drop_cache_table(apps, schema_editor) -> None:
    connection = schema_editor.connection
    if CACHE_TABLE in connection.introspection.table_names():
        schema_editor.execute(f"DROP TABLE {schema_editor.quote_name(CACHE_TABLE)}")


class Migration(migrations.Migration):
    initial = True
    dependencies: list[tuple[str, str]] = []
    operations = [migrations.RunPython(create_cache_table, drop_cache_table, elidable=False)]
