"""A field's value as the database takes it: ``pre_save`` and ``get_db_prep_save``, without the long way where
that way is known to give the value back.

The compiled statements (core/rows.py) prepare every value they write through its field, as the ORM does. For a
posted journal's attempt and outcome that was about 16,000 instructions a field (a chain of five calls, a
``to_python`` and ``isinstance`` checks for each): a third of writing the attempt (issue 13,
``bench_worker_cost.py --callgrind``). For the plain fields below and values of the exact types they store, the
chain ends where it began (a text is a text, an int an int), or in the backend's one adapter (an aware
datetime, a finite Decimal); those values go that short way. Anything else (``None`` where the field's chain
has work for it, a lazy text, a subclass of a value's type, a field class that overrides any step, an
expression) goes the ORM's way, so the answer is always what the ORM's would be (tests/core/test_prepare.py
compares both).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models.fields import AutoFieldMixin

Reader = Callable[[models.Model], Any]
Preparer = Callable[[Any, Any], Any]  # (value, connection) -> the value to send

_AUTO_PREPARES = vars(AutoFieldMixin)["get_db_prep_value"]  # django-stubs does not declare it
_STEPS = ("get_prep_value", "get_db_prep_value", "get_db_prep_save", "to_python")


def _plain(field: models.Field[Any, Any], base: type[models.Field[Any, Any]]) -> bool:
    """Whether the field prepares its values exactly as ``base`` does (no step overridden by its class)."""
    kind = type(field)
    return isinstance(field, base) and all(getattr(kind, step) is getattr(base, step) for step in _STEPS)


def _plain_key(field: models.Field[Any, Any]) -> bool:
    """A foreign key, prepared as ForeignKey does, to an automatic integer key prepared as AutoField does."""
    if not isinstance(field, models.ForeignKey):
        return False
    if type(field).get_db_prep_save is not models.ForeignKey.get_db_prep_save:
        return False
    target = type(field.target_field)
    return (
        issubclass(target, models.AutoField | models.BigAutoField | models.SmallAutoField)
        and target.get_db_prep_value is _AUTO_PREPARES
        and target.get_prep_value is models.IntegerField.get_prep_value
        and target.to_python is models.IntegerField.to_python
    )


def preparer(field: models.Field[Any, Any]) -> Preparer:
    """How ``field`` prepares a value for writing: ``field.get_db_prep_save``, shortened where it may be."""
    full = field.get_db_prep_save
    if _plain(field, models.CharField) or _plain(field, models.TextField):

        def text(value: Any, connection: Any) -> Any:
            # CharField/TextField: Promise → its text, then to_python gives a str (or None) back as it is.
            return value if value is None or isinstance(value, str) else full(value, connection)

        return text
    if _plain(field, models.BooleanField):

        def boolean(value: Any, connection: Any) -> Any:
            return value if value is None or type(value) is bool else full(value, connection)

        return boolean
    if _plain(field, models.IntegerField):  # not an automatic key: AutoFieldMixin has its own get_db_prep_value
        internal = field.get_internal_type()

        def integer(value: Any, connection: Any) -> Any:
            # int(value) is the value itself for an int (not a bool, not an IntEnum); then the backend's adapter.
            if value is None or type(value) is int:
                return connection.ops.adapt_integerfield_value(value, internal)
            return full(value, connection)

        return integer
    if _plain_key(field):

        def key(value: Any, connection: Any) -> Any:
            # ForeignKey: None is None; an int goes to the key it points at, an auto field, which takes int() of
            # it (the int itself) and the backend's check of an automatic key's value.
            if value is None:
                return None
            return connection.ops.validate_autopk_value(value) if type(value) is int else full(value, connection)

        return key
    if isinstance(field, models.DecimalField) and _plain(field, models.DecimalField):
        digits, places = field.max_digits, field.decimal_places

        def amount(value: Any, connection: Any) -> Any:
            # A finite Decimal: to_python gives an equal Decimal back (twice); then the backend's adapter.
            if value is None or (type(value) is Decimal and value.is_finite()):
                return connection.ops.adapt_decimalfield_value(value, digits, places)
            return full(value, connection)

        return amount
    if _plain(field, models.DateTimeField):

        def moment(value: Any, connection: Any) -> Any:
            # An aware datetime: to_python and the naive-time check give it back; then the backend's adapter.
            if value is None or (type(value) is datetime and value.tzinfo is not None):
                return connection.ops.adapt_datetimefield_value(value)
            return full(value, connection)

        return moment
    return full


def reader(field: models.Field[Any, Any], add: bool) -> Reader:
    """How a write reads ``field``'s value from an instance (``pre_save``): the attribute itself, unless the
    field's class has something to do first (``auto_now``, ``auto_now_add``, a file's save)."""
    own = type(field).pre_save is models.Field.pre_save
    moment = isinstance(field, models.DateField) and not (field.auto_now or (field.auto_now_add and add))
    if own or (moment and type(field).pre_save in (models.DateField.pre_save, models.DateTimeField.pre_save)):
        name = field.attname
        return lambda obj: getattr(obj, name)
    return lambda obj: field.pre_save(obj, add)
