"""Sandbox throughput, against `python -m exact_sandbox` on a loopback port (its own process).

1. No latency: 8 concurrent clients doing a realistic mix. Target at least 300 REST requests/s, so the
   sandbox never limits the service's own benchmarks.
2. Exact-like latency (300 ms ± 100 ms per call): 100 concurrent clients, one per division, as the
   drain benchmark drives it. Each client can make at most 1 / 0.3 s calls a second, so the ideal is
   100 / 0.3 = 333 requests/s; the ratio to that ideal shows what the served sandbox loses to its own
   cost when it waits for 100 calls at once (target ≥ 0.9).

Note: the latency run's clients speak HTTP/1.1 over plain asyncio streams. httpx's AsyncClient with a
100-connection keep-alive pool was measured at about 4.5 ms CPU per call on this machine, with calls
stalling for seconds (its pool checks every idle connection on each request); a thread pool over one
httpx.Client costs about 2 ms CPU per call. Either would measure the client, not the sandbox.

Run: python bench/bench_sandbox.py [--clients 8] [--requests 2400] [--latency-clients 100]
     [--latency-ms 300] [--jitter-ms 100] [--latency-requests 20]
"""

from __future__ import annotations

import argparse
import asyncio
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


async def division_client(host: str, port: int, authorization: str, division: int, count: int) -> tuple:
    """One division's worker under latency: one call at a time on one keep-alive connection, as a posting
    worker does. A minimal HTTP/1.1 client over asyncio streams, so that the figure is the sandbox's: a
    pooled httpx client costs more CPU per call than the sandbox itself (see the module's note)."""
    reader, writer = await asyncio.open_connection(host, port)
    ok = failed = 0
    waits = []
    try:
        for n in range(count):
            if n % 4 == 3:
                target = f"/api/v1/{division}/vat/VATCodes?%24select=Code,Percentage"
            else:
                target = f"/api/v1/{division}/financial/GLAccounts?%24select=ID,Code&%24filter=Code%20eq%20%278000%27"
            started = time.perf_counter()
            writer.write(
                f"GET {target} HTTP/1.1\r\nHost: {host}\r\nAuthorization: {authorization}\r\n"
                "Accept: application/json\r\n\r\n".encode()
            )
            await writer.drain()
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head.split(b" ", 2)[1])
            length = next(
                int(line.split(b":", 1)[1])
                for line in head.split(b"\r\n")
                if line.lower().startswith(b"content-length:")
            )
            await reader.readexactly(length)
            waits.append(time.perf_counter() - started)
            if status < 400:
                ok += 1
            else:
                failed += 1
    finally:
        writer.close()
    return ok, failed, waits


async def drive_divisions(base: str, authorization: str, divisions: list[int], count: int) -> list[tuple]:
    host, port = base.removeprefix("http://").rsplit(":", 1)
    return await asyncio.gather(*(division_client(host, int(port), authorization, d, count) for d in divisions))


def latency_run(base: str, ctx: dict[str, str], clients: int, ms: int, jitter: int, count: int) -> tuple[float, int]:
    with httpx.Client(base_url=base, timeout=30) as control:
        for n in range(clients):
            control.post("/_sandbox/divisions", json={"code": 8001 + n}).raise_for_status()
        control.post("/_sandbox/latency", json={"ms": ms, "jitter_ms": jitter}).raise_for_status()
    divisions = [8001 + n for n in range(clients)]
    started = time.perf_counter()
    results = asyncio.run(drive_divisions(base, ctx["authorization"], divisions, count))
    elapsed = time.perf_counter() - started
    ok = sum(r[0] for r in results)
    failed = sum(r[1] for r in results)
    waits = sorted(w for r in results for w in r[2])
    rate = (ok + failed) / elapsed
    ideal = clients / (ms / 1000)
    print(
        f"sandbox at {ms} ms ± {jitter} ms: {ok + failed} REST requests ({failed} failed) from {clients} concurrent "
        f"clients, one per division, in {elapsed:.2f} s"
    )
    median, p95 = waits[len(waits) // 2] * 1000, waits[int(len(waits) * 0.95)] * 1000
    print(
        f"throughput: {rate:.0f} requests/s; ideal {ideal:.0f} requests/s; ratio {rate / ideal:.2f}; "
        f"per-call wait median {median:.0f} ms, p95 {p95:.0f} ms"
    )
    return rate, failed


def main() -> int:
    args = argparse.ArgumentParser(description=__doc__)
    args.add_argument("--clients", type=int, default=8)
    args.add_argument("--requests", type=int, default=2400, help="total REST requests (bounded)")
    args.add_argument("--latency-clients", type=int, default=100, help="concurrent clients under latency")
    args.add_argument("--latency-ms", type=int, default=300)
    args.add_argument("--jitter-ms", type=int, default=100)
    args.add_argument("--latency-requests", type=int, default=20, help="calls per client under latency")
    options = args.parse_args()
    process, base = start_sandbox()
    try:
        ctx = prepare(base)
        per_client = options.requests // options.clients
        started = time.perf_counter()
        with ThreadPoolExecutor(options.clients) as pool:
            results = list(pool.map(lambda i: worker(base, ctx, per_client, i), range(options.clients)))
        elapsed = time.perf_counter() - started
        ok = sum(r[0] for r in results)
        failed = sum(r[1] for r in results)
        rate = (ok + failed) / elapsed
        print(
            f"sandbox: {ok + failed} REST requests ({failed} failed) from {options.clients} concurrent clients "
            f"in {elapsed:.2f} s"
        )
        print(f"throughput: {rate:.0f} requests/s; target {TARGET:.0f} requests/s; ratio {rate / TARGET:.2f}")
        _, latency_failed = latency_run(
            base, ctx, options.latency_clients, options.latency_ms, options.jitter_ms, options.latency_requests
        )
    finally:
        process.terminate()
        process.wait(timeout=10)
    return 0 if failed == 0 and latency_failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
