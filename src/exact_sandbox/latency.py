"""Exact-like latency: every REST and token call waits `ms` ± `jitter_ms` before it is handled.

Exact answers in hundreds of milliseconds; benchmarks that must see that cost turn this on (control
API `POST /_sandbox/latency`, or `--latency-ms` / `--latency-jitter-ms` on the command line). The wait
is real time (it is what a client's pool and timeouts see) and happens outside the backend lock, so
concurrent calls wait side by side. The delay of each call is drawn uniformly from
[ms - jitter_ms, ms + jitter_ms], never below 0. Off (0 ms) by default and after a reset.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass

MAX_LATENCY_MS = 60_000


@dataclass(frozen=True)
class LatencySetting:
    ms: int = 0
    jitter_ms: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"ms": self.ms, "jitter_ms": self.jitter_ms}


class Latency:
    """The current setting and a random source for the jitter. Thread-safe."""

    def __init__(self, seed: int | None = None) -> None:
        self._lock = threading.Lock()
        self._random = random.Random(seed)
        self.setting = LatencySetting()

    def set(self, ms: object, jitter_ms: object = 0) -> LatencySetting:
        for name, value in (("ms", ms), ("jitter_ms", jitter_ms)):
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_LATENCY_MS:
                raise ValueError(f"{name} must be an integer between 0 and {MAX_LATENCY_MS}")
        assert isinstance(ms, int) and isinstance(jitter_ms, int)
        setting = LatencySetting(ms, jitter_ms if ms else 0)
        with self._lock:
            self.setting = setting
        return setting

    def off(self) -> None:
        with self._lock:
            self.setting = LatencySetting()

    def delay(self) -> float:
        """Seconds the next call waits (0.0 when off)."""
        with self._lock:
            setting = self.setting
            if not setting.ms:
                return 0.0
            spread = self._random.uniform(-setting.jitter_ms, setting.jitter_ms) if setting.jitter_ms else 0.0
        return max(0.0, setting.ms + spread) / 1000
