"""The token endpoint, POST /api/oauth2/token: read the form and the client credentials, call
`Backend.token`, render the pair or the refusal (reference §2.4, §2.5, §2.9)."""

from __future__ import annotations

import base64
import binascii
from urllib.parse import unquote

from werkzeug.wrappers import Request, Response

from ..backend import Backend
from ..errors import OAuthError
from ..render import oauth_error_response, token_response


def token(backend: Backend, request: Request) -> Response:
    form = request.form.to_dict()
    client_id, secret = client_credentials(form, request.headers.get("Authorization"))
    try:
        pair = backend.token(form, client_id, secret)
    except OAuthError as exc:
        return oauth_error_response(exc)
    return token_response(pair.access_token, pair.refresh_token, pair.expires_in)


def client_credentials(form: dict[str, str], authorization: str | None) -> tuple[str, str]:
    """Client ID and secret from HTTP Basic, or else from the form fields (both are accepted)."""
    if authorization and authorization[:6].lower() == "basic ":
        try:
            decoded = base64.b64decode(authorization[6:].strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return "", ""
        client_id, _, secret = decoded.partition(":")
        return unquote(client_id), unquote(secret)
    return form.get("client_id", ""), form.get("client_secret", "")
