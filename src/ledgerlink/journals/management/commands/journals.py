from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from ledgerlink.connectors.models import Connector
from ledgerlink.core import clock
from ledgerlink.core.commands import Error, SubcommandCommand
from ledgerlink.journals import import_jobs, importer
from ledgerlink.journals.choices import ImportStatus
from ledgerlink.journals.models import ImportJob
from ledgerlink.tenancy import actions
from ledgerlink.tenancy.actors import Actor

BAR = 30


class Command(SubcommandCommand):
    help = "Journals: import RetailVista's Exact Online cash-journal file."
    subcommands = {
        "import": "import a RetailVista cash-journal file (checked as a whole first; importing it again changes "
        "nothing)",
    }

    def arguments_import(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("file", type=Path, help="the .csv file RetailVista exported for Exact Online")
        parser.add_argument("--company", required=True, help="company alias or number")
        parser.add_argument("--connector", type=int, required=True, help="number of the connector to post through")
        parser.add_argument("--quiet", action="store_true", help="no progress bar")

    def handle_import(self, file: Path, company: str, connector: int, quiet: bool = False, **_: Any) -> None:
        try:
            target = actions.get_company_by_alias_or_number(company)
        except actions.TenancyError as exc:
            raise Error(str(exc))
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise Error(f"cannot read {file}: {exc.strerror}")
        if len(data) > importer.MAX_BYTES:
            raise Error(f"{file.name}: larger than {importer.MAX_BYTES // 2**20} MB; split the export")
        found = Connector.objects.for_company(target).filter(number=connector).first()
        if found is None:
            raise Error(f"company {target.number} has no connector {connector}")
        job, earlier = import_jobs.start(Actor.cli(), target, found, file.name, data)
        if earlier:
            self.stdout.write(f"{file.name}: uploaded before (import {job.pk}); nothing is imported twice")
        job = self._finish(job, file.name, quiet)
        problems = import_jobs.problems_of(job)
        for problem in problems:
            self.stderr.write(f"{file.name}: {problem}")
        if job.status != ImportStatus.DONE:
            raise Error(
                f"{file.name}: nothing imported ({job.problem_count} problem(s)); fix the file and import it again"
            )
        if job.skipped:
            self.stdout.write(f"skipped lines with a zero amount: {', '.join(map(str, job.skipped))}")
        self.stdout.write(f"{file.name}: {job.journals_created} new, {job.journals_unchanged} unchanged")

    def _finish(self, job: ImportJob, name: str, quiet: bool) -> ImportJob:
        """Run the import here (it is ours, or waiting); if a worker is running it, follow it until it ends."""
        shown = [-1]

        def bar(step: importer.Progress) -> None:
            if quiet:
                return
            percent = int(step.done * 100 / step.entries) if step.entries else 100
            if percent == shown[0]:
                return
            shown[0] = percent
            filled = BAR * percent // 100
            sys.stderr.write(
                f"\r{name}: {step.stage.value:<9} [{'#' * filled}{'.' * (BAR - filled)}] "
                f"{step.done}/{step.entries} entries"
            )
            sys.stderr.flush()

        if job.status not in import_jobs.FINISHED:
            claimed = import_jobs.claim(clock.now(), job.pk)
            if claimed is not None:
                job = import_jobs.run(claimed, bar)
            else:
                while job.status not in import_jobs.FINISHED:
                    time.sleep(1)
                    job.refresh_from_db()
            if not quiet and shown[0] >= 0:
                sys.stderr.write("\n")
        return job
