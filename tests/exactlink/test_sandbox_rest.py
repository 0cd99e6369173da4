"""REST against the sandbox over real HTTP: paging, every filter form, posting, rate limits and faults.

The sandbox's clock is frozen; every wait the client makes moves that clock instead of sleeping.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from decimal import Decimal

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exactlink import F, Guid, Int64, Query, raw
from exactlink import errors as E
from exactlink.values import EXACT_TZ

from .sandbox_helpers import MAIN

EXTRA_ACCOUNTS = 132  # with the 18 seeded ones: 150


def put_gl_account(sandbox, gid: uuid.UUID, code: str, description: str) -> None:
    """The sandbox has no way to create GL accounts over HTTP (Exact's GLAccounts POST is not emulated),
    so tests put them into its in-process state directly, the way its seed does, and bump the
    backend's generation so its cached reference rows are rebuilt."""
    from exact_sandbox.models import GLAccount

    with sandbox.backend.lock:
        division = sandbox.backend.divisions[MAIN]
        division.gl_accounts[gid] = GLAccount(gid, code, description, 120, "Other costs", "D", "W")
        sandbox.backend.generation += 1


def drop_gl_account(sandbox, gid: uuid.UUID) -> None:
    with sandbox.backend.lock:
        division = sandbox.backend.divisions[MAIN]
        del division.gl_accounts[gid]
        sandbox.backend.generation += 1


def add_gl_accounts(sandbox, n: int) -> None:
    for i in range(n):
        gid = uuid.uuid5(uuid.NAMESPACE_URL, f"ledgerlink-test-gl-{i}")
        put_gl_account(sandbox, gid, f"9{i:03d}", f"Testrekening {i}")


class Recording(httpx.BaseTransport):
    """The sandbox's transport, keeping every request sent through it and every answer."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.requests: list[httpx.Request] = []
        self.responses: list[httpx.Response] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        response = self.inner.handle_request(request)
        response.request = request
        self.responses.append(response)
        return response


def recording_client(sandbox, **kwargs):
    """A client whose REST calls (not its token exchange) are recorded."""
    client = sandbox.client(**kwargs)
    client._transport = recording = Recording(client._transport)
    return client, recording


def counting_client(sandbox, **kwargs):
    client, recording = recording_client(sandbox, **kwargs)
    return client, recording.requests


def gl_ids(sandbox) -> dict[str, str]:
    return {str(a["Code"]): a["ID"] for a in sandbox.client().division(MAIN).gl_accounts.iterate()}


# --- paging -----------------------------------------------------------------------------------


def test_paging_over_150_gl_accounts(sandbox):
    add_gl_accounts(sandbox, EXTRA_ACCOUNTS)
    client, requests = counting_client(sandbox)
    accounts = client.division(MAIN).gl_accounts.iterate(Query().select("ID", "Code", "Description"))
    seen = [a["ID"] for a in accounts]
    assert len(seen) == 150 and len(set(seen)) == 150
    gl_requests = [r for r in requests if "GLAccounts" in r.url.path]
    assert len(gl_requests) == 3  # 60 + 60 + 30
    assert "$skiptoken" in gl_requests[1].url.params and gl_requests[1].url.params["$select"] == "ID,Code,Description"


def test_top_beyond_a_page_is_carried_by_next(sandbox):
    add_gl_accounts(sandbox, EXTRA_ACCOUNTS)
    client, requests = counting_client(sandbox)
    accounts = client.division(MAIN).gl_accounts.list(Query().select("ID").top(100))
    assert len(accounts) == 100
    assert len([r for r in requests if "GLAccounts" in r.url.path]) == 2


def test_generator_fetches_pages_only_when_needed(sandbox):
    add_gl_accounts(sandbox, EXTRA_ACCOUNTS)
    client, requests = counting_client(sandbox)
    it = client.division(MAIN).gl_accounts.iterate(Query().select("ID"))
    for _ in range(60):
        next(it)
    assert len([r for r in requests if "GLAccounts" in r.url.path]) == 1
    next(it)
    assert len([r for r in requests if "GLAccounts" in r.url.path]) == 2


# --- filters ----------------------------------------------------------------------------------


def test_every_filter_form_matches_the_same_filter_in_python(sandbox):
    add_gl_accounts(sandbox, 5)
    div = sandbox.client().division(MAIN)
    everything = div.gl_accounts.list()
    blocked = next(a for a in everything if a["IsBlocked"])

    def check(expr, predicate):
        got = sorted(a["ID"] for a in div.gl_accounts.iterate(Query().select("ID").filter(expr)))
        want = sorted(a["ID"] for a in everything if predicate(a))
        assert got == want, str(expr)
        return got

    assert len(check(F("Code") == "8000", lambda a: a["Code"] == "8000")) == 1
    check(F("Type") != 110, lambda a: a["Type"] != 110)
    check(F("Type") > 110, lambda a: a["Type"] > 110)
    check(F("Type") >= 110, lambda a: a["Type"] >= 110)
    check(F("Type") < 24, lambda a: a["Type"] < 24)
    check(F("Type") <= 24, lambda a: a["Type"] <= 24)
    check(
        ((F("Type") == 110) | (F("Type") == 111)) & ~(F("IsBlocked") == True),  # noqa: E712
        lambda a: a["Type"] in (110, 111) and not a["IsBlocked"],
    )
    check(F("IsBlocked") == True, lambda a: a["IsBlocked"])  # noqa: E712
    check(F("Description").contains("btw"), lambda a: "btw" in a["Description"])
    check(F("Code").startswith("80"), lambda a: str(a["Code"]).startswith("80"))
    check(F("Code").in_(["1000", "1100"]), lambda a: a["Code"] in ("1000", "1100"))
    check(F("ID") == Guid(blocked["ID"].upper()), lambda a: a["ID"] == blocked["ID"])
    check(raw("Code eq {} or Code eq {}", "4000", "4900"), lambda a: a["Code"] in ("4000", "4900"))
    created = everything[0]["Created"]
    check(F("Created") <= created, lambda a: a["Created"] <= created)
    check(F("Created") > created + timedelta(days=1), lambda a: a["Created"] > created + timedelta(days=1))


def test_quotes_in_a_string_literal(sandbox):
    gid = uuid.uuid4()
    put_gl_account(sandbox, gid, "9999", "Kassa's 'oude' rekening")
    div = sandbox.client().division(MAIN)
    found = div.gl_accounts.list(Query().filter(F("Description") == "Kassa's 'oude' rekening"))
    assert [a["ID"] for a in found] == [str(gid)]
    assert div.gl_accounts.list(Query().filter(F("Description").contains("s 'o"))) == found


def test_padded_codes_need_trim_and_compare_trimmed(sandbox):
    accounts = sandbox.client().division(MAIN).accounts
    assert accounts.list(Query().filter(F("Code") == "1000")) == []  # Exact stores "              1000"
    found = accounts.list(Query().filter(F("Code").trim() == "1000"))
    assert len(found) == 1
    assert found[0]["Code"] == "1000" and str(found[0]["Code"]) == "              1000"


def test_int64_date_and_datetime_literals(sandbox):
    div = sandbox.client().division(MAIN)
    assert [d["Code"] for d in div.divisions.list(Query().filter(F("Hid") == Int64(1)))] == [MAIN]
    year = sandbox.time().astimezone(EXACT_TZ).year
    second_half = div.financial_periods.list(
        Query().filter((F("StartDate") >= date(year, 7, 1)) & (F("FinYear") == year))
    )
    assert sorted(p["FinPeriod"] for p in second_half) == [7, 8, 9, 10, 11, 12]
    assert all(isinstance(p["StartDate"], date) and not isinstance(p["StartDate"], datetime) for p in second_half)


def test_orderby_and_top(sandbox):
    div = sandbox.client().division(MAIN)
    top3 = div.gl_accounts.list(Query().select("Code").orderby("Code desc").top(3))
    assert [str(a["Code"]) for a in top3] == ["8020", "8010", "8000"]
    assert div.gl_accounts.count(Query().filter(F("Type") == 110)) == 3


# --- posting ----------------------------------------------------------------------------------


def journal(ids, today, *lines, code="90"):
    return {
        "JournalCode": code,
        "GeneralJournalEntryLines": [
            {"GLAccount": ids[gl], "Date": today, "AmountFC": Decimal(amount), "Description": desc, **extra}
            for gl, amount, desc, extra in lines
        ],
    }


def test_post_a_balanced_journal(sandbox):
    ids = gl_ids(sandbox)
    today = sandbox.time().astimezone(EXACT_TZ).date()
    div = sandbox.client().division(MAIN)
    entry = div.general_journal_entries.create(
        journal(ids, today, ("1000", "250.10", "EXT-1 kas", {}), ("4900", "-250.10", "EXT-1 kas", {}))
    )
    assert entry["Status"] == 20 and entry["Type"] == 90
    assert str(entry["EntryNumber"]).startswith(f"{today:%y}90")
    assert entry["Created"].astimezone(EXACT_TZ) == sandbox.time().astimezone(EXACT_TZ)

    stored = sandbox.entries()
    assert len(stored) == 1 and [line["amount_fc"] for line in stored[0]["lines"]] == ["250.10", "-250.10"]

    lines = div.general_journal_entry_lines.list(Query().filter(F("EntryID") == Guid(entry["EntryID"])))
    assert sorted(line["AmountFC"] for line in lines) == [Decimal("-250.10"), Decimal("250.10")]
    assert all(isinstance(line["AmountFC"], Decimal) and line["Date"] == today for line in lines)

    again = div.general_journal_entries.get(entry["EntryID"])
    assert again["EntryNumber"] == entry["EntryNumber"]
    div.general_journal_entries.delete(entry["EntryID"])
    with pytest.raises(E.NotFound):
        div.general_journal_entries.get(entry["EntryID"])


def test_post_with_vat_generates_the_vat_line(sandbox):
    ids = gl_ids(sandbox)
    today = sandbox.time().astimezone(EXACT_TZ).date()
    div = sandbox.client().division(MAIN)
    entry = div.general_journal_entries.create(
        journal(ids, today, ("1000", "12.10", "EXT-2", {}), ("8000", "-10.00", "EXT-2", {"VATCode": "2"}))
    )
    txn = div.transaction_lines.list(Query().filter(F("EntryID") == Guid(entry["EntryID"])))
    assert sum(t["AmountDC"] for t in txn) == 0
    assert Decimal("-2.10") in [t["AmountDC"] for t in txn]


def test_an_unbalanced_journal_is_refused_with_exacts_message(sandbox):
    ids = gl_ids(sandbox)
    today = sandbox.time().astimezone(EXACT_TZ).date()
    div = sandbox.client().division(MAIN)
    with pytest.raises(E.ValidationError) as info:
        div.general_journal_entries.create(
            journal(ids, today, ("1000", "250.00", "EXT-3", {}), ("4900", "-249.99", "EXT-3", {}))
        )
    assert info.value.status in (400, 500) and not info.value.outcome_unknown
    assert any("balance" in m for m in info.value.messages)
    assert sandbox.entries() == []


def test_vat_on_a_journal_without_vat_and_a_closed_period(sandbox):
    ids = gl_ids(sandbox)
    today = sandbox.time().astimezone(EXACT_TZ).date()
    div = sandbox.client().division(MAIN)
    with pytest.raises(E.ValidationError) as info:
        div.general_journal_entries.create(
            journal(ids, today, ("1000", "12.10", "x", {}), ("8000", "-10.00", "x", {"VATCode": "2"}), code="91")
        )
    assert any("VAT" in m for m in info.value.messages)
    sandbox.control.post(
        "/_sandbox/periods/close", json={"division": MAIN, "year": today.year, "period": today.month}
    ).raise_for_status()
    with pytest.raises(E.ValidationError) as info:
        div.general_journal_entries.create(journal(ids, today, ("1000", "1", "x", {}), ("4900", "-1", "x", {})))
    assert info.value.messages


def test_a_blocked_gl_account_is_a_validation_error_not_a_blocked_endpoint(sandbox):
    ids = gl_ids(sandbox)
    today = sandbox.time().astimezone(EXACT_TZ).date()
    with pytest.raises(E.ValidationError) as info:
        sandbox.client().division(MAIN).general_journal_entries.create(
            journal(ids, today, ("1000", "1.00", "x", {}), ("4990", "-1.00", "x", {}))
        )
    assert type(info.value) is E.ValidationError
    assert any("4990" in m for m in info.value.messages)


def test_sales_entry_found_again_by_your_ref(sandbox):
    client = sandbox.client()
    div = client.division(MAIN)
    ids = gl_ids(sandbox)
    customer = div.accounts.first(Query().filter((F("IsSales") == True) & (F("Code").trim() == "1")))  # noqa: E712
    assert customer is not None
    today = sandbox.time().astimezone(EXACT_TZ).date()
    created = div.sales_entries.create(
        {
            "Journal": "70",
            "Customer": customer["ID"],
            "EntryDate": today,
            "YourRef": "INV-2025-0001",
            "SalesEntryLines": [{"GLAccount": ids["8000"], "AmountFC": Decimal("100.00"), "VATCode": "2"}],
        }
    )
    found = div.sales_entries.list(Query().filter(F("YourRef") == "INV-2025-0001"))
    assert [e["EntryID"] for e in found] == [created["EntryID"]]
    ledger = div.transaction_lines.list(Query().filter(F("YourRef") == "INV-2025-0001"))
    assert ledger and sum(t["AmountDC"] for t in ledger) == 0  # receivable, revenue and VAT lines
    assert found[0]["AmountDC"] == Decimal("121.00") and found[0]["EntryDate"] == today


def test_malformed_guid_never_reaches_the_sandbox(sandbox):
    client, requests = counting_client(sandbox)
    with pytest.raises(E.InvalidGuid):
        client.division(MAIN).general_journal_entries.create(
            {"JournalCode": "90", "GeneralJournalEntryLines": [{"GLAccount": "1000", "AmountFC": Decimal(1)}]}
        )
    assert not [r for r in requests if r.method == "POST" and "generaljournalentry" in r.url.path]


# --- rate limits ------------------------------------------------------------------------------


def test_the_governor_waits_for_the_minute_reset_without_a_429(sandbox):
    sandbox.limits(minutely=3)
    client, requests = counting_client(sandbox)
    gl = client.division(MAIN).gl_accounts
    for _ in range(4):
        gl.first()
    assert sandbox.time.sleeps == [pytest.approx(49.05, abs=0.01)]  # 12:00:11 → 12:01:00 (+ margin)
    assert sandbox.state()["rate_limits"]  # the sandbox counted them
    assert all(r.url.path.endswith("GLAccounts") for r in requests if "/api/v1/" in r.url.path)


def test_a_429_is_waited_out_with_the_sandbox_clock(sandbox):
    sandbox.limits(minutely=3)
    other = sandbox.client()
    for _ in range(3):
        other.division(MAIN).gl_accounts.first()
    client, recording = recording_client(sandbox)
    assert client.division(MAIN).gl_accounts.first() is not None
    statuses = recording.responses
    codes = [r.status_code for r in statuses if "/api/v1/" in r.url.path]
    assert codes == [429, 200]
    first = next(r for r in statuses if r.status_code == 429)
    assert "X-RateLimit-Minutely-Reset" in first.headers and "X-RateLimit-Reset" not in first.headers
    assert sandbox.time.sleeps == [pytest.approx(49.05, abs=0.01)]


def test_a_spent_day_is_not_slept_out(sandbox):
    sandbox.limits(daily=2)
    client = sandbox.client()
    client.division(MAIN).gl_accounts.first()
    client.division(MAIN).gl_accounts.first()
    with pytest.raises(E.RateLimited) as info:
        client.division(MAIN).gl_accounts.first()
    assert info.value.window == "daily"
    assert info.value.retry_at is not None and info.value.retry_at.hour == 0
    assert sandbox.time.sleeps == []


# --- faults -----------------------------------------------------------------------------------


def test_drop_after_commit_raises_outcome_unknown_and_the_entry_can_be_found(sandbox):
    from dataclasses import replace

    ids = gl_ids(sandbox)
    today = sandbox.time().astimezone(EXACT_TZ).date()
    sandbox.fault(method="POST", path="GeneralJournalEntries", kind="drop_after_commit", count=1)
    # Over real HTTP the sandbox may leave the socket open instead of closing it, so the client sees
    # either a dropped connection or a read timeout: both mean "no answer" and must be treated alike.
    sandbox.config = replace(sandbox.config, timeout=1.0)
    client, requests = counting_client(sandbox)
    div = client.division(MAIN)
    with pytest.raises((E.ConnectionFailed, E.Timeout)) as info:
        div.general_journal_entries.create(
            journal(ids, today, ("1000", "5.00", "EXT-DROP-1", {}), ("4900", "-5.00", "EXT-DROP-1", {}))
        )
    assert info.value.outcome_unknown is True
    assert len([r for r in requests if r.method == "POST"]) == 1  # never re-posted blindly
    assert len(sandbox.entries()) == 1
    # Reconciliation: the reference on the lines finds what was booked.
    lines = div.general_journal_entry_lines.list(Query().filter(F("Description") == "EXT-DROP-1"))
    assert len(lines) == 2


def test_503_on_a_get_is_retried(sandbox):
    sandbox.fault(method="GET", path="GLAccounts", kind="status", status=503, count=2)
    client, requests = counting_client(sandbox)
    assert client.division(MAIN).gl_accounts.first() is not None
    assert len([r for r in requests if "GLAccounts" in r.url.path]) == 3
    assert sandbox.time.sleeps == [0.5, 1.0]


def test_503_on_a_post_is_not_retried(sandbox):
    ids = gl_ids(sandbox)
    today = sandbox.time().astimezone(EXACT_TZ).date()
    sandbox.fault(method="POST", path="GeneralJournalEntries", kind="status", status=503, count=1)
    client, requests = counting_client(sandbox)
    with pytest.raises(E.ServerError) as info:
        client.division(MAIN).general_journal_entries.create(
            journal(ids, today, ("1000", "5.00", "x", {}), ("4900", "-5.00", "x", {}))
        )
    assert info.value.outcome_unknown is True
    assert len([r for r in requests if r.method == "POST"]) == 1
    assert sandbox.entries() == []


def test_timeouts(sandbox):
    """A GET that times out is sent again; a POST that times out is not and reports outcome_unknown."""
    from dataclasses import replace

    ids = gl_ids(sandbox)
    today = sandbox.time().astimezone(EXACT_TZ).date()
    sandbox.config = replace(sandbox.config, timeout=0.3)
    sandbox.fault(method="GET", path="GLAccounts", kind="timeout", delay_ms=1000, count=1)
    client, requests = counting_client(sandbox)
    assert client.division(MAIN).gl_accounts.first() is not None
    assert len([r for r in requests if "GLAccounts" in r.url.path]) == 2

    sandbox.fault(method="POST", path="GeneralJournalEntries", kind="timeout", delay_ms=1000, count=1)
    with pytest.raises(E.Timeout) as info:
        client.division(MAIN).general_journal_entries.create(
            journal(ids, today, ("1000", "5.00", "x", {}), ("4900", "-5.00", "x", {}))
        )
    assert info.value.outcome_unknown is True
    assert len([r for r in requests if r.method == "POST" and "generaljournalentry" in r.url.path]) == 1


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=40))
def test_any_text_survives_the_round_trip_through_a_filter(sandbox, text):
    """Whatever a description holds, an eq filter built by the client finds exactly that account."""
    sandbox.limits(minutely=10**6)
    gid = uuid.uuid4()
    put_gl_account(sandbox, gid, "9998", text)
    try:
        found = (
            sandbox.client()
            .division(MAIN)
            .gl_accounts.list(Query().select("ID", "Description").filter(F("Description") == text))
        )
        assert str(gid) in [a["ID"] for a in found]
        assert all(a["Description"] == text for a in found)
    finally:
        drop_gl_account(sandbox, gid)


def test_expanded_lines_come_back_typed(sandbox):
    ids = gl_ids(sandbox)
    today = sandbox.time().astimezone(EXACT_TZ).date()
    div = sandbox.client().division(MAIN)
    entry = div.general_journal_entries.create(
        journal(ids, today, ("1100", "99.95", "EXT-9", {}), ("1000", "-99.95", "EXT-9", {}))
    )
    [full] = div.general_journal_entries.list(
        Query()
        .select("EntryID", "EntryNumber", "GeneralJournalEntryLines")
        .expand("GeneralJournalEntryLines")
        .filter(F("EntryID") == Guid(entry["EntryID"]))
    )
    lines = full["GeneralJournalEntryLines"]
    assert isinstance(lines, list) and len(lines) == 2
    assert sorted(line["AmountFC"] for line in lines) == [Decimal("-99.95"), Decimal("99.95")]
    assert all(line["Date"] == today and type(line["Date"]) is date for line in lines)
    assert {line["GLAccountCode"] for line in lines} == {"1100", "1000"}
