"""Demo data. Idempotent: what exists is left as it is, so running it twice changes nothing."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from ledgerlink.tenancy import actions
from ledgerlink.tenancy.audit import Actor
from ledgerlink.tenancy.choices import Language, Module, Role
from ledgerlink.tenancy.models import Company, User

COMPANY_NUMBER = 1001
COMPANY_NAME = "Demo Retail BV"
COMPANY_ALIAS = "demo"
ADMIN = ("admin", "demo")  # reads English (their own setting)
DUTCH_ADMIN = ("beheerder", "demo")  # reads the company's language: Dutch
OPERATOR = ("operator", "operator")


@dataclass(frozen=True)
class SeedResult:
    company: Company
    created: list[str]


def seed() -> SeedResult:
    actor = Actor.system()
    created: list[str] = []
    # Each action owns its transaction; every step is skipped when its row exists, so a rerun completes.
    company = Company.objects.filter(number=COMPANY_NUMBER).first()
    if company is None:
        company = actions.create_company(actor, COMPANY_NUMBER, COMPANY_NAME, COMPANY_ALIAS)
        created.append(f"company {COMPANY_NUMBER}")
    for module in (Module.EXACT_ONLINE, Module.API):
        if actions.grant_licence(actor, company, module):
            created.append(f"licence {module}")
    if not User.objects.for_company(company).filter(username=ADMIN[0]).exists():
        user = actions.create_user(
            actor,
            company,
            ADMIN[0],
            secrets.token_urlsafe(24),
            role=Role.ADMIN,
            full_name="Demo admin",
            language=Language.EN,
        )
        _set_demo_password(user, ADMIN[1])
        created.append(f"user {ADMIN[0]}")
    if not User.objects.for_company(company).filter(username=DUTCH_ADMIN[0]).exists():
        user = actions.create_user(
            actor, company, DUTCH_ADMIN[0], secrets.token_urlsafe(24), role=Role.ADMIN, full_name="Demobeheerder"
        )
        _set_demo_password(user, DUTCH_ADMIN[1])
        created.append(f"user {DUTCH_ADMIN[0]}")
    if not User.objects.for_company(None).filter(username=OPERATOR[0]).exists():
        user = actions.create_user(
            actor, None, OPERATOR[0], secrets.token_urlsafe(24), role=Role.OPERATOR, full_name="Operator"
        )
        _set_demo_password(user, OPERATOR[1])
        created.append(f"operator {OPERATOR[0]}")
    return SeedResult(company=company, created=created)


def _set_demo_password(user: User, password: str) -> None:
    """The demo's documented short passwords (README) are set directly, past the password validators that
    every other way of setting a password goes through: they exist for `make run` on one's own machine."""
    user.set_password(password)
    user.save(update_fields=["password", "updated_at"])
