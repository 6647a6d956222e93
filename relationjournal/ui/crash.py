"""A calm dialog for a bug: what went wrong and where, and a report the user can copy.

An unexpected exception (one reaching `sys.excepthook`, which is also where PySide sends an
exception raised in a slot or a virtual method, or `threading.excepthook` from a background
thread) shows "Something went wrong" and the app keeps running. The report names the exception's
type and the code it passed through (file:line function), never its message nor any value: those
may quote a name or a note. Nothing is written anywhere; "Copy report" puts it on the clipboard.

`RELATIONJOURNAL_DEBUG=1` also prints the whole traceback to stderr, as the CLI does (it may
contain personal data).
"""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path
from types import TracebackType
from typing import Any, NamedTuple

import relationjournal
from relationjournal.ui.qt import QDialog, QObject, QTimer, QWidget, Signal

# (The dialog's other Qt names are read when it is first built: installed before the window's first
# paint, this module costs nothing that paint does not need.)

PACKAGE = Path(relationjournal.__file__).resolve().parent
MAX_FRAMES = 40  # innermost frames kept of a deep (recursive) traceback
MAX_CHAIN = 5  # exceptions raised while handling another: how many to name


class Failure(NamedTuple):
    """One exception of a chain: its type and the frames it passed through, innermost last."""

    kind: str  # e.g. "ValueError", "sqlalchemy.exc.OperationalError"
    frames: tuple[str, ...]  # "relationjournal/ui/pages.py:161 PersonPage.show_person"
    where: str  # "relationjournal.ui.pages:PersonPage.show_person:161": the innermost frame of ours


class CrashReport(NamedTuple):
    """What a bug report says: versions, and for each exception its type and frames. Strings only,
    made at once, so that no frame (and none of its local values) outlives the hook."""

    failures: tuple[Failure, ...]  # the exception raised last first, then what it was handling

    @property
    def kind(self) -> str:
        return self.failures[0].kind

    @property
    def where(self) -> str:
        return self.failures[0].where

    def summary(self) -> str:
        return f"{self.kind} in {self.where}"

    def text(self) -> str:
        lines = [f"Relation Journal {relationjournal.__version__}", *_versions(), "", self.summary()]
        for number, failure in enumerate(self.failures):
            if number:
                lines += ["", f"while handling {failure.kind} in {failure.where}"]
            lines.append("Traceback, innermost last (file:line function):")
            lines += [f"  {frame}" for frame in failure.frames]
        lines += ["", "(No exception message and no values: they may quote names or notes.)"]
        return "\n".join(lines)


def describe(error: BaseException | None, kind: type[BaseException], tb: TracebackType | None) -> CrashReport:
    """The report of an exception: its type, its frames' files, lines and functions; of the
    exceptions it was raised while handling, the same. Never a message, never a value."""
    failures = [_failure(kind, tb)]
    seen = {id(error)}
    while error is not None and len(failures) < MAX_CHAIN:
        error = error.__cause__ or (None if error.__suppress_context__ else error.__context__)
        if error is None or id(error) in seen:
            break
        seen.add(id(error))
        failures.append(_failure(type(error), error.__traceback__))
    return CrashReport(tuple(failures))


def _failure(kind: type[BaseException], tb: TracebackType | None) -> Failure:
    frames: list[tuple[str, str, str, int]] = []  # module, short file, function, line
    while tb is not None:
        code = tb.tb_frame.f_code
        module = tb.tb_frame.f_globals.get("__name__", "")
        frames.append((str(module), short_path(code.co_filename), code.co_qualname, tb.tb_lineno))
        tb = tb.tb_next
    ours = [f for f in frames if f[0] == "relationjournal" or f[0].startswith("relationjournal.")]
    innermost = ours[-1] if ours else frames[-1] if frames else None
    if innermost is None:
        where = "an unknown place"
    elif ours:
        where = f"{innermost[0]}:{innermost[2]}:{innermost[3]}"
    else:
        where = f"{innermost[1]}:{innermost[2]}:{innermost[3]}"
    name = kind.__qualname__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__qualname__}"
    return Failure(name, tuple(f"{file}:{line} {function}" for _, file, function, line in frames[-MAX_FRAMES:]), where)


def short_path(filename: str) -> str:
    """A source file's path without the folders above the package or library it is in (which may
    name the user: /home/amaka/...): `relationjournal/ui/pages.py`, `PySide6/…`, `threading.py`."""
    if filename.startswith("<"):
        return filename  # <string>, <frozen ...>
    path = Path(filename)
    try:
        return path.resolve().relative_to(PACKAGE.parent).as_posix()
    except (OSError, ValueError):
        pass
    roots = sorted((entry for entry in sys.path if entry), key=len, reverse=True)
    for root in roots:
        try:
            return path.relative_to(root).as_posix()
        except ValueError:
            continue
    return path.name


def _versions() -> list[str]:
    import platform
    from importlib import metadata

    from relationjournal.ui.qt import qVersion

    versions = [f"Python {platform.python_version()}", f"Qt {qVersion()}"]
    for distribution in ("PySide6", "PySide6_Essentials"):  # (a bundle may carry no metadata)
        try:
            versions.append(f"PySide6 {metadata.version(distribution)}")
            break
        except metadata.PackageNotFoundError:
            continue
    system = " ".join(x for x in (platform.system(), platform.release(), platform.machine()) if x)
    return [", ".join(versions), system or "unknown system"]


class CrashDialog(QDialog):
    """ "Something went wrong": the exception's type and where, the report, Copy report and Close."""

    def __init__(self, report: CrashReport, parent: QWidget | None = None):
        from relationjournal.ui.qt import (
            QDialogButtonBox,
            QFont,
            QHBoxLayout,
            QLabel,
            QPlainTextEdit,
            QPushButton,
            QStyle,
            Qt,
            QVBoxLayout,
        )

        super().__init__(parent)
        self.report = report
        self.setWindowTitle("Relation Journal")
        self.setWindowModality(Qt.WindowModality.ApplicationModal)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setMinimumWidth(560)
        icon = QLabel()
        icon.setPixmap(self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning).pixmap(32, 32))
        heading = QLabel("Something went wrong")
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        heading.setFont(font)
        self.summary = QLabel(
            f"{report.summary()}.\n\n"
            "This is a bug in Relation Journal. The app is still running: you can carry on, or close it "
            "and start it again if something looks wrong.\n\n"
            "The report below says only where in the program it happened: no names, notes or anything "
            "else from your journal. It is not saved anywhere; copy it into a bug report if you like."
        )
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("What went wrong")
        self.details = QPlainTextEdit(report.text())
        self.details.setReadOnly(True)
        self.details.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.details.setAccessibleName("Report")
        mono = QFont("monospace")
        mono.setStyleHint(QFont.StyleHint.Monospace)
        self.details.setFont(mono)
        self.details.setFixedHeight(self.details.fontMetrics().lineSpacing() * 9 + 12)
        self.status = QLabel()
        self.copy_button = QPushButton("&Copy report")
        self.copy_button.clicked.connect(self.copy)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        self.close_button = buttons.button(QDialogButtonBox.StandardButton.Close)
        self.close_button.setDefault(True)
        self.close_button.setText("Close")  # some themes' "&Close" would take Copy report's letter
        top = QHBoxLayout()
        top.addWidget(icon)
        top.addWidget(heading, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.details)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        self.repeats = 0
        self.adjustSize()  # tall enough for the wrapped text at this width (a size hint alone is not)
        from relationjournal.ui.widgets import keep_fitting

        keep_fitting(self)  # and stays so, however narrow the window manager makes it

    def copy(self) -> None:
        from relationjournal.ui.qt import QApplication

        QApplication.clipboard().setText(self.report.text())
        self.status.setText("Copied. Paste it into a bug report.")

    def happened_again(self) -> None:
        self.repeats += 1
        self.status.setText(f"It happened again ({self.repeats + 1} times in all).")


class CrashHandler(QObject):
    """Shows a `CrashDialog` for an unexpected exception, from any thread, one at a time.

    The hooks turn the exception into a `CrashReport` (strings only) where it happened and hand it
    to the GUI thread through a signal. The same failure (type and place) is shown once a session:
    one raised on every repaint would otherwise bring its dialog back as soon as it closed.
    """

    reported = Signal(object)  # a CrashReport

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.dialog: CrashDialog | None = None
        self.shown: set[tuple[str, str]] = set()
        self._previous: tuple[Any, Any] | None = None
        self.reported.connect(self._received)  # queued when emitted from another thread

    def install(self) -> CrashHandler:
        if self._previous is None:
            self._previous = (sys.excepthook, threading.excepthook)
            sys.excepthook = self.excepthook
            threading.excepthook = self.thread_excepthook
        return self

    def uninstall(self) -> None:
        if self._previous is not None:
            sys.excepthook, threading.excepthook = self._previous
            self._previous = None

    def excepthook(self, kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
        previous = self._previous[0] if self._previous else sys.__excepthook__
        if issubclass(kind, KeyboardInterrupt | SystemExit) or os.environ.get("RELATIONJOURNAL_DEBUG"):
            previous(kind, error, tb)  # Ctrl+C as usual; a developer's whole traceback
            if not issubclass(kind, Exception):
                return
        self._report(describe(error, kind, tb))

    def thread_excepthook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_type is SystemExit:
            return  # as the default hook: a thread that exits is no bug
        if os.environ.get("RELATIONJOURNAL_DEBUG") and self._previous is not None:
            self._previous[1](args)
        self._report(describe(args.exc_value, args.exc_type, args.exc_traceback))

    def _report(self, report: CrashReport) -> None:
        try:
            self.reported.emit(report)
        except RuntimeError:  # the app is closing and this object with it: say it in one safe line
            print(f"relationjournal: unexpected {report.summary()}", file=sys.stderr)

    def _received(self, report: CrashReport) -> None:
        """In the GUI thread: show it from the event loop, once the code that failed (a paint, a
        slot) has unwound, rather than from inside it."""
        QTimer.singleShot(0, self, lambda: self.show_report(report))

    def show_report(self, report: CrashReport) -> None:
        if self.dialog is not None:
            if (report.kind, report.where) == (self.dialog.report.kind, self.dialog.report.where):
                self.dialog.happened_again()
            return  # one at a time; the first is the one to fix
        key = (report.kind, report.where)
        if key in self.shown:
            return
        self.shown.add(key)
        self.dialog = CrashDialog(report)  # no parent: the window that failed may be closing
        self.dialog.finished.connect(self._closed)
        self.dialog.show()  # (a new window comes up in front, and has the focus)

    def _closed(self) -> None:
        self.dialog = None


def install_crash_dialog(app: QObject) -> CrashHandler:
    """From now on an unexpected exception shows the crash dialog; `uninstall()` undoes it."""
    return CrashHandler(app).install()
