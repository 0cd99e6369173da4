"""The Callback URL: what the service will actually receive, and how a saved value differs from it."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.utils.translation import gettext as _

from ledgerlink.tenancy.addresses import company_url

CALLBACK_PATH = "/oauth.ashx"


def callback_prefix(alias: str, port: str | None = None) -> str:
    """Every connector's Callback URL up to its number (``…/oauth.ashx?provider=``)."""
    return company_url(alias, f"{CALLBACK_PATH}?provider=", port)


def expected_callback_url(alias: str, number: int, port: str | None = None) -> str:
    """``<scheme>://<alias>.<base domain>[:port]/oauth.ashx?provider=<number>``; the path is the seed's."""
    return f"{callback_prefix(alias, port)}{number}"


def follow_number(submitted: str, *, suggested: str, expected: str) -> str:
    """The Callback URL to save: the one expected for the saved number while the screen still showed the
    suggestion for another number (the user typed a Number, not a Callback URL); what they typed otherwise."""
    return expected if submitted.strip() == suggested else submitted


@dataclass(frozen=True)
class Difference:
    """A saved callback split where it stops matching the expected one, for marking on screen."""

    common: str
    saved_rest: str
    expected_rest: str


def difference(saved: str, expected: str) -> Difference | None:
    if saved == expected:
        return None
    length = 0
    for a, b in zip(saved, expected, strict=False):
        if a != b:
            break
        length += 1
    return Difference(common=saved[:length], saved_rest=saved[length:], expected_rest=expected[length:])


def blocker(saved: str, expected: str) -> str | None:
    """Why an authorization with this saved Callback URL cannot come back to this connector, as the one thing
    to do about it; None when it can."""
    trouble = problems(saved)
    if saved and saved != expected:
        trouble.insert(
            0,
            _(
                "Put %(expected)s in Callback URL, press Save, and register the same address for the app in "
                "Exact's App Center; until then oAuth cannot come back to this connector."
            )
            % {"expected": expected},
        )
    return " ".join(trouble) if trouble else None


def problems(saved: str) -> list[str]:
    """What Exact will refuse about a callback URL before anyone tries (reference §7)."""
    found: list[str] = []
    if not saved:
        return [_("There is no Callback URL yet.")]
    parts = urlsplit(saved)
    host = (parts.hostname or "").lower()
    local = host == "localhost" or host.endswith(".localhost") or host == "127.0.0.1"
    if parts.scheme != "https" and not local:
        found.append(
            _("Exact accepts only https callback addresses; this one uses %(scheme)s.")
            % {"scheme": parts.scheme or _("no scheme")}
        )
    if not host:
        found.append(_("The Callback URL has no host name."))
    return found
