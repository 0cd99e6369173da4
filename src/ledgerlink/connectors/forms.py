"""The connector screen's form. Secrets are write-only: never rendered back."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ledgerlink.web.forms import set_choices

API_TOKEN_MASK = "••••••••••••"


class ConnectorForm(forms.Form):
    number = forms.IntegerField(label=_("Number"), min_value=1)
    name = forms.CharField(label=_("Name"), max_length=200)
    region = forms.ChoiceField(label=_("Region"))
    client_id = forms.CharField(label=_("Client ID"), max_length=64, required=False)
    client_secret = forms.CharField(
        label=_("Client secret"),
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )
    callback_url = forms.CharField(
        label=_("Callback URL"), max_length=500, required=False, widget=forms.TextInput(attrs={"spellcheck": "false"})
    )
    api_token = forms.CharField(
        label=_("API token"),
        required=False,
        strip=True,
        help_text=_("Filled by the oAuth button. Clear it and save to authorize again."),
    )
    # Whether the screen showed a token when it was opened: clearing means something only then, so saving a
    # screen opened before an authorization (another tab) never disconnects it.
    api_token_shown = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(
        self, *args: object, regions: list[tuple[str, str]], number_locked: bool, secret_set: bool, **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        set_choices(self, "region", regions)
        if number_locked:
            self.fields["number"].disabled = True
            self.fields["number"].help_text = _("Fixed after the first authorization (it is in the Callback URL).")
        if secret_set:
            self.fields["client_secret"].help_text = _("A secret is stored. Leave empty to keep it.")
            self.fields["client_secret"].widget.attrs["placeholder"] = _("(stored; leave empty to keep)")

    def clean_api_token(self) -> str:
        value = str(self.cleaned_data["api_token"])
        if value not in ("", API_TOKEN_MASK):
            raise forms.ValidationError(_("The API token is set by the oAuth button; leave it as it is or clear it."))
        return value

    def clean_client_id(self) -> str:
        value = str(self.cleaned_data["client_id"]).strip().strip("{}")
        return value
