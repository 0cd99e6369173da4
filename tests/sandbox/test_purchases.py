"""PurchaseEntries and credit notes (issue 17): Exact's rules and messages, the ledger they make, and a
property: any valid purchase journal posts and the sandbox's ledger balances."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exact_sandbox.app import SandboxApp
from exact_sandbox.backend import Backend
from exact_sandbox.clock import SandboxClock
from exact_sandbox.testing import SandboxHandle, SandboxTransport

from .conftest import Connection

PURCHASES = "/api/v1/7001/purchaseentry/PurchaseEntries"
SALES = "/api/v1/7001/salesentry/SalesEntries"
LEDGER = "/api/v1/7001/financialtransaction/TransactionLines"


def purchase(conn: Connection, *amounts: tuple[str, str | None], **header: Any) -> dict[str, Any]:
    ids, accounts = conn.gl_ids(), conn.account_ids()
    lines = []
    for amount, vat in amounts:
        line: dict[str, Any] = {"GLAccount": ids["7000"], "AmountFC": amount, "Description": "Inkoop"}
        if vat is not None:
            line["VATCode"] = vat
        lines.append(line)
    return {
        "Supplier": accounts["2001"],
        "Journal": "60",
        "EntryDate": "2026-03-10",
        "YourRef": "VV-2026-0042",
        "Description": "Drukwerk maart",
        "PurchaseEntryLines": lines,
        **header,
    }


def ledger_of(conn: Connection, entry_id: str) -> list[dict[str, Any]]:
    select = "GLAccountCode,AmountDC,LineType,Account,AccountCode,InvoiceNumber,YourRef,VATCode,Type"
    answer = conn.get(LEDGER, **{"$select": select, "$filter": f"EntryID eq guid'{entry_id}'"})
    return answer.json()["d"]["results"]


def test_a_purchase_entry_books_costs_vat_to_claim_and_the_payable(conn: Connection) -> None:
    answer = conn.post(PURCHASES, purchase(conn, ("100.00", "6"), ("50", "7")))
    assert answer.status_code == 201, answer.text
    entry = answer.json()["d"]
    assert entry["__metadata"]["type"] == "Exact.Web.Api.Models.PurchaseEntry"
    assert (entry["Type"], entry["TypeDescription"], entry["Journal"], entry["JournalDescription"]) == (
        30,
        "Purchase entry",
        "60",
        "Inkoop",
    )
    assert str(entry["EntryNumber"]).endswith("600001") and entry["InvoiceNumber"] == entry["EntryNumber"]
    assert (entry["AmountFC"], entry["VATAmountFC"]) == (175.5, 25.5)
    assert entry["SupplierName"] == "Drukkerij Van Vliet" and entry["YourRef"] == "VV-2026-0042"
    assert entry["PurchaseEntryLines"]["__deferred"]["uri"].endswith("/PurchaseEntryLines")
    rows = ledger_of(conn, entry["EntryID"])
    assert sum(Decimal(str(r["AmountDC"])) for r in rows) == 0
    assert sorted((r["GLAccountCode"], r["LineType"], r["AmountDC"]) for r in rows) == [
        ("1520", 2, 4.5),
        ("1520", 2, 21),
        ("1600", 3, -175.5),
        ("7000", 1, 50),
        ("7000", 1, 100),
    ]
    payable = next(r for r in rows if r["LineType"] == 3)
    assert payable["GLAccountCode"] == "1600" and payable["AmountDC"] == -175.5
    assert payable["Account"] == conn.account_ids()["2001"] and payable["AccountCode"].strip() == "2001"
    assert {r["GLAccountCode"] for r in rows if r["LineType"] == 2} == {"1520"}  # VAT to claim
    assert all(r["YourRef"] == "VV-2026-0042" and r["Type"] == 30 for r in rows)


def test_purchase_entries_are_found_by_the_suppliers_invoice_number(conn: Connection) -> None:
    posted = conn.post(PURCHASES, purchase(conn, ("10", None))).json()["d"]
    conn.post(PURCHASES, purchase(conn, ("20", None), YourRef="VV-2026-0043"))
    found = conn.get(PURCHASES, **{"$select": "EntryID,YourRef,AmountFC", "$filter": "YourRef eq 'VV-2026-0042'"})
    assert [row["EntryID"] for row in found.json()["d"]["results"]] == [posted["EntryID"]]
    bare = conn.get(PURCHASES)
    assert bare.status_code == 400 and "$select" in bare.json()["error"]["message"]["value"]
    lines = conn.get(f"{PURCHASES}(guid'{posted['EntryID']}')/PurchaseEntryLines").json()["d"]["results"]
    assert [(line["AmountFC"], line["VATCode"], line["Type"]) for line in lines] == [(10, "2  ", 30)]


def test_purchase_refusals_use_exacts_words_and_come_together(conn: Connection) -> None:
    ids, accounts = conn.gl_ids(), conn.account_ids()
    body = {
        "Supplier": accounts["1000"],
        "Journal": "70",
        "Type": 20,
        "PurchaseEntryLines": [
            {"GLAccount": ids["7000"], "AmountFC": 10, "VATCode": "8"},
            {"GLAccount": ids["1300"], "AmountFC": 10},
            {"GLAccount": ids["4000"], "AmountFC": 10, "VATCode": "4"},
            {"GLAccount": ids["4000"]},
        ],
    }
    answer = conn.post(PURCHASES, body)
    assert answer.status_code == 400
    messages = answer.json()["error"]["message"]["value"].split("\r\n")
    assert messages == [
        "Invalid: Supplier 'Bakkerij De Korenschoof BV' is not a supplier (purchase relation)",
        "Invalid journal. The journal must be a purchase journal.",
        "Not allowed: VAT code '8' is for sales only",
        "Invalid: G/L account type (1300 - Debiteuren is a accounts receivable account)",
        "Not allowed: VAT code '4' includes VAT; purchase entry line amounts exclude VAT",
        "Mandatory: Amount",
        "Invalid: Type 20 (30 purchase entry or 31 purchase credit note)",
    ]
    empty = conn.post(PURCHASES, {"Journal": "60"})
    assert empty.json()["error"]["message"]["value"].split("\r\n") == [
        "Mandatory: Supplier",
        "Mandatory: Purchase entry lines",
    ]
    unknown = conn.post(PURCHASES, {**purchase(conn, ("1", None)), "Customer": accounts["2001"]})
    assert "The property name 'Customer' specified for type 'Exact.Web.Api.Models.PurchaseEntry'" in unknown.text


def test_a_purchase_credit_note_has_negative_amounts_and_reverses_the_accounts(conn: Connection) -> None:
    answer = conn.post(PURCHASES, purchase(conn, ("-40.00", "6")))
    assert answer.status_code == 201, answer.text
    entry = answer.json()["d"]
    assert (entry["Type"], entry["TypeDescription"], entry["AmountFC"]) == (31, "Purchase credit note", -48.4)
    rows = {r["GLAccountCode"]: r["AmountDC"] for r in ledger_of(conn, entry["EntryID"])}
    assert rows == {"7000": -40, "1520": -8.4, "1600": 48.4}
    positive = conn.post(PURCHASES, purchase(conn, ("40", "6"), Type=31))
    assert positive.status_code == 400 and "a credit note's amounts are negative" in positive.text
    negative = conn.post(PURCHASES, purchase(conn, ("-40", "6"), Type=30))
    assert negative.status_code == 400 and "send Type 31 for a credit note" in negative.text
    explicit = conn.post(PURCHASES, purchase(conn, ("-40", "6"), Type=31))
    assert explicit.status_code == 201 and explicit.json()["d"]["Type"] == 31


def test_a_sales_credit_note_reverses_revenue_vat_to_pay_and_the_receivable(conn: Connection) -> None:
    ids, accounts = conn.gl_ids(), conn.account_ids()
    body = {
        "Customer": accounts["1000"],
        "Journal": "70",
        "EntryDate": "2026-03-11",
        "YourRef": "CN-7",
        "SalesEntryLines": [{"GLAccount": ids["8000"], "AmountFC": "-100.00", "VATCode": "2"}],
    }
    answer = conn.post(SALES, body)
    assert answer.status_code == 201, answer.text
    entry = answer.json()["d"]
    assert (entry["Type"], entry["TypeDescription"], entry["AmountFC"]) == (21, "Sales credit note", -121)
    rows = {r["GLAccountCode"]: r["AmountDC"] for r in ledger_of(conn, entry["EntryID"])}
    assert rows == {"8000": 100, "1500": 21, "1300": -121}
    purchase_vat = conn.post(
        SALES, {**body, "SalesEntryLines": [{"GLAccount": ids["8000"], "AmountFC": 5, "VATCode": "6"}]}
    )
    assert purchase_vat.status_code == 400 and "Not allowed: VAT code '6' is for purchases only" in purchase_vat.text


def test_sales_and_purchase_entries_keep_what_exact_accepts(conn: Connection) -> None:
    document = "7f8d8f9e-2f0a-4c2b-9a55-111122223333"
    body = {
        **purchase(conn, ("12.50", "6")),
        "OrderNumber": 4711,
        "ExternalLinkReference": "https://erp.example/inv/42",
        "ExternalLinkDescription": "ERP invoice 42",
        "Document": document,
        "PaymentCondition": "30",
        "DueDate": "2026-04-09",
    }
    entry = conn.post(PURCHASES, body).json()["d"]
    assert (entry["OrderNumber"], entry["ExternalLinkReference"], entry["Document"]) == (
        4711,
        body["ExternalLinkReference"],
        document,
    )
    assert entry["DueDate"] == "/Date(1775692800000)/"  # 2026-04-09, Dutch midnight as Exact writes it
    selected = conn.get(
        f"{PURCHASES}(guid'{entry['EntryID']}')", **{"$select": "OrderNumber,ExternalLinkDescription,PaymentCondition"}
    ).json()["d"]
    assert selected == {
        "__metadata": selected["__metadata"],
        "OrderNumber": 4711,
        "ExternalLinkDescription": "ERP invoice 42",
        "PaymentCondition": "30",
    }
    ids, accounts = conn.gl_ids(), conn.account_ids()
    sales = conn.post(
        SALES,
        {
            "Customer": accounts["1000"],
            "Journal": "70",
            "OrderNumber": 12,
            "ExternalLinkReference": "ERP-12",
            "SalesEntryLines": [{"GLAccount": ids["8000"], "AmountFC": 10, "From": "2026-03-01", "To": "2026-03-31"}],
        },
    )
    assert sales.status_code == 201, sales.text
    assert (sales.json()["d"]["OrderNumber"], sales.json()["d"]["ExternalLinkReference"]) == (12, "ERP-12")
    project = conn.post(
        SALES,
        {
            "Customer": accounts["1000"],
            "Journal": "70",
            "SalesEntryLines": [{"GLAccount": ids["8000"], "AmountFC": 10, "Project": document}],
        },
    )
    assert project.status_code == 400 and "Invalid reference: Project" in project.text


def test_a_general_journal_line_takes_a_document(conn: Connection) -> None:
    ids = conn.gl_ids()
    document = "0d6c6f1e-1111-4c2b-9a55-222233334444"
    body = {
        "JournalCode": "91",
        "GeneralJournalEntryLines": [
            {"GLAccount": ids["1000"], "AmountFC": 5, "Document": document, "OurRef": 17},
            {"GLAccount": ids["4900"], "AmountFC": -5},
        ],
    }
    entry = conn.post("/api/v1/7001/generaljournalentry/GeneralJournalEntries", body).json()["d"]
    lines = conn.get(
        "/api/v1/7001/generaljournalentry/GeneralJournalEntryLines",
        **{
            "$select": "LineNumber,Document,OurRef",
            "$filter": f"EntryID eq guid'{entry['EntryID']}'",
            "$orderby": "LineNumber",
        },
    ).json()["d"]["results"]
    assert [(line["LineNumber"], line["Document"], line["OurRef"]) for line in lines] == [
        (1, document, 17),
        (2, None, None),
    ]


# -- property: any valid purchase journal posts and the ledger balances ---------------------------
RATES = {"0": Decimal(0), "1": Decimal("0.09"), "2": Decimal("0.21"), "5": Decimal(0), "6": Decimal("0.21")}
CENT = Decimal("0.01")

# The module's token is taken when the suite is collected and used many minutes later in a long run: the
# sandbox's clock stands still here, so it cannot expire in between (it did under load).
_app = SandboxApp(Backend(SandboxClock(mode="frozen")))
_http = httpx.Client(base_url="http://sandbox.invalid", transport=SandboxTransport(app=_app))
_sandbox = SandboxHandle("http://sandbox.invalid", _app, _http, served=False)
_sandbox.set_limits(minutely=10**9, daily=10**9, errors_per_hour=10**9)
_tokens = _sandbox.issue_tokens(_sandbox.register_app("Purchase property"))
HEADERS = {
    "Authorization": f"Bearer {_tokens['access_token']}",
    "Accept": "application/json",
    "Content-Type": "application/json",
    "Prefer": "return=representation",
}


def _ids(path: str, key: str) -> dict[str, str]:
    rows = _http.get(path, params={"$select": f"ID,{key}"}, headers=HEADERS).json()["d"]["results"]
    return {row[key].strip(): row["ID"] for row in rows}


GL = _ids("/api/v1/7001/financial/GLAccounts", "Code")
SUPPLIERS = {code: ident for code, ident in _ids("/api/v1/7001/crm/Accounts", "Code").items() if code.startswith("2")}

purchase_lines = st.lists(
    st.tuples(
        st.decimals(min_value=-9999, max_value=9999, places=2, allow_nan=False, allow_infinity=False),
        st.sampled_from(sorted(RATES)),
        st.sampled_from(["4000", "7000", "4900"]),
    ),
    min_size=1,
    max_size=6,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines=purchase_lines, supplier=st.sampled_from(sorted(SUPPLIERS)), your_ref=st.text(max_size=20))
def test_any_valid_purchase_journal_posts_and_the_ledger_balances(
    lines: list[tuple[Decimal, str, str]], supplier: str, your_ref: str
) -> None:
    body = {
        "Supplier": SUPPLIERS[supplier],
        "Journal": "60",
        "YourRef": your_ref,
        "PurchaseEntryLines": [
            {"GLAccount": GL[gl], "AmountFC": str(amount), "VATCode": code} for amount, code, gl in lines
        ],
    }
    answer = _http.post(PURCHASES, json=body, headers=HEADERS)
    assert answer.status_code == 201, answer.text
    entry = answer.json()["d"]
    vat = sum(((a * RATES[c]).quantize(CENT, rounding=ROUND_HALF_UP) for a, c, _ in lines), Decimal(0))
    total = sum((a for a, _, _ in lines), Decimal(0)) + vat
    assert Decimal(str(entry["AmountFC"])) == total and Decimal(str(entry["VATAmountFC"])) == vat
    assert entry["Type"] == (31 if total < 0 else 30)
    ledger = _http.get(
        LEDGER,
        params={"$select": "AmountDC,LineType,GLAccountCode", "$filter": f"EntryID eq guid'{entry['EntryID']}'"},
        headers=HEADERS,
    ).json()["d"]["results"]
    assert sum(Decimal(str(row["AmountDC"])) for row in ledger) == 0
    (payable,) = [row for row in ledger if row["LineType"] == 3]
    assert payable["GLAccountCode"] == "1600" and Decimal(str(payable["AmountDC"])) == -total
    assert sum(Decimal(str(r["AmountDC"])) for r in ledger if r["LineType"] == 2) == sum(
        ((a * RATES[c]).quantize(CENT, rounding=ROUND_HALF_UP) for a, c, _ in lines if RATES[c]), Decimal(0)
    )
