from __future__ import annotations

import argparse
from typing import Any

from django.db import DatabaseError

from ledgerlink.connectors import actions, budgets
from ledgerlink.connectors.models import Connector
from ledgerlink.core import clock
from ledgerlink.core.commands import Error, SubcommandCommand
from ledgerlink.tenancy.actions import TenancyError, get_company_by_alias_or_number
from ledgerlink.tenancy.audit import Actor


class Command(SubcommandCommand):
    help = "Connectors: check, list, reencrypt."
    subcommands = {
        "check": "print a connector's state and call Exact's current/Me (exit 0 only when that works)",
        "list": "list connectors with their status",
        "reencrypt": "re-encrypt every stored secret with the first key of LEDGERLINK_ENCRYPTION_KEYS",
    }

    def arguments_check(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("company", help="company alias or number")
        parser.add_argument("number", type=int, help="connector number")

    def arguments_list(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--company", help="company alias or number (default: all)")

    def arguments_reencrypt(self, parser: argparse.ArgumentParser) -> None:
        pass

    def handle_check(self, company: str, number: int, **_: Any) -> None:
        try:
            self._check(company, number)
        except DatabaseError as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise Error(f"the database could not be reached ({first}); the tokens are safe, try again")

    def _check(self, company: str, number: int) -> None:
        try:
            target = get_company_by_alias_or_number(company)
        except TenancyError as exc:
            raise Error(str(exc))
        connector = Connector.objects.for_company(target).filter(number=number).first()
        if connector is None:
            raise Error(f"company {target.number} has no connector {number}")
        now = clock.now()
        self.stdout.write(f"connector {connector.number} {connector.name} (company {target.number})")
        self.stdout.write(
            f"  status:        {connector.get_status_display()}"
            + (f" — {connector.status_reason}" if connector.status_reason else "")
        )
        self.stdout.write(f"  region:        {connector.region}")
        self.stdout.write(f"  Exact user:    {connector.exact_user_name or '-'}")
        self.stdout.write(f"  division:      {connector.division or '-'} {connector.division_name}")
        self.stdout.write(f"  access until:  {connector.access_expires_at or '-'}")
        self.stdout.write(f"  tokens issued: {connector.tokens_issued_at or '-'}")
        self.stdout.write(f"  refreshes:     {connector.refresh_count} (last {connector.last_refresh_at or '-'})")
        self.stdout.write(
            f"  token calls today: {budgets.token_calls_today(connector, now)} of {budgets.token_call_limit()}"
        )
        if connector.early_rejections:
            self.stdout.write(f"  401s before the refresh window: {connector.early_rejections}")
        if connector.last_error:
            self.stdout.write(f"  last error:    {connector.last_error}")
        result = actions.test_connection(Actor.cli(), connector)
        if not result.ok:
            raise Error(result.message.text())
        self.stdout.write(f"  current/Me:    {result.message.text()}")

    def handle_list(self, company: str | None, **_: Any) -> None:
        connectors = Connector.objects.all().select_related("company")
        if company:
            try:
                connectors = connectors.for_company(get_company_by_alias_or_number(company))
            except TenancyError as exc:
                raise Error(str(exc))
        if not connectors:
            self.stdout.write("no connectors")
        for c in connectors:
            self.stdout.write(
                f"{c.company.number:>8}  {c.number:>4}  {c.get_status_display():<26}  {c.division or '-':>6}  {c.name}"
            )

    def handle_reencrypt(self, **_: Any) -> None:
        self.stdout.write(f"re-encrypted {actions.reencrypt_all()} secrets")
