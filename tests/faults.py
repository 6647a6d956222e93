"""Real faults for tests: a small disk (a tmpfs mount), and a process killed at a named point.

Nothing here replaces the database, the cipher or the keyring: the faults are the operating
system's own (a full filesystem, SIGKILL), made to happen at a moment a test can name.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def require_root(reason: str) -> None:
    """Mounting needs root; outside CI a non-root run skips, in CI it fails (the tool is expected)."""
    if os.geteuid() != 0:
        if os.environ.get("CI"):
            pytest.fail(f"{reason} needs root, which CI has")
        pytest.skip(f"{reason} needs root (mount)")


@contextmanager
def small_disk(path: Path, size_kib: int, *, read_only: bool = False) -> Iterator[Path]:
    """A real filesystem of `size_kib` KiB mounted at `path` (tmpfs), unmounted afterwards."""
    require_root("a small disk")
    path.mkdir(parents=True, exist_ok=True)
    options = f"size={size_kib}k,mode=0700" + (",ro" if read_only else "")
    subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)], check=True)
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def remount(path: Path, *, read_only: bool) -> None:
    subprocess.run(["mount", "-o", f"remount,{'ro' if read_only else 'rw'}", str(path)], check=True)


def fill(folder: Path, *, leave_kib: int = 0) -> Path:
    """Fill the filesystem under `folder` until only about `leave_kib` KiB are free."""
    filler = folder / "filler"
    chunk = b"\0" * 4096
    with filler.open("wb") as handle:
        while True:
            stats = os.statvfs(folder)
            if stats.f_bavail * stats.f_frsize <= leave_kib * 1024:
                break
            try:
                handle.write(chunk)
                handle.flush()
            except OSError:
                break
    return filler


def run_cli_killed(
    target: str, *args: str, after_call: int = 1, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the CLI and SIGKILL it right after the `after_call`-th call of `target` returns.

    `target` is "module:function" as the module looks it up (e.g. "relationjournal.core.access:fsync_dir").
    """
    module, function = target.split(":")
    script = textwrap.dedent(f"""
        import importlib, os, signal, sys
        module = importlib.import_module({module!r})
        original = getattr(module, {function!r})
        calls = 0
        def wrapped(*args, **kwargs):
            global calls
            result = original(*args, **kwargs)
            calls += 1
            if calls == {after_call}:
                os.kill(os.getpid(), signal.SIGKILL)
            return result
        setattr(module, {function!r}, wrapped)
        from relationjournal.cli import main
        sys.argv = ["relationjournal", *{list(args)!r}]
        raise SystemExit(main())
    """)
    return subprocess.run(
        [sys.executable, "-c", script],
        input="",
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=120,
    )
