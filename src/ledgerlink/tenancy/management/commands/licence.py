from __future__ import annotations

import argparse
from typing import Any

from ledgerlink.core.commands import Error, SubcommandCommand
from ledgerlink.tenancy import actions
from ledgerlink.tenancy.audit import Actor
from ledgerlink.tenancy.choices import Module
from ledgerlink.tenancy.models import Licence


class Command(SubcommandCommand):
    help = "Module licences: grant, revoke, list."
    subcommands = {
        "grant": "grant a module licence to a company",
        "revoke": "revoke a module licence",
        "list": "list licences (of one company, or of all)",
    }

    def _company_and_module(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("company", help="company number or alias")
        parser.add_argument("module", help=f"one of: {', '.join(Module.values)}")

    arguments_grant = _company_and_module
    arguments_revoke = _company_and_module

    def arguments_list(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("company", nargs="?", help="company number or alias (default: all)")

    def handle_grant(self, company: str, module: str, **_: Any) -> None:
        try:
            target = actions.get_company_by_alias_or_number(company)
            created = actions.grant_licence(Actor.cli(), target, module)
        except actions.TenancyError as exc:
            raise Error(str(exc))
        self.stdout.write(f"company {target.number}: {module} " + ("granted" if created else "was already granted"))

    def handle_revoke(self, company: str, module: str, **_: Any) -> None:
        try:
            target = actions.get_company_by_alias_or_number(company)
            deleted = actions.revoke_licence(Actor.cli(), target, module)
        except actions.TenancyError as exc:
            raise Error(str(exc))
        self.stdout.write(f"company {target.number}: {module} " + ("revoked" if deleted else "was not granted"))

    def handle_list(self, company: str | None, **_: Any) -> None:
        licences = Licence.objects.all().select_related("company").order_by("company__number", "module")
        if company:
            try:
                licences = licences.for_company(actions.get_company_by_alias_or_number(company))
            except actions.TenancyError as exc:
                raise Error(str(exc))
        if not licences:
            self.stdout.write("no licences")
        for licence in licences:
            granted = f"{licence.granted_at:%Y-%m-%d}"
            self.stdout.write(f"{licence.company.number:>8}  {licence.module:<14}  granted {granted}")
