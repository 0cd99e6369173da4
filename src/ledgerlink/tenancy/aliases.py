"""What a company alias may be: a lower-case DNS label that is not one of our own host names."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

ALIAS_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$")
MIN_LENGTH = 3
MAX_LENGTH = 40
RESERVED = frozenset(
    {
        "www",
        "api",
        "admin",
        "static",
        "media",
        "mail",
        "smtp",
        "imap",
        "pop",
        "ftp",
        "app",
        "apps",
        "login",
        "auth",
        "oauth",
        "sso",
        "status",
        "help",
        "support",
        "docs",
        "cdn",
        "assets",
        "sandbox",
        "exact",
        "operator",
        "operators",
        "root",
        "system",
        "localhost",
        "test",
        "dev",
        "staging",
    }
)


class InvalidAlias(ValueError):
    pass


def validate_alias(alias: str) -> str:
    """Return the alias if it may be used, else raise InvalidAlias with a message for a person."""
    if alias != alias.strip():
        raise InvalidAlias(_("The alias may not contain spaces."))
    if alias != alias.lower():
        raise InvalidAlias(_("The alias must be in lower case: use “%(lower)s”.") % {"lower": alias.lower()})
    if not MIN_LENGTH <= len(alias) <= MAX_LENGTH:
        raise InvalidAlias(
            _("The alias must be %(min)d to %(max)d characters long.") % {"min": MIN_LENGTH, "max": MAX_LENGTH}
        )
    if not ALIAS_PATTERN.match(alias):
        raise InvalidAlias(
            _("The alias may hold only the letters a–z, digits and hyphens, and may not start or end with a hyphen.")
        )
    if "--" in alias[2:4]:
        raise InvalidAlias(_("The alias may not have two hyphens at positions 3 and 4 (reserved by DNS)."))
    if alias in RESERVED:
        raise InvalidAlias(_("“%(alias)s” is reserved; choose another alias.") % {"alias": alias})
    return alias
