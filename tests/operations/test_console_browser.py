"""The operator's morning, in Chromium: who needs help, and what happens when the worker stops and restarts.

The stack is started here (not the shared ``served_demo``) because this test stops its worker.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.conftest import BIN, ServedDemo, free_port, run_cli, service_env, start_sandbox_process, wait_for_port
from tests.support.browser import sign_in

pytestmark = pytest.mark.browser

NEEDS_HELP = """
import django; django.setup()
from ledgerlink.connectors import messages
from ledgerlink.connectors.choices import Status
from ledgerlink.connectors.models import Connector
from ledgerlink.core.messages import Message
from ledgerlink.tenancy import actions
from ledgerlink.tenancy.audit import Actor
company = actions.create_company(Actor.system(), 2002, "Needs Help BV", "needshelp")
Connector.objects.create(company=company, number=4, name="Exact", status=Status.REAUTH_REQUIRED,
    status_reason=Message.of(messages.REFRESH_REFUSED, exact="invalid_grant"))
"""


class Stack(ServedDemo):
    worker: subprocess.Popen[bytes] | None = None

    def start_worker(self) -> None:
        self.worker = subprocess.Popen(
            [str(BIN / "ledgerlink"), "worker", "--interval", "0.5"],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def stop_worker(self) -> None:
        assert self.worker is not None
        self.worker.terminate()  # SIGTERM: a clean stop records itself in the heartbeat
        self.worker.wait(timeout=30)
        self.worker = None


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    tmp: Path = tmp_path_factory.mktemp("ops")
    sandbox, sandbox_url = start_sandbox_process()
    port = free_port()
    env = service_env(tmp, LEDGERLINK_EXACT_SANDBOX_URL=sandbox_url, LEDGERLINK_WORKER_STALE_SECONDS="60")
    web = None
    served = Stack(port=port, env=env, sandbox_url=sandbox_url)
    try:
        seeded = run_cli("demo", "--seed-only", "--port", str(port), env=env)
        assert seeded.returncode == 0, seeded.stderr
        made = subprocess.run([sys.executable, "-c", NEEDS_HELP], env=env, capture_output=True, text=True, timeout=60)
        assert made.returncode == 0, made.stderr
        web = subprocess.Popen(
            [str(BIN / "ledgerlink"), "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        served.start_worker()
        wait_for_port(port, web, timeout=120)  # a loaded machine starts gunicorn slowly
        yield served
    finally:
        for child in (web, served.worker):
            if child is not None:
                child.terminate()
                child.wait(timeout=20)
        sandbox.terminate()
        sandbox.wait(timeout=20)


def readyz(stack: Stack) -> httpx.Response:
    return httpx.get(f"http://127.0.0.1:{stack.port}/readyz", timeout=10)


def reload_until(page: Page, test_id: str, visible: bool) -> None:
    for _ in range(60):
        if (page.get_by_test_id(test_id).count() > 0) == visible:
            return
        page.wait_for_timeout(500)  # the worker is another process; the page is reloaded until it is done
        page.reload()
    assert (page.get_by_test_id(test_id).count() > 0) == visible, test_id


def test_operator_sees_who_needs_help_and_a_stopped_worker(stack: Stack, page: Page, browser) -> None:  # type: ignore[no-untyped-def]
    page.goto(stack.url(None, "/login"))
    sign_in(page, "operator", "operator")
    page.get_by_role("navigation", name="Main menu").locator("summary", has_text="Operations").click()
    page.get_by_role("list", name="Operations").get_by_role("link", name="Connectors of all companies").click()
    first = page.get_by_test_id("console-row").first
    expect(first).to_contain_text("Needs Help BV")
    expect(first).to_contain_text("Reauthorization required")
    page.get_by_label("Needs attention only").check()
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_test_id("console-row").first).to_contain_text("Needs Help BV")
    page.get_by_label("Status").select_option(label="Connected")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_test_id("console-row")).to_have_count(1)  # the demo company: its admin has no e-mail
    page.get_by_label("Status").select_option(label="Reauthorization required")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_test_id("console-row")).to_have_count(1)
    first.get_by_role("link", name="4 Exact").click()
    expect(page.get_by_test_id("connector-status")).to_have_text("Reauthorization required")
    expect(page.get_by_test_id("connector-reasons")).to_contain_text("invalid_grant")

    # The worker stops: /readyz says so, and a company with a waiting journal is told plainly.
    assert readyz(stack).status_code == 200, readyz(stack).text
    stack.stop_worker()
    answer = readyz(stack)
    assert answer.status_code == 503 and answer.json()["checks"]["worker"]["ok"] is False
    made = run_cli("apikey", "create", "--company", "demo", "--name", "ops test", env=stack.env)
    assert made.returncode == 0, made.stderr
    api = httpx.Client(
        base_url=f"http://127.0.0.1:{stack.port}",
        headers={"Authorization": f"Bearer {made.stdout.strip()}", "Host": f"demo.localhost:{stack.port}"},
    )
    today = datetime.now(UTC).date().isoformat()
    body = {
        "reference": "OPS-1",
        "kind": "cash",
        "connector": 1,
        "date": today,
        "lines": [
            {"ledger_code": "1000", "debit": "121.00"},
            {"ledger_code": "8000", "credit": "100.00", "vat_code": "2", "vat_amount": "21.00"},
        ],
    }
    assert api.post("/api/v1/journals", json=body).status_code == 201
    admin = browser.new_context().new_page()
    admin.goto(stack.url("demo", "/login"))
    sign_in(admin, "admin", "demo")
    admin.goto(stack.url("demo", "/journals/"))
    expect(admin.get_by_test_id("no-worker")).to_contain_text("Nothing is being sent right now")

    # The worker comes back: the journal is sent, the warning goes, /readyz is ready again.
    stack.start_worker()
    reload_until(admin, "no-worker", visible=False)
    assert readyz(stack).status_code == 200
    admin.context.close()
