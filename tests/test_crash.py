"""A bug shows a calm dialog naming what failed and where, never the data it failed on.

The exception messages here carry a name, as real ones do (`KeyError: 'Amaka'`); the dialog, the
report on the clipboard and the files on disk must never hold it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from relationjournal.core.journal import Journal
from relationjournal.core.records import PersonDraft
from relationjournal.ui.crash import CrashDialog, CrashHandler, describe, install_crash_dialog
from relationjournal.ui.mainwindow import MainWindow
from relationjournal.ui.qt import QApplication, QTimer
from tests.conftest import Sandbox

SECRET = "Secret Person Name"

# pytest-qt would catch what a slot raises and fail the test; here our own hook is the one to catch it.
pytestmark = pytest.mark.qt_no_exception_capture


@pytest.fixture
def crash_handler(qapp: QApplication) -> Iterator[CrashHandler]:
    """The hook as the app installs it, taken out again after the test."""
    handler = install_crash_dialog(qapp)
    yield handler
    handler.uninstall()
    if handler.dialog is not None:
        handler.dialog.close()
    handler.deleteLater()


def files_in(sandbox: Sandbox) -> set[Path]:
    return {path for folder in sandbox.private_dirs() for path in folder.rglob("*")}


def crash_dialog(qtbot) -> CrashDialog:
    """The crash dialog, once it is the active modal window."""
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), CrashDialog))
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, CrashDialog) and dialog.isVisible()
    return dialog


def test_a_bug_in_a_slot_says_what_and_where_but_not_the_data(
    qtbot, crash_handler: CrashHandler, window: MainWindow, journal: Journal, sandbox: Sandbox, monkeypatch
) -> None:
    amaka = journal.add_person(PersonDraft("Amaka Obi"))
    window.people.reload()
    files = files_in(sandbox)

    def failing_read(person_id: int) -> None:
        secret = f"{SECRET} (id {person_id})"  # a local value the report must not show either
        raise ValueError(secret)

    monkeypatch.setattr(journal, "person_page", failing_read)
    # A real slot: choosing a person in the list opens their page, which reads them from the journal.
    QTimer.singleShot(0, lambda: window.people.select(amaka.id))
    dialog = crash_dialog(qtbot)
    shown = "\n".join((dialog.windowTitle(), dialog.summary.text(), dialog.details.toPlainText()))
    assert "Something went wrong" in "\n".join(label.text() for label in dialog.findChildren(type(dialog.summary)))
    assert "ValueError in relationjournal.ui.pages:PersonPage.show_person:" in dialog.summary.text()
    assert "relationjournal/ui/pages.py:" in dialog.details.toPlainText()  # the frames, as file:line function
    assert "PersonPage.show_person" in dialog.details.toPlainText()
    assert SECRET not in shown and "Amaka" not in shown

    dialog.copy_button.click()
    report = QApplication.clipboard().text()
    assert report == dialog.details.toPlainText()
    assert "Relation Journal 0." in report and "Python 3." in report and "Qt 6." in report
    assert "ValueError" in report and "relationjournal/ui/mainwindow.py:" in report
    assert SECRET not in report and "Amaka" not in report
    assert not any(line.strip().startswith("/") for line in report.splitlines())  # no /home/<user>/…

    QTimer.singleShot(0, lambda: window.open_person(amaka.id))  # the same again, while it is open
    qtbot.waitUntil(lambda: "again" in dialog.status.text())
    dialog.close_button.click()
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)

    monkeypatch.undo()  # the app kept running: the page opens once the journal answers
    window.open_person(amaka.id)
    assert "Amaka Obi" in window.person_page.header.text()
    assert files_in(sandbox) == files  # nothing written: no log, no crash file


def test_a_bug_in_a_background_thread_is_shown_by_the_gui_thread(
    qtbot, crash_handler: CrashHandler, sandbox: Sandbox
) -> None:
    files = files_in(sandbox)

    def work_off_the_gui_thread() -> None:
        raise KeyError(SECRET)

    thread = threading.Thread(target=work_off_the_gui_thread)
    thread.start()
    thread.join()
    dialog = crash_dialog(qtbot)
    assert dialog.thread() is QApplication.instance().thread()
    assert "KeyError in tests/test_crash.py:" in dialog.summary.text()
    assert "work_off_the_gui_thread" in dialog.summary.text()
    assert SECRET not in dialog.summary.text() + dialog.details.toPlainText()
    dialog.close_button.click()
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)
    assert files_in(sandbox) == files


def test_the_report_names_types_files_and_lines_only() -> None:
    """Chained exceptions: every type and frame, no message, no value, no folder above the code."""

    def lookup(name: str) -> None:
        people = {"someone": 1}
        try:
            people[name]
        except KeyError as error:
            raise RuntimeError(f"could not find {name}") from error

    try:
        lookup(SECRET)
    except RuntimeError as error:
        report = describe(error, type(error), error.__traceback__)
    text = report.text()
    assert report.kind == "RuntimeError" and report.failures[1].kind == "KeyError"
    assert "while handling KeyError" in text
    assert "tests/test_crash.py:" in text and "lookup" in text
    assert SECRET not in text and "could not find" not in text and "someone" not in text
    frames = [line.strip() for line in text.splitlines() if line.startswith("  ")]
    assert frames and not any(frame.startswith("/") for frame in frames)  # no /home/<user>/…
    assert describe(None, ValueError, None).where == "an unknown place"


def test_the_hooks_are_put_back(qapp: QApplication) -> None:
    import sys

    before = sys.excepthook, threading.excepthook
    handler = install_crash_dialog(qapp)
    assert sys.excepthook == handler.excepthook and threading.excepthook == handler.thread_excepthook
    handler.uninstall()
    assert (sys.excepthook, threading.excepthook) == before
    handler.deleteLater()
