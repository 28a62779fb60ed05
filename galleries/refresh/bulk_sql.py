"""Plain executemany INSERTs and UPDATEs for the inventory apply, and SQLite's writer turn.

A refresh creates or compares tens of thousands of rows at once; building a model instance
per row (bulk_create, bulk_update's CASE WHEN) costs more than the database does, so rows
travel as tuples in the column order given, adapted for the driver once per distinct value.
"""

from __future__ import annotations

import contextlib
import functools
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from django.db import connections, models, router

from galleries.models import ConnectedSubscription

CHUNK = 5000
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
        # Most values are the refresh's own timestamp: adapt each distinct value once.
        return functools.lru_cache(maxsize=4096)(connection.ops.adapt_datetimefield_value)
    if isinstance(field, models.JSONField):
        return lambda value: field.get_db_prep_save(value, connection)
    return None


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


def insert_rows(
    model: type[models.Model], names: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """INSERT `rows` (tuples of the attributes `names`) with one executemany."""
    if not rows:
        return
    connection, table, columns = _quoted(model, names)
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 (names from model metadata)
        table, ", ".join(columns), ", ".join(["%s"] * len(names))
    )
    _executemany(connection, sql, _adapt(rows, _adapters(model, names, connection)))


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
