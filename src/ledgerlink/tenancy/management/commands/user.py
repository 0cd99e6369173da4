from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from ledgerlink.core.commands import Error, SubcommandCommand
from ledgerlink.tenancy import actions
from ledgerlink.tenancy.audit import Actor
from ledgerlink.tenancy.choices import Role
from ledgerlink.tenancy.models import User


def read_password(from_stdin: bool) -> str:
    """Passwords never travel as arguments (they would land in shell history and process lists)."""
    if from_stdin:
        password = sys.stdin.readline().rstrip("\n")
    elif sys.stdin.isatty():
        password = getpass.getpass("Password: ")
        if getpass.getpass("Password (again): ") != password:
            raise Error("the two passwords differ")
    else:
        raise Error("no password given: use --password-stdin, or run in a terminal to be asked")
    if not password:
        raise Error("the password is empty")
    return password


class Command(SubcommandCommand):
    help = "Users: create, set-password, list."
    subcommands = {
        "create": "create a company user (or an operator with --operator)",
        "set-password": "set a user's password",
        "list": "list users (of one company, or of all)",
    }

    def arguments_create(self, parser: argparse.ArgumentParser) -> None:
        who = parser.add_mutually_exclusive_group(required=True)
        who.add_argument("--company", help="company number or alias")
        who.add_argument("--operator", action="store_true", help="an operator: all companies, bare domain only")
        parser.add_argument("--username", required=True)
        parser.add_argument("--role", choices=[Role.ADMIN, Role.USER], default=Role.USER)
        parser.add_argument("--full-name", default="")
        parser.add_argument("--email", default="")
        parser.add_argument("--password-stdin", action="store_true", help="read the password from standard input")

    def arguments_set_password(self, parser: argparse.ArgumentParser) -> None:
        who = parser.add_mutually_exclusive_group(required=True)
        who.add_argument("--company", help="company number or alias")
        who.add_argument("--operator", action="store_true")
        parser.add_argument("--username", required=True)
        parser.add_argument("--password-stdin", action="store_true")

    def arguments_list(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--company", help="company number or alias (default: all)")

    def _company(self, key: str | None):  # type: ignore[no-untyped-def]
        if key is None:
            return None
        try:
            return actions.get_company_by_alias_or_number(key)
        except actions.TenancyError as exc:
            raise Error(str(exc))

    def handle_create(
        self,
        company: str | None,
        operator: bool,
        username: str,
        role: str,
        full_name: str,
        email: str,
        password_stdin: bool,
        **_: Any,
    ) -> None:
        target = self._company(company)
        password = read_password(password_stdin)
        try:
            user = actions.create_user(
                Actor.cli(),
                target,
                username,
                password,
                role=Role.OPERATOR if operator else role,
                full_name=full_name,
                email=email,
            )
        except actions.TenancyError as exc:
            raise Error(str(exc))
        where = "operator" if operator else f"company {target.number}"
        self.stdout.write(f"created user {user.username} ({where}, {user.role})")

    def handle_set_password(
        self, company: str | None, operator: bool, username: str, password_stdin: bool, **_: Any
    ) -> None:
        target = self._company(company)
        user = User.objects.for_company(target).filter(username=username).first()
        if user is None:
            raise Error(f"unknown user: {username}" + (f" in company {target.number}" if target else " (operator)"))
        try:
            actions.set_password(Actor.cli(), user, read_password(password_stdin))
        except actions.TenancyError as exc:
            raise Error(str(exc))
        self.stdout.write(f"password set for {user.username}")

    def handle_list(self, company: str | None, **_: Any) -> None:
        users = User.objects.all().select_related("company")
        if company:
            users = users.for_company(self._company(company))
        if not users:
            self.stdout.write("no users")
        for user in users:
            where = str(user.company.number) if user.company else "operator"
            state = "" if user.is_active else "  (inactive)"
            self.stdout.write(f"{where:>8}  {user.username:<24}  {user.role}{state}")
