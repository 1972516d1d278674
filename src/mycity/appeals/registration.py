"""Yearly counters: the city's appeal numbers and each organisation's registration
numbers, the latter in the format its city sets (City.registration_format)."""

from typing import Any, cast

from django.db import connection, models
from django.db.models import Field

from mycity.appeals.models import RegistrationCounter
from mycity.cities.models import Organisation


def bump_counter(model: type[models.Model], **key: Any) -> int:
    """Add one to the `last` of the counter row with `key` (made when missing) and
    return it. Call inside the registering transaction: the UPDATE locks the row until
    commit, so concurrent registrations queue and each gets its own number, and a
    rollback gives the number back; RETURNING (SQLite 3.35+, PostgreSQL) makes it one
    statement but on a year's first."""
    table = connection.ops.quote_name(model._meta.db_table)
    # Keys are attribute names (city_id, year), which are also the columns.
    fields = [cast(Field, model._meta.get_field(name.removesuffix("_id"))) for name in key]
    where = " AND ".join(f"{connection.ops.quote_name(str(f.column))} = %s" for f in fields)
    with connection.cursor() as cursor:
        for _attempt in range(2):
            cursor.execute(
                f"UPDATE {table} SET last = last + 1 WHERE {where} RETURNING last",  # noqa: S608 (model's own names)
                list(key.values()),
            )
            row = cursor.fetchone()
            if row is not None:
                return int(row[0])
            model._default_manager.get_or_create(**key)
    raise RuntimeError(f"the counter {model.__name__} could not be made")


def next_registration_number(organisation: Organisation, year: int, fmt: str) -> str:
    seq = bump_counter(RegistrationCounter, organisation_id=organisation.pk, year=year)
    return format_number(fmt, organisation=organisation, year=year, seq=seq)


def format_number(fmt: str, *, organisation: Organisation, year: int, seq: int) -> str:
    return fmt.format(org=organisation.slug, year=year, yy=f"{year % 100:02d}", seq=seq)
