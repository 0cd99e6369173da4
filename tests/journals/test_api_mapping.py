"""GET/PUT /api/v1/connectors/{number}/mapping: the mapping page's data and its one validation, over the API."""

from __future__ import annotations

import re
from typing import Any

import pytest

from ledgerlink.connectors.models import Connector
from ledgerlink.journals import apikeys
from ledgerlink.journals.models import ApiKey, ConnectorMapping
from ledgerlink.tenancy.audit import Actor
from ledgerlink.tenancy.models import AuditEntry
from tests.support.api import Api
from tests.support.exact import Setup

pytestmark = pytest.mark.django_db

URL = "/api/v1/connectors/1/mapping"


@pytest.fixture
def api(setup: Setup) -> Api:
    return Api(apikeys.create_key(Actor.system(), setup.company, "ERP").plaintext, host="demo.localhost")


@pytest.fixture
def read(api: Api, connected: Connector) -> dict[str, list[dict[str, Any]]]:
    """Exact's data read (as the ERP does before building its mapping), by list."""
    assert api.post("/api/v1/connectors/1/reference/refresh").status_code == 200
    base = "/api/v1/connectors/1/reference"
    return {kind: api.get(f"{base}/{kind}", page_size="200").json()["items"] for kind in ("gl-accounts", "journals")}


def test_before_any_change_the_defaults_are_answered_and_nothing_is_stored(api: Api, connected: Connector) -> None:
    data = api.get(URL).json()
    assert data["cash_journal_code"] == "90" and data["invoice_journal_code"] == "70"
    assert data["ledger_overrides"] == {} and data["vat_ledgers"] == [] and data["updated_at"] is None
    assert not ConnectorMapping.objects.exists()


def test_a_mapping_built_from_the_reference_lists_is_stored_audited_and_shown_on_the_page(
    api: Api, setup: Setup, read: dict[str, list[dict[str, Any]]]
) -> None:
    account = next(a["code"] for a in read["gl-accounts"] if not a["blocked"])
    journal = read["journals"][0]["code"]
    body = {
        "cash_journal_code": journal,
        "invoice_journal_code": journal,
        "fallback_sales_gl": account,
        "vat_ledgers": ["1500", "15*"],
        "ledger_overrides": {"8050": account, " 8060 ": account},
        "vat_overrides": {"H": "2"},
    }
    response = api.put(URL, body)
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["ledger_overrides"] == {"8050": account, "8060": account} and data["updated_at"]
    assert api.get(URL).json() == data
    mapping = ConnectorMapping.objects.get()
    assert mapping.cash_journal_code == journal and mapping.vat_ledgers == ["1500", "15*"]
    assert mapping.vat_overrides == {"H": "2"} and mapping.fallback_sales_gl == account
    entry = AuditEntry.objects.get(company=setup.company, action="mapping.changed")
    assert (entry.actor_kind, entry.actor_label) == ("api_key", ApiKey.objects.get().prefix)
    page = setup.client.get("/journals/mapping/1/").content.decode()
    assert f"8050 = {account}" in page


def test_the_api_refuses_what_the_page_refuses_with_the_pages_words(
    api: Api, setup: Setup, read: dict[str, list[dict[str, Any]]]
) -> None:
    body = {"cash_journal_code": "NOPE", "invoice_journal_code": "70", "fallback_vat_gl": "999999"}
    response = api.put(URL, body)
    assert response.status_code == 422, response.content
    problems = {p["field"]: p for p in response.json()["problems"]}
    assert set(problems) == {"cash_journal_code", "fallback_vat_gl"}
    assert {p["code"] for p in problems.values()} == {"journal.mapping_invalid"}
    page = setup.client.post("/journals/mapping/1/", {**body, "ledger_overrides": "", "vat_overrides": ""})
    text = page.content.decode()
    for problem in problems.values():
        words = problem["message"].split(": ", 1)[1]
        assert words in text, words  # the same form said it
    assert not ConnectorMapping.objects.exists()


def test_what_the_pages_text_cannot_hold_and_malformed_bodies_are_422(api: Api, connected: Connector) -> None:
    base = {"cash_journal_code": "90", "invoice_journal_code": "70"}
    response = api.put(URL, {**base, "ledger_overrides": {"80=50": "8000", "#1": "2"}, "vat_ledgers": ["15,16"]})
    assert response.status_code == 422, response.content
    assert {(p["field"], p["code"]) for p in response.json()["problems"]} == {
        ("ledger_overrides", "journal.mapping_not_writable"),
        ("vat_ledgers", "journal.mapping_not_writable"),
    }
    response = api.put(URL, {"invoice_journal_code": "70", "ledger_overide": {}})
    assert [p["code"] for p in response.json()["problems"]] == ["journal.field_unknown"]
    response = api.put(URL, {"invoice_journal_code": "70"})
    assert [(p["field"], p["code"]) for p in response.json()["problems"]] == [
        ("cash_journal_code", "journal.field_required")
    ]
    assert api.put(URL, raw="{").json()["problems"][0]["code"] == "journal.body_not_json"
    assert api.put("/api/v1/connectors/9/mapping", base).status_code == 404
    assert api.put(URL, base).status_code == 200


def test_the_api_body_has_every_field_of_the_pages_form(connected: Connector) -> None:
    """A new journal kind adds fields to the page's form (kinds.py): the PUT body must name them too."""
    from ledgerlink.journals.api_mapping import MappingIn
    from ledgerlink.journals.mapping import mapping_form

    assert set(MappingIn.model_fields) == set(mapping_form(connected).fields)


def test_an_administration_with_many_customers_is_asked_for_a_code_not_given_a_list(
    api: Api, setup: Setup, read: dict[str, list[dict[str, Any]]], monkeypatch: pytest.MonkeyPatch
) -> None:
    from ledgerlink.journals import mapping

    customers = api.get("/api/v1/connectors/1/reference/customers", page_size="200").json()["items"]
    monkeypatch.setattr(mapping, "RELATION_CHOICES", len(customers) - 1)  # one more than a list may hold
    page = setup.client.get("/journals/mapping/1/").content.decode()
    field = page.split('name="walk_in_customer_code"')[0].rsplit("<", 1)[1]
    assert field.startswith("input"), field  # a text box, not a select of every customer
    assert f"Exact Online has {len(customers)} of them" in page
    journal = read["journals"][0]["code"]
    body = {"cash_journal_code": journal, "invoice_journal_code": journal, "walk_in_customer_code": "NOPE"}
    refused = api.put(URL, body)
    assert refused.status_code == 422 and "no relation with code NOPE" in refused.text
    known = customers[0]["code"]
    assert api.put(URL, {**body, "walk_in_customer_code": known}).status_code == 200
    assert ConnectorMapping.objects.get().walk_in_customer_code == known


def test_the_document_states_the_rule_of_an_overrides_keys(api: Api, connected: Connector) -> None:
    """A key of ``ledger_overrides`` or ``vat_overrides`` is an ERP code, read by the same rule as its value: the
    fuzzer sent ``{"": …}`` and a key with control characters, schema-valid as the document stood, and they
    were refused (field_required, text_bad_character)."""
    document = api.get("/api/v1/openapi.json").json()
    body = document["paths"]["/api/v1/connectors/{number}/mapping"]["put"]["requestBody"]["content"]
    schema = body["application/json"]["schema"]
    properties = (document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]] if "$ref" in schema else schema)[
        "properties"
    ]
    for name in ("ledger_overrides", "vat_overrides"):
        keys = properties[name]["propertyNames"]
        value = next(
            choice for choice in properties[name]["additionalProperties"]["anyOf"] if choice["type"] == "string"
        )
        assert keys == value  # JSON's keys are strings: the string form of the value's rule
        assert keys["minLength"] == 1 and not re.search(keys["pattern"], "8000\x19")
    base = {"cash_journal_code": "90", "invoice_journal_code": "70"}
    response = api.put(URL, {**base, "ledger_overrides": {"": "8000", "80\x19": "8000"}})
    assert {p["code"] for p in response.json()["problems"]} == {"journal.field_required", "journal.text_bad_character"}
