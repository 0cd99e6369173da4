"""A value prepared the short way (core/prepare.py) is what the ORM's own preparation gives, value and type, for
the fields the compiled statements write, on SQLite and on PostgreSQL (the suite runs this module on both); a
field whose class prepares its values its own way, or a value the short way does not know, goes the ORM's way."""

from __future__ import annotations

import enum
import warnings
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.utils.translation import gettext_lazy

from ledgerlink.core.prepare import preparer, reader
from ledgerlink.journals.choices import JournalStatus
from ledgerlink.journals.models import Attempt, Journal, JournalLine

pytestmark = pytest.mark.django_db


class Level(enum.IntEnum):
    HIGH = 3


AMSTERDAM = timezone(timedelta(hours=1))
SAMPLES: dict[str, list[Any]] = {
    "reference": ["R-1", "", "ü€", JournalStatus.POSTED, gettext_lazy("Posted"), 12, None],
    "status": [JournalStatus.SENDING, "posted"],
    "attempt_count": [0, 7, True, Level.HIGH, "5", Decimal("4"), None],
    "exact_division": [None, 3_000_001, "12"],
    "needs_lookup": [True, False, 1, 0, None],
    "next_attempt_at": [
        datetime(2026, 12, 2, 4, 5, 6, 789012, tzinfo=UTC),
        datetime(2026, 12, 2, 5, 5, 6, tzinfo=AMSTERDAM),
    ],
    "claimed_at": [None, datetime(2026, 12, 31, 23, 59, 59, tzinfo=UTC)],
    "connector": [1, 907_001_001, "12", None],
}


def _field(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)
    return field


@pytest.mark.parametrize(("name", "value"), [(n, v) for n, values in SAMPLES.items() for v in values])
def test_a_value_is_prepared_as_the_orm_prepares_it(name: str, value: Any) -> None:
    field = _field(Journal, name)
    ours = preparer(field)
    assert ours is not field.get_db_prep_save  # a plain field: the short way is there to be compared
    expected = field.get_db_prep_save(value, connection)
    got = ours(value, connection)
    assert got == expected
    assert type(got) is type(expected)


AMOUNTS: list[Any] = [Decimal("12.30"), Decimal("0"), Decimal("-1.005"), Decimal("1E+3"), 0, 7, "12.30", 1.5, None]


@pytest.mark.parametrize("value", AMOUNTS)
def test_an_amount_is_prepared_as_the_orm_prepares_it(value: Any) -> None:
    field = _field(JournalLine, "debit")
    ours = preparer(field)
    assert ours is not field.get_db_prep_save
    expected = field.get_db_prep_save(value, connection)
    got = ours(value, connection)
    assert got == expected
    assert type(got) is type(expected)


def test_an_amount_that_is_not_a_number_is_refused_either_way() -> None:
    field = _field(JournalLine, "debit")
    for way in (preparer(field), field.get_db_prep_save):
        with pytest.raises(ValidationError):
            way(Decimal("NaN"), connection)


def test_a_naive_time_goes_the_orms_way_with_its_warning() -> None:
    field, naive = _field(Journal, "next_attempt_at"), datetime(2026, 12, 2, 4, 5, 6)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        got = preparer(field)(naive, connection)
        assert [str(w.message) for w in caught if "naive datetime" in str(w.message)]
        assert got == field.get_db_prep_save(naive, connection)  # in the default time zone, as the ORM has it


def test_fields_that_prepare_their_own_way_keep_it() -> None:
    for model, name in ((Journal, "status_message"), (Journal, "content"), (Attempt, "messages"), (Journal, "id")):
        field = _field(model, name)
        assert preparer(field) == field.get_db_prep_save


def test_a_subclass_that_overrides_a_step_keeps_the_orms_way() -> None:
    class Upper(models.CharField):  # type: ignore[type-arg]
        def get_prep_value(self, value: Any) -> Any:
            return str(value).upper()

    field = Upper(max_length=10)
    assert preparer(field) == field.get_db_prep_save
    assert preparer(field)("abc", connection) == "ABC"


def test_a_value_is_read_as_pre_save_reads_it() -> None:
    journal = Journal(reference="R-1", next_attempt_at=datetime(2026, 12, 2, tzinfo=UTC), attempt_count=2)
    for name in ("reference", "next_attempt_at", "attempt_count", "connector"):
        field = _field(Journal, name)
        assert reader(field, add=True)(journal) == field.pre_save(journal, True)
    created = _field(Journal, "created_at")  # auto_now_add: set when added, as pre_save sets it
    assert reader(created, add=True)(journal) is not None
    assert journal.created_at is not None
    updated = _field(Journal, "updated_at")  # auto_now: set on every write
    before = datetime(2020, 1, 1, tzinfo=UTC)
    journal.updated_at = before
    assert reader(updated, add=False)(journal) > before
