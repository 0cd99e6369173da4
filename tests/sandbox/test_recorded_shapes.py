"""Shape check: the sandbox's GLAccounts and crm Accounts against bodies recorded from a real Exact division.

The recorded bodies (Exact's own .NET SDK test data, MIT) are kept with the client's tests; this test
only reads them. The sandbox renders exactly the properties of Exact's entity, in Exact's order, with
the same JSON kind, the same padding of codes, and the same envelope and metadata shape.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from .conftest import Connection

RECORDED = Path(__file__).resolve().parents[1] / "exactlink" / "fixtures" / "recorded_dotnet"


def recorded(name: str) -> Any:
    path = RECORDED / name
    if not path.exists():
        pytest.skip(f"recorded Exact bodies not found at {path}")
    return json.loads(path.read_text(encoding="utf-8-sig"))


def kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        if re.fullmatch(r"/Date\(\d+\)/", value):
            return "date"
        if re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", value):
            return "guid"
        return "string"
    return type(value).__name__


def assert_same_shape(ours: dict[str, Any], theirs: dict[str, Any]) -> None:
    extra = set(ours) - set(theirs)
    assert not extra, f"properties Exact does not have: {sorted(extra)}"
    missing = set(theirs) - set(ours)
    assert not missing, f"properties of Exact's the sandbox does not render: {sorted(missing)}"
    assert [k for k in ours if k != "__metadata"] == [k for k in theirs if k != "__metadata"], "Exact's order"
    for name, value in ours.items():
        if name == "__metadata" or value is None or theirs[name] is None:
            continue
        assert kind(value) == kind(theirs[name]), (name, value, theirs[name])
        if name in ("Code", "Country", "SearchCode") and isinstance(value, str) and value != value.strip():
            assert len(value) == len(theirs[name]), (name, value, theirs[name])
    assert set(ours["__metadata"]) == set(theirs["__metadata"]) == {"uri", "type"}
    assert ours["__metadata"]["type"] == theirs["__metadata"]["type"]
    pattern = r".*/api/v1/\d+/[a-z]+/[A-Za-z]+\(guid'[0-9a-f-]{36}'\)$"
    assert re.fullmatch(pattern, ours["__metadata"]["uri"]) and re.fullmatch(pattern, theirs["__metadata"]["uri"])


def test_gl_accounts_match_the_recorded_collection(conn: Connection) -> None:
    theirs = recorded("Response_Json_Array_GLAccount.json")
    ours = conn.get("/api/v1/7001/financial/GLAccounts").json()
    assert set(ours) == set(theirs) == {"d"} and set(ours["d"]) >= {"results"}
    for row in ours["d"]["results"]:
        assert_same_shape(row, theirs["d"]["results"][0])


def test_gl_account_by_key_matches_the_recorded_object(conn: Connection) -> None:
    theirs = recorded("Response_Json_Object_GLAccount.json")
    gl_id = conn.gl_ids()["4000"]
    ours = conn.get(f"/api/v1/7001/financial/GLAccounts(guid'{gl_id}')").json()
    assert set(ours) == set(theirs) == {"d"} and "results" not in ours["d"]
    assert_same_shape(ours["d"], theirs["d"])


def test_crm_accounts_match_the_recorded_entities(conn: Connection) -> None:
    theirs = recorded("Response_Json_Object_Account.json")
    theirs.setdefault(
        "__metadata",
        {
            "uri": f"https://start.exactonline.nl/api/v1/1/crm/Accounts(guid'{theirs['ID']}')",
            "type": "Exact.Web.Api.Models.Account",
        },
    )
    for row in conn.get("/api/v1/7001/crm/Accounts").json()["d"]["results"]:
        assert_same_shape(row, theirs)


def test_every_recorded_property_can_be_selected_and_filtered(conn: Connection) -> None:
    """`$select` of any property of the recorded bodies works (it answered 400 for most of them before)."""
    for path, name in (
        ("/api/v1/7001/financial/GLAccounts", "Response_Json_Object_GLAccount.json"),
        ("/api/v1/7001/crm/Accounts", "Response_Json_Object_Account.json"),
    ):
        theirs = recorded(name)
        properties = [k for k in theirs.get("d", theirs) if k != "__metadata"]
        answer = conn.get(path, **{"$select": ",".join(properties), "$top": "1"})
        assert answer.status_code == 200, answer.text
        (row,) = answer.json()["d"]["results"]
        assert set(row) == {"__metadata", *properties}
    suppliers = conn.get(
        "/api/v1/7001/crm/Accounts",
        **{"$select": "Code,GLAccountPurchase,PurchaseCurrency", "$filter": "IsSupplier eq true"},
    ).json()["d"]["results"]
    purchases = conn.gl_ids()["7000"]
    assert {row["Code"].strip() for row in suppliers} == {"2000", "2001", "2002"}
    assert all(row["GLAccountPurchase"] == purchases and row["PurchaseCurrency"] == "EUR" for row in suppliers)
