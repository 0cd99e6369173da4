"""Exact-like latency: `POST /_sandbox/latency`, the CLI flags, and a served sandbox that waits concurrently.

Most tests mount the app in-process with a recording `sleep`, so they see exactly which calls wait and
how long without waiting themselves. One test serves the sandbox and measures real waits side by side.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from exact_sandbox.app import SandboxApp
from exact_sandbox.backend import Backend
from exact_sandbox.clock import SandboxClock
from exact_sandbox.latency import Latency
from exact_sandbox.pytest_plugin import session_start_instant
from exact_sandbox.testing import SandboxControlError, SandboxHandle, SandboxTransport

from .conftest import Connection, connect


class Recorder:
    def __init__(self) -> None:
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


@pytest.fixture
def recorded() -> Iterator[tuple[SandboxHandle, Recorder]]:
    recorder = Recorder()
    app = SandboxApp(Backend(SandboxClock(session_start_instant(), mode="frozen")), sleep=recorder)
    base_url = "http://exact-sandbox.invalid"
    handle = SandboxHandle(base_url, app, httpx.Client(base_url=base_url, transport=SandboxTransport(app=app)), False)
    yield handle, recorder
    handle.close()


def test_rest_and_token_calls_wait_and_the_control_api_and_pages_do_not(
    recorded: tuple[SandboxHandle, Recorder],
) -> None:
    sandbox, recorder = recorded
    assert sandbox.set_latency(300, 100) == {"ms": 300, "jitter_ms": 100}
    conn = connect(sandbox)  # control calls, then one token call
    assert len(recorder.waits) == 1
    conn.get("/api/v1/current/Me")
    conn.get("/api/v1/7001/financial/GLAccounts")
    conn.http.get("/appcenter")
    sandbox.state()
    assert len(recorder.waits) == 3
    assert all(0.2 <= wait <= 0.4 for wait in recorder.waits), recorder.waits


def test_zero_turns_it_off_and_a_reset_turns_it_off(recorded: tuple[SandboxHandle, Recorder]) -> None:
    sandbox, recorder = recorded
    conn = connect(sandbox)
    sandbox.set_latency(50)
    conn.get("/api/v1/current/Me")
    assert recorder.waits == [0.05]
    sandbox.set_latency(0, 20)
    conn.get("/api/v1/current/Me")
    assert recorder.waits == [0.05]
    assert sandbox._control.get("/_sandbox/latency").json() == {"ms": 0, "jitter_ms": 0}
    sandbox.set_latency(40)
    sandbox.reset()
    assert sandbox.state()["latency"] == {"ms": 0, "jitter_ms": 0}
    conn = connect(sandbox)
    conn.get("/api/v1/current/Me")
    assert recorder.waits == [0.05]


@pytest.mark.parametrize(
    "body",
    [{}, {"ms": -1}, {"ms": "300"}, {"ms": True}, {"ms": 300, "jitter_ms": -5}, {"ms": 60_001}, {"ms": 1.5}],
)
def test_bad_settings_are_refused(exact_sandbox: SandboxHandle, body: dict[str, object]) -> None:
    with pytest.raises(SandboxControlError) as refused:
        exact_sandbox._call("POST", "latency", body)
    assert refused.value.status == 400 and "ms" in refused.value.body


def test_jitter_spreads_uniformly_within_the_bounds() -> None:
    latency = Latency(seed=7)
    latency.set(300, 100)
    delays = [latency.delay() for _ in range(2000)]
    assert min(delays) >= 0.2 and max(delays) <= 0.4
    assert min(delays) < 0.21 and max(delays) > 0.39  # the whole range is used
    assert 0.29 < sum(delays) / len(delays) < 0.31
    latency.set(10, 50)  # never below zero
    assert min(latency.delay() for _ in range(500)) == 0.0


def test_faults_still_apply_after_the_wait(recorded: tuple[SandboxHandle, Recorder]) -> None:
    sandbox, recorder = recorded
    conn = connect(sandbox)
    sandbox.set_latency(100)
    sandbox.add_fault("latency", path="current/Me", delay_ms=250)
    assert conn.get("/api/v1/current/Me").status_code == 200
    assert recorder.waits[-2:] == [0.1, 0.25]


def test_the_served_sandbox_waits_for_many_calls_at_once(exact_sandbox: SandboxHandle, conn: Connection) -> None:
    """20 calls that each wait 200 ms finish together in well under the 4 s they take one after the other:
    the served sandbox is threaded and waits outside its lock."""
    exact_sandbox.set_latency(200)
    limits = httpx.Limits(max_connections=20, max_keepalive_connections=20)
    with httpx.Client(base_url=exact_sandbox.base_url, headers=conn.headers, timeout=10, limits=limits) as http:

        def call(_: int) -> int:
            return http.get("/api/v1/7001/vat/VATCodes").status_code

        started = time.perf_counter()
        with ThreadPoolExecutor(20) as pool:
            statuses = list(pool.map(call, range(20)))
        elapsed = time.perf_counter() - started
    assert statuses == [200] * 20
    assert 0.2 <= elapsed < 2.0, elapsed


def _start(command: list[str]) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None
    line = process.stdout.readline()
    match = re.search(r"listening on (http://127\.0\.0\.1:\d+)", line)
    if match is None:
        process.terminate()
        raise AssertionError(f"no readiness line: {line!r} {process.stderr.read() if process.stderr else ''}")
    return process, match.group(1)


@pytest.mark.parametrize(
    "command",
    [
        [sys.executable, "-m", "exact_sandbox"],
        [str(Path(sys.executable).parent / "ledgerlink"), "sandbox"],
    ],
    ids=["python -m exact_sandbox", "ledgerlink sandbox"],
)
def test_the_command_line_flags_set_latency_and_token_policy(command: list[str]) -> None:
    flags = ["--port", "0", "--log-level", "WARNING", "--latency-ms", "300", "--latency-jitter-ms", "100"]
    process, base = _start([*command, *flags, "--token-policy", "grace"])
    try:
        assert httpx.get(f"{base}/_sandbox/latency", timeout=5).json() == {"ms": 300, "jitter_ms": 100}
        assert httpx.get(f"{base}/_sandbox/token-policy", timeout=5).json() == {"policy": "grace"}
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_a_bad_latency_flag_stops_the_command_with_a_message() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "exact_sandbox", "--port", "0", "--latency-ms", "-5"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 2 and "--latency-ms" in done.stderr and "between 0 and" in done.stderr
