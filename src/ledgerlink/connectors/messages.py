"""Message codes of connectors: why a connector cannot give a token, what went wrong last, and the words of a
connector's audit trail.

Stored on the connector (``status_reason``, ``last_error``), carried by ``TokenUnavailable`` and kept in the
audit trail; rendered in the reader's language when shown (see ledgerlink.core.messages). Never rename or
reuse a code.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ledgerlink.core.messages import define

REAUTHORIZE_FIX = _("Clear the API token, press Save, then press oAuth and sign in to Exact Online.")

# Why there is no token now (decision.py). The first three are never stored; they explain a decision.
NOT_CONNECTED = define("connector.not_connected", _("The connector is not connected."))
TOKEN_VALID = define("connector.token_valid", _("The access token is valid for {seconds} s more."))
KEEP_ALIVE_NOT_DUE = define("connector.keep_alive_not_due", _("The tokens are {hours} h old; nothing to keep alive."))
OTHER_REFRESHING = define("connector.other_refreshing", _("Another process is refreshing the tokens."))
REFRESH_WINDOW = define(
    "connector.refresh_window",
    _("Exact accepts a refresh only in the access token's last 30 seconds; waiting until {at}."),
    datetimes=("at",),
)
REFRESH_BACKOFF = define(
    "connector.refresh_backoff",
    _("The last refresh failed; trying again after {at}."),
    datetimes=("at",),
)
TOKEN_CALLS_SPENT = define(
    "connector.token_calls_spent",
    _("{count} token calls today: stopping short of Exact's daily limit of 200 per app and user."),
)
CLAIM_ABANDONED = define(
    "connector.claim_abandoned",
    _("The process refreshing the tokens stopped before storing Exact's answer; trying the stored refresh token once."),
)
REFRESH_DUE = define("connector.refresh_due", _("The access token is in its last 30 seconds."))
ACCESS_EXPIRED = define("connector.access_expired", _("The access token has expired."))
ACCESS_REFUSED_EARLY = define(
    "connector.access_refused_early",
    _(
        "Exact refused the access token before its refresh window opened; journals wait until {at}, when the "
        "tokens can be refreshed."
    ),
    datetimes=("at",),
)

# What happened to a refresh (engine.py): stored as the status reason or the last error.
REFRESH_INTERRUPTED = define(
    "connector.refresh_interrupted",
    _(
        "A refresh was sent to Exact but its answer was never stored, and Exact refused the stored refresh token "
        "({exact})."
    ),
    fix=REAUTHORIZE_FIX,
)
REFRESH_REFUSED = define("connector.refresh_refused", _("Exact refused the refresh: {exact}"), fix=REAUTHORIZE_FIX)
# invalid_client: Exact no longer knows the app (deleted at Exact, a restarted sandbox): a new oAuth alone would
# end in "Unknown application", so the fix starts at the App Center.
REFRESH_CLIENT_REFUSED = define(
    "connector.refresh_client_refused",
    _("Exact Online no longer accepts this app's Client ID and Client secret ({exact})."),
    fix=_(
        "Copy the Client ID and Client secret again from the app in Exact's App Center (register the app again "
        "if it is gone), paste them here, press Save, then press oAuth."
    ),
)
# Exact's own text for this carries US-format dates; the reader gets it in our words (Exact's text stays in
# the parameters, shown under the connector's technical details).
REFRESH_EXPIRED = define(
    "connector.refresh_expired",
    _("Exact Online ended the connection after 30 days without contact (the refresh token expired)."),
    fix=REAUTHORIZE_FIX,
)
# Read from the stored dates (health.py), never stored: no refresh for 30 days and Exact has ended the tokens.
TOKENS_LAPSED = define(
    "connector.tokens_lapsed",
    _("No contact with Exact Online for 30 days (since {since}): Exact has ended this connection."),
    datetimes=("since",),
    fix=REAUTHORIZE_FIX,
)
REFRESH_TOO_EARLY = define(
    "connector.refresh_too_early",
    _("Exact says the refresh is too early ({exact}); trying again after {at}."),
    datetimes=("at",),
)
REFRESH_FAILED = define(
    "connector.refresh_failed",
    _("The refresh failed ({error}); the tokens are kept and the next try is after {at}."),
    datetimes=("at",),
)
TAKEN_OVER = define("connector.refresh_taken_over", _("Another process took the refresh over; trying again."))
DATABASE_UNAVAILABLE = define(
    "connector.database_unavailable",
    _("The database could not be reached around a token refresh ({error}); trying again after {at}."),
    datetimes=("at",),
)

# The authorization (callback or code exchange) failed: stored as the last error.
AUTH_CLIENT_REFUSED = define(
    "connector.auth_client_refused",
    _("Exact Online refused the Client ID and Client secret: {exact}"),
    fix=_("Copy the Client ID and Client secret again from the app in Exact's App Center, save, and press oAuth."),
)
AUTH_CODE_REFUSED = define(
    "connector.auth_code_refused",
    _("Exact Online did not accept the authorization code: {exact}"),
    fix=_("Press oAuth again."),
)
AUTH_UNREACHABLE = define(
    "connector.auth_unreachable", _("Exact Online could not be reached: {error}"), fix=_("Press oAuth again.")
)
OTHER_ADMINISTRATION = define(
    "connector.other_administration",
    _(
        "This Exact Online login reaches {offered}, not administration {division} {division_name} where this "
        "connector's journals went. Nothing was changed."
    ),
    fix=_(
        "Press oAuth and sign in at Exact Online as a user of administration {division}; or, to send journals to "
        "the other administration from now on, switch the connector."
    ),
)
AUTH_REFUSED = define("connector.auth_refused", _("Exact Online refused: {exact}"), fix=_("Press oAuth again."))

# The connector's audit trail (tenancy/audit.py; the action says what kind of event, these say what about).
CREATED = define("connector.created", _("Connector {number} created"))
SAVED = define("connector.saved", _("Connector saved"))
TOKEN_CLEARED = define("connector.token_cleared", _("API token cleared: disconnected; press oAuth to authorize again"))
APP_CHANGED = define(
    "connector.app_changed", _("The app (client ID, secret or region) changed: disconnected; press oAuth")
)
AUTHORIZE_STARTED = define("connector.authorize_started", _("oAuth started"))
EXACT_ANSWERED = define("connector.exact_answered", _("Exact answered {error}"))
AUTHORIZED = define("connector.authorized", _("Authorized by {user} for division {division} {division_name}"))
DIVISION_CHANGED = define("connector.division_changed", _("Division {division} {division_name}"))
TEST_OK = define("connector.test_ok", _("Connected as {user}; division {division} {division_name}"))
TEST_NO_TOKEN = define("connector.test_no_token", _("No valid token: {reason}"))
TEST_REFUSED = define("connector.test_refused", _("Exact Online answered: {error}"))
TEST_DATABASE_TROUBLE = define(
    "connector.test_database_trouble",
    _("The database could not be reached ({error}); the tokens are safe. Try again in a moment."),
)
REFRESHED = define("connector.refreshed", _("Tokens refreshed"))

# The REST API (connectors/api.py).
API_CONNECTOR_UNKNOWN = define("connector.unknown", _("This company has no connector {number}."))
