"""gunicorn's settings for the console's web server: `gunicorn -c python:console.gunicorn_conf`
(the Dockerfile's command; benchmarks/end_to_end.py serves through the same hooks).

Workers come from WEB_CONCURRENCY (gunicorn's own variable) and each runs WEB_THREADS threads:
a request spends part of its time waiting on the database or Redis, and a thread of the same
process serves another meanwhile, for less memory than another process.
"""

from __future__ import annotations

import gc
import os
from typing import Any

# Threads rather than more single-threaded (sync) workers: on the 2-core benchmark machine
# (benchmarks/end_to_end.py, the cascade's version fragment, 16 connections, machine under the
# same other load), 4 sync workers spent 1.63 ms of CPU per request and served 220 requests/s,
# 2 workers x 4 threads 1.27 ms and 503/s (each idle sync worker wakes for every connection);
# 2 x 2 threads and a 1 ms sys.setswitchinterval measured no better than 2 x 4.
threads = int(os.environ.get("WEB_THREADS", "4"))


def post_worker_init(worker: Any) -> None:
    """Once the worker has loaded the application (console.wsgi imports the URLs and views),
    move every object alive into the permanent generation: the garbage collector's full
    collections then no longer walk Django and the app, which took tens of milliseconds and
    showed as the p99 of small requests."""
    gc.freeze()
