"""Tenancy models. Every tenant row elsewhere has a foreign key to ``Company``."""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ledgerlink.core.messages import MessageField
from ledgerlink.tenancy.actors import Actor
from ledgerlink.tenancy.choices import ActorKind, AuditAction, Language, Module, Role
from ledgerlink.tenancy.scoping import TenantManager


class CompanyQuerySet(models.QuerySet["Company"]):
    def visible_to(self, user) -> CompanyQuerySet:  # type: ignore[no-untyped-def]
        """Operators see every company; everybody else only their own."""
        if getattr(user, "is_operator", False):
            return self
        if getattr(user, "company_id", None) is None:
            return self.none()
        return self.filter(pk=user.company_id)


class Company(models.Model):
    number = models.PositiveIntegerField(_("company number"), unique=True, validators=[MinValueValidator(1)])
    name = models.CharField(_("name"), max_length=200)
    alias = models.CharField(_("alias"), max_length=40, unique=True, null=True, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default="Europe/Amsterdam")
    # The language of its users who have not chosen one themselves (User.language); Dutch for new companies.
    language = models.CharField(
        _("language"), max_length=8, choices=Language.choices, default=Language.NL, db_default=Language.NL
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CompanyQuerySet.as_manager()

    class Meta:
        ordering = ["number"]
        verbose_name_plural = "companies"

    def __str__(self) -> str:
        return f"{self.number} {self.name}"

    def has_licence(self, module: str) -> bool:
        return Licence.objects.for_company(self).filter(module=module).exists()


class Licence(models.Model):
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="licences")
    module = models.CharField(max_length=32, choices=Module.choices)
    granted_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager["Licence"]()

    class Meta:
        ordering = ["module"]
        constraints = [models.UniqueConstraint(fields=["company", "module"], name="licence_once_per_module")]

    def __str__(self) -> str:
        return f"{self.company.number}: {self.module}"


class UserManager(TenantManager["User"], BaseUserManager["User"]):
    use_in_migrations = True

    def get_by_natural_key(self, username: str | None) -> User:
        # Only meaningful for operators; company users are found by (company, username) in the backend.
        return self.for_company(None).get(username=username)


class User(AbstractBaseUser):
    """A person. Company users belong to one company; operators (company empty) to none and see all."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, null=True, blank=True, related_name="users")
    username = models.CharField(_("user name"), max_length=150)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.USER)
    is_active = models.BooleanField(_("active"), default=True)
    # Empty: the company's language (operators, who have none: the browser's).
    language = models.CharField(_("language"), max_length=8, choices=Language.choices, blank=True, db_default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    USERNAME_FIELD = "username"
    REQUIRED_FIELDS: list[str] = []
    objects = UserManager()

    class Meta:
        ordering = ["company__number", "username"]
        constraints = [
            models.UniqueConstraint(fields=["company", "username"], name="username_unique_per_company"),
            models.UniqueConstraint(
                fields=["username"], condition=Q(company__isnull=True), name="operator_username_unique"
            ),
            models.CheckConstraint(
                condition=(Q(company__isnull=True) & Q(role="operator"))
                | (Q(company__isnull=False) & ~Q(role="operator")),
                name="operators_have_no_company",
            ),
        ]

    def __str__(self) -> str:
        return self.username if self.company is None else f"{self.username} ({self.company.number})"

    @property
    def is_operator(self) -> bool:
        return self.role == Role.OPERATOR

    @property
    def is_company_admin(self) -> bool:
        return self.role == Role.ADMIN

    def preferred_language(self, company: Company | None = None) -> str:
        """The language this person reads: their own choice, else their company's; empty for an operator who
        has not chosen (the browser's language then). ``company`` saves loading the row when it is at hand."""
        if self.language:
            return self.language
        if self.company_id is None:
            return ""
        owner = company if company is not None and company.pk == self.company_id else self.company
        return owner.language if owner is not None else ""

    @property
    def is_staff(self) -> bool:  # Django's templates and tools ask for it; we have no Django admin.
        return False


class AuditEntry(models.Model):
    """The one audit trail: who did what, to what, when (written only through tenancy/audit.py).

    ``action`` is a closed set (:class:`AuditAction`); ``message`` says what it was about as a code with
    parameters (ledgerlink.core.messages), never English; ``subject_type``/``subject_id`` name the row it
    concerns (e.g. ``connectors.connector`` 7) so a page can show that row's trail; ``changes`` maps
    field → [old, new] and never holds a secret.
    """

    company = models.ForeignKey(Company, on_delete=models.CASCADE, null=True, blank=True, related_name="audit")
    actor = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    actor_kind = models.CharField(max_length=16, choices=ActorKind.choices, default=ActorKind.USER)
    actor_label = models.CharField(max_length=200)
    action = models.CharField(max_length=64, choices=AuditAction.choices)
    subject_type = models.CharField(max_length=64, blank=True)
    subject_id = models.BigIntegerField(null=True, blank=True)
    message = MessageField()
    changes = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(db_index=True)

    objects = TenantManager["AuditEntry"]()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "audit entries"
        indexes = [models.Index(fields=["subject_type", "subject_id", "at"], name="audit_subject")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.message or ''}"

    @property
    def actor_text(self) -> str:
        """Who did it, in the reader's language (without loading the user row)."""
        return Actor.stored(self.actor_kind, self.actor_label).text()


class LoginFailure(models.Model):
    """One failed login, kept for the throttle window. Account key is ``<company number>/<user name>``."""

    account = models.CharField(max_length=200, db_index=True)
    address = models.CharField(max_length=64, db_index=True)
    at = models.DateTimeField(db_index=True)


class LoginHandoff(models.Model):
    """A single-use ticket that carries a login from the bare domain to the company's own host.

    Session cookies are host-only, so the session made on the bare domain cannot be used on the alias
    host; the user is sent there with a short-lived, single-use nonce instead.
    """

    nonce_hash = models.CharField(max_length=64, unique=True)  # SHA-256 of the ticket; the ticket is never stored
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    objects = TenantManager["LoginHandoff"]()
