"""OAuth helpers against a fake token endpoint: URL, callback decoding, exchange, refresh, TokenSet."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, quote, urlsplit

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from exactlink import errors as E
from exactlink.config import ExactConfig
from exactlink.oauth import (
    MemoryTokenProvider,
    OAuthClient,
    StaticTokenProvider,
    TokenProvider,
    TokenSet,
    parse_callback,
)

from .helpers import FakeExact, ok

CLIENT_ID = "{0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d}"
SECRET = "s3cr3t-client-secret"
REDIRECT = "https://demo.example.com/oauth.ashx?provider=25"


def make_oauth(fake: FakeExact, clock) -> OAuthClient:
    return OAuthClient(ExactConfig(region="be", transport=fake.transport(), clock=clock), CLIENT_ID, SECRET, REDIRECT)


def token_body(n: int = 1, expires_in: object = "600") -> dict[str, object]:
    return {
        "access_token": f"access-{n}",
        "token_type": "bearer",
        "expires_in": expires_in,
        "refresh_token": f"refresh-{n}",
    }


def test_authorization_url(fake, clock):
    url = make_oauth(fake, clock).authorization_url("st@te/1", force_login=True)
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == "https://start.exactonline.be/api/oauth2/auth"
    assert parse_qs(parts.query) == {
        "client_id": [CLIENT_ID],
        "redirect_uri": [REDIRECT],
        "response_type": ["code"],
        "state": ["st@te/1"],
        "force_login": ["1"],
    }
    assert "force_login=0" in make_oauth(fake, clock).authorization_url("x")


@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1))
def test_callback_code_is_decoded_exactly_once(code):
    callback = f"{REDIRECT}&code={quote(code, safe='')}&state=abc"
    parsed = parse_callback(callback, expected_state="abc")
    assert parsed.code == code
    assert parsed.state == "abc"


def test_code_with_exact_characters_reaches_the_token_endpoint_unchanged(fake, clock):
    code = "dAfj!hB1%21+x/y=="  # '!' as DotNetOpenAuth writes it, plus a literal '%21'
    callback = f"{REDIRECT}&code={quote(code, safe='')}&state=s1"
    fake.queue(ok(token_body()))
    tokens = make_oauth(fake, clock).exchange_code(parse_callback(callback, expected_state="s1").code)
    form = parse_qs(fake.requests[0].content.decode(), keep_blank_values=True)
    assert form["code"] == [code]
    assert form["grant_type"] == ["authorization_code"]
    assert form["redirect_uri"] == [REDIRECT]
    assert form["client_id"] == [CLIENT_ID] and form["client_secret"] == [SECRET]
    assert fake.requests[0].headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert str(fake.requests[0].url) == "https://start.exactonline.be/api/oauth2/token"
    assert tokens.access_token == "access-1" and tokens.refresh_token == "refresh-1"


def test_refused_consent_and_wrong_state():
    with pytest.raises(E.AuthorizationDenied):
        parse_callback(f"{REDIRECT}&error=access_denied&state=s1", expected_state="s1")
    with pytest.raises(E.AuthorizationDenied, match="state"):
        parse_callback(f"{REDIRECT}&code=abc&state=evil", expected_state="s1")
    with pytest.raises(E.AuthorizationDenied):
        parse_callback(f"{REDIRECT}&state=s1")


@pytest.mark.parametrize("expires_in", ["600", 600, " 600 "])
def test_expires_in_as_string_or_number(fake, clock, expires_in):
    fake.queue(ok(token_body(expires_in=expires_in)))
    tokens = make_oauth(fake, clock).refresh("refresh-0")
    assert tokens.issued_at == clock()
    assert tokens.expires_at == clock() + timedelta(seconds=600)


@pytest.mark.parametrize("expires_in", ["6e2", "-1", None, 600.0, True, ""])
def test_malformed_expires_in_is_refused(fake, clock, expires_in):
    fake.queue(ok(token_body(expires_in=expires_in)))
    with pytest.raises(E.InvalidGrant):
        make_oauth(fake, clock).refresh("refresh-0")


def test_refresh_sends_the_refresh_grant(fake, clock):
    fake.queue(ok(token_body(2)))
    tokens = make_oauth(fake, clock).refresh("refresh-1")
    form = parse_qs(fake.requests[0].content.decode())
    assert form == {
        "grant_type": ["refresh_token"],
        "refresh_token": ["refresh-1"],
        "client_id": [CLIENT_ID],
        "client_secret": [SECRET],
    }
    assert tokens.refresh_token == "refresh-2"


def test_token_errors_are_classified(fake, clock):
    fake.queue(
        httpx.Response(401, json={"error": "unauthorized_client", "error_description": "Old refresh token used."})
    )
    with pytest.raises(E.OldRefreshTokenUsed) as info:
        make_oauth(fake, clock).refresh("refresh-old")
    assert info.value.remedy is E.Remedy.REAUTHORIZE
    assert "refresh-old" not in str(info.value)


def test_lost_answer_to_a_refresh_is_outcome_unknown(fake, clock):
    fake.queue(httpx.ReadTimeout("slow"))
    with pytest.raises(E.Timeout) as info:
        make_oauth(fake, clock).refresh("refresh-1")
    assert info.value.outcome_unknown
    assert len(fake.requests) == 1  # never sent twice: the first may have rotated the token


def test_tokenset_window_and_repr(clock):
    tokens = TokenSet.from_response(token_body(), clock())
    assert not tokens.refreshable(clock() + timedelta(seconds=569))
    assert tokens.refreshable(clock() + timedelta(seconds=570))
    assert not tokens.expired(clock() + timedelta(seconds=599))
    assert tokens.expired(clock() + timedelta(seconds=600))
    assert tokens.remaining(clock()) == timedelta(seconds=600)
    text = repr(tokens)
    assert "access-1" not in text and "refresh-1" not in text


def test_oauth_client_repr_hides_the_secret(fake, clock):
    assert SECRET not in repr(make_oauth(fake, clock))


def test_memory_provider_refreshes_only_in_the_window(fake, clock):
    saved: list[TokenSet] = []
    oauth = make_oauth(fake, clock)
    provider = MemoryTokenProvider(oauth, TokenSet.from_response(token_body(1), clock()), on_new_tokens=saved.append)
    assert isinstance(provider, TokenProvider)
    clock.advance(560)
    assert provider.access_token() == "access-1"
    assert fake.requests == []
    clock.advance(15)  # 575 s: inside the last 30 s
    fake.queue(ok(token_body(2)))
    assert provider.access_token() == "access-2"
    assert [t.access_token for t in saved] == ["access-2"]
    assert provider.access_token() == "access-2"
    assert len(fake.requests) == 1


def test_memory_provider_on_rejection_refreshes_an_expired_token_once(fake, clock):
    provider = MemoryTokenProvider(make_oauth(fake, clock), TokenSet.from_response(token_body(1), clock()))
    clock.advance(601)
    fake.queue(ok(token_body(2)))
    provider.on_access_token_rejected("access-1", E.AccessTokenExpired("expired"))
    # A second rejection of the old token changes nothing: the new one is not yet refreshable.
    provider.on_access_token_rejected("access-1", E.AccessTokenExpired("expired"))
    assert provider.access_token() == "access-2"
    assert len(fake.requests) == 1


def test_static_provider():
    provider = StaticTokenProvider("t")
    assert isinstance(provider, TokenProvider)
    assert provider.access_token() == "t"
    assert provider.on_access_token_rejected("t", E.AccessTokenExpired("x")) is None
