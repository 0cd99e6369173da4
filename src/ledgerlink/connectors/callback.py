"""The Callback URL: what the service will actually receive, and how a saved value differs from it."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.utils.translation import gettext as _

from ledgerlink.tenancy.addresses import company_url

CALLBACK_PATH = "/oauth.ashx"


def expected_callback_url(alias: str, number: int, port: str | None = None) -> str:
    """``<scheme>://<alias>.<base domain>[:port]/oauth.ashx?provider=<number>``; the path is the seed's."""
    return company_url(alias, f"{CALLBACK_PATH}?provider={number}", port)


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
