"""System checks: secrets fail closed; a missing Dutch catalogue is said out loud."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning, register

from ledgerlink.core.crypto import _fernet


@register()
def encryption_keys(app_configs, **kwargs):  # type: ignore[no-untyped-def]
    try:
        _fernet(tuple(settings.LEDGERLINK_ENCRYPTION_KEYS))
    except Exception as exc:
        return [Error(f"Secrets cannot be encrypted: {exc}", id="ledgerlink.E001")]
    return []


@register()
def dutch_catalogue(app_configs: object, **kwargs: object) -> list[CheckMessage]:
    """Without the compiled catalogue every page silently falls back to English."""
    for locale_path in settings.LOCALE_PATHS:
        po = Path(locale_path) / "nl" / "LC_MESSAGES" / "django.po"
        mo = po.with_suffix(".mo")
        if po.exists() and (not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime):
            return [
                Warning(
                    "The Dutch catalogue is not compiled or older than its django.po, so Dutch pages show English.",
                    hint="Run `make messages` in a checkout (GNU gettext's msgfmt), before `pip install .`.",
                    id="ledgerlink.W010",
                )
            ]
    return []


@register(deploy=True)
def metrics_token(app_configs: object, **kwargs: object) -> list[CheckMessage]:
    if settings.LEDGERLINK_METRICS_TOKEN:
        return []
    return [
        Warning(
            "LEDGERLINK_METRICS_TOKEN is not set: /metrics on the bare domain answers anyone who reaches it.",
            hint="Set it to a long random value and give Prometheus `authorization: {credentials: …}`.",
            id="ledgerlink.W020",
        )
    ]
