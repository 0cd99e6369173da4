"""Production settings: `check --deploy` clean, weak values refused by name, private files, no inline code."""

from __future__ import annotations

import re
import stat
from pathlib import Path

import pytest

from ledgerlink.core.hardening import weak_production_settings
from tests.conftest import run_cli, service_env

ROOT = Path(__file__).resolve().parents[2]
STRONG_KEY = "production-like-" + "Zq8Wm3Xr7Tn2Yp6Vb1Kc5Hd9Lf4Gs0" * 2


def production_env(tmp: Path, **extra: str) -> dict[str, str]:
    env = service_env(
        tmp,
        LEDGERLINK_SECRET_KEY=STRONG_KEY,
        LEDGERLINK_BASE_DOMAIN="retailvista.net",
        LEDGERLINK_ALLOWED_HOSTS="retailvista.net,.retailvista.net",
        LEDGERLINK_PUBLIC_SCHEME="https",
        LEDGERLINK_TRUSTED_PROXIES="10.0.0.2",
        LEDGERLINK_METRICS_TOKEN="metrics-" + STRONG_KEY[:32],
    )
    env.pop("LEDGERLINK_ALLOW_HTTP")
    env.update(extra)
    return env


def test_check_deploy_is_clean_with_production_settings(tmp_path: Path) -> None:
    result = run_cli("check", "--deploy", "--fail-level", "WARNING", env=production_env(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_warns_when_metrics_are_open(tmp_path: Path) -> None:
    env = production_env(tmp_path)
    env.pop("LEDGERLINK_METRICS_TOKEN")
    result = run_cli("check", "--deploy", env=env)
    assert "ledgerlink.W020" in result.stdout + result.stderr


def test_weak_settings_are_refused_each_by_name(tmp_path: Path) -> None:
    env = production_env(
        tmp_path, LEDGERLINK_SECRET_KEY="weak-key-1", LEDGERLINK_ALLOWED_HOSTS="*", LEDGERLINK_PUBLIC_SCHEME="http"
    )
    result = run_cli("migrate", env=env)
    assert result.returncode != 0
    message = result.stderr
    assert "Unsafe settings for production" in message
    for name in ("LEDGERLINK_SECRET_KEY", "LEDGERLINK_ALLOWED_HOSTS", "LEDGERLINK_PUBLIC_SCHEME=http"):
        assert name in message
    assert "weak-key-1" not in message  # named, never shown


def test_http_starts_only_when_tls_is_said_to_be_terminated_elsewhere(tmp_path: Path) -> None:
    refused = run_cli("check", env=production_env(tmp_path, LEDGERLINK_PUBLIC_SCHEME="http"))
    assert refused.returncode != 0 and "LEDGERLINK_ALLOW_HTTP=1" in refused.stderr
    allowed = run_cli("check", env=production_env(tmp_path, LEDGERLINK_PUBLIC_SCHEME="http", LEDGERLINK_ALLOW_HTTP="1"))
    assert allowed.returncode == 0, allowed.stderr


@pytest.mark.parametrize(
    ("secret_key", "allowed_hosts", "scheme", "allow_http", "named"),
    [
        (STRONG_KEY, ["retailvista.net", ".retailvista.net"], "https", False, []),
        ("x", ["retailvista.net"], "https", False, ["LEDGERLINK_SECRET_KEY"]),
        ("a" * 60, ["retailvista.net"], "https", False, ["LEDGERLINK_SECRET_KEY"]),  # 60 times the same letter
        ("django-insecure-" + STRONG_KEY, ["retailvista.net"], "https", False, ["LEDGERLINK_SECRET_KEY"]),
        (STRONG_KEY, ["retailvista.net", "*"], "https", False, ["LEDGERLINK_ALLOWED_HOSTS"]),
        (STRONG_KEY, ["retailvista.net"], "http", False, ["LEDGERLINK_PUBLIC_SCHEME"]),
        (STRONG_KEY, ["retailvista.net"], "http", True, []),
    ],
)
def test_weak_production_settings_table(
    secret_key: str, allowed_hosts: list[str], scheme: str, allow_http: bool, named: list[str]
) -> None:
    problems = weak_production_settings(
        secret_key=secret_key, allowed_hosts=allowed_hosts, public_scheme=scheme, allow_http=allow_http
    )
    assert [problem.split()[0].split("=")[0] for problem in problems] == named


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_sqlite_database_is_0600_in_a_0700_var_dir(tmp_path: Path) -> None:
    var = tmp_path / "var"
    env = service_env(tmp_path, LEDGERLINK_VAR_DIR=str(var))
    env.pop("DATABASE_URL")
    result = run_cli("migrate", "--verbosity", "0", env=env)
    assert result.returncode == 0, result.stderr
    database = var / "ledgerlink.sqlite3"
    assert _mode(var) == 0o700
    assert _mode(database) == 0o600 and database.stat().st_size > 0
    for companion in var.glob("ledgerlink.sqlite3-*"):  # WAL files, when SQLite leaves them
        assert _mode(companion) == 0o600


def test_loose_modes_of_an_existing_var_dir_are_tightened(tmp_path: Path) -> None:
    var = tmp_path / "var"
    var.mkdir()
    var.chmod(0o755)
    (var / "ledgerlink.sqlite3").touch()
    (var / "ledgerlink.sqlite3").chmod(0o644)
    env = service_env(tmp_path, LEDGERLINK_VAR_DIR=str(var))
    env.pop("DATABASE_URL")
    assert run_cli("check", env=env).returncode == 0
    assert _mode(var) == 0o700 and _mode(var / "ledgerlink.sqlite3") == 0o600


def test_development_key_is_private_from_the_start(tmp_path: Path) -> None:
    var = tmp_path / "var"
    env = service_env(tmp_path, LEDGERLINK_VAR_DIR=str(var), LEDGERLINK_DEBUG="1")
    env.pop("LEDGERLINK_ENCRYPTION_KEYS")
    env.pop("DATABASE_URL")
    assert run_cli("check", env=env).returncode == 0
    assert _mode(var / "dev-encryption.key") == 0o600


INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE), "an inline <script>"),
    (re.compile(r"<style\b", re.IGNORECASE), "a <style> block"),
    (re.compile(r"\sstyle\s*=", re.IGNORECASE), "a style attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.IGNORECASE), "an event-handler attribute"),
    (re.compile(r"\bhx-on", re.IGNORECASE), "an htmx inline handler"),
    (re.compile(r"javascript:", re.IGNORECASE), "a javascript: URL"),
]


def test_templates_have_no_inline_script_or_style() -> None:
    """The Content-Security-Policy allows our static files only; inline code would be blocked (or need
    'unsafe-inline'). The browser tests also fail on any policy violation they meet."""
    found = []
    for template in sorted((ROOT / "src" / "ledgerlink").rglob("templates/**/*.html")):
        text = template.read_text()
        for pattern, what in INLINE:
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{template.relative_to(ROOT)}:{line}: {what}")
    assert found == []


def test_proxy_example_redirects_to_https_sends_hsts_and_logs_no_secrets() -> None:
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    plain = conf[conf.index("listen 80;") :].split("}")[0]
    assert "return 301 https://$host$request_uri;" in plain
    assert 'add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always;' in conf
    assert "server_tokens off;" in conf
    log_format = conf[conf.index("log_format ledgerlink") :].split(";")[0]
    # Neither the full request line nor the Referer: both carry the oAuth code, state and login ticket.
    assert "$request " not in log_format and '$request"' not in log_format and "$http_referer" not in log_format
    assert "$ledgerlink_logged_args" in log_format
    for path in ("/oauth.ashx", "/login/handoff"):
        assert re.search(rf"^\s*{re.escape(path)}\s+\"\";", conf, re.MULTILINE)
    assert conf.count("access_log /var/log/nginx/ledgerlink.access.log ledgerlink;") == 2
