"""The tag manager: rename, merge and delete tags, and set the cadence each tag gives its people.

A tag's cadence is how often to stay in touch with the people who carry it (a person's own
cadence wins; with several tags, the shortest counts). Every change is one call of the journal
service and shows in the table at once; the dialog emits `tags_changed` after each committed
change, so the main window can refresh its tag filters and Today.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from relationjournal.core.errors import JournalError
from relationjournal.ui.qt import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QItemSelectionModel,
    QKeySequence,
    QLabel,
    QMessageBox,
    QModelIndex,
    QPushButton,
    QShortcut,
    QSpinBox,
    QStandardItem,
    QStandardItemModel,
    QStyledItemDelegate,
    Qt,
    QTableView,
    QValidator,
    QVBoxLayout,
    QWidget,
    Signal,
)
from relationjournal.ui.widgets import ErrorLine

if TYPE_CHECKING:  # only for annotations: importing them would load SQLAlchemy at start-up
    from relationjournal.core.journal import Journal
    from relationjournal.core.records import TagRecord
    from relationjournal.ui.qt import QAbstractItemModel, QPersistentModelIndex, QStyleOptionViewItem

NAME, PEOPLE, CADENCE = range(3)
CADENCE_ROLE = Qt.ItemDataRole.UserRole + 1  # the cadence in days, or None (the text says "30 days")
MAX_CADENCE = 3660  # days, as `fields.cadence_days` allows
EMPTY_TEXT = "No tags yet: add tags to people when you edit them."


class CadenceBox(QSpinBox):
    """Days between check-ins: 0, "none" or nothing at all means no cadence."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setRange(0, MAX_CADENCE)
        self.setSpecialValueText("none")
        self.setAccessibleName("Stay in touch every (days, 0 for none)")

    def validate(self, text: str, pos: int) -> Any:
        if not text.strip():
            return QValidator.State.Acceptable, text, pos  # blank is "none", not a half-typed number
        return super().validate(text, pos)

    def valueFromText(self, text: str) -> int:
        return 0 if not text.strip() else super().valueFromText(text)


class CadenceDelegate(QStyledItemDelegate):
    """Edits a tag's cadence in the table with a `CadenceBox`; `commit(row, days)` saves it."""

    def __init__(self, commit: Callable[[int, int | None], None], parent: QWidget):
        super().__init__(parent)
        self._commit = commit

    def createEditor(
        self, parent: QWidget, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QWidget:
        box = CadenceBox(parent)
        box.setFrame(False)
        return box

    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex) -> None:
        assert isinstance(editor, CadenceBox)  # made by createEditor
        editor.setValue(index.data(CADENCE_ROLE) or 0)
        editor.selectAll()

    def setModelData(
        self, editor: QWidget, model: QAbstractItemModel, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        assert isinstance(editor, CadenceBox)
        editor.interpretText()
        self._commit(index.row(), editor.value() or None)


class TagManagerDialog(QDialog):
    """Every tag with how many people carry it and its cadence; Rename…, Merge into…, Delete…."""

    tags_changed = Signal()  # after each committed change

    def __init__(self, journal: Journal, parent: QWidget | None = None):
        super().__init__(parent)
        self.journal = journal
        self.tags: list[TagRecord] = []  # the table's rows, in order
        self.setWindowTitle("Tags")
        self.setMinimumSize(560, 400)

        intro = QLabel(
            "A tag's cadence is how often to stay in touch with the people who carry it, unless they have a "
            "cadence of their own. Double-click a cadence, or press F2, to change it; 0 means none."
        )
        intro.setWordWrap(True)
        self.model = QStandardItemModel(0, 3, self)
        self.model.setHorizontalHeaderLabels(["Tag", "People", "Stay in touch every"])
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Tags")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        triggers = QAbstractItemView.EditTrigger
        self.table.setEditTriggers(triggers.DoubleClicked | triggers.EditKeyPressed | triggers.AnyKeyPressed)
        self.table.setTabKeyNavigation(False)  # Tab moves on to the buttons
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
        for column in (PEOPLE, CADENCE):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.delegate = CadenceDelegate(self._set_cadence, self.table)
        self.table.setItemDelegateForColumn(CADENCE, self.delegate)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        edit = QShortcut(QKeySequence(Qt.Key.Key_F2), self.table, self.edit_cadence)
        edit.setContext(Qt.ShortcutContext.WidgetShortcut)  # F2 on any cell of a row edits its cadence

        self.empty = QLabel(EMPTY_TEXT)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.rename_button = QPushButton("&Rename…")
        self.merge_button = QPushButton("&Merge into…")
        self.delete_button = QPushButton("&Delete…")
        self.rename_button.clicked.connect(self.rename)
        self.merge_button.clicked.connect(self.merge)
        self.delete_button.clicked.connect(self.delete)
        self.error = ErrorLine()
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.close_button = close.button(QDialogButtonBox.StandardButton.Close)
        self.close_button.setText("&Close")
        close.rejected.connect(self.reject)

        side = QVBoxLayout()
        for button in (self.rename_button, self.merge_button, self.delete_button):
            side.addWidget(button)
        side.addStretch()
        middle = QHBoxLayout()
        middle.addWidget(self.table, 1)
        middle.addWidget(self.empty, 1)
        middle.addLayout(side)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(middle, 1)
        layout.addWidget(self.error)
        layout.addWidget(close)
        self.reload()

    # What is shown ------------------------------------------------------------------------------
    def reload(self, select: Iterable[int] = ()) -> None:
        """Show the tags as the journal has them now; select those with ids `select` (else keep the selection)."""
        wanted = set(select) or {tag.id for tag in self.selected()}
        try:
            self.tags = self.journal.tags()
        except JournalError as error:
            self.error.show_error(str(error))
            return
        self.model.removeRows(0, self.model.rowCount())
        for tag in self.tags:
            self.model.appendRow(_row(tag))
        self.table.setVisible(bool(self.tags))
        self.empty.setVisible(not self.tags)
        selection = self.table.selectionModel()
        flags = QItemSelectionModel.SelectionFlag
        rows = [row for row, tag in enumerate(self.tags) if tag.id in wanted] or ([0] if self.tags else [])
        for row in rows:
            selection.select(self.model.index(row, NAME), flags.Select | flags.Rows)
        if rows:
            selection.setCurrentIndex(self.model.index(rows[0], CADENCE), flags.NoUpdate)
            self.table.scrollTo(self.model.index(rows[0], NAME))
        self._update_buttons()

    def selected(self) -> list[TagRecord]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.tags[row] for row in rows if row < len(self.tags)]

    def _update_buttons(self, *_: Any) -> None:
        chosen = len(self.selected())
        self.rename_button.setEnabled(chosen == 1)
        self.delete_button.setEnabled(chosen == 1)
        self.merge_button.setEnabled(0 < chosen < len(self.tags))

    def _changed(self, select: Iterable[int] = ()) -> None:
        self.error.hide()
        self.reload(select)
        self.tags_changed.emit()

    # Changes ------------------------------------------------------------------------------------
    def edit_cadence(self) -> None:
        """Open the cadence editor of the current row (F2 anywhere on it)."""
        current = self.table.currentIndex()
        if current.isValid():
            index = current.siblingAtColumn(CADENCE)
            self.table.selectionModel().setCurrentIndex(index, QItemSelectionModel.SelectionFlag.NoUpdate)
            self.table.edit(index)

    def _set_cadence(self, row: int, days: int | None) -> None:
        tag = self.tags[row]
        if days == tag.cadence_days:
            return
        try:
            saved = self.journal.set_tag_cadence(tag.name, days)
        except JournalError as error:
            self.error.show_error(str(error))
            return
        # The edited row shows what the journal now holds; the rest of the table is unchanged.
        self.tags[row] = saved
        self.model.setItem(row, CADENCE, _cadence_item(saved.cadence_days))
        self.error.hide()
        self.tags_changed.emit()

    def rename(self) -> None:
        chosen = self.selected()
        if len(chosen) != 1:
            return
        tag = chosen[0]
        name, accepted = ask_text(self, "Rename tag", f"New name for the tag “{tag.name}”:", tag.name, "&Rename")
        if not accepted or name.strip() == tag.name:
            return
        try:
            saved = self.journal.rename_tag(tag.name, name)
        except JournalError as error:
            self.error.show_error(str(error))
            return
        self._changed([saved.id])

    def merge(self) -> None:
        sources = self.selected()
        others = [tag.name for tag in self.tags if tag not in sources]
        if not sources or not others:
            return
        names = ", ".join(f"“{tag.name}”" for tag in sources)
        label = (
            f"Merge {names} into which tag? Everyone who carries {'it' if len(sources) == 1 else 'them'} will "
            "carry that tag instead. It keeps its cadence, or takes the shortest of theirs if it has none."
        )
        into, accepted = ask_choice(self, "Merge tags", label, others, "&Merge")
        if not accepted:
            return
        try:
            saved = self.journal.merge_tags([tag.name for tag in sources], into)
        except JournalError as error:
            self.error.show_error(str(error))
            return
        self._changed([saved.id])

    def delete(self) -> None:
        chosen = self.selected()
        if len(chosen) != 1:
            return
        tag = chosen[0]
        carried = {0: "Nobody carries it.", 1: "1 person carries it; they stay in your journal, without this tag."}
        text = f"Delete the tag “{tag.name}”? " + carried.get(
            tag.people, f"{tag.people} people carry it; they stay in your journal, without this tag."
        )
        if tag.cadence_days:
            text += f" Its cadence (every {tag.cadence_days} days) no longer applies to them."
        box = QMessageBox(QMessageBox.Icon.Question, "Delete tag", text,
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, self)  # fmt: skip
        box.setTextFormat(Qt.TextFormat.PlainText)  # a tag name is never markup
        box.button(QMessageBox.StandardButton.Yes).setText("&Delete tag")
        box.button(QMessageBox.StandardButton.Cancel).setText("&Cancel")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        if box.exec() != QMessageBox.StandardButton.Yes:
            return
        row = self.tags.index(tag)
        try:
            self.journal.delete_tag(tag.name)
        except JournalError as error:
            self.error.show_error(str(error))
            return
        rest = [t.id for t in self.tags if t.id != tag.id]
        self._changed(rest[min(row, len(rest) - 1) :][:1])  # the next tag (else the last) is selected


def ask_text(parent: QWidget, title: str, label: str, text: str, ok: str) -> tuple[str, bool]:
    """A line of text, asked for in a small modal dialog: (what was typed, whether it was accepted)."""
    dialog = _input_dialog(parent, title, label, ok)
    dialog.setTextValue(text)
    accepted = bool(dialog.exec())
    return dialog.textValue(), accepted


def ask_choice(parent: QWidget, title: str, label: str, items: list[str], ok: str) -> tuple[str, bool]:
    """One of `items`, picked in a small modal dialog: (the one picked, whether it was accepted)."""
    dialog = _input_dialog(parent, title, label, ok)
    dialog.setComboBoxItems(items)
    dialog.setComboBoxEditable(False)
    accepted = bool(dialog.exec())
    return dialog.textValue(), accepted


def _input_dialog(parent: QWidget, title: str, label: str, ok: str) -> QInputDialog:
    dialog = QInputDialog(parent)
    dialog.setWindowTitle(title)
    dialog.setLabelText(label)
    dialog.setOkButtonText(ok)
    dialog.setCancelButtonText("&Cancel")
    for shown in dialog.findChildren(QLabel):
        shown.setTextFormat(Qt.TextFormat.PlainText)  # tag names are never markup
        shown.setWordWrap(True)
    return dialog


def _row(tag: TagRecord) -> list[QStandardItem]:
    name = QStandardItem(tag.name)
    people = QStandardItem(str(tag.people))
    people.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    for item in (name, people):
        item.setEditable(False)
    return [name, people, _cadence_item(tag.cadence_days)]


def _cadence_item(days: int | None) -> QStandardItem:
    item = QStandardItem(f"{days} days" if days else "none")
    item.setData(days, CADENCE_ROLE)
    item.setToolTip("Double-click, or press F2, to change how often to stay in touch")
    return item
