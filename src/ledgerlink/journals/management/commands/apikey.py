from __future__ import annotations

import argparse
from typing import Any

from ledgerlink.core.commands import Error, SubcommandCommand
from ledgerlink.journals import apikeys
from ledgerlink.journals.models import ApiKey
from ledgerlink.tenancy import actions
from ledgerlink.tenancy.audit import Actor
from ledgerlink.tenancy.choices import Module
from ledgerlink.tenancy.licences import has_licence


class Command(SubcommandCommand):
    help = "Company API keys for the REST API: create, list, revoke."
    subcommands = {
        "create": "create an API key and print it (it is shown only this once)",
        "list": "list API keys (prefix, name, created, last used, revoked); never the keys themselves",
        "revoke": "revoke an API key by its prefix",
    }

    def arguments_create(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--company", required=True, help="company alias or number")
        parser.add_argument("--name", default="", help="what uses the key (default: 'API key')")

    def arguments_list(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--company", help="company alias or number (default: all)")

    def arguments_revoke(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("prefix", help="the key's prefix (the 8 characters after llk_)")
        parser.add_argument("--company", help="company alias or number (default: the key's company)")

    def _company(self, key: str):  # type: ignore[no-untyped-def]
        try:
            return actions.get_company_by_alias_or_number(key)
        except actions.TenancyError as exc:
            raise Error(str(exc))

    def handle_create(self, company: str, name: str, **_: Any) -> None:
        target = self._company(company)
        try:
            made = apikeys.create_key(Actor.cli(), target, name)
        except apikeys.ApiKeyError as exc:
            raise Error(str(exc))
        # The key alone on stdout, so that KEY=$(ledgerlink apikey create …) works; the rest on stderr.
        self.stdout.write(made.plaintext)
        self.stderr.write(
            f"API key {made.record.prefix} ({made.record.name}) for company {target.number}; "
            "store it now, it is not shown again."
        )
        if not has_licence(target, Module.API):
            self.stderr.write(
                f"note: company {target.number} has no 'api' licence yet; the API refuses the key "
                f"until `ledgerlink licence grant {target.number} api`."
            )

    def handle_list(self, company: str | None, **_: Any) -> None:
        keys = ApiKey.objects.all().select_related("company").order_by("company__number", "-created_at", "-id")
        if company:
            keys = keys.for_company(self._company(company))
        if not keys:
            self.stdout.write("no API keys")
            return
        self.stdout.write(f"{'COMPANY':>8}  {'PREFIX':<8}  {'CREATED':<16}  {'LAST USED':<16}  {'REVOKED':<16}  NAME")
        for key in keys:

            def when(moment):  # type: ignore[no-untyped-def]
                return f"{moment:%Y-%m-%d %H:%M}" if moment else "-"

            self.stdout.write(
                f"{key.company.number:>8}  {key.prefix:<8}  {when(key.created_at):<16}  "
                f"{when(key.last_used_at):<16}  {when(key.revoked_at):<16}  {key.name}"
            )

    def handle_revoke(self, prefix: str, company: str | None, **_: Any) -> None:
        prefix = prefix.removeprefix("llk_").split("_", 1)[0]
        if company:
            target = self._company(company)
        else:
            key = ApiKey.objects.select_related("company").filter(prefix=prefix).first()
            if key is None:
                raise Error(f"no API key {prefix}")
            target = key.company
        try:
            record = apikeys.revoke_key(Actor.cli(), target, prefix)
        except apikeys.ApiKeyError as exc:
            raise Error(str(exc))
        self.stdout.write(f"API key {record.prefix} of company {target.number} revoked")
