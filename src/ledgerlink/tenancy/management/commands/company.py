from __future__ import annotations

import argparse
from typing import Any

from ledgerlink.core.commands import Error, SubcommandCommand
from ledgerlink.tenancy import actions
from ledgerlink.tenancy.audit import Actor
from ledgerlink.tenancy.choices import Language
from ledgerlink.tenancy.models import Company


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}")
    if value < 1:
        raise argparse.ArgumentTypeError("must be a positive whole number")
    return value


class Command(SubcommandCommand):
    help = "Companies: create, list, set-alias."
    subcommands = {
        "create": "create a company",
        "list": "list companies with alias and licences",
        "set-alias": "set or clear (empty string) a company's alias",
    }

    def arguments_create(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--number", type=_positive_int, required=True, help="company number (unique)")
        parser.add_argument("--name", required=True, help="company name")
        parser.add_argument("--alias", help="lower-case DNS label, 3-40 characters (optional)")
        parser.add_argument(
            "--language",
            choices=Language.values,
            default=Language.NL,
            help="its users' language unless they choose (nl)",
        )

    def arguments_list(self, parser: argparse.ArgumentParser) -> None:
        pass

    def arguments_set_alias(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("company", help="company number or current alias")
        parser.add_argument("alias", help="new alias; an empty string '' clears it")

    def handle_create(self, number: int, name: str, alias: str | None, language: str, **_: Any) -> None:
        try:
            company = actions.create_company(Actor.cli(), number, name, alias, language=language)
        except actions.TenancyError as exc:
            raise Error(str(exc))
        self.stdout.write(
            f"created company {company.number} {company.name}" + (f" (alias {company.alias})" if company.alias else "")
        )

    def handle_list(self, **_: Any) -> None:
        companies = Company.objects.prefetch_related("licences")
        if not companies:
            self.stdout.write("no companies")
            return
        self.stdout.write(f"{'NUMBER':>8}  {'ALIAS':<20}  {'LICENCES':<20}  NAME")
        for company in companies:
            licences = ",".join(licence.module for licence in company.licences.all()) or "-"
            self.stdout.write(f"{company.number:>8}  {company.alias or '-':<20}  {licences:<20}  {company.name}")

    def handle_set_alias(self, company: str, alias: str, **_: Any) -> None:
        try:
            target = actions.get_company_by_alias_or_number(company)
            target = actions.update_company(Actor.cli(), target, alias=alias or None, set_alias=True)
        except actions.TenancyError as exc:
            raise Error(str(exc))
        self.stdout.write(f"company {target.number} alias: {target.alias or '(none)'}")
