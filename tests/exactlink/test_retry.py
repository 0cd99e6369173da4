"""The retry policy: reads only, capped exponential backoff, jitter in its own method."""

from __future__ import annotations

import random

import pytest

from exactlink.errors import ConnectionFailed, NotFound, ServerError, Timeout, ValidationError
from exactlink.retry import RetryPolicy


class NoJitter(RetryPolicy):
    def jitter(self, ceiling: float) -> float:
        return ceiling


def test_backoff_doubles_up_to_the_cap():
    policy = NoJitter(max_attempts=10, base=0.5, cap=4.0)
    assert [policy.backoff(a) for a in range(1, 7)] == [0.5, 1.0, 2.0, 4.0, 4.0, 4.0]


def test_jitter_stays_within_the_ceiling():
    policy = RetryPolicy(base=1.0, cap=8.0, rng=random.Random(7))
    for attempt in range(1, 20):
        delay = policy.backoff(attempt)
        assert 0.0 <= delay <= min(8.0, 2 ** (attempt - 1))


def test_jitter_is_isolated_and_seedable():
    a = RetryPolicy(rng=random.Random(1))
    b = RetryPolicy(rng=random.Random(1))
    assert [a.jitter(5.0) for _ in range(5)] == [b.jitter(5.0) for _ in range(5)]


@pytest.mark.parametrize(
    "error",
    [
        ServerError("boom", status=500),
        ServerError("maintenance", status=503),
        Timeout("read timeout"),
        ConnectionFailed("reset"),
    ],
)
def test_gets_are_retried_on_transient_failures(error):
    policy = RetryPolicy(max_attempts=3)
    assert policy.should_retry("GET", error, 1)
    assert policy.should_retry("GET", error, 2)
    assert not policy.should_retry("GET", error, 3)


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE"])
@pytest.mark.parametrize(
    "error", [ServerError("x", status=503), Timeout("t", outcome_unknown=True), ConnectionFailed("c")]
)
def test_writes_are_never_retried_blindly(method, error):
    assert not RetryPolicy(max_attempts=10).should_retry(method, error, 1)


@pytest.mark.parametrize("error", [ValidationError("bad", status=400), NotFound("gone", status=404)])
def test_client_errors_are_not_retried(error):
    assert not RetryPolicy().should_retry("GET", error, 1)
