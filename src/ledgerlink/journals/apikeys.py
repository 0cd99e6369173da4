"""Company API keys: made here, shown once, stored as a SHA-256 hash, found by their prefix.

A key reads ``llk_<prefix>_<secret>``: ``prefix`` is 8 hex characters, stored in clear and shown in lists
so people can tell keys apart; ``secret`` is 32 random bytes (URL-safe base64). Because the secret has
256 bits of entropy a plain SHA-256 is enough (no slow password hash, which would cost every request);
the comparison is constant-time. The plaintext exists only in the return value of ``create_key``.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from ledgerlink.core import clock
from ledgerlink.core.messages import Message
from ledgerlink.core.rows import Lookup, param
from ledgerlink.journals import messages
from ledgerlink.journals.lock_objects import lock_api_key
from ledgerlink.journals.models import ApiKey
from ledgerlink.tenancy import audit
from ledgerlink.tenancy.audit import Actor, AuditAction
from ledgerlink.tenancy.choices import Module
from ledgerlink.tenancy.models import Company, Licence

KEY_START = "llk"
PREFIX_LENGTH = 8
# last_used_at is written at most this often per key, so a busy ERP does not turn every call into a write.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class ApiKeyError(Exception):
    """A refused change to API keys, with a message for a person."""


@dataclass(frozen=True)
class NewKey:
    record: ApiKey
    plaintext: str  # show it once, then forget it


def hash_key(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode()).hexdigest()


def split_key(plaintext: str) -> tuple[str, str] | None:
    """``(prefix, secret)`` of a well-formed key, else None."""
    parts = plaintext.strip().split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_START or len(parts[1]) != PREFIX_LENGTH or not parts[2]:
        return None
    return parts[1], parts[2]


def create_key(actor: Actor, company: Company, name: str = "") -> NewKey:
    name = (name or "").strip() or _("API key")
    if len(name) > 100:
        raise ApiKeyError(_("The name of an API key may be at most 100 characters."))
    for _attempt in range(5):  # a prefix collision is rare (32 bits); try a fresh one
        prefix = secrets.token_hex(PREFIX_LENGTH // 2)
        plaintext = f"{KEY_START}_{prefix}_{secrets.token_urlsafe(32)}"
        try:
            with transaction.atomic(durable=True):
                record = ApiKey.objects.create(
                    company=company, name=name, prefix=prefix, key_hash=hash_key(plaintext), created_by=actor.label
                )
                audit.record(
                    actor,
                    AuditAction.APIKEY_CREATED,
                    company=company,
                    subject=record,
                    message=Message.of(messages.API_KEY, prefix=prefix, name=name),
                    changes={"name": [None, name], "prefix": [None, prefix]},
                )
        except IntegrityError:
            continue
        return NewKey(record, plaintext)
    raise ApiKeyError(_("No free key prefix was found; try again."))


@dataclass(frozen=True)
class Verified:
    """The outcome of checking a presented key: the key row when good, else why not."""

    key: ApiKey | None
    reason: str = ""
    licensed: bool = False  # the key's company holds the API licence


# The key with its company and whether that company holds the API licence: one query per API request.
_KEY = Lookup(
    lambda prefix: (
        ApiKey.objects.select_related("company")
        .filter(prefix=prefix)
        .annotate(licensed=Exists(Licence.objects.for_company(OuterRef("company")).filter(module=Module.API)))
        .order_by()[:1]
    ),
    param("prefix", "\x00prefix"),
)


def verify(plaintext: str) -> Verified:
    """Find the key by its prefix and compare hashes in constant time. Revoked keys are refused. Whether the
    key's company holds the API licence is read in the same query (``Verified.licensed``)."""
    parts = split_key(plaintext)
    if parts is None:
        return Verified(None, _("The API key is not in the form llk_<prefix>_<secret>."))
    record = _KEY.first(prefix=parts[0])
    # Compare against something even for an unknown prefix, so timing says nothing about which prefixes exist.
    stored = record.key_hash if record is not None else hash_key("llk_unknown")
    if not hmac.compare_digest(stored, hash_key(plaintext.strip())) or record is None:
        return Verified(None, _("Unknown API key."))
    if record.revoked_at is not None:
        return Verified(None, _("This API key was revoked."))
    _touch(record, clock.now())
    return Verified(record, licensed=bool(getattr(record, "licensed", False)))


def _touch(record: ApiKey, now: datetime) -> None:
    if record.last_used_at is None or now - record.last_used_at >= LAST_USED_RESOLUTION:
        ApiKey.objects.filter(pk=record.pk).update(last_used_at=now)
        record.last_used_at = now


def keys_of(company: Company) -> list[ApiKey]:
    return list(ApiKey.objects.for_company(company).order_by("-created_at", "-id"))


def revoke_key(actor: Actor, company: Company, prefix: str) -> ApiKey:
    """Revoke one of the company's keys (by its prefix). Revoking twice is harmless."""
    with transaction.atomic(durable=True):
        record = lock_api_key(company, prefix.strip())
        if record is None:
            raise ApiKeyError(
                _("Company %(number)s has no API key %(prefix)s.") % {"number": company.number, "prefix": prefix}
            )
        if record.revoked_at is None:
            record.revoked_at = clock.now()
            record.save(update_fields=["revoked_at"])
            audit.record(
                actor,
                AuditAction.APIKEY_REVOKED,
                company=company,
                subject=record,
                message=Message.of(messages.API_KEY, prefix=record.prefix, name=record.name),
                changes={"revoked": [False, True]},
            )
    return record
