"""``ledgerlink worker``: background work (token keep-alive; journal posting) until SIGTERM."""

from __future__ import annotations

import argparse
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from ledgerlink.core.worker import jobs, run_forever, run_once


class Command(BaseCommand):
    help = "Run the background worker until SIGTERM. Several may run at once on one database."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--interval",
            type=float,
            default=settings.LEDGERLINK_WORKER_INTERVAL_SECONDS,
            help="seconds between rounds (default 60, env LEDGERLINK_WORKER_INTERVAL_SECONDS)",
        )
        parser.add_argument("--once", action="store_true", help="run one round and exit")

    def handle(self, *args: Any, interval: float, once: bool, **options: Any) -> None:
        if once:
            for name, result in run_once().items():
                self.stdout.write(f"{name}: {result}")
            return
        self.stdout.write(f"worker running: {', '.join(job.name for job in jobs())}; every {interval:g} s")
        run_forever(interval)
