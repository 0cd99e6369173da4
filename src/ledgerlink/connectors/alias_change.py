"""What a company's new alias breaks for its connectors: the Callback URLs registered at Exact (issue 15, 4).

Tokens keep working (a refresh sends no redirect URL), but the next oAuth needs the new Callback URL at
Exact and on the connector; the pages then show the connector as needing attention (``callback.blocker``).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from ledgerlink.connectors.callback import expected_callback_url
from ledgerlink.connectors.choices import Status
from ledgerlink.connectors.models import Connector
from ledgerlink.tenancy.models import Company


def alias_change_notes(company: Company, new_alias: str | None, port: str | None) -> list[str]:
    notes = []
    for connector in Connector.objects.for_company(company).exclude(callback_url=""):
        names = {"n": connector.number, "name": connector.name}
        if new_alias is None:
            notes.append(
                _("Connector %(n)s (%(name)s) stops working: Exact Online needs the company to have an alias.") % names
            )
            continue
        names["url"] = expected_callback_url(new_alias, connector.number, port)
        if connector.status == Status.CONNECTED:
            notes.append(
                _(
                    "Connector %(n)s (%(name)s) is connected and keeps sending journals, but its Callback URL "
                    "must become %(url)s: change it for the app in Exact's App Center and on the connector "
                    "before anyone presses oAuth again."
                )
                % names
            )
        else:
            notes.append(
                _(
                    "Connector %(n)s (%(name)s): its Callback URL must become %(url)s, for the app in Exact's "
                    "App Center and on the connector."
                )
                % names
            )
    return notes
