"""The governor: reads Exact's six headers, waits only when a window is spent and only until its reset."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from exactlink import errors as E
from exactlink.errors import RateLimited
from exactlink.ratelimit import Governor, InMemoryStore, RateLimitState, Window, windows_from_headers

from .helpers import CountingStore, FakeClock

KEY = Governor.key("app", 7001)


def ms(dt: datetime) -> int:
    return int(dt.timestamp() * 1000)


def headers(clock: FakeClock, *, minute_left: int | None = 58, day_left: int | None = 4766) -> httpx.Headers:
    now = clock()
    minute_reset = ms(now.replace(second=0, microsecond=0)) + 60_000
    day_reset = ms(now.replace(hour=0, minute=0, second=0, microsecond=0)) + 86_400_000
    h: dict[str, str] = {}
    if minute_left is not None:
        h |= {
            "X-RateLimit-Minutely-Limit": "60",
            "X-RateLimit-Minutely-Remaining": str(minute_left),
            "X-RateLimit-Minutely-Reset": str(minute_reset),
        }
    if day_left is not None:
        h |= {"X-RateLimit-Limit": "5000", "X-RateLimit-Remaining": str(day_left), "X-RateLimit-Reset": str(day_reset)}
    return httpx.Headers(h)


def governor(clock: FakeClock, store: InMemoryStore | None = None) -> Governor:
    return Governor(store or InMemoryStore(), clock=clock, sleep=clock.sleep)


def test_reads_all_six_headers(clock):
    m, d = windows_from_headers(headers(clock))
    assert m == Window(60, 58, ms(datetime(2025, 3, 10, 13, 6, tzinfo=UTC)))
    assert d == Window(5000, 4766, ms(datetime(2025, 3, 11, tzinfo=UTC)))


def test_no_wait_while_calls_remain(clock):
    g = governor(clock)
    g.record(KEY, headers(clock, minute_left=1))
    g.before_call(KEY)
    assert clock.sleeps == []


def test_unknown_state_never_waits(clock):
    g = governor(clock)
    for _ in range(100):
        g.before_call(KEY)
    assert clock.sleeps == []


def test_waits_exactly_until_the_minute_reset(clock):
    g = governor(clock)
    g.record(KEY, headers(clock, minute_left=0))  # 13:05:11 → reset at 13:06:00
    g.before_call(KEY)
    assert len(clock.sleeps) == 1
    assert clock.sleeps[0] == pytest.approx(49 + g.margin, abs=0.01)
    assert clock() >= datetime(2025, 3, 10, 13, 6, tzinfo=UTC)


def test_reservations_spend_the_last_calls_once(clock):
    """Two processes sharing a store must not both take the last call of the minute."""
    store = InMemoryStore()
    a, b = governor(clock, store), governor(clock, store)
    a.record(KEY, headers(clock, minute_left=1))
    a.before_call(KEY)  # takes the last call
    assert clock.sleeps == []
    b.before_call(KEY)  # must wait for the reset
    assert len(clock.sleeps) == 1


def test_a_stale_window_is_forgotten(clock):
    g = governor(clock)
    g.record(KEY, headers(clock, minute_left=0, day_left=None))
    clock.advance(120)  # the minute has long reset
    g.before_call(KEY)
    assert clock.sleeps == []


def test_spent_daily_window_is_not_slept_out(clock):
    g = governor(clock)
    g.record(KEY, headers(clock, minute_left=30, day_left=0))
    with pytest.raises(RateLimited) as info:
        g.before_call(KEY)
    assert info.value.window == "daily"
    assert info.value.retry_at == datetime(2025, 3, 11, tzinfo=UTC)
    assert clock.sleeps == []


def test_429_with_only_the_minutely_headers_keeps_the_daily_numbers(clock):
    g = governor(clock)
    g.record(KEY, headers(clock, minute_left=3, day_left=4000))
    g.record_429(KEY, headers(clock, minute_left=0, day_left=None))
    state = g.store.get(KEY)
    assert state is not None
    assert state.minutely.remaining == 0
    assert state.daily.remaining == 4000
    g.before_call(KEY)
    assert len(clock.sleeps) == 1 and clock.sleeps[0] <= 60


def test_429_that_claims_calls_remain_still_counts_as_spent(clock):
    g = governor(clock)
    g.record_429(KEY, headers(clock, minute_left=49, day_left=None))
    g.before_call(KEY)
    assert len(clock.sleeps) == 1


def test_429_without_headers_waits_for_the_next_minute(clock):
    g = governor(clock)
    g.record_429(KEY, httpx.Headers())
    g.before_call(KEY)
    assert clock.sleeps == [pytest.approx(49 + g.margin, abs=0.01)]


def test_headers_missing_keep_what_we_knew(clock):
    g = governor(clock)
    g.record(KEY, headers(clock, minute_left=5))
    g.record(KEY, httpx.Headers())
    state = g.store.get(KEY)
    assert state is not None and state.minutely.remaining == 5


def test_keys_are_per_app_and_division(clock):
    g = governor(clock)
    g.record(Governor.key("app", 7001), headers(clock, minute_left=0))
    g.before_call(Governor.key("app", 7002))
    g.before_call(Governor.key("other", 7001))
    assert clock.sleeps == []


def test_never_busy_loops_when_sleep_does_not_advance_time(clock):
    g = Governor(InMemoryStore(), clock=clock, sleep=lambda s: clock.sleeps.append(s))
    g.record(KEY, headers(clock, minute_left=0))
    with pytest.raises(RateLimited):
        g.before_call(KEY)
    assert len(clock.sleeps) <= 3


def test_store_update_is_atomic_under_threads():
    store = InMemoryStore()
    store.update("k", lambda s: RateLimitState(minutely=Window(60, 1000, 10**15)))

    def worker():
        for _ in range(100):
            store.update("k", lambda s: RateLimitState(minutely=Window(60, s.minutely.remaining - 1, 10**15)))

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert store.get("k").minutely.remaining == 200


# --- calls reserved ahead (a batch) ------------------------------------------------------------


def minute_left(store: InMemoryStore) -> int | None:
    state = store.get(KEY)
    assert state is not None
    return state.minutely.remaining


def test_a_batch_reserves_its_calls_once_and_gives_back_those_it_did_not_make(clock):
    store = CountingStore()
    g = governor(clock, store)
    g.record(KEY, headers(clock, minute_left=58, day_left=4766))
    store.updates = 0
    with g.calls_ahead(5):
        reserved = g.before_call(KEY)  # one write takes five calls
        assert minute_left(store) == 53 and store.updates == 1
        g.record(KEY, headers(clock, minute_left=57, day_left=4765), reserved)  # Exact: 57; 4 are ours still
        assert g.before_call(KEY) == reserved  # the second call: not asked of the store
        g.record(KEY, headers(clock, minute_left=56, day_left=4764), reserved)
        assert store.updates == 1 and minute_left(store) == 53
    # Two calls made of five: three go back, and the store says what Exact says.
    assert minute_left(store) == 56 and store.updates == 2
    assert clock.sleeps == []


def test_a_batch_never_takes_more_than_a_window_has_left(clock):
    store = CountingStore()
    g = governor(clock, store)
    g.record(KEY, headers(clock, minute_left=3))
    with g.calls_ahead(25):
        for _ in range(3):
            g.before_call(KEY)
        assert minute_left(store) == 0 and clock.sleeps == []
        g.before_call(KEY)  # the fourth waits for the minute's reset
        assert len(clock.sleeps) == 1


def test_calls_reserved_by_a_batch_are_not_taken_by_another_process(clock):
    store = InMemoryStore()
    a, b = governor(clock, store), governor(clock, store)
    a.record(KEY, headers(clock, minute_left=6))
    with a.calls_ahead(5):
        a.before_call(KEY)  # a holds five of six
        b.before_call(KEY)  # b takes the sixth
        assert clock.sleeps == []
        b.before_call(KEY)
        assert len(clock.sleeps) == 1  # and waits for the reset; a's four are still a's


def test_when_exact_has_fewer_left_than_a_batch_holds_the_batch_holds_fewer(clock):
    """Another app instance spent calls we did not know of: Exact's figure is the truth."""
    store = InMemoryStore()
    g = governor(clock, store)
    g.record(KEY, headers(clock, minute_left=30))
    with g.calls_ahead(10):
        reserved = g.before_call(KEY)
        g.record(KEY, headers(clock, minute_left=2), reserved)  # 9 held, Exact allows 2 more
        assert minute_left(store) == 0
        g.before_call(KEY)
        g.before_call(KEY)
        assert clock.sleeps == []
        g.before_call(KEY)  # the third would be one too many: it waits
        assert len(clock.sleeps) == 1


def test_a_429_drops_the_calls_a_batch_held(clock):
    store = InMemoryStore()
    g = governor(clock, store)
    g.record(KEY, headers(clock, minute_left=40))
    with g.calls_ahead(10):
        g.before_call(KEY)
        g.record_429(KEY, headers(clock, minute_left=0, day_left=None))
        g.before_call(KEY)  # not from the held calls: the window is spent
        assert len(clock.sleeps) == 1


def test_a_batch_still_keeps_the_error_budget(clock):
    g = governor(clock)
    with g.calls_ahead(20):
        for _ in range(10):
            g.before_call(KEY, "financial/GLAccounts")
            g.record_error(KEY, "financial/GLAccounts")
        with pytest.raises(E.EndpointBlocked):
            g.before_call(KEY, "financial/GLAccounts")
        g.before_call(KEY, "financial/Journals")  # other endpoints go on, from the calls held


def test_calls_held_across_a_reset_are_counted_in_the_new_window_and_given_back_to_it(clock):
    store = InMemoryStore()
    g = governor(clock, store)
    g.record(KEY, headers(clock, minute_left=50))
    with g.calls_ahead(10):
        g.before_call(KEY)
        clock.advance(60)  # the minute reset
        g.record(KEY, headers(clock, minute_left=59))  # a call in the new minute; nine still held
        assert minute_left(store) == 50  # counted in the new window, so no one else takes them
    assert minute_left(store) == 59


def test_calls_given_back_after_another_wrote_the_new_window_are_not_added_to_it(clock):
    store = InMemoryStore()
    a, b = governor(clock, store), governor(clock, store)
    a.record(KEY, headers(clock, minute_left=50))
    with a.calls_ahead(10):
        a.before_call(KEY)
        clock.advance(60)  # the minute reset; b writes what Exact told it of the new one
        b.record(KEY, headers(clock, minute_left=30))
    assert minute_left(store) == 30  # a's nine belonged to the minute that is over


# --- error budget -----------------------------------------------------------------------------


def test_error_budget_refuses_the_endpoint_after_ten_errors_until_the_hour_is_over(clock):
    g = governor(clock)
    for _ in range(9):
        g.record_error(KEY, "financial/GLAccounts")
    g.before_call(KEY, "financial/GLAccounts")  # nine: still allowed
    g.record_error(KEY, "financial/GLAccounts")
    with pytest.raises(RateLimited) as info:
        g.before_call(KEY, "financial/GLAccounts")
    assert info.value.window == "errors"
    assert info.value.retry_at == datetime(2025, 3, 10, 14, 5, 11, tzinfo=UTC)
    assert clock.sleeps == []  # an hour is not slept out
    g.before_call(KEY, "financial/Journals")  # other endpoints go on
    g.before_call(Governor.key("app", 7002), "financial/GLAccounts")  # and other divisions
    clock.advance(3600)
    g.before_call(KEY, "financial/GLAccounts")


def test_error_budget_counts_the_last_sixty_minutes(clock):
    g = governor(clock)
    g.record_error(KEY, "crm/Accounts")
    clock.advance(3599)
    for _ in range(9):
        g.record_error(KEY, "crm/Accounts")
    with pytest.raises(E.EndpointBlocked) as info:
        g.before_call(KEY, "crm/Accounts")
    assert info.value.retry_at == clock() + timedelta(seconds=1)  # when the first error leaves the hour
    clock.advance(1)  # the first error is an hour old: nine remain, one more is allowed
    g.before_call(KEY, "crm/Accounts")
    g.record_error(KEY, "crm/Accounts")
    with pytest.raises(E.EndpointBlocked):  # ten within sixty minutes again, whatever the clock hour says
        g.before_call(KEY, "crm/Accounts")
    state = g.store.get(KEY)
    assert state is not None and state.error_counts(int(clock().timestamp() * 1000)) == {"crm/Accounts": 10}


def test_answers_with_one_tag_count_once(clock):
    g = governor(clock)
    for _ in range(16):  # sixteen processes sent the same rotated-out token
        g.record_error(KEY, "current/Me", tag="token-a")
    g.record_error(KEY, "current/Me", tag="token-b")
    g.record_error(KEY, "current/Me")
    g.record_error(KEY, "current/Me")
    state = g.store.get(KEY)
    assert state is not None and state.error_counts(int(clock().timestamp() * 1000)) == {"current/Me": 4}
    g.before_call(KEY, "current/Me")


def test_exacts_own_block_spends_the_budget_at_once(clock):
    g = governor(clock)
    g.record_block(KEY, "financial/GLAccounts")
    with pytest.raises(E.EndpointBlocked) as info:
        g.before_call(KEY, "financial/GLAccounts")
    assert info.value.retry_at == clock() + timedelta(hours=1)


def test_error_budget_can_be_switched_off(clock):
    g = Governor(InMemoryStore(), clock=clock, sleep=clock.sleep, error_budget=None)
    for _ in range(50):
        g.record_error(KEY, "financial/GLAccounts")
    g.before_call(KEY, "financial/GLAccounts")
    assert g.delay(KEY, "financial/GLAccounts")[:3] == (0.0, None, None)


def test_store_clear(clock):
    store = InMemoryStore()
    g = governor(clock, store)
    g.record(KEY, headers(clock, minute_left=0))
    store.clear()
    assert store.get(KEY) is None
    g.before_call(KEY)
    assert clock.sleeps == []
