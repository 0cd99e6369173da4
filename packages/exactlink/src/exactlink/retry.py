"""When to try a request again, and how long to wait first.

Only reads are retried on their own: a GET that met a 5xx, a timeout or a dropped connection is
safe to repeat. A write (POST, PUT, DELETE) is never repeated blindly: Exact has no idempotency key,
so a second POST after a lost answer can book a journal twice. Such failures surface with
``outcome_unknown`` set and the caller reconciles (looks the entry up) before writing again.

Two answers mean "not done" for every method and are handled by the client itself, not here:
429 (wait for the window, then send again) and a 401 for an expired access token (new token, again).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from .errors import ConnectionFailed, ExactError, ServerError, Timeout, TransportError


@dataclass(frozen=True)
class RetryPolicy:
    """Capped exponential backoff with full jitter.

    ``backoff(attempt)`` is ``jitter(min(cap, base * 2 ** (attempt - 1)))``; override or patch
    :meth:`jitter` in tests to get exact delays.
    """

    max_attempts: int = 3
    base: float = 0.5
    cap: float = 8.0
    rng: random.Random = field(default_factory=random.Random, compare=False, repr=False)

    def should_retry(self, method: str, error: ExactError, attempt: int) -> bool:
        """``attempt`` is the number of attempts already made (1 after the first)."""
        if attempt >= self.max_attempts:
            return False
        if method.upper() not in ("GET", "HEAD"):
            return False
        if isinstance(error, ServerError):
            return error.status >= 500
        return isinstance(error, (Timeout, ConnectionFailed, TransportError))

    def backoff(self, attempt: int) -> float:
        ceiling = min(self.cap, self.base * (2 ** max(0, attempt - 1)))
        return self.jitter(ceiling)

    def jitter(self, ceiling: float) -> float:
        """A uniformly random delay in ``[0, ceiling]`` ("full jitter")."""
        return self.rng.uniform(0.0, ceiling)


NO_RETRY = RetryPolicy(max_attempts=1)
