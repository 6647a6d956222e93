"""The people list: search-as-you-type, filters and sort over everyone, loading rows lazily."""

from __future__ import annotations

from typing import TYPE_CHECKING

from relationjournal.core.errors import JournalError
from relationjournal.core.records import PeopleFilter
from relationjournal.core.vocabulary import Status
from relationjournal.ui import palette
from relationjournal.ui.delegates import PersonDelegate, row_height
from relationjournal.ui.icons import icon
from relationjournal.ui.models import KEY_ROLE, PeopleModel
from relationjournal.ui.qt import (
    QAbstractItemView,
    QEvent,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    Qt,
    QTableView,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
)
from relationjournal.ui.widgets import ChoiceBox, MutedLabel
from relationjournal.ui.worker import run_in_background

if TYPE_CHECKING:  # only for annotations: importing it would load SQLAlchemy at start-up
    from relationjournal.core.journal import Journal

SORTS = {"name": "Name", "last_contact": "Last contact", "overdue": "Most overdue"}


class PeopleView(QTableView):
    """The people list: a one-column table drawn as a list, rows of one fixed height.

    A `QListView` lays out a new list by asking the model about every row (20,000 calls into Python
    for 10,000 people: 15-35 ms, the window frozen); a table with fixed row heights asks only about
    the rows on screen (1.4 ms).
    """

    def __init__(self) -> None:
        super().__init__()
        self.horizontalHeader().hide()
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.verticalHeader().hide()
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setTabKeyNavigation(False)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setAlternatingRowColors(True)
        self._fit_rows()

    def _fit_rows(self) -> None:
        self.verticalHeader().setDefaultSectionSize(row_height(self.fontMetrics()))

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._fit_rows()


class PeoplePanel(QWidget):
    """Search-as-you-type, filters and sort over everyone; the list loads its rows lazily."""

    reloaded = Signal()  # the list shows the current filter's people

    def __init__(self, journal: Journal):
        super().__init__()
        self.journal = journal
        self._generation = 0
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Filter people by name, organisation, handle or tag")
        self.filter.setClearButtonEnabled(True)
        self.filter.setAccessibleName("Filter people")
        self.tag = ChoiceBox({}, anything="All tags")
        self.tag.setAccessibleName("Tag")
        self.status = ChoiceBox({s: s.value.capitalize() for s in Status}, anything="Active and dormant")
        self.status.setAccessibleName("Status")
        self.sort = ChoiceBox(SORTS, "name")
        self.sort.setAccessibleName("Sort by")
        self.model = PeopleModel(journal, self)
        self.view = PeopleView()
        self.view.setModel(self.model)
        self.view.setItemDelegate(PersonDelegate(journal, self.view))
        self.view.setAccessibleName("People")
        self.count = MutedLabel()
        self.empty = QWidget()
        self.empty_text = empty_text = QLabel(self._empty_html())
        empty_text.setWordWrap(True)
        empty_text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.add_first = QPushButton(icon("person-add"), "Add a person")
        empty_layout = QVBoxLayout(self.empty)
        empty_layout.addStretch()
        empty_layout.addWidget(empty_text)
        empty_layout.addWidget(self.add_first, 0, Qt.AlignmentFlag.AlignHCenter)
        empty_layout.addStretch()
        filters = QHBoxLayout()
        filters.addWidget(self.tag, 1)
        filters.addWidget(self.status, 1)
        filters.addWidget(self.sort, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 4, 8)
        layout.addWidget(self.filter)
        layout.addLayout(filters)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.empty, 1)
        layout.addWidget(self.count)
        self._debounce = QTimer(self, singleShot=True, interval=40)
        self._debounce.timeout.connect(self.reload_in_background)
        self.filter.textChanged.connect(self._debounce.start)
        for box in (self.tag, self.status, self.sort):
            box.currentIndexChanged.connect(self.reload)

    def _empty_html(self) -> str:
        more = "Their notes and your conversations with them stay here, encrypted on this computer."
        return ("<p style='font-size:13pt'>Add the first person you want to get to know better.</p>"
                f"<p>{palette.span(more, palette.muted(self.palette()))}</p>")  # fmt: skip

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and hasattr(self, "empty_text"):
            self.empty_text.setText(self._empty_html())

    def current_filter(self) -> PeopleFilter:
        return PeopleFilter(text=self.filter.text(), tag=self.tag.value(), status=self.status.value(),
                            order=self.sort.value())  # fmt: skip

    def set_tags(self, names: list[str]) -> None:
        self.tag.set_choices({name: name for name in names}, anything="All tags")

    def reload(self) -> None:
        """Read the list again now (after a change, or a filter chosen from a menu)."""
        self._generation += 1
        self._show(self._generation, self.journal.person_ids(self.current_filter()))

    def reload_in_background(self) -> None:
        """Read the list again off the GUI thread (typing in the filter): the newest filter wins."""
        self._generation += 1
        generation, journal, wanted = self._generation, self.journal, self.current_filter()
        run_in_background(
            self, lambda: journal.person_ids(wanted), lambda ids: self._show(generation, ids), self._failed
        )

    def _failed(self, error: Exception) -> None:
        if not isinstance(error, JournalError):
            raise error
        self.count.setText(str(error))

    def _show(self, generation: int, ids: list[int]) -> None:
        if generation != self._generation:
            return
        selected = self.selected_id()
        self.model.set_keys(ids)
        rows = self.model.rowCount()
        filtering = bool(self.filter.text().strip()) or self.tag.value() or self.status.value()
        self.count.setText(f"{rows:,} {'person' if rows == 1 else 'people'}" + (" match" if filtering else ""))
        journal_empty = rows == 0 and not filtering
        self.empty.setVisible(journal_empty)
        self.view.setVisible(not journal_empty)
        if selected is not None:
            self.select(selected, scroll=False)
        self.reloaded.emit()

    def selected_id(self) -> int | None:
        index = self.view.currentIndex()
        return index.data(KEY_ROLE) if index.isValid() else None

    def select(self, person_id: int, *, scroll: bool = True) -> None:
        row = self.model.row_of(person_id)
        if row is None:
            return
        self.view.setCurrentIndex(self.model.index(row, 0))
        if scroll:
            self.view.scrollTo(self.model.index(row, 0))
