"""Worker heartbeats: what a round records, and how long a worker counts as alive."""

from __future__ import annotations

import os
import threading
from datetime import timedelta

import pytest
import time_machine
from django.test import override_settings

from ledgerlink.core import clock, worker
from ledgerlink.core.models import WorkerHeartbeat

pytestmark = pytest.mark.django_db


def test_a_round_records_host_pid_version_and_what_each_job_did(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(worker, "_jobs", [worker.Job("count", lambda now: {"posted": 3, "failed": 1})])
    stop = threading.Event()
    monkeypatch.setattr(stop, "wait", lambda interval: stop.set())  # one round, no waiting
    monkeypatch.setattr(worker.signal, "signal", lambda *args: None)
    monkeypatch.setattr(worker, "close_old_connections", lambda: None)  # the test's transaction stays open
    worker.run_forever(0, stop)
    row = WorkerHeartbeat.objects.get()
    assert row.pid == os.getpid() and row.host and row.version
    assert row.rounds == 1 and row.last_round == {"count": {"posted": 3, "failed": 1}}
    assert row.last_round_at is not None and row.stopped_at is not None  # a clean stop says so


def test_alive_within_two_intervals_at_least_a_minute() -> None:
    start = clock.now()
    with time_machine.travel(start, tick=False):
        WorkerHeartbeat.objects.create(name="h:1", started_at=start, seen_at=start)
        with override_settings(LEDGERLINK_WORKER_STALE_SECONDS=60):
            assert worker.workers_alive(start + timedelta(seconds=59))
            assert not worker.workers_alive(start + timedelta(seconds=61))
    assert worker.last_heartbeat() == start


def test_a_stopped_worker_is_not_alive() -> None:
    now = clock.now()
    WorkerHeartbeat.objects.create(name="h:2", started_at=now, seen_at=now, stopped_at=now)
    assert not worker.workers_alive(now)


def test_a_failing_job_is_recorded_as_failed_and_the_round_goes_on(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def broken(now):  # type: ignore[no-untyped-def]
        raise ValueError("boom")

    beats: list[int] = []
    monkeypatch.setattr(worker, "_jobs", [worker.Job("broken", broken), worker.Job("fine", lambda now: 1)])
    results = worker.run_once(after_each=lambda: beats.append(1))
    assert results == {"broken": "failed", "fine": 1} and beats == [1, 1]


def test_the_loop_runs_a_job_with_a_period_only_when_its_period_has_passed(monkeypatch, clocks) -> None:  # type: ignore[no-untyped-def]
    ran: list[str] = []
    monkeypatch.setattr(
        worker,
        "_jobs",
        [
            worker.Job("post", lambda now: ran.append("post")),
            worker.Job("summarize", lambda now: ran.append("summarize"), every=timedelta(seconds=30)),
        ],
    )
    monkeypatch.setattr(worker, "_last_run", {})
    for _ in range(3):  # rounds woken one after another by journals accepted
        worker.run_once(due_only=True)
        clocks.advance(10)
    assert ran == ["post", "summarize", "post", "post"]
    worker.run_once(due_only=True)  # 30 s after the last summary
    assert ran[-2:] == ["post", "summarize"]
    ran.clear()
    worker.run_once()  # a test's or --once round: every job
    assert ran == ["post", "summarize"]


def test_a_beat_is_one_statement_once_the_worker_has_its_row(django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    started = clock.now()
    worker._beat("host:1", started)  # the first beat makes the row
    with django_assert_num_queries(1):
        worker._beat("host:1", started)  # between jobs
    with django_assert_num_queries(1):
        worker._beat("host:1", started, {"count": 2})  # a round's end, which counts the round
    row = WorkerHeartbeat.objects.get(name="host:1")
    assert row.rounds == 1 and row.last_round == {"count": 2} and row.stopped_at is None
