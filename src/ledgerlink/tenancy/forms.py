"""Forms of the tenancy pages. Validation of meaning lives in actions; forms check shape."""

from __future__ import annotations

from django import forms
from django.contrib.auth import password_validation
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ledgerlink.tenancy.choices import Language, Role


def _password_rules(prefix: str = "") -> str:
    """The password validators' own descriptions (settings.AUTH_PASSWORD_VALIDATORS), in the page's language."""
    return " ".join([prefix, *password_validation.password_validators_help_texts()]).strip()


_lazy_rules = lazy(_password_rules, str)


class LoginForm(forms.Form):
    company_number = forms.IntegerField(
        label=_("Company number"),
        min_value=1,
        required=False,
        help_text=_("Leave empty to sign in as an operator."),
    )
    username = forms.CharField(label=_("User name"), max_length=150)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, strip=False)

    def __init__(self, *args: object, ask_company: bool, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if not ask_company:
            del self.fields["company_number"]


def _company_language() -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Language"),
        choices=Language.choices,
        initial=Language.NL,
        required=False,  # left out: as it was (a new company: Dutch)
        help_text=_("The language of the company's users who have not chosen one themselves."),
    )


def _user_language() -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Language"),
        choices=[("", _("The company's language")), *Language.choices],
        required=False,
    )


class CompanyCreateForm(forms.Form):
    number = forms.IntegerField(label=_("Company number"), min_value=1)
    name = forms.CharField(label=_("Name"), max_length=200)
    alias = forms.CharField(
        label=_("Alias"),
        max_length=40,
        required=False,
        help_text=_("Lower case letters, digits and hyphens; 3 to 40 characters."),
    )
    language = _company_language()


class CompanyForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    alias = forms.CharField(
        label=_("Alias"),
        max_length=40,
        required=False,
        help_text=_("The company's own address becomes [alias].%(domain)s. Lower case letters, digits and hyphens."),
    )
    language = _company_language()


class UserCreateForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150)
    full_name = forms.CharField(label=_("Full name"), max_length=200, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    role = forms.ChoiceField(label=_("Role"), choices=[(Role.USER, Role.USER.label), (Role.ADMIN, Role.ADMIN.label)])
    language = _user_language()
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, strip=False, help_text=_lazy_rules())


class UserEditForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    role = forms.ChoiceField(label=_("Role"), choices=[(Role.USER, Role.USER.label), (Role.ADMIN, Role.ADMIN.label)])
    is_active = forms.BooleanField(label=_("Active"), required=False)
    language = _user_language()
    new_password = forms.CharField(
        label=_("New password"),
        widget=forms.PasswordInput,
        strip=False,
        required=False,
        help_text=lazy(lambda: _password_rules(gettext("Leave empty to keep the current password.")), str)(),
    )
