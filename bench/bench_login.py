"""How long a failed sign-in on the bare domain takes for a known and an unknown company number.

Run: ``python bench/bench_login.py [--rounds N]``. Starts the real service (``ledgerlink serve`` under
gunicorn, production settings, SQLite in a temporary folder, loopback only) with one company (1001) and one
user, and times N sign-ins of each kind over HTTP: known company with a wrong password, known company with
an unknown user, unknown company number. Prints median and 10th/90th percentiles in milliseconds. Before
issue 14 an unknown company number answered in about 12 ms and a known one in about 300 ms. The throttle is
set out of the way here (it would answer 429 quickly), so only the password check is measured.
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from cryptography.fernet import Fernet

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("LEDGERLINK_", "DJANGO_", "DATABASE_"))}
        env.update(
            {
                "LEDGERLINK_SECRET_KEY": "bench-only-secret-" + "u1V2w3X4y5Z6" * 4,
                "LEDGERLINK_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
                "LEDGERLINK_BASE_DOMAIN": "localhost",
                "LEDGERLINK_ALLOWED_HOSTS": "localhost,.localhost",
                "LEDGERLINK_PUBLIC_SCHEME": "http",
                "LEDGERLINK_ALLOW_HTTP": "1",
                "LEDGERLINK_VAR_DIR": tmp,
                "LEDGERLINK_LOG_FORMAT": "text",
                "LEDGERLINK_LOGIN_MAX_FAILURES_PER_ACCOUNT": "1000000",
                "LEDGERLINK_LOGIN_MAX_FAILURES_PER_ADDRESS": "1000000",
            }
        )
        ledgerlink = str(BIN / "ledgerlink")
        subprocess.run([ledgerlink, "migrate", "--verbosity", "0"], env=env, check=True)
        subprocess.run(
            [ledgerlink, "company", "create", "--number", "1001", "--name", "Bench BV"],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        subprocess.run(
            [ledgerlink, "user", "create", "--company", "1001", "--username", "anna", "--password-stdin"],
            env=env,
            input="bench-pass-word-1\n",
            text=True,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        port = free_port()
        server = subprocess.Popen(
            [ledgerlink, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.05)
            kinds = {
                "known company, wrong password": {"company_number": "1001", "username": "anna"},
                "known company, unknown user": {"company_number": "1001", "username": "ghost"},
                "unknown company number": {"company_number": "4711", "username": "anna"},
            }
            times: dict[str, list[float]] = {kind: [] for kind in kinds}
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers={"Host": "localhost"}) as client:
                page = client.get("/login").text
                token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
                for _round in range(args.rounds):
                    for kind, fields in kinds.items():
                        started = time.perf_counter()
                        answer = client.post(
                            "/login", data={**fields, "password": "wrong-pass-word", "csrfmiddlewaretoken": token}
                        )
                        times[kind].append((time.perf_counter() - started) * 1000)
                        assert answer.status_code == 200, answer.status_code
            print(f"failed sign-ins on the bare domain, {args.rounds} rounds, ms (median, p10-p90):")
            for kind, values in times.items():
                deciles = statistics.quantiles(values, n=10)
                print(f"  {kind:<32} {statistics.median(values):7.1f}   {deciles[0]:6.1f}-{deciles[-1]:6.1f}")
        finally:
            server.terminate()
            server.wait(timeout=20)


if __name__ == "__main__":
    main()
