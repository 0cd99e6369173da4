"""Property: the documented balance rule decides acceptance, and an accepted entry's ledger sums to zero."""

from __future__ import annotations

import json
from decimal import ROUND_HALF_UP, Decimal

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exact_sandbox.app import SandboxApp
from exact_sandbox.backend import Backend
from exact_sandbox.clock import SandboxClock
from exact_sandbox.testing import SandboxHandle, SandboxTransport

RATES = {
    "0": ("N", Decimal(0)),
    "1": ("E", Decimal("0.09")),
    "2": ("E", Decimal("0.21")),
    "3": ("I", Decimal("0.09")),
    "4": ("I", Decimal("0.21")),
    "5": ("B", Decimal(0)),
}
CENT = Decimal("0.01")

# The module's token is taken when the suite is collected and used many minutes later in a long run: the
# sandbox's clock stands still here, so it cannot expire in between (it did under load).
_app = SandboxApp(Backend(SandboxClock(mode="frozen")))
_http = httpx.Client(base_url="http://sandbox.invalid", transport=SandboxTransport(app=_app))
_sandbox = SandboxHandle("http://sandbox.invalid", _app, _http, served=False)
_sandbox.set_limits(minutely=10**9, daily=10**9, errors_per_hour=10**9)
_tokens = _sandbox.issue_tokens(_sandbox.register_app("Property"))
HEADERS = {
    "Authorization": f"Bearer {_tokens['access_token']}",
    "Accept": "application/json",
    "Content-Type": "application/json",
}
GL = {
    r["Code"]: r["ID"]
    for r in _http.get("/api/v1/7001/financial/GLAccounts", params={"$select": "ID,Code"}, headers=HEADERS).json()["d"][
        "results"
    ]
}


def counted(amount: Decimal, code: str) -> Decimal:
    """The rule in FIDELITY.md: excluding codes count with their VAT, including codes as sent."""
    return amount + vat_of(amount, code) if RATES[code][0] == "E" else amount


def vat_of(amount: Decimal, code: str) -> Decimal:
    kind, rate = RATES[code]
    if kind == "E":
        return (amount * rate).quantize(CENT, rounding=ROUND_HALF_UP)
    if kind == "I":
        return (amount * rate / (1 + rate)).quantize(CENT, rounding=ROUND_HALF_UP)
    return Decimal(0)


lines = st.lists(
    st.tuples(st.decimals(min_value=-5000, max_value=5000, places=2, allow_nan=False), st.sampled_from(sorted(RATES))),
    min_size=1,
    max_size=6,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines, st.sampled_from([Decimal(0), Decimal("0.01"), Decimal("-0.02")]))
def test_balance_rule_and_ledger(entry_lines: list[tuple[Decimal, str]], off_by: Decimal) -> None:
    body_lines = [{"GLAccount": GL["8000"], "AmountFC": str(amount), "VATCode": code} for amount, code in entry_lines]
    balance = -sum((counted(amount, code) for amount, code in entry_lines), Decimal(0)) + off_by
    body_lines.append({"GLAccount": GL["1000"], "AmountFC": str(balance), "VATCode": "0"})
    answer = _http.post(
        "/api/v1/7001/generaljournalentry/GeneralJournalEntries",
        headers=HEADERS,
        content=json.dumps({"JournalCode": "90", "GeneralJournalEntryLines": body_lines}),
    )
    if off_by:
        assert answer.status_code == 400
        assert "not in balance" in answer.json()["error"]["message"]["value"]
        return
    assert answer.status_code == 201, answer.text
    entry_id = answer.json()["d"]["EntryID"]
    ledger = json.loads(
        _http.get(
            "/api/v1/7001/financialtransaction/TransactionLines",
            headers=HEADERS,
            params={"$select": "AmountDC,LineType,GLAccountCode", "$filter": f"EntryID eq guid'{entry_id}'"},
        ).text,
        parse_float=Decimal,
    )["d"]["results"]
    assert sum((Decimal(str(row["AmountDC"])) for row in ledger), Decimal(0)) == 0
    vat_lines = [row for row in ledger if row["LineType"] == 2]
    for row in vat_lines:  # credits to VAT payable high/low, debits to VAT to claim
        amount = Decimal(str(row["AmountDC"]))
        assert row["GLAccountCode"] in (("1500", "1510") if amount < 0 else ("1520",))
    assert len(vat_lines) == sum(1 for amount, code in entry_lines if vat_of(amount, code) != 0)
