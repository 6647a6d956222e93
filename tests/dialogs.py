"""Answering the app's dialogs as a user would, from a timer while they are open (they are modal)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from relationjournal.ui.qt import QApplication, QMessageBox, QTimer


def in_next_dialog(work: Callable[[Any], None], kind: type | None = None) -> None:
    """Run `work(dialog)` on the next modal dialog (of type `kind`), as the user filling it in."""

    def look() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None or (kind is not None and not isinstance(dialog, kind)):
            QTimer.singleShot(20, look)
        else:
            work(dialog)

    QTimer.singleShot(0, look)


def click_in_next_message_box(label: str, seen: list[str]) -> None:
    """Click the button labelled `label` in the next modal message box that has one, noting its text."""

    def click() -> None:
        box = QApplication.activeModalWidget()
        found = box.buttons() if isinstance(box, QMessageBox) else []
        buttons = [b for b in found if b.text().replace("&", "") == label]
        if buttons:
            seen.append(box.text())
            buttons[0].click()
        else:
            QTimer.singleShot(20, click)

    QTimer.singleShot(0, click)


class MessageBoxes:
    """Answers the app's next message box as a user would, and keeps what it said."""

    def __init__(self) -> None:
        self.said: list[str] = []
        self.default_was_cancel: list[bool] = []

    def answer(self, button: QMessageBox.StandardButton, tries: int = 300) -> None:
        def look(left: int = tries) -> None:
            box = QApplication.activeModalWidget()
            if isinstance(box, QMessageBox):
                self.said.append(f"{box.text()}\n{box.informativeText()}")
                cancel = box.button(QMessageBox.StandardButton.Cancel)
                self.default_was_cancel.append(cancel is not None and box.defaultButton() is cancel)
                box.button(button).click()
            elif left:
                QTimer.singleShot(10, lambda: look(left - 1))

        QTimer.singleShot(0, look)
