"""The demo's Exact Online: the local sandbox started beside the service, and connector 1 authorized in it."""

from __future__ import annotations

import subprocess
import sys
from urllib.parse import urlsplit

import httpx

from ledgerlink.connectors import actions as connector_actions
from ledgerlink.connectors.callback import expected_callback_url
from ledgerlink.connectors.choices import SANDBOX, Status
from ledgerlink.connectors.models import Connector
from ledgerlink.tenancy.audit import Actor
from ledgerlink.tenancy.models import Company

DEMO_EXACT_USER = "demo@exact.example"
ACTOR = Actor.system()


def reachable(base_url: str) -> bool:
    try:
        return httpx.get(f"{base_url}/_sandbox/clock", timeout=1.0).status_code == 200
    except httpx.HTTPError:
        return False


def start(base_url: str) -> subprocess.Popen[str] | None:
    """Start ``python -m exact_sandbox`` on the URL's port unless something already answers there."""
    if reachable(base_url):
        return None
    parts = urlsplit(base_url)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "exact_sandbox",
            "--host",
            parts.hostname or "127.0.0.1",
            "--port",
            str(parts.port),
            "--log-level",
            "WARNING",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    line = process.stdout.readline() if process.stdout else ""  # the readiness line
    if "listening" not in line:
        process.terminate()
        raise RuntimeError(f"the sandbox did not start on {base_url}")
    return process


def authorize_demo_connector(company: Company, base_url: str, port: str | None) -> Connector:
    """Connector 1, registered as an app in the sandbox and authorized through its non-interactive consent.

    The sandbox keeps its state in memory, so each start registers the app again and re-authorizes.
    """
    callback = expected_callback_url(company.alias or "", 1, port)
    control = httpx.Client(base_url=base_url, timeout=10)
    app = control.post("/_sandbox/apps", json={"name": "RetailVista ERP (demo)", "redirect_uri": callback})
    app.raise_for_status()
    registered = app.json()
    connector = Connector.objects.for_company(company).filter(number=1).first()
    if connector is None:
        connector = connector_actions.create_connector(
            ACTOR,
            company,
            number=1,
            name="Exact Online (demo)",
            region=SANDBOX,
            client_id=registered["client_id"],
            client_secret=registered["client_secret"],
            callback_url=callback,
        )
    else:
        connector = connector_actions.save_connector(
            ACTOR,
            connector,
            number=1,
            name=connector.name,
            region=SANDBOX,
            client_id=registered["client_id"],
            client_secret=registered["client_secret"],
            callback_url=callback,
            clear_api_token=True,
        )
    code = control.post(
        "/_sandbox/authorize",
        json={"client_id": registered["client_id"], "user": DEMO_EXACT_USER, "redirect_uri": callback},
    )
    code.raise_for_status()
    connector = connector_actions.authorize_with_code(ACTOR, connector, code.json()["code"])
    assert connector.status == Status.CONNECTED
    return connector
