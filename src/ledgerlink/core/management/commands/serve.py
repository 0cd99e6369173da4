"""``ledgerlink serve``: the web service under gunicorn."""

from __future__ import annotations

import argparse
from typing import Any

from django.core.management.base import BaseCommand

from ledgerlink.core import env
from ledgerlink.core.server import serve


class Command(BaseCommand):
    help = "Run the web service with gunicorn."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--bind",
            default=env.get_str("LEDGERLINK_BIND", "127.0.0.1:8000"),
            help="address:port to listen on (default 127.0.0.1:8000, env LEDGERLINK_BIND)",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=env.get_int("LEDGERLINK_WEB_WORKERS", 2),
            help="gunicorn worker processes (default 2, env LEDGERLINK_WEB_WORKERS)",
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=env.get_int("LEDGERLINK_WEB_THREADS", 4),
            help="threads per worker (default 4)",
        )

    def handle(self, *args: Any, bind: str, workers: int, threads: int, **options: Any) -> None:
        serve(bind=bind, workers=workers, threads=threads)
