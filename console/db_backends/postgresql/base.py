"""Django's PostgreSQL backend, with a health check that costs no round trip when there is
nothing to suspect.

With persistent connections and CONN_HEALTH_CHECKS, Django runs `SELECT 1` before the first
query of every request: a round trip to the server, about a third of a cached fragment's
time on PostgreSQL. A connection the server has closed (a restart, pg_terminate_backend, an
idle timeout) has something waiting on its socket: the server's last message, or the end of
the stream. So an idle connection whose socket has nothing to read is taken as it is, and
only one with something unasked-for waiting (or inside a transaction) gets Django's
`SELECT 1`. A server that vanished without a word is found by the request's own query, as it
would have been by `SELECT 1`, and the connection is then closed at the end of the request.
"""

from __future__ import annotations

import select

import psycopg
from django.db.backends.postgresql import base
from psycopg import pq


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        connection = self.connection
        if connection is None or connection.closed or connection.broken:
            return False
        if connection.info.transaction_status != pq.TransactionStatus.IDLE:
            return super().is_usable()
        try:
            poll = select.poll()
            poll.register(connection.pgconn.socket, select.POLLIN)
            waiting = poll.poll(0)
        except (OSError, ValueError, psycopg.Error):
            return super().is_usable()
        return super().is_usable() if waiting else True
