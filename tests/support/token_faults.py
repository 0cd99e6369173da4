"""The token fault campaign: N processes at a connector's refresh moment, one fault injected per round.

Used by tests/connectors/test_token_faults.py (a few rounds of each fault) and bench/bench_token_faults.py
(100 rounds of each). The faults are the rows of issue 19's table:

- ``lost_answer``: the token endpoint's answer is lost after Exact rotated the pair (sandbox fault
  ``drop_after_commit`` on the token call);
- ``early_401``: one 401 for an access token Exact still accepts (sandbox fault ``status`` 401 on
  ``current/Me``), well before the refresh window; then the window;
- ``database``: the refreshing process's database connection dies while it stores the new pair (child
  fault ``db``: ``pg_terminate_backend`` on PostgreSQL);
- ``killed``: the refreshing process is killed (SIGKILL) after its call reached Exact (child fault ``kill``).

A round ends with every process's answer; the chain is *broken* when the connector is no longer connected.
A broken chain is authorized again (as a person would) before the next round. Rounds move the clock (the
test's and the sandbox's together), never sleep.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

FAULTS = ("lost_answer", "early_401", "database", "killed")


class Clocks(Protocol):
    sandbox: Any

    def now(self) -> datetime: ...

    def advance(self, seconds: float) -> None: ...


@dataclass
class Tally:
    fault: str
    policy: str
    rounds: int = 0
    broken: int = 0
    stale: int = 0  # a process that got a token other than the stored one: never acceptable
    crashes: int = 0  # a process that failed with something other than TokenUnavailable: never acceptable
    waited: int = 0  # processes told to wait (TokenUnavailable), e.g. for the window after a stray 401
    reasons: dict[str, int] = field(default_factory=dict)

    def line(self) -> str:
        why = ", ".join(f"{code} × {n}" for code, n in sorted(self.reasons.items())) or "-"
        return (
            f"{self.fault:<12} {self.policy:<6} rounds {self.rounds:>4}  broken {self.broken:>4} "
            f"({100 * self.broken / max(self.rounds, 1):.0f} per 100)  stale {self.stale}  crashes {self.crashes}  "
            f"waited {self.waited}  reasons: {why}"
        )


class Campaign:
    """``processes`` children asking for one connector's token at the same instant."""

    def __init__(
        self,
        connector_id: int,
        clocks: Clocks,
        env: dict[str, str],
        reauthorize: Callable[[], None],
        processes: int = 16,
        spares: int = 1,
    ) -> None:
        self.connector_id = connector_id
        self.clocks = clocks
        self.env = env
        self.reauthorize = reauthorize
        self.processes = processes
        self.flags = Path(tempfile.mkdtemp(prefix="token-faults-"))
        self.children: list[subprocess.Popen[str]] = []
        self.spares: list[subprocess.Popen[str]] = []  # started ahead: a killed child is replaced at once
        self.spare_count = spares
        self.round = 0

    def _spawn(self) -> subprocess.Popen[str]:
        child = subprocess.Popen(
            [sys.executable, "-m", "tests.connectors.token_fault_child", str(self.connector_id), str(self.flags)],
            env=self.env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        # Reap it the moment it dies: a killed refresher must be seen as gone, not linger as a zombie.
        threading.Thread(target=child.wait, daemon=True).start()
        return child

    def __enter__(self) -> Campaign:
        self.children = [self._spawn() for _ in range(self.processes)]
        self.spares = [self._spawn() for _ in range(self.spare_count)]
        return self

    def __exit__(self, *exc: object) -> None:
        for child in self.children + self.spares:
            if child.stdin:
                child.stdin.close()
        for child in self.children + self.spares:
            try:
                child.wait(timeout=30)
            except subprocess.TimeoutExpired:
                child.kill()

    def ask(self, when: datetime, action: str = "token", fault: str = "-") -> list[str]:
        """Every process asks at ``when`` (its clock); their answers, ``DIED`` for one that was killed."""
        self.round += 1
        start = time.time() + 0.25
        for child in self.children:
            assert child.stdin is not None
            child.stdin.write(f"{self.round} {when.isoformat()} {start} {action} {fault}\n")
            child.stdin.flush()
        answers = []
        for position, child in enumerate(self.children):
            assert child.stdout is not None
            answer = child.stdout.readline().strip()
            if not answer:
                answers.append("DIED")
                self.children[position] = self.spares.pop(0) if self.spares else self._spawn()
                if len(self.spares) < self.spare_count:
                    self.spares.append(self._spawn())
            else:
                answers.append(answer)
        return answers

    # -- one round of each fault -----------------------------------------------------------------------
    def run(self, fault: str, tally: Tally) -> None:
        sandbox = self.clocks.sandbox
        answers: list[str] = []
        if fault == "early_401":
            self.clocks.advance(300)  # halfway through the access token's life: Exact accepts it
            sandbox.add_fault("status", method="GET", path="current/Me", status=401, message="Unauthorized")
            answers += self.ask(self.clocks.now(), "rest")
            sandbox.clear_faults()
            self.clocks.advance(290)  # inside the refresh window
        else:
            self.clocks.advance(590)  # inside the refresh window
        if fault == "lost_answer":
            sandbox.add_fault("drop_after_commit", method="POST", path="/api/oauth2/token")
        child_fault = {"database": "db", "killed": "kill"}.get(fault, "-")
        answers += self.ask(self.clocks.now(), "token", child_fault)
        sandbox.clear_faults()
        self.judge(answers, tally)

    def judge(self, answers: list[str], tally: Tally) -> None:
        from ledgerlink.connectors.choices import Status
        from ledgerlink.connectors.models import Connector
        from ledgerlink.core import crypto

        tally.rounds += 1
        connector = Connector.objects.get(pk=self.connector_id)
        stored = crypto.unseal(connector.access_token_sealed) if connector.access_token_sealed else ""
        for answer in answers:
            if answer.startswith("ERROR:"):
                code = answer.split(":", 2)[2]
                if code == "crash":
                    tally.crashes += 1
                else:
                    tally.waited += 1
            elif answer not in ("DIED", "OK") and answer != stored and connector.status == Status.CONNECTED:
                tally.stale += 1
        if connector.status != Status.CONNECTED:
            tally.broken += 1
            code = connector.status_reason.code if connector.status_reason else connector.status
            tally.reasons[code] = tally.reasons.get(code, 0) + 1
            self.reauthorize()
        # The next round starts from a fresh pair's clock, whatever this one left behind.
        connector = Connector.objects.get(pk=self.connector_id)
        issued = connector.tokens_issued_at or self.clocks.now()
        behind = (issued - self.clocks.now()) / timedelta(seconds=1)
        if behind > 0:
            self.clocks.advance(behind)
