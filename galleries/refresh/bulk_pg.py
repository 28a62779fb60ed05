"""PostgreSQL's path for the refresh's new rows: COPY, with the new ids allocated first.

An executemany of INSERTs through Django's cursor binds every row's parameters client-side,
in Python, and the ids then had to be read back with another query over the whole scope.
Here one `nextval` query allocates the new rows' ids from the table's own sequence (so the
caller gets them without reading anything back) and one COPY sends the rows, formatted by
psycopg's C code in its text format.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import models


def _sequence(cursor: Any, table: str, pk_column: str) -> str:
    cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, pk_column])
    name = cursor.fetchone()[0]
    if name is None:
        raise LookupError(f"{table}.{pk_column} draws from no sequence")
    return str(name)


def copy_rows(
    connection: Any,
    model: type[models.Model],
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    with_pks: bool,
) -> list[int]:
    """COPY `rows` (values of the quoted `columns`, adapted for psycopg) into `model`'s
    table. With `with_pks`, first allocates their ids from the table's sequence and returns
    them, in the order of `rows`; otherwise the table's default gives the ids."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    pks: list[int] = []
    with connection.cursor() as cursor:
        if with_pks:
            sequence = _sequence(cursor, table, model._meta.pk.column)
            cursor.execute(
                "SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [sequence, len(rows)]
            )
            pks = [pk for (pk,) in cursor.fetchall()]
            columns = [quote(model._meta.pk.column), *columns]
            rows = [(pk, *row) for pk, row in zip(pks, rows, strict=True)]
        sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
        with cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)
    return pks
