"""The REST API fuzzed against its own OpenAPI document with schemathesis, in-process through the WSGI app.

Every operation gets schema-valid and schema-violating requests (schemathesis's own generation), and a
strategy of valid journals submits, resubmits and changes journals so that 201, 200 and 409 are reached as
well as 422. schemathesis's checks judge each answer: no server error, a documented status code, a body that
fits its documented schema, the documented content type and headers, and schema-violating data refused.

Its "schema-valid data is accepted" check is replaced by a stricter one of ours: a schema-valid request may
be refused (422) only for a rule the schema cannot state (``intake.RULES_BEYOND_THE_SCHEMA``, and for a
mapping ``api_mapping.RULES_BEYOND_THE_SCHEMA``, which the document lists). The dry run (``/validate``)
answers 200 with its problems for any JSON object, by design.

The number of examples is bounded (``EXAMPLES``, ``JOURNALS``): the whole run costs well under a minute. It
prints its figures (requests, seconds, statuses) with ``-s``; a failure names the request as a curl command.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import CHECKS
from schemathesis.generation import GenerationMode

from ledgerlink.closings.intake import RULES_BEYOND_THE_SCHEMA as CLOSING_RULES
from ledgerlink.journals.api_mapping import RULES_BEYOND_THE_SCHEMA as MAPPING_RULES
from ledgerlink.journals.intake import RULES_BEYOND_THE_SCHEMA
from ledgerlink.webhooks.api import RULES_BEYOND_THE_SCHEMA as WEBHOOK_RULES
from tests.support.api import tenant

pytestmark = pytest.mark.django_db

# Per operation and generation mode; the valid-journal strategy draws twice as many. A longer hunt:
# LEDGERLINK_FUZZ_EXAMPLES=200 .venv/bin/pytest tests/journals/test_openapi_fuzz.py -s
EXAMPLES = int(os.environ.get("LEDGERLINK_FUZZ_EXAMPLES", "15"))
JOURNALS = 2 * EXAMPLES
SETTINGS = settings(
    deadline=None,
    database=None,  # no example database in the work tree: each run draws afresh
    derandomize=False,
    phases=[Phase.explicit, Phase.generate],  # a failure is reported as found, not shrunk (time)
    suppress_health_check=list(HealthCheck),
)


def check(name: str) -> Any:
    """One of schemathesis's checks by its name (they are registered once schemathesis has loaded a schema)."""
    return next(found for found in CHECKS.get_all() if found.__name__ == name)


@pytest.fixture
def in_process_wsgi() -> Iterator[None]:
    """The WSGI app in this thread, on the test's database connection (as Django's own test client does)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


class Run:
    """The statuses reached and the failures found, over every operation."""

    def __init__(self, key: str) -> None:
        self.headers = {"Authorization": f"Bearer {key}"}
        self.statuses: Counter[int] = Counter()
        self.failures: list[str] = []
        self.examples = 0

    def call(self, case: Any, mode: GenerationMode = GenerationMode.POSITIVE) -> Any:
        response = case.call(headers=self.headers)
        self.examples += 1
        self.statuses[response.status_code] += 1
        excluded = [check("positive_data_acceptance")]
        if case.operation.path.endswith("/validate"):
            excluded.append(check("negative_data_rejection"))  # the dry run answers every object with 200
        elif mode == GenerationMode.NEGATIVE and [] in (case.query or {}).values():
            # A query parameter whose value is an empty list is not sent at all: the violation schemathesis
            # made (an unknown parameter, say {"": []}) never reaches the API, which rightly answers 200.
            excluded.append(check("negative_data_rejection"))
        case.validate_response(response, headers=self.headers, excluded_checks=excluded)
        if mode == GenerationMode.POSITIVE and response.status_code == 422:
            codes = {problem["code"] for problem in response.json()["problems"]}
            if case.operation.path.startswith("/api/v1/closings"):
                beyond = set(CLOSING_RULES)
            elif case.operation.path.endswith("/mapping"):
                beyond = set(MAPPING_RULES)
            elif case.operation.path.startswith("/api/v1/webhooks"):
                beyond = set(WEBHOOK_RULES)
            else:
                beyond = set(RULES_BEYOND_THE_SCHEMA)
            assert codes <= beyond, f"schema-valid request refused for {codes - beyond}: {case.as_curl_command()}"
        return response

    def record(self, label: str, run: Any) -> None:
        try:
            run()
        except Exception as exc:  # every operation is fuzzed; all failures are reported together
            self.failures.append(f"{label}: {exc}")


@st.composite
def valid_journals(draw: st.DrawFn) -> dict[str, Any]:
    """A journal the API accepts: in balance, one side per line. Few references, so that they come again."""
    amounts = draw(st.lists(st.integers(1, 10**8), min_size=1, max_size=3))
    day = date(2024, 1, 1) + timedelta(days=draw(st.integers(0, 3)))
    lines = [
        {"ledger_code": draw(st.sampled_from(["1000", "1100", 4000])), "debit": f"{Decimal(cents) / 100:.2f}"}
        for cents in amounts
    ]
    total = Decimal(sum(amounts)) / 100
    # as a string, and as a JSON number (which the API reads exactly, as a Decimal)
    lines.append({"ledger_code": "8000", "credit": draw(st.sampled_from([f"{total:.2f}", float(total)]))})
    return {
        "reference": draw(st.sampled_from(["fz-1", "fz-2", "fz-3", " fz-4 ", "fz-5", "fz-6", "fz-7"])),
        "kind": "cash",
        "connector": draw(st.sampled_from([1, 2, "2"])),
        "date": day.isoformat(),
        "description": draw(st.text(max_size=20).filter(lambda text: text.isprintable())),
        "lines": lines,
    }


def fuzzing(run: Run, operation: Any, mode: GenerationMode) -> Any:
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(SETTINGS, max_examples=EXAMPLES)
    def fuzz(case: Any) -> None:
        run.call(case, mode)

    return fuzz


def test_the_api_keeps_to_its_openapi_document(in_process_wsgi: None) -> None:
    _company, key = tenant(1001, "alpha", connectors=(1, 2))
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    run = Run(key)
    started = time.monotonic()

    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            run.record(f"{operation.label} ({mode.value})", fuzzing(run, operation, mode))

    submit = schema["/api/v1/journals"]["POST"]
    one = schema["/api/v1/journals/{journal_id}"]["GET"]
    cancel = schema["/api/v1/journals/{journal_id}/cancel"]["POST"]

    @given(body=valid_journals())
    @settings(SETTINGS, max_examples=JOURNALS)
    def journals(body: dict[str, Any]) -> None:
        answer = run.call(submit.Case(body=body, media_type="application/json"))
        assert answer.status_code in (200, 201, 409), answer.json()
        again = run.call(submit.Case(body=body, media_type="application/json"))
        assert again.status_code == (409 if answer.status_code == 409 else 200), again.json()
        if answer.status_code == 201:
            journal = {"journal_id": answer.json()["id"]}
            assert run.call(one.Case(path_parameters=journal)).status_code == 200
            if body["reference"] == "fz-3":
                assert run.call(cancel.Case(path_parameters=journal)).status_code == 200
                assert run.call(cancel.Case(path_parameters=journal)).status_code == 409

    run.record("valid journals", journals)
    seconds = time.monotonic() - started
    print(f"\nschemathesis: {run.examples} requests in {seconds:.1f} s, statuses {dict(sorted(run.statuses.items()))}")
    assert not run.failures, "\n\n".join(run.failures)
    assert {200, 201, 409, 422} <= set(run.statuses), run.statuses
    assert not any(status >= 500 for status in run.statuses), run.statuses
