"""Seed data: two users, two divisions with a Dutch retail chart of accounts. `reset` rebuilds this.

Identifiers are uuid5 values derived from the division and the code, so they are the same after every
reset and in every run: tests and demo scripts may rely on them.
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from .models import CrmAccount, Division, FinancialPeriod, GLAccount, Journal, User, VATCode

NAMESPACE = uuid.UUID("6f1d3a52-52f4-4b0e-9f7e-0c0de5a4db0c")

DEMO_USER = "demo@exact.example"
DEMO_PASSWORD = "demo"
FILIAAL_USER = "filiaal@exact.example"
FILIAAL_PASSWORD = "filiaal"

MAIN_DIVISION = 7001
BRANCH_DIVISION = 7002

# code, description, type, type description, balance side, balance type, default VAT code, blocked
CHART: tuple[tuple[str, str, int, str, str, str, str | None, bool], ...] = (
    ("1000", "Kas", 10, "Cash", "D", "B", None, False),
    ("1010", "Kruisposten PIN", 90, "General", "D", "B", None, False),
    ("1020", "Kruisposten creditcard", 90, "General", "D", "B", None, False),
    ("1100", "Bank", 12, "Bank", "D", "B", None, False),
    ("1300", "Debiteuren", 20, "Accounts receivable", "D", "B", None, False),
    ("1500", "Te betalen btw hoog", 24, "VAT", "C", "B", None, False),
    ("1510", "Te betalen btw laag", 24, "VAT", "C", "B", None, False),
    ("1520", "Te vorderen btw", 24, "VAT", "D", "B", None, False),
    ("1600", "Crediteuren", 22, "Accounts payable", "C", "B", None, False),
    ("1700", "Cadeaubonnen", 90, "General", "C", "B", None, False),
    ("4000", "Algemene kosten", 120, "Other costs", "D", "W", "2", False),
    ("4900", "Kasverschillen", 120, "Other costs", "D", "W", None, False),
    ("4910", "Afrondingsverschillen", 120, "Other costs", "D", "W", None, False),
    ("4990", "Vervallen rekening (geblokkeerd)", 120, "Other costs", "D", "W", None, True),
    ("7000", "Inkopen", 111, "Cost of goods", "D", "W", "2", False),
    ("8000", "Omzet hoog (21%)", 110, "Revenue", "C", "W", "2", False),
    ("8010", "Omzet laag (9%)", 110, "Revenue", "C", "W", "1", False),
    ("8020", "Omzet 0%", 110, "Revenue", "C", "W", "5", False),
)

# code, description, percentage, type, transaction type, GL to pay, GL to claim
VAT_CODES: tuple[tuple[str, str, str, str, str, str | None, str | None], ...] = (
    ("0", "Geen btw", "0", "N", "B", None, None),
    ("1", "Btw laag 9% excl.", "0.09", "E", "B", "1510", "1520"),
    ("2", "Btw hoog 21% excl.", "0.21", "E", "B", "1500", "1520"),
    ("3", "Btw laag 9% incl.", "0.09", "I", "B", "1510", "1520"),
    ("4", "Btw hoog 21% incl.", "0.21", "I", "B", "1500", "1520"),
    ("5", "Btw 0%", "0", "B", "B", "1500", "1520"),
    ("6", "Voorbelasting hoog 21% (inkoop)", "0.21", "E", "P", "1500", "1520"),
    ("7", "Voorbelasting laag 9% (inkoop)", "0.09", "E", "P", "1510", "1520"),
    ("8", "Btw hoog 21% (alleen verkoop)", "0.21", "E", "S", "1500", "1520"),
)

# code, description, type, type description, allow VAT, GL account code
JOURNALS: tuple[tuple[str, str, int, str, bool, str | None], ...] = (
    ("10", "Kas", 10, "Cash", True, "1000"),
    ("20", "Bank", 12, "Bank", True, "1100"),
    ("60", "Inkoop", 22, "Purchase", True, "1600"),
    ("70", "Verkoop", 20, "Sales", True, "1300"),
    ("90", "Memoriaal", 90, "General journal", True, None),
    ("91", "Memoriaal zonder btw", 90, "General journal", False, None),
)

# code, name, sales, supplier, status, city, e-mail, VAT number
CRM_ACCOUNTS: tuple[tuple[str, str, bool, bool, str, str, str, str], ...] = (
    ("1", "Kassaklant", True, False, "C", "", "", ""),
    ("1000", "Bakkerij De Korenschoof BV", True, False, "C", "Utrecht", "admin@korenschoof.example", "NL001234567B01"),
    ("1001", "Fietsenwinkel Van Dam", True, False, "C", "Zwolle", "boekhouding@vandam.example", "NL009876543B01"),
    ("2000", "Groothandel Noord BV", False, True, "C", "Groningen", "info@gh-noord.example", "NL005555555B01"),
    ("2001", "Drukkerij Van Vliet", False, True, "C", "Delft", "facturen@vanvliet.example", "NL006666666B01"),
    ("2002", "Energie Direct NV", False, True, "C", "Arnhem", "zakelijk@energiedirect.example", "NL007777777B01"),
)


def sid(*parts: object) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, ":".join(str(p) for p in parts))


def _periods(division: int, today: date) -> dict[tuple[int, int], FinancialPeriod]:
    periods = {}
    for year in (today.year - 1, today.year, today.year + 1):
        for month in range(1, 13):
            start = date(year, month, 1)
            end = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
            periods[(year, month)] = FinancialPeriod(sid(division, "period", year, month), year, month, start, end)
    return periods


def build_division(code: int, description: str, hid: int, today: date) -> Division:
    division = Division(
        code=code,
        description=description,
        hid=hid,
        customer_id=sid(code, "customer"),
        customer_code=str(100000 + hid),
        customer_name=description,
        vat_number=f"NL{code:09d}B01",
        start_date=date(today.year - 1, 1, 1),
    )
    for gl_code, desc, gl_type, type_desc, side, balance_type, vat, blocked in CHART:
        account = GLAccount(
            sid(code, "gl", gl_code),
            gl_code,
            desc,
            gl_type,
            type_desc,
            side,
            balance_type,
            vat,
            blocked,
            desc.split()[0].upper()[:9],
        )
        division.gl_accounts[account.id] = account
    for vat_code, desc, pct, vat_type, tx_type, to_pay, to_claim in VAT_CODES:
        division.vat_codes[vat_code] = VATCode(
            sid(code, "vat", vat_code),
            vat_code,
            desc,
            Decimal(pct),
            vat_type,
            tx_type,
            division.gl_by_code(to_pay).id if to_pay else None,
            division.gl_by_code(to_claim).id if to_claim else None,
        )
    for j_code, desc, j_type, type_desc, allow_vat, gl in JOURNALS:
        division.journals[j_code] = Journal(
            sid(code, "journal", j_code),
            j_code,
            desc,
            j_type,
            type_desc,
            allow_vat,
            division.gl_by_code(gl).id if gl else None,
        )
    division.periods = _periods(code, today)
    debtors = division.gl_by_code("1300").id
    creditors = division.gl_by_code("1600").id
    purchases = division.gl_by_code("7000").id
    for acc_code, name, sales, supplier, status, city, email, vat_number in CRM_ACCOUNTS:
        relation = CrmAccount(
            sid(code, "account", acc_code),
            acc_code,
            name,
            sales,
            supplier,
            status,
            city,
            "NL",
            email,
            vat_number,
            debtors if sales else None,
            creditors if supplier else None,
            purchases if supplier else None,
        )
        division.accounts[relation.id] = relation
    return division


def build_users() -> dict[str, User]:
    demo = User(
        sid("user", DEMO_USER),
        DEMO_USER,
        DEMO_PASSWORD,
        "Demo Gebruiker",
        "Demo",
        "Gebruiker",
        [MAIN_DIVISION, BRANCH_DIVISION],
        MAIN_DIVISION,
    )
    filiaal = User(
        sid("user", FILIAAL_USER),
        FILIAAL_USER,
        FILIAAL_PASSWORD,
        "Filiaal Beheerder",
        "Filiaal",
        "Beheerder",
        [BRANCH_DIVISION],
        BRANCH_DIVISION,
    )
    return {demo.username: demo, filiaal.username: filiaal}


def build_divisions(today: date) -> dict[int, Division]:
    return {
        MAIN_DIVISION: build_division(MAIN_DIVISION, "Demo Retail BV", 1, today),
        BRANCH_DIVISION: build_division(BRANCH_DIVISION, "Demo Retail Filiaal", 2, today),
    }
