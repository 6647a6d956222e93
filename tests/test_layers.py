"""The core imports no Qt: the CLI, the app and the tests share one Qt-free service API."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import relationjournal

PACKAGE = Path(relationjournal.__file__).parent
QT_IMPORT = re.compile(r"^\s*(from|import)\s+(PySide6|PyQt\d|shiboken6)\b", re.MULTILINE)


def test_core_and_cli_import_no_qt() -> None:
    offenders = [
        str(path.relative_to(PACKAGE))
        for path in [*PACKAGE.glob("core/**/*.py"), PACKAGE / "cli.py"]
        if QT_IMPORT.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_qt_enters_the_ui_through_one_module() -> None:
    offenders = [
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.glob("ui/**/*.py")
        if path.name != "qt.py" and QT_IMPORT.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_the_window_paints_before_the_journal_modules_load(sandbox) -> None:
    """Start-up: the window's frame is built and painted without SQLAlchemy, SQLCipher or the keyring
    (a third of a second between them); `attach` brings them in, after the first paint."""
    script = textwrap.dedent("""
        import sys
        import relationjournal.cli  # the entry point
        from relationjournal.core.locations import resolve_location
        from relationjournal.ui.app import make_application
        from relationjournal.ui.mainwindow import MainWindow

        app = make_application()
        window = MainWindow(resolve_location(None))
        window.first_painted.connect(app.quit)
        window.show()
        app.exec()
        heavy = sorted(m for m in ("sqlalchemy", "sqlcipher3", "keyring", "relationjournal.core.journal")
                       if m in sys.modules)
        actions = [a for a in window.actions() if a.isEnabled()]
        print(window.first_paint_time is not None, heavy, sorted(a.text() for a in actions))
        print(window.statusBar().currentMessage())
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    painted, message = result.stdout.splitlines()
    # nothing that needs the journal yet (help does not: the guide can be read before the journal is unlocked)
    assert painted == "True [] ['&About Relation Journal', '&Keyboard shortcuts', '&Quit', '&User guide']"
    assert message == "Welcome to Relation Journal"  # no journal in the sandbox: the first-run dialog comes next
