"""Settings that production refuses to start with, each named (like the missing-settings check).

Pure functions of the values, so settings.py can call them before Django is set up and tests can table
them. Messages are for the operator's terminal, in English, like every start-up message.
"""

from __future__ import annotations

# Django's own bar for a secret key (security.W009): 50 characters, 5 different ones, not a generated
# "django-insecure-" placeholder.
SECRET_KEY_MIN_LENGTH = 50
SECRET_KEY_MIN_UNIQUE = 5


def weak_production_settings(
    *, secret_key: str, allowed_hosts: list[str], public_scheme: str, allow_http: bool
) -> list[str]:
    problems: list[str] = []
    if (
        len(secret_key) < SECRET_KEY_MIN_LENGTH
        or len(set(secret_key)) < SECRET_KEY_MIN_UNIQUE
        or secret_key.startswith("django-insecure-")
    ):
        problems.append(
            f"LEDGERLINK_SECRET_KEY is too weak (at least {SECRET_KEY_MIN_LENGTH} random characters; "
            "make one with `openssl rand -base64 48`)"
        )
    if any(host.strip() in ("*", ".") for host in allowed_hosts):
        problems.append(
            "LEDGERLINK_ALLOWED_HOSTS must name the base domain and its subdomains (e.g. "
            "retailvista.net,.retailvista.net), not '*'"
        )
    if public_scheme == "http" and not allow_http:
        problems.append(
            "LEDGERLINK_PUBLIC_SCHEME=http sends passwords and session cookies in clear; use https, or set "
            "LEDGERLINK_ALLOW_HTTP=1 to state that TLS is terminated elsewhere in front of the service"
        )
    return problems
