"""Persistent connections are checked before reuse (console/db_backends/postgresql): one the
server has closed is replaced, not handed to the request's first query."""

from __future__ import annotations

import select

import pytest
from django.db import connection, connections

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_connection_the_server_closed_is_replaced_before_the_next_query():
    connection.ensure_connection()
    assert connection.is_usable()
    if connection.vendor == "postgresql":
        backend = connection.connection.info.backend_pid
        other = connections.create_connection("default")
        try:
            with other.cursor() as cursor:
                cursor.execute("SELECT pg_terminate_backend(%s)", [backend])
        finally:
            other.close()
        # The server's last word reaches this end of the connection.
        select.select([connection.connection.pgconn.socket], [], [], 10)
        assert not connection.is_usable()
        connection.close_if_health_check_failed()
    connection.health_check_done = False
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)
