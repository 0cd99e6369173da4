"""The cost of one claim as the queue grows: 10^3 … 10^6 queued journals over 100 connectors.

Run: ``python bench/bench_claim.py [--sizes 1000,10000,100000,1000000] [--connectors 100] [--postgres]``.
A fresh database (benchkit), one company, N connected connectors; queued journals are added in one
``INSERT … SELECT`` per size (all due, dates spread over a year, spread over the connectors). Each claim
runs inside a transaction that is rolled back, so every measurement sees the same queue. Printed per size:
min / median / max of 7 claims in ms, and the key lines of the candidate query's plan. Target (issue 13):
≤ 10 ms at 100,000 and at 1,000,000.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

from benchkit import configure, database

INSERT_POSTGRES = """
INSERT INTO journals_journal (company_id, connector_id, kind, reference, date, description, relation_code,
    content_hash, content, marker, status, status_message, exact_entry_id, exact_entry_number, next_attempt_at,
    claimed_by, attempt_count, needs_lookup, source, created_at, updated_at, waits_for_period, invoice_number)
SELECT %(company)s, %(first)s + g %% %(connectors)s, 'cash', 'Q-' || g, current_date - (g %% 365), '', '',
    md5(g::text), '{}'::jsonb, 'm' || g, 'queued', NULL, '', '', now() - interval '1 hour', '', 0, false, 'api',
    now(), now(), '', ''
FROM generate_series(%(start)s, %(stop)s - 1) AS g
"""
INSERT_SQLITE = """
WITH RECURSIVE g(n) AS (SELECT %(start)s UNION ALL SELECT n + 1 FROM g WHERE n + 1 < %(stop)s)
INSERT INTO journals_journal (company_id, connector_id, kind, reference, date, description, relation_code,
    content_hash, content, marker, status, status_message, exact_entry_id, exact_entry_number, next_attempt_at,
    claimed_by, attempt_count, needs_lookup, source, created_at, updated_at, waits_for_period, invoice_number)
SELECT %(company)s, %(first)s + n %% %(connectors)s, 'cash', 'Q-' || n, date('now', '-' || (n %% 365) || ' days'),
    '', '', hex(n), '{}', 'm' || n, 'queued', NULL, '', '', datetime('now', '-1 hour'), '', 0, 0, 'api',
    datetime('now'), datetime('now'), '', ''
FROM g
"""


def fill(company_id: int, first: int, connectors: int, start: int, stop: int) -> None:
    from django.db import connection

    sql = INSERT_POSTGRES if connection.vendor == "postgresql" else INSERT_SQLITE
    values = {"company": company_id, "first": first, "connectors": connectors, "start": start, "stop": stop}
    with connection.cursor() as cursor:
        cursor.execute((sql % values).replace("%%", "%"))
        cursor.execute("ANALYZE")


def claim_ms(runs: int = 7) -> list[float]:
    from django.db import transaction

    from ledgerlink.core import clock
    from ledgerlink.journals.posting import claim

    times = []
    for _ in range(runs):
        with transaction.atomic():
            began = time.perf_counter()
            ids = claim(clock.now(), "bench")
            times.append((time.perf_counter() - began) * 1000)
            assert ids, "nothing claimed"
            transaction.set_rollback(True)
    return times


def plan_lines() -> list[str]:
    """The plans of the claim's statements that could scan: the search for connectors with due journals, and the
    read of one connector's oldest due journals. Asked for the statements as sent, with their parameters: the SQL
    Django logs has the values written in, and SQLite plans that differently (a partial index is usable only
    when the SQL names its condition's values)."""
    from django.db import connection, transaction

    from ledgerlink.core import clock
    from ledgerlink.journals.posting import claim

    sent: list[tuple[str, object]] = []

    def record(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        sent.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record), transaction.atomic():
        claim(clock.now(), "bench")
        transaction.set_rollback(True)
    wanted = [(sql, params) for sql, params in sent if "EXISTS" in sql][:1]
    wanted += [(sql, params) for sql, params in sent if '"date"' in sql and "ORDER BY" in sql][:1]
    explain = "EXPLAIN ANALYZE " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
    rows: list[str] = []
    with connection.cursor() as cursor:
        for sql, params in wanted:
            cursor.execute(explain + sql, params)
            rows += [" ".join(str(part) for part in row[-1:]) for row in cursor.fetchall()]
    keys = ("Scan", "Limit", "Join", "Execution Time", "SEARCH", "SCAN", "USING", "Sort", "B-TREE")
    return [row.strip() for row in rows if any(k in row for k in keys)][:14]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000,1000000")
    parser.add_argument("--connectors", type=int, default=100)
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]

    with database(args.postgres) as db:
        configure(db, "http://127.0.0.1:9")
        import django

        django.setup()
        from django.core.management import call_command

        from ledgerlink.connectors.choices import Status
        from ledgerlink.connectors.models import Connector
        from ledgerlink.core import clock
        from ledgerlink.tenancy.models import Company

        call_command("migrate", verbosity=0)
        company = Company.objects.create(number=9001, name="Bench BV", alias="bench")
        made = Connector.objects.bulk_create(
            [
                Connector(
                    company=company,
                    number=n + 1,
                    name=f"Exact {n + 1}",
                    status=Status.CONNECTED,
                    tokens_issued_at=clock.now(),
                    division=7000 + n,
                )
                for n in range(args.connectors)
            ]
        )
        first = min(c.pk for c in made)
        print(f"claim cost, {db.engine}, {args.connectors} connectors (ms: min / median / max of 7)")
        queued = 0
        for size in sizes:
            fill(company.pk, first, args.connectors, queued, size)
            queued = size
            times = claim_ms()
            print(
                f"  {size:>9,} queued: {min(times):7.2f} / {statistics.median(times):7.2f} / {max(times):7.2f}",
                flush=True,
            )
        for line in plan_lines():
            print(f"    plan: {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
