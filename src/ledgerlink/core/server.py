"""Gunicorn, started from Python so that ``ledgerlink serve`` needs no separate config file."""

from __future__ import annotations

import logging
import os
from typing import Any

from django.conf import settings
from gunicorn.app.base import BaseApplication

from ledgerlink.core.accesslog import RedactingLogger, drop_server_header


class _Gunicorn(BaseApplication):
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):  # type: ignore[no-untyped-def]
        from ledgerlink.wsgi import application

        return application


log = logging.getLogger("ledgerlink.serve")


def _child_exit(server: object, worker: Any) -> None:
    """A gunicorn worker ended: its live gauges leave /metrics (its counters stay, as counters must)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)


def serve(bind: str, workers: int = 2, threads: int = 4) -> None:
    drop_server_header()  # before the workers are forked, so each inherits it
    if not settings.DEBUG and not settings.LEDGERLINK_METRICS_TOKEN:
        log.warning("LEDGERLINK_METRICS_TOKEN is not set: /metrics on the bare domain is open to anyone who reaches it")
    if workers > 1 and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        log.warning("PROMETHEUS_MULTIPROC_DIR is not set: each scrape of /metrics shows one web process's counters")
    _Gunicorn(
        {
            "bind": bind,
            "workers": workers,
            "threads": threads,
            "worker_class": "gthread",
            "accesslog": "-",
            "logger_class": RedactingLogger,  # no oAuth codes, states or login tickets in the access log
            "errorlog": "-",
            "graceful_timeout": 20,
            "timeout": 60,
            "child_exit": _child_exit,
            "forwarded_allow_ips": "",  # proxy headers are judged by our own middleware (trusted proxies setting)
        }
    ).run()
