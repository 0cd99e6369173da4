"""Injected faults: make the next matching request(s) fail the way a network or Exact can fail.

Kinds:
  status             answer `status` with an OData error body, without doing the work; a 429 on a
                     REST path is shaped like Exact's: empty body and only the exhausted `window`'s
                     three rate-limit headers ("minutely", the default, or "daily")
  timeout            hold the request for `delay_ms`, then close the connection without answering
                     (nothing is done, so the client's read timeout should fire first)
  drop_after_commit  do the work (a POST is stored), then close the connection without answering
  status_after_commit  do the work (a POST is stored, a token pair rotated), then answer `status` (500 by
                     default) with an OData error body: Exact's real server errors after the write
  latency            wait `delay_ms`, then answer normally

`status` and `status_after_commit` answer with `message` when given (Exact's words, one per line), else
with a text naming the fault.

Delays are real time (they are what a client's timeout measures), capped at MAX_DELAY_MS.
"""

from __future__ import annotations

import itertools
import re
import threading
from dataclasses import dataclass

KINDS = ("status", "timeout", "drop_after_commit", "status_after_commit", "latency")
AFTER_COMMIT = ("drop_after_commit", "status_after_commit")
WINDOWS = ("minutely", "daily")
MAX_DELAY_MS = 10_000


class FaultError(ValueError):
    """A fault definition the control API refuses."""


class DropConnection(ConnectionError):
    """Raised by the app to make the server close the socket without writing an answer.

    It subclasses ConnectionError because Werkzeug's request handler treats that family as a
    dropped connection and writes nothing; the in-process transport turns it into a protocol error.
    """


@dataclass
class Fault:
    id: int
    method: str | None
    path: str
    kind: str
    status: int
    count: int
    delay_ms: int
    _pattern: re.Pattern[str]
    window: str = "minutely"
    message: str = ""

    def text(self) -> str:
        return self.message or f"Injected fault {self.id}: HTTP {self.status} from the sandbox."

    def matches(self, method: str, path: str) -> bool:
        if self.method is not None and self.method != method.upper():
            return False
        return self._pattern.search(path) is not None

    def describe(self) -> dict[str, object]:
        return {
            "id": self.id,
            "method": self.method,
            "path": self.path,
            "kind": self.kind,
            "status": self.status,
            "count": self.count,
            "delay_ms": self.delay_ms,
            "window": self.window,
            "message": self.message,
        }


class FaultRegistry:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        self._ids = itertools.count(1)

    def add(self, spec: dict[str, object]) -> Fault:
        kind = spec.get("kind")
        if kind not in KINDS:
            raise FaultError(f"kind must be one of {', '.join(KINDS)}")
        path = spec.get("path", ".*")
        if not isinstance(path, str):
            raise FaultError("path must be a regular expression string")
        try:
            pattern = re.compile(path)
        except re.error as exc:
            raise FaultError(f"path is not a valid regular expression: {exc}") from exc
        method = spec.get("method")
        if method is not None and (not isinstance(method, str) or not method):
            raise FaultError("method must be an HTTP method name")
        if method in ("*", "ANY"):
            method = None
        status = _int(spec, "status", {"status": 503, "status_after_commit": 500}.get(str(kind), 0))
        if kind in ("status", "status_after_commit") and not 400 <= status <= 599:
            raise FaultError("status must be between 400 and 599")
        count = _int(spec, "count", 1)
        if count < 1:
            raise FaultError("count must be at least 1")
        delay_ms = _int(spec, "delay_ms", 1000 if kind == "timeout" else 0)
        if not 0 <= delay_ms <= MAX_DELAY_MS:
            raise FaultError(f"delay_ms must be between 0 and {MAX_DELAY_MS}")
        window = spec.get("window", "minutely")
        if window not in WINDOWS:
            raise FaultError(f"window must be one of {', '.join(WINDOWS)}")
        message = spec.get("message", "")
        if not isinstance(message, str):
            raise FaultError("message must be a string")
        with self._lock:
            fault = Fault(
                next(self._ids),
                method.upper() if method else None,
                path,
                str(kind),
                status,
                count,
                delay_ms,
                pattern,
                str(window),
                message,
            )
            self._faults.append(fault)
        return fault

    def take(self, method: str, path: str) -> Fault | None:
        """The first pending fault for this request, with one use consumed."""
        with self._lock:
            for fault in self._faults:
                if fault.matches(method, path):
                    fault.count -= 1
                    if fault.count == 0:
                        self._faults.remove(fault)
                    return fault
        return None

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def pending(self) -> list[dict[str, object]]:
        with self._lock:
            return [fault.describe() for fault in self._faults]


def _int(spec: dict[str, object], name: str, default: int) -> int:
    value = spec.get(name, default)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int):
        raise FaultError(f"{name} must be an integer")
    return value
