"""The reauthorization e-mail reaches each admin in the language they read ledgerlink in."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from ledgerlink.connectors import notify
from ledgerlink.connectors.models import Connector
from ledgerlink.core.messages import Message
from ledgerlink.tenancy import actions
from ledgerlink.tenancy.audit import Actor
from ledgerlink.tenancy.choices import Language
from tests import factories

pytestmark = pytest.mark.django_db


def admin(company, username: str, email: str, language: str = "") -> None:  # type: ignore[no-untyped-def]
    actions.update_user(Actor.system(), factories.user(company, username), email=email, language=language)


def test_each_admin_is_told_in_their_own_language(clocks) -> None:  # type: ignore[no-untyped-def]
    company = factories.company(language=Language.NL)
    admin(company, "jan", "jan@demo.example")  # the company's language: Dutch
    admin(company, "ann", "ann@demo.example", Language.EN)
    connector = Connector.objects.create(
        company=company, number=3, name="Winkels", status="reauth_required", status_reason=Message.exact("revoked")
    )
    notify.reauthorization_required(connector.pk)
    by_recipient = {tuple(sent.to): sent for sent in mail.outbox}
    dutch, english = by_recipient[("jan@demo.example",)], by_recipient[("ann@demo.example",)]
    assert dutch.subject == "Exact Online-koppeling 3 moet opnieuw worden geautoriseerd"
    assert "Wis het API-token" in dutch.body and "Reden: revoked" in dutch.body
    assert english.subject == "Exact Online connector 3 needs to be authorized again"
    assert "Clear the API token" in english.body and "Reason: revoked" in english.body
    when = clocks.now().astimezone(ZoneInfo(company.time_zone))
    assert f"(sinds {when:%d-%m-%Y %H:%M})" in dutch.body
    assert f"(since {when:%Y-%m-%d %H:%M})" in english.body
