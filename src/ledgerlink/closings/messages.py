"""The closings' message codes: why a closing cannot be built, put into words when read.

Codes are never renamed or reused once rows carry them (see ``ledgerlink.core.messages``). ``field`` is the
closing's field path (``payments[2].method``, 0-based like JSON).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ledgerlink.core.messages import define

# --- what the mapping lacks (builder.py) ---------------------------------------------------------------------

RATE_UNMAPPED = define(
    "closing.rate_unmapped",
    _("VAT rate {rate} has no revenue account"),
    fix=_("Map the VAT rate on the connector's closing mapping page."),
)
RATE_VAT_UNMAPPED = define(
    "closing.rate_vat_unmapped",
    _("VAT rate {rate} has no Exact VAT code"),
    fix=_("Map the VAT rate on the connector's closing mapping page."),
)
RATE_VAT_UNKNOWN = define(
    "closing.rate_vat_unknown",
    _("VAT code {code} of VAT rate {rate} is not among Exact's VAT codes"),
    fix=_("Choose an existing VAT code on the closing mapping page, or refresh Exact's data there."),
)
RATE_VAT_PERCENTAGE = define(
    "closing.rate_vat_percentage",
    _("VAT rate {rate} is mapped to VAT code {code}, which is {percentage} %"),
    fix=_("Choose a VAT code of the same percentage on the closing mapping page."),
)
METHOD_UNMAPPED = define(
    "closing.method_unmapped",
    _("payment method {method} has no account"),
    fix=_("Map the payment method (or set a fallback account) on the closing mapping page."),
)
ACCOUNT_UNMAPPED = define(
    "closing.account_unmapped",
    _("{what} has no account"),
    fix=_("Choose the account on the closing mapping page."),
)
UNBALANCED = define(
    "closing.unbalanced",
    _("the closing does not add up: debit {debit}, credit {credit}, difference {difference}"),
    fix=_("Payments must equal sales (VAT included) plus gift cards sold, deposits and rounding."),
    money=("debit", "credit", "difference"),
)
NOTHING = define("closing.nothing", _("the closing has no amounts"))
EXACT_DATA_MISSING = define(
    "closing.exact_data_missing",
    _("Exact's VAT codes for connector {number} have not been read yet"),
    fix=_("Connect the connector (or refresh Exact's data on the closing mapping page) and send the closing again."),
)

# The things a closing books that are not a VAT rate or a payment method (ACCOUNT_UNMAPPED's {what}).
WHAT_GIFT_CARDS_SOLD = define("closing.what.gift_cards_sold", _("gift cards sold"))
WHAT_DEPOSITS = define("closing.what.deposits", _("deposits"))
WHAT_TILL_EXPENSES = define("closing.what.till_expenses", _("till expenses"))
WHAT_SAFE = define("closing.what.safe", _("transfers to the safe"))
WHAT_BANK = define("closing.what.bank", _("transfers to the bank"))
WHAT_CASH_DIFFERENCE = define("closing.what.cash_difference", _("the cash difference"))
WHAT_ROUNDING = define("closing.what.rounding", _("cash rounding"))

# The words of the day journal that goes to Exact (builder.py, actions.journal_of), written in the company's
# language: they are the bookkeeper's to read in Exact.
JOURNAL_DESCRIPTION = define("closing.line.journal", _("Day closing {store}/{terminal}"))
LINE_PAYMENTS = define("closing.line.payments", _("Payments {method}"))
LINE_SALES = define("closing.line.sales", _("Sales VAT {rate}"))
LINE_GIFT_CARDS_SOLD = define("closing.line.gift_cards_sold", _("Gift cards sold"))
LINE_DEPOSIT = define("closing.line.deposit", _("Deposit {description}"))
LINE_ROUNDING = define("closing.line.rounding", _("Cash rounding"))
LINE_TILL_EXPENSE = define("closing.line.till_expense", _("Till expense {description}"))
LINE_TO_SAFE = define("closing.line.to_safe", _("Cash to the safe"))
LINE_TO_BANK = define("closing.line.to_bank", _("Cash to the bank"))
LINE_CASH_DIFFERENCE = define("closing.line.cash_difference", _("Cash difference"))

# --- the audit trail -------------------------------------------------------------------------------------------

MAPPING = define("closing.mapping", _("Closing mapping of connector {number}"))
CLOSING = define("closing.closing", _("Day closing {store}/{terminal} of {date}"), dates=("date",))

# --- corrections (actions.py) --------------------------------------------------------------------------------

KEY_DIFFERS = define(
    "closing.key_differs",
    _("a correction is of the same day: connector, store {store}, terminal {terminal} and date {date}"),
    dates=("date",),
)
BEING_SENT = define(
    "closing.being_sent",
    _("the day journal {reference} is {status}: it may be in Exact"),
    fix=_("Correct the closing once the journal is posted or failed."),
)
NOT_FOUND = define("closing.not_found", _("There is no closing {id}."))
CONFLICT = define(
    "closing.conflict",
    _("The closing of store {store}, terminal {terminal} on {date} was received before with other content."),
    fix=_("Send a changed closing to its correct address: POST /api/v1/closings/{id}/correct."),
    dates=("date",),
)
