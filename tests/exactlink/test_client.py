"""ExactClient against a fake Exact (httpx.MockTransport): the one request loop and the paginator."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from decimal import Decimal

import httpx
import pytest

from exactlink import errors as E
from exactlink.client import ExactClient
from exactlink.config import REGIONS, ExactConfig
from exactlink.oauth import OAuthClient, StaticTokenProvider, TokenSet, parse_callback
from exactlink.odata import F, Query
from exactlink.ratelimit import PROCESS_STORE, Governor, InMemoryStore
from exactlink.retry import RetryPolicy

from .helpers import CountingStore, FakeClock, FakeExact, fixture_bytes, odata_error, ok

ROOT = "https://start.exactonline.nl"
GL_ID = "3f2a9c1e-0b5d-4e8a-9d7c-1a2b3c4d5e6f"
GL_ID2 = "7b1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f"


class NoJitter(RetryPolicy):
    def jitter(self, ceiling: float) -> float:
        return ceiling


class RotatingProvider:
    """Hands out token-1, and token-2 once told token-1 was rejected."""

    def __init__(self, rotate: bool = True):
        self.current = "token-1"
        self.rejected: list[tuple[str, E.AccessTokenExpired]] = []
        self.rotate = rotate

    def access_token(self) -> str:
        return self.current

    def on_access_token_rejected(self, token: str, error: E.AccessTokenExpired) -> None:
        self.rejected.append((token, error))
        if self.rotate:
            self.current = "token-2"


def make_client(fake: FakeExact, clock: FakeClock, provider=None, **kwargs) -> ExactClient:
    config = ExactConfig(transport=fake.transport(), clock=clock)
    return ExactClient(
        config,
        provider or StaticTokenProvider("token-1"),
        client_id="app-1",
        sleep=clock.sleep,
        retry=kwargs.pop("retry", NoJitter()),
        governor=kwargs.pop("governor", Governor(InMemoryStore(), clock=clock, sleep=clock.sleep)),
        **kwargs,
    )


def page(entities, next_url=None, headers=None):
    d: dict[str, object] = {"results": entities}
    if next_url:
        d["__next"] = next_url
    return ok({"d": d}, headers=headers)


# --- config -----------------------------------------------------------------------------------


def test_regions_and_base_url():
    assert ExactConfig(region="uk").root == "https://start.exactonline.co.uk"
    assert ExactConfig(region="us").token_url == "https://start.exactonline.com/api/oauth2/token"
    assert set(REGIONS) == {"nl", "be", "de", "fr", "es", "uk", "us"}
    assert ExactConfig(base_url="http://127.0.0.1:8001/").api_root == "http://127.0.0.1:8001/api/v1"
    with pytest.raises(ValueError):
        ExactConfig(region="xx")
    with pytest.raises(Exception):  # noqa: B017 - frozen
        ExactConfig().region = "be"  # type: ignore[misc]


# --- requests ---------------------------------------------------------------------------------


def test_request_shape(fake, clock):
    fake.queue(page([{"ID": GL_ID, "Code": "8000"}]))
    client = make_client(fake, clock)
    accounts = client.division(7001).gl_accounts.list(Query().select("ID", "Code").filter(F("Code") == "8000"))
    assert accounts == [{"ID": GL_ID, "Code": "8000"}]
    req = fake.requests[0]
    assert req.method == "GET"
    assert req.url.path == "/api/v1/7001/financial/GLAccounts"
    assert req.url.params["$filter"] == "Code eq '8000'"
    assert req.url.params["$select"] == "ID,Code"
    assert req.headers["Accept"] == "application/json"
    assert req.headers["Authorization"] == "Bearer token-1"
    assert req.headers["User-Agent"].startswith("exactlink-python/")
    assert req.headers["Accept-Encoding"] == "gzip, deflate"
    # The configuration's timeouts travel with the request: httpx's transports read them there (ADR 0029).
    assert req.extensions["timeout"] == {"connect": 10.0, "read": 30.0, "write": 30.0, "pool": 30.0}


def test_no_cookie_is_kept_or_sent_back(fake, clock):
    """Exact's answers may set cookies (a load balancer's); nothing of ours needs them, and none goes back."""
    fake.queue(page([{"ID": GL_ID}], headers={"Set-Cookie": "ARRAffinity=abc; Path=/"}), page([{"ID": GL_ID2}]))
    client = make_client(fake, clock)
    client.division(7001).gl_accounts.list()
    client.division(7001).gl_accounts.list()
    assert "Cookie" not in fake.requests[1].headers


def test_me_has_no_division_segment(fake, clock):
    fake.queue(ok({"d": {"results": [{"UserID": "u", "CurrentDivision": 7001, "Legislation": "1"}]}}))
    me = make_client(fake, clock).me()
    assert fake.requests[0].url.path == "/api/v1/current/Me"
    assert me["CurrentDivision"] == 7001 and me["Legislation"] == 1


def test_a_divisions_resources_are_made_once_per_client(fake, clock):
    client = make_client(fake, clock)
    first = client.division(7001)
    assert client.division(7001) is first and first.code == 7001
    assert client.division(7002).code == 7002 and client.division(7002) is not first
    assert make_client(fake, clock).division(7001) is not first  # another client: its own
    assert first.general_journal_entries.division == 7001


def test_paging_follows_next_verbatim_and_lazily(fake, clock):
    next_url = f"{ROOT}/api/v1/7001/financial/GLAccounts?$select=ID&$skiptoken=guid'{GL_ID}'"
    fake.queue(page([{"ID": GL_ID}], next_url), page([{"ID": GL_ID2}]))
    it = make_client(fake, clock).division(7001).gl_accounts.iterate(Query().select("ID"))
    assert next(it)["ID"] == GL_ID
    assert len(fake.requests) == 1  # the second page is fetched only when needed
    assert next(it)["ID"] == GL_ID2
    assert fake.requests[1].url.params["$skiptoken"] == f"guid'{GL_ID}'"
    assert fake.requests[1].url.params["$select"] == "ID"
    assert list(fake.requests[1].url.params.keys()) == ["$select", "$skiptoken"]
    with pytest.raises(StopIteration):
        next(it)


def test_an_empty_last_page_ends_iteration(fake, clock):
    fake.queue(page([{"ID": GL_ID}], f"{ROOT}/api/v1/7001/financial/GLAccounts?$skiptoken=x"), page([]))
    assert len(make_client(fake, clock).division(7001).gl_accounts.list()) == 1


def test_next_link_to_another_host_is_refused(fake, clock):
    fake.queue(page([{"ID": GL_ID}], "https://evil.example.com/api/v1/7001/financial/GLAccounts?$skiptoken=x"))
    it = make_client(fake, clock).division(7001).gl_accounts.iterate()
    next(it)
    with pytest.raises(E.ExactError, match="refusing"):
        next(it)
    assert len(fake.requests) == 1


def test_select_is_supplied_where_exact_demands_it(fake, clock):
    fake.queue(page([]), page([]))
    div = make_client(fake, clock).division(7001)
    div.general_journal_entries.list()
    div.transaction_lines.list(Query().filter(F("FinancialYear") == 2025))
    assert "EntryID" in fake.requests[0].url.params["$select"]
    assert "GLAccountCode" in fake.requests[1].url.params["$select"]


def test_get_by_guid_and_by_integer_key(fake, clock):
    fake.queue(
        ok({"d": {"ID": GL_ID, "Code": "  8000"}}),
        ok({"d": {"Code": 7001, "Description": "Demo Retail BV", "Hid": "1"}}),
    )
    div = make_client(fake, clock).division(7001)
    account = div.gl_accounts.get(GL_ID.upper())
    assert account["Code"] == "8000"
    assert fake.requests[0].url.path == f"/api/v1/7001/financial/GLAccounts(guid'{GL_ID}')"
    info = div.divisions.get(7001)
    assert info["Hid"] == 1
    assert fake.requests[1].url.path == "/api/v1/7001/system/Divisions(7001)"


def test_malformed_guid_costs_no_call(fake, clock):
    div = make_client(fake, clock).division(7001)
    with pytest.raises(E.InvalidGuid):
        div.gl_accounts.get("8000")
    with pytest.raises(E.InvalidGuid):
        div.general_journal_entries.create(
            {"JournalCode": "90", "GeneralJournalEntryLines": [{"GLAccount": "8000", "AmountFC": Decimal("1")}]}
        )
    assert fake.requests == []


def test_not_found(fake, clock):
    fake.queue(httpx.Response(404, content=odata_error("Record not found")))
    with pytest.raises(E.NotFound) as info:
        make_client(fake, clock).division(7001).gl_accounts.get(GL_ID)
    assert info.value.messages == ["Record not found"]


def test_count(fake, clock):
    fake.queue(httpx.Response(200, text="150"))
    n = make_client(fake, clock).division(7001).gl_accounts.count(Query().filter(F("IsBlocked") == False))  # noqa: E712
    assert n == 150
    assert fake.requests[0].url.path == "/api/v1/7001/financial/GLAccounts/$count"
    assert fake.requests[0].url.params["$filter"] == "IsBlocked eq false"


def test_create_posts_exact_json_and_returns_the_entity(fake, clock):
    created = {
        "d": {
            "EntryID": "e1f2a3b4-c5d6-47e8-9f01-a2b3c4d5e6f7",
            "EntryNumber": 25900001,
            "Created": "/Date(1741615511433)/",
            "GeneralJournalEntryLines": {"__deferred": {"uri": f"{ROOT}/api/v1/7001/x"}},
        }
    }
    fake.queue(httpx.Response(201, content=json.dumps(created).encode()))
    entry = (
        make_client(fake, clock)
        .division(7001)
        .general_journal_entries.create(
            {
                "JournalCode": "90",
                "GeneralJournalEntryLines": [
                    {
                        "GLAccount": GL_ID,
                        "Date": datetime(2025, 3, 10, 10, tzinfo=UTC).date(),
                        "AmountFC": Decimal("250.10"),
                    },
                    {"GLAccount": GL_ID2, "AmountFC": Decimal("-250.10"), "Description": "EXT-1"},
                ],
            }
        )
    )
    req = fake.requests[0]
    assert req.method == "POST"
    assert req.headers["Content-Type"] == "application/json"
    assert req.headers["Prefer"] == "return=representation"
    assert b'"AmountFC":250.10' in req.content and b'"AmountFC":-250.10' in req.content
    assert json.loads(req.content)["GeneralJournalEntryLines"][0]["Date"] == "2025-03-10"
    assert entry["EntryNumber"] == 25900001
    assert entry["Created"].astimezone(UTC) == datetime(2025, 3, 10, 13, 5, 11, 433000, tzinfo=UTC)


def test_delete(fake, clock):
    fake.queue(httpx.Response(204))
    make_client(fake, clock).division(7001).sales_entries.delete(GL_ID)
    assert fake.requests[0].method == "DELETE"
    assert fake.requests[0].url.path == f"/api/v1/7001/salesentry/SalesEntries(guid'{GL_ID}')"


def test_validation_error_carries_every_message(fake, clock):
    fake.queue(httpx.Response(400, content=odata_error("Mandatory: G/L account", "Invalid reference: Journal")))
    with pytest.raises(E.ValidationError) as info:
        make_client(fake, clock).division(7001).general_journal_entries.create({"JournalCode": "99"})
    assert info.value.messages == ["Mandatory: G/L account", "Invalid reference: Journal"]
    assert len(fake.requests) == 1


def test_answers_that_are_not_json(fake, clock):
    fake.queue(httpx.Response(200, content=fixture_bytes("Response_Json_Object_GLAccount_WithCorruptJson.json")))
    with pytest.raises(E.ApiError, match="not JSON"):
        make_client(fake, clock).division(7001).gl_accounts.get(GL_ID)


# --- retries ----------------------------------------------------------------------------------


def test_get_is_retried_on_503_with_backoff(fake, clock):
    fake.queue(httpx.Response(503), httpx.Response(500), page([{"ID": GL_ID}]))
    assert len(make_client(fake, clock).division(7001).gl_accounts.list()) == 1
    assert clock.sleeps == [0.5, 1.0]


def test_get_gives_up_after_max_attempts(fake, clock):
    fake.queue(httpx.Response(503), httpx.Response(503), httpx.Response(503))
    with pytest.raises(E.ServerError):
        make_client(fake, clock).division(7001).gl_accounts.list()
    assert len(fake.requests) == 3


def test_get_is_retried_on_timeout(fake, clock):
    fake.queue(httpx.ReadTimeout("slow"), page([]))
    make_client(fake, clock).division(7001).gl_accounts.list()
    assert len(fake.requests) == 2


@pytest.mark.parametrize(
    ("failure", "cls"),
    [(httpx.ReadTimeout("slow"), E.Timeout), (httpx.RemoteProtocolError("dropped"), E.ConnectionFailed)],
)
def test_post_is_never_retried_and_reports_outcome_unknown(fake, clock, failure, cls):
    fake.queue(failure)
    with pytest.raises(cls) as info:
        make_client(fake, clock).division(7001).general_journal_entries.create({"JournalCode": "90"})
    assert info.value.outcome_unknown is True
    assert len(fake.requests) == 1


def test_post_that_could_not_connect_has_a_known_outcome(fake, clock):
    fake.queue(httpx.ConnectError("refused"))
    with pytest.raises(E.ConnectionFailed) as info:
        make_client(fake, clock).division(7001).general_journal_entries.create({"JournalCode": "90"})
    assert info.value.outcome_unknown is False


def test_post_503_is_not_retried(fake, clock):
    fake.queue(httpx.Response(503))
    with pytest.raises(E.ServerError) as info:
        make_client(fake, clock).division(7001).sales_entries.create({"Journal": "70"})
    assert info.value.outcome_unknown is True
    assert len(fake.requests) == 1


# --- auth renewal -----------------------------------------------------------------------------


def expired_401() -> httpx.Response:
    return httpx.Response(
        401, headers={"WWW-Authenticate": 'Bearer error="invalid_token", error_description="access%20token%20expired"'}
    )


def test_401_asks_the_provider_and_retries_once_with_the_new_token(fake, clock):
    provider = RotatingProvider()
    fake.queue(expired_401(), httpx.Response(201, json={"d": {"EntryID": GL_ID}}))
    entry = make_client(fake, clock, provider).division(7001).general_journal_entries.create({"JournalCode": "90"})
    assert entry["EntryID"] == GL_ID
    assert [t for t, _ in provider.rejected] == ["token-1"]
    assert isinstance(provider.rejected[0][1], E.AccessTokenExpired)
    assert [r.headers["Authorization"] for r in fake.requests] == ["Bearer token-1", "Bearer token-2"]


def test_401_with_no_new_token_raises(fake, clock):
    provider = RotatingProvider(rotate=False)
    fake.queue(expired_401())
    with pytest.raises(E.AccessTokenExpired) as info:
        make_client(fake, clock, provider).me()
    assert info.value.remedy is E.Remedy.REREAD_TOKENS
    assert len(fake.requests) == 1


def test_401_twice_raises_after_one_renewal(fake, clock):
    fake.queue(expired_401(), expired_401())
    with pytest.raises(E.AccessTokenExpired):
        make_client(fake, clock, RotatingProvider()).me()
    assert len(fake.requests) == 2


# --- rate limits ------------------------------------------------------------------------------


def minute_429(clock: FakeClock) -> httpx.Response:
    reset = int(clock().replace(second=0, microsecond=0).timestamp() * 1000) + 60_000
    return httpx.Response(
        429,
        headers={
            "X-RateLimit-Minutely-Limit": "60",
            "X-RateLimit-Minutely-Remaining": "0",
            "X-RateLimit-Minutely-Reset": str(reset),
        },
    )


def test_429_is_waited_out_until_the_reset_then_sent_again(fake, clock):
    fake.queue(minute_429(clock), httpx.Response(201, json={"d": {"EntryID": GL_ID}}))
    client = make_client(fake, clock)
    client.division(7001).general_journal_entries.create({"JournalCode": "90"})
    assert len(fake.requests) == 2
    assert len(clock.sleeps) == 1 and 48 < clock.sleeps[0] < 50  # 13:05:11 → 13:06:00
    assert clock() >= datetime(2025, 3, 10, 13, 6, tzinfo=UTC)


def test_429_that_keeps_coming_is_raised(fake, clock):
    fake.queue(minute_429(clock), lambda r: minute_429(clock), lambda r: minute_429(clock))
    with pytest.raises(E.RateLimited) as info:
        make_client(fake, clock).division(7001).gl_accounts.list()
    assert info.value.window == "minutely"
    assert len(fake.requests) == 3


def test_headers_feed_the_governor(fake, clock):
    reset = int(clock().timestamp() * 1000) + 30_000
    spent = {
        "X-RateLimit-Minutely-Limit": "60",
        "X-RateLimit-Minutely-Remaining": "0",
        "X-RateLimit-Minutely-Reset": str(reset),
    }
    fake.queue(page([], headers=spent), page([]))
    client = make_client(fake, clock)
    client.division(7001).gl_accounts.list()
    assert clock.sleeps == []
    client.division(7001).gl_accounts.list()
    assert len(clock.sleeps) == 1 and clock.sleeps[0] == pytest.approx(30 + client.governor.margin)


# --- logging ----------------------------------------------------------------------------------


def test_logs_are_structured_and_never_carry_secrets(fake, clock, caplog):
    code = "stampNL001.c0de!secret"
    secret = "client-secret-value"
    fake.queue(
        ok(
            {"access_token": "AAEA-access", "token_type": "bearer", "expires_in": "600", "refresh_token": "Yk3-refresh"}
        ),
        httpx.Response(401, json={"error": "unauthorized_client", "error_description": "Old refresh token used."}),
        page([{"ID": GL_ID}]),
        httpx.Response(400, content=odata_error("Mandatory: G/L account")),
    )
    config = ExactConfig(transport=fake.transport(), clock=clock)
    oauth = OAuthClient(config, "client-id", secret, "https://x.example/cb")
    caplog.set_level(logging.DEBUG)
    tokens = oauth.exchange_code(parse_callback(f"https://x.example/cb?code={code}&state=s").code)
    with pytest.raises(E.OldRefreshTokenUsed):
        oauth.refresh(tokens.refresh_token)
    client = ExactClient(config, StaticTokenProvider(tokens.access_token), sleep=clock.sleep)
    client.division(7001).gl_accounts.list()
    with pytest.raises(E.ValidationError) as refused:
        client.division(7001).general_journal_entries.create({"JournalCode": "90"})

    dumped = "\n".join(f"{r.getMessage()} {r.__dict__!r}" for r in caplog.records)
    for sensitive in (code, "c0de", secret, "AAEA-access", "Yk3-refresh", "Bearer"):
        assert sensitive not in dumped
    api = [r for r in caplog.records if r.name == "exactlink.http"]
    assert [r.status for r in api] == [200, 400]
    first = api[0]
    assert first.division == 7001 and first.endpoint == "7001/financial/GLAccounts" and first.method == "GET"
    assert len(first.exact_request_id) == 16 and first.duration_ms >= 0
    assert api[1].error == "ValidationError" and api[1].levelno == logging.WARNING
    assert api[1].exact_request_id == refused.value.request_id  # the error names the call it came from
    token_logs = [r for r in caplog.records if r.name == "exactlink.oauth"]
    assert [(r.grant_type, r.status) for r in token_logs] == [("authorization_code", 200), ("refresh_token", 401)]


def test_tokenset_in_an_fstring_does_not_leak(clock):
    tokens = TokenSet("AAEA-access", "Yk3-refresh", clock(), clock())
    assert "AAEA" not in f"{tokens}" and "Yk3" not in f"{tokens!r}"


def test_client_counts_errors_per_endpoint_and_stops_before_exact_blocks(fake, clock):
    from exactlink.client import entity_set_of

    assert entity_set_of("7001/financial/GLAccounts(guid'x')") == "financial/GLAccounts"
    assert entity_set_of("7001/financial/GLAccounts/$count") == "financial/GLAccounts"
    assert entity_set_of("current/Me") == "current/Me"
    fake.queue(*[httpx.Response(404, content=odata_error("Not found")) for _ in range(10)])
    div = make_client(fake, clock).division(7001)
    for _ in range(10):
        with pytest.raises(E.NotFound):
            div.gl_accounts.get(GL_ID)
    with pytest.raises(E.RateLimited) as info:
        div.gl_accounts.list()
    assert info.value.window == "errors"
    assert len(fake.requests) == 10  # the eleventh call never left
    fake.queue(page([]))
    assert div.journals.list() == []


def test_an_undecodable_answer_to_a_post_is_outcome_unknown(fake, clock):
    fake.queue(httpx.DecodingError("bad gzip"))
    with pytest.raises(E.TransportError) as info:
        make_client(fake, clock).division(7001).general_journal_entries.create({"JournalCode": "90"})
    assert info.value.outcome_unknown is True
    assert len(fake.requests) == 1


def test_the_provider_is_asked_once_per_attempt(fake, clock):
    calls = []

    class Counting(RotatingProvider):
        def access_token(self) -> str:
            calls.append(self.current)
            return self.current

    fake.queue(expired_401(), ok({"d": {"results": [{"UserID": "u"}]}}))
    make_client(fake, clock, Counting()).me()
    assert calls == ["token-1", "token-2"]


def test_clients_of_one_process_share_the_rate_limit_state_by_default(fake, clock):
    config = ExactConfig(transport=fake.transport(), clock=clock)
    a = ExactClient(config, StaticTokenProvider("t"), client_id="shared-app", sleep=clock.sleep)
    b = ExactClient(config, StaticTokenProvider("t"), client_id="shared-app", sleep=clock.sleep)
    assert a.governor.store is b.governor.store is PROCESS_STORE
    reset = int(clock().timestamp() * 1000) + 20_000
    spent = {
        "X-RateLimit-Minutely-Limit": "60",
        "X-RateLimit-Minutely-Remaining": "0",
        "X-RateLimit-Minutely-Reset": str(reset),
    }
    fake.queue(page([], headers=spent), page([]))
    a.division(7001).gl_accounts.list()
    b.division(7001).gl_accounts.list()  # b knows what a learnt: it waits instead of earning a 429
    assert clock.sleeps == [pytest.approx(20 + b.governor.margin)]


def minute_headers(clock, remaining: int) -> dict[str, str]:  # type: ignore[no-untyped-def]
    reset = (int(clock().timestamp()) // 60 + 1) * 60_000
    return {
        "X-RateLimit-Minutely-Limit": "60",
        "X-RateLimit-Minutely-Remaining": str(remaining),
        "X-RateLimit-Minutely-Reset": str(reset),
    }


def test_the_answer_is_written_back_only_when_exact_says_something_new(fake, clock):
    store = CountingStore()
    client = make_client(fake, clock, governor=Governor(store, clock=clock, sleep=clock.sleep))
    fake.queue(*(page([], headers=minute_headers(clock, remaining)) for remaining in (50, 49, 48, 40)))
    gl = client.division(7001).gl_accounts
    gl.list()  # reserve + learn the numbers: two updates
    assert store.updates == 2
    gl.list()  # Exact says 49, as reserved: nothing to write
    gl.list()
    assert store.updates == 4
    gl.list()  # another process took calls meanwhile: Exact's figure is written
    assert store.updates == 6
    assert store.get(Governor.key("app-1", 7001)).minutely.remaining == 40


def test_a_wait_longer_than_the_caller_allows_is_not_slept(fake, clock):
    client = make_client(
        fake, clock, governor=Governor(InMemoryStore(), clock=clock, sleep=clock.sleep, max_wait=1.0), max_wait=1.0
    )
    fake.queue(page([], headers=minute_headers(clock, 0)))
    gl = client.division(7001).gl_accounts
    gl.list()
    with pytest.raises(E.RateLimited) as info:
        gl.list()
    assert clock.sleeps == []
    assert info.value.window == "minutely" and info.value.retry_at == datetime(2025, 3, 10, 13, 6, tzinfo=UTC)
    assert len(fake.requests) == 1


def test_a_retry_backoff_longer_than_the_caller_allows_is_not_slept(fake, clock):
    client = make_client(fake, clock, retry=NoJitter(base=5.0), max_wait=1.0)
    fake.queue(httpx.Response(503))
    with pytest.raises(E.ServerError):
        client.division(7001).gl_accounts.list()
    assert clock.sleeps == [] and len(fake.requests) == 1


def test_many_401s_for_one_rotated_token_count_once(fake, clock):
    governor = Governor(InMemoryStore(), clock=clock, sleep=clock.sleep)
    stale = [make_client(fake, clock, RotatingProvider(), governor=governor) for _ in range(16)]
    for client in stale:
        fake.queue(httpx.Response(401), page([{"UserID": "u"}]))
        client.me()
    state = governor.store.get(Governor.key("app-1", None))
    assert state is not None and state.error_counts(int(clock().timestamp() * 1000)) == {"current/Me": 1}
