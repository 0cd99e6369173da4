"""Business operations on companies, licences and users.

Views, the CLI and the demo seed call these and nothing else to change tenancy rows. Each owns its
transaction and writes its audit row inside it. Errors are ``TenancyError`` with a message for a person.
"""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from ledgerlink.core.messages import Message
from ledgerlink.core.numbers import small_int
from ledgerlink.tenancy import audit, messages
from ledgerlink.tenancy.aliases import InvalidAlias, validate_alias
from ledgerlink.tenancy.audit import Actor
from ledgerlink.tenancy.choices import AuditAction, Language, Module, Role
from ledgerlink.tenancy.lock_objects import lock_company, lock_user
from ledgerlink.tenancy.models import Company, Licence, User


class TenancyError(Exception):
    """A refused change, with a message meant for the person who asked for it."""


class NotFound(TenancyError):
    pass


def get_company(number: int | str) -> Company:
    try:
        found = small_int(number)
        if found is None:
            raise ValueError(number)
        return Company.objects.get(number=found)
    except (Company.DoesNotExist, ValueError):
        raise NotFound(_("Unknown company: %(number)s") % {"number": number})


def get_company_by_alias_or_number(key: str) -> Company:
    if small_int(key) is not None:
        return get_company(key)
    try:
        return Company.objects.get(alias=key)
    except Company.DoesNotExist:
        raise NotFound(_("Unknown company: %(key)s") % {"key": key})


def _clean_alias(alias: str | None, company: Company | None = None) -> str | None:
    if alias is None or alias == "":
        return None
    try:
        validate_alias(alias)
    except InvalidAlias as exc:
        raise TenancyError(str(exc))
    taken = Company.objects.filter(alias=alias)
    if company is not None:
        taken = taken.exclude(pk=company.pk)
    if taken.exists():
        raise TenancyError(_("The alias “%(alias)s” is already taken by another company.") % {"alias": alias})
    return alias


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise TenancyError(_("A company needs a name."))
    if len(name) > 200:
        raise TenancyError(_("The company name may be at most 200 characters."))
    return name


def _clean_language(language: str, *, blank: bool = False) -> str:
    if language in Language.values or (blank and language == ""):
        return language
    raise TenancyError(_("Unknown language “%(language)s”.") % {"language": language})


def create_company(
    actor: Actor, number: int, name: str, alias: str | None = None, language: str = Language.NL
) -> Company:
    if not isinstance(number, int) or number < 1:
        raise TenancyError(_("The company number must be a positive whole number."))
    name = _clean_name(name)
    language = _clean_language(language)
    with transaction.atomic(durable=True):
        if Company.objects.filter(number=number).exists():
            raise TenancyError(_("Company number %(number)s is already in use.") % {"number": number})
        alias = _clean_alias(alias)
        try:
            with transaction.atomic():
                company = Company.objects.create(number=number, name=name, alias=alias, language=language)
        except IntegrityError:
            raise TenancyError(_("Company number or alias is already in use."))
        audit.record(
            actor,
            AuditAction.COMPANY_CREATED,
            company=company,
            subject=company,
            message=Message.of(messages.COMPANY, number=number),
            changes={
                "number": [None, number],
                "name": [None, name],
                "alias": [None, alias],
                "language": [None, language],
            },
        )
    return company


def update_company(
    actor: Actor,
    company: Company,
    *,
    name: str | None = None,
    alias: str | None = None,
    set_alias: bool = False,
    language: str | None = None,
) -> Company:
    """Change the name, the alias and/or the language (``set_alias`` distinguishes "clear the alias" from
    "leave it")."""
    with transaction.atomic(durable=True):
        company = lock_company(company)
        before = {"name": company.name, "alias": company.alias, "language": company.language}
        if name is not None:
            company.name = _clean_name(name)
        if set_alias:
            company.alias = _clean_alias(alias, company)
        if language is not None:
            company.language = _clean_language(language)
        changes = audit.diff(before, {"name": company.name, "alias": company.alias, "language": company.language})
        if not changes:
            return company
        try:
            with transaction.atomic():
                company.save(update_fields=["name", "alias", "language", "updated_at"])
        except IntegrityError:
            raise TenancyError(_("The alias “%(alias)s” is already taken by another company.") % {"alias": alias})
        audit.record(
            actor,
            AuditAction.COMPANY_CHANGED,
            company=company,
            subject=company,
            message=Message.of(messages.COMPANY, number=company.number),
            changes=changes,
        )
    return company


def _module(module: str) -> str:
    if module not in Module.values:
        raise TenancyError(
            _("Unknown module “%(module)s”; known modules: %(known)s")
            % {"module": module, "known": ", ".join(Module.values)}
        )
    return module


def grant_licence(actor: Actor, company: Company, module: str) -> bool:
    """Grant a module; returns False when the company already had it (nothing changes)."""
    module = _module(module)
    with transaction.atomic(durable=True):
        _, created = Licence.objects.get_or_create(company=company, module=module)
        if created:
            audit.record(
                actor,
                AuditAction.LICENCE_GRANTED,
                company=company,
                subject=company,
                message=Message.of(messages.LICENCE, module=module),
                changes={"module": [None, module]},
            )
    return created


def revoke_licence(actor: Actor, company: Company, module: str) -> bool:
    module = _module(module)
    with transaction.atomic(durable=True):
        deleted, _ignored = Licence.objects.for_company(company).filter(module=module).delete()
        if deleted:
            audit.record(
                actor,
                AuditAction.LICENCE_REVOKED,
                company=company,
                subject=company,
                message=Message.of(messages.LICENCE, module=module),
                changes={"module": [module, None]},
            )
    return bool(deleted)


def _check_password(password: str, user: User | None = None) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise TenancyError(" ".join(exc.messages))


def _clean_username(username: str) -> str:
    username = (username or "").strip()
    if not username or len(username) > 150 or any(ch.isspace() for ch in username):
        raise TenancyError(_("A user name is 1 to 150 characters without spaces."))
    return username


def create_user(
    actor: Actor,
    company: Company | None,
    username: str,
    password: str,
    role: str = Role.USER,
    full_name: str = "",
    email: str = "",
    language: str = "",
) -> User:
    username = _clean_username(username)
    language = _clean_language(language, blank=True)
    if role not in Role.values:
        raise TenancyError(_("Unknown role “%(role)s”.") % {"role": role})
    if (company is None) != (role == Role.OPERATOR):
        raise TenancyError(_("Operators belong to no company; every other user belongs to one."))
    # Checked against the new user's own data too (a password like the user name is refused).
    _check_password(password, User(company=company, username=username, full_name=full_name, email=email))
    with transaction.atomic(durable=True):
        if User.objects.for_company(company).filter(username=username).exists():
            raise TenancyError(_("The user name “%(username)s” is already taken here.") % {"username": username})
        user = User(company=company, username=username, role=role, full_name=full_name, email=email, language=language)
        user.set_password(password)
        user.save()
        audit.record(
            actor,
            AuditAction.USER_CREATED,
            company=company,
            subject=user,
            message=Message.of(messages.USER, username=username),
            changes={"username": [None, username], "role": [None, role]},
        )
    return user


def update_user(
    actor: Actor,
    user: User,
    *,
    role: str | None = None,
    is_active: bool | None = None,
    full_name: str | None = None,
    email: str | None = None,
    new_password: str | None = None,
    language: str | None = None,
) -> User:
    """Change a user; with ``new_password`` also their password, all of it or nothing. ``language`` "" is
    the company's language."""
    with transaction.atomic(durable=True):
        user = lock_user(user)
        before = {
            "role": user.role,
            "is_active": user.is_active,
            "full_name": user.full_name,
            "email": user.email,
            "language": user.language,
        }
        if role is not None:
            if role not in (Role.ADMIN, Role.USER) or user.is_operator:
                raise TenancyError(_("A company user is an admin or a user."))
            user.role = role
        if is_active is not None:
            user.is_active = is_active
        if full_name is not None:
            user.full_name = full_name.strip()
        if email is not None:
            user.email = email.strip()
        if language is not None:
            user.language = _clean_language(language, blank=True)
        after = {
            "role": user.role,
            "is_active": user.is_active,
            "full_name": user.full_name,
            "email": user.email,
            "language": user.language,
        }
        if new_password:  # checked against the user as changed (a password like the new e-mail is refused)
            _check_password(new_password, user)
        changes = audit.diff(before, after)
        if changes:
            _keep_an_admin(user, after)
            user.save()
            audit.record(
                actor,
                AuditAction.USER_CHANGED,
                company=user.company,
                subject=user,
                message=Message.of(messages.USER, username=user.username),
                changes=changes,
            )
        if new_password:
            _set_password(actor, user, new_password)
    return user


def _keep_an_admin(user: User, after: dict[str, object]) -> None:
    if user.company_id is None or (after["role"] == Role.ADMIN and after["is_active"]):
        return
    others = User.objects.for_company(user.company_id).filter(role=Role.ADMIN, is_active=True).exclude(pk=user.pk)
    if not others.exists():
        raise TenancyError(_("A company keeps at least one active admin."))


def set_password(actor: Actor, user: User, password: str) -> None:
    _check_password(password, user)
    with transaction.atomic(durable=True):
        _set_password(actor, user, password)


def _set_password(actor: Actor, user: User, password: str) -> None:
    user.set_password(password)
    user.save(update_fields=["password", "updated_at"])
    # The password itself is never recorded, only that it changed.
    audit.record(
        actor,
        AuditAction.USER_PASSWORD_SET,
        company=user.company,
        subject=user,
        message=Message.of(messages.USER, username=user.username),
    )
