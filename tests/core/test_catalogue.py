"""The Dutch catalogue is complete: every string the sources mark has a Dutch translation, none is fuzzy,
placeholders match, and the catalogue is exactly what `make messages` would make of the sources."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ledgerlink.core.management.commands.makemessages import CATALOGUE

pytestmark = pytest.mark.skipif(
    shutil.which("msgfmt") is None and os.environ.get("CI", "").lower() != "true",
    reason="GNU gettext is not installed (Debian: apt-get install gettext); CI installs it",
)


def _entries(*msgattrib_args: str) -> list[str]:
    """The msgids msgattrib selects (GNU gettext reads the file, not a parser of ours)."""
    out = subprocess.run(
        ["msgattrib", "--no-wrap", *msgattrib_args, str(CATALOGUE)], capture_output=True, text=True, check=True
    ).stdout
    msgids = [line.removeprefix("msgid ") for line in out.splitlines() if line.startswith("msgid ")]
    return [m for m in msgids if m != '""']  # the header


def test_every_msgid_is_translated_and_none_is_fuzzy() -> None:
    assert CATALOGUE.exists(), f"{CATALOGUE} is missing"
    untranslated = _entries("--untranslated")
    fuzzy = _entries("--only-fuzzy")
    assert (untranslated, fuzzy) == ([], []), (
        "Translate these in src/ledgerlink/locale/nl/LC_MESSAGES/django.po (docs/glossary-nl.md), and remove the "
        f"'#, fuzzy' line of each checked suggestion:\nuntranslated: {untranslated}\nfuzzy: {fuzzy}"
    )


def test_placeholders_match_and_the_catalogue_compiles(tmp_path: Path) -> None:
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", str(tmp_path / "django.mo"), str(CATALOGUE)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, result.stderr


def test_makemessages_finds_nothing_new(tmp_path: Path) -> None:
    """A new English string without its Dutch fails here: the check extracts the sources into a copy."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LEDGERLINK_", "DJANGO_"))}
    env.update(
        {"LEDGERLINK_DEBUG": "1", "LEDGERLINK_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "ledgerlink.settings"}
    )
    result = subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "--check"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_check_names_a_new_string(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The check is not vacuous: a string added to a copy of the sources is reported by its msgid."""
    from django.core.management import call_command
    from django.core.management.base import CommandError

    from ledgerlink.core.management.commands import makemessages

    copy = tmp_path / "ledgerlink"
    shutil.copytree(makemessages.PACKAGE_DIR, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo", "static"))
    (copy / "web" / "new_strings.py").write_text(
        'from django.utils.translation import gettext as _\n\nNEW = _("A sentence nobody translated yet")\n'
    )
    monkeypatch.setattr(makemessages, "PACKAGE_DIR", copy)
    monkeypatch.setattr(makemessages, "CATALOGUE", copy / CATALOGUE.relative_to(CATALOGUE.parents[3]))
    with pytest.raises(CommandError) as refused:
        call_command("makemessages", check=True, verbosity=0)
    assert '+msgid "A sentence nobody translated yet"' in str(refused.value)
