"""Gunicorn, started from Python so that ``ledgerlink serve`` needs no separate config file."""

from __future__ import annotations

from typing import Any

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


def serve(bind: str, workers: int = 2, threads: int = 4) -> None:
    drop_server_header()  # before the workers are forked, so each inherits it
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
            "forwarded_allow_ips": "",  # proxy headers are judged by our own middleware (trusted proxies setting)
        }
    ).run()
