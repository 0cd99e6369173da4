"""Corrections and cancel across a worker killed with SIGKILL mid-post (issue 10).

A posted day is corrected through the API; the worker posting the reversal and the corrected journal is killed
while one of their POSTs is in flight (Exact stores it after the worker is gone). While no worker runs, the ERP
sends the same correction again and a person cancels a journal imported by mistake; the journal whose POST was
in flight cannot be cancelled (it may be in Exact). A restarted worker finishes: Exact holds exactly the
original, its reversal and the correction — once each — and nothing of the cancelled journal.
"""

from __future__ import annotations

import signal
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.test import override_settings

from ledgerlink.core import clock
from ledgerlink.journals import actions, apikeys
from ledgerlink.journals.models import Journal
from ledgerlink.journals.posting import post_due, stuck_after
from ledgerlink.tenancy.audit import Actor
from tests.support.api import URL, Api
from tests.support.journals import cash_journal, submit
from tests.support.workers import markers_in_exact, start_worker, wait_until

pytestmark = pytest.mark.django_db(transaction=True)


def correction_body(day: str) -> dict[str, object]:
    return {
        "reference": "Z-KILL-fix",
        "kind": "cash",
        "connector": 1,
        "date": day,
        "description": "Cash closing, corrected",
        "lines": [
            {"ledger_code": "1000", "debit": "242.00"},
            {"ledger_code": "8000", "credit": "200.00", "vat_code": "2", "vat_amount": "42.00"},
        ],
    }


@pytest.mark.parametrize("in_flight", ["reversal", "corrected"])
def test_a_correction_and_a_cancel_survive_a_worker_killed_mid_post(  # type: ignore[no-untyped-def]
    setup, connected, clocks, tmp_path: Path, in_flight: str
) -> None:
    day = clocks.now().date()
    original = submit(setup.company, cash_journal("Z-KILL", day))
    assert post_due(clock.now()) == {"posted": 1}
    mistake = submit(setup.company, cash_journal("Z-MISTAKE", day))
    # Put off (as after a rate limit): not in the batch the worker claims, so it can still be cancelled.
    Journal.objects.filter(pk=mistake.pk).update(next_attempt_at=clock.now() + timedelta(minutes=10))
    api = Api(apikeys.create_key(Actor.system(), setup.company, "ERP").plaintext)
    made = api.post(f"{URL}/{original.pk}/correct", correction_body(day.isoformat()))
    assert made.status_code == 201, made.content
    pair = {"reversal": made.json()["reversal"]["id"], "corrected": made.json()["corrected"]["id"]}
    target = Journal.objects.get(pk=pair[in_flight])

    # 5 s in the air: the kill must land while the POST is in flight, also when a busy machine is slow to
    # notice that it left (1.5 s was not always enough in a loaded run).
    setup.sandbox.add_fault("latency", method="POST", path="GeneralJournalEntries", count=1000, delay_ms=5000)
    began = time.monotonic()
    worker = start_worker(clocks, tmp_path)

    # The worker's batch goes in date order, then by id (both have the correction's date): the target's POST
    # is the first or the second to take a use of the latency fault.
    needed = sorted(pair.values()).index(target.pk) + 1

    def reached_exact() -> bool:
        """The target's POST arrived at the sandbox (it took a use of the latency fault) and waits there 5 s.

        Counted at the sandbox, not by our own rows: a token check and the rate limit come between the
        claim and the POST, and a kill then (seen in a loaded run) would stop the worker before Exact heard
        of it."""
        taken = sum(1000 - fault["count"] for fault in setup.sandbox.state()["faults"])
        return taken >= needed

    try:
        in_the_air = wait_until(reached_exact)
        assert in_the_air, worker.stdout.read() if worker.poll() is not None and worker.stdout else "not sent"
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            worker.kill()
    target.refresh_from_db()
    assert target.status == "sending"  # its worker is gone; the entry may or may not be in Exact
    # Exact finishes the request the dead worker made (the sandbox stores it after the delay).
    assert wait_until(lambda: target.marker in markers_in_exact(setup.sandbox), seconds=30)

    # While no worker runs: the ERP retries the correction, a person cancels what may and may not be cancelled.
    again = api.post(f"{URL}/{original.pk}/correct", correction_body(day.isoformat()))
    assert again.status_code == 200
    assert (again.json()["reversal"]["id"], again.json()["corrected"]["id"]) == (pair["reversal"], pair["corrected"])
    assert not actions.cancel(target, Actor.system())  # it may be in Exact: never cancelled blindly
    refused = api.post(f"{URL}/{target.pk}/cancel")
    assert refused.status_code == 409 and refused.json()["code"] == "journal.not_cancellable"
    assert api.post(f"{URL}/{mistake.pk}/cancel").status_code == 200

    setup.sandbox.clear_faults()
    with override_settings(LEDGERLINK_EXACT_TIMEOUT=30.0, LEDGERLINK_SENDING_STUCK_SECONDS=0):
        lease = stuck_after().total_seconds()  # the child's lease (its Exact timeout is 30 s)
    clocks.advance(lease + (time.monotonic() - began) + 600)  # past the lease, and past the mistake's delay
    restarted = start_worker(clocks, tmp_path)
    try:
        assert wait_until(
            lambda: set(Journal.objects.filter(pk__in=pair.values()).values_list("status", flat=True)) == {"posted"}
        ), list(Journal.objects.values_list("reference", "status", "status_message"))
    finally:
        restarted.send_signal(signal.SIGTERM)
        restarted.wait(timeout=20)

    journals = {j.reference: j for j in Journal.objects.all()}
    assert journals["Z-MISTAKE"].status == "cancelled"
    expected = sorted(journals[ref].marker for ref in ("Z-KILL", "Z-KILL~reversal", "Z-KILL-fix"))
    assert sorted(markers_in_exact(setup.sandbox)) == expected  # exactly these three, once each
    actions_of_target = list(Journal.objects.get(pk=target.pk).attempts.values_list("action", "outcome"))
    assert ("reconcile", "found") in actions_of_target  # looked up, not posted a second time
    assert Journal.objects.get(pk=pair["reversal"]).reverses_id == original.pk
    assert Journal.objects.get(pk=pair["corrected"]).replaces_id == original.pk
