"""What one ``POST /api/v1/journals`` costs the web process, in CPU and (with --callgrind) in instructions, which do
not move with the machine's speed.

Run: ``python bench/bench_intake_cost.py [--journals 200] [--rounds 3] [--postgres] [--callgrind]``. The service's
WSGI application is called in this process, in one thread, with the request as gunicorn hands it over (the
environ, the body in a stream): every middleware, the API's authentication, the parse, the check, the insert
and the answer's JSON; not gunicorn's own HTTP parsing, which ``bench_api.py`` counts in its HTTP-only baseline.
Each round posts ``--journals`` new 10-line journals (as ``bench_api.py`` sends them), then the same journals
again (the idempotent 200), then as many ``GET /healthz`` (the middleware alone): three figures per round, so a
change to the intake can be told from a change to what surrounds it.

``bench_api.py`` measures journals per second through the real server with its clients on the same two cores,
a figure that moved by half with the machine's speed between evenings (issue 13); the instructions here are the
figure that says what a change did. Printed, never asserted.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
from collections.abc import Callable

from bench_api import journal
from benchkit import CALLGRIND_DIR, configure, cost_spread, database, measured, rerun_under_callgrind


def environ(method: str, path: str, body: bytes, headers: dict[str, str]) -> dict[str, object]:
    """A WSGI environ as gunicorn builds it for a request on a kept connection to 127.0.0.1."""
    env: dict[str, object] = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
        "CONTENT_LENGTH": str(len(body)),
    }
    for name, value in headers.items():
        key = name.upper().replace("-", "_")
        env[key if key == "CONTENT_TYPE" else f"HTTP_{key}"] = value
    return env


def measure(journals: int, rounds: int, counted: str | None) -> dict[str, list[tuple[float, float | None]]]:
    """For "new", "again" and "healthz": (CPU ms, M instructions or None) per request, for each round."""
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.management import call_command

    from ledgerlink.connectors.models import Connector
    from ledgerlink.journals import apikeys
    from ledgerlink.tenancy import actions
    from ledgerlink.tenancy.audit import Actor

    call_command("migrate", verbosity=0)
    company = actions.create_company(Actor.system(), 7001, "Bench BV", "bench")
    actions.grant_licence(Actor.system(), company, "api")
    Connector.objects.create(company=company, number=1, name="Exact Online")
    key = apikeys.create_key(Actor.system(), company, "bench").plaintext
    application = WSGIHandler()
    answers: dict[str, int] = {}

    def start_response(status: str, _headers: list[tuple[str, str]]) -> None:
        answers[status] = answers.get(status, 0) + 1

    def call(env: dict[str, object]) -> None:
        response = application(env, start_response)
        for _chunk in response:
            pass
        response.close()  # type: ignore[attr-defined]  # Django's request_finished, as gunicorn calls it

    post = {"Authorization": f"Bearer {key}", "Host": "localhost", "Content-Type": "application/json"}

    def posts(first: int) -> list[dict[str, object]]:
        return [
            environ("POST", "/api/v1/journals", json.dumps(journal(first + n)).encode(), post) for n in range(journals)
        ]

    def healthz(_first: int) -> list[dict[str, object]]:
        return [environ("GET", "/healthz", b"", {"Host": "localhost"}) for _ in range(journals)]

    for env in posts(900_000)[:20] + healthz(0)[:20]:  # imports, the connection, caches
        call(env)
    figures: dict[str, list[tuple[float, float | None]]] = {"new": [], "again": [], "healthz": []}
    kinds: list[tuple[str, Callable[[int], list[dict[str, object]]]]] = [
        ("new", posts),
        ("again", posts),
        ("healthz", healthz),
    ]
    for r in range(rounds):
        for name, requests in kinds:
            envs = requests(r * journals)  # bodies encoded before the count starts
            answers.clear()
            with measured(counted, f"{name}-{r}") as cost:
                for env in envs:
                    call(env)
            expected = {"new": "201 Created", "again": "200 OK", "healthz": "200 OK"}[name]
            if answers != {expected: journals}:
                raise SystemExit(f"{name}: answers {answers}, expected {journals} x {expected}: no figure")
            figures[name].append(cost.per(journals))
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--journals", type=int, default=200, help="requests of each kind a round (default 200)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--callgrind", action="store_true", help="count instructions under valgrind (slow)")
    args = parser.parse_args()
    if args.callgrind and CALLGRIND_DIR not in os.environ:
        return rerun_under_callgrind()

    with database(args.postgres) as db:
        configure(db, "http://127.0.0.1:9")  # no worker runs: nothing goes to Exact
        import django

        django.setup()
        figures = measure(args.journals, args.rounds, os.environ.get(CALLGRIND_DIR))
    print(
        f"{db.engine}: POST /api/v1/journals (10 lines) in one process, {args.journals} requests of each kind, "
        f"{args.rounds} rounds, min / median / max"
    )
    for name, label in (("new", "new journal (201)"), ("again", "sent again (200)"), ("healthz", "GET /healthz")):
        print(f"  {label:<18} {cost_spread(figures[name], 'per request')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
