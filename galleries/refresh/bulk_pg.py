"""PostgreSQL's path for the refresh's new rows: COPY, with the new ids allocated first.

An executemany of INSERTs through Django's cursor binds every row's parameters client-side,
in Python, and the ids then had to be read back with another query over the whole scope.
Here one `nextval` query allocates the new rows' ids from the table's own sequence (so the
caller gets them without reading anything back) and one COPY sends the rows, formatted by
psycopg's C code in its text format. Each round trip counts: while the listing threads parse
pages, the applying thread waits for the GIL after each answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import models


def _new_pks(cursor: Any, table: str, pk_column: str, count: int) -> list[int]:
    """`count` ids from the sequence `table.pk_column` draws from, in one round trip (the
    sequence is looked up once, by the subquery, not once a row)."""
    cursor.execute(
        "SELECT nextval((SELECT pg_get_serial_sequence(%s, %s))::regclass)"
        " FROM generate_series(1, %s)",
        [table, pk_column, count],
    )
    pks = [pk for (pk,) in cursor.fetchall()]
    if None in pks:
        raise LookupError(f"{table}.{pk_column} draws from no sequence")
    return pks


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
            pks = _new_pks(cursor, table, model._meta.pk.column, len(rows))
            columns = [quote(model._meta.pk.column), *columns]
            rows = [(pk, *row) for pk, row in zip(pks, rows, strict=True)]
        sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
        with cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)
    return pks
