"""Message codes of webhooks: why an address is refused, what a delivery attempt found, why an endpoint stopped.

Stored as codes with parameters (ledgerlink.core.messages) and rendered in the reader's language. Never rename
or reuse a code.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ledgerlink.core.messages import define

# The address guard (guard.py), at save and at every delivery.
HTTPS_REQUIRED = define(
    "webhook.https_required",
    _("Webhook addresses must start with https://."),
    fix=_("Use the receiver's https address; plain http is accepted only in development."),
)
URL_INVALID = define("webhook.url_invalid", _("This is not a web address with a host name: {url}"))
HOST_UNKNOWN = define(
    "webhook.host_unknown",
    _("The host name {host} could not be resolved."),  # {error}, the resolver's own words, is kept for the log
    fix=_("Check the spelling of the address, or try again once the name is published."),
)
ADDRESS_REFUSED = define(
    "webhook.address_refused",
    _("{host} points to {address}, an address of kind “{kind}”: webhooks are not sent there."),
    fix=_(
        "Use a public address. For an ERP on the company's own network the operator can allow private "
        "addresses (LEDGERLINK_WEBHOOKS_ALLOW_PRIVATE)."
    ),
)

# What one delivery attempt found (models.WebhookAttempt.error).
NO_CONNECTION = define("webhook.no_connection", _("Could not connect to the receiver: {error}"))
TIMED_OUT = define("webhook.timed_out", _("The receiver did not answer within {seconds} s."))
ANSWERED = define("webhook.answered", _("The receiver answered with status {status}."))
REDIRECTED = define(
    "webhook.redirected",
    _("The receiver answered with a redirect ({status}) to {location}; redirects are not followed."),
    fix=_("Enter the address the redirect points to."),
)

# Why an endpoint was switched off by ledgerlink.
DISABLED_FAILING = define(
    "webhook.disabled_failing",
    _("Every delivery since {since} failed; the endpoint was switched off."),
    fix=_("Check the receiver, then switch the endpoint on again and replay what it missed."),
    datetimes=("since",),
)

# What kind of address was refused (ADDRESS_REFUSED's {kind}), as guard.kind_of names it.
ADDRESS_KINDS = {
    "unspecified": define("webhook.kind.unspecified", _("unspecified")),
    "loopback": define("webhook.kind.loopback", _("loopback, this machine itself")),
    "link-local": define("webhook.kind.link_local", _("link-local")),
    "multicast": define("webhook.kind.multicast", _("multicast")),
    "reserved": define("webhook.kind.reserved", _("reserved")),
    "private": define("webhook.kind.private", _("private network")),
    "non-public": define("webhook.kind.non_public", _("not public")),
}
