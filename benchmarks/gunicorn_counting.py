"""gunicorn hooks for benchmarks/end_to_end.py: count SQL statements per request URL, server-side.

Loaded with `gunicorn -c benchmarks/gunicorn_counting.py` in place of production's
`-c python:console.gunicorn_conf`, whose settings and hooks it keeps; nothing in the console's
code or settings changes. Each worker counts requests and
the statements run while serving them (on whatever connection, pooled or not), keyed by path
and query string, and writes its tally to $BENCHMARK_COUNTS_DIR/<pid>.json when it exits.
"""

from __future__ import annotations

import json
import os
import threading
from collections import defaultdict
from pathlib import Path
from typing import Any

from console.gunicorn_conf import *  # noqa: F403 (production's settings, then its hooks below)
from console.gunicorn_conf import post_worker_init as production_post_worker_init

_lock = threading.Lock()
_current = threading.local()
_tally: defaultdict[str, list[int]] = defaultdict(lambda: [0, 0])  # url -> [requests, queries]


def _request_started(sender: Any, environ: dict[str, Any], **kwargs: Any) -> None:
    url = environ.get("PATH_INFO", "") + "?" + environ.get("QUERY_STRING", "")
    _current.url = url
    with _lock:
        _tally[url][0] += 1


def _count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
    url = getattr(_current, "url", None)
    if url is not None:
        with _lock:
            _tally[url][1] += 1
    return execute(sql, params, many, context)


def _connection_created(sender: Any, connection: Any, **kwargs: Any) -> None:
    if _count not in connection.execute_wrappers:
        connection.execute_wrappers.append(_count)


def post_worker_init(worker: Any) -> None:
    production_post_worker_init(worker)
    from django.core.signals import request_started
    from django.db.backends.signals import connection_created

    request_started.connect(_request_started, weak=False)
    connection_created.connect(_connection_created, weak=False)


def worker_exit(server: Any, worker: Any) -> None:
    folder = Path(os.environ["BENCHMARK_COUNTS_DIR"])
    with _lock:
        (folder / f"{os.getpid()}.json").write_text(json.dumps(dict(_tally)))
