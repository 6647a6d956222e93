"""One window per journal: a second start brings the running window forward instead.

The running app listens on a local socket named after its journal; a second instance connects,
asks it to come forward, and exits.

Only this user's processes take part. On Linux and macOS the socket lives in a folder no one else
can change: $XDG_RUNTIME_DIR, else a `relationjournal-<uid>` folder made (mode 0700) in the temp
folder. A folder another user made, or may write to, is never used: they could have put their own
socket at our name, and a second start would report "brought forward" to them. With no such folder
the app runs without this feature (a second start then says the first does not answer). Both ends
also check the other's user id on each connection (SO_PEERCRED on Linux, getpeereid on macOS and
the BSDs): the server ignores other users' clients, and a client never talks to another user's
server. On Windows the socket is a named pipe that only this user may open (Qt's
UserAccessOption); the server's owner is not checked there.
"""

from __future__ import annotations

import hashlib
import os
import stat
import sys

from relationjournal.core.locations import JournalLocation
from relationjournal.ui.qt import QDir, QLocalServer, QLocalSocket, QObject, Signal

CONNECT_MS = 500
SOCKET_PATH_MAX = 103  # a Unix socket's path must fit in 104 bytes on macOS (108 on Linux)
RUNTIME_FOLDER = "relationjournal-{uid}"  # in the temp folder, when there is no XDG_RUNTIME_DIR


def server_name(location: JournalLocation) -> str | None:
    """The socket's name: a named pipe on Windows, else a path in the first private folder short
    enough to hold it (a deep TMPDIR would make the path too long, and listening would fail).
    None if there is no such folder: then no socket is made or asked."""
    name = "relationjournal-" + hashlib.sha256(str(location.database).encode()).hexdigest()[:16]
    if sys.platform == "win32":
        return name
    folder_name = RUNTIME_FOLDER.format(uid=os.getuid())
    candidates = [(os.environ.get("XDG_RUNTIME_DIR"), False)]  # (folder, make it if missing)
    candidates += [(os.path.join(temp, folder_name), True) for temp in (QDir.tempPath(), "/tmp")]
    for folder, make in candidates:
        if not folder or not os.path.isabs(folder):
            continue
        path = os.path.join(folder, name)
        if len(os.fsencode(path)) <= SOCKET_PATH_MAX and is_private_folder(folder, make=make):
            return path
    return None


def is_private_folder(folder: str, *, make: bool = False) -> bool:
    """True if `folder` is a real folder (not a link) of this user that no one else may write to.
    With `make`, a missing one is made first, mode 0700."""
    if make:
        try:
            os.mkdir(folder, 0o700)
        except FileExistsError:
            pass
        except OSError:
            return False
    try:
        info = os.lstat(folder)
    except OSError:
        return False
    return (
        stat.S_ISDIR(info.st_mode)
        and info.st_uid == os.getuid()
        and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
        and os.access(folder, os.W_OK | os.X_OK)
    )


def peer_uid(descriptor: int) -> int | None:
    """The user id of the process at the other end of a connected Unix socket, or None where the
    platform gives no way to ask. Raises OSError if asking fails."""
    if sys.platform.startswith("linux"):
        import socket
        import struct

        with socket.fromfd(descriptor, socket.AF_UNIX, socket.SOCK_STREAM) as connection:  # a duplicate
            credentials = connection.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("iII"))
        uid: int = struct.unpack("iII", credentials)[1]  # struct ucred: pid, uid, gid
        return uid
    if sys.platform == "darwin" or "bsd" in sys.platform:
        import ctypes

        uid, gid = ctypes.c_uint32(), ctypes.c_uint32()
        if ctypes.CDLL(None, use_errno=True).getpeereid(descriptor, ctypes.byref(uid), ctypes.byref(gid)) != 0:
            raise OSError(ctypes.get_errno(), "getpeereid failed")
        return uid.value
    return None


def is_same_user(connection: QLocalSocket) -> bool:
    """True unless the other end of `connection` belongs to another user (or cannot be asked
    where the platform should be able to say)."""
    if sys.platform == "win32":
        return True
    try:
        uid = peer_uid(int(connection.socketDescriptor()))
    except (OSError, ValueError):
        return False
    return uid is None or uid == os.getuid()


def ask_running_instance(location: JournalLocation) -> bool:
    """True if an app of this user already has this journal open (and was asked to come forward)."""
    name = server_name(location)
    if name is None:
        return False
    socket = QLocalSocket()
    socket.connectToServer(name)
    if not socket.waitForConnected(CONNECT_MS):
        return False
    if not is_same_user(socket):
        socket.abort()
        return False
    socket.write(b"raise\n")
    socket.waitForBytesWritten(CONNECT_MS)
    socket.disconnectFromServer()
    return True


class InstanceServer(QObject):
    """Listens for later starts of the app on the same journal. Made only by the app that holds
    the journal's app lock, so a socket already at its path is one a crashed app left behind
    (the folder is this user's alone)."""

    raise_requested = Signal()

    def __init__(self, location: JournalLocation, parent: QObject | None = None):
        super().__init__(parent)
        self._connections: list[QLocalSocket] = []
        self.server = QLocalServer(self)
        self.server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self.server.newConnection.connect(self._accept)
        name = server_name(location)
        if name is None:
            return  # nowhere safe to listen: later starts will not find this one
        if not self.server.listen(name):
            QLocalServer.removeServer(name)  # left behind by a crashed instance
            self.server.listen(name)

    def _accept(self) -> None:
        while (connection := self.server.nextPendingConnection()) is not None:
            if not is_same_user(connection):
                connection.abort()  # another user's process: not a later start of this app
                connection.deleteLater()
                continue
            connection.readyRead.connect(self._read)
            self._connections.append(connection)

    def _read(self) -> None:
        for connection in list(self._connections):
            if connection.bytesAvailable() and bytes(connection.readAll().data()).startswith(b"raise"):
                self.raise_requested.emit()
            if connection.state() != QLocalSocket.LocalSocketState.ConnectedState:
                self._connections.remove(connection)
