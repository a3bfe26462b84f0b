"""The layout keeps its promises: rj above services above shared; no service imports another;
every service is laid out alike, with a pure domain."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from rj.registry import SERVICES

ROOT = Path(__file__).resolve().parents[2]
LAYOUT = ("app.py", "bootstrap.py", "settings.py", "domain", "handlers", "adapters", "projections", "api")


def test_the_import_contracts_hold():
    lint_imports = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or "lint-imports"
    result = subprocess.run([lint_imports], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 4 kept, 0 broken." in result.stdout


def test_every_service_is_laid_out_alike():
    for name in SERVICES:
        folder = ROOT / "services" / name
        missing = [part for part in LAYOUT if not (folder / part).exists()]
        assert not missing, f"{name} lacks {missing}"


def test_shared_names_no_service_and_reaches_none_by_name():
    offenders = [str(path.relative_to(ROOT)) for path in (ROOT / "shared").rglob("*.py")
                 if "import_module" in path.read_text() or "services." in path.read_text()]
    assert not offenders
