"""System checks: secrets fail closed."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, register

from ledgerlink.core.crypto import _fernet


@register()
def encryption_keys(app_configs, **kwargs):  # type: ignore[no-untyped-def]
    try:
        _fernet(tuple(settings.LEDGERLINK_ENCRYPTION_KEYS))
    except Exception as exc:
        return [Error(f"Secrets cannot be encrypted: {exc}", id="ledgerlink.E001")]
    return []
