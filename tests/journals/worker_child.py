"""A worker process for the kill test: the real ``ledgerlink worker`` loop, its clock set to the sandbox's.

The sandbox's clock is frozen in tests; this process starts at that instant and then ticks on in real time
(a few seconds at most), so token lifetimes agree on both sides.
"""

from __future__ import annotations

import os
import sys
from datetime import datetime


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ledgerlink.settings")
    import time_machine

    with time_machine.travel(datetime.fromisoformat(sys.argv[1]), tick=True):
        from ledgerlink.cli import main as cli

        sys.exit(cli(["worker", "--interval", sys.argv[2] if len(sys.argv) > 2 else "0.2"]))


if __name__ == "__main__":
    main()
