"""A child process for the refresh race: reads "<iso time> <start epoch>" lines, answers with a token.

Run by test_token_race.py with the service's real settings pointed at the test database and the sandbox.
"""

from __future__ import annotations

import os
import sys
import time
from datetime import datetime


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ledgerlink.settings")
    import django

    django.setup()
    import time_machine

    from ledgerlink.connectors import engine

    connector_id = int(sys.argv[1])
    for line in sys.stdin:
        iso, start = line.split()
        with time_machine.travel(datetime.fromisoformat(iso), tick=False):
            delay = float(start) - time.time()
            if delay > 0:
                time.sleep(delay)  # a real barrier between processes, not test time
            try:
                token = engine.access_token(connector_id)
            except engine.TokenUnavailable as exc:
                token = f"ERROR:{type(exc).__name__}:{exc.reason}"
        sys.stdout.write(token + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
