"""Who does something: one type for every actor the audit trail and the actions know."""

from __future__ import annotations

import getpass
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ledgerlink.core.messages import Message
from ledgerlink.tenancy import messages
from ledgerlink.tenancy.choices import ActorKind

if TYPE_CHECKING:
    from ledgerlink.tenancy.models import User


@dataclass(frozen=True)
class Actor:
    """Who does something: a signed-in user, the operator at the command line, the service, or an API key."""

    kind: ActorKind
    label: str  # the user's name, the OS account, the key's prefix; never words to translate
    user: User | None = None

    @classmethod
    def of(cls, user: User) -> Actor:
        return cls(ActorKind.USER, str(user), user)

    @classmethod
    def cli(cls) -> Actor:
        try:
            name = getpass.getuser()
        except (KeyError, OSError):
            name = "unknown"
        return cls(ActorKind.CLI, name)

    @classmethod
    def system(cls) -> Actor:
        return cls(ActorKind.SYSTEM, "ledgerlink")

    @classmethod
    def api_key(cls, prefix: str) -> Actor:
        return cls(ActorKind.API_KEY, prefix)

    @classmethod
    def stored(cls, kind: str, label: str, user: User | None = None) -> Actor:
        """The actor as a row kept it (an audit entry, an authorization in progress)."""
        return cls(ActorKind(kind) if kind in ActorKind.values else ActorKind.USER, label, user)

    def text(self) -> str:
        """The actor in the reader's language."""
        if self.kind is ActorKind.CLI:
            return Message.of(messages.ACTOR_CLI, name=self.label).text()
        if self.kind is ActorKind.SYSTEM:
            return Message.of(messages.ACTOR_SYSTEM).text()
        if self.kind is ActorKind.API_KEY:
            return Message.of(messages.ACTOR_API_KEY, name=self.label).text()
        return self.label

    def __str__(self) -> str:
        return self.text()
