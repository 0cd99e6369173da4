"""SQLite writers of one process queued in the process (docs/adr/0028) against SQLite's busy handler alone.

Run: ``python bench/bench_sqlite_writers.py [--threads 64] [--seconds 10] [--processes 1] [--pairs 3]``.
Each of ``--processes`` processes runs ``--threads`` threads on one SQLite file with the service's settings;
each thread, like a posting sender, waits a moment (Exact's answer: 5 ± 5 ms, ``--wait-ms``) and then writes
a small transaction (an UPDATE and an INSERT, with the service's ``BEGIN IMMEDIATE``). A pair is one phase
without the queue and one with it (``queue_writers()``), taken in turn. Printed per phase: the processes' CPU
per transaction (user and kernel), transactions a second, and the transaction's time from asking to commit
(median and p99), so the two ways are compared on the same machine within a minute.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from typing import Any

from benchkit import configure, database

SCHEMA = [
    "CREATE TABLE IF NOT EXISTS counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS entry (id INTEGER PRIMARY KEY, counter INTEGER NOT NULL, at REAL NOT NULL)",
]


def phase(threads: int, seconds: float, queued: bool, wait_ms: float, offset: int) -> dict[str, Any]:
    """One process's share of a phase: its CPU per transaction and the transactions' times."""
    from django.db import connection, connections, transaction

    from ledgerlink.core.sqlite.base import queue_writers

    queue_writers(queued)
    stop = time.monotonic() + seconds
    times: list[list[float]] = [[] for _ in range(threads)]

    def sender(index: int) -> None:
        rng = random.Random(index)
        row = offset + index
        try:
            while time.monotonic() < stop:
                time.sleep(rng.uniform(0, 2 * wait_ms) / 1000)
                began = time.perf_counter()
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute("UPDATE counter SET n = n + 1 WHERE id = %s", [row])
                    cursor.execute("INSERT INTO entry (counter, at) VALUES (%s, %s)", [row, time.time()])
                times[index].append(time.perf_counter() - began)
        finally:
            connections.close_all()

    cpu = os.times()
    workers = [threading.Thread(target=sender, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    after = os.times()
    done = [t for each in times for t in each]
    return {
        "count": len(done),
        "user": after.user - cpu.user,
        "system": after.system - cpu.system,
        "times": done,
    }


def child(args: argparse.Namespace) -> None:
    import django

    django.setup()
    result = phase(args.threads, args.seconds, args.queued == 1, args.wait_ms, args.offset)
    print(json.dumps(result))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=64, help="writing threads per process")
    parser.add_argument("--processes", type=int, default=1, help="processes writing to the one file")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each phase")
    parser.add_argument("--pairs", type=int, default=3, help="phases without and with the queue, in turn")
    parser.add_argument("--wait-ms", type=float, default=5.0, help="mean wait between one thread's writes")
    parser.add_argument("--queued", type=int, default=-1, help=argparse.SUPPRESS)  # a child's phase
    parser.add_argument("--offset", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.queued >= 0:
        child(args)
        return
    with database(postgres=False) as db:
        env = configure(db, "http://127.0.0.1:9")
        import sqlite3

        rows = args.processes * args.threads
        with sqlite3.connect(db.url.removeprefix("sqlite:///")) as setup:
            setup.execute("PRAGMA journal_mode=WAL")
            for statement in SCHEMA:
                setup.execute(statement)
            setup.executemany("INSERT INTO counter (id, n) VALUES (?, 0)", [(i,) for i in range(rows)])
        print(
            f"SQLite writers: {args.processes} process(es) x {args.threads} threads, a transaction after "
            f"{args.wait_ms:g} ± {args.wait_ms:g} ms each, {args.seconds:g} s per phase"
        )
        figures: dict[bool, list[tuple[float, float, float]]] = {False: [], True: []}
        for pair in range(1, args.pairs + 1):
            for queued in (False, True):
                children = [
                    subprocess.Popen(
                        [
                            *(sys.executable, __file__, "--threads", str(args.threads)),
                            *("--seconds", str(args.seconds), "--wait-ms", str(args.wait_ms)),
                            *("--queued", str(int(queued)), "--offset", str(p * args.threads)),
                        ],
                        env=env,
                        stdout=subprocess.PIPE,
                        text=True,
                    )
                    for p in range(args.processes)
                ]
                results = [json.loads(c.communicate()[0]) for c in children]
                count = sum(r["count"] for r in results)
                cpu_ms = 1000 * sum(r["user"] + r["system"] for r in results) / max(count, 1)
                kernel_ms = 1000 * sum(r["system"] for r in results) / max(count, 1)
                times = sorted(t for r in results for t in r["times"])
                median = 1000 * statistics.median(times)
                p99 = 1000 * times[int(0.99 * (len(times) - 1))]
                figures[queued].append((cpu_ms, count / args.seconds, p99))
                print(
                    f"  pair {pair} {'queued in the process' if queued else 'busy handler only    '}: "
                    f"CPU {cpu_ms:.3f} ms per transaction ({kernel_ms:.3f} kernel), {count / args.seconds:7.0f}/s, "
                    f"ask to commit median {median:.2f} ms, p99 {p99:.2f} ms"
                )
        for queued in (False, True):
            cpu = sorted(f[0] for f in figures[queued])
            rate = sorted(f[1] for f in figures[queued])
            p99s = sorted(f[2] for f in figures[queued])
            print(
                f"{'queued      ' if queued else 'busy handler'} min / median / max: CPU ms per transaction "
                f"{cpu[0]:.3f} / {statistics.median(cpu):.3f} / {cpu[-1]:.3f}; per second {rate[0]:.0f} / "
                f"{statistics.median(rate):.0f} / {rate[-1]:.0f}; p99 ms {p99s[0]:.1f} / {statistics.median(p99s):.1f}"
                f" / {p99s[-1]:.1f}"
            )


if __name__ == "__main__":
    main()
