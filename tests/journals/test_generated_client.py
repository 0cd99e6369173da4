"""A client generated from the served OpenAPI document (openapi-python-client) works without hand edits.

The document is read from a live server, a client package is generated from it into a temporary directory
(settings: tests/journals/openapi_client.yaml) and imported; it then submits, lists, reads and resends journals
and reads the connectors, Exact's data and the mapping, against the service and the sandbox over real HTTP.
"""

from __future__ import annotations

import importlib
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest

from ledgerlink.connectors.models import Connector
from ledgerlink.core import clock
from ledgerlink.journals import apikeys
from ledgerlink.journals.posting import post_due
from ledgerlink.tenancy.audit import Actor
from tests.support.exact import Setup

pytestmark = pytest.mark.django_db(transaction=True)

CONFIG = Path(__file__).with_name("openapi_client.yaml")
GENERATOR = Path(sys.executable).with_name("openapi-python-client")


@pytest.fixture
def generated(live_server: Any, tmp_path: Path) -> Iterator[Any]:
    document = tmp_path / "openapi.json"
    # Generous timeouts: on a loaded machine the document alone has taken 11 s to build.
    document.write_bytes(httpx.get(f"{live_server.url}/api/v1/openapi.json", timeout=120).raise_for_status().content)
    result = subprocess.run(
        [
            *(str(GENERATOR), "generate", "--path", str(document), "--meta", "none", "--fail-on-warning"),
            *("--output-path", str(tmp_path / "ledgerlink_client"), "--config", str(CONFIG)),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    sys.path.insert(0, str(tmp_path))
    try:
        yield importlib.import_module("ledgerlink_client")
    finally:
        sys.path.remove(str(tmp_path))
        for name in [name for name in sys.modules if name.split(".")[0] == "ledgerlink_client"]:
            del sys.modules[name]


def _journal(client: Any, reference: str, day: date, ledger: str) -> Any:
    body = importlib.import_module("ledgerlink_client.models.post_journal_journal_in")
    line = importlib.import_module("ledgerlink_client.models.post_journal_journal_in_line_in")
    return body.PostJournalJournalIn(
        reference=reference,
        kind=importlib.import_module("ledgerlink_client.models.post_journal_journal_in_kind").PostJournalJournalInKind(
            "cash"
        ),
        connector=1,
        date=day,
        description="Cash closing",
        lines=[
            line.PostJournalJournalInLineIn(ledger_code="1000", debit="121.00"),
            line.PostJournalJournalInLineIn(ledger_code=ledger, credit="100.00", vat_code="2", vat_amount="21.00"),
        ],
    )


def test_a_generated_client_submits_lists_reads_and_resends_and_reads_the_reference_and_mapping(
    generated: Any, live_server: Any, setup: Setup, connected: Connector, clocks: Any
) -> None:
    key = apikeys.create_key(Actor.system(), setup.company, "ERP").plaintext
    client = generated.AuthenticatedClient(
        base_url=live_server.url, token=key, raise_on_unexpected_status=True, timeout=httpx.Timeout(120)
    )
    api = "ledgerlink_client.api"
    journals = {name: importlib.import_module(f"{api}.journals.{name}") for name in ("post_journal", "list_journals")}
    journals |= {name: importlib.import_module(f"{api}.journals.{name}") for name in ("get_journal", "resend_journal")}
    connectors = importlib.import_module(f"{api}.connectors.list_connectors")
    refresh = importlib.import_module(f"{api}.exact_data.refresh_reference")
    accounts = importlib.import_module(f"{api}.exact_data.gl_accounts")
    mapping = importlib.import_module(f"{api}.mapping.get_mapping")
    day = clocks.now().date()

    (connector,) = connectors.sync(client=client)
    assert connector.number == 1 and connector.status.value == "connected" and connector.days_left == 30
    assert refresh.sync(client=client, number=1).counts.additional_properties["gl-accounts"] > 0
    page = accounts.sync(client=client, number=1, page_size=200)
    assert page.age_seconds == 0 and "8000" in {account.code for account in page.items}
    assert mapping.sync(client=client, number=1).cash_journal_code == "90"

    created = journals["post_journal"].sync_detailed(client=client, body=_journal(client, "GEN-1", day, "8000"))
    assert created.status_code == 201, created.content
    failing = journals["post_journal"].sync(client=client, body=_journal(client, "GEN-2", day, "9999"))
    again = journals["post_journal"].sync_detailed(client=client, body=_journal(client, "GEN-1", day, "8000"))
    assert again.status_code == 200 and again.parsed.id == created.parsed.id

    post_due(clock.now())  # the worker's round, in this process
    posted = journals["get_journal"].sync(client=client, journal_id=created.parsed.id)
    assert posted.status == "posted" and posted.exact_entry_number, posted
    failed = journals["get_journal"].sync(client=client, journal_id=failing.id)
    assert failed.status == "failed" and failed.status_code

    listed = journals["list_journals"].sync(client=client, page_size=10)
    assert listed.count == 2 and {j.reference for j in listed.items} == {"GEN-1", "GEN-2"}
    assert listed.counts.additional_properties["posted"] == 1

    resent = journals["resend_journal"].sync(client=client, journal_id=failing.id)
    assert resent.status == "queued"
    refused = journals["resend_journal"].sync_detailed(client=client, journal_id=created.parsed.id)
    assert refused.status_code == 409 and refused.parsed.code == "journal.not_resendable"
    assert refused.parsed.title == "Conflict" and refused.parsed.detail
