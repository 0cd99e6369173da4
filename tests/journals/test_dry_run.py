"""POST /api/v1/journals/validate: the same body, the same parser and check, nothing stored, nothing sent."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from ledgerlink.journals import admission
from ledgerlink.journals.exact_data import ExactData
from ledgerlink.journals.models import Journal
from tests.support.api import URL, Api, body, tenant

pytestmark = pytest.mark.django_db
VALIDATE = URL + "/validate"


def exact() -> ExactData:
    accounts = {"1000": 10, "8000": 110, "1500": 10}
    return ExactData(
        fetched_at=datetime(2024, 6, 1, tzinfo=UTC),
        gl={
            code: {
                "id": f"id-{code}",
                "code": code,
                "description": f"GL {code}",
                "type": kind,
                "balance_type": "W",
                "blocked": False,
                "vat_code": "",
            }
            for code, kind in accounts.items()
        },
        vat={"2": {"code": "2", "description": "21% excl.", "type": "E", "percentage": "0.21", "blocked": False}},
        journals={"90": {"code": "90", "description": "Memoriaal", "type": 90, "allow_vat": True}},
        customers={},
        periods=[
            {"year": 2024, "period": 6, "start": date(2024, 6, 1).isoformat(), "end": date(2024, 7, 1).isoformat()}
        ],
        closed=set(),
    )


@pytest.fixture
def api(monkeypatch: pytest.MonkeyPatch) -> Api:
    monkeypatch.setattr(admission.exact_data, "load", lambda connector: exact())
    _company, key = tenant(1001, "demo")
    return Api(key)


def two_lines() -> dict[str, Any]:
    data: dict[str, Any] = body()
    data["lines"] = data["lines"][:2]  # no VAT line: Exact books the VAT of code 2 (excluding) itself
    return data


def test_a_good_journal_shows_what_would_be_sent_and_stores_nothing(api: Api) -> None:
    data = two_lines()
    response = api.post(VALIDATE, data)
    assert response.status_code == 200, response.content
    answer = response.json()
    assert answer["ok"] is True and answer["accepted"] is True and answer["problems"] == []
    assert [(line["gl_account"], line["amount"], line["vat_code"]) for line in answer["lines"]] == [
        ("1000", "121.00", ""),
        ("8000", "-100.00", "2"),
    ]
    assert Journal.objects.count() == 0


def test_problems_are_named_and_nothing_is_stored(api: Api) -> None:
    data = two_lines()
    data["lines"][0]["ledger_code"] = "9999"  # unknown in Exact: accepted, but it would fail when sent
    answer = api.post(VALIDATE, data).json()
    assert answer["ok"] is False and answer["accepted"] is True
    assert [p["code"] for p in answer["problems"]] == ["journal.gl_missing"]
    unbalanced = two_lines()
    unbalanced["lines"][0]["debit"] = "120.00"
    answer = api.post(VALIDATE, unbalanced).json()
    assert answer["accepted"] is False and "journal.unbalanced" in [p["code"] for p in answer["problems"]]
    shapeless = api.post(VALIDATE, {"reference": "x\x00"}).json()
    assert shapeless["ok"] is False and shapeless["lines"] == []
    assert Journal.objects.count() == 0
