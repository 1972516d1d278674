"""Writing many rows at once, faster than `bulk_create`: one COPY on PostgreSQL, one
executemany elsewhere, with each value adapted as Django would adapt it. For bulk
writers (the appeals' generator, the analytics' nightly rows) that build plain tuples
rather than model instances."""

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from functools import partial
from typing import Any, cast

from django.db import connection, models

_AS_IS = frozenset(
    {
        "AutoField",
        "BigAutoField",
        "BigIntegerField",
        "BooleanField",
        "CharField",
        "EmailField",
        "FloatField",
        "ForeignKey",
        "IntegerField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "SlugField",
        "SmallIntegerField",
        "TextField",
    }
)


def _adapter(model_field: "models.Field[Any, Any]") -> Callable[[Any], Any] | None:
    """How a Python value of the field becomes a query parameter, as Django does it;
    None when the driver takes the value as it is."""
    ops = connection.ops
    internal = model_field.get_internal_type()
    if internal in _AS_IS:
        return None
    if internal == "DateTimeField":
        if connection.vendor == "sqlite" and connection.timezone == UTC:
            return _sqlite_utc
        return ops.adapt_datetimefield_value
    if internal == "DateField":
        return ops.adapt_datefield_value
    if internal == "JSONField":
        adapt = partial(ops.adapt_json_value, encoder=getattr(model_field, "encoder", None))
        return _memoised_json(adapt)
    return partial(model_field.get_db_prep_save, connection=connection)


def _memoised_json(adapt: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """Most events carry one of a few small documents ({"move": "start"}): encode each once."""
    seen: dict[tuple[Any, ...], Any] = {}

    def adapted(value: Any) -> Any:
        if not isinstance(value, dict) or len(value) > 3:
            return adapt(value)
        try:
            key = tuple(value.items())
            found = seen.get(key)
        except TypeError:  # an unhashable value
            return adapt(value)
        if found is None:
            found = seen[key] = adapt(value)
        return found

    return adapted


def _sqlite_utc(value: datetime | None) -> str | None:
    """What Django's SQLite backend makes of an aware datetime (naive UTC as text), made
    faster for the millions of event rows."""
    if value is None:
        return None
    if value.tzinfo is not UTC:  # the generator's moments are UTC already
        value = value.astimezone(UTC)
    return str(value.replace(tzinfo=None))


def insert_rows(
    model: type[models.Model], names: Sequence[str], rows: list[tuple[Any, ...]]
) -> None:
    """INSERT rows (values in the order of the fields `names`): one COPY on PostgreSQL,
    one executemany elsewhere. Values are adapted as Django would."""
    if not rows:
        return
    meta = model._meta
    fields = [cast("models.Field[Any, Any]", meta.get_field(name)) for name in names]
    adapters = [(i, a) for i, f in enumerate(fields) if (a := _adapter(f)) is not None]
    prepared: Sequence[Sequence[Any]] = rows
    if adapters:
        prepared = []
        for row in rows:
            values = list(row)
            for index, adapt in adapters:
                values[index] = adapt(values[index])
            prepared.append(values)
    ops = connection.ops
    columns = ", ".join(ops.quote_name(str(f.column)) for f in fields)
    table = ops.quote_name(meta.db_table)
    if connection.vendor == "postgresql":
        # COPY streams the batch in one statement: several times faster than the
        # INSERTs of an executemany, which a million appeals' events feel.
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
        ):
            for prepared_row in prepared:
                copy.write_row(prepared_row)
        return
    placeholders = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.executemany(sql, prepared)


def insert_objects(model: type[models.Model], rows: list[dict[str, Any]]) -> None:
    """INSERT rows given as {attname: value}, every concrete field included: those a
    row leaves out take the field's default."""
    fields = [f for f in model._meta.concrete_fields if not f.generated]
    defaults = {f.attname: f.get_default() for f in fields}
    names = [f.name for f in fields]
    attnames = [f.attname for f in fields]
    insert_rows(model, names, [tuple(row.get(a, defaults[a]) for a in attnames) for row in rows])
