"""CPU time of the processes a benchmark loads, read from /proc: the server's (its master
and workers) and PostgreSQL's backends serving the benchmark's database. Unlike timings, other
load on a shared machine barely moves these figures."""

from __future__ import annotations

import os
from pathlib import Path


def cpu_seconds(pids: set[int] | None, root: int | None = None) -> dict[int, float]:
    """User + system CPU seconds of these processes, or of `root` and its children, by pid."""
    ticks = os.sysconf("SC_CLK_TCK")
    found: dict[int, float] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        pid = int(stat.parent.name)
        if pids is not None and pid not in pids:
            continue
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone meanwhile
        if pids is not None or root in (pid, int(fields[1])):
            found[pid] = (int(fields[11]) + int(fields[12])) / ticks
    return found


def cpu_spent(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds spent between two readings by the processes alive at both."""
    return sum(after[pid] - before[pid] for pid in before.keys() & after.keys())


def database_backends() -> set[int]:
    """PostgreSQL's server processes serving the benchmark's database (none on SQLite)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return set()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
            " AND pid <> pg_backend_pid()"
        )
        return {pid for (pid,) in cursor.fetchall()}
