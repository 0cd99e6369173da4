"""Day closings (a POS's Z-report per store, terminal and day), the journals they made, and the closing mapping.

A closing is stored only once it builds into a balanced journal (builder.py); that journal is an ordinary cash
journal of the journals app (validated, posted exactly once), linked here. Money in ``content`` is kept as the
two-decimal strings of the normalised submission.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from ledgerlink.closings import defaults
from ledgerlink.closings.choices import Role
from ledgerlink.connectors.models import Connector
from ledgerlink.journals.models import Journal
from ledgerlink.tenancy.models import Company
from ledgerlink.tenancy.scoping import TenantManager


class Closing(models.Model):
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="closings")
    connector = models.ForeignKey(Connector, on_delete=models.PROTECT, related_name="closings")
    store = models.CharField(max_length=20)
    terminal = models.CharField(max_length=20)
    date = models.DateField()
    content = models.JSONField()  # the normalised submission as last accepted (after a correction: the corrected)
    content_hash = models.CharField(max_length=64)
    revision = models.PositiveIntegerField(default=1)  # 1, then one more for each correction
    journal = models.ForeignKey(Journal, on_delete=models.PROTECT, related_name="+")  # the current day journal
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantManager["Closing"]()

    class Meta:
        ordering = ["-date", "store", "terminal"]
        constraints = [
            models.UniqueConstraint(fields=["connector", "store", "terminal", "date"], name="closing_once_a_day"),
        ]
        indexes = [models.Index(fields=["company", "store", "terminal", "date"], name="closing_days")]

    def __str__(self) -> str:
        return f"closing {self.store}/{self.terminal} {self.date}"


class ClosingJournal(models.Model):
    """Every journal a closing made: its day journal, and after corrections the reversals and new day journals."""

    closing = models.ForeignKey(Closing, on_delete=models.CASCADE, related_name="links")
    journal = models.OneToOneField(Journal, on_delete=models.PROTECT, related_name="closing_link")
    role = models.CharField(max_length=16, choices=Role.choices)
    revision = models.PositiveIntegerField()

    class Meta:
        ordering = ["revision", "id"]


def _default_rates() -> dict[str, dict[str, str]]:
    return {rate: {"gl": gl, "vat_code": code} for rate, (gl, code) in defaults.RATES.items()}


def _default_methods() -> dict[str, str]:
    return dict(defaults.METHODS)


class ClosingMapping(models.Model):
    """How one connector books a closing: Exact GL account codes (and VAT codes) for each part of it."""

    connector = models.OneToOneField(Connector, on_delete=models.CASCADE, related_name="closing_mapping")
    rates = models.JSONField(default=_default_rates)  # POS rate → {"gl": …, "vat_code": …}
    methods = models.JSONField(default=_default_methods)  # POS payment method → GL account code
    fallback_method = models.CharField(max_length=40, blank=True)
    gift_cards_sold = models.CharField(max_length=40, blank=True, default=defaults.GIFT_CARDS_SOLD)
    deposits = models.CharField(max_length=40, blank=True, default=defaults.DEPOSITS)
    till_expenses = models.CharField(max_length=40, blank=True, default=defaults.TILL_EXPENSES)
    safe = models.CharField(max_length=40, blank=True, default=defaults.SAFE)
    bank = models.CharField(max_length=40, blank=True, default=defaults.BANK)
    cash_difference = models.CharField(max_length=40, blank=True, default=defaults.CASH_DIFFERENCE)
    rounding = models.CharField(max_length=40, blank=True, default=defaults.ROUNDING)
    # The hour (the company's time zone) after which the admins are e-mailed when a terminal's closing of
    # yesterday has not come (operations/notices.py); None: not checked.
    missing_day_hour = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(23)]
    )
    updated_at = models.DateTimeField(auto_now=True)
