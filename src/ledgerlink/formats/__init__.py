"""Date, time and number formats per language (settings.FORMAT_MODULE_PATH), over Django's own.

Dutch as Exact Online shows it: 30-11-2026, 14:05, 1.234,56. English keeps the unambiguous ISO dates
(2026-11-30) that ledgerlink has always shown, with 1,234.56. Both accept a date typed the other way, and
ISO always, so a date field works whatever the reader's language. The REST API does not use these: it
speaks ISO dates and decimal points in every language.
"""
