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

    def __init__(self, parent: QObject | None = None, journal_name: str | None = None):
        super().__init__(parent)
        self.tray: QSystemTrayIcon | None = None
        self.notified = 0
        # Which journal, when there are several (one per client): the tooltip and menu say so.
        self.title = f"Relation Journal ({journal_name})" if journal_name else "Relation Journal"
        self.tooltip = self.title
        if not QSystemTrayIcon.isSystemTrayAvailable():
            return
        self.tray = QSystemTrayIcon(icon("app"), self)
        menu = QMenu()
        menu.addAction(f"Open {self.title}", self.activated.emit)
        menu.addSeparator()
        menu.addAction("Quit", self.quit_requested.emit)
        self._menu = menu
        self.tray.setContextMenu(menu)
        self.tray.activated.connect(lambda reason: self.activated.emit())
        self.tray.setToolTip(self.tooltip)
        self.tray.show()

    def update(self, count: int, new: int, *, quiet: bool) -> None:
        """Show `count` due reminders; notify about `new` ones unless it is quiet hours."""
        self.tooltip = (f"{self.title}: {count} reminder{'s' if count != 1 else ''} due" if count
                        else f"{self.title}: nothing due")  # fmt: skip
        if self.tray is None:
            return
        self.tray.setToolTip(self.tooltip)
        if new and not quiet and self.tray.supportsMessages():
            self.tray.showMessage(
                self.title,
                f"{new} new reminder{'s' if new != 1 else ''} due. "
                "Open Today to see who would be glad to hear from you.",
                QSystemTrayIcon.MessageIcon.Information,
            )
            self.notified += new
