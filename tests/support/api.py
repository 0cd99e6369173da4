"""The REST API as the ERP calls it: a key for a company, and a valid journal body to vary."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from ledgerlink.connectors.models import Connector
from ledgerlink.journals import apikeys
from ledgerlink.tenancy.audit import Actor
from ledgerlink.tenancy.choices import Module
from tests import factories

URL = "/api/v1/journals"


class Api:
    """A client that speaks for one API key on one host."""

    def __init__(self, key: str | None, host: str = "localhost") -> None:
        self.client = Client(HTTP_HOST=host)
        self.headers = {"Authorization": f"Bearer {key}"} if key else {}

    def post(self, path: str, body: Any = None, raw: str | None = None) -> Any:
        data = raw if raw is not None else json.dumps(body)
        return self.client.post(path, data=data, content_type="application/json", headers=self.headers)

    def put(self, path: str, body: Any = None, raw: str | None = None) -> Any:
        data = raw if raw is not None else json.dumps(body)
        return self.client.put(path, data=data, content_type="application/json", headers=self.headers)

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(path, params, headers=self.headers)


def tenant(number: int, alias: str, api: bool = True, connectors: tuple[int, ...] = (1,)) -> tuple[Any, str]:
    company = factories.company(number, f"Company {number}", alias, licences=(Module.API,) if api else ())
    for connector in connectors:
        Connector.objects.create(company=company, number=connector, name=f"Exact {connector}")
    return company, apikeys.create_key(Actor.system(), company, "ERP").plaintext


def body(reference: str = "Z-2024-06-10", **changes: Any) -> dict[str, Any]:
    data = {
        "reference": reference,
        "kind": "cash",
        "connector": 1,
        "date": "2024-06-10",
        "description": "Cash closing store 1",
        "lines": [
            {"ledger_code": "1000", "debit": "121.00", "description": "Cash"},
            {"ledger_code": "8000", "credit": "100.00", "vat_code": "2", "vat_amount": "21.00"},
            {"ledger_code": "1500", "credit": "21.00", "cost_centre": "S1"},
        ],
    }
    data.update(changes)
    return data
