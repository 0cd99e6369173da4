"""OAuth against the sandbox over real HTTP: the whole dance, and every auth error from its real trigger."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

import httpx
import pytest

from exactlink import ExactClient, MemoryTokenProvider, StaticTokenProvider, parse_callback
from exactlink import errors as E

from .sandbox_helpers import BRANCH, BRANCH_USER, DEMO_PASSWORD, DEMO_USER, MAIN, form_fields


def test_the_whole_dance_through_the_login_and_consent_pages(sandbox):
    oauth = sandbox.oauth()
    url = oauth.authorization_url("state-42", force_login=True)
    assert url.startswith(f"{sandbox.base_url}/api/oauth2/auth?")
    browser = httpx.Client(follow_redirects=False)

    login = browser.get(url)
    assert login.status_code == 200 and 'name="password"' in login.text
    fields = form_fields(login.text)
    assert fields["state"] == "state-42" and fields["client_id"] == sandbox.app.client_id

    consent = browser.post(
        f"{sandbox.base_url}/api/oauth2/auth",
        data={**fields, "action": "login", "username": DEMO_USER, "password": DEMO_PASSWORD},
    )
    assert consent.status_code == 200 and "Allow" in consent.text
    allowed = browser.post(f"{sandbox.base_url}/api/oauth2/auth", data={**form_fields(consent.text), "action": "allow"})
    assert allowed.status_code == 302
    location = allowed.headers["Location"]
    assert location.startswith(sandbox.app.redirect_uri)
    assert "%21" in urlsplit(location).query  # the code's '!' arrives URL-encoded

    callback = parse_callback(location, expected_state="state-42")
    tokens = oauth.exchange_code(callback.code)
    assert "!" in callback.code  # decoded once: neither '%21' nor '%2521'
    assert tokens.expires_at - tokens.issued_at == timedelta(seconds=600)
    assert tokens.issued_at == sandbox.time()

    client = ExactClient(sandbox.config, MemoryTokenProvider(oauth, tokens), client_id=sandbox.app.client_id)
    me = client.me()
    assert me["UserName"] == DEMO_USER and me["CurrentDivision"] == MAIN
    divisions = {d["Code"]: d["Description"] for d in client.division(MAIN).divisions.iterate()}
    assert divisions[MAIN] == "Demo Retail BV"
    assert sandbox.state()["tokens"]["issued"] == 1


def test_cancel_on_the_consent_page_is_authorization_denied(sandbox):
    browser = httpx.Client(follow_redirects=False)
    login = browser.get(sandbox.oauth().authorization_url("s-9"))
    consent = browser.post(
        f"{sandbox.base_url}/api/oauth2/auth",
        data={**form_fields(login.text), "action": "login", "username": DEMO_USER, "password": DEMO_PASSWORD},
    )
    cancelled = browser.post(
        f"{sandbox.base_url}/api/oauth2/auth", data={**form_fields(consent.text), "action": "cancel"}
    )
    with pytest.raises(E.AuthorizationDenied, match="access_denied"):
        parse_callback(cancelled.headers["Location"], expected_state="s-9")


def test_refresh_in_the_last_30_seconds_rotates_both_tokens(sandbox):
    oauth = sandbox.oauth()
    first = sandbox.tokens()
    sandbox.time.advance(571)
    second = oauth.refresh(first.refresh_token)
    assert second.access_token != first.access_token and second.refresh_token != first.refresh_token
    assert second.issued_at == sandbox.time()


def test_memory_provider_keeps_a_client_working_across_expiries(sandbox):
    saved = []
    oauth = sandbox.oauth()
    provider = MemoryTokenProvider(oauth, sandbox.tokens(), on_new_tokens=saved.append)
    client = ExactClient(sandbox.config, provider, client_id=sandbox.app.client_id, sleep=sandbox.time.sleep)
    for _ in range(3):
        assert client.me()["CurrentDivision"] == MAIN
        sandbox.time.advance(580)
    assert len(saved) == 2  # refreshed inside the window, never early


def test_reused_code_is_invalid_grant(sandbox):
    oauth = sandbox.oauth()
    code = sandbox.code()
    oauth.exchange_code(code)
    with pytest.raises(E.InvalidGrant) as info:
        oauth.exchange_code(code)
    assert info.value.remedy is E.Remedy.REAUTHORIZE


def test_expired_code_is_invalid_grant(sandbox):
    code = sandbox.code()
    sandbox.time.advance(181)
    with pytest.raises(E.InvalidGrant):
        sandbox.oauth().exchange_code(code)


def test_wrong_secret_is_invalid_client(sandbox):
    with pytest.raises(E.InvalidClient) as info:
        sandbox.oauth(secret="not-the-secret").exchange_code(sandbox.code())
    assert info.value.remedy is E.Remedy.REAUTHORIZE


def test_refresh_too_early(sandbox):
    tokens = sandbox.tokens()
    sandbox.time.advance(60)
    with pytest.raises(E.RefreshTooEarly) as info:
        sandbox.oauth().refresh(tokens.refresh_token)
    assert info.value.remedy is E.Remedy.WAIT
    assert info.value.status == 401


def test_old_refresh_token_used(sandbox):
    oauth = sandbox.oauth()
    first = sandbox.tokens()
    sandbox.time.advance(575)
    oauth.refresh(first.refresh_token)
    with pytest.raises(E.OldRefreshTokenUsed) as info:
        oauth.refresh(first.refresh_token)
    assert info.value.remedy is E.Remedy.REAUTHORIZE


def test_refresh_token_unused_for_30_days_expired(sandbox):
    tokens = sandbox.tokens()
    sandbox.time.advance(30 * 86400 + 1)
    with pytest.raises(E.RefreshTokenExpired, match="expired at"):
        sandbox.oauth().refresh(tokens.refresh_token)


def test_expired_access_token_is_access_token_expired(sandbox):
    tokens = sandbox.tokens()
    sandbox.time.advance(601)
    client = ExactClient(sandbox.config, StaticTokenProvider(tokens.access_token), client_id=sandbox.app.client_id)
    with pytest.raises(E.AccessTokenExpired) as info:
        client.me()
    assert info.value.remedy is E.Remedy.REREAD_TOKENS
    assert "expired" in info.value.message.lower()


def test_401_makes_the_provider_refresh_and_the_call_succeed(sandbox):
    """The provider's own check is skewed (it thinks the token is fresh); Exact's 401 corrects it."""
    oauth = sandbox.oauth()
    tokens = sandbox.tokens()
    frozen = tokens.issued_at
    provider = MemoryTokenProvider(oauth, tokens, clock=lambda: frozen)
    client = ExactClient(sandbox.config, provider, client_id=sandbox.app.client_id)
    sandbox.time.advance(601)
    provider._clock = sandbox.time  # the provider learns the real time only after the 401
    assert client.me()["CurrentDivision"] == MAIN
    assert provider.tokens.access_token != tokens.access_token


def test_division_without_access_is_forbidden(sandbox):
    client = sandbox.client(user=BRANCH_USER)
    assert client.me()["CurrentDivision"] == BRANCH
    with pytest.raises(E.Forbidden) as info:
        client.division(MAIN).gl_accounts.list()
    assert info.value.remedy is E.Remedy.REAUTHORIZE


def test_token_call_limit_is_rate_limited(sandbox):
    sandbox.limits(token_calls_per_day=2)
    oauth = sandbox.oauth()
    oauth.exchange_code(sandbox.code())
    oauth.exchange_code(sandbox.code())
    with pytest.raises(E.RateLimited) as info:
        oauth.exchange_code(sandbox.code())
    assert info.value.window == "token"


def test_the_error_budget_stops_the_client_before_exact_blocks_it(sandbox):
    client = sandbox.client()
    gl = client.division(MAIN).gl_accounts
    missing = "00000000-0000-4000-8000-000000000000"
    for _ in range(10):
        with pytest.raises(E.NotFound):
            gl.get(missing)
    with pytest.raises(E.RateLimited) as info:
        gl.list()  # any call to the endpoint: the next failure would get the app blocked
    assert info.value.window == "errors"
    assert info.value.retry_at == sandbox.time() + timedelta(hours=1)
    budget = sandbox.state()["error_budget"]
    assert [(b["endpoint"], b["errors_this_hour"], b["blocked_until"]) for b in budget] == [
        ("financial/GLAccounts", 10, None)
    ]
    assert client.division(MAIN).journals.first() is not None  # other endpoints are not affected
    sandbox.time.advance(3601)
    assert gl.first() is not None


def test_endpoint_blocked_when_the_budget_guard_is_off(sandbox):
    from exactlink import Governor

    client = sandbox.client(governor=Governor(clock=sandbox.time, sleep=sandbox.time.sleep, error_budget=None))
    gl = client.division(MAIN).gl_accounts
    missing = "00000000-0000-4000-8000-000000000000"
    for _ in range(11):
        with pytest.raises(E.NotFound):
            gl.get(missing)
    with pytest.raises(E.EndpointBlocked) as info:
        gl.list()
    assert info.value.status == 403 and "blocked" in info.value.messages[0]


def test_the_documented_walk_from_authorization_url_to_a_posted_journal(sandbox, caplog):
    """docs/exactlink.md, step by step, against the sandbox; and nothing secret in the logs."""
    import logging
    from decimal import Decimal

    from exactlink import F, Query

    caplog.set_level(logging.DEBUG, logger="exactlink")
    stored = []
    oauth = sandbox.oauth()
    browser = httpx.Client(follow_redirects=False)
    login = browser.get(oauth.authorization_url(state="9f2c", force_login=True))
    consent = browser.post(
        f"{sandbox.base_url}/api/oauth2/auth",
        data={**form_fields(login.text), "action": "login", "username": DEMO_USER, "password": DEMO_PASSWORD},
    )
    redirect = browser.post(
        f"{sandbox.base_url}/api/oauth2/auth", data={**form_fields(consent.text), "action": "allow"}
    )
    request_url = redirect.headers["Location"]

    callback = parse_callback(request_url, expected_state="9f2c")
    tokens = oauth.exchange_code(callback.code)
    stored.append(tokens)
    provider = MemoryTokenProvider(oauth, tokens, on_new_tokens=stored.append)
    client = ExactClient(sandbox.config, provider, client_id=oauth.client_id, sleep=sandbox.time.sleep)

    me = client.me()
    division = client.division(me["CurrentDivision"])
    accounts = {
        acc["Code"]: acc["ID"] for acc in division.gl_accounts.iterate(Query().select("ID", "Code", "IsBlocked"))
    }
    journal = division.journals.first(Query().filter(F("Code") == "90"))
    assert journal is not None and journal["AllowVAT"] is True

    sandbox.time.advance(590)  # the access token is in its last 30 s: the provider refreshes first
    today = sandbox.time().date()
    entry = division.general_journal_entries.create(
        {
            "JournalCode": "90",
            "GeneralJournalEntryLines": [
                {
                    "GLAccount": accounts["1100"],
                    "Date": today,
                    "AmountFC": Decimal("250.00"),
                    "Description": "EXT-1 cash",
                },
                {
                    "GLAccount": accounts["1000"],
                    "Date": today,
                    "AmountFC": Decimal("-250.00"),
                    "Description": "EXT-1 cash",
                },
            ],
        }
    )
    assert entry["EntryNumber"] and len(stored) == 2
    assert [line["gl_account_code"] for line in sandbox.entries()[0]["lines"]] == ["1100", "1000"]

    secrets = (
        [callback.code, sandbox.app.client_secret]
        + [t.access_token for t in stored]
        + [t.refresh_token for t in stored]
    )
    dumped = "\n".join(f"{r.getMessage()} {r.__dict__!r}" for r in caplog.records)
    assert caplog.records, "the client logs every call"
    for secret in secrets:
        assert secret not in dumped


def test_memory_provider_refreshes_once_when_many_threads_ask_at_once(sandbox):
    import threading

    provider = MemoryTokenProvider(sandbox.oauth(), sandbox.tokens())
    sandbox.time.advance(575)
    barrier = threading.Barrier(8)
    seen: list[str] = []

    def ask() -> None:
        barrier.wait()
        seen.append(provider.access_token())

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(seen)) == 1 and len(seen) == 8
    tokens = sandbox.state()["tokens"]
    assert tokens["refreshed"] == 1
    assert tokens["active_authorizations"] == 1  # no refresh token was spent twice
