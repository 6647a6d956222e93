"""No core dumps: a crash of the app leaves no memory image (which holds the key and the plaintext)
behind, and on Linux other processes of the same user cannot read its memory either.

Real processes only: the app runs as a subprocess on a real journal and is crashed with SIGABRT.
"""

from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import FILE_KEYRING, Sandbox, run_cli

NOBODY = 65534  # the second OS user
AS_NOBODY = {"user": NOBODY, "group": NOBODY, "extra_groups": []}
START_S = 60
linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc and core files: Linux")


def unlimited_cores() -> None:
    """In the child, before exec: allow core files of any size (as a user's `ulimit -c unlimited`)."""
    resource.setrlimit(resource.RLIMIT_CORE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))


def wait_until(condition, process: subprocess.Popen, what: str) -> None:
    deadline = time.monotonic() + START_S
    while not condition():
        if process.poll() is not None:
            output = process.stderr.read() if process.stderr else ""
            pytest.fail(f"the process exited ({process.returncode}) before {what}: {output}")
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def core_limit(pid: int) -> tuple[str, str]:
    """The soft and hard core size limits of a running process, as /proc shows them."""
    line = next(x for x in Path(f"/proc/{pid}/limits").read_text().splitlines() if x.startswith("Max core file size"))
    soft, hard = line.split()[4:6]
    return soft, hard


def crash(process: subprocess.Popen, folder: Path) -> list[Path]:
    """SIGABRT `process` (its default action dumps core); the core files it left in `folder`, its
    working folder."""
    process.send_signal(signal.SIGABRT)
    assert process.wait(timeout=60) == -signal.SIGABRT
    assert process.stdin is not None
    process.stdin.close()
    return sorted(folder.glob("core*"))


def start(command: list[str], folder: Path) -> subprocess.Popen:
    """`command` running in `folder`, allowed core files of any size."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONFAULTHANDLER"}  # (it would catch SIGABRT)
    return subprocess.Popen(command, cwd=folder, env=env, preexec_fn=unlimited_cores, stdin=subprocess.PIPE,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip


@pytest.fixture
def crash_folder(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "crash"
    folder.mkdir()
    yield folder
    for core in folder.glob("core*"):
        core.unlink()  # they can be large


@linux_only
def test_the_app_leaves_no_core_dump_when_it_crashes(sandbox: Sandbox, crash_folder: Path) -> None:
    # The control: a plain Python process crashed the same way does leave a core file here, so the
    # check below can fail (cores go to the crashing process's folder when core_pattern says so).
    control = start([sys.executable, "-c", "import sys; print('ready', flush=True); sys.stdin.read()"],
                    crash_folder)  # fmt: skip
    try:
        wait_until(lambda: core_limit(control.pid)[0] == "unlimited", control, "the control started")
    finally:
        control_cores = crash(control, crash_folder)
    if not control_cores:
        pattern = Path("/proc/sys/kernel/core_pattern").read_text().strip()
        message = f"this machine writes no core files to the crashing process's folder (core_pattern {pattern!r})"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    for core in crash_folder.glob("core*"):
        core.unlink()

    assert run_cli("init").returncode == 0
    wal = Path(str(sandbox.location.database) + "-wal")
    app = start([sys.executable, "-m", "relationjournal", "gui"], crash_folder)
    try:
        wait_until(wal.exists, app, "the app opened the journal")  # its key is in memory now
        limits = core_limit(app.pid)
        cores = crash(app, crash_folder)
    finally:
        if app.poll() is None:
            app.kill()
            app.wait(timeout=60)
    assert cores == []
    assert limits == ("0", "0")  # soft and hard: it cannot raise it again


PEEK = """
import os, sys
for name in sys.argv[2:]:
    try:
        os.listdir(f"/proc/{sys.argv[1]}/{name}") if name == "fd" else open(f"/proc/{sys.argv[1]}/{name}", "rb").read(1)
        print(name, "read")
    except PermissionError:
        print(name, "refused")
"""


@linux_only
def test_the_app_running_as_another_user_is_not_dumpable_and_its_memory_is_closed_to_that_user() -> None:
    """Made non-dumpable, the process's memory, environment and open files in /proc belong to
    root: other processes of the same user cannot read them (as they could before), nor ptrace it."""
    relationjournal_command, python = second_user_python(app=True), second_user_python()[0]
    home = Path(tempfile.mkdtemp(prefix="rj-second-user-", dir="/tmp"))
    try:
        os.chown(home, NOBODY, NOBODY)
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHON_KEYRING_BACKEND": FILE_KEYRING,
               "QT_QPA_PLATFORM": "offscreen", "RELATIONJOURNAL_DATA_DIR": str(home / "data")}  # fmt: skip
        for variable, name in [("HOME", ""), ("XDG_DATA_HOME", "xdg-data"), ("XDG_CONFIG_HOME", "config"),
                               ("XDG_CACHE_HOME", "cache"), ("XDG_STATE_HOME", "state"),
                               ("XDG_RUNTIME_DIR", "runtime"), ("TMPDIR", "tmp")]:  # fmt: skip
            env[variable] = str(home / name)
            (home / name).mkdir(mode=0o700, exist_ok=True)
            os.chown(home / name, NOBODY, NOBODY)
        if "PYTHONPATH" in os.environ:  # the same code as the test runs
            env["PYTHONPATH"] = os.environ["PYTHONPATH"]
        as_nobody = {"env": env, "cwd": home, **AS_NOBODY}
        init = subprocess.run([*relationjournal_command, "init"], capture_output=True, text=True, timeout=120,
                              **as_nobody)  # fmt: skip
        assert init.returncode == 0, init.stderr
        with subprocess.Popen([*relationjournal_command, "gui"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              text=True, **as_nobody) as app:  # fmt: skip
            try:
                wait_until((home / "data" / "journal.db-wal").exists, app, "the app opened the journal")
                status = Path(f"/proc/{app.pid}/status").read_text()
                private = ["mem", "environ", "fd", "maps"]
                owners = {name: os.stat(f"/proc/{app.pid}/{name}").st_uid for name in private}
                peeked = subprocess.run([python, "-c", PEEK, str(app.pid), *private], capture_output=True, text=True,
                                        timeout=60, **as_nobody)  # fmt: skip
            finally:
                app.terminate()
    finally:
        shutil.rmtree(home)
    assert f"Uid:\t{NOBODY}\t{NOBODY}" in status  # it runs as the second user …
    assert owners == dict.fromkeys(private, 0)  # … but root owns the doors to its memory
    assert peeked.stdout.split() == [word for name in private for word in (name, "refused")], peeked.stderr


def test_hardening_is_cheap_to_import_and_says_what_it_did() -> None:
    script = (
        "import sys; before = set(sys.modules)\n"
        "from relationjournal.core.hardening import forbid_core_dumps\n"
        "print(sorted(m for m in set(sys.modules) - before if not m.startswith('relationjournal')))\n"
        "print(forbid_core_dumps())\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    imported, done = result.stdout.splitlines()
    assert imported == "[]"  # ctypes and resource load only when it runs
    if sys.platform.startswith("linux"):
        assert done == "['core size limit 0', 'not dumpable']"
    elif sys.platform == "darwin":
        assert done == "['core size limit 0']"


# Running a process as a second OS user ----------------------------------------------------------
def second_user_python(*, app: bool = False) -> list[str]:
    """A command that runs Python as the second user (with `app`: the app, as `python -m
    relationjournal` does). The test runner's own interpreter may sit in a folder only root can
    enter (/root/.pyenv): then the system's Python of the same version, given our site-packages
    (the .pth files too: an editable install), will do. Skips where no second user can be used."""
    if not sys.platform.startswith("linux") or os.geteuid() != 0:
        pytest.skip("running a process as a second OS user needs root on Linux")
    site = f"import site; [site.addsitedir(d) for d in {[p for p in sys.path if p.endswith('site-packages')]!r}]; "
    probe = site + "import relationjournal.ui.icons, PySide6.QtNetwork" if app else "import socket"
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    for python in dict.fromkeys([sys.executable, f"/usr/bin/{version}", f"/usr/local/bin/{version}"]):
        try:
            result = subprocess.run([python, "-c", probe], cwd="/", capture_output=True, timeout=60, **AS_NOBODY)
        except OSError:  # the second user may not even enter its folder
            continue
        if result.returncode == 0 and app:
            run = "import runpy; runpy.run_module('relationjournal', run_name='__main__', alter_sys=True)"
            return [python, "-c", site + run]
        if result.returncode == 0:
            return [python]
    pytest.skip(f"no {version} that user {NOBODY} can run with this checkout's packages")


def test_the_memory_security_measurement_runs_at_a_small_size(tmp_path: Path) -> None:
    """`python -m relationjournal.bench --memory-security` (the numbers are for the README, not
    asserted): each setting in its own process, which checks that SQLCipher reports it in effect."""
    out, cache = tmp_path / "memory-security.md", tmp_path / "cache"
    result = subprocess.run(
        [sys.executable, "-m", "relationjournal.bench", "--memory-security", "--people", "50", "--interactions", "500",
         "--repeat", "1", "--heavy-repeat", "1", "--rounds", "1", "--cache", str(cache), "--out", str(out)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    rows = [line for line in out.read_text().splitlines() if line.startswith("| ") and not line.startswith("| case")]
    assert len(rows) == 7 and all("memory security ON; floor: OFF" in row for row in rows)
