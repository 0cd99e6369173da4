"""Shared helpers for the exactlink tests: a clock that only moves when told, and a fake Exact."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from exactlink.ratelimit import InMemoryStore

FIXTURES = Path(__file__).parent / "fixtures" / "recorded_dotnet"


class FakeClock:
    """Aware UTC time that moves only through ``advance``/``sleep``; ``sleeps`` records every wait."""

    def __init__(self, start: datetime | None = None):
        self.now = start or datetime(2025, 3, 10, 13, 5, 11, tzinfo=UTC)
        self.sleeps: list[float] = []

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.advance(seconds)


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def odata_error(*messages: str) -> bytes:
    return json.dumps({"error": {"code": "", "message": {"lang": "", "value": "\r\n".join(messages)}}}).encode()


class FakeExact:
    """An ``httpx.MockTransport`` handler that answers from a queue and records every request."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.answers: list[httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]] = []

    def queue(self, *answers: httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]) -> None:
        self.answers.extend(answers)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        if not self.answers:
            raise AssertionError(f"unexpected request {request.method} {request.url}")
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        if callable(answer) and not isinstance(answer, httpx.Response):
            return answer(request)
        return answer

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self)


def ok(payload: object, status: int = 200, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(status, json=payload, headers=headers)


class CountingStore(InMemoryStore):
    """An InMemoryStore that counts its writes (each is a locked read-and-write in the service's database)."""

    def __init__(self) -> None:
        super().__init__()
        self.updates = 0

    def update(self, key, fn):  # type: ignore[no-untyped-def]
        self.updates += 1
        return super().update(key, fn)
