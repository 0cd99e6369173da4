"""Django's makemessages with this project's settings, so that every helper's catalogue merges cleanly.

Always run over the service's own package (``src/ledgerlink``) into ``src/ledgerlink/locale``, for Dutch
unless ``-l`` says otherwise, without source locations (``--no-location``: line numbers would change with
every edit and make the catalogue conflict), without obsolete entries, sorted by msgid, and with no
creation date in the header. So the same sources always give the same file, byte for byte.

``--check`` extracts into a copy and changes nothing: it fails (exit status 1) when the catalogue is not
what the sources give, naming the strings that are new or gone. ``make test`` runs it.
"""

from __future__ import annotations

import difflib
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.core.management.commands import makemessages

import ledgerlink

PACKAGE_DIR = Path(ledgerlink.__file__).resolve().parent
CATALOGUE = PACKAGE_DIR / "locale" / "nl" / "LC_MESSAGES" / "django.po"
_CREATION_DATE = re.compile(r'^"POT-Creation-Date: [^"]*"\n', re.MULTILINE)


class Command(makemessages.Command):
    help = "Update locale/nl/LC_MESSAGES/django.po from the sources (--check: only say whether it would change)."

    msgmerge_options = [*makemessages.Command.msgmerge_options, "--sort-output"]
    msguniq_options = [*makemessages.Command.msguniq_options, "--sort-output"]
    msgattrib_options = [*makemessages.Command.msgattrib_options, "--sort-output"]

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--check", action="store_true", help="Change nothing; exit 1 when the catalogue is not up to date."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        options["locale"] = options["locale"] or ["nl"]
        options["no_location"] = True
        options["add_location"] = None
        options["no_obsolete"] = True
        options["ignore_patterns"] = [*options["ignore_patterns"], "static", "migrations", "__pycache__"]
        if options.pop("check"):
            self._check(*args, **options)
            return
        self._extract(PACKAGE_DIR, *args, **options)

    def _extract(self, package_dir: Path, *args: Any, **options: Any) -> None:
        here = Path.cwd()
        os.chdir(package_dir)
        try:
            super().handle(*args, **options)
        finally:
            os.chdir(here)
        for po in (package_dir / "locale").glob(f"*/LC_MESSAGES/{options['domain']}.po"):
            po.write_text(_CREATION_DATE.sub("", po.read_text(encoding="utf-8")), encoding="utf-8")

    def _check(self, *args: Any, **options: Any) -> None:
        with tempfile.TemporaryDirectory(prefix="makemessages-check-") as tmp:
            copy = Path(tmp) / "ledgerlink"
            shutil.copytree(PACKAGE_DIR, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo", "static"))
            self._extract(copy, *args, **{**options, "verbosity": 0})
            wanted = (copy / CATALOGUE.relative_to(PACKAGE_DIR)).read_text(encoding="utf-8")
        have = CATALOGUE.read_text(encoding="utf-8") if CATALOGUE.exists() else ""
        if wanted == have:
            if options["verbosity"] > 0:
                self.stdout.write("The catalogue is up to date.")
            return
        changed = [
            line
            for line in difflib.unified_diff(have.splitlines(), wanted.splitlines(), lineterm="", n=0)
            if line.startswith(("+msgid", "-msgid", "+#, fuzzy", "+msgid_plural"))
        ]
        raise CommandError(
            "The catalogue is not what the sources give ('+' new, '-' gone); run `make messages` and translate:\n"
            + "\n".join(changed[:60] or ["(only its layout differs)"])
            + ("\n…" if len(changed) > 60 else ""),
            returncode=1,
        )
