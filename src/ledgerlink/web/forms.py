"""Small helpers for the apps' forms."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError


def set_choices(form: forms.BaseForm, name: str, choices: Iterable[tuple[Any, Any]]) -> None:
    """Give a choice field its choices when the form is made (they depend on the company's data)."""
    field = form.fields[name]
    if not isinstance(field, forms.ChoiceField):
        raise TypeError(f"{name} is a {type(field).__name__}, not a choice field")
    field.choices = list(choices)


class DateInput(forms.DateInput):
    """The browser's own date picker (``type="date"``), which shows the date in the reader's format and
    always sends and expects ISO (2026-11-30): the value is written in ISO whatever the page's language, or a
    Dutch page would fill the field with "30-11-2026" and the browser would show it empty. A date typed into
    the address by hand is read in either language's way (ledgerlink/formats)."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, str) and value:  # as typed ("30-11-2026" in an address): shown as ISO if it reads
            try:
                value = forms.DateField().to_python(value)
            except ValidationError:
                pass
        return super().format_value(value)
