"""System checks of the journals app: no setting may let a worker take over a POST that is still in flight."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import CheckMessage, Error, register

from ledgerlink.journals.posting import stuck_minimum


@register()
def sending_stuck_after(app_configs: object, **kwargs: object) -> list[CheckMessage]:
    """A stuck timeout shorter than one POST can take makes duplicates: another worker takes the journal over,
    finds nothing in Exact yet, and posts it again while the first POST is still on its way."""
    configured = settings.LEDGERLINK_SENDING_STUCK_SECONDS
    minimum = int(stuck_minimum().total_seconds() + 0.999)
    if configured and configured < minimum:
        return [
            Error(
                f"LEDGERLINK_SENDING_STUCK_SECONDS={configured} is shorter than one POST to Exact can take "
                f"({minimum} s with LEDGERLINK_EXACT_TIMEOUT_SECONDS={settings.LEDGERLINK_EXACT_TIMEOUT:g}): "
                "another worker could post a journal again while its first POST is still on its way.",
                hint=f"Leave it unset (the minimum is used) or set it to {minimum} or more.",
                id="ledgerlink.E020",
            )
        ]
    return []
