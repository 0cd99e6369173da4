"""A child process of the token fault campaign (tests/support/token_faults.py): one of N processes at a refresh.

Reads lines ``<round> <iso time> <start epoch> <action> <fault>`` and answers each with one line: the access
token it got (``token``), ``OK <token>`` after a REST call (``rest``: ``current/Me``), or ``ERROR:<class>:<code>``.
Its clock is the given instant, frozen while it works. The fault is injected at an explicit point of the
refresh, by the first process of the round to reach it (a file created with O_EXCL decides who):

- ``kill``: SIGKILL right after Exact answered the refresh (the call reached Exact, nothing is stored);
- ``db``: the database connection dies inside the transaction that stores the new pair: on PostgreSQL the
  backend is terminated (``pg_terminate_backend``), on SQLite the store fails with "database is locked".
"""

from __future__ import annotations

import os
import signal
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any


def first_in_round(flags: Path, round_id: str, fault: str) -> bool:
    try:
        os.close(os.open(flags / f"{round_id}-{fault}", os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        return False
    return True


def terminate_own_backend() -> None:
    """Kill this process's PostgreSQL session from another session, as a restart or a proxy would."""
    import psycopg
    from django.db import connection

    pid = connection.connection.info.backend_pid
    s = connection.settings_dict
    conninfo = f"host={s['HOST']} port={s['PORT']} dbname={s['NAME']} user={s['USER'] or 'root'}"
    with psycopg.connect(conninfo, autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", (pid,))


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ledgerlink.settings")
    import django

    django.setup()
    import time_machine
    from django.db import OperationalError, connection

    from ledgerlink.connectors import engine
    from ledgerlink.connectors.exact import client_for
    from ledgerlink.connectors.models import Connector

    connector_id, flags = int(sys.argv[1]), Path(sys.argv[2])
    now_round = {"id": "", "fault": ""}
    call_exact, store_tokens = engine._call_exact, engine.store_tokens

    def call_then_maybe_die(connector: Any) -> Any:
        tokens = call_exact(connector)
        if now_round["fault"] == "kill" and first_in_round(flags, now_round["id"], "kill"):
            os.kill(os.getpid(), signal.SIGKILL)
        return tokens

    def store_maybe_losing_the_database(connector: Any, tokens: Any, now: datetime) -> None:
        if now_round["fault"] == "db" and first_in_round(flags, now_round["id"], "db"):
            if connection.vendor == "postgresql":
                terminate_own_backend()
            else:
                raise OperationalError("database is locked (injected)")
        store_tokens(connector, tokens, now)

    engine._call_exact = call_then_maybe_die  # type: ignore[assignment]
    engine.store_tokens = store_maybe_losing_the_database  # type: ignore[assignment]

    for line in sys.stdin:
        round_id, iso, start, action, fault = line.split()
        now_round.update(id=round_id, fault=fault)
        with time_machine.travel(datetime.fromisoformat(iso), tick=False):
            delay = float(start) - time.time()
            if delay > 0:
                time.sleep(delay)  # a real barrier between processes, not test time
            try:
                if action == "rest":
                    tokens = engine.ConnectorTokens(connector_id)
                    client = client_for(Connector.objects.get(pk=connector_id), tokens, max_wait=0)
                    try:
                        client.me()
                    finally:
                        client.close()
                    answer = "OK"
                else:
                    answer = engine.access_token(connector_id)
            except engine.TokenUnavailable as exc:
                answer = f"ERROR:{type(exc).__name__}:{exc.message.code}"
            except Exception as exc:  # the campaign counts these: every one is a defect
                answer = f"ERROR:{type(exc).__name__}:crash"
        sys.stdout.write(answer + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
