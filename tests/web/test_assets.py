"""The browser assets `make assets` builds (docs/dashboard.md#building-the-browser-assets): each file the pages load
is in static/vendor/, is the file of the version package-lock.json pins, carries its licence, and a wheel ships
them all."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.web.web_support import ROOT, VENDOR, VENDOR_FILES, locked_version

PINNED = {"htmx.org": "2.0.", "htmx-ext-sse": "2.", "vega": "6.", "vega-lite": "6.", "vega-embed": "7."}


def test_package_json_pins_exact_versions_and_the_lock_holds_them() -> None:
    wanted = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))["dependencies"]
    assert sorted(wanted) == sorted(PINNED)
    for package, version in wanted.items():
        assert version[0].isdigit(), f"{package}: {version} is a range, not one version"
        assert locked_version(package) == version
        # htmx 2.0.x, the line the htmx-ext-sse extension is written for (4.x is npm's `latest`)
        assert version.startswith(PINNED[package]), (package, version)


@pytest.mark.parametrize("name", sorted(VENDOR_FILES))
def test_each_vendor_file_is_the_locked_packages_file(name: str) -> None:
    package, inside = VENDOR_FILES[name]
    installed = ROOT / "node_modules" / package
    # npm ci checked the tarball against the lock's integrity hash; its package.json says which version it was.
    manifest = json.loads((installed / "package.json").read_text(encoding="utf-8"))
    assert manifest["version"] == locked_version(package)
    built = VENDOR / name
    assert built.is_file(), f"{built} is missing: run `make assets`"
    assert built.read_bytes() == (installed / inside).read_bytes()
    assert (VENDOR / "LICENSES" / f"{package}.txt").read_bytes() == (installed / "LICENSE").read_bytes()


@pytest.mark.slow
def test_a_wheel_ships_the_vendor_files(tmp_path: Path) -> None:
    """Built from a copy of the project (the build writes build/ and *.egg-info beside the sources)."""
    source = tmp_path / "project"
    shutil.copytree(ROOT / "src", source / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(tmp_path), str(source)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = tmp_path.glob("kpilot-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {f"kpilot/server/web/static/vendor/{name}" for name in VENDOR_FILES}
    licences = {f"kpilot/server/web/static/vendor/LICENSES/{package}.txt" for package, _ in VENDOR_FILES.values()}
    assert shipped | licences <= names
    assert "kpilot/server/web/static/vendor/.built" not in names  # make's stamp stays out
