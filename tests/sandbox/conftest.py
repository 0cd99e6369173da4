"""Sandbox tests: the fixtures come from the sandbox's own pytest plugin."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from exact_sandbox.pytest_plugin import (  # noqa: F401 - fixtures, imported to register them here
    exact_sandbox,
    exact_sandbox_inprocess,
    exact_sandbox_server,
)
from exact_sandbox.seed import DEMO_USER
from exact_sandbox.testing import SandboxHandle


@dataclass
class Connection:
    """A client holding a valid access token, as a connector would after the OAuth dance."""

    sandbox: SandboxHandle
    http: httpx.Client
    app: dict[str, Any]
    tokens: dict[str, Any]

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens['access_token']}", "Accept": "application/json"}

    def get(self, path: str, **params: str) -> httpx.Response:
        return self.http.get(path, params=params, headers=self.headers)

    def post(self, path: str, body: dict[str, Any]) -> httpx.Response:
        """POST as picqer and our client do: asking for the full entity back."""
        return self.http.post(path, json=body, headers={**self.headers, "Prefer": "return=representation"})

    def delete(self, path: str) -> httpx.Response:
        return self.http.delete(path, headers=self.headers)

    def gl_ids(self, division: int = 7001) -> dict[str, str]:
        rows = self.get(f"/api/v1/{division}/financial/GLAccounts", **{"$select": "ID,Code"}).json()["d"]["results"]
        return {row["Code"]: row["ID"] for row in rows}

    def account_ids(self, division: int = 7001) -> dict[str, str]:
        rows = self.get(f"/api/v1/{division}/crm/Accounts", **{"$select": "ID,Code"}).json()["d"]["results"]
        return {row["Code"].strip(): row["ID"] for row in rows}


def connect(sandbox: SandboxHandle, user: str = DEMO_USER, name: str = "Test app") -> Connection:
    app = sandbox.register_app(name)
    tokens = sandbox.issue_tokens(app, user)
    return Connection(sandbox, sandbox.client(timeout=10), app, tokens)


@pytest.fixture
def conn(exact_sandbox: SandboxHandle) -> Connection:  # noqa: F811 - the fixture, by name
    connection = connect(exact_sandbox)
    yield connection
    connection.http.close()
