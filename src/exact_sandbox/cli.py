"""Command line: `python -m exact_sandbox [--host 127.0.0.1] [--port 8001] [--latency-ms N] …` (and
`ledgerlink sandbox`, which passes its options here).

The latency and token-policy flags set the sandbox's state at start; like their control endpoints,
a `POST /_sandbox/reset` turns latency off and returns the token policy to strict.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .app import SandboxApp
from .backend import Backend
from .clock import SandboxClock, parse_instant
from .oauth import POLICIES
from .persistence import Persisting, load
from .server import build_server

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication

logger = logging.getLogger("exact_sandbox")


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="exact_sandbox", description="A local Exact Online for demos and tests.")
    p.add_argument(
        "--host",
        default=os.environ.get("EXACT_SANDBOX_HOST", "127.0.0.1"),
        help="interface to listen on (default 127.0.0.1)",
    )
    p.add_argument(
        "--port",
        type=int,
        default=int(os.environ.get("EXACT_SANDBOX_PORT", "8001")),
        help="port to listen on (default 8001; 0 picks a free port)",
    )
    p.add_argument(
        "--frozen-clock",
        metavar="ISO8601",
        default=None,
        help="start with the sandbox clock frozen at this instant (tests); default follows real time",
    )
    p.add_argument(
        "--latency-ms",
        type=int,
        default=0,
        metavar="MS",
        help="delay every REST and token call by this many milliseconds, as Exact does (default 0: off)",
    )
    p.add_argument(
        "--latency-jitter-ms",
        type=int,
        default=0,
        metavar="MS",
        help="spread each delay uniformly by up to this many milliseconds either way (default 0)",
    )
    p.add_argument(
        "--token-policy",
        choices=POLICIES,
        default="strict",
        help="strict: a rotated-out or too-early refresh token is dead (default); grace: the previous refresh "
        "token is honoured until the new pair is used (see FIDELITY.md)",
    )
    p.add_argument(
        "--state-file",
        metavar="PATH",
        default=None,
        help="keep apps, tokens and data in this file across restarts (the demo's var/; POST /_sandbox/reset "
        "empties it); default: in memory only",
    )
    p.add_argument("--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"])
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(list(argv) if argv is not None else None)
    logging.basicConfig(
        level=args.log_level, format="%(asctime)s %(levelname)s %(name)s %(message)s", stream=sys.stderr
    )
    clock = SandboxClock(parse_instant(args.frozen_clock), "frozen") if args.frozen_clock else SandboxClock()
    backend = Backend(clock)
    try:
        backend.set_latency(args.latency_ms, args.latency_jitter_ms)
    except ValueError as exc:
        parser().error(f"--latency-ms/--latency-jitter-ms: {exc}")
    backend.set_token_policy(args.token_policy)
    app: WSGIApplication = SandboxApp(backend)
    if args.state_file:
        state_file = Path(args.state_file)
        if load(backend, state_file):
            logger.info("state restored from %s", state_file)
        app = Persisting(app, backend, state_file)
    server = build_server(app, args.host, args.port)
    base_url = f"http://{args.host}:{server.server_port}"
    # Readiness line: printed once the socket is listening; process supervisors and tests wait for it.
    sys.stdout.write(f"Exact Online sandbox listening on {base_url} (App Center: {base_url}/appcenter)\n")
    sys.stdout.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        logger.info("sandbox stopped")
    finally:
        server.server_close()
    return 0
