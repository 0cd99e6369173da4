"""Closed value sets of closings."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """What a journal is to its closing."""

    DAY = "day", _("Day journal")  # the first journal of the day, or the corrected one after a correction
    REVERSAL = "reversal", _("Reversal")  # cancels a posted day journal that was corrected
    REPLACED = "replaced", _("Replaced")  # a day journal cancelled before it reached Exact, replaced by a new one


class TransferTo(models.TextChoices):
    SAFE = "safe", _("Safe")
    BANK = "bank", _("Bank")
