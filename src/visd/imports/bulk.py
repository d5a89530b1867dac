"""Writing many new records, with their history rows, through the database's own bulk path.

A full CORDIS export creates about 35,000 projects, 30,000 actors and 200,000 participations, and
as many history rows. Django's ``bulk_create`` (and django-simple-history's
``bulk_create_with_history`` on top of it) runs every value of every row through the ORM's insert
compiler; at that size this took most of the import's time (benchmarks/import_scale.py,
docs/data.md). Here each field's conversion is chosen once (the field's own ``get_db_prep_save``
where the driver cannot take the Python value as it is), and the rows are written with ``COPY`` on
PostgreSQL and ``executemany`` on SQLite, in the caller's transaction.

The history rows are the ones ``bulk_create_with_history`` writes: every tracked field of the record,
``history_type`` "+", the import's user and change reason, and one ``history_date`` for the import.
With ``SIMPLE_HISTORY_ENABLED`` off, as for simple_history's own bulk helpers, none is written.
Records are plain dicts (field attname -> value); a field left out gets its default, and the
timestamps ``created_at`` / ``updated_at`` get the import's time. No signal is sent (as with
``bulk_create``): the post-import hook brings the matching index up to date once.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import cache

from django.conf import settings
from django.db import connections, router
from django.db.models import AutoField, BigAutoField, SmallAutoField

# Field kinds whose Python values every driver takes as they are: str, bool, int, and also the
# Decimal and date the importers give (psycopg adapts them natively; Django's SQLite backend registers
# the adapters, str and isoformat, that its own conversion would apply).
_AS_IS = {
    "CharField", "TextField", "BooleanField", "IntegerField", "BigIntegerField", "SmallIntegerField",
    "PositiveIntegerField", "PositiveBigIntegerField", "PositiveSmallIntegerField", "ForeignKey",
    "OneToOneField", "SlugField", "EmailField", "URLField", "DecimalField", "DateField",
}
# Rows per executemany call on SQLite (COPY streams them all).
SQLITE_BATCH = 5000
# Keys per IN (...) list when reading back: below SQLite's 32,766 bound variables, and quick on PostgreSQL.
KEY_CHUNK = 5000


def chunks(items: list, size: int | None = None) -> Iterator[list]:
    size = size or KEY_CHUNK
    for start in range(0, len(items), size):
        yield items[start:start + size]


@cache
def _columns(model) -> list:
    """The concrete fields written on insert: all but an automatic primary key."""
    return [field for field in model._meta.concrete_fields
            if not (field.primary_key and isinstance(field, AutoField | BigAutoField | SmallAutoField))]


def _converter(field, connection):
    """How a Python value of ``field`` becomes what the driver takes: as it is, or through the field's
    own conversion (dates on SQLite, decimals, time stamps, JSON), remembered for a repeated value
    (the import's one time stamp)."""
    if field.get_internal_type() in _AS_IS:
        return None
    last = [object(), None]

    def convert(value):
        if value is None:
            return None
        if value is not last[0]:
            last[0], last[1] = value, field.get_db_prep_save(value, connection)
        return last[1]

    return convert


def insert(model, records: Iterable[dict], now) -> int:
    """Insert ``records`` (attname -> value) into ``model``'s table; returns how many."""
    fields = _columns(model)
    names = [field.attname for field in fields]
    defaults = {field.attname: field.get_default() for field in fields}
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            defaults[field.attname] = now
    connection = connections[router.db_for_write(model)]
    converters = [(index, convert) for index, field in enumerate(fields)
                  if (convert := _converter(field, connection))]

    def rows():
        for record in records:
            row = [record[name] if name in record else defaults[name] for name in names]
            for index, convert in converters:
                row[index] = convert(row[index])
            yield row

    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    column_list = ", ".join(quote(field.column) for field in fields)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({column_list}) FROM STDIN") as copy:
                for row in rows():
                    copy.write_row(row)
                    count += 1
        else:
            statement = f"INSERT INTO {table} ({column_list}) VALUES ({', '.join(['%s'] * len(fields))})"
            batch = []
            for row in rows():
                batch.append(row)
                if len(batch) == SQLITE_BATCH:
                    cursor.executemany(statement, batch)
                    count += len(batch)
                    batch = []
            if batch:
                cursor.executemany(statement, batch)
                count += len(batch)
    return count


def insert_history(model, records: Iterable[dict], now, user_id: int | None, reason: str) -> int:
    """The creation history rows ("+") of records just inserted; each record must carry its ``id``.
    Returns how many were written (0 when history is turned off)."""
    if not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return 0
    history = model.history.model
    tracked = [field.attname for field in history.tracked_fields]
    extra = {"history_date": now, "history_user_id": user_id, "history_change_reason": reason, "history_type": "+"}
    return insert(history, ({**{name: record[name] for name in tracked}, **extra} for record in records), now)


def complete(model, record: dict, now) -> dict:
    """``record`` with the defaults and time stamps an insert gives it: what its history row records."""
    full = {}
    for field in _columns(model):
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            full[field.attname] = record.get(field.attname) or now
        elif field.attname in record:
            full[field.attname] = record[field.attname]
        else:
            full[field.attname] = field.get_default()
    return full
