"""Sandbox throughput: 8 concurrent clients against `python -m exact_sandbox` on a loopback port.

Target: at least 300 REST requests/s, so the sandbox never limits the service's own benchmarks.
Run: python bench/bench_sandbox.py [--clients 8] [--requests 2400]
The sandbox runs in its own process (as in `make run`), so client and server do not share a GIL.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import httpx

TARGET = 300.0


def start_sandbox() -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "exact_sandbox", "--port", "0", "--log-level", "WARNING"],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    match = re.search(r"listening on (http://\S+?) ", line)
    if match is None:
        process.terminate()
        raise SystemExit(f"sandbox did not start: {line!r}")
    return process, match.group(1)


def prepare(base: str) -> dict[str, str]:
    with httpx.Client(base_url=base, timeout=10) as control:
        control.post("/_sandbox/limits", json={"minutely": 10**9, "daily": 10**9}).raise_for_status()
        app = control.post("/_sandbox/apps", json={"name": "bench", "redirect_uri": "http://127.0.0.1/cb"}).json()
        code = control.post(
            "/_sandbox/authorize", json={"client_id": app["client_id"], "user": "demo@exact.example"}
        ).json()["code"]
        tokens = control.post(
            "/api/oauth2/token",
            data={
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": app["redirect_uri"],
                "client_id": app["client_id"],
                "client_secret": app["client_secret"],
            },
        ).json()
        headers = {"Authorization": f"Bearer {tokens['access_token']}", "Accept": "application/json"}
        rows = control.get("/api/v1/7001/financial/GLAccounts", params={"$select": "ID,Code"}, headers=headers).json()[
            "d"
        ]["results"]
    ids = {row["Code"]: row["ID"] for row in rows}
    return {"authorization": headers["Authorization"], "cash": ids["1000"], "diff": ids["4900"]}


def worker(base: str, ctx: dict[str, str], count: int, offset: int) -> tuple[int, int]:
    """A client doing a realistic mix: reference-data reads, a lookup by reference, and posts."""
    headers = {"Authorization": ctx["authorization"], "Accept": "application/json"}
    ok = failed = 0
    with httpx.Client(base_url=base, headers=headers, timeout=30) as http:
        for n in range(count):
            kind = (n + offset) % 10
            if kind == 0:
                response = http.post(
                    "/api/v1/7001/generaljournalentry/GeneralJournalEntries",
                    json={
                        "JournalCode": "91",
                        "GeneralJournalEntryLines": [
                            {"GLAccount": ctx["cash"], "AmountFC": 1, "Description": f"bench-{offset}-{n}"},
                            {"GLAccount": ctx["diff"], "AmountFC": -1, "Description": f"bench-{offset}-{n}"},
                        ],
                    },
                )
            elif kind == 1:
                response = http.get("/api/v1/current/Me")
            elif kind == 2:
                response = http.get("/api/v1/7001/vat/VATCodes", params={"$select": "Code,Type,Percentage"})
            elif kind == 3:
                response = http.get(
                    "/api/v1/7001/generaljournalentry/GeneralJournalEntryLines",
                    params={"$select": "EntryID", "$filter": f"Description eq 'bench-{offset}-{max(n - 3, 0)}'"},
                )
            else:
                response = http.get(
                    "/api/v1/7001/financial/GLAccounts",
                    params={"$select": "ID,Code,Description", "$filter": "IsBlocked eq false"},
                )
            if response.status_code < 400:
                ok += 1
            else:
                failed += 1
    return ok, failed


def main() -> int:
    args = argparse.ArgumentParser(description=__doc__)
    args.add_argument("--clients", type=int, default=8)
    args.add_argument("--requests", type=int, default=2400, help="total REST requests (bounded)")
    options = args.parse_args()
    process, base = start_sandbox()
    try:
        ctx = prepare(base)
        per_client = options.requests // options.clients
        started = time.perf_counter()
        with ThreadPoolExecutor(options.clients) as pool:
            results = list(pool.map(lambda i: worker(base, ctx, per_client, i), range(options.clients)))
        elapsed = time.perf_counter() - started
    finally:
        process.terminate()
        process.wait(timeout=10)
    ok = sum(r[0] for r in results)
    failed = sum(r[1] for r in results)
    rate = (ok + failed) / elapsed
    print(
        f"sandbox: {ok + failed} REST requests ({failed} failed) from {options.clients} concurrent clients "
        f"in {elapsed:.2f} s"
    )
    print(f"throughput: {rate:.0f} requests/s; target {TARGET:.0f} requests/s; ratio {rate / TARGET:.2f}")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
