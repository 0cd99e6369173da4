"""The ``ledgerlink`` command: every administration and run command under one name.

Subcommands are Django management commands; ``sandbox`` and ``genkey`` need no settings and run without
Django, so that the sandbox can be started on a machine that has no service configured.
"""

from __future__ import annotations

import os
import sys

COMMANDS = {
    "serve": "run the web service with gunicorn (default 127.0.0.1:8000)",
    "demo": "migrate, seed the demo company and users, and serve (used by `make run`)",
    "worker": "run the background worker (token keep-alive) until SIGTERM",
    "migrate": "create or update the database tables",
    "check": "Django's system checks; `check --deploy` for production settings",
    "company": "companies: create, list, set-alias",
    "licence": "module licences: grant, revoke, list",
    "user": "users: create, set-password, list",
    "connector": "connectors: check, list, reencrypt",
    "apikey": "company API keys for the REST API: create, list, revoke",
    "journals": "journals: import a RetailVista cash-journal file",
    "sandbox": "run the local Exact Online sandbox (default 127.0.0.1:8001)",
    "genkey": "print a new encryption key for LEDGERLINK_ENCRYPTION_KEYS",
}


def _usage() -> str:
    width = max(len(name) for name in COMMANDS)
    lines = ["usage: ledgerlink <command> [options]", "", "commands:"]
    lines += [f"  {name.ljust(width)}  {text}" for name, text in COMMANDS.items()]
    lines += ["", "`ledgerlink <command> --help` explains each command."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help", "help"):
        print(_usage())
        return 0
    command, rest = args[0], args[1:]
    if command not in COMMANDS:
        print(f"ledgerlink: unknown command '{command}'\n\n{_usage()}", file=sys.stderr)
        return 2
    if command == "genkey":
        from ledgerlink.core.crypto import new_key

        if rest and rest[0] in ("-h", "--help"):
            print("usage: ledgerlink genkey\n\nPrints a new Fernet key. Put it first in LEDGERLINK_ENCRYPTION_KEYS.")
            return 0
        print(new_key())
        return 0
    if command == "sandbox":
        from exact_sandbox.cli import main as sandbox_main

        return sandbox_main(rest)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ledgerlink.settings")
    import django
    from django.core.exceptions import ImproperlyConfigured

    try:
        django.setup()
    except ImproperlyConfigured as exc:
        if not any(arg in ("-h", "--help") for arg in rest):
            print(f"ledgerlink: cannot start: {exc}", file=sys.stderr)
            return 2
        # Help needs no configured service: explain the command with throw-away development values.
        from ledgerlink.core.crypto import new_key

        os.environ["LEDGERLINK_DEBUG"] = "1"
        os.environ.setdefault("LEDGERLINK_ENCRYPTION_KEYS", new_key())  # nothing written under var/
        django.setup()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["ledgerlink", command, *rest])
    return 0


if __name__ == "__main__":
    sys.exit(main())
