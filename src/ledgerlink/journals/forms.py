"""Forms of the journal pages."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ledgerlink.journals.choices import JournalStatus, Kind
from ledgerlink.journals.kinds import KINDS, Relation
from ledgerlink.web.forms import DateInput, set_choices


class JournalFilter(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *list(JournalStatus.choices)]
    )
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All")), *list(Kind.choices)])
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())
    connector = forms.TypedChoiceField(label=_("Connector"), required=False, coerce=int, empty_value=None)


def parse_pairs(text: str) -> dict[str, str]:
    """``8050 = 8000`` per line → {"8050": "8000"}; raises ValidationError naming the bad line."""
    pairs: dict[str, str] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if "=" not in line:
            raise forms.ValidationError(_("Line %(n)d: write “ERP code = Exact code”.") % {"n": number})
        left, right = (part.strip() for part in line.split("=", 1))
        if not left or not right:
            raise forms.ValidationError(_("Line %(n)d: both codes are needed.") % {"n": number})
        pairs[left] = right
    return pairs


def format_pairs(pairs: dict[str, str]) -> str:
    return "\n".join(f"{key} = {value}" for key, value in sorted(pairs.items()))


def _known_relation(known: Mapping[str, Any]) -> Callable[[str], None]:
    def check(code: str) -> None:
        if code and code not in known:
            raise ValidationError(_("Exact Online has no relation with code %(code)s."), params={"code": code})

    return check


class MappingForm(forms.Form):
    # Each kind's journal and fallback relation come first, made from its description (kinds.py).
    fallback_sales_gl = forms.ChoiceField(label=_("Fallback account for unknown sales"), required=False)
    fallback_vat_gl = forms.ChoiceField(label=_("Fallback account for unknown VAT"), required=False)
    vat_ledgers = forms.CharField(
        label=_("ERP VAT ledgers"),
        required=False,
        help_text=_(
            "Comma-separated ERP ledgers (or prefixes ending in *, e.g. 15*) that are VAT ledgers: only "
            "these fall back to the unknown-VAT account. Other unknown ledgers without a VAT code fail."
        ),
    )
    ledger_overrides = forms.CharField(
        label=_("Ledger overrides"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One per line: ERP ledger = Exact GL account. Ledgers not listed use the same code in Exact."),
    )
    vat_overrides = forms.CharField(
        label=_("VAT code overrides"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line: ERP VAT code = Exact VAT code. Codes not listed are used as they are."),
    )

    def __init__(
        self,
        *args: object,
        journals: list[tuple[str, str]],
        relations: dict[Relation, list[tuple[str, str]] | Mapping[str, Any]],
        accounts: list[tuple[str, str]],
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        none: list[tuple[str, Any]] = [("", _("(none)"))]
        per_kind: dict[str, forms.Field] = {}
        for spec in KINDS.values():
            per_kind[spec.journal_field] = forms.ChoiceField(label=spec.journal_label, choices=journals)
            if spec.relation_field:
                known = relations.get(spec.relation, [])
                if isinstance(known, list):
                    per_kind[spec.relation_field] = forms.ChoiceField(
                        label=spec.relation_label, required=False, choices=none + known
                    )
                else:  # thousands: a code, checked against Exact's relations by one indexed lookup
                    per_kind[spec.relation_field] = forms.CharField(
                        label=spec.relation_label,
                        required=False,
                        max_length=40,
                        validators=[_known_relation(known)],
                        help_text=_("Exact Online has %(count)s of them: give the code.") % {"count": len(known)},
                    )
        self.fields = {**per_kind, **self.fields}
        set_choices(self, "fallback_sales_gl", none + accounts)
        set_choices(self, "fallback_vat_gl", none + accounts)

    def clean_vat_ledgers(self) -> list[str]:
        return [part.strip() for part in self.cleaned_data["vat_ledgers"].split(",") if part.strip()]

    def clean_ledger_overrides(self) -> dict[str, str]:
        return parse_pairs(self.cleaned_data["ledger_overrides"])

    def clean_vat_overrides(self) -> dict[str, str]:
        return parse_pairs(self.cleaned_data["vat_overrides"])
