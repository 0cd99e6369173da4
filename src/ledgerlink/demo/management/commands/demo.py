"""``ledgerlink demo``: migrate, seed, start the sandbox and a worker, print where to go, and serve.

Used by `make run`. Everything it starts stops with it.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from ledgerlink.core.files import private_dir
from ledgerlink.core.server import serve
from ledgerlink.demo import sandbox, seed
from ledgerlink.tenancy.addresses import company_url


def fresh_metrics_dir() -> None:
    """The demo starts its processes anew: counters of earlier runs' processes are not this run's."""
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        for stale in Path(directory).glob("*.db"):
            stale.unlink(missing_ok=True)


class Command(BaseCommand):
    help = "Migrate, seed the demo, start the Exact Online sandbox and a worker, print URLs and logins, serve."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--port", type=int, default=8000, help="web port (default 8000)")
        parser.add_argument("--seed-only", action="store_true", help="seed and exit without serving")
        parser.add_argument("--no-worker", action="store_true", help="do not start a worker")

    def handle(self, *args: Any, port: int, seed_only: bool, no_worker: bool, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        result = seed.seed()
        children: list[subprocess.Popen[Any]] = []
        sandbox_url = settings.LEDGERLINK_EXACT_SANDBOX_URL
        connector_line = ""
        try:
            if sandbox_url:
                private_dir(settings.VAR_DIR)
                started = sandbox.start(sandbox_url, Path(settings.VAR_DIR) / "sandbox-state.pickle")
                if started is not None:
                    children.append(started)
                connector = sandbox.authorize_demo_connector(result.company, sandbox_url, str(port))
                connector_line = (
                    f"  connector {connector.number} is Connected to the sandbox "
                    f"(division {connector.division} {connector.division_name})"
                )
            self._print(result, port, sandbox_url, connector_line)
            if seed_only:
                return
            fresh_metrics_dir()
            if not no_worker:
                children.append(subprocess.Popen([sys.executable, "-m", "ledgerlink.cli", "worker", "--interval", "2"]))
            serve(bind=f"127.0.0.1:{port}", workers=2, threads=4)
        finally:
            for child in children:
                child.terminate()
            for child in children:
                try:
                    child.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    child.kill()

    def _print(self, result: seed.SeedResult, port: int, sandbox_url: str | None, connector_line: str) -> None:
        seeded = "(seeded: " + ", ".join(result.created) + ")" if result.created else "(already seeded)"
        lines = [
            "",
            f"ledgerlink demo {seeded}",
            f"  company {seed.COMPANY_NUMBER} {seed.COMPANY_NAME}: {company_url(seed.COMPANY_ALIAS, '/', port)}",
            f"      sign in as {seed.ADMIN[0]} / {seed.ADMIN[1]} (in English), "
            f"or {seed.DUTCH_ADMIN[0]} / {seed.DUTCH_ADMIN[1]} (in Dutch: the company's language)",
            f"  operators (all companies): {company_url(None, '/', port)}",
            f"      sign in as {seed.OPERATOR[0]} / {seed.OPERATOR[1]} (leave the company number empty),",
            f"      or with company number {seed.COMPANY_NUMBER} as {seed.ADMIN[0]} / {seed.ADMIN[1]}",
            f"  operator console (who needs help): {company_url(None, '/operations/', port)}",
            f"  health: {company_url(None, '/readyz', port)}   Prometheus: {company_url(None, '/metrics', port)}",
        ]
        if sandbox_url:
            lines += [
                f"  Exact Online sandbox: {sandbox_url}/appcenter (App Center; sign in at Exact as "
                f"{sandbox.DEMO_EXACT_USER} / demo)",
                connector_line,
            ]
        self.stdout.write("\n".join(lines) + "\n")
