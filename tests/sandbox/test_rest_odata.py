"""REST endpoints over HTTP: auth, envelopes, Exact's formats, query options and paging."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from exact_sandbox.seed import FILIAAL_USER
from exact_sandbox.testing import SandboxHandle

from .conftest import Connection, connect

GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
DATE = re.compile(r"^/Date\(\d+\)/$")


def ms(when: datetime) -> str:
    return f"/Date({int(when.timestamp() * 1000)})/"


def test_me_is_a_one_row_collection_without_division(conn: Connection) -> None:
    answer = conn.get("/api/v1/current/Me")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("application/json")
    (me,) = answer.json()["d"]["results"]
    assert me["__metadata"] == {
        "uri": f"{conn.sandbox.base_url}/api/v1/current/Me(guid'{me['UserID']}')",
        "type": "Exact.Web.Api.Models.System.Me",
    }
    assert me["CurrentDivision"] == 7001 and me["UserName"] == "demo@exact.example"
    assert me["Legislation"] == "1"  # Int64 as a string
    assert me["DivisionCustomerCode"] == "            100001"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", me["ServerTime"])
    assert me["ServerUtcOffset"] in (3600, 7200)


def test_divisions_lists_what_the_user_may_see(exact_sandbox: SandboxHandle, conn: Connection) -> None:
    rows = conn.get("/api/v1/7001/system/Divisions").json()["d"]["results"]
    assert [(r["Code"], r["Description"], r["Current"], r["Hid"]) for r in rows] == [
        (7001, "Demo Retail BV", True, "1"),
        (7002, "Demo Retail Filiaal", False, "2"),
    ]
    assert rows[0]["__metadata"]["uri"].endswith("/api/v1/7001/system/Divisions(7001)")
    filiaal = connect(exact_sandbox, FILIAAL_USER, name="Filiaal app")
    assert filiaal.get("/api/v1/current/Me").json()["d"]["results"][0]["CurrentDivision"] == 7002
    assert [r["Code"] for r in filiaal.get("/api/v1/7002/system/Divisions").json()["d"]["results"]] == [7002]
    forbidden = filiaal.get("/api/v1/7001/financial/GLAccounts")
    assert forbidden.status_code == 403
    assert set(forbidden.json()) == {"error"} and "7001" in forbidden.json()["error"]["message"]["value"]
    assert conn.get("/api/v1/9999/financial/GLAccounts").status_code == 403


@pytest.mark.parametrize(
    ("header", "reason"),
    [(None, "No access token"), ("Bearer nonsense", "invalid or revoked"), ("Basic abc", "No access token")],
)
def test_missing_or_unknown_token_is_401_with_a_reason(conn: Connection, header: str | None, reason: str) -> None:
    headers = {"Accept": "application/json"} | ({"Authorization": header} if header else {})
    answer = conn.http.get("/api/v1/7001/financial/GLAccounts", headers=headers)
    assert answer.status_code == 401
    assert reason in unquote(answer.headers["WWW-Authenticate"])
    assert answer.json()["error"]["message"]["value"]


def test_expired_access_token_says_so(exact_sandbox: SandboxHandle, conn: Connection) -> None:
    exact_sandbox.advance(599)
    assert conn.get("/api/v1/current/Me").status_code == 200
    exact_sandbox.advance(1)
    answer = conn.get("/api/v1/current/Me")
    assert answer.status_code == 401
    assert "access token expired" in unquote(answer.headers["WWW-Authenticate"]).lower()
    assert "X-RateLimit-Limit" not in answer.headers


def test_without_accept_json_the_answer_is_406(conn: Connection) -> None:
    answer = conn.http.get(
        "/api/v1/7001/financial/GLAccounts", headers={"Authorization": conn.headers["Authorization"]}
    )
    assert answer.status_code == 406 and "only the JSON format" in answer.text
    xml = conn.http.get(
        "/api/v1/7001/financial/GLAccounts",
        headers={"Authorization": conn.headers["Authorization"], "Accept": "application/atom+xml"},
    )
    assert xml.status_code == 406


def test_count_answers_plain_text_whatever_the_accept_header(conn: Connection) -> None:
    """`$count` is a plain number on Exact, so the JSON-only rule must not refuse it (issue 17)."""
    path = "/api/v1/7001/financial/GLAccounts/$count"
    bare = conn.http.get(path, headers={"Authorization": conn.headers["Authorization"]})
    as_json = conn.get(path)
    assert bare.status_code == as_json.status_code == 200
    assert bare.text == as_json.text and int(bare.text) >= 18
    assert bare.headers["Content-Type"].startswith("text/plain")
    assert bare.headers["X-RateLimit-Minutely-Remaining"] == "59"  # counted like any call


def test_gl_accounts_have_exacts_shape(conn: Connection) -> None:
    rows = conn.get("/api/v1/7001/financial/GLAccounts").json()["d"]["results"]
    assert len(rows) == 18
    by_code = {r["Code"]: r for r in rows}
    revenue = by_code["8000"]
    # The same property names and value kinds as Exact's recorded GLAccount answers.
    assert revenue["__metadata"]["type"] == "Exact.Web.Api.Models.GLAccount"
    assert revenue["__metadata"]["uri"].endswith(f"/api/v1/7001/financial/GLAccounts(guid'{revenue['ID']}')")
    assert GUID.match(revenue["ID"]) and DATE.match(revenue["Created"]) and DATE.match(revenue["Modified"])
    assert (revenue["Type"], revenue["BalanceSide"], revenue["BalanceType"]) == (110, "C", "W")
    assert revenue["VATCode"] == "2  " and revenue["Division"] == 7001 and revenue["IsBlocked"] is False
    assert by_code["4990"]["IsBlocked"] is True
    assert (by_code["1000"]["Type"], by_code["1100"]["Type"], by_code["1300"]["Type"]) == (10, 12, 20)
    # Every property of Exact's GLAccount (the 38 of the recorded body), unknown ones null or 0/false.
    assert len(revenue) == 39 and {"ExcludeVATListing", "YearEndCostGLAccount", "Compress"} < set(revenue)
    assert (revenue["Compress"], revenue["ExcludeVATListing"], revenue["BelcotaxType"]) == (False, 0, None)
    assert revenue["VATDescription"] == "Btw hoog 21% excl."


def test_ids_differ_per_division_and_survive_a_reset(exact_sandbox: SandboxHandle, conn: Connection) -> None:
    first = conn.gl_ids(7001)
    assert set(first.values()).isdisjoint(conn.gl_ids(7002).values())
    exact_sandbox.reset()
    assert connect(exact_sandbox).gl_ids(7001) == first


def test_vat_codes_journals_accounts_and_periods(conn: Connection) -> None:
    vat = {r["Code"]: r for r in conn.get("/api/v1/7001/vat/VATCodes").json()["d"]["results"]}
    assert set(vat) == {"0  ", "1  ", "2  ", "3  ", "4  ", "5  ", "6  ", "7  ", "8  "}
    assert [vat[c]["VATTransactionType"] for c in ("2  ", "6  ", "8  ")] == ["B", "P", "S"]
    assert [(vat[c]["Type"], vat[c]["Percentage"]) for c in ("2  ", "1  ", "4  ", "3  ", "5  ", "0  ")] == [
        ("E", 0.21),
        ("E", 0.09),
        ("I", 0.21),
        ("I", 0.09),
        ("B", 0),
        ("N", 0),
    ]
    assert vat["2  "]["GLToPayCode"] == "1500" and vat["1  "]["GLToPayCode"] == "1510"
    assert vat["2  "]["GLToClaimCode"] == "1520" and GUID.match(vat["2  "]["GLToPay"])
    journals = {r["Code"]: r for r in conn.get("/api/v1/7001/financial/Journals").json()["d"]["results"]}
    assert {c: (j["Type"], j["AllowVAT"]) for c, j in journals.items()} == {
        "10": (10, True),
        "20": (12, True),
        "60": (22, True),
        "70": (20, True),
        "90": (90, True),
        "91": (90, False),
    }
    accounts = conn.get("/api/v1/7001/crm/Accounts").json()["d"]["results"]
    assert all(len(a["Code"]) == 18 for a in accounts)
    assert {a["Code"].strip(): a["Name"] for a in accounts if a["IsSales"]}["1"] == "Kassaklant"
    assert sum(a["IsSales"] for a in accounts) == 3
    periods = conn.get("/api/v1/7001/financial/FinancialPeriods").json()["d"]["results"]
    year = conn.sandbox.now().year
    assert len(periods) == 36 and {p["FinYear"] for p in periods} == {year - 1, year, year + 1}
    march = next(p for p in periods if (p["FinYear"], p["FinPeriod"]) == (year, 3))
    # Local midnight written as if it were UTC.
    assert march["StartDate"] == ms(datetime(year, 3, 1, tzinfo=UTC))
    assert march["EndDate"] == ms(datetime(year, 4, 1, tzinfo=UTC))


def test_select_filter_orderby_top_skip(conn: Connection) -> None:
    def codes(**params: str) -> list[str]:
        answer = conn.get("/api/v1/7001/financial/GLAccounts", **params)
        assert answer.status_code == 200, answer.text
        return [r["Code"] for r in answer.json()["d"]["results"]]

    row = conn.get(
        "/api/v1/7001/financial/GLAccounts", **{"$select": "Code,Description", "$filter": "Code eq '1000'"}
    ).json()["d"]["results"]
    assert row == [{"__metadata": row[0]["__metadata"], "Code": "1000", "Description": "Kas"}]
    assert codes(**{"$filter": "Type eq 110", "$orderby": "Code desc"}) == ["8020", "8010", "8000"]
    assert codes(**{"$filter": "startswith(Code,'49') and not IsBlocked", "$orderby": "Code"}) == ["4900", "4910"]
    assert codes(**{"$filter": "substringof('btw', Description) or Code eq '1000'", "$orderby": "Code"}) == [
        "1000",
        "1500",
        "1510",
        "1520",
    ]
    assert codes(**{"$orderby": "Code", "$top": "2", "$skip": "1"}) == ["1010", "1020"]
    padded = conn.get("/api/v1/7001/crm/Accounts", **{"$filter": "trim(Code) eq '1000'", "$select": "Name"})
    assert [r["Name"] for r in padded.json()["d"]["results"]] == ["Bakkerij De Korenschoof BV"]
    assert conn.get("/api/v1/7001/crm/Accounts", **{"$filter": "Code eq '1000'"}).json()["d"]["results"] == []


def test_query_errors_use_the_odata_error_envelope(conn: Connection) -> None:
    for params in ({"$filter": "Code eq"}, {"$select": "Nope"}, {"$filter": "ID eq 'x'"}, {"$top": "many"}):
        answer = conn.get("/api/v1/7001/financial/GLAccounts", **params)
        assert answer.status_code == 400, params
        body = answer.json()
        assert body["error"]["code"] == "" and body["error"]["message"]["lang"] == ""
        assert body["error"]["message"]["value"]


@pytest.mark.parametrize(
    "path",
    [
        "generaljournalentry/GeneralJournalEntries",
        "generaljournalentry/GeneralJournalEntryLines",
        "financialtransaction/TransactionLines",
    ],
)
def test_select_is_mandatory_on_heavy_endpoints(conn: Connection, path: str) -> None:
    answer = conn.get(f"/api/v1/7001/{path}")
    assert answer.status_code == 400
    assert answer.json()["error"]["message"]["value"] == (
        "Please add a $select or a $top=1 statement to the query string."
    )
    assert conn.get(f"/api/v1/7001/{path}", **{"$top": "1"}).status_code == 200
    assert conn.get(f"/api/v1/7001/{path}", **{"$select": "ID" if "Lines" in path else "EntryID"}).status_code == 200


def test_count_and_inlinecount(conn: Connection) -> None:
    count = conn.get("/api/v1/7001/financial/GLAccounts/$count", **{"$filter": "BalanceType eq 'W'"})
    assert count.status_code == 200 and count.text == "8" and count.headers["content-type"].startswith("text/plain")
    inline = conn.get("/api/v1/7001/financial/GLAccounts", **{"$inlinecount": "allpages", "$top": "1"})
    assert inline.json()["d"]["__count"] == "18" and len(inline.json()["d"]["results"]) == 1


def test_get_by_key_and_unknown_paths(conn: Connection) -> None:
    ids = conn.gl_ids()
    one = conn.get(f"/api/v1/7001/financial/GLAccounts(guid'{ids['1100']}')")
    assert one.status_code == 200 and one.json()["d"]["Code"] == "1100" and "results" not in one.json()["d"]
    missing = conn.get("/api/v1/7001/financial/GLAccounts(guid'00000000-0000-0000-0000-000000000001')")
    assert missing.status_code == 404 and missing.json()["error"]["message"]["value"]
    assert conn.get("/api/v1/7001/financial/GLAccounts('1100')").status_code == 400
    assert conn.get("/api/v1/7001/financial/Nope").status_code == 404
    assert conn.get("/api/v1/7001/system/Divisions(7002)").json()["d"]["Description"] == "Demo Retail Filiaal"
    put = conn.http.put("/api/v1/7001/financial/GLAccounts", headers=conn.headers, json={})
    assert put.status_code == 405


def _post_plain_entries(conn: Connection, count: int) -> list[dict[str, Any]]:
    ids = conn.gl_ids()
    out = []
    for n in range(count):
        answer = conn.post(
            "/api/v1/7001/generaljournalentry/GeneralJournalEntries",
            {
                "JournalCode": "91",
                "GeneralJournalEntryLines": [
                    {"GLAccount": ids["1000"], "AmountFC": n + 1, "Description": f"ref-{n:03d}"},
                    {"GLAccount": ids["4900"], "AmountFC": -(n + 1), "Description": f"ref-{n:03d}"},
                ],
            },
        )
        assert answer.status_code == 201, answer.text
        out.append(answer.json()["d"])
    return out


def test_paging_by_60_with_next_links_and_skiptoken(exact_sandbox: SandboxHandle, conn: Connection) -> None:
    exact_sandbox.set_limits(minutely=1000)
    _post_plain_entries(conn, 31)
    path = "/api/v1/7001/generaljournalentry/GeneralJournalEntryLines"
    first = conn.get(path, **{"$select": "ID,Description,AmountFC"}).json()["d"]
    assert len(first["results"]) == 60 and first["__next"].startswith(f"{exact_sandbox.base_url}{path}?")
    query = parse_qs(urlsplit(first["__next"]).query)
    assert query["$select"] == ["ID,Description,AmountFC"]
    assert re.fullmatch(r"guid'[0-9a-f-]{36}'", query["$skiptoken"][0])
    second = conn.http.get(first["__next"], headers=conn.headers).json()["d"]  # followed verbatim
    assert len(second["results"]) == 2 and "__next" not in second
    ids = [r["ID"] for r in first["results"] + second["results"]]
    assert len(set(ids)) == 62

    topped = conn.get(path, **{"$select": "ID", "$top": "61"}).json()["d"]
    assert parse_qs(urlsplit(topped["__next"]).query)["$top"] == ["1"]
    assert len(conn.http.get(topped["__next"], headers=conn.headers).json()["d"]["results"]) == 1

    ordered = conn.get(
        path, **{"$select": "ID,AmountFC", "$orderby": "AmountFC desc", "$filter": "AmountFC gt 0 or AmountFC lt -29"}
    ).json()["d"]
    amounts = [r["AmountFC"] for r in ordered["results"]]
    assert amounts == sorted(amounts, reverse=True) and "__next" not in ordered and len(amounts) == 33


def test_exact_shaped_next_link_with_orderby_carries_the_order_values(
    exact_sandbox: SandboxHandle, conn: Connection
) -> None:
    exact_sandbox.set_limits(minutely=1000)
    _post_plain_entries(conn, 31)
    path = "/api/v1/7001/generaljournalentry/GeneralJournalEntryLines"
    first = conn.get(path, **{"$select": "ID,Description", "$orderby": "Description desc"}).json()["d"]
    token = parse_qs(urlsplit(first["__next"]).query)["$skiptoken"][0]
    assert re.fullmatch(r"'ref-\d{3}',guid'[0-9a-f-]{36}'", token)
    rest = conn.http.get(first["__next"], headers=conn.headers).json()["d"]["results"]
    descriptions = [r["Description"] for r in first["results"] + rest]
    assert descriptions == sorted(descriptions, reverse=True) and len(descriptions) == 62


def test_amounts_are_numbers_and_money_is_exact(exact_sandbox: SandboxHandle, conn: Connection) -> None:
    ids = conn.gl_ids()
    # A number with a decimal fraction as raw JSON text, and a numeric string: both are read exactly.
    body = (
        '{"JournalCode": "91", "GeneralJournalEntryLines": [{"GLAccount": "' + ids["1000"] + '", '
        '"AmountFC": 0.30}, {"GLAccount": "' + ids["4910"] + '", "AmountFC": "-0.30"}]}'
    )
    posted = conn.http.post(
        "/api/v1/7001/generaljournalentry/GeneralJournalEntries",
        content=body,
        headers={**conn.headers, "Content-Type": "application/json"},
    )
    assert posted.status_code == 201, posted.text
    answer = conn.http.get(
        "/api/v1/7001/generaljournalentry/GeneralJournalEntryLines",
        params={"$select": "AmountFC", "$orderby": "AmountFC"},
        headers=conn.headers,
    )
    rows = json.loads(answer.text, parse_float=Decimal)["d"]["results"]
    assert [r["AmountFC"] for r in rows] == [Decimal("-0.3"), Decimal("0.3")]


def test_reads_see_every_post_delete_and_reset(exact_sandbox: SandboxHandle, conn: Connection) -> None:
    path = "/api/v1/7001/financialtransaction/TransactionLines"

    def count() -> int:
        return len(conn.get(path, **{"$select": "ID"}).json()["d"]["results"])

    assert count() == 0
    first = _post_plain_entries(conn, 1)[0]
    assert count() == 2
    _post_plain_entries(conn, 1)
    assert count() == 4
    assert (
        conn.delete(f"/api/v1/7001/generaljournalentry/GeneralJournalEntries(guid'{first['EntryID']}')").status_code
        == 204
    )
    assert count() == 2
    exact_sandbox.reset()
    conn.tokens = exact_sandbox.issue_tokens(exact_sandbox.register_app("After reset"))
    assert count() == 0


def test_control_api_adds_a_division_for_the_demo_user(exact_sandbox) -> None:  # type: ignore[no-untyped-def]
    added = exact_sandbox.add_division(7010, "Winkel 10")
    assert added == {"code": 7010, "description": "Winkel 10", "users": ["demo@exact.example"]}
    users = {u["username"]: u for u in exact_sandbox.state()["users"]}
    assert 7010 in users["demo@exact.example"]["divisions"]
    assert 7010 not in users["filiaal@exact.example"]["divisions"]
    with pytest.raises(Exception, match="division 7010 exists"):
        exact_sandbox.add_division(7010)
