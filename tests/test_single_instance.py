"""One window per journal, between this user's processes only: another local user can neither
answer a second start ("brought forward") nor make the running app come forward.

The other user is real (uid 65534, `nobody`), running its own processes; these tests need root.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from relationjournal.core.applock import AppLock
from tests.conftest import Sandbox, run_cli
from tests.test_hardening import AS_NOBODY, NOBODY, second_user_python

LISTEN = """
import os, selectors, socket, sys
folder, mode, paths = sys.argv[1], int(sys.argv[2], 8), sys.argv[3:]
if folder != "-":
    os.mkdir(folder)
    os.chmod(folder, mode)
selector = selectors.DefaultSelector()
for path in paths:
    server = socket.socket(socket.AF_UNIX)
    server.bind(path)
    os.chmod(path, 0o777)
    server.listen()
    selector.register(server, selectors.EVENT_READ, "server")
selector.register(sys.stdin, selectors.EVENT_READ)
print("listening", flush=True)
stopping = False
while True:
    events = selector.select(timeout=0.2 if stopping else None)
    if stopping and not events:
        sys.exit(0)  # after what was already on its way
    for key, _ in events:
        if key.fileobj is sys.stdin:
            stopping = True
            selector.unregister(sys.stdin)
        elif key.data == "server":
            connection, _ = key.fileobj.accept()
            print("connected to", key.fileobj.getsockname(), flush=True)
            selector.register(connection, selectors.EVENT_READ)
        elif data := key.fileobj.recv(100):
            print("got", data, flush=True)
        else:
            selector.unregister(key.fileobj)
            key.fileobj.close()
"""

ASK = """
import socket, sys
client = socket.socket(socket.AF_UNIX)
client.connect(sys.argv[1])
client.settimeout(10)
try:
    client.sendall(b"raise\\n")
    if sys.argv[2] == "wait":
        print("closed" if client.recv(1) == b"" else "answered")
except (BrokenPipeError, ConnectionResetError):
    print("closed")  # hung up on, before or after it asked
except TimeoutError:
    print("still open")
"""


def listen(command: list[str], folder: Path, make: str, mode: int, *paths: str, **options) -> subprocess.Popen:
    """A process listening on Unix sockets at `paths` (relative to `folder`), after making the
    folder `make` (or "-") with `mode`; it prints a line for every connection, and stops when its
    standard input closes."""
    listener = subprocess.Popen([*command, "-c", LISTEN, make, oct(mode), *paths], cwd=folder, stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, text=True, **options)  # fmt: skip
    assert listener.stdout is not None and listener.stdout.readline() == "listening\n"
    return listener


def stop(listener: subprocess.Popen) -> str:
    """Stop a `listen` process; what it heard."""
    heard, _ = listener.communicate(timeout=30)
    return heard


def short_folder(monkeypatch: pytest.MonkeyPatch, variable: str) -> Iterator[Path]:
    """A new folder with a short path in `variable`: the sandbox's are too long for a socket's."""
    folder = Path(tempfile.mkdtemp(prefix="rj-", dir="/tmp"))
    monkeypatch.setenv(variable, str(folder))
    yield folder
    shutil.rmtree(folder)


@pytest.fixture
def runtime_dir(sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private XDG_RUNTIME_DIR."""
    yield from short_folder(monkeypatch, "XDG_RUNTIME_DIR")


@pytest.fixture
def shared_tmpdir(sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """No XDG_RUNTIME_DIR, and a TMPDIR anyone may write in (sticky, as /tmp is)."""
    monkeypatch.delenv("XDG_RUNTIME_DIR")
    for folder in short_folder(monkeypatch, "TMPDIR"):
        folder.chmod(0o1777)
        yield folder


def socket_basename(sandbox: Sandbox) -> str:
    """The socket's file name, without making any folder for it (as `server_name` may)."""
    return "relationjournal-" + hashlib.sha256(str(sandbox.location.database).encode()).hexdigest()[:16]


@pytest.mark.parametrize("mode", [0o777, 0o755], ids=["0777", "0755"])
def test_a_second_start_never_says_brought_forward_to_another_users_socket(
    sandbox: Sandbox, shared_tmpdir: Path, mode: int
) -> None:
    """With no XDG_RUNTIME_DIR the socket's folder is in the temp folder, where another user may
    have made it first, and listen in it (and where the socket itself used to be)."""
    other_python = second_user_python()
    name = socket_basename(sandbox)
    assert run_cli("init").returncode == 0
    temp = shared_tmpdir
    folder = f"relationjournal-{os.getuid()}"
    squatter = listen(other_python, temp, folder, mode, f"{folder}/{name}", name, **AS_NOBODY)
    held = AppLock(sandbox.location)  # as a running app holds it
    assert held.acquire()
    try:
        result = run_cli("gui", "--quit-after-paint")
    finally:
        held.release()
        heard = stop(squatter)
    assert "brought forward" not in result.stdout
    assert result.returncode == 1 and "does not answer" in result.stderr, result.stderr
    assert heard == ""  # nothing of ours even connected to their sockets
    assert (temp / folder).stat().st_uid == NOBODY  # and their folder was left alone


def test_with_another_users_folder_in_the_way_the_app_still_listens_and_is_found(
    sandbox: Sandbox, shared_tmpdir: Path, qtbot
) -> None:
    from relationjournal.ui.single import InstanceServer, ask_running_instance, is_private_folder

    taken = shared_tmpdir / f"relationjournal-{os.getuid()}"
    taken.mkdir()
    taken.chmod(0o777)  # anyone may write in it: never ours to use, whoever made it
    if os.geteuid() == 0:
        os.chown(taken, NOBODY, NOBODY)
    server = InstanceServer(sandbox.location)
    assert server.server.isListening()
    path = Path(server.server.fullServerName())
    assert taken not in path.parents and is_private_folder(str(path.parent))
    with qtbot.waitSignal(server.raise_requested, timeout=5000):
        assert ask_running_instance(sandbox.location)


def test_the_app_does_not_come_forward_for_another_users_process(sandbox: Sandbox, runtime_dir: Path, qtbot) -> None:
    """Even if another user can reach the socket (a folder or socket mode gone wrong), the app
    checks who connected and ignores them; this user's own processes are still heard."""
    from relationjournal.ui.single import InstanceServer

    other_python = second_user_python()
    server = InstanceServer(sandbox.location)
    raised: list[bool] = []
    server.raise_requested.connect(lambda: raised.append(True))
    path = Path(server.server.fullServerName())
    assert path.parent == runtime_dir
    path.parent.chmod(0o711)  # no one else may write in it, but they may pass through
    path.chmod(0o777)
    other = subprocess.Popen([*other_python, "-c", ASK, path.name, "wait"], cwd=path.parent, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, **AS_NOBODY)  # fmt: skip
    qtbot.waitUntil(lambda: other.poll() is not None, timeout=30_000)
    said, problem = other.communicate()
    assert (other.returncode, said, raised) == (0, "closed\n", []), problem  # hung up on, never raised

    with qtbot.waitSignal(server.raise_requested, timeout=10_000):  # the control: this user's own process
        mine = subprocess.Popen([sys.executable, "-c", ASK, str(path), "send"])
    assert mine.wait(timeout=30) == 0


def test_a_second_start_does_not_talk_to_another_users_server(sandbox: Sandbox, runtime_dir: Path, qapp) -> None:
    """A socket of another user's process at the app's own path (a race lost to them, or root
    put it there): the second start checks who listens, and does not report it as the app."""
    from relationjournal.ui.single import ask_running_instance, server_name

    other_python = second_user_python()
    theirs = sandbox.root / "theirs"
    theirs.mkdir()
    os.chown(theirs, NOBODY, NOBODY)
    target = server_name(sandbox.location)
    assert target is not None and Path(target) == runtime_dir / socket_basename(sandbox)
    impostor = listen(other_python, theirs, "-", 0, "socket", **AS_NOBODY)
    try:
        os.rename(theirs / "socket", target)  # the socket keeps listening under its new name
        refused = not ask_running_instance(sandbox.location)
    finally:
        heard = stop(impostor)
        Path(target).unlink(missing_ok=True)
    assert refused
    assert "got" not in heard  # (it may have seen the connection we hung up on; it was told nothing)

    own = listen([sys.executable], Path(target).parent, "-", 0, os.path.basename(target))  # the control
    try:
        assert ask_running_instance(sandbox.location)
    finally:
        assert "got b'raise\\n'" in stop(own)
        Path(target).unlink(missing_ok=True)
