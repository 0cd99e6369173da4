"""exactlink is a distribution of its own: it builds from packages/exactlink, and it installs and imports
beside the PyPI package ``exactonline`` (whose name it avoids) without a file in common."""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
import zipfile
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "packages" / "exactlink"


def build_wheel(tmp_path: Path) -> Path:
    source = tmp_path / "source"
    shutil.copytree(PACKAGE, source, ignore=shutil.ignore_patterns("*.egg-info", "build", "__pycache__"))
    out = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-build-isolation", "--no-deps", "-w", str(out), "."],
        cwd=source,
        check=True,
        capture_output=True,
    )
    (wheel,) = out.glob("exactlink-*.whl")
    return wheel


def test_the_wheel_holds_exactlink_and_nothing_else(tmp_path: Path) -> None:
    import exactlink

    wheel = build_wheel(tmp_path)
    names = zipfile.ZipFile(wheel).namelist()
    tops = {name.split("/", 1)[0] for name in names}
    assert tops == {"exactlink", f"exactlink-{exactlink.__version__}.dist-info"}
    assert "exactlink/py.typed" in names
    meta = zipfile.ZipFile(wheel).read(f"exactlink-{exactlink.__version__}.dist-info/METADATA").decode()
    assert "Name: exactlink" in meta and "Requires-Dist: httpx" in meta
    assert not any("django" in line.lower() for line in meta.splitlines() if line.startswith("Requires-Dist"))


def test_installed_beside_exactonline_without_a_clash(tmp_path: Path) -> None:
    installed = {dist.metadata["Name"].lower(): dist for dist in metadata.distributions()}
    assert "exactonline" in installed and "exactlink" in installed  # make installs both
    ledgerlink_needs = metadata.requires("ledgerlink") or []
    assert any(req.startswith("exactlink") for req in ledgerlink_needs)
    theirs = {str(f) for f in installed["exactonline"].files or []}
    # A fresh environment with only the built wheel; the rest (httpx, exactonline) seen from this one.
    wheel = build_wheel(tmp_path)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    uv = str(Path(sys.executable).parent / "uv")
    subprocess.run(
        [uv, "pip", "install", "--quiet", "--offline", "--no-deps", "--python", str(python), str(wheel)],
        check=True,
        capture_output=True,
    )
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    (Path(site) / "beside.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    ours = {p.relative_to(site).as_posix() for p in Path(site).rglob("*") if p.is_file() and "exactlink" in str(p)}
    assert ours and not ours & theirs
    probe = (
        "import exactlink, exactonline, exactonline.api;"
        "from exactlink import ExactClient, classify;"
        "print(exactlink.__file__); print(exactonline.__file__)"
    )
    run = subprocess.run([str(python), "-c", probe], check=True, capture_output=True, text=True)
    ours_file, theirs_file = run.stdout.split()
    assert ours_file.startswith(site)  # the built wheel, not the source tree
    assert Path(theirs_file).parent.name == "exactonline" and Path(ours_file).parent != Path(theirs_file).parent
