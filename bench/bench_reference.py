"""Exact data read to admit one journal, for administrations of 10 to 50,000 customers.

Run: ``python bench/bench_reference.py [--sizes 10,1000,10000,50000] [--repeat 50] [--postgres]``. A fresh
database (SQLite file in a temporary folder, or a PostgreSQL database of its own); one connector whose Exact
data is stored as ``exact_data.fetch`` stores it (``exact_data.store``) with N customers. Then, as the API
does for each request, a new ``Admission`` checks one sales journal for one of those customers: the time of
that check (reading the Exact data, the mapping and validating), and of ``exact_data.load`` alone, min /
median / max over the repeats. No Exact and no HTTP: what is measured is the cache's read. Printed, not
asserted (issue 13's target: ≤ 1 ms whatever the size of the administration).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import date
from typing import Any

from benchkit import configure, database

DIVISION = 7001


def exact_items(customers: int) -> dict[str, list[dict[str, Any]]]:
    """The Exact data of a small Dutch chart (as the sandbox seeds it) with ``customers`` customers."""
    gl = [
        {
            "id": f"00000000-0000-0000-0000-{n:012d}",
            "code": code,
            "description": text,
            "type": kind,
            "balance_type": balance,
            "blocked": False,
            "vat_code": "",
        }
        for n, (code, text, kind, balance) in enumerate(
            [
                ("1000", "Kas", 12, "B"),
                ("1300", "Debiteuren", 20, "B"),
                ("1500", "Af te dragen btw", 24, "B"),
                ("8000", "Omzet", 110, "W"),
            ]
        )
    ]
    vat = [{"code": "2", "description": "21 % excl.", "type": "E", "percentage": "0.21", "blocked": False}]
    journals = [
        {"code": "20", "description": "Kas", "type": 10, "allow_vat": True},
        {"code": "70", "description": "Verkoop", "type": 20, "allow_vat": True},
    ]
    periods = [
        {
            "year": 2026,
            "period": month,
            "start": date(2026, month, 1).isoformat(),
            "end": (date(2026, month + 1, 1) if month < 12 else date(2027, 1, 1)).replace(day=1).isoformat(),
        }
        for month in range(1, 13)
    ]
    relations = [
        {"id": f"10000000-0000-0000-0000-{n:012d}", "code": str(n), "name": f"Klant {n}"}
        for n in range(1, customers + 1)
    ]
    return {"gl": gl, "vat": vat, "journals": journals, "periods": periods, "customers": relations}


def sales_journal(customer: int) -> dict[str, Any]:
    return {
        "reference": f"BENCH-{customer}",
        "kind": "invoice",
        "connector": 1,
        "date": "2026-06-10",
        "description": "Bench invoice",
        "relation_code": str(customer),
        "lines": [
            {"ledger_code": "1300", "debit": "121.00"},
            {"ledger_code": "8000", "credit": "100.00", "vat_code": "2", "vat_amount": "21.00"},
        ],
    }


def timed(repeat: int, work: Any) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,1000,10000,50000")
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
    sizes = [max(1, min(int(s), 200_000)) for s in args.sizes.split(",")]
    repeat = max(3, min(args.repeat, 1000))

    with database(args.postgres) as db:
        configure(db, "http://127.0.0.1:9")
        import django

        django.setup()
        from django.core.management import call_command

        from ledgerlink.connectors.models import Connector
        from ledgerlink.journals import exact_data
        from ledgerlink.journals.admission import Admission
        from ledgerlink.tenancy import actions
        from ledgerlink.tenancy.audit import Actor

        call_command("migrate", verbosity=0)
        company = actions.create_company(Actor.system(), 7001, "Bench BV", "bench")
        connector = Connector.objects.create(company=company, number=1, name="Exact Online", division=DIVISION)
        print(f"Admitting one sales journal ({db.engine}): min / median / max ms over {repeat} checks")
        for size in sizes:
            items = exact_items(size)
            started = time.perf_counter()
            exact_data.store(connector, DIVISION, **items)
            stored = time.perf_counter() - started
            body = sales_journal(max(1, size // 2))

            def check(body: dict[str, Any] = body) -> None:
                checked = Admission(company).check(body)
                assert checked.result is not None and checked.result.customer_id, checked.problems

            check_ms = timed(repeat, check)
            load_ms = timed(repeat, lambda: exact_data.load(connector))
            print(
                f"  {size:>7,} customers: check {min(check_ms):6.2f} / {statistics.median(check_ms):6.2f} / "
                f"{max(check_ms):6.2f}   load {min(load_ms):6.2f} / {statistics.median(load_ms):6.2f} / "
                f"{max(load_ms):6.2f}   (stored in {stored:.2f} s)"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
