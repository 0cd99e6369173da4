"""Shared plumbing for our management commands: one clear error line and a non-zero exit."""

from __future__ import annotations

import argparse
from typing import Any

from django.core.management.base import BaseCommand, CommandError


class Error(CommandError):
    """Printed by Django as ``Error: <message>`` on one line, exit status 1."""


class SubcommandCommand(BaseCommand):
    """A command with sub-commands (``company create``); each sub-command is a ``handle_<name>`` method."""

    subcommands: dict[str, str] = {}

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        sub = parser.add_subparsers(
            dest="subcommand", metavar="SUBCOMMAND", parser_class=type(parser)
        )  # keep Django's error handling
        sub.required = True
        for name, help_text in self.subcommands.items():
            sub_parser = sub.add_parser(
                name,
                help=help_text,
                description=help_text,
                called_from_command_line=getattr(parser, "called_from_command_line", None),
            )
            getattr(self, "arguments_" + name.replace("-", "_"))(sub_parser)

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["subcommand"]
        getattr(self, "handle_" + name.replace("-", "_"))(**options)
