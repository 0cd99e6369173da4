"""The sandbox's two token policies, driven through our real OAuth client (issue 19).

strict (the default): once a pair is rotated, the previous refresh token is dead and using it revokes
the authorization; a refresh refused as too early spends the refresh token.
grace (what a reseller reports): the previous refresh token keeps working until the new pair is used,
answering the same new pair; a refresh refused as too early leaves the token valid.
"""

from __future__ import annotations

import httpx
import pytest

from exactlink import ExactClient, StaticTokenProvider
from exactlink import errors as E

from .sandbox_helpers import MAIN


def policy(sandbox, name: str | None = None) -> str:
    if name is not None:
        sandbox.control.post("/_sandbox/token-policy", json={"policy": name}).raise_for_status()
    return sandbox.control.get("/_sandbox/token-policy").json()["policy"]


def lose_the_next_token_answer(sandbox) -> None:
    """Exact rotates the pair, then the answer never arrives (the connection drops)."""
    sandbox.fault(kind="drop_after_commit", path="^/api/oauth2/token$", method="POST")


def api(sandbox, access_token: str) -> ExactClient:
    return sandbox.client(provider=StaticTokenProvider(access_token))


def test_strict_is_the_default_and_a_reset_returns_to_it(sandbox):
    assert policy(sandbox) == "strict"
    assert policy(sandbox, "grace") == "grace"
    assert sandbox.state()["token_policy"] == "grace"
    sandbox.control.post("/_sandbox/reset").raise_for_status()
    assert policy(sandbox) == "strict"
    refused = sandbox.control.post("/_sandbox/token-policy", json={"policy": "lenient"})
    assert refused.status_code == 400 and "strict, grace" in refused.json()["error"]


def test_strict_a_lost_answer_costs_the_chain(sandbox):
    oauth = sandbox.oauth()
    first = sandbox.tokens()
    sandbox.time.advance(571)
    lose_the_next_token_answer(sandbox)
    with pytest.raises(E.ConnectionFailed) as lost:
        oauth.refresh(first.refresh_token)
    assert lost.value.outcome_unknown
    with pytest.raises(E.OldRefreshTokenUsed):
        oauth.refresh(first.refresh_token)  # Exact rotated; the previous token is dead
    assert sandbox.state()["tokens"]["active_authorizations"] == 0  # and the authorization with it


def test_grace_a_lost_answer_is_answered_again_with_the_same_pair(sandbox):
    policy(sandbox, "grace")
    oauth = sandbox.oauth()
    first = sandbox.tokens()
    sandbox.time.advance(571)
    lose_the_next_token_answer(sandbox)
    with pytest.raises(E.ConnectionFailed):
        oauth.refresh(first.refresh_token)
    again = oauth.refresh(first.refresh_token)
    replayed = oauth.refresh(first.refresh_token)  # as often as needed while the new pair is unused
    assert (again.access_token, again.refresh_token) == (replayed.access_token, replayed.refresh_token)
    assert again.refresh_token != first.refresh_token
    assert api(sandbox, again.access_token).me()["CurrentDivision"] == MAIN
    tokens = sandbox.state()["tokens"]
    assert (tokens["refreshed"], tokens["replayed"], tokens["active_authorizations"]) == (1, 2, 1)


def test_grace_ends_when_the_new_access_token_is_used(sandbox):
    policy(sandbox, "grace")
    oauth = sandbox.oauth()
    first = sandbox.tokens()
    sandbox.time.advance(571)
    second = oauth.refresh(first.refresh_token)
    api(sandbox, second.access_token).me()
    with pytest.raises(E.OldRefreshTokenUsed):
        oauth.refresh(first.refresh_token)
    with pytest.raises(E.AccessTokenExpired):  # reusing it revoked the authorization, as under strict
        api(sandbox, second.access_token).me()


def test_grace_ends_when_the_new_refresh_token_is_used(sandbox):
    policy(sandbox, "grace")
    oauth = sandbox.oauth()
    first = sandbox.tokens()
    sandbox.time.advance(571)
    second = oauth.refresh(first.refresh_token)
    sandbox.time.advance(571)
    third = oauth.refresh(second.refresh_token)
    with pytest.raises(E.OldRefreshTokenUsed):
        oauth.refresh(first.refresh_token)  # two rotations back: never honoured
    assert third.refresh_token != second.refresh_token


def test_grace_honours_only_the_latest_previous_token(sandbox):
    policy(sandbox, "grace")
    oauth = sandbox.oauth()
    first = sandbox.tokens()
    sandbox.time.advance(571)
    second = oauth.refresh(first.refresh_token)
    sandbox.time.advance(571)
    oauth.refresh(second.refresh_token)  # the new pair is unused, but `first` is two rotations back
    with pytest.raises(E.OldRefreshTokenUsed):
        oauth.refresh(first.refresh_token)


def test_strict_a_refresh_refused_as_too_early_spends_the_token(sandbox):
    oauth = sandbox.oauth()
    first = sandbox.tokens()
    sandbox.time.advance(60)
    with pytest.raises(E.RefreshTooEarly):
        oauth.refresh(first.refresh_token)
    sandbox.time.advance(540)
    with pytest.raises(E.OldRefreshTokenUsed):
        oauth.refresh(first.refresh_token)


def test_grace_a_refresh_refused_as_too_early_leaves_the_token_valid(sandbox):
    policy(sandbox, "grace")
    oauth = sandbox.oauth()
    first = sandbox.tokens()
    sandbox.time.advance(60)
    with pytest.raises(E.RefreshTooEarly):
        oauth.refresh(first.refresh_token)
    assert api(sandbox, first.access_token).me()["CurrentDivision"] == MAIN  # still the live pair
    sandbox.time.advance(540)
    second = oauth.refresh(first.refresh_token)
    assert second.refresh_token != first.refresh_token


def test_grace_a_replay_still_counts_against_the_daily_token_limit(sandbox):
    policy(sandbox, "grace")
    oauth = sandbox.oauth()
    first = sandbox.tokens()  # call 1
    sandbox.limits(token_calls_per_day=3)
    sandbox.time.advance(571)
    oauth.refresh(first.refresh_token)  # call 2
    oauth.refresh(first.refresh_token)  # call 3, a replay
    with pytest.raises(E.RateLimited):
        oauth.refresh(first.refresh_token)


def test_grace_works_over_a_real_dropped_connection_with_a_fresh_http_client(sandbox):
    """The replay does not depend on the client: a new process with a new connection gets the pair too."""
    policy(sandbox, "grace")
    first = sandbox.tokens()
    sandbox.time.advance(571)
    lose_the_next_token_answer(sandbox)
    with pytest.raises(E.ConnectionFailed):
        sandbox.oauth().refresh(first.refresh_token)
    form = {
        "grant_type": "refresh_token",
        "refresh_token": first.refresh_token,
        "client_id": sandbox.app.client_id,
        "client_secret": sandbox.app.client_secret,
    }
    answer = httpx.post(f"{sandbox.base_url}/api/oauth2/token", data=form, timeout=5)
    assert answer.status_code == 200 and set(answer.json()) == {
        "access_token",
        "token_type",
        "expires_in",
        "refresh_token",
    }
