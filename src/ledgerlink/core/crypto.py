"""Secrets at rest: MultiFernet over the keys in ``LEDGERLINK_ENCRYPTION_KEYS``.

The first key encrypts; every key decrypts, so keys can be rotated by putting a new key first and
re-encrypting. Values on their way into the database are ``Sealed`` (ciphertext as text) and come out
only through :func:`unseal`, so the boundary between stored and readable values is visible in names.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class SecretUnreadable(Exception):
    """A stored secret could not be decrypted with any configured key."""


@dataclass(frozen=True)
class Sealed:
    """Ciphertext of a secret, safe to store and to log the length of, never its content."""

    token: str

    def __repr__(self) -> str:
        return f"Sealed(<{len(self.token)} chars>)"


def parse_keys(raw: list[str]) -> list[Fernet]:
    keys = []
    for position, key in enumerate(raw, start=1):
        try:
            keys.append(Fernet(key.encode()))
        except (ValueError, TypeError):
            raise ImproperlyConfigured(
                f"LEDGERLINK_ENCRYPTION_KEYS: key {position} is not a valid Fernet key "
                "(32 url-safe base64-encoded bytes; make one with `ledgerlink genkey`)"
            )
    return keys


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("LEDGERLINK_ENCRYPTION_KEYS is empty: secrets cannot be stored")
    return MultiFernet(parse_keys(list(keys)))


def _current() -> MultiFernet:
    return _fernet(tuple(settings.LEDGERLINK_ENCRYPTION_KEYS))


def seal(plaintext: str) -> Sealed:
    return Sealed(_current().encrypt(plaintext.encode()).decode())


def unseal(sealed: Sealed | str) -> str:
    token = sealed.token if isinstance(sealed, Sealed) else sealed
    try:
        return _current().decrypt(token.encode()).decode()
    except InvalidToken:
        raise SecretUnreadable("stored secret cannot be decrypted with the configured keys")


def reseal(sealed: Sealed | str) -> Sealed:
    """Re-encrypt with the current first key (for key rotation)."""
    token = sealed.token if isinstance(sealed, Sealed) else sealed
    try:
        return Sealed(_current().rotate(token.encode()).decode())
    except InvalidToken:
        raise SecretUnreadable("stored secret cannot be decrypted with the configured keys")


def new_key() -> str:
    return Fernet.generate_key().decode()
