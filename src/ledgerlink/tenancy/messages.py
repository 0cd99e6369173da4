"""Tenancy's message codes (see ledgerlink.core.messages): what its audit entries are about."""

from django.utils.translation import gettext_lazy as _

from ledgerlink.core.messages import define

COMPANY = define("tenancy.company", _("Company {number}"))
LICENCE = define("tenancy.licence", _("Licence {module}"))
USER = define("tenancy.user", _("User {username}"))

# How an actor who is not a signed-in user is shown (the user's own name needs no words).
ACTOR_CLI = define("tenancy.actor_cli", _("command line ({name})"))
ACTOR_SYSTEM = define("tenancy.actor_system", "ledgerlink")
ACTOR_API_KEY = define("tenancy.actor_api_key", _("API key {name}"))
