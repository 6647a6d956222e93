"""The one place Qt is imported from: the UI shares one import style and one place to adapt.

Names are looked up on first use (PEP 562 `__getattr__`): PySide6 builds a class's Python type
when it is first touched, about 0.3 ms each, and the 90 the app uses would add 28 ms before the
window's first paint. Only what the opening window needs is built before it shows.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_NAMES = {
    "PySide6.QtCore": (
        "QAbstractListModel",
        "QAbstractTableModel",
        "QBuffer",
        "QByteArray",
        "QCoreApplication",
        "QDate",
        "QDateTime",
        "QDir",
        "QEvent",
        "QItemSelectionModel",
        "QLocale",
        "QMimeData",
        "QModelIndex",
        "QObject",
        "QPersistentModelIndex",
        "QPoint",
        "QPointF",
        "QRect",
        "QRectF",
        "QRegularExpression",
        "QRunnable",
        "QSaveFile",
        "QSettings",
        "QSize",
        "QSortFilterProxyModel",
        "Qt",
        "QThreadPool",
        "QTime",
        "QTimer",
        "QUrl",
        "Signal",
        "Slot",
        "qVersion",
    ),
    "PySide6.QtGui": (
        "QAction",
        "QBrush",
        "QCloseEvent",
        "QColor",
        "QContextMenuEvent",
        "QDesktopServices",
        "QDragEnterEvent",
        "QDropEvent",
        "QFocusEvent",
        "QFont",
        "QFontMetrics",
        "QGuiApplication",
        "QHelpEvent",
        "QIcon",
        "QIconEngine",
        "QImage",
        "QKeyEvent",
        "QKeySequence",
        "QMouseEvent",
        "QPainter",
        "QPalette",
        "QPen",
        "QPixmap",
        "QPolygonF",
        "QRegularExpressionValidator",
        "QResizeEvent",
        "QShortcut",
        "QStandardItem",
        "QStandardItemModel",
        "QTextDocument",
        "QTextCursor",
        "QTransform",
        "QValidator",
        "QWheelEvent",
    ),
    "PySide6.QtSvg": ("QSvgGenerator", "QSvgRenderer"),  # (Insights saves its charts as SVG; icons)
    "PySide6.QtNetwork": (
        "QLocalServer",
        "QLocalSocket",
    ),
    "PySide6.QtWidgets": (
        "QAbstractButton",
        "QAbstractItemView",
        "QAbstractSpinBox",
        "QApplication",
        "QButtonGroup",
        "QCalendarWidget",
        "QCheckBox",
        "QComboBox",
        "QCompleter",
        "QDateEdit",
        "QDateTimeEdit",
        "QDialog",
        "QDialogButtonBox",
        "QFileDialog",
        "QFormLayout",
        "QFrame",
        "QGridLayout",
        "QGroupBox",
        "QHBoxLayout",
        "QHeaderView",
        "QInputDialog",
        "QLabel",
        "QLayout",
        "QLineEdit",
        "QListView",
        "QListWidget",
        "QListWidgetItem",
        "QMainWindow",
        "QMenu",
        "QMessageBox",
        "QPlainTextEdit",
        "QProgressDialog",
        "QPushButton",
        "QRadioButton",
        "QScrollArea",
        "QSizePolicy",
        "QSpinBox",
        "QSplitter",
        "QStackedWidget",
        "QStatusBar",
        "QStyle",
        "QStyledItemDelegate",
        "QStyleOptionViewItem",
        "QSystemTrayIcon",
        "QTableView",
        "QTabWidget",
        "QTextBrowser",
        "QTimeEdit",
        "QToolBar",
        "QToolButton",
        "QToolTip",
        "QTreeWidget",
        "QTreeWidgetItem",
        "QVBoxLayout",
        "QWidget",
    ),
}
_MODULE_OF = {name: module for module, names in _NAMES.items() for name in names}
__all__ = [*_MODULE_OF, "is_alive"]


def __getattr__(name: str) -> Any:
    if name == "is_alive":
        from shiboken6 import isValid as value
    elif name in _MODULE_OF:
        value = getattr(importlib.import_module(_MODULE_OF[name]), name)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value  # looked up once
    return value


if TYPE_CHECKING:
    # Each module's stubs declare their own QIntList (and QtGui its own QPointList, QPointFList and
    # qFuzzyCompare): names the app does not use, reported as incompatible redefinitions.
    from PySide6.QtCore import *  # noqa: F403
    from PySide6.QtGui import *  # type: ignore[assignment]  # noqa: F403
    from PySide6.QtNetwork import *  # type: ignore[assignment]  # noqa: F403
    from PySide6.QtSvg import *  # type: ignore[assignment]  # noqa: F403
    from PySide6.QtWidgets import *  # type: ignore[assignment]  # noqa: F403
    from shiboken6 import isValid as is_alive
