"""ruff keeps the code base in one style (lint and format), in CI like everything else."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parent.parent
TREES = ["relationjournal", "tests", "packaging"]


def ruff(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ruff", *args], cwd=ROOT, capture_output=True, text=True)


def test_ruff_check() -> None:
    result = ruff("check", *TREES)
    assert result.returncode == 0, result.stdout


def test_ruff_format() -> None:
    result = ruff("format", "--check", *TREES, "--exclude", "relationjournal/core/migrations/versions/*")
    assert result.returncode == 0, result.stdout
