"""Business operations on connectors. Views, the CLI and the demo call these; each owns its transaction."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from exactlink import StaticTokenProvider
from exactlink.errors import ExactError, InvalidClient, InvalidGrant, TransportError
from ledgerlink.connectors import budgets, exact, messages
from ledgerlink.connectors.callback import blocker
from ledgerlink.connectors.choices import REGIONS, SANDBOX, Status
from ledgerlink.connectors.engine import ConnectorTokens, drop_tokens, store_tokens
from ledgerlink.connectors.events import announce, record_event
from ledgerlink.connectors.lock_objects import lock_connector, lock_oauth_state
from ledgerlink.connectors.models import Connector, OAuthState
from ledgerlink.core import clock, crypto
from ledgerlink.core.messages import Message
from ledgerlink.core.numbers import small_int
from ledgerlink.tenancy.audit import Actor, AuditAction
from ledgerlink.tenancy.choices import Module
from ledgerlink.tenancy.licences import has_licence
from ledgerlink.tenancy.models import Company
from ledgerlink.webhooks.choices import EventType

STATE_LIFETIME = timedelta(minutes=10)


class ConnectorError(Exception):
    """A refused change, with a message for the person who asked."""


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def why_not_allowed(company: Company) -> list[str]:
    """What stops this company from having an Exact Online connector (empty: nothing)."""
    missing = []
    if not has_licence(company, Module.EXACT_ONLINE):
        missing.append("licence")
    if not company.alias:
        missing.append("alias")
    return missing


def next_free_number(company: Company) -> int:
    highest = Connector.objects.for_company(company).aggregate(top=Max("number"))["top"]
    return (highest or 0) + 1


def _check_region(region: str) -> str:
    if region not in REGIONS and region != SANDBOX:
        raise ConnectorError(_("Unknown region “%(region)s”.") % {"region": region})
    return region


def _check_number(company: Company, number: int, exclude: Connector | None = None) -> int:
    if not isinstance(number, int) or number < 1:
        raise ConnectorError(_("The connector number must be a positive whole number."))
    taken = Connector.objects.for_company(company).filter(number=number)
    if exclude is not None:
        taken = taken.exclude(pk=exclude.pk)
    if taken.exists():
        raise ConnectorError(_("Connector number %(number)s is already in use.") % {"number": number})
    return number


def create_connector(
    actor: Actor,
    company: Company,
    *,
    number: int,
    name: str,
    region: str = "nl",
    client_id: str = "",
    client_secret: str = "",
    callback_url: str = "",
) -> Connector:
    missing = why_not_allowed(company)
    if "licence" in missing:
        raise ConnectorError(_("This company has no Exact Online licence; the operator grants it."))
    if "alias" in missing:
        raise ConnectorError(_("Exact Online needs the company to have an alias; set it under Extra → Companies."))
    if not name.strip():
        raise ConnectorError(_("A connector needs a name."))
    with transaction.atomic(durable=True):
        connector = Connector(
            company=company,
            number=_check_number(company, number),
            name=name.strip(),
            region=_check_region(region),
            client_id=client_id.strip(),
            callback_url=callback_url.strip(),
        )
        if client_secret:
            connector.client_secret_sealed = crypto.seal(client_secret.strip()).token
        try:
            with transaction.atomic():
                connector.save()
        except IntegrityError:
            raise ConnectorError(_("Connector number %(number)s is already in use.") % {"number": number})
        record_event(actor, connector, AuditAction.CONNECTOR_CREATED, Message.of(messages.CREATED, number=number))
    return connector


def _disconnect(connector: Connector) -> None:
    drop_tokens(connector)
    connector.api_token_sealed = ""
    connector.status = Status.NOT_AUTHORIZED
    connector.status_reason = None


def save_connector(
    actor: Actor,
    connector: Connector,
    *,
    number: int,
    name: str,
    region: str,
    client_id: str,
    client_secret: str | None,
    callback_url: str,
    clear_api_token: bool,
) -> Connector:
    """Save the connector screen. ``client_secret`` None keeps the stored one; clearing the API token disconnects."""
    with transaction.atomic(durable=True):
        connector = lock_connector(connector.pk)
        if number != connector.number:
            if connector.was_authorized:
                raise ConnectorError(
                    _(
                        "The number cannot change after the first authorization: it is part of "
                        "the callback address registered at Exact."
                    )
                )
            connector.number = _check_number(connector.company, number, exclude=connector)
        if not name.strip():
            raise ConnectorError(_("A connector needs a name."))
        app_changed = (
            client_id.strip() != connector.client_id
            or _check_region(region) != connector.region
            or client_secret is not None
        )
        connector.name = name.strip()
        connector.region = region
        connector.client_id = client_id.strip()
        connector.callback_url = callback_url.strip()
        if client_secret:
            connector.client_secret_sealed = crypto.seal(client_secret.strip()).token
        event, words = AuditAction.CONNECTOR_SAVED, messages.SAVED
        if clear_api_token and connector.has_api_token:
            _disconnect(connector)
            event, words = AuditAction.CONNECTOR_DISCONNECTED, messages.TOKEN_CLEARED
        elif app_changed and connector.status == Status.CONNECTED:
            _disconnect(connector)
            event, words = AuditAction.CONNECTOR_DISCONNECTED, messages.APP_CHANGED
        connector.save()
        record_event(actor, connector, event, Message.of(words))
    return connector


def start_authorization(actor: Actor, connector: Connector, session_key: str, *, expected_callback: str) -> str:
    """Create a single-use state bound to company, connector and session; return Exact's authorization URL.

    Refused while the saved Callback URL cannot bring Exact's answer back to this connector on this address
    (``expected_callback``): the user would sign in at Exact only to land on an error.
    """
    if not (connector.client_id and connector.has_client_secret and connector.callback_url):
        raise ConnectorError(_("Enter the Client ID, Client secret and Callback URL and save before pressing oAuth."))
    trouble = blocker(connector.callback_url, expected_callback)
    if trouble:
        raise ConnectorError(trouble)
    now = clock.now()
    state = secrets.token_urlsafe(32)
    with transaction.atomic(durable=True):
        OAuthState.objects.filter(expires_at__lt=now - timedelta(days=1)).delete()
        OAuthState.objects.create(
            state_hash=_hash(state),
            company=connector.company,
            connector=connector,
            session_hash=_hash(session_key),
            actor_kind=actor.kind,
            actor_label=actor.label,
            started_by=actor.user if actor.user is not None and actor.user.pk else None,
            created_at=now,
            expires_at=now + STATE_LIFETIME,
        )
        record_event(actor, connector, AuditAction.CONNECTOR_AUTHORIZE_STARTED, Message.of(messages.AUTHORIZE_STARTED))
    return exact.oauth_for(connector).authorization_url(state)


@dataclass
class CallbackFailure(Exception):
    """Why a callback could not complete, in words for the person in the popup."""

    title: str
    detail: str
    todo: str
    status: int = 400
    switch: bool = False  # the page offers to start again, allowing another Exact administration


def _state_row(state: str, company: Company, connector: Connector, session_key: str) -> OAuthState:
    now = clock.now()
    row = lock_oauth_state(_hash(state))
    todo = _("Go back to the connector and press oAuth again.")
    if row is None:
        raise CallbackFailure(
            _("Unknown authorization"),
            _("This answer from Exact Online does not belong to an authorization we started."),
            todo,
        )
    if row.used_at is not None:
        raise CallbackFailure(
            _("Authorization already used"),
            _("This authorization was completed or refused before; each one can be used once."),
            todo,
        )
    if row.company_id != company.pk or row.connector_id != connector.pk:
        raise CallbackFailure(
            _("Wrong connector"), _("This authorization was started for another connector or company."), todo, 403
        )
    if row.session_hash != _hash(session_key or ""):
        raise CallbackFailure(
            _("Another session"),
            _(
                "This authorization was started in another browser session. Sign in here and "
                "start it again from the connector screen."
            ),
            todo,
            403,
        )
    if now >= row.expires_at:
        row.used_at = now
        row.save(update_fields=["used_at"])
        raise CallbackFailure(
            _("Authorization expired"),
            _("More than 10 minutes passed between pressing oAuth and Exact's answer."),
            todo,
        )
    row.used_at = now
    row.save(update_fields=["used_at"])
    return row


def complete_authorization(
    company: Company, number: str, params: dict[str, str], session_key: str, *, allow_switch: bool = False
) -> Connector:
    """The callback: check everything, exchange the code, read the user and divisions, pin the division."""
    provider = small_int(number)
    if provider is None:
        raise CallbackFailure(
            _("Unknown connector"),
            _("The callback names no connector number."),
            _("Check the Callback URL registered at Exact."),
            404,
        )
    connector = Connector.objects.for_company(company).filter(number=provider).first()
    if connector is None:
        raise CallbackFailure(
            _("Unknown connector"),
            _("Company %(company)s has no connector %(number)s.") % {"company": company.number, "number": number},
            _("Check the Callback URL registered at Exact: the number after provider= must be the connector's number."),
            404,
        )
    failure: CallbackFailure | None = None
    with transaction.atomic(durable=True):
        actor_row = _state_row(params.get("state", ""), company, connector, session_key)
        actor = Actor.stored(actor_row.actor_kind, actor_row.actor_label, actor_row.started_by)
        connector = lock_connector(connector.pk)
        if params.get("error"):
            record_event(
                actor,
                connector,
                AuditAction.CONNECTOR_FAILED,
                Message.of(messages.EXACT_ANSWERED, error=params["error"]),
            )
            failure = CallbackFailure(
                _("Authorization cancelled") if params["error"] == "access_denied" else _("Exact refused"),
                _("Exact Online did not give access (%(error)s).") % {"error": params["error"]},
                _("Go back to the connector, press oAuth again and choose Allow (in Dutch: Toestaan) at Exact Online."),
            )
        elif not params.get("code"):
            failure = CallbackFailure(
                _("No code"),
                _("Exact's answer carries no authorization code."),
                _("Go back to the connector and press oAuth again."),
            )
        else:
            failure = _exchange(connector, params["code"], actor, allow_switch=allow_switch)
    if failure is not None:
        raise failure
    return connector


def authorize_with_code(actor: Actor, connector: Connector, code: str) -> Connector:
    """Complete an authorization from a code obtained without our callback (the demo's non-interactive consent)."""
    with transaction.atomic(durable=True):
        connector = lock_connector(connector.pk)
        failure = _exchange(connector, code, actor)
    if failure is not None:
        raise ConnectorError(f"{failure.title}: {failure.detail}")
    return connector


def _exchange(connector: Connector, code: str, actor: Actor, *, allow_switch: bool = False) -> CallbackFailure | None:
    """Exchange the code on the locked row; failures are recorded and returned, not raised (to commit them)."""
    now = clock.now()
    budgets.count_token_call(connector, now)
    again = _("Go back to the connector and press oAuth again.")
    try:
        tokens = exact.oauth_for(connector).exchange_code(code)
        client = exact.client_for(connector, StaticTokenProvider(tokens.access_token))
        me = client.me()
        current = int(me.get("CurrentDivision") or 0)
        divisions = [
            [int(d["Code"]), str(d.get("Description") or "")] for d in client.division(current).divisions.iterate()
        ]
    except InvalidClient as exc:
        error = Message.of(messages.AUTH_CLIENT_REFUSED, exact=str(exc))
        failure = CallbackFailure(
            _("Client ID or secret refused"),
            _("Exact Online refused the Client ID and Client secret: %(e)s") % {"e": exc},
            _(
                "Copy the Client ID and Client secret again from the app in Exact's App Center, "
                "save the connector, and press oAuth."
            ),
        )
    except InvalidGrant as exc:
        error = Message.of(messages.AUTH_CODE_REFUSED, exact=str(exc))
        failure = CallbackFailure(
            _("Code expired or used"), _("Exact Online did not accept the code: %(e)s") % {"e": exc}, again
        )
    except TransportError as exc:
        error = Message.of(messages.AUTH_UNREACHABLE, error=str(exc))
        failure = CallbackFailure(
            _("Exact Online not reachable"), _("We could not reach Exact Online: %(e)s") % {"e": exc}, again, 502
        )
    except ExactError as exc:
        error = Message.of(messages.AUTH_REFUSED, exact=str(exc))
        failure = CallbackFailure(_("Exact Online refused"), str(exc), again, 502)
    else:
        reachable = {code_ for code_, _name in divisions}
        if connector.was_authorized and connector.division and connector.division not in reachable and not allow_switch:
            # Journals went to another administration: switching is the user's decision, not this login's.
            offered = ", ".join(f"{code_} {name}" for code_, name in divisions)
            error = Message.of(
                messages.OTHER_ADMINISTRATION,
                offered=offered,
                division=connector.division,
                division_name=connector.division_name,
            )
            failure = CallbackFailure(_("Another Exact administration"), error.text(), error.fix(), 409, switch=True)
            connector.last_error, connector.last_error_at = error, now
            connector.save()
            record_event(actor, connector, AuditAction.CONNECTOR_FAILED, error)
            return failure
        was = connector.was_authorized
        connector.api_token_sealed = crypto.seal(code).token  # only a code Exact accepted replaces the old one
        store_tokens(connector, tokens, now)
        connector.status = Status.CONNECTED
        connector.status_reason = None
        connector.exact_user_id = str(me.get("UserID") or "")
        connector.exact_user_name = str(me.get("FullName") or me.get("UserName") or "")
        connector.divisions = divisions
        codes = {code_ for code_, _name in divisions}
        if connector.division not in codes:
            connector.division = current
        connector.division_name = next((name for code_, name in divisions if code_ == connector.division), "")
        connector.authorized_at = now
        connector.last_error = None
        connector.save()
        record_event(
            actor,
            connector,
            AuditAction.CONNECTOR_REAUTHORIZED if was else AuditAction.CONNECTOR_AUTHORIZED,
            Message.of(
                messages.AUTHORIZED,
                user=connector.exact_user_name,
                division=connector.division,
                division_name=connector.division_name,
            ),
        )
        announce(connector, EventType.CONNECTOR_CONNECTED, reauthorized=was)
        return None
    connector.last_error, connector.last_error_at = error, now
    connector.save()
    record_event(actor, connector, AuditAction.CONNECTOR_FAILED, error)
    return failure


def choose_division(actor: Actor, connector: Connector, division: int) -> Connector:
    with transaction.atomic(durable=True):
        connector = lock_connector(connector.pk)
        names = {int(code): name for code, name in connector.divisions}
        if division not in names:
            raise ConnectorError(_("Division %(d)s is not one the authorizing Exact user may use.") % {"d": division})
        if division != connector.division:
            connector.division, connector.division_name = division, names[division]
            connector.save()
            record_event(
                actor,
                connector,
                AuditAction.CONNECTOR_DIVISION_CHANGED,
                Message.of(messages.DIVISION_CHANGED, division=division, division_name=names[division]),
            )
    return connector


@dataclass(frozen=True)
class TestResult:
    ok: bool
    message: Message


def test_connection(actor: Actor, connector: Connector) -> TestResult:
    """Call ``current/Me`` with a valid token (refreshing when needed) and say who and where we are."""
    from ledgerlink.connectors.engine import TokenUnavailable

    now = clock.now()
    try:
        with exact.client_for(connector, ConnectorTokens(connector.pk)) as client:
            me = client.me()
    except TokenUnavailable as exc:
        result = TestResult(False, Message.of(messages.TEST_NO_TOKEN, reason=exc.message))
    except ExactError as exc:
        result = TestResult(False, Message.of(messages.TEST_REFUSED, error=str(exc)))
    except DatabaseError as exc:
        return TestResult(False, _database_trouble(exc))
    else:
        result = TestResult(
            True,
            Message.of(
                messages.TEST_OK,
                user=me.get("FullName") or me.get("UserName"),
                division=connector.division,
                division_name=connector.division_name,
            ),
        )
    try:
        with transaction.atomic(durable=True):
            locked = lock_connector(connector.pk)
            if result.ok:
                locked.last_contact_at = now
                locked.save(update_fields=["last_contact_at", "updated_at"])
            record_event(actor, locked, AuditAction.CONNECTOR_TESTED, result.message)
    except DatabaseError as exc:
        return TestResult(False, _database_trouble(exc))
    return result


def _database_trouble(exc: DatabaseError) -> Message:
    """Say, without a traceback, that the database failed; drop the broken connection for the next try."""
    if not connection.in_atomic_block:
        connection.close()
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return Message.of(messages.TEST_DATABASE_TROUBLE, error=first)


def reencrypt_all() -> int:
    """Re-seal every stored secret with the current first key (after a key rotation)."""
    count = 0
    for connector_id in Connector.objects.values_list("pk", flat=True):
        with transaction.atomic(durable=True):
            connector = lock_connector(connector_id)
            for field in ("client_secret_sealed", "api_token_sealed", "access_token_sealed", "refresh_token_sealed"):
                value = getattr(connector, field)
                if value:
                    setattr(connector, field, crypto.reseal(value).token)
                    count += 1
            connector.save()
    return count
