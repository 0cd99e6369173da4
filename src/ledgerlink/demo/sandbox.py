"""The demo's Exact Online: the local sandbox started beside the service, and connector 1 authorized in it."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from ledgerlink.connectors import actions as connector_actions
from ledgerlink.connectors.callback import expected_callback_url
from ledgerlink.connectors.choices import SANDBOX, Status
from ledgerlink.connectors.models import Connector
from ledgerlink.core import clock
from ledgerlink.tenancy.audit import Actor
from ledgerlink.tenancy.models import Company

DEMO_EXACT_USER = "demo@exact.example"
ACTOR = Actor.system()


def reachable(base_url: str) -> bool:
    try:
        return httpx.get(f"{base_url}/_sandbox/clock", timeout=1.0).status_code == 200
    except httpx.HTTPError:
        return False


def start(base_url: str, state_file: Path | None = None) -> subprocess.Popen[str] | None:
    """Start ``python -m exact_sandbox`` on the URL's port unless something already answers there.

    With ``state_file`` the sandbox keeps its apps and tokens there, so connectors added by hand in the demo
    still work after `make run` starts again (``POST /_sandbox/reset`` starts it afresh).
    """
    if reachable(base_url):
        return None
    parts = urlsplit(base_url)
    keep = ["--state-file", str(state_file)] if state_file is not None else []
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
            *keep,
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    line = process.stdout.readline() if process.stdout else ""  # the readiness line
    if "listening" not in line:
        process.terminate()
        raise RuntimeError(f"the sandbox did not start on {base_url}")
    return process


def _still_connected(control: httpx.Client, connector: Connector, callback: str) -> bool:
    fresh = connector.tokens_issued_at is not None and clock.now() - connector.tokens_issued_at < timedelta(days=25)
    if not (connector.status == Status.CONNECTED and connector.callback_url == callback and fresh):
        return False
    known = {app["client_id"] for app in control.get("/_sandbox/state").json().get("apps", [])}
    return connector.client_id in known


def authorize_demo_connector(company: Company, base_url: str, port: str | None) -> Connector:
    """Connector 1, registered as an app in the sandbox and authorized through its non-interactive consent.

    A sandbox that kept its state (``--state-file``) still knows a connected connector 1: it is left as it is.
    Otherwise (a fresh or reset sandbox) the app is registered again and connector 1 re-authorized.
    """
    callback = expected_callback_url(company.alias or "", 1, port)
    control = httpx.Client(base_url=base_url, timeout=10)
    kept = Connector.objects.for_company(company).filter(number=1).first()
    if kept is not None and _still_connected(control, kept, callback):
        return kept
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
