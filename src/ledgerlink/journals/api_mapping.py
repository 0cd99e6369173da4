"""A connector's mapping over the REST API: ``GET`` and ``PUT /api/v1/connectors/{number}/mapping``.

The mapping turns the ERP's codes into Exact's: the journals for cash journals and invoices, the walk-in
customer, the fallback accounts for unknown sales and VAT ledgers, which ERP ledgers are VAT ledgers, and the
ledger and VAT code overrides (codes not listed are used as they are).

A PUT replaces the whole mapping and is validated by the mapping page's own form (``mapping.mapping_form``:
the journals, customers and accounts to choose from are the connector's Exact data as last read), so the page
and the API can never accept different things; every problem comes back at once (422). The JSON body is
written into the form's fields as the page would send them and must come back out unchanged: an ERP code the
page's one-per-line text cannot hold (with ``=``, starting with ``#``; a VAT ledger with a comma) is refused.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Router, Schema
from pydantic import BaseModel, ConfigDict

from ledgerlink.connectors.api import company_connector
from ledgerlink.core.messages import Message
from ledgerlink.core.problems import AUTH_ERRORS, BODY_ERRORS, ErrorOut, Problem, invalid
from ledgerlink.journals import messages as m
from ledgerlink.journals.api import CompanyKey, body_schema, read_json, request_key
from ledgerlink.journals.forms import format_pairs
from ledgerlink.journals.intake import TextRule, read, text_schema
from ledgerlink.journals.mapping import mapping_form, save_mapping, stored_mapping
from ledgerlink.journals.models import ConnectorMapping
from ledgerlink.tenancy.audit import Actor

router = Router(auth=CompanyKey(), tags=["mapping"])

JournalCode = Annotated[str, TextRule(10, required=True, strip=True)]
Code = Annotated[str, TextRule(40, strip=True)]
PairCode = Annotated[str, TextRule(40, required=True, strip=True)]
# A key of the overrides is an ERP code read by the same rule as its value; JSON's keys are strings, so the
# document states the string form of that rule for them (pydantic states none for a dict's keys).
PAIR_KEYS = {
    "propertyNames": next(c for c in text_schema(40, required=True, strip=True)["anyOf"] if c["type"] == "string")
}


class MappingIn(BaseModel):
    """The body of ``PUT /api/v1/connectors/{number}/mapping``: the whole mapping."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    cash_journal_code: JournalCode = Field(description="Exact journal for cash journals (reference/journals)")
    invoice_journal_code: JournalCode = Field(description="Exact journal for invoices (reference/journals)")
    walk_in_customer_code: Code = Field("", description="Exact customer for invoices without one; empty: none")
    purchase_journal_code: JournalCode = Field(
        default="60", description="Exact journal for purchase invoices (reference/journals); 60 when left out"
    )
    fallback_supplier_code: Code = Field(
        default="", description="Exact supplier for purchase invoices without one; empty: none"
    )
    fallback_sales_gl: Code = Field("", description="Exact GL account for unknown sales ledgers; empty: none")
    fallback_vat_gl: Code = Field("", description="Exact GL account for unknown VAT ledgers; empty: none")
    vat_ledgers: list[PairCode] = Field(
        default_factory=list,
        max_length=500,
        description="ERP ledgers (or prefixes ending in *, e.g. 15*) that are VAT ledgers: only these fall back "
        "to fallback_vat_gl",
    )
    ledger_overrides: dict[PairCode, PairCode] = Field(
        default_factory=dict,
        description="ERP ledger → Exact GL account; ledgers not listed keep their code",
        json_schema_extra=PAIR_KEYS,
    )
    vat_overrides: dict[PairCode, PairCode] = Field(
        default_factory=dict,
        description="ERP VAT code → Exact VAT code; codes not listed keep their code",
        json_schema_extra=PAIR_KEYS,
    )


MAPPING_FIELDS = tuple(MappingIn.model_fields)
# What a schema-valid body may still be refused for (422): the page's form's rules, which depend on the
# connector's Exact data or on the page's text format.
RULES_BEYOND_THE_SCHEMA = {
    m.MAPPING_INVALID: "a journal, customer or account is one in the connector's Exact data as last read "
    "(GET …/reference/…), an account not blocked",
    m.MAPPING_NOT_WRITABLE: "an ERP code has no “=” and does not start with “#”; a VAT ledger has no comma",
}


class MappingOut(Schema):
    cash_journal_code: str
    invoice_journal_code: str
    walk_in_customer_code: str
    purchase_journal_code: str
    fallback_supplier_code: str
    fallback_sales_gl: str
    fallback_vat_gl: str
    vat_ledgers: list[str]
    ledger_overrides: dict[str, str]
    vat_overrides: dict[str, str]
    updated_at: datetime | None = Field(description="when it was last changed; null: never (the defaults)")


def _out(mapping: ConnectorMapping) -> dict[str, Any]:
    return {
        **{name: getattr(mapping, name) for name in MAPPING_FIELDS},
        "updated_at": mapping.updated_at if mapping.pk else None,
    }


@router.get(
    "/{number}/mapping",
    response={200: MappingOut, 404: ErrorOut, **AUTH_ERRORS},
    summary="The connector's mapping from the ERP's codes to Exact's",
)
def get_mapping(request: HttpRequest, number: int) -> dict[str, Any]:
    key = request_key(request)
    return _out(stored_mapping(company_connector(key.company, number)))


def _form_data(body: MappingIn) -> dict[str, str]:
    """The body as the mapping page posts it."""
    return {
        "cash_journal_code": body.cash_journal_code,
        "invoice_journal_code": body.invoice_journal_code,
        "walk_in_customer_code": body.walk_in_customer_code,
        "purchase_journal_code": body.purchase_journal_code,
        "fallback_supplier_code": body.fallback_supplier_code,
        "fallback_sales_gl": body.fallback_sales_gl,
        "fallback_vat_gl": body.fallback_vat_gl,
        "vat_ledgers": ", ".join(body.vat_ledgers),
        "ledger_overrides": format_pairs(body.ledger_overrides),
        "vat_overrides": format_pairs(body.vat_overrides),
    }


def _unknown_fields(data: Any) -> list[Problem]:
    if not isinstance(data, Mapping):
        return []
    return [
        Problem(str(name), Message.of(m.FIELD_UNKNOWN, field=str(name), known=", ".join(MAPPING_FIELDS)))
        for name in data
        if name not in MAPPING_FIELDS
    ]


@router.put(
    "/{number}/mapping",
    response={200: MappingOut, 404: ErrorOut, **AUTH_ERRORS, **BODY_ERRORS},
    openapi_extra=body_schema(MappingIn),
    summary="Replace the connector's mapping (validated as the mapping page validates it)",
    description="A body that fits the schema is refused (422) only for: "
    + "; ".join(f"{rule} ({code})" for code, rule in RULES_BEYOND_THE_SCHEMA.items()),
)
def put_mapping(request: HttpRequest, number: int) -> dict[str, Any]:
    key = request_key(request)
    connector = company_connector(key.company, number)
    data = read_json(request)
    unknown = _unknown_fields(data)
    if unknown:
        raise invalid(unknown)
    body, problems = read(MappingIn, data)
    if body is None:
        raise invalid(problems)
    form = mapping_form(connector, _form_data(body))
    if not form.is_valid():
        raise invalid(
            [
                Problem(name, Message.of(m.MAPPING_INVALID, field=name, error=" ".join(error.messages)))
                for name, errors in form.errors.as_data().items()
                for error in errors
            ]
        )
    values = form.cleaned_data
    written = {name: values[name] for name in ("vat_ledgers", "ledger_overrides", "vat_overrides")}
    problems = [
        Problem(name, Message.of(m.MAPPING_NOT_WRITABLE, field=name))
        for name, value in written.items()
        if value != getattr(body, name)
    ]
    if problems:
        raise invalid(problems)
    return _out(save_mapping(Actor.api_key(key.prefix), connector, values))
