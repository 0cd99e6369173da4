"""The OpenAPI document states every rule the API enforces; each mismatch the fuzzing found has its test here."""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any

import pytest
from django.test import Client, override_settings

from ledgerlink.journals.intake import MAX_LINES, SPACES, JournalIn, parse
from tests.support.api import URL, Api, body, tenant

pytestmark = pytest.mark.django_db


@pytest.fixture
def document() -> dict[str, Any]:
    return Client(HTTP_HOST="localhost").get("/api/v1/openapi.json").json()


def _body_schema(document: dict[str, Any], path: str = "/api/v1/journals") -> dict[str, Any]:
    return document["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"]


def _query(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {p["name"]: p["schema"] for p in document["paths"]["/api/v1/journals"]["get"]["parameters"]}


def _strings(schema: dict[str, Any]) -> dict[str, Any]:
    return next(choice for choice in schema.get("anyOf", [schema]) if choice.get("type") == "string")


def _accepts(pattern: str, value: str) -> bool:
    return re.search(pattern, value) is not None


# --- what the document says --------------------------------------------------------------------------------------


def test_every_operation_documents_its_problem_answers(document: dict[str, Any]) -> None:
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            # a path parameter that is no number, a query string it cannot read: 422 everywhere
            assert {"401", "403", "422"} <= codes, (method, path, codes)
            if "requestBody" in operation:
                assert "413" in codes, (method, path, codes)
            if "{journal_id}" in path:
                assert "404" in codes, (method, path, codes)


def test_page_and_page_size_state_their_bounds(document: dict[str, Any]) -> None:
    query = _query(document)
    assert (query["page"]["minimum"], query["page"]["maximum"]) == (1, 1_000_000)
    assert (query["page_size"]["minimum"], query["page_size"]["maximum"]) == (1, 200)
    connector = next(c for c in query["connector"]["anyOf"] if c.get("type") == "integer")
    assert (connector["minimum"], connector["maximum"]) == (1, 999_999_999)
    assert "" in query["status"]["enum"] and "queued" in query["status"]["enum"]


def test_the_body_states_lengths_patterns_and_bounds(document: dict[str, Any]) -> None:
    journal = _body_schema(document)
    assert set(journal["required"]) == {"reference", "kind", "connector", "date", "lines"}
    lines = journal["properties"]["lines"]
    assert (lines["minItems"], lines["maxItems"]) == (1, MAX_LINES)
    assert _strings(journal["properties"]["reference"])["minLength"] == 1
    assert _strings(journal["properties"]["description"])["maxLength"] == 200
    line = lines["items"]["properties"]
    debit = line["debit"]["anyOf"]
    assert {"type": "null"} in debit
    number = next(c for c in debit if c.get("type") == "number")
    assert (number["minimum"], number["maximum"], number["multipleOf"]) == (0, 999999999999.99, 0.01)
    assert _strings(line["debit"])["pattern"] == r"^([0-9]{1,12}(\.[0-9]{1,2})?)?$"
    assert journal["properties"]["date"]["pattern"] == "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
    move = _body_schema(document, "/api/v1/journals/{journal_id}/move")
    assert move["required"] == ["connector"] and "$ref" not in json.dumps(move)


def test_what_the_schema_cannot_state_is_listed_in_the_operation(document: dict[str, Any]) -> None:
    description = document["paths"]["/api/v1/journals"]["post"]["description"]
    assert "journal.unbalanced" in description and "journal.line_both_sides" in description


def test_the_spaces_the_patterns_strip_are_those_python_strips() -> None:
    python = {chr(i) for i in range(0x110000) if chr(i).isspace() and unicodedata.category(chr(i)) != "Cc"}
    assert {char for char in python if re.fullmatch(f"[{SPACES}]", char)} == python
    assert not re.fullmatch(f"[{SPACES}]", "x")


# --- the patterns say what the parser does (one source) ----------------------------------------------------------

TEXTS = [
    "A-1",
    "  A-1  ",
    "\u00a0A-1\u3000",
    "A 1",
    " ",
    "",
    "x" * 40,
    " " + "x" * 40 + " ",
    "x" * 41,
    "a\tb",
    "é",
    "😀",
]
AMOUNTS = ["12.30", "12", "0", "", "12.3", "12.300", "12.", ".5", "+5", "-5", "1e2", " 12.30", "1_000", "٣", "1" * 13]
CONNECTORS = ["1", "0001", "000000000001", "0", "1000000000", " 1", "1 ", "+1", "²"]


@pytest.mark.parametrize("value", TEXTS)
def test_a_code_is_accepted_exactly_when_its_pattern_matches(document: dict[str, Any], value: str) -> None:
    schema = _body_schema(document)["properties"]["lines"]["items"]["properties"]["ledger_code"]
    accepted = not parse(body(lines=[{"ledger_code": value, "debit": "1.00"}, {"ledger_code": "8", "credit": "1"}]))[1]
    assert accepted == _accepts(_strings(schema)["pattern"], value), value


@pytest.mark.parametrize("value", AMOUNTS)
def test_an_amount_is_accepted_exactly_when_its_pattern_matches(document: dict[str, Any], value: str) -> None:
    pattern = _strings(_body_schema(document)["properties"]["lines"]["items"]["properties"]["credit"])["pattern"]
    lines = [{"ledger_code": "1000", "debit": "12.30", "vat_code": "2"}, {"ledger_code": "8000", "credit": value}]
    problems = parse(body(lines=lines))[1]
    accepted = not [p for p in problems if p.field == "credit"]
    assert accepted == _accepts(pattern, value), (value, problems)


@pytest.mark.parametrize("value", CONNECTORS)
def test_a_connector_text_is_accepted_exactly_when_its_pattern_matches(document: dict[str, Any], value: str) -> None:
    pattern = _strings(_body_schema(document)["properties"]["connector"])["pattern"]
    accepted = not parse(body(connector=value))[1]
    assert accepted == _accepts(pattern, value), value


# --- the answers (each was a mismatch the fuzzing found) -----------------------------------------------------------


def test_a_whole_json_number_written_with_a_fraction_is_an_integer() -> None:
    """JSON Schema's integer includes 2.0; the parser refused it for the connector and for text fields."""
    _company, key = tenant(1001, "alpha", connectors=(1, 2))
    raw = json.dumps(body(reference="R-2")).replace('"connector": 1', '"connector": 2.0')
    raw = raw.replace('"reference": "R-2"', '"reference": 2.0')
    answer = Api(key).post(URL, raw=raw)
    assert answer.status_code == 201, answer.json()
    assert answer.json()["reference"] == "2" and answer.json()["connector"] == 2


def test_amount_text_the_document_does_not_allow_is_refused() -> None:
    _company, key = tenant(1001, "alpha")
    data = body()
    data["lines"][0]["debit"] = "121.000"
    data["lines"][1]["credit"] = "1e2"
    problems = Api(key).post(URL, data).json()["problems"]
    assert {(p["field"], p["code"]) for p in problems} >= {
        ("debit", "journal.amount_decimals"),
        ("credit", "journal.amount_invalid"),
    }


def test_missing_lines_are_refused_as_the_document_says() -> None:
    _company, key = tenant(1001, "alpha")
    data = body()
    del data["lines"]
    answer = Api(key).post(URL, data)
    assert answer.status_code == 422 and answer.json()["problems"][0]["code"] == "journal.lines_empty"


def test_a_connector_filter_out_of_its_bounds_is_422() -> None:
    _company, key = tenant(1001, "alpha")
    for value in ("0", "-5", "1000000000"):
        answer = Api(key).get(URL, connector=value)
        assert answer.status_code == 422 and answer.json()["problems"][0]["field"] == "connector", value


def test_an_unknown_query_parameter_is_422_not_ignored() -> None:
    _company, key = tenant(1001, "alpha")
    api = Api(key)
    answer = api.get(URL, page_sise="10")
    assert answer.status_code == 422
    assert answer.json()["problems"][0] == {
        "field": "page_sise",
        "line": None,
        "message": answer.json()["problems"][0]["message"],
        "code": "journal.query_unknown",
    }
    assert "page_size" in answer.json()["problems"][0]["message"]
    assert api.get(URL + "/1", x="1").json()["problems"][0]["code"] == "journal.query_none"
    assert api.get(URL, page="2", status="").status_code == 200


def test_move_with_a_body_that_is_no_json_is_the_documented_422_not_a_400() -> None:
    _company, key = tenant(1001, "alpha", connectors=(1, 2))
    api = Api(key)
    journal = api.post(URL, body()).json()["id"]
    answer = api.post(f"{URL}/{journal}/move", raw="{not json")
    assert answer.status_code == 422 and answer.json()["problems"][0]["code"] == "journal.body_not_json"
    answer = api.post(f"{URL}/{journal}/move", {"connector": "x"})
    assert answer.status_code == 422 and answer.json()["problems"][0]["code"] == "journal.connector_not_number"
    answer = api.post(f"{URL}/{journal}/move", {})
    assert answer.status_code == 422 and answer.json()["problems"][0]["code"] == "journal.connector_required"
    assert api.post(f"{URL}/{journal}/move", {"connector": "2"}).status_code == 200


def test_move_with_a_body_too_large_is_the_documented_413() -> None:
    _company, key = tenant(1001, "alpha", connectors=(1, 2))
    api = Api(key)
    journal = api.post(URL, body()).json()["id"]
    with override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000):
        answer = api.post(f"{URL}/{journal}/move", {"connector": 2, "padding": "x" * 2000})
    assert answer.status_code == 413 and answer.json()["code"] == "http.413"


def test_the_dry_run_answers_a_body_that_is_no_json_with_the_documented_422() -> None:
    _company, key = tenant(1001, "alpha")
    answer = Api(key).post(URL + "/validate", raw="{")
    assert answer.status_code == 422 and answer.json()["problems"][0]["code"] == "journal.body_not_json"


def test_journal_in_is_the_one_source_of_the_body_schema(document: dict[str, Any]) -> None:
    generated = JournalIn.model_json_schema()
    assert _body_schema(document)["properties"]["reference"] == generated["properties"]["reference"]


def test_wait_for_periods_reads_its_body_as_the_others_do() -> None:
    """Its body was parsed by ninja: no JSON answered an undocumented 400 without a code."""
    _company, key = tenant(1001, "alpha")
    api = Api(key)
    answer = api.post(URL + "/wait-for-periods", raw="{not json")
    assert answer.status_code == 422 and answer.json()["problems"][0]["code"] == "journal.body_not_json"
    answer = api.post(URL + "/wait-for-periods", {"connector": "x"})
    assert answer.status_code == 422 and answer.json()["problems"][0]["code"] == "journal.connector_not_number"
    assert api.post(URL + "/wait-for-periods", raw="").json() == {"count": 0}
    assert api.post(URL + "/wait-for-periods", {"connector": None}).json() == {"count": 0}
    assert api.post(URL + "/wait-for-periods", {"connector": 1}).json() == {"count": 0}
    with override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000):
        answer = api.post(URL + "/wait-for-periods", {"padding": "x" * 2000})
    assert answer.status_code == 413 and answer.json()["code"] == "http.413"


def test_a_refused_query_names_the_request_not_a_journal_in_either_language() -> None:
    _company, key = tenant(1001, "alpha")
    api = Api(key)
    assert api.get(URL, page_sise="10").json()["detail"] == "The request was not accepted: 1 problem."
    dutch = api.client.get(URL, {"page_sise": "10"}, headers={**api.headers, "Accept-Language": "nl"})
    assert dutch.json()["detail"] == "Het verzoek is niet geaccepteerd: 1 probleem."
    # A journal that is refused still says so.
    assert api.post(URL, body(lines=[])).json()["detail"].startswith("The journal was not accepted")


def test_no_two_api_schemas_share_a_name() -> None:
    """The document names each schema by its class: two classes of one name (a journal's and a webhook's
    AttemptOut) made one of them describe the other's answers."""
    from ninja import Schema

    import ledgerlink.api  # noqa: F401 (every router, and so every schema, is imported)

    def all_subclasses(cls: type) -> list[type]:
        return [sub for direct in cls.__subclasses__() for sub in (direct, *all_subclasses(direct))]

    ours = [cls for cls in all_subclasses(Schema) if cls.__module__.startswith("ledgerlink.")]
    names: dict[str, list[str]] = {}
    for cls in ours:
        names.setdefault(cls.__name__, []).append(cls.__module__)
    assert len(ours) > 20
    assert {name: modules for name, modules in names.items() if len(set(modules)) > 1} == {}
