"""The `ledgerlink` command as an operator uses it: real processes, a real SQLite file."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import run_cli, service_env


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    environment = service_env(tmp_path_factory.mktemp("cli"))
    migrated = run_cli("migrate", "--verbosity", "0", env=environment)
    assert migrated.returncode == 0, migrated.stderr
    return environment


def ok(*args: str, env: dict[str, str], input_text: str | None = None) -> str:
    result = run_cli(*args, env=env, input_text=input_text)
    assert result.returncode == 0, result.stderr
    return result.stdout


def fails(*args: str, env: dict[str, str], input_text: str | None = None) -> str:
    result = run_cli(*args, env=env, input_text=input_text)
    assert result.returncode != 0, result.stdout
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) >= 1
    return result.stderr


def test_help_lists_every_command(env: dict[str, str]) -> None:
    text = ok("--help", env=env)
    for command in ("serve", "demo", "migrate", "company", "licence", "user", "sandbox", "genkey"):
        assert f"  {command}" in text
    for command in ("serve", "demo", "company", "licence", "user"):
        assert "usage:" in ok(command, "--help", env=env)
    for sub in (("company", "create"), ("company", "set-alias"), ("licence", "grant"), ("user", "create")):
        assert "usage:" in ok(*sub, "--help", env=env)


def test_unknown_command(env: dict[str, str]) -> None:
    assert "unknown command 'frobnicate'" in fails("frobnicate", env=env)


def test_company_lifecycle(env: dict[str, str]) -> None:
    assert "created company 3001 Kaas & Co (alias kaas)" in ok(
        "company", "create", "--number", "3001", "--name", "Kaas & Co", "--alias", "kaas", env=env
    )
    assert "created company 3002 Brood" in ok("company", "create", "--number", "3002", "--name", "Brood", env=env)
    assert "company 3002 alias: brood" in ok("company", "set-alias", "3002", "brood", env=env)
    assert "company 3002 alias: (none)" in ok("company", "set-alias", "brood", "", env=env)
    listing = ok("company", "list", env=env)
    assert "3001  kaas" in listing and "Kaas & Co" in listing and "3002  -" in listing

    assert "Error: Company number 3001 is already in use." in fails(
        "company", "create", "--number", "3001", "--name", "Again", env=env
    )
    assert "already taken" in fails("company", "set-alias", "3002", "kaas", env=env)
    assert "reserved" in fails("company", "set-alias", "3002", "www", env=env)
    assert "lower case" in fails("company", "set-alias", "3002", "Brood", env=env)
    assert "Unknown company: 9999" in fails("company", "set-alias", "9999", "x-y-z", env=env)
    assert "positive whole number" in fails("company", "create", "--number", "-3", "--name", "X", env=env)


def test_licences(env: dict[str, str]) -> None:
    ok("company", "create", "--number", "4001", "--name", "Lic", "--alias", "lic", env=env)
    assert "4001: exact_online granted" in ok("licence", "grant", "lic", "exact_online", env=env)
    assert "was already granted" in ok("licence", "grant", "4001", "exact_online", env=env)
    assert "exact_online" in ok("licence", "list", "4001", env=env)
    assert "4001: exact_online revoked" in ok("licence", "revoke", "4001", "exact_online", env=env)
    assert "Unknown module “payroll”" in fails("licence", "grant", "4001", "payroll", env=env)
    assert "Unknown company: nope" in fails("licence", "grant", "nope", "api", env=env)


def test_users(env: dict[str, str]) -> None:
    ok("company", "create", "--number", "5001", "--name", "Users BV", "--alias", "users-bv", env=env)
    assert "created user boss (company 5001, admin)" in ok(
        "user",
        "create",
        "--company",
        "5001",
        "--username",
        "boss",
        "--role",
        "admin",
        "--password-stdin",
        env=env,
        input_text="boss-pass-word-2\n",
    )
    assert "created user root-op (operator, operator)" in ok(
        "user",
        "create",
        "--operator",
        "--username",
        "root-op",
        "--password-stdin",
        env=env,
        input_text="op-pass-word-9\n",
    )
    assert "password set for boss" in ok(
        "user",
        "set-password",
        "--company",
        "users-bv",
        "--username",
        "boss",
        "--password-stdin",
        env=env,
        input_text="new-pass-word-3\n",
    )
    listing = ok("user", "list", env=env)
    assert "5001  boss" in listing and "operator  root-op" in listing
    assert "no password given" in fails(
        "user", "create", "--company", "5001", "--username", "x", env=env, input_text=""
    )
    assert "already taken" in fails(
        "user",
        "create",
        "--company",
        "5001",
        "--username",
        "boss",
        "--password-stdin",
        env=env,
        input_text="xxxx-yyyy-zzzz-1\n",
    )
    assert "unknown user: ghost" in fails(
        "user",
        "set-password",
        "--company",
        "5001",
        "--username",
        "ghost",
        "--password-stdin",
        env=env,
        input_text="xxxx-yyyy-zzzz-1\n",
    )


def test_user_command_refuses_weak_passwords(env: dict[str, str]) -> None:
    ok("company", "create", "--number", "5002", "--name", "Weak BV", "--alias", "weak-bv", env=env)
    create = ("user", "create", "--company", "5002", "--username", "kassa-lisse", "--password-stdin")
    assert "too short" in fails(*create, env=env, input_text="1234\n")
    assert "too short" in fails(*create, env=env, input_text="aaaa\n")
    assert "too common" in fails(*create, env=env, input_text="password1234\n")
    assert "entirely numeric" in fails(*create, env=env, input_text="804271396258\n")
    assert "too similar to the user name" in fails(*create, env=env, input_text="kassa-lisse-1\n")
    assert "created user kassa-lisse" in ok(*create, env=env, input_text="tulpen-in-de-wind-7\n")
    set_password = ("user", "set-password", "--company", "5002", "--username", "kassa-lisse", "--password-stdin")
    assert "too short" in fails(*set_password, env=env, input_text="aaaa\n")
    assert "too similar to the user name" in fails(*set_password, env=env, input_text="kassalisse12\n")


def test_demo_seed_is_idempotent(env: dict[str, str]) -> None:
    first = ok("demo", "--seed-only", env=env)
    assert "seeded: company 1001" in first and "http://demo.localhost:8000/" in first
    assert "admin / demo" in first and "operator / operator" in first
    assert "(already seeded)" in ok("demo", "--seed-only", env=env)
    listing = ok("company", "list", env=env)
    assert listing.count("1001") == 1 and "api,exact_online" in listing


def test_production_start_refuses_without_required_settings(tmp_path: Path) -> None:
    env = service_env(tmp_path)
    for name in (
        "LEDGERLINK_SECRET_KEY",
        "LEDGERLINK_ENCRYPTION_KEYS",
        "LEDGERLINK_BASE_DOMAIN",
        "LEDGERLINK_ALLOWED_HOSTS",
    ):
        env.pop(name)
    message = fails("migrate", env=env)
    assert (
        "Missing required settings: LEDGERLINK_SECRET_KEY, LEDGERLINK_ENCRYPTION_KEYS, "
        "LEDGERLINK_BASE_DOMAIN, LEDGERLINK_ALLOWED_HOSTS" in message
    )
    env2 = service_env(tmp_path, LEDGERLINK_ENCRYPTION_KEYS="not-a-key")
    assert "key 1 is not a valid Fernet key" in fails("migrate", env=env2)


def test_genkey_prints_a_usable_key(tmp_path: Path) -> None:
    key = ok("genkey", env=service_env(tmp_path)).strip()
    assert len(key) == 44
    assert (
        run_cli("migrate", "--verbosity", "0", env=service_env(tmp_path, LEDGERLINK_ENCRYPTION_KEYS=key)).returncode
        == 0
    )


def test_help_works_without_any_settings() -> None:
    """Issue 15, 9: `ledgerlink <command> --help` explains the command, also before anything is configured."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LEDGERLINK_", "DJANGO_"))}
    for command in ("connector", "company", "demo"):
        done = run_cli(command, "--help", env=env)
        assert done.returncode == 0, done.stderr
        assert "usage:" in done.stdout and "cannot start" not in done.stderr


def test_development_settings_include_the_demo_sandbox(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Issue 15, 9: `ledgerlink connector check demo 1` in a second terminal next to `make run` finds the sandbox."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LEDGERLINK_", "DJANGO_"))}
    env.update(
        {"LEDGERLINK_DEBUG": "1", "LEDGERLINK_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "ledgerlink.settings"}
    )
    code = (
        "import django; django.setup(); from django.conf import settings; print(settings.LEDGERLINK_EXACT_SANDBOX_URL)"
    )
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "http://127.0.0.1:8001", done.stderr


def test_a_demo_restart_keeps_the_sandbox_and_its_connectors(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Issue 15, 9: the demo's sandbox keeps its state under var/, so connectors still work after a restart."""
    from tests.conftest import free_port

    sandbox_url = f"http://127.0.0.1:{free_port()}"
    demo_env = service_env(tmp_path, LEDGERLINK_EXACT_SANDBOX_URL=sandbox_url)
    first = ok("demo", "--seed-only", env=demo_env)
    assert "is Connected to the sandbox" in first
    assert (tmp_path / "sandbox-state.pickle").exists()
    listed = ok("connector", "list", "--company", "demo", env=demo_env)
    second = ok("demo", "--seed-only", env=demo_env)  # a new sandbox process, from the kept state
    assert "is Connected to the sandbox" in second
    assert ok("connector", "list", "--company", "demo", env=demo_env) == listed
    kept = pickle.loads((tmp_path / "sandbox-state.pickle").read_bytes())
    assert len(kept["apps"]) == 1  # the same app, not registered anew


@pytest.mark.parametrize(
    ("url", "kept"),
    [("", 60), ("postgres://nobody@127.0.0.1:5432/nothing", 60)],
    ids=["sqlite", "postgresql"],
)
def test_database_connections_are_kept_a_minute(tmp_path, url: str, kept: int) -> None:  # type: ignore[no-untyped-def]
    """Issue 13: a new connection per request halved the intake, on PostgreSQL (a server process per connection)
    and on SQLite (functions registered, PRAGMAs run and the page cache empty at every request)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LEDGERLINK_", "DJANGO_", "DATABASE_URL"))}
    env.update(
        {"LEDGERLINK_DEBUG": "1", "LEDGERLINK_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "ledgerlink.settings"}
    )
    if url:
        env["DATABASE_URL"] = url
    code = (
        "import django; django.setup(); from django.conf import settings; d = settings.DATABASES['default']; "
        "print(d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'])"
    )
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert done.stdout.split() == [str(kept), "True"], done.stderr
    env["LEDGERLINK_DB_CONN_MAX_AGE"] = "5"
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert done.stdout.split() == ["5", "True"], done.stderr
