"""The benchmark runs (at a small size, so it never rots); its numbers are for the README, not asserted."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from relationjournal.bench import STALL_CASES


def test_benchmark_runs_at_a_small_size(tmp_path: Path) -> None:
    out = tmp_path / "performance.md"
    result = subprocess.run(
        [sys.executable, "-m", "relationjournal.bench", "--people", "1000", "--interactions", "20000", "--repeat", "1",
         "--heavy-repeat", "1", "--cache", str(tmp_path / "cache"), "--out", str(out)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    table = out.read_text(encoding="utf-8")
    rows = [line for line in table.splitlines() if line.startswith("| ") and not line.startswith("| case")]
    assert len(rows) == 16 + len(STALL_CASES)  # (+1: insights, one year)
    assert all(" ms |" in row or " s |" in row or " MB |" in row for row in rows)
    # The GUI stall probe: a row for every action, with its value in ms.
    stall_rows = {key: next((row for row in rows if row.startswith(f"| {case} |")), None)
                  for key, case in STALL_CASES.items()}  # fmt: skip
    assert None not in stall_rows.values(), stall_rows
    assert all(" ms |" in row for row in stall_rows.values())
