"""Django's `DATABASES["default"]`, read from DATABASE_URL and the DATABASE_* variables
(see .env.example): the engine's own options, and how connections are kept or pooled."""

from __future__ import annotations

from typing import Any

import environ
from django.core.exceptions import ImproperlyConfigured

SQLITE = "django.db.backends.sqlite3"
POSTGRESQL = "django.db.backends.postgresql"
# Django's, with a health check that spares persistent connections a round trip per request.
CONSOLE_POSTGRESQL = "console.db_backends.postgresql"


def default_database(env: environ.Env, *, default_url: str, lock_timeout: float) -> dict[str, Any]:
    """The default database; `lock_timeout` is how long a write waits for a lock (seconds)."""
    database: dict[str, Any] = env.db("DATABASE_URL", default=default_url)
    options = database.setdefault("OPTIONS", {})
    if database["ENGINE"] == SQLITE:
        # WAL and a busy timeout let the web server, worker and beat share one SQLite file.
        options.update(
            {
                "timeout": lock_timeout,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            }
        )
    # Connections outlive a request (opening one is most of a small request's time on
    # PostgreSQL): each thread keeps its own for DATABASE_CONN_MAX_AGE seconds, checked before
    # reuse, unless DATABASE_POOL_SIZE > 0 gives each process a psycopg pool of that many
    # (PostgreSQL only).
    database["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=600)
    database["CONN_HEALTH_CHECKS"] = env.bool("DATABASE_CONN_HEALTH_CHECKS", default=True)
    if database["ENGINE"] == POSTGRESQL and env.bool("DATABASE_PREPARED_STATEMENTS", default=True):
        # Parameters bound by the server, and a statement run a few times on a connection
        # prepared: PostgreSQL then plans the cascade's queries once per connection, not on
        # every request (planning cost more than running them). Not for PgBouncer in
        # transaction mode.
        options.update({"server_side_binding": True, "prepare_threshold": 2})
    pool_size = env.int("DATABASE_POOL_SIZE", default=0)
    if pool_size > 0:
        if database["ENGINE"] != POSTGRESQL:
            raise ImproperlyConfigured("DATABASE_POOL_SIZE needs PostgreSQL.")
        database["CONN_MAX_AGE"] = 0  # the pool keeps them; Django must not
        options["pool"] = {
            "min_size": 1,
            "max_size": pool_size,
            "timeout": env.int("DATABASE_POOL_TIMEOUT_SECONDS", default=10),
        }
    if database["ENGINE"] == POSTGRESQL:
        database["ENGINE"] = CONSOLE_POSTGRESQL
    return database
