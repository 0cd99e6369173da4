"""One stored row, read in two languages: a journal refused for a closed period, its dates and amounts."""

from __future__ import annotations

import importlib
from datetime import date

import pytest

from ledgerlink.core import clock
from ledgerlink.core.messages import Message
from ledgerlink.journals.posting import post_due
from ledgerlink.tenancy import actions
from ledgerlink.tenancy.audit import Actor
from ledgerlink.tenancy.choices import Language
from tests import factories
from tests.support.api import tenant
from tests.support.journals import cash_journal, submit

pytestmark = pytest.mark.django_db


def test_a_closed_period_reads_in_dutch_to_a_dutch_user_and_in_english_to_an_english_one(  # type: ignore[no-untyped-def]
    setup, connected, clocks
) -> None:
    day = clocks.now().date()
    setup.sandbox.close_period(7001, day.year, day.month)
    post_due(clock.now())
    submit(setup.company, cash_journal("CLOSED-0", day))
    post_due(clock.now())  # Exact refuses the first; from then on validation knows the period is closed
    journal = submit(setup.company, cash_journal("CLOSED", day, amount="1234.56"))
    post_due(clock.now())
    journal.refresh_from_db()
    assert journal.status == "failed" and journal.status_message.code == "journal.period_closed"
    setup.admin.refresh_from_db()
    actions.update_user(Actor.system(), setup.admin, language=Language.EN)
    dutch = factories.user(setup.company, "jan")
    actions.update_user(Actor.system(), dutch, language=Language.NL)

    english_page = setup.client.get(f"/journals/{journal.pk}/").content.decode()
    dutch_page = factories.signed_in_client(dutch).get(f"/journals/{journal.pk}/").content.decode()

    period = f"{day.year}/{day.month}"
    assert f"Financial period {period} is closed in Exact." in english_page
    assert "Reopen it in Exact" in english_page and "gesloten" not in english_page
    assert f"Periode {period} is gesloten in Exact." in dutch_page
    assert "Financial period" not in dutch_page and "Reopen" not in dutch_page
    assert day.strftime("%Y-%m-%d") in english_page and "1,234.56" in english_page
    assert day.strftime("%d-%m-%Y") in dutch_page and "1.234,56" in dutch_page
    assert "1,234.56" not in dutch_page


def test_date_filters_keep_iso_in_the_field_and_read_both_ways() -> None:
    company = factories.company(language=Language.NL)
    client = factories.signed_in_client(factories.user(company, "admin"))
    for typed in ("2026-11-30", "30-11-2026"):
        shown = client.get("/journals/", {"date_from": typed}).content.decode()
        assert 'type="date"' in shown and 'value="2026-11-30"' in shown, typed
    piet = actions.update_user(Actor.system(), factories.user(company, "piet"), language=Language.EN)
    english = factories.signed_in_client(piet)
    shown = english.get("/journals/", {"date_from": "30-11-2026", "date_to": str(date(2026, 12, 1))}).content.decode()
    assert 'value="2026-11-30"' in shown and 'value="2026-12-01"' in shown


def test_old_vat_type_words_become_codes_that_read_in_dutch() -> None:
    from django.apps import apps
    from django.utils import translation

    from ledgerlink.journals.models import Attempt, Journal

    migration = importlib.import_module("ledgerlink.journals.migrations.0007_vat_type_as_code")
    company, _key = tenant(1001, "alpha")
    journal = submit(company, cash_journal("OLD-VAT", date(2026, 11, 30)))
    old = {
        "code": "journal.vat_amount_wrong",
        "params": {
            "line": 2,
            "code": "2",
            "description": "Btw hoog",
            "vat_type": "excluding VAT",
            "vat_amount": "1",
            "expected": "21.00",
            "amount": "100.00",
        },
    }
    Journal.objects.filter(pk=journal.pk).update(status_message=old)
    Attempt.objects.create(journal=journal, started_at=clock.now(), outcome="rejected", messages=[old])
    migration.forwards(apps, None)
    journal.refresh_from_db()
    with translation.override("nl"):
        assert "exclusief btw" in journal.status_message.text()
        assert "exclusief btw" in Message.from_json(journal.attempts.get().messages[0]).text()
    with translation.override("en"):
        assert "(Btw hoog, excluding VAT)" in journal.status_message.text()
    migration.backwards(apps, None)
    journal.refresh_from_db()
    assert journal.status_message.params["vat_type"] == "excluding VAT"
