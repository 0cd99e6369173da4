"""Pieces of event payloads that every app words the same way."""

from __future__ import annotations

from typing import Any

from django.utils import translation

from ledgerlink.core.messages import Message


def problem(message: Message | None) -> dict[str, Any] | None:
    """A coded message for a program (code, parameters) and for a person (English words, and what to do)."""
    if message is None:
        return None
    with translation.override("en"):
        return {"code": message.code, "params": dict(message.params), "message": message.text(), "fix": message.fix()}
