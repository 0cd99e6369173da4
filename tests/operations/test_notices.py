"""E-mail notices: keep-alive failing for a day, failed journals digest, operators' digest; once a day each."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail

from ledgerlink.connectors.choices import Status
from ledgerlink.connectors.models import Connector
from ledgerlink.core import clock
from ledgerlink.core.messages import Message
from ledgerlink.operations.attention import rank
from ledgerlink.operations.models import ConnectorSummary, Problem
from ledgerlink.operations.notices import send_notices
from tests import factories

pytestmark = pytest.mark.django_db


def test_each_notice_goes_once_a_day_to_whom_it_concerns() -> None:
    # Mid-day: "once a day" is a UTC day, and an hour later must still be the same one (CI ran at 23:45 UTC).
    now = clock.now().replace(hour=10, minute=0)
    company = factories.company()
    admin = factories.user(company, "admin")
    admin.email = "admin@demo.example"
    admin.save()
    operator = factories.user(None, "ops")
    operator.email = "ops@provider.example"
    operator.save()
    stale = Connector.objects.create(
        company=company, number=1, name="Exact", status=Status.CONNECTED, tokens_issued_at=now - timedelta(days=3)
    )
    ConnectorSummary.objects.create(connector=stale, company=company, failed=35, refreshed_at=now)
    Problem.objects.create(
        company=company,
        connector=stale,
        key="k",
        message=Message.of("journal.vat_missing", line=2, vat_code="77"),
        journals=35,
        first_seen_at=now,
        last_seen_at=now,
    )
    rank(now)  # the worker's attention job runs before its notices job
    assert send_notices(now) == {"keep_alive": 1, "failed_digest": 1, "operator_digest": 1, "closing_missing": 0}
    by_recipient = {tuple(m.to): m for m in mail.outbox}
    keep_alive = [m for m in mail.outbox if "could not be renewed" in m.subject]
    assert len(keep_alive) == 1 and keep_alive[0].to == ["admin@demo.example"]
    assert "27 days are left" in keep_alive[0].body
    digest = next(m for m in mail.outbox if "could not be posted" in m.subject)
    assert "35 journals" in digest.body and "VAT code 77" in digest.body and "mapping page" in digest.body
    ops = by_recipient[("ops@provider.example",)]
    assert "1 connector needs attention" in ops.subject and "Demo Retail BV" in ops.body
    assert send_notices(now + timedelta(hours=1)) == {
        "keep_alive": 0,
        "failed_digest": 0,
        "operator_digest": 0,
        "closing_missing": 0,
    }
    assert len(mail.outbox) == 3


def test_each_admin_reads_the_digest_in_their_own_language() -> None:
    now = clock.now()
    company = factories.company()
    for username, language in (("admin", "en"), ("beheerder", "nl")):
        person = factories.user(company, username)
        person.email, person.language = f"{username}@demo.example", language
        person.save()
    connector = Connector.objects.create(company=company, number=1, name="Exact", status=Status.CONNECTED)
    Problem.objects.create(
        company=company,
        connector=connector,
        key="k",
        message=Message.of("journal.vat_missing", line=2, vat_code="77"),
        journals=3,
        first_seen_at=now,
        last_seen_at=now,
    )
    assert send_notices(now)["failed_digest"] == 1
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert "could not be posted" in subjects["admin@demo.example"]
    assert "niet in Exact geboekt" in subjects["beheerder@demo.example"]
