import pytest
from django.test import Client

from tests import factories


@pytest.mark.django_db
def test_openapi_docs_are_served_without_a_cdn() -> None:
    factories.company(1001, "Demo Retail BV", "demo", licences=("api",))
    page = Client(HTTP_HOST="demo.localhost").get("/api/v1/docs")
    assert page.status_code == 200
    text = page.content.decode()
    assert "swagger" in text.lower() and "cdn" not in text.lower() and "/static/" in text
    schema = Client(HTTP_HOST="demo.localhost").get("/api/v1/openapi.json").json()
    assert "/api/v1/journals" in schema["paths"]
