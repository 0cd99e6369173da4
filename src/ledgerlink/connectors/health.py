"""A connector's state as its stored dates imply it, read without calling Exact (issue 15, 6).

The stored status changes only when Exact answers; a refresh token unused for 30 days is dead at Exact
whether or not anybody has asked since. The pages show this reading, so a connector nobody touched for a
month does not say Connected until someone presses Test connection.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from ledgerlink.connectors import messages
from ledgerlink.connectors.choices import Status
from ledgerlink.connectors.models import Connector
from ledgerlink.core.messages import Message

REFRESH_TOKEN_LIFETIME = timedelta(days=30)  # Exact invalidates a refresh token unused this long
WARN_DAYS = 10  # from here on the pages say how many days are left


@dataclass(frozen=True)
class Health:
    status: Status
    reason: Message | None  # why the status is what it is, said once on the page
    days_left: int | None  # whole days until Exact ends an unused connection; None: not connected
    expired: bool = False

    @property
    def status_label(self) -> str:
        return str(self.status.label)

    @property
    def next_step(self) -> str:
        """The one thing the admin can do about it; empty when nothing is to be done."""
        if self.status == Status.REAUTH_REQUIRED:
            return (self.reason.fix() if self.reason else "") or str(messages.REAUTHORIZE_FIX)
        return ""

    @property
    def expiring(self) -> bool:
        return self.days_left is not None and self.days_left <= WARN_DAYS


def health(connector: Connector, now: datetime) -> Health:
    status = Status(connector.status)
    if status != Status.CONNECTED or connector.tokens_issued_at is None:
        return Health(status, connector.status_reason if status == Status.REAUTH_REQUIRED else None, None)
    ends = connector.tokens_issued_at + REFRESH_TOKEN_LIFETIME
    if now >= ends:
        return Health(Status.REAUTH_REQUIRED, Message.of(messages.TOKENS_LAPSED, since=ends), 0, expired=True)
    return Health(status, None, (ends - now).days)
