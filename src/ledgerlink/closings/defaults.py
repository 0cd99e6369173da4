"""The closing mapping that works without any set-up on a standard Dutch chart (the sandbox's, FIDELITY.md).

VAT codes are Exact's excluding codes of the standard chart: the POS's amounts include VAT, and the builder
splits the VAT out (builder.py), so the ledger shows the net revenue on the revenue account and the VAT on the
code's VAT account, as the reference's worked example has it.
"""

from __future__ import annotations

# POS rate code → (revenue GL account, Exact VAT code)
RATES: dict[str, tuple[str, str]] = {
    "21": ("8000", "2"),  # Btw hoog 21 % excl.
    "9": ("8010", "1"),  # Btw laag 9 % excl.
    "0": ("8020", "5"),  # Btw 0 %
    "exempt": ("8020", "0"),  # Geen btw
}
# POS payment method → GL account
METHODS: dict[str, str] = {
    "CASH": "1000",  # Kas
    "PIN": "1010",  # Kruisposten PIN
    "CREDITCARD": "1020",  # Kruisposten creditcard
    "GIFTCARD": "1700",  # Cadeaubonnen (a redeemed gift card lowers the liability)
}
GIFT_CARDS_SOLD = "1700"
CASH_DIFFERENCE = "4900"  # Kasverschillen
ROUNDING = "4910"  # Afrondingsverschillen
# The standard chart has no safe and no deposits account: a closing with these asks for them by name.
DEPOSITS = ""
TILL_EXPENSES = "4000"  # Algemene kosten
SAFE = ""
BANK = "1100"  # Bank
