"""Run mypy (strict, Django plugin) and hold its errors to the reviewed baseline, which may only shrink.

The baseline (``mypy-baseline.json``) counts errors per file, plus the ``type: ignore`` comments in
``src``. A file may have at most its counted errors; a file not listed must have none. Counting per file,
not per line, keeps the baseline valid when someone edits another line (see docs/adr/0006-mypy-baseline.md).

    python scripts/mypy_baseline.py           # check (make lint)
    python scripts/mypy_baseline.py --update  # lower the baseline to what is left; never raises it

Raising a count is a hand edit of the JSON file, seen and reviewed in the diff.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "mypy-baseline.json"
ERROR = re.compile(r"^(?P<path>[^:\s]+\.py):\d+(?::\d+)?: error: ")
IGNORE = re.compile(r"#\s*type:\s*ignore")


def run_mypy() -> tuple[Counter[str], str]:
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-pretty", "--no-error-summary", "--show-error-codes"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode not in (0, 1) or "error: " in done.stderr:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"mypy did not run (exit {done.returncode})")
    counts: Counter[str] = Counter()
    for line in done.stdout.splitlines():
        match = ERROR.match(line)
        if match:
            counts[match["path"]] += 1
    return counts, done.stdout


def count_ignores() -> int:
    return sum(len(IGNORE.findall(path.read_text())) for path in (ROOT / "src").rglob("*.py"))


def load() -> tuple[dict[str, int], int]:
    data = json.loads(BASELINE.read_text())
    return {str(k): int(v) for k, v in data["errors"].items()}, int(data["type_ignores"])


def save(errors: dict[str, int], ignores: int) -> None:
    data = {"type_ignores": ignores, "errors": dict(sorted((k, v) for k, v in errors.items() if v > 0))}
    BASELINE.write_text(json.dumps(data, indent=2) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--update", action="store_true", help="lower the baseline to the current counts")
    args = parser.parse_args(argv)

    counts, output = run_mypy()
    ignores = count_ignores()
    allowed, allowed_ignores = load()
    total = sum(counts.values())
    print(f"mypy: {total} errors in {len(counts)} files (baseline {sum(allowed.values())}); type: ignore: {ignores}")

    worse = {path: n for path, n in counts.items() if n > allowed.get(path, 0)}
    better = {path: n for path, n in allowed.items() if counts.get(path, 0) < n}
    if args.update:
        save({path: min(n, counts.get(path, 0)) for path, n in allowed.items()}, min(ignores, allowed_ignores))
        print(f"baseline lowered for {len(better)} files" if better else "baseline unchanged")
        better = {}
    failed = False
    for path, n in sorted(worse.items()):
        failed = True
        print(f"{path}: {n} mypy errors, baseline allows {allowed.get(path, 0)}:")
        for line in output.splitlines():
            if line.startswith(path + ":"):
                print("  " + line)
    if ignores > allowed_ignores:
        failed = True
        print(f"{ignores} 'type: ignore' comments in src, baseline allows {allowed_ignores}: fix the type instead")
    if better or (ignores < allowed_ignores and not args.update):
        failed = True
        for path, n in sorted(better.items()):
            print(f"{path}: {counts.get(path, 0)} mypy errors, fewer than the baseline's {n}")
        print("Fewer errors than the baseline: run `python scripts/mypy_baseline.py --update` and commit it.")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
