"""The core imports no Qt: the CLI, the app and the tests share one Qt-free service API."""

from __future__ import annotations

import re
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
