"""Messages: a code with parameters, rendered in the reader's language and locale when read."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from ledgerlink.core import messages
from ledgerlink.core.messages import Message, MessageField

UNBALANCED = messages.define(
    "test.unbalanced",
    _("Not in balance: debit {debit}, credit {credit}"),
    fix=_("Correct the lines of {reference}"),
    money=("debit", "credit"),
)
CLOSED = messages.define("test.closed", _("Period {period} is closed since {since}"), dates=("since",))
SEEN = messages.define("test.seen", _("Seen at {at}"), datetimes=("at",))
LISTED = messages.define("test.listed", _("Unknown codes: {codes}"))


def test_money_is_stored_exactly_and_shown_in_the_readers_locale() -> None:
    message = Message.of(UNBALANCED, debit=Decimal("1234.5"), credit=Decimal("440.39"), reference="Z-1")
    assert message.to_json() == {
        "code": "test.unbalanced",
        "params": {"debit": "1234.5", "credit": "440.39", "reference": "Z-1"},
    }
    with translation.override("en"):
        assert message.text() == "Not in balance: debit 1,234.50, credit 440.39"
        assert message.fix() == "Correct the lines of Z-1"
    with translation.override("nl"):
        assert str(message) == "Not in balance: debit 1.234,50, credit 440,39"


def test_dates_and_times_follow_the_locale_and_the_time_zone() -> None:
    message = Message.of(CLOSED, period="2026/11", since=dt.date(2026, 11, 30))
    with translation.override("nl"):
        assert message.text() == "Period 2026/11 is closed since 30-11-2026"
    with translation.override("en"):
        assert message.text() == "Period 2026/11 is closed since 2026-11-30"  # ISO: never read the wrong way
    seen = Message.of(SEEN, at=dt.datetime(2026, 11, 30, 23, 30, tzinfo=dt.UTC))
    with translation.override("nl"):
        assert seen.text() == "Seen at 01-12-2026 00:30"  # Europe/Amsterdam is UTC+1 in winter


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        Message.of(SEEN, at=dt.datetime(2026, 11, 30, 12, 0))


def test_lists_are_joined_and_missing_parameters_stay_visible() -> None:
    assert Message.of(LISTED, codes=["77", "88"]).text() == "Unknown codes: 77, 88"
    assert Message.of(UNBALANCED, debit="1").text() == "Not in balance: debit 1.00, credit {credit}"


def test_unknown_codes_legacy_text_and_exacts_words() -> None:
    assert Message.of("nobody.defined.this", a=1).text() == "nobody.defined.this (a=1)"
    assert Message.legacy("Queued by the old version").text() == "Queued by the old version"
    refused = Message.exact("Boekingsperiode is afgesloten")
    assert refused.is_exact and refused.text() == "Boekingsperiode is afgesloten"
    assert refused.fix() == ""


def test_a_code_cannot_be_defined_twice_with_other_words() -> None:
    assert messages.define("test.closed", CLOSED_WORDS, dates=("since",)) == "test.closed"
    with pytest.raises(ValueError, match="defined twice"):
        messages.define("test.closed", _("Something else"))


CLOSED_WORDS = messages.definition(CLOSED).text  # the same lazy object: defining again is harmless


@pytest.mark.parametrize(
    ("stored", "expected"),
    [
        (None, None),
        ("", None),
        ({}, None),
        ("old English text", Message.legacy("old English text")),
        ({"code": "test.listed", "params": {"codes": ["1"]}}, Message(LISTED, {"codes": ["1"]})),
        ({"code": "test.listed"}, Message(LISTED, {})),
        ([1, 2], Message.legacy("[1, 2]")),
    ],
)
def test_reading_what_a_field_stored(stored: object, expected: Message | None) -> None:
    assert Message.from_json(stored) == expected


def test_the_field_stores_json_and_reads_messages() -> None:
    field = MessageField()
    message = Message.of(UNBALANCED, debit=Decimal("1.00"), credit=Decimal("2.00"))
    prepared = field.get_prep_value(message)
    assert field.from_db_value(json.dumps(prepared), None, None) == message
    assert field.get_prep_value("") is None
    assert field.to_python({"code": "test.listed", "params": {}}) == Message(LISTED)


def test_a_message_may_carry_another_as_a_parameter_and_both_are_rendered_when_read() -> None:
    inner = Message.of(CLOSED, period="2026/11", since=dt.date(2026, 12, 1))
    outer = Message.of(LISTED, codes=inner)
    assert outer.to_json()["params"]["codes"] == inner.to_json()
    assert Message.from_json(json.loads(json.dumps(outer.to_json()))) == outer
    with translation.override("en"):
        assert outer.text() == f"Unknown codes: {inner.text()}"
