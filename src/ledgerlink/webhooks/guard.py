"""Where webhooks may go: the server-side request forgery guard, at save and again at every delivery.

Outside development only ``https://`` addresses are accepted (``LEDGERLINK_WEBHOOKS_ALLOW_HTTP``), and a host
name must resolve to public addresses only: loopback, link-local (cloud metadata services live there), private,
shared, multicast, reserved and unspecified addresses are refused, unless the operator allows private addresses
for ERPs on the company's own network (``LEDGERLINK_WEBHOOKS_ALLOW_PRIVATE``); link-local, multicast, reserved
and unspecified addresses stay refused even then. Every address a name resolves to is checked, at every
delivery, and the request goes to the address that was checked (``Target.address``): a name that answered with
a public address at save time and a private one now (DNS rebinding) is refused now.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

from ledgerlink.core.messages import Message
from ledgerlink.webhooks import messages as m

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class AddressRefused(Exception):
    def __init__(self, message: Message) -> None:
        super().__init__(message.code)
        self.message = message


@dataclass(frozen=True)
class Target:
    """A checked address: the URL as entered, its host, and the IP address the request must go to."""

    url: str
    scheme: str
    host: str
    port: int
    address: str


def kind_of(address: IPAddress) -> str | None:
    """Why an address is not public (a word for the message), or None when it is public."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return kind_of(address.ipv4_mapped)
    if address.is_unspecified:
        return "unspecified"
    if address.is_loopback:
        return "loopback"
    if address.is_link_local:
        return "link-local"
    if address.is_multicast:
        return "multicast"
    if address.is_reserved:
        return "reserved"
    if address.is_private:
        return "private"
    if not address.is_global:
        return "non-public"
    return None


ALLOWED_WHEN_PRIVATE_ALLOWED = {"loopback", "private", "non-public"}


def refused_kind(address: IPAddress) -> str | None:
    kind = kind_of(address)
    if kind is None or settings.DEBUG:
        return None
    if settings.LEDGERLINK_WEBHOOKS_ALLOW_PRIVATE and kind in ALLOWED_WHEN_PRIVATE_ALLOWED:
        return None
    return kind


def parse(url: str) -> tuple[str, str, int]:
    """Scheme, host and port of a webhook URL, or :class:`AddressRefused` when it cannot be one."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise AddressRefused(Message.of(m.URL_INVALID, url=url[:200])) from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname or parts.username or parts.password:
        raise AddressRefused(Message.of(m.URL_INVALID, url=url[:200]))
    if scheme != "https" and not (settings.DEBUG or settings.LEDGERLINK_WEBHOOKS_ALLOW_HTTP):
        raise AddressRefused(Message.of(m.HTTPS_REQUIRED))
    return scheme, parts.hostname.lower(), port or (443 if scheme == "https" else 80)


def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address ``host`` resolves to now (an IP literal is itself)."""
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise AddressRefused(Message.of(m.HOST_UNKNOWN, host=host, error=str(exc))) from None
    found: list[IPAddress] = []
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if address not in found:
            found.append(address)
    if not found:
        raise AddressRefused(Message.of(m.HOST_UNKNOWN, host=host, error="no address"))
    return found


def check(url: str) -> Target:
    """The URL checked now, with the address to send to; :class:`AddressRefused` says why not."""
    scheme, host, port = parse(url)
    addresses = resolve(host, port)
    for address in addresses:
        kind = refused_kind(address)
        if kind is not None:
            words = Message.of(m.ADDRESS_KINDS[kind])
            raise AddressRefused(Message.of(m.ADDRESS_REFUSED, host=host, address=str(address), kind=words))
    return Target(url=url, scheme=scheme, host=host, port=port, address=str(addresses[0]))
