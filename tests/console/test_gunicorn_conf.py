"""The production web server's gunicorn settings (console/gunicorn_conf.py)."""

from __future__ import annotations

import gc
import importlib

import pytest

from console import gunicorn_conf


def test_a_worker_freezes_the_loaded_application_out_of_full_collections() -> None:
    # A full collection walking Django and the app stalled every thread of the worker for
    # about 100 ms: frozen objects are no longer walked.
    gc.unfreeze()
    try:
        gunicorn_conf.post_worker_init(worker=None)
        assert gc.get_freeze_count() > 1000
    finally:
        gc.unfreeze()


def test_each_worker_runs_four_threads_unless_web_threads_says(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("WEB_THREADS", raising=False)
    assert importlib.reload(gunicorn_conf).threads == 4
    monkeypatch.setenv("WEB_THREADS", "8")
    assert importlib.reload(gunicorn_conf).threads == 8
    monkeypatch.delenv("WEB_THREADS")
    importlib.reload(gunicorn_conf)
