"""The layout keeps its promises: no service imports another; shared/ imports no service."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_import_contracts_hold():
    lint_imports = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or "lint-imports"
    result = subprocess.run([lint_imports], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 2 kept, 0 broken." in result.stdout


def test_every_service_reads_top_down():
    for service in ("referral", "casework", "notifications", "reporting"):
        folder = ROOT / "services" / service
        assert (folder / "app.py").exists() and (folder / "settings.py").exists()
        assert (folder / "projections.py").exists(), f"{service} has no read models"
