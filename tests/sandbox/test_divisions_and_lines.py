"""hrm/Divisions and system/AllDivisions, and POST generaljournalentry/GeneralJournalEntryLines (issue 17)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from exact_sandbox.seed import FILIAAL_USER
from exact_sandbox.testing import SandboxHandle

from .conftest import Connection, connect

GJE = "/api/v1/7001/generaljournalentry/GeneralJournalEntries"
LINES = "/api/v1/7001/generaljournalentry/GeneralJournalEntryLines"
LEDGER = "/api/v1/7001/financialtransaction/TransactionLines"


def test_hrm_divisions_lists_the_users_divisions_and_all_divisions_the_whole_licence(
    exact_sandbox: SandboxHandle,
) -> None:
    branch = connect(exact_sandbox, FILIAAL_USER)
    hrm = branch.get("/api/v1/7002/hrm/Divisions").json()["d"]["results"]
    assert [(d["Code"], d["HID"], d["Main"], d["Status"]) for d in hrm] == [(7002, "2", False, 0)]
    assert hrm[0]["__metadata"]["type"] == "Exact.Web.Api.Models.HRM.Division"
    assert hrm[0]["__metadata"]["uri"].endswith("/api/v1/7002/hrm/Divisions(7002)")
    everything = branch.get("/api/v1/7002/system/AllDivisions").json()["d"]["results"]
    assert [(d["Code"], d["Description"], d["IsMainDivision"]) for d in everything] == [
        (7001, "Demo Retail BV", True),
        (7002, "Demo Retail Filiaal", False),
    ]
    assert everything[0]["__metadata"]["type"] == "Exact.Web.Api.Models.System.AllDivision"
    mine = branch.get("/api/v1/7002/system/Divisions").json()["d"]["results"]
    assert [d["Code"] for d in mine] == [7002]
    one = branch.get("/api/v1/7002/hrm/Divisions(7002)", **{"$select": "Code,Description,CustomerName"})
    assert one.json()["d"]["Description"] == "Demo Retail Filiaal"


def test_division_sets_answer_only_in_divisions_the_user_may_use(exact_sandbox: SandboxHandle) -> None:
    branch = connect(exact_sandbox, FILIAAL_USER)
    assert branch.get("/api/v1/7001/system/AllDivisions").status_code == 403


def _entry(conn: Connection) -> dict[str, Any]:
    ids = conn.gl_ids()
    body = {
        "JournalCode": "90",
        "GeneralJournalEntryLines": [
            {"GLAccount": ids["1000"], "AmountFC": 30, "Description": "kas"},
            {"GLAccount": ids["1700"], "AmountFC": -30, "Description": "cadeaubon"},
        ],
    }
    return conn.post(GJE, body).json()["d"]


def _ledger(conn: Connection, entry_id: str) -> list[dict[str, Any]]:
    return conn.get(
        LEDGER,
        **{"$select": "GLAccountCode,AmountDC,LineNumber", "$filter": f"EntryID eq guid'{entry_id}'"},
    ).json()["d"]["results"]


def test_a_line_is_posted_on_its_own_to_an_existing_entry(exact_sandbox: SandboxHandle, conn: Connection) -> None:
    entry = _entry(conn)
    ids = conn.gl_ids()
    line = {"EntryID": entry["EntryID"], "GLAccount": ids["4910"], "AmountFC": 0, "Description": "afronding"}
    answer = conn.post(LINES, line)
    assert answer.status_code == 201, answer.text
    created = answer.json()["d"]
    assert created["__metadata"]["type"] == "Exact.Web.Api.Models.GeneralJournalEntryLine"
    assert answer.headers["Location"] == created["__metadata"]["uri"]
    assert (created["EntryID"], created["LineNumber"], created["GLAccountCode"]) == (entry["EntryID"], 3, "4910")
    lines = conn.get(f"{GJE}(guid'{entry['EntryID']}')/GeneralJournalEntryLines").json()["d"]["results"]
    assert sorted(row["LineNumber"] for row in lines) == [1, 2, 3]
    ledger = _ledger(conn, entry["EntryID"])
    assert len(ledger) == 3 and sum(Decimal(str(row["AmountDC"])) for row in ledger) == 0
    (stored,) = exact_sandbox.entries(7001)
    assert [line["gl_account_code"] for line in stored["lines"]] == ["1000", "1700", "4910"]


def test_a_line_on_its_own_must_keep_the_entry_in_balance(conn: Connection) -> None:
    entry = _entry(conn)
    ids = conn.gl_ids()
    unbalanced = conn.post(LINES, {"EntryID": entry["EntryID"], "GLAccount": ids["4910"], "AmountFC": 1})
    assert unbalanced.status_code == 400
    assert "The entry is not in balance: the lines add up to 1.00" in unbalanced.text
    with_vat = conn.post(LINES, {"EntryID": entry["EntryID"], "GLAccount": ids["8000"], "AmountFC": 0, "VATCode": "2"})
    assert with_vat.status_code == 201
    assert len(_ledger(conn, entry["EntryID"])) == 3


def test_a_line_on_its_own_names_an_existing_general_journal_entry(
    exact_sandbox: SandboxHandle, conn: Connection
) -> None:
    ids = conn.gl_ids()
    missing = conn.post(LINES, {"GLAccount": ids["1000"], "AmountFC": 0})
    assert missing.status_code == 400 and missing.json()["error"]["message"]["value"] == "Mandatory: Entry ID"
    unknown = "11111111-2222-3333-4444-555555555555"
    wrong = conn.post(LINES, {"EntryID": unknown, "GLAccount": ids["1000"], "AmountFC": 0})
    assert wrong.json()["error"]["message"]["value"] == f"Invalid reference: General journal entry {unknown}"
    entry = _entry(conn)
    now = exact_sandbox.now()
    exact_sandbox.close_period(7001, now.year, now.month)
    closed = conn.post(LINES, {"EntryID": entry["EntryID"], "GLAccount": ids["1000"], "AmountFC": 0})
    assert closed.status_code == 400 and "Financial period is closed" in closed.text
    assert conn.delete(f"{LINES}(guid'{entry['EntryID']}')").status_code == 405
