"""One window per journal: a second start brings the running window forward instead.

The running app listens on a local socket named after its journal; a second instance connects,
asks it to come forward, and exits.
"""

from __future__ import annotations

import hashlib
import os
import sys

from relationjournal.core.locations import JournalLocation
from relationjournal.ui.qt import QDir, QLocalServer, QLocalSocket, QObject, Signal

CONNECT_MS = 500
SOCKET_PATH_MAX = 103  # a Unix socket's path must fit in 104 bytes on macOS (108 on Linux)


def server_name(location: JournalLocation) -> str:
    """The socket's name: a named pipe on Windows, else a path in the first folder short enough
    to hold it (a deep TMPDIR would make Qt's default path too long, and listening would fail)."""
    name = "relationjournal-" + hashlib.sha256(str(location.database).encode()).hexdigest()[:16]
    if sys.platform == "win32":
        return name
    for folder in (os.environ.get("XDG_RUNTIME_DIR"), QDir.tempPath(), "/tmp"):
        usable = folder and os.path.isdir(folder) and os.access(folder, os.W_OK | os.X_OK)
        if usable and len(os.fsencode(path := os.path.join(folder, name))) <= SOCKET_PATH_MAX:
            return path
    return name


def ask_running_instance(location: JournalLocation) -> bool:
    """True if an app already has this journal open (and was asked to come forward)."""
    socket = QLocalSocket()
    socket.connectToServer(server_name(location))
    if not socket.waitForConnected(CONNECT_MS):
        return False
    socket.write(b"raise\n")
    socket.waitForBytesWritten(CONNECT_MS)
    socket.disconnectFromServer()
    return True


class InstanceServer(QObject):
    """Listens for later starts of the app on the same journal. Made only by the app that holds
    the journal's app lock, so a socket already at its path is one a crashed app left behind."""

    raise_requested = Signal()

    def __init__(self, location: JournalLocation, parent: QObject | None = None):
        super().__init__(parent)
        self.server = QLocalServer(self)
        self.server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        name = server_name(location)
        if not self.server.listen(name):
            QLocalServer.removeServer(name)  # left behind by a crashed instance
            self.server.listen(name)
        self.server.newConnection.connect(self._accept)

    def _accept(self) -> None:
        while (connection := self.server.nextPendingConnection()) is not None:
            connection.readyRead.connect(self._read)
            self._connections = getattr(self, "_connections", []) + [connection]

    def _read(self) -> None:
        for connection in list(getattr(self, "_connections", [])):
            if connection.bytesAvailable() and bytes(connection.readAll()).startswith(b"raise"):
                self.raise_requested.emit()
            if connection.state() != QLocalSocket.LocalSocketState.ConnectedState:
                self._connections.remove(connection)
