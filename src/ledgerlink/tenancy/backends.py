"""Authentication: user names are unique per company, so the company is part of every login."""

from __future__ import annotations

from django.contrib.auth.backends import BaseBackend
from django.http import HttpRequest

from ledgerlink.tenancy.models import Company, User


class CompanyUserBackend(BaseBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        company: Company | None = None,
        operator: bool = False,
        **kwargs: object,
    ) -> User | None:
        if not username or password is None:
            return None
        candidate: User | None = None
        if operator:
            candidate = User.objects.for_company(None).filter(role="operator", username=username).first()
        elif company is not None:
            candidate = User.objects.for_company(company).filter(username=username).first()
        if candidate is None:
            # Spend the same time as a real check so that timing does not reveal which companies and names
            # exist (an unknown company number comes here too).
            User().set_password(password)
            return None
        if candidate.check_password(password) and candidate.is_active:
            return candidate
        return None

    def get_user(self, user_id: int) -> User | None:
        return User.objects.select_related("company").filter(pk=user_id, is_active=True).first()
