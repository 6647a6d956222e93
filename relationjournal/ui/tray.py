"""The system tray icon: a count of what is due, and a quiet desktop notification when more comes due.

Notifications name no one: they can show on a locked or shared screen. Where the platform has no
tray, this does nothing and the Today page is the only place reminders show.
"""

from __future__ import annotations

from relationjournal.ui.icons import icon
from relationjournal.ui.qt import QMenu, QObject, QSystemTrayIcon, Signal


class ReminderTray(QObject):
    activated = Signal()
    quit_requested = Signal()

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.tray: QSystemTrayIcon | None = None
        self.notified = 0
        if not QSystemTrayIcon.isSystemTrayAvailable():
            return
        self.tray = QSystemTrayIcon(icon("app"), self)
        menu = QMenu()
        menu.addAction("Open Relation Journal", self.activated.emit)
        menu.addSeparator()
        menu.addAction("Quit", self.quit_requested.emit)
        self._menu = menu
        self.tray.setContextMenu(menu)
        self.tray.activated.connect(lambda reason: self.activated.emit())
        self.tray.setToolTip("Relation Journal")
        self.tray.show()

    def update(self, count: int, new: int, *, quiet: bool) -> None:
        """Show `count` due reminders; notify about `new` ones unless it is quiet hours."""
        if self.tray is None:
            return
        self.tray.setToolTip(f"Relation Journal: {count} reminder{'s' if count != 1 else ''} due" if count
                             else "Relation Journal: nothing due")  # fmt: skip
        if new and not quiet and self.tray.supportsMessages():
            self.tray.showMessage(
                "Relation Journal",
                f"{new} new reminder{'s' if new != 1 else ''} due. "
                "Open Today to see who would be glad to hear from you.",
                QSystemTrayIcon.MessageIcon.Information,
            )
            self.notified += new
