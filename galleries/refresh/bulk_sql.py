"""Plain INSERTs and executemany UPDATEs for the inventory apply, and SQLite's writer turn.

A refresh creates or compares tens of thousands of rows at once; building a model instance
per row (bulk_create, bulk_update's CASE WHEN) costs more than the database does, so rows
travel as tuples in the column order given, adapted for the driver once per distinct value.

New rows: on SQLite, INSERT ... VALUES (...), (...), ... RETURNING of thousands of rows a
statement, not an executemany (which steps, and lets go of the GIL, once per row, so the
listing threads stall the apply between rows). On PostgreSQL a COPY (bulk_pg.py): Django's
cursor binds parameters client-side, in Python, so a multi-row statement of 30,000 parameters
cost more CPU than an executemany (15.7 s against 8.8 s for 40,000 versions), and COPY less
than either.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from django.conf import settings
from django.db import connections, models, router

from galleries.models import ConnectedSubscription

from .bulk_pg import copy_rows

CHUNK = 5000
# Parameters of one SQLite INSERT (its default limit is 32,766). Few long statements: after
# each, the applying thread must win the GIL back from the listing threads, which can take a
# switch interval (5 ms).
PARAMETERS_PER_INSERT = 30000
_SQLITE_WRITER = threading.RLock()  # re-entrant: a caller may hold the turn already


def _connection(model: type[models.Model]) -> Any:
    return connections[router.db_for_write(model)]


def _adapters(
    model: type[models.Model], names: Sequence[str], connection: Any
) -> list[Callable[[Any], Any] | None]:
    by_attname = {f.attname: f for f in model._meta.concrete_fields}
    return [_adapter(by_attname[name], connection) for name in names]


def _adapter(field: models.Field, connection: Any) -> Callable[[Any], Any] | None:
    """How a value of `field` reaches the driver (None: as it is)."""
    if isinstance(field, models.DateTimeField):
        if connection.vendor == "postgresql":
            return None  # psycopg sends an aware datetime as it is, as Django's adapter does
        adapt = connection.ops.adapt_datetimefield_value
        if connection.vendor == "sqlite" and settings.USE_TZ and connection.timezone_name == "UTC":
            adapt = functools.partial(_sqlite_utc_text, adapt)
        # Most values are the refresh's own timestamp: adapt each distinct value once.
        return functools.lru_cache(maxsize=4096)(adapt)
    if isinstance(field, models.JSONField):
        return lambda value: field.get_db_prep_save(value, connection)
    return None


def _sqlite_utc_text(adapt: Callable[[Any], Any], value: Any) -> Any:
    """Django's SQLite text of an aware UTC datetime (its naive UTC `str`) without its
    general path; anything else goes through `adapt`."""
    if type(value) is datetime.datetime and value.tzinfo is datetime.UTC:
        return str(value.replace(tzinfo=None))
    return adapt(value)


def _adapt(rows: Sequence[Sequence[Any]], adapters: list[Callable[[Any], Any] | None]) -> list:
    positions = [(i, adapt) for i, adapt in enumerate(adapters) if adapt is not None]
    if not positions:
        return list(rows)
    adapted = []
    for row in rows:
        values = list(row)
        for i, adapt in positions:
            value = values[i]
            if value is not None:
                values[i] = adapt(value)
        adapted.append(values)
    return adapted


def _executemany(connection: Any, sql: str, params: list) -> None:
    with connection.cursor() as cursor:
        for start in range(0, len(params), CHUNK):
            cursor.executemany(sql, params[start : start + CHUNK])


def _quoted(model: type[models.Model], names: Sequence[str]) -> tuple[Any, str, list[str]]:
    """The model's connection, its quoted table name and the quoted columns of `names`."""
    connection = _connection(model)
    by_attname = {f.attname: f for f in model._meta.concrete_fields}
    quote = connection.ops.quote_name
    return connection, quote(model._meta.db_table), [quote(by_attname[n].column) for n in names]


def _sqlite_parameters(connection: Any) -> int:
    connection.ensure_connection()
    limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    return min(PARAMETERS_PER_INSERT, int(limit))


def insert_rows(
    model: type[models.Model],
    names: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    returning: Sequence[str] = (),
) -> list[tuple[Any, ...]] | None:
    """INSERT `rows` (tuples of the attributes `names`). With `returning` (attribute names),
    returns those values of every new row, in no particular order, or None where this
    database's path does not return them (the caller reads them back)."""
    if not rows:
        return []
    connection, table, columns = _quoted(model, names)
    adapted = _adapt(rows, _adapters(model, names, connection))
    one_row = "(" + ", ".join(["%s"] * len(names)) + ")"
    head = f"INSERT INTO {table} ({', '.join(columns)}) VALUES "  # noqa: S608 (model metadata)
    if connection.vendor == "postgresql":
        return _copy_rows(connection, model, names, columns, adapted, returning)
    if connection.vendor != "sqlite":
        _executemany(connection, head + one_row, adapted)
        return None if returning else []
    give_back = bool(returning) and connection.features.can_return_rows_from_bulk_insert
    suffix = " RETURNING " + ", ".join(_quoted(model, returning)[2]) if give_back else ""
    per_statement = max(1, _sqlite_parameters(connection) // len(names))
    full_sql = head + ", ".join([one_row] * per_statement) + suffix
    created: list[tuple[Any, ...]] = []
    with connection.cursor() as cursor:
        for start in range(0, len(adapted), per_statement):
            batch = adapted[start : start + per_statement]
            sql = full_sql
            if len(batch) < per_statement:
                sql = head + ", ".join([one_row] * len(batch)) + suffix
            cursor.execute(sql, [value for row in batch for value in row])
            if give_back:
                created.extend(map(tuple, cursor.fetchall()))
    return created if give_back or not returning else None


def _copy_rows(
    connection: Any,
    model: type[models.Model],
    names: Sequence[str],
    columns: list[str],
    adapted: list,
    returning: Sequence[str],
) -> list[tuple[Any, ...]] | None:
    """PostgreSQL: COPY; what `returning` names comes from the rows and the allocated ids."""
    if not returning:
        copy_rows(connection, model, columns, adapted, with_pks=False)
        return []
    pk_name = model._meta.pk.attname
    if any(name != pk_name and name not in names for name in returning):
        copy_rows(connection, model, columns, adapted, with_pks=False)
        return None  # a value only the database knows: the caller reads it back
    with_pks = pk_name in returning
    pks = copy_rows(connection, model, columns, adapted, with_pks=with_pks)
    at = [None if name == pk_name else names.index(name) for name in returning]
    return [
        tuple(pk if i is None else row[i] for i in at)
        for pk, row in zip(pks if with_pks else adapted, adapted, strict=True)
    ]


def update_rows(
    model: type[models.Model], names: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """UPDATE by primary key: each row is the values of `names` followed by the pk."""
    if not rows:
        return
    connection, table, columns = _quoted(model, names)
    sql = "UPDATE {} SET {} WHERE {} = %s".format(  # noqa: S608 (names from model metadata)
        table,
        ", ".join(f"{column} = %s" for column in columns),
        connection.ops.quote_name(model._meta.pk.column),
    )
    adapters = [*_adapters(model, names, connection), None]
    _executemany(connection, sql, _adapt(rows, adapters))


@contextlib.contextmanager
def writer_turn(*, blocking: bool = True) -> Iterator[bool]:
    """SQLite has one writer at a time: threads of this process take turns here instead of
    sleeping in SQLite's busy handler (other threads keep listing in Azure meanwhile).
    Yields whether the turn was taken (always, unless `blocking` is False)."""
    if _connection(ConnectedSubscription).vendor != "sqlite":
        yield True
        return
    taken = _SQLITE_WRITER.acquire(blocking=blocking)
    try:
        yield taken
    finally:
        if taken:
            _SQLITE_WRITER.release()
