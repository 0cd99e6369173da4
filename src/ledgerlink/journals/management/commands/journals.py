from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ledgerlink.core.commands import Error, SubcommandCommand
from ledgerlink.journals import importer
from ledgerlink.tenancy import actions


class Command(SubcommandCommand):
    help = "Journals: import RetailVista's Exact Online cash-journal file."
    subcommands = {
        "import": "import a RetailVista cash-journal file (all or nothing; importing it again changes nothing)",
    }

    def arguments_import(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("file", type=Path, help="the .csv file RetailVista exported for Exact Online")
        parser.add_argument("--company", required=True, help="company alias or number")
        parser.add_argument("--connector", type=int, required=True, help="number of the connector to post through")

    def handle_import(self, file: Path, company: str, connector: int, **_: Any) -> None:
        try:
            target = actions.get_company_by_alias_or_number(company)
        except actions.TenancyError as exc:
            raise Error(str(exc))
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise Error(f"cannot read {file}: {exc.strerror}")
        result = importer.import_file(target, connector, data)
        if not result.ok:
            for problem in result.problems:
                self.stderr.write(f"{file.name}: {problem}")
            raise Error(
                f"{file.name}: nothing imported ({len(result.problems)} problem(s)); fix the file and import it again"
            )
        for journal in result.journals:
            state = "new" if journal.created else "unchanged (imported before)"
            self.stdout.write(
                f"{journal.reference}  {journal.date:%Y-%m-%d}  {journal.lines:>3} lines  "
                f"debit {journal.debit}  credit {journal.credit}  journal {journal.journal_id}  {state}"
            )
        if result.skipped:
            self.stdout.write(f"skipped lines with a zero amount: {', '.join(map(str, result.skipped))}")
        self.stdout.write(f"{file.name}: {result.created} new, {result.unchanged} unchanged")
