"""Which company a host name belongs to: one pure function, table-tested.

``<alias>.<base domain>[:port]`` is that company's address; the bare base domain belongs to no company
(operators and the login with a company number); anything else is not ours and gets a 400.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from ledgerlink.tenancy.aliases import ALIAS_PATTERN


class HostKind(Enum):
    BARE = "bare"
    ALIAS = "alias"
    INVALID = "invalid"


@dataclass(frozen=True)
class ResolvedHost:
    kind: HostKind
    alias: str | None = None


INVALID = ResolvedHost(HostKind.INVALID)


def split_port(host: str) -> tuple[str, str | None]:
    if host.startswith("["):  # IPv6 literal: never one of ours, but parse it without crashing
        end = host.find("]")
        return (host, None) if end == -1 else (host[: end + 1], host[end + 2 :] or None)
    name, sep, port = host.rpartition(":")
    if not sep:
        return host, None
    return name, port


def resolve_host(host: str, base_domain: str) -> ResolvedHost:
    """Resolve the ``Host`` header value against the configured base domain."""
    if not host or not base_domain:
        return INVALID
    name, port = split_port(host.strip())
    if port is not None and not (port.isdigit() and 0 < int(port) < 65536):
        return INVALID
    name = name.lower().rstrip(".")
    base = base_domain.lower().rstrip(".")
    if name == base:
        return ResolvedHost(HostKind.BARE)
    suffix = "." + base
    if not name.endswith(suffix):
        return INVALID
    label = name[: -len(suffix)]
    # One label only: a.b.<base> is not a company address.
    if "." in label or not ALIAS_PATTERN.match(label):
        return INVALID
    return ResolvedHost(HostKind.ALIAS, label)
