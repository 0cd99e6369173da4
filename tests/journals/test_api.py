"""POST/GET /api/v1/journals through Django's test client: idempotency, problems, keys, licences, tenants."""

from __future__ import annotations

import json
import logging
import threading
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client, override_settings

from ledgerlink.connectors.models import Connector
from ledgerlink.core import clock
from ledgerlink.core.messages import Message
from ledgerlink.journals import apikeys
from ledgerlink.journals.api import JournalOut, _journals
from ledgerlink.journals.choices import AttemptOutcome, JournalStatus
from ledgerlink.journals.messages import NOT_RESENDABLE
from ledgerlink.journals.models import ApiKey, Attempt, Journal
from ledgerlink.tenancy import actions
from ledgerlink.tenancy.audit import Actor
from ledgerlink.tenancy.choices import Module
from tests.support.api import URL, Api, body, tenant

pytestmark = pytest.mark.django_db


@pytest.fixture
def a() -> tuple[Any, str]:
    return tenant(1001, "alpha")


@pytest.fixture
def api(a: tuple[Any, str]) -> Api:
    return Api(a[1])


# --- idempotency ---------------------------------------------------------------------------------------------


def test_new_journal_is_201_and_stored_before_the_answer(api: Api, a: tuple[Any, str]) -> None:
    response = api.post(URL, body())
    assert response.status_code == 201, response.content
    data = response.json()
    journal = Journal.objects.get(pk=data["id"])
    assert journal.company == a[0] and journal.source == "api" and journal.status == JournalStatus.QUEUED
    assert data["reference"] == "Z-2024-06-10" and data["kind"] == "cash" and data["connector"] == 1
    assert data["date"] == "2024-06-10" and data["status"] == "queued" and data["attempts"] == []
    assert data["exact_entry_number"] == "" and data["status_message"] == "" and data["created_at"]
    assert [
        (line["line"], line["ledger_code"], line["debit"], line["credit"], line["vat_amount"]) for line in data["lines"]
    ] == [
        (1, "1000", "121.00", "0.00", "0.00"),
        (2, "8000", "0.00", "100.00", "21.00"),
        (3, "1500", "0.00", "21.00", "0.00"),
    ]
    assert data["lines"][2]["cost_centre"] == "S1"
    assert journal.lines.get(line_no=1).debit == Decimal("121.00")


def test_same_reference_and_content_again_is_200_with_the_same_journal(api: Api) -> None:
    first = api.post(URL, body()).json()
    again = api.post(URL, body())
    assert again.status_code == 200
    assert again.json()["id"] == first["id"]
    # Amounts written differently but equal are the same content.
    numbers = body()
    numbers["lines"][0]["debit"] = "121"
    assert api.post(URL, numbers).status_code == 200
    assert Journal.objects.count() == 1


def test_same_reference_other_content_is_409_naming_the_differences(api: Api) -> None:
    first = api.post(URL, body()).json()
    changed = body(date="2024-06-11")
    changed["lines"][1]["credit"] = "99.00"
    changed["lines"][2]["credit"] = "22.00"
    response = api.post(URL, changed)
    assert response.status_code == 409
    data = response.json()
    assert data["journal"] == first["id"]
    assert "Z-2024-06-10" in data["detail"]
    assert any(d.startswith("date:") and "2024-06-10" in d and "2024-06-11" in d for d in data["differences"])
    assert "lines[1].credit: '100.00' → '99.00'" in data["differences"]
    assert any(d.startswith("lines[2].credit:") for d in data["differences"])
    assert Journal.objects.get().date == date(2024, 6, 10)


def test_a_409_names_the_differences_by_field_path_in_any_language(api: Api) -> None:
    """The detail is the reader's; the differences are the body's own paths and values, the same for every reader
    (they said "line 2" in English to a Dutch reader)."""
    api.post(URL, body())
    changed = body()
    changed["lines"][1]["credit"] = "99.00"
    changed["lines"].append({"ledger_code": "8000", "credit": "1.00"})
    answers = {}
    for language in ("nl", "en"):
        api.headers["Accept-Language"] = language
        answers[language] = api.post(URL, changed).json()
    assert "eerder ingestuurd met een andere inhoud" in answers["nl"]["detail"]
    assert "submitted before with other content" in answers["en"]["detail"]
    assert answers["nl"]["differences"] == answers["en"]["differences"]
    assert "lines[1].credit: '100.00' → '99.00'" in answers["nl"]["differences"]
    assert "lines[3].ledger_code: None → '8000'" in answers["nl"]["differences"]


@pytest.mark.django_db(transaction=True)
def test_concurrent_duplicate_posts_make_exactly_one_journal(a: tuple[Any, str]) -> None:
    threads_count = 8
    barrier = threading.Barrier(threads_count)
    statuses: list[int] = []
    ids: list[int] = []
    lock = threading.Lock()

    def post() -> None:
        try:
            client = Api(a[1])
            barrier.wait(timeout=10)
            response = client.post(URL, body("RACE-1"))
            with lock:
                statuses.append(response.status_code)
                if response.status_code in (200, 201):
                    ids.append(response.json()["id"])
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(statuses) == [200] * (threads_count - 1) + [201], statuses
    assert len(set(ids)) == 1
    assert Journal.objects.filter(reference="RACE-1").count() == 1
    assert Journal.objects.get(reference="RACE-1").lines.count() == 3


# --- amounts and problems -----------------------------------------------------------------------------------


def test_json_numbers_are_read_exactly_never_through_a_float(api: Api) -> None:
    raw = json.dumps(body("NUM-1")).replace('"121.00"', "121.10").replace('"100.00"', "100.10")
    raw = raw.replace('"21.00"', "21.00")
    response = api.post(URL, raw=raw)
    assert response.status_code == 201, response.content
    lines = response.json()["lines"]
    assert (lines[0]["debit"], lines[1]["credit"], lines[1]["vat_amount"]) == ("121.10", "100.10", "21.00")
    journal = Journal.objects.get(reference="NUM-1")
    assert journal.lines.get(line_no=1).debit == Decimal("121.10")

    # 0.1 + 0.2 style numbers and a third decimal are refused, not rounded.
    raw = json.dumps(body("NUM-2")).replace('"121.00"', "121.005")
    response = api.post(URL, raw=raw)
    assert response.status_code == 422
    assert {
        "field": "debit",
        "line": 1,
        "message": "debit has more than two decimals: 121.005",
        "code": "journal.amount_decimals",
    } in response.json()["problems"]
    assert not Journal.objects.filter(reference="NUM-2").exists()


def test_bad_input_is_422_with_every_problem_by_field_and_line(api: Api) -> None:
    bad = {
        "reference": "",
        "kind": "sales",
        "connector": 7,
        "date": "10-06-2024",
        "colour": "red",
        "lines": [
            {"ledger_code": "1000", "debit": "5.00", "credit": "5.00"},
            {"ledger_code": "", "debit": "abc"},
            {"ledger_code": "8000", "credit": "-3.00", "vat_amount": "1.00", "debet": "1"},
            "not an object",
        ],
    }
    response = api.post(URL, bad)
    assert response.status_code == 422
    data = response.json()
    assert "problem" in data["detail"]
    found = {(p["field"], p["line"]) for p in data["problems"]}
    expected = {
        ("reference", None),
        ("kind", None),
        ("date", None),
        ("colour", None),
        ("debit", 1),  # both debit and credit
        ("ledger_code", 2),
        ("debit", 2),
        ("credit", 3),  # and not also "a VAT amount needs a VAT code": the line is already known to be wrong
        ("debet", 3),
        ("lines", 4),
    }
    assert expected <= found, found
    assert ("vat_code", 3) not in found
    messages = [p["message"] for p in data["problems"]]
    assert "date must be written yyyy-mm-dd; got '10-06-2024'" in messages
    assert any("debet" in m and "known fields" in m for m in messages)
    assert Journal.objects.count() == 0


def test_unknown_connector_and_missing_fields_are_422(api: Api) -> None:
    response = api.post(URL, {"lines": []})
    problems = response.json()["problems"]
    assert response.status_code == 422
    fields = {p["field"] for p in problems}
    assert {"reference", "kind", "connector", "date", "lines"} <= fields
    response = api.post(URL, body(connector=9))
    assert response.status_code == 422
    [problem] = response.json()["problems"]
    assert problem["field"] == "connector" and problem["line"] is None and "no connector 9" in problem["message"]
    # With other problems as well, the connector is still named among them.
    response = api.post(URL, body(connector=9, kind="sales"))
    assert {p["field"] for p in response.json()["problems"]} == {"connector", "kind"}


def test_body_that_is_not_json_is_422(api: Api) -> None:
    response = api.post(URL, raw="{not json")
    assert response.status_code == 422
    assert response.json()["problems"][0]["field"] == "body"
    response = api.post(URL, ["a", "list"])
    assert response.status_code == 422
    assert response.json()["problems"][0]["field"] == "body"
    with override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000):
        response = api.post(URL, body(description="x" * 2000))
    assert response.status_code == 413 and "1000 bytes" in response.json()["detail"]


# --- keys and licences --------------------------------------------------------------------------------------


def test_missing_unknown_malformed_and_revoked_keys_are_401(a: tuple[Any, str]) -> None:
    company, key = a
    for client, words in [
        (Api(None), "Authorization: Bearer"),
        (Api("llk_00000000_" + "x" * 43), "Unknown API key"),
        (Api(key[:-1] + ("A" if key[-1] != "A" else "B")), "Unknown API key"),
        (Api("not-a-key"), "llk_<prefix>_<secret>"),
    ]:
        response = client.get(URL)
        assert response.status_code == 401, response.content
        assert words in response.json()["detail"]
        assert response["WWW-Authenticate"].startswith("Bearer")
    basic = Client(HTTP_HOST="localhost").get(URL, headers={"Authorization": f"Basic {key}"})
    assert basic.status_code == 401
    apikeys.revoke_key(Actor.system(), company, apikeys.split_key(key)[0])
    response = Api(key).post(URL, body())
    assert response.status_code == 401
    assert "revoked" in response.json()["detail"]
    assert Journal.objects.count() == 0


def test_keys_never_reach_the_log(a: tuple[Any, str], caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    company, key = a
    Api(key).post(URL, body())
    Api(key[:-2] + "zz").get(URL)
    Api("Basic " + key).get(URL)
    apikeys.revoke_key(Actor.system(), company, apikeys.split_key(key)[0])
    Api(key).get(URL)
    secret = key.split("_", 2)[2]
    assert caplog.records and secret not in caplog.text and secret[:-2] not in caplog.text


def test_without_the_api_licence_the_answer_is_403_naming_it_and_who_grants_it(a: tuple[Any, str]) -> None:
    company, key = a
    actions.revoke_licence(Actor.system(), company, Module.API)
    response = Api(key).post(URL, body())
    assert response.status_code == 403
    data = response.json()
    assert "REST API" in data["detail"] and "operator" in data["detail"] and data["licence"] == "api"
    assert Journal.objects.count() == 0
    actions.grant_licence(Actor.system(), company, Module.API)
    assert Api(key).post(URL, body()).status_code == 201


def test_use_is_recorded_on_the_key(a: tuple[Any, str], api: Api) -> None:
    assert a[0].api_keys.get().last_used_at is None
    api.get(URL)
    assert a[0].api_keys.get().last_used_at is not None


# --- tenants ------------------------------------------------------------------------------------------------


def test_a_key_sees_and_changes_only_its_own_company(a: tuple[Any, str]) -> None:
    _company_b, key_b = tenant(1002, "bravo", connectors=(1, 2))
    api_a, api_b = Api(a[1]), Api(key_b)
    mine = api_a.post(URL, body("SAME-REF")).json()
    theirs = api_b.post(URL, body("SAME-REF")).json()  # references are per company
    assert mine["id"] != theirs["id"]
    Journal.objects.filter(pk=theirs["id"]).update(status=JournalStatus.FAILED)
    for own, other in ((api_a, theirs), (api_b, mine)):
        assert own.get(f"{URL}/{other['id']}").status_code == 404
        assert own.post(f"{URL}/{other['id']}/resend").status_code == 404
        assert [item["id"] for item in own.get(URL).json()["items"]] != [other["id"]]
    assert [item["id"] for item in api_a.get(URL).json()["items"]] == [mine["id"]]
    assert [item["id"] for item in api_b.get(URL).json()["items"]] == [theirs["id"]]
    # Company B has a connector 2, company A does not: A cannot post to it.
    response = api_a.post(URL, body("TO-B", connector=2))
    assert response.status_code == 422 and response.json()["problems"][0]["field"] == "connector"
    assert Journal.objects.filter(reference="TO-B").count() == 0


def test_a_key_is_refused_on_another_companys_address(a: tuple[Any, str]) -> None:
    tenant(1002, "bravo")
    assert Api(a[1], host="alpha.localhost").get(URL).status_code == 200
    response = Api(a[1], host="bravo.localhost").get(URL)
    assert response.status_code == 401
    assert "another company" in response.json()["detail"]


# --- reading ------------------------------------------------------------------------------------------------


def _attempt(journal: Journal, duration_ms: int, http_status: int, outcome: str, messages: list[Any]) -> None:
    Attempt.objects.create(
        journal=journal,
        started_at=clock.now(),
        duration_ms=duration_ms,
        http_status=http_status,
        outcome=outcome,
        messages=messages,
        worker="w1",
    )


def test_get_one_journal_with_lines_status_and_attempts(api: Api) -> None:
    made = api.post(URL, body()).json()
    journal = Journal.objects.get(pk=made["id"])
    _attempt(journal, 120, 201, AttemptOutcome.POSTED, ["ok"])
    Journal.objects.filter(pk=journal.pk).update(
        status=JournalStatus.POSTED, exact_entry_number="90000012", exact_entry_id="0f1e"
    )
    data = api.get(f"{URL}/{journal.pk}").json()
    assert data["status"] == "posted" and data["exact_entry_number"] == "90000012" and data["exact_entry_id"] == "0f1e"
    assert len(data["lines"]) == 3
    assert data["attempts"][0]["http_status"] == 201 and data["attempts"][0]["outcome"] == "posted"
    assert data["attempts"][0]["duration_ms"] == 120 and data["attempts"][0]["worker"] == "w1"
    assert api.get(f"{URL}/999999").status_code == 404


def test_a_journal_sent_again_answers_as_get_does_with_its_attempts_in_order(api: Api) -> None:
    """The answer to a journal sent again reads its lines and attempts by statements of its own (issue 13): the
    same answer as GET, attempts oldest first whatever order they were stored in."""
    made = api.post(URL, body()).json()
    journal = Journal.objects.get(pk=made["id"])
    _attempt(journal, 300, 503, AttemptOutcome.RETRY, ["later"])
    _attempt(journal, 120, 429, AttemptOutcome.RETRY, ["first"])
    Attempt.objects.filter(journal=journal, duration_ms=120).update(started_at=clock.now() - timedelta(hours=1))
    again = api.post(URL, body())
    assert again.status_code == 200
    assert again.json() == api.get(f"{URL}/{journal.pk}").json()
    assert [a["duration_ms"] for a in again.json()["attempts"]] == [120, 300]
    assert [line["line"] for line in again.json()["lines"]] == [1, 2, 3] and again.json()["lines"] == made["lines"]


def test_answers_are_built_as_the_schema_validates_them(api: Api, a: tuple[Any, str]) -> None:
    """``JournalOut.of`` builds answers without validation: what it builds, from a journal just written and from
    one read back with an attempt and a status message, must be what the schema accepts, type for type."""
    made = api.post(URL, body())
    assert made.status_code == 201
    journal = Journal.objects.get(pk=made.json()["id"])
    messages = ["legacy text", {**Message.exact("Boekjaar gesloten").to_json(), "field": "date", "line": 2}]
    _attempt(journal, 80, 400, AttemptOutcome.REJECTED, messages)
    Journal.objects.filter(pk=journal.pk).update(
        status=JournalStatus.FAILED, status_message=Message.of(NOT_RESENDABLE, id=journal.pk, status="failed")
    )
    read_back = _journals(ApiKey.objects.get(company=a[0])).get(pk=journal.pk)
    built = JournalOut.of(read_back)
    dumped = built.model_dump(warnings="error")
    assert JournalOut.model_validate(dumped).model_dump(warnings="error") == dumped
    assert dumped["status_code"] == NOT_RESENDABLE and [item["line"] for item in dumped["attempts"][0]["messages"]] == [
        None,
        2,
    ]
    assert api.get(f"{URL}/{journal.pk}").json()["lines"] == made.json()["lines"]


def test_list_is_paged_filtered_and_counted(a: tuple[Any, str]) -> None:
    company, key = a
    Connector.objects.create(company=company, number=2, name="Second")
    api = Api(key)
    for day in range(1, 8):
        api.post(URL, body(f"D-{day}", date=f"2024-06-{day:02d}", connector=2 if day % 3 == 0 else 1))
    Journal.objects.filter(reference__in=["D-1", "D-2"]).update(status=JournalStatus.FAILED)
    Journal.objects.filter(reference="D-7").update(status=JournalStatus.POSTED)

    first = api.get(URL, page_size=3).json()
    assert (first["count"], first["pages"], first["page"], first["page_size"]) == (7, 3, 1, 3)
    assert [item["reference"] for item in first["items"]] == ["D-7", "D-6", "D-5"]
    assert first["counts"] == {"queued": 4, "sending": 0, "posted": 1, "failed": 2, "unknown": 0, "cancelled": 0}
    last = api.get(URL, page_size=3, page=3).json()
    assert [item["reference"] for item in last["items"]] == ["D-1"]
    assert api.get(URL, page_size=3, page=4).json()["items"] == []

    failed = api.get(URL, status="failed").json()
    assert failed["count"] == 2 and {i["reference"] for i in failed["items"]} == {"D-1", "D-2"}
    assert failed["counts"]["queued"] == 4  # counts are per status under the other filters
    ranged = api.get(URL, date_from="2024-06-02", date_to="2024-06-04").json()
    assert [i["reference"] for i in ranged["items"]] == ["D-4", "D-3", "D-2"]
    on_two = api.get(URL, connector=2).json()
    assert {i["reference"] for i in on_two["items"]} == {"D-3", "D-6"} and on_two["count"] == 2
    assert sum(on_two["counts"].values()) == 2

    bad = api.get(URL, status="lost", date_from="June", page=0)
    assert bad.status_code == 422
    assert {p["field"] for p in bad.json()["problems"]} == {"status", "date_from", "page"}
    assert api.get(URL, connector="x").status_code == 422


def test_resend_only_failed_journals(api: Api) -> None:
    made = api.post(URL, body()).json()
    queued = api.post(f"{URL}/{made['id']}/resend")
    assert queued.status_code == 409
    assert "queued" in queued.json()["detail"] and "only failed" in queued.json()["detail"]
    Journal.objects.filter(pk=made["id"]).update(status=JournalStatus.FAILED, status_message="GL 8000 blocked")
    response = api.post(f"{URL}/{made['id']}/resend")
    assert response.status_code == 200
    assert response.json()["status"] == "queued" and response.json()["status_message"] == ""
    Journal.objects.filter(pk=made["id"]).update(status=JournalStatus.POSTED)
    posted = api.post(f"{URL}/{made['id']}/resend")
    assert posted.status_code == 409 and "posted" in posted.json()["detail"]


def test_openapi_document_and_docs_page() -> None:
    client = Client(HTTP_HOST="localhost")
    schema = client.get("/api/v1/openapi.json").json()
    assert {"/api/v1/journals", "/api/v1/journals/{journal_id}", "/api/v1/journals/{journal_id}/resend"} <= set(
        schema["paths"]
    )
    post = schema["paths"]["/api/v1/journals"]["post"]
    body_schema = post["requestBody"]["content"]["application/json"]["schema"]
    assert "lines" in body_schema["properties"] and "$defs" not in json.dumps(body_schema)
    assert schema["components"]["securitySchemes"]["CompanyKey"]["scheme"] == "bearer"
    assert client.get("/api/v1/docs").status_code == 200


@pytest.mark.parametrize("connector", ["²", "9" * 5000, 10**12])
def test_odd_connector_numbers_are_422(connector: Any) -> None:
    _company, key = tenant(1001, "alpha")
    answer = Api(key).post(URL, body(connector=connector))
    assert answer.status_code == 422
    assert any(p["field"] == "connector" for p in answer.json()["problems"])


def test_deeply_nested_json_and_huge_pages_are_422() -> None:
    _company, key = tenant(1001, "alpha")
    api = Api(key)
    assert api.post(URL, raw="[" * 100_000).status_code == 422
    assert api.get(URL, page="10000000000000000000").status_code == 422


# --- problem details (RFC 9457) ----------------------------------------------------------------------------------


def test_every_refusal_is_a_problem_document_keeping_detail_code_and_problems(api: Api) -> None:
    refused = api.post(URL, body(lines=[]))
    assert refused.status_code == 422
    assert refused["Content-Type"] == "application/problem+json; charset=utf-8"
    data = refused.json()
    assert data["type"] == "about:blank" and data["title"] == "Unprocessable Entity"
    assert data["instance"] == URL and data["code"] == "http.422" and data["detail"] and data["problems"]
    missing = api.get(f"{URL}/999999")
    assert missing.json()["title"] == "Not Found" and missing.json()["instance"] == f"{URL}/999999"
    journal = api.post(URL, body()).json()
    conflict = api.post(f"{URL}/{journal['id']}/resend")
    assert conflict.status_code == 409 and conflict["Content-Type"].startswith("application/problem+json")
    assert conflict.json()["status"] == "queued", "the journal's status keeps its name on a 409"
    assert Api(None).get(URL).json()["title"] == "Unauthorized"


def test_the_document_names_problem_json_for_every_error_answer(api: Api) -> None:
    document = api.get("/api/v1/openapi.json").json()
    errors = [
        (path, method, status, set(answer.get("content", {})))
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        for status, answer in operation["responses"].items()
        if int(status) >= 400
    ]
    assert len(errors) > 50
    assert all(types == {"application/problem+json"} for *_where, types in errors), errors
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            assert {"401", "403", "422", "500"} <= set(operation["responses"]), (path, method)
