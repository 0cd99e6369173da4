"""``{% load money %}`` … ``{{ line.debit|money }}``: an amount in the reader's language (core/numbers.py)."""

from __future__ import annotations

from django import template

from ledgerlink.core.numbers import money_text

register = template.Library()


@register.filter
def money(value: object) -> str:
    if value is None or value == "":
        return ""
    return money_text(value)
