"""Where a client test runs: the local sandbox (always), or a real Exact test administration (opt-in).

Like moto's `aws_verified`: a test marked `@pytest.mark.exact_verified` uses the `exact` fixture; by
default that is the sandbox. With `LEDGERLINK_TEST_REAL_EXACT=1` and the credentials below in the
environment, the marked tests run against real Exact instead (unmarked tests never do), so that what
the sandbox claims is checked against the service it emulates. Nothing is ever printed of the secrets.

    LEDGERLINK_TEST_REAL_EXACT=1
    EXACT_TEST_REGION=nl                 (or EXACT_TEST_BASE_URL=https://start.exactonline.nl)
    EXACT_TEST_CLIENT_ID=…  EXACT_TEST_CLIENT_SECRET=…  EXACT_TEST_REDIRECT_URI=…
    EXACT_TEST_TOKEN_FILE=/path/tokens.json   {"access_token", "refresh_token", "expires_at"}; Exact
                                              rotates the refresh token, so the file is rewritten
                                              after every refresh (keep it private)
    EXACT_TEST_DIVISION=123456           a test administration: the tests post and delete entries

Without all of them, marked tests are skipped in that mode with the names of what is missing.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from exactlink import ExactClient, ExactConfig, MemoryTokenProvider, OAuthClient, TokenSet

from .sandbox_helpers import MAIN, Sandbox

REAL_SWITCH = "LEDGERLINK_TEST_REAL_EXACT"
NEEDED = (
    "EXACT_TEST_CLIENT_ID",
    "EXACT_TEST_CLIENT_SECRET",
    "EXACT_TEST_REDIRECT_URI",
    "EXACT_TEST_TOKEN_FILE",
    "EXACT_TEST_DIVISION",
)


def real_exact_requested() -> bool:
    return os.environ.get(REAL_SWITCH, "").strip().lower() in ("1", "true", "yes")


@dataclass
class ExactTarget:
    """A client factory and a division, on the sandbox or on real Exact."""

    name: str
    division: int
    make_client: Callable[[], ExactClient]

    def client(self) -> ExactClient:
        return self.make_client()


def sandbox_target(sandbox: Sandbox) -> ExactTarget:
    return ExactTarget("sandbox", MAIN, sandbox.client)


def real_target() -> ExactTarget:
    missing = [name for name in NEEDED if not os.environ.get(name)]
    if missing:
        pytest.skip(f"{REAL_SWITCH} is set but these are missing: {', '.join(missing)}")
    env = os.environ
    base_url = env.get("EXACT_TEST_BASE_URL")
    config = ExactConfig(region=env.get("EXACT_TEST_REGION", "nl"), base_url=base_url)
    oauth = OAuthClient(
        config, env["EXACT_TEST_CLIENT_ID"], env["EXACT_TEST_CLIENT_SECRET"], env["EXACT_TEST_REDIRECT_URI"]
    )
    token_file = Path(env["EXACT_TEST_TOKEN_FILE"])
    stored = json.loads(token_file.read_text(encoding="utf-8"))
    expires_at = datetime.fromisoformat(stored.get("expires_at", "1970-01-01T00:00:00+00:00"))
    tokens = TokenSet(stored["access_token"], stored["refresh_token"], expires_at, expires_at)

    def save(new: TokenSet) -> None:
        # Written before anything else can fail: Exact has already rotated the refresh token.
        token_file.write_text(
            json.dumps(
                {
                    "access_token": new.access_token,
                    "refresh_token": new.refresh_token,
                    "expires_at": new.expires_at.astimezone(UTC).isoformat(),
                }
            ),
            encoding="utf-8",
        )

    provider = MemoryTokenProvider(oauth, tokens, on_new_tokens=save)
    client_id = env["EXACT_TEST_CLIENT_ID"]
    return ExactTarget(
        "real Exact", int(env["EXACT_TEST_DIVISION"]), lambda: ExactClient(config, provider, client_id=client_id)
    )
