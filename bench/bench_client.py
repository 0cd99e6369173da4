"""The exactlink client's own overhead per call, against the sandbox, next to a bare httpx call.

Run: ``python bench/bench_client.py [--calls N]``. Starts the sandbox in a child process on a free
loopback port (so its CPU time is not counted here), registers an app, takes a token, lifts the
sandbox's rate limits, then times the same GET both ways:

* bare:   ``httpx.Client.get(url, params, headers).json()``
* client: ``division.gl_accounts.list(query)`` (governor, token provider, logging, classification,
  Decimal JSON, value conversion)

Limits from the issue: wall time ≤ 1.3× the bare call, and ≤ 0.5 ms of extra CPU per call.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from collections.abc import Callable

import httpx

from benchkit import sandbox_process
from exactlink import ExactClient, ExactConfig, F, Query, StaticTokenProvider

DIVISION = 7001
REDIRECT = "http://127.0.0.1/callback"
WALL_LIMIT = 1.3
CPU_LIMIT_MS = 0.5


def access_token(base_url: str) -> str:
    with httpx.Client(base_url=base_url, timeout=10) as control:
        control.post("/_sandbox/limits", json={"minutely": 10**9, "daily": 10**9}).raise_for_status()
        app = control.post("/_sandbox/apps", json={"name": "bench", "redirect_uri": REDIRECT}).json()
        code = control.post("/_sandbox/authorize", json={"client_id": app["client_id"], "user": "demo@exact.example"})
        token = control.post(
            "/api/oauth2/token",
            data={
                "grant_type": "authorization_code",
                "code": code.json()["code"],
                "redirect_uri": REDIRECT,
                "client_id": app["client_id"],
                "client_secret": app["client_secret"],
            },
        )
        token.raise_for_status()
        return token.json()["access_token"]


def measure(fn: Callable[[], object], calls: int) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process) for ``calls`` calls."""
    gc.collect()
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(calls):
        fn()
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=600, help="calls per side (bounded: at most 5000)")
    parser.add_argument("--rounds", type=int, default=6, help="alternating rounds, to even out drift")
    args = parser.parse_args()
    calls = max(10, min(args.calls, 5000))
    rounds = max(1, min(args.rounds, 20))

    with sandbox_process() as base_url:
        token = access_token(base_url)
        config = ExactConfig(base_url=base_url)
        client = ExactClient(config, StaticTokenProvider(token), client_id="bench")
        resource = client.division(DIVISION).gl_accounts
        query = Query().select("ID", "Code", "Description", "IsBlocked").filter(F("Code") == "8000")

        bare = httpx.Client(timeout=config.httpx_timeout(), headers={"User-Agent": config.user_agent})
        url = f"{config.api_root}/{DIVISION}/financial/GLAccounts"
        params = query.params()
        headers = {"Accept": "application/json", "Authorization": f"Bearer {token}"}

        def bare_call() -> object:
            response = bare.get(url, params=params, headers=headers)
            response.raise_for_status()
            return response.json()

        def client_call() -> object:
            return resource.list(query)

        assert bare_call()["d"]["results"][0]["Code"] == client_call()[0]["Code"]  # type: ignore[index]
        measure(bare_call, 50)
        measure(client_call, 50)

        per_round = max(1, calls // rounds)
        totals = {"bare": [0.0, 0.0], "client": [0.0, 0.0]}
        for _ in range(rounds):
            for name, fn in (("bare", bare_call), ("client", client_call)):
                wall, cpu = measure(fn, per_round)
                totals[name][0] += wall
                totals[name][1] += cpu
        n = per_round * rounds
        bare_wall, bare_cpu = (v / n * 1000 for v in totals["bare"])
        client_wall, client_cpu = (v / n * 1000 for v in totals["client"])
        ratio = client_wall / bare_wall
        extra_cpu = client_cpu - bare_cpu

        print(f"exactlink client overhead against the sandbox ({n} calls per side, {rounds} rounds)")
        print(f"  bare httpx   wall {bare_wall:7.3f} ms/call   cpu {bare_cpu:7.3f} ms/call")
        print(f"  ExactClient  wall {client_wall:7.3f} ms/call   cpu {client_cpu:7.3f} ms/call")
        print(f"  wall ratio   {ratio:5.2f}x   (limit {WALL_LIMIT}x: {ratio / WALL_LIMIT:.2f} of the limit)")
        print(
            f"  extra cpu    {extra_cpu:6.3f} ms/call (limit {CPU_LIMIT_MS} ms: "
            f"{extra_cpu / CPU_LIMIT_MS:.2f} of the limit)"
        )
        ok = ratio <= WALL_LIMIT and extra_cpu <= CPU_LIMIT_MS
        print("  result       " + ("within both limits" if ok else "OVER A LIMIT"))
        bare.close()
        client.close()
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
