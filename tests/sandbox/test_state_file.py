"""A demo's sandbox survives a restart: `--state-file` keeps apps, tokens and data in a file (issue 15, 9)."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx


@contextmanager
def sandbox(state_file: Path) -> Iterator[str]:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "exact_sandbox",
            "--port",
            "0",
            "--log-level",
            "WARNING",
            "--state-file",
            str(state_file),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        line = process.stdout.readline() if process.stdout else ""
        match = re.search(r"listening on (http://\S+)", line)
        assert match, line
        yield match.group(1)
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_apps_and_tokens_survive_a_restart_until_reset(tmp_path: Path) -> None:
    state_file = tmp_path / "sandbox-state.pickle"
    with sandbox(state_file) as base:
        app = httpx.post(
            f"{base}/_sandbox/apps",
            json={"name": "Kept", "redirect_uri": "http://demo.localhost/oauth.ashx?provider=2"},
        ).json()
        code = httpx.post(
            f"{base}/_sandbox/authorize",
            json={"client_id": app["client_id"], "user": "demo@exact.example", "redirect_uri": app["redirect_uri"]},
        ).json()["code"]
        tokens = httpx.post(
            f"{base}/api/oauth2/token",
            data={
                "grant_type": "authorization_code",
                "code": code,
                "client_id": app["client_id"],
                "client_secret": app["client_secret"],
                "redirect_uri": app["redirect_uri"],
            },
        ).json()
    assert state_file.exists() and oct(state_file.stat().st_mode & 0o777) == "0o600"
    bearer = {"Authorization": f"Bearer {tokens['access_token']}", "Accept": "application/json"}
    with sandbox(state_file) as base:
        accounts = httpx.get(
            f"{base}/api/v1/7001/financial/GLAccounts", params={"$select": "ID,Code"}, headers=bearer
        ).json()["d"]["results"]
        ids = {a["Code"].strip(): a["ID"] for a in accounts}
        posted = httpx.post(
            f"{base}/api/v1/7001/generaljournalentry/GeneralJournalEntries",
            headers=bearer,
            json={
                "JournalCode": "90",
                "GeneralJournalEntryLines": [
                    {"GLAccount": ids["1000"], "AmountFC": 30, "Description": "kas"},
                    {"GLAccount": ids["1700"], "AmountFC": -30, "Description": "cadeaubon"},
                ],
            },
        )
        # Saving the state after a stored entry used to fail (a read-only mapping in the entry), so the
        # sandbox answered 500 for an entry it had stored.
        assert posted.status_code == 201, posted.text

    with sandbox(state_file) as base:
        apps = [a["client_id"] for a in httpx.get(f"{base}/_sandbox/state").json()["apps"]]
        assert app["client_id"] in apps
        me = httpx.get(
            f"{base}/api/v1/current/Me",
            headers={"Authorization": f"Bearer {tokens['access_token']}", "Accept": "application/json"},
        )
        assert me.status_code == 200, me.text
        entries = httpx.get(f"{base}/_sandbox/entries/7001").json()["entries"]
        assert [e["entry_number"] for e in entries] == [posted.json()["d"]["EntryNumber"]]
        assert httpx.post(f"{base}/_sandbox/reset", json={}).status_code < 300

    with sandbox(state_file) as base:
        assert httpx.get(f"{base}/_sandbox/state").json()["apps"] == []
