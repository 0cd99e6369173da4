"""The keep-alive job's cost: CPU and SQL per refreshed connector, for 1,000 connected connectors.

Run: ``python bench/bench_keepalive.py [--connectors 1000] [--postgres]``. The sandbox runs in a child process
(its CPU is not counted here); a fresh database (SQLite file, or a PostgreSQL database of its own) holds one
company with N connectors, each authorized at the sandbox as an admin would (one token exchange each). Then
both clocks move 25 hours on (the sandbox's by its control API, the service's with time-machine), so every
pair is older than the keep-alive age and every access token has expired, and the worker's ``keep-alive``
job (``keep_alive_all``) runs once: each connector is claimed, refreshed at Exact and stored. Printed: the
job's wall time, this process's CPU per refreshed connector, and SQL statements per connector. Printed, not
asserted (issue 13 asks for the CPU per refresh; 1,000 refreshes once cost 38.7 s of CPU).
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import timedelta

import httpx
import time_machine

from benchkit import CALLBACK, configure, connected, database, sandbox_process

KEEP_ALIVE_AGE = timedelta(hours=25)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connectors", type=int, default=1000)
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
    count = max(1, min(args.connectors, 5000))

    with sandbox_process() as sandbox_url, database(args.postgres) as db:
        configure(db, sandbox_url)
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        from ledgerlink.connectors.worker import keep_alive_all
        from ledgerlink.core import clock
        from ledgerlink.tenancy import actions
        from ledgerlink.tenancy.audit import Actor

        call_command("migrate", verbosity=0)
        company = actions.create_company(Actor.system(), 9001, "Bench BV", "bench")
        actions.grant_licence(Actor.system(), company, "exact_online")
        control = httpx.Client(base_url=sandbox_url, timeout=30)
        limits = {"minutely": 10**9, "daily": 10**9, "token_calls_per_day": 10**9}
        control.post("/_sandbox/limits", json=limits).raise_for_status()
        app = control.post("/_sandbox/apps", json={"name": "bench", "redirect_uri": CALLBACK}).json()
        started = time.perf_counter()
        for number in range(1, count + 1):
            connected(control, company, number, name=f"Bench {number}", app=app)
        print(f"{count} connectors authorized in {time.perf_counter() - started:.1f} s ({db.engine})")

        control.post("/_sandbox/clock", json={"advance": int(KEEP_ALIVE_AGE.total_seconds())}).raise_for_status()
        with time_machine.travel(clock.now() + KEEP_ALIVE_AGE, tick=True):
            wall, cpu = time.perf_counter(), time.process_time()
            statements = [0]

            def count(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
                statements[0] += 1
                return execute(sql, params, many, context)

            with connection.execute_wrapper(count):
                outcomes = keep_alive_all(clock.now())
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        refreshed = outcomes.get("refreshed", 0)
        print(f"keep-alive job: {outcomes} in {wall:.1f} s")
        if refreshed:
            print(
                f"  per refreshed connector: {cpu / refreshed * 1000:.2f} ms CPU (this process), "
                f"{wall / refreshed * 1000:.1f} ms wall, {statements[0] / refreshed:.1f} SQL statements"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
