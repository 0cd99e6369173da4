"""tenancy/current.py: what a request is about, read through typed functions."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import RequestFactory

from ledgerlink.tenancy import current
from tests import factories

pytestmark = pytest.mark.django_db


def test_a_page_without_a_company_is_not_found_and_an_anonymous_change_is_refused() -> None:
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    current.set_host(request, None, bare=True)
    current.set_company(request, None)
    assert current.on_bare_domain(request) is True
    assert current.company(request) is None
    assert current.user(request) is None
    with pytest.raises(Http404):
        current.required_company(request)
    with pytest.raises(PermissionDenied):
        current.actor(request)


def test_the_signed_in_user_is_the_actor_on_their_company() -> None:
    company = factories.company()
    admin = factories.user(company)
    request = RequestFactory().get("/")
    request.user = admin
    current.set_host(request, company, bare=False)
    current.set_company(request, company)
    assert current.host_company(request) == company
    assert current.required_company(request) == company
    actor = current.actor(request)
    assert (actor.user, actor.label) == (admin, str(admin))


def test_something_else_stored_as_the_company_is_an_error_not_a_silent_none() -> None:
    request = RequestFactory().get("/")
    request.company = "1001"  # type: ignore[attr-defined]
    with pytest.raises(TypeError):
        current.company(request)
