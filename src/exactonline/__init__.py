"""Exact Online client: OAuth, REST, OData envelopes, errors and rate limits.

No Django and nothing of ledgerlink in here: the package could be published on its own.
"""
