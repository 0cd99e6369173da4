"""``ledgerlink demo``: migrate, seed, print where to go, and serve. Used by `make run`."""

from __future__ import annotations

import argparse
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from ledgerlink.core.server import serve
from ledgerlink.demo import seed


class Command(BaseCommand):
    help = "Migrate the database, seed the demo company and users, print the URLs and logins, and serve."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--port", type=int, default=8000, help="web port (default 8000)")
        parser.add_argument("--seed-only", action="store_true", help="seed and exit without serving")

    def handle(self, *args: Any, port: int, seed_only: bool, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        result = seed.seed()
        scheme = settings.LEDGERLINK_PUBLIC_SCHEME
        base = settings.LEDGERLINK_BASE_DOMAIN
        self.stdout.write("")
        self.stdout.write("ledgerlink demo " + ("(seeded: " + ", ".join(result.created) + ")" if result.created
                                                 else "(already seeded)"))
        self.stdout.write(f"  company {seed.COMPANY_NUMBER} {seed.COMPANY_NAME}: "
                          f"{scheme}://{seed.COMPANY_ALIAS}.{base}:{port}/")
        self.stdout.write(f"      sign in as {seed.ADMIN[0]} / {seed.ADMIN[1]}")
        self.stdout.write(f"  operators (all companies): {scheme}://{base}:{port}/")
        self.stdout.write(f"      sign in as {seed.OPERATOR[0]} / {seed.OPERATOR[1]} (leave the company number empty),")
        self.stdout.write(f"      or with company number {seed.COMPANY_NUMBER} as {seed.ADMIN[0]} / {seed.ADMIN[1]}")
        self.stdout.write("")
        if not seed_only:
            serve(bind=f"127.0.0.1:{port}", workers=2, threads=4)
