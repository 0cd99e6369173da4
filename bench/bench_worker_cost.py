"""What one posted journal costs the worker, in CPU and (with --callgrind) in instructions, which do not move
with the machine's speed.

Run: ``python bench/bench_worker_cost.py [--journals 100] [--connectors 4] [--rounds 3] [--postgres]
[--callgrind] [--latency-ms 0]``. The sandbox answers from a child process on a loopback port (its CPU is not
counted); one sender posts in this process, in the calling thread, so what is measured is the posting path
itself: the claim, the batch's reads, the check, the governor's reservation, the call to Exact and the outcome
with its attempt and events. Each round queues ``--journals`` cash journals over ``--connectors`` connectors
(batches of up to 25 per connector, as in the drain) and posts them; the reference data is read before the
first round.

The drain (bench_posting.py) measures the same path among 64 threads and a sandbox at Exact's latency, where
the machine's speed moved the figure by half within one evening (issue 13). ``--latency-ms`` makes the sandbox
answer that late (the drain's 300 ms): the same one sender then runs the same instructions with the processor
idle between journals, and the CPU it costs says what running cold adds to each journal, contention aside.

Under ``--callgrind`` the bench runs itself under ``valgrind --tool=callgrind`` with instrumentation switched
on only around each round's posting (``callgrind_control``), and prints the instructions per posted journal:
the figure that says what a change did. Printed, never asserted.
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import UTC, datetime

from benchkit import (
    CALLGRIND_DIR,
    configure,
    connected,
    cost_spread,
    database,
    journal_in,
    measured,
    rerun_under_callgrind,
    sandbox_process,
)


def measure(
    journals: int, connectors: int, rounds: int, counted: str | None, latency_ms: int = 0
) -> list[tuple[float, float | None]]:
    """(CPU ms, M instructions or None) per posted journal, for each round."""
    import httpx
    from django.core.management import call_command

    from ledgerlink.core import clock
    from ledgerlink.journals.actions import submit_journal
    from ledgerlink.journals.models import Journal
    from ledgerlink.journals.posting import post_due
    from ledgerlink.tenancy import actions
    from ledgerlink.tenancy.audit import Actor

    call_command("migrate", verbosity=0)
    control = httpx.Client(base_url=os.environ["LEDGERLINK_EXACT_SANDBOX_URL"], timeout=30)
    control.post("/_sandbox/limits", json={"minutely": 1_000_000, "daily": 10_000_000})
    control.post("/_sandbox/latency", json={"ms": latency_ms}).raise_for_status()  # REST and token calls
    today = datetime.now(UTC).date()
    companies = []
    for n in range(connectors):
        company = actions.create_company(Actor.system(), 9001 + n, f"Bench {n} BV", f"bench{n}")
        actions.grant_licence(Actor.system(), company, "exact_online")
        connected(control, company)
        submit_journal(company, journal_in(f"WARM-{n}", today))
        companies.append(company)
    post_due(clock.now())  # reads each connector's reference data: not part of the figure
    figures = []
    for r in range(rounds):
        for n in range(journals):
            submit_journal(companies[n % connectors], journal_in(f"R{r}-{n}", today))
        before = Journal.objects.filter(status="posted").count()
        with measured(counted, f"round-{r}") as cost:
            while post_due(clock.now()):
                pass
        posted = Journal.objects.filter(status="posted").count() - before
        if posted == 0:
            raise SystemExit("nothing was posted: no figure")
        figures.append(cost.per(posted))
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--journals", type=int, default=100, help="journals per round (default 100)")
    parser.add_argument("--connectors", type=int, default=4, help="connectors they are spread over (default 4)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--callgrind", action="store_true", help="count instructions under valgrind (slow)")
    parser.add_argument("--latency-ms", type=int, default=0, help="the sandbox's answer time (default 0)")
    args = parser.parse_args()

    if args.callgrind and CALLGRIND_DIR not in os.environ:
        return rerun_under_callgrind()

    with database(args.postgres) as db, sandbox_process() as url:
        configure(db, url, LEDGERLINK_POSTING_SENDERS="1")
        import django

        django.setup()
        figures = measure(args.journals, args.connectors, args.rounds, os.environ.get(CALLGRIND_DIR), args.latency_ms)
    print(
        f"{db.engine}: one sender, {args.journals} journals a round over {args.connectors} connectors, "
        f"Exact answering in {args.latency_ms} ms, "
        f"{args.rounds} rounds, min / median / max: {cost_spread(figures, 'per posted journal')}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
