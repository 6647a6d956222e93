"""The main window: the people list on the left, a person, the timeline or search on the right."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from relationjournal import __version__
from relationjournal.core.errors import JournalError
from relationjournal.core.locations import JournalLocation
from relationjournal.ui import journals as journals_ui  # light: the list of journals (no SQLAlchemy)
from relationjournal.ui import memory, qt
from relationjournal.ui.changes import ChangeHub
from relationjournal.ui.icons import icon
from relationjournal.ui.lazy import lazy_module
from relationjournal.ui.paint import OnNextPaint
from relationjournal.ui.qt import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QEvent,
    QKeySequence,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QModelIndex,
    QObject,
    QSettings,
    QSize,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QTimer,
    QToolBar,
    QVBoxLayout,
    QWidget,
    Signal,
)

if TYPE_CHECKING:  # only for annotations: importing them would load SQLAlchemy at start-up
    from relationjournal.core.applock import AppLock
    from relationjournal.core.changes import Change
    from relationjournal.core.journal import Journal
    from relationjournal.ui.insights import InsightsPage
    from relationjournal.ui.qt import QKeyEvent

SEARCH_DEBOUNCE_MS = 60

# What shows the journal loads after the first paint, when `attach` first reaches into it.
dialogs = lazy_module("relationjournal.ui.dialogs")
models = lazy_module("relationjournal.ui.models")
pages = lazy_module("relationjournal.ui.pages")
people_ui = lazy_module("relationjournal.ui.people")
tags_ui = lazy_module("relationjournal.ui.tags")
today_ui = lazy_module("relationjournal.ui.today")
upcoming_ui = lazy_module("relationjournal.ui.upcoming")
insights_ui = lazy_module("relationjournal.ui.insights")
reflections_ui = lazy_module("relationjournal.ui.reflections")
tray_ui = lazy_module("relationjournal.ui.tray")
worker = lazy_module("relationjournal.ui.worker")
person_actions = lazy_module("relationjournal.ui.person_actions")
entry_actions = lazy_module("relationjournal.ui.entry_actions")
reminder_actions = lazy_module("relationjournal.ui.reminder_actions")
text = lazy_module("relationjournal.ui.text")
data_actions = lazy_module("relationjournal.ui.data_actions")
care = lazy_module("relationjournal.ui.care")
help_ui = lazy_module("relationjournal.ui.help")


class MainWindow(QMainWindow):
    """Built in two steps, so that it is on screen at once: the frame (menus, toolbar, status bar)
    paints while the journal is still being opened, then `attach` fills it with the journal.

    Opening means importing SQLAlchemy and the keyring and asking the OS keyring for the key:
    over half a second that the user now spends looking at the window rather than at nothing.
    """

    due_refreshed = Signal()
    closed = Signal()  # the window closed (its journal, if the app opened it, is closed next: ui/journals.py)
    act_delete: QAction
    act_open_entry: QAction
    act_undo: QAction
    act_new_journal: QAction  # the journal actions of the File menu: ui/journals.py
    act_open_journal: QAction
    act_move_journal: QAction
    recent_menu: QMenu
    journal_label: QLabel
    toolbar: QToolBar
    first_painted = Signal()

    FILE_CHECK_MS = 2000  # how soon a journal file deleted or replaced by another program is noticed

    def __init__(self, location: JournalLocation, journal: Journal | None = None):
        super().__init__()
        self.location = location
        self.journal: Journal | None = None
        self.app_lock: AppLock | None = None  # the app's own hold (set by the opener), let go around a restore
        self.set_aside = False  # the journal is closed for a restore or key change: the window waits for it
        self.first_paint_time: float | None = None  # seconds since the epoch (benchmarks)
        self.windows: Any = None  # the app's windows, one per open journal (ui/journals.py), once it has any
        self.journal_name = journals_ui.name_of(location)  # one journal per client: which one this is
        self.setWindowTitle(f"{self.journal_name} — Relation Journal" if self.journal_name else "Relation Journal")
        self.setWindowIcon(icon("app"))
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search notes and conversations (Ctrl+K)")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search everything")
        self.search.setMaximumWidth(380)
        # Search is a few milliseconds now (newest first): wait only for a burst of keys to end.
        self._search_debounce = QTimer(self, singleShot=True, interval=SEARCH_DEBOUNCE_MS)
        self._search_debounce.timeout.connect(self.run_search)
        self.search.textChanged.connect(self._search_debounce.start)
        self._after_search: str | None = None  # "open" or "enter": what the keys asked of results still to come
        self._before_search: QWidget | None = None  # the page Esc goes back to
        self._build_actions()
        self.lock_label = QLabel()
        self.lock_label.setAccessibleName("Encrypted")
        self._set_lock_pixmap()
        self.statusBar().addPermanentWidget(self.lock_label)
        if self.journal_name:
            self.journal_label = QLabel(journals_ui.short_name(self.journal_name))  # (all of it: the title)
            self.journal_label.setAccessibleName("Journal")
            bold = self.journal_label.font()
            bold.setBold(True)  # which client's journal this is, apart from the file's path beside it
            self.journal_label.setFont(bold)
            self.journal_label.setToolTip("The journal open in this window (File → Open journal… to switch)")
            self.statusBar().addPermanentWidget(self.journal_label)
        self.statusBar().addPermanentWidget(QLabel(f"Encrypted · {location.database}"))
        # Until `attach`: an empty frame that says what is happening. (No `Qt.*` enum is named before
        # the first paint: the first use of PySide's `Qt` namespace costs 11 ms.)
        self.setCentralWidget(QWidget())
        self.statusBar().showMessage("Opening your journal…" if location.exists() else "Welcome to Relation Journal")
        self._set_journal_actions_enabled(False)
        self._restore_geometry()
        OnNextPaint(self, self._painted_first)
        if journal is not None:
            self.attach(journal)

    def _painted_first(self, painted_at: float) -> None:
        self.first_paint_time = painted_at
        self.first_painted.emit()

    def attach(self, journal: Journal) -> None:
        """Show `journal`: the people list, the pages, and what is due today."""
        self.journal = journal
        text.follow_zone(journal)  # its times show on its own clock, not the machine's (nor another window's)
        self.setAcceptDrops(True)  # an export dropped onto the window is imported (after its preview)
        self.people = people_ui.PeoplePanel(journal)
        self.person_page = pages.PersonPage(journal)
        self.timeline_page = pages.TimelinePage(journal)
        self.search_page = pages.SearchPage(journal)
        self.today = today_ui.TodayPage(journal)
        self.reflections_page = reflections_ui.ReflectionsPage(journal)
        self.upcoming = upcoming_ui.UpcomingPage(journal)
        self.insights: InsightsPage | None = None  # made when first shown (`show_insights`)
        self.stack = QStackedWidget()
        for page in (self.today, self.person_page, self.timeline_page, self.search_page, self.reflections_page,
                     self.upcoming):  # fmt: skip
            self.stack.addWidget(page)
        self.notice = upcoming_ui.ScheduledNotice()  # what logging a hard event scheduled, above the pages
        right = QWidget()
        column = QVBoxLayout(right)
        column.setContentsMargins(0, 6, 6, 0)
        column.addWidget(self.notice)
        column.addWidget(self.stack, 1)
        self.splitter = QSplitter()
        self.splitter.addWidget(self.people)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([420, 860])
        splitter = QSettings().value("window/splitter")
        if splitter is not None:
            self.splitter.restoreState(splitter)
        self.setCentralWidget(self.splitter)
        self.act_delete.setShortcutContext(qt.Qt.ShortcutContext.WidgetWithChildrenShortcut)
        for page in (self.person_page, self.timeline_page):  # Delete acts only in a timeline; both menus
            page.set_entry_actions([self.act_open_entry, self.act_delete])
        self.statusBar().clearMessage()

        self.people.view.selectionModel().currentRowChanged.connect(self._person_selected)
        self.people.view.clicked.connect(self._person_clicked)  # the current row too: it is not "changed"
        self.people.view.activated.connect(self._person_clicked)
        self.persons = person_actions.PersonActions(self, journal)
        self.entries = entry_actions.EntryActions(self, journal)
        self.reminders = reminder_actions.ReminderActions(self, journal)
        self.data = data_actions.DataActions(self, journal)
        self.people.add_first.clicked.connect(self.persons.add)
        self.timeline_page.open_person.connect(self.open_person)
        self.person_page.edit_entry.connect(self.entries.open)
        self.timeline_page.edit_entry.connect(self.entries.open)
        self.search_page.open_person.connect(self.open_person)
        self.search_page.searched.connect(self._searched)
        self.search_page.tree.up_from_top.connect(self.search.setFocus)
        self.search_page.tree.escape.connect(self.leave_search)
        self.search.installEventFilter(self)  # Down, Enter and Esc in the search box
        self.today.log_with.connect(self.reminders.log_for)
        self.today.reflect_on.connect(self.reminders.reflect)
        self.today.review.connect(self.reminders.review_programme)
        self.today.open_person.connect(self.open_person)
        self.today.show_upcoming.connect(self.show_upcoming)
        self.today.more_wanted.connect(self.refresh_due)
        self.upcoming.open_person.connect(self.open_person)
        self.notice.open_upcoming.connect(self.show_upcoming)
        self.today.selection_changed.connect(self._update_actions)
        self.reflections_page.write.clicked.connect(lambda: self.reminders.reflect(None))
        self.tray = tray_ui.ReminderTray(self, self.journal_name)
        self.tray.activated.connect(self._bring_forward)
        self.tray.quit_requested.connect(self.close)
        self._due_timer = QTimer(self, interval=60_000)
        self._due_timer.timeout.connect(self.refresh_due)
        self._due_timer.timeout.connect(self.upcoming.refresh_if_shown)
        self._due_timer.start()
        self._file_problem: str | None = None
        self._file_timer = QTimer(self, interval=self.FILE_CHECK_MS)
        self._file_timer.timeout.connect(self._check_file)
        self._file_timer.start()
        # The same as the frame's style sheet, but a style sheet stops the toolbar following a palette
        # change (a desktop turning dark); `Qt.*` costs nothing any more once the frame is painted.
        self.toolbar.setStyleSheet("")
        self.toolbar.setToolButtonStyle(qt.Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.changes = ChangeHub(journal, self)  # every view follows the journal's committed writes
        self.changes.changed.connect(self._journal_changed)
        self.changes.changed.connect(self.upcoming.follow)  # it reads again by itself, off the GUI thread
        self._refresh_tags()
        self.people.reload()
        self._set_journal_actions_enabled(True)
        self._update_actions()
        self.refresh_due()
        memory.freeze_after_start()

    def detach(self) -> Journal:
        """Take the journal out of the window and return it, still open, for a restore or key change
        (which need the file alone): once this returns no view, timer or background read uses it."""
        journal = self._journal()
        self._due_timer.stop()
        self._file_timer.stop()
        if self.tray.tray is not None:
            self.tray.tray.hide()
        for gone in (self.changes, self.tray, self._due_timer, self._file_timer):
            gone.deleteLater()
        QSettings().setValue("window/splitter", self.splitter.saveState())
        self.journal = None
        self._set_journal_actions_enabled(False)
        self.setCentralWidget(QWidget())  # the views go with the old one
        worker.wait_for_background_work()  # reads under way finish (and deliver to no one)
        return journal

    # Actions -----------------------------------------------------------------------------------
    def _action(self, label: str, slot: Any, keys: Any = (), icon_name: str | None = None, tip: str = "") -> QAction:
        action = QAction(icon(icon_name or ""), label, self)
        shortcuts = [QKeySequence(k) for k in (keys if isinstance(keys, (list, tuple)) else [keys])]
        action.setShortcuts([s for s in shortcuts if not s.isEmpty()])
        action.setToolTip(f"{tip or label.replace('&', '').rstrip('…')} ({action.shortcut().toString()})"
                          if shortcuts else tip or label.replace("&", ""))  # fmt: skip
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        key = QKeySequence.StandardKey
        self.act_add = self._action(
            "&New person…", lambda: self.persons.add(), "Ctrl+Shift+N", "person-add", "Add a person"
        )
        self.act_edit = self._action("&Edit person…", lambda: self.persons.edit(), "Ctrl+E", "person")
        self.act_archive = self._action("&Archive person", lambda: self.persons.archive())
        self.act_merge = self._action("&Merge with…", lambda: self.persons.merge_with(),
                                      tip="Merge this person with a duplicate: everything of both is kept")  # fmt: skip
        self.act_duplicates = self._action("Possible d&uplicates…", lambda: self.persons.review_duplicates(),
                                           tip="People who may be one person, to merge")  # fmt: skip
        self.act_log = self._action("&Log conversation…", self._log, "Ctrl+L", "log")
        self.act_note = self._action("&Quick note…", lambda: self.entries.note(), key.New, "note")
        self.act_search = self._action("&Search…", self.focus_search, [key.Find, "Ctrl+K"], "search",
                                       "Search everything")  # fmt: skip
        self.act_people = self._action("&People filter", self.focus_people, "Ctrl+1", "person", "Filter people")
        self.act_timeline = self._action("&Timeline", self.show_timeline, ["Ctrl+2", "Ctrl+T"], "timeline")
        self.act_today = self._action("To&day", self.show_today, ["Ctrl+3", "Ctrl+D"], "today", "What is due today")
        self.act_reflections = self._action("My &reflections", self.show_reflections, "Ctrl+4", "heart")
        self.act_upcoming = self._action("&Upcoming", self.show_upcoming, "Ctrl+5", "today",
                                         "What is scheduled, to move or remove")  # fmt: skip
        self.act_insights = self._action("&Insights", self.show_insights, "Ctrl+6", "timeline",
                                         "The shape of your weeks: rhythm, who reaches out, who is slipping away, "
                                         "your load")  # fmt: skip
        self.act_programme = self._action("Add to &programme…", lambda: self.persons.add_to_programme())
        self.act_dates = self._action("Dates and ann&iversaries…", lambda: self.persons.dates(),
                                      tip="Work anniversaries, weddings, a birthday without a year: shown on Today "
                                          "ahead and on the day, every year")  # fmt: skip
        self.act_review = self._action("Re&view programme membership…", lambda: self.persons.review_current_programme())
        self.act_tags = self._action(
            "Manage &tags…",
            lambda: self.persons.manage_tags(),
            "Ctrl+Shift+T",
            tip="Rename, merge and delete tags; set their cadence",
        )
        self.act_import = self._action(
            "&Import…",
            lambda: self.import_from(None),
            "Ctrl+Shift+I",
            tip="Import an export from LinkedIn, X, Instagram, Facebook, Google Contacts or vCard, or CSV files",
        )
        self.act_export = self._action("&Export to CSV…", lambda: self.export_to(None), "Ctrl+Shift+E", "export")
        self.act_backups = self._action("&Backups…", lambda: care.show_backups(self),
                                        tip="Back up now, or restore an earlier backup")  # fmt: skip
        self.act_change_key = self._action("Change &key…", lambda: care.change_key(self),
                                           tip="Re-encrypt the journal with a new key or passphrase")  # fmt: skip
        self.act_shortcuts = self._action("&Keyboard shortcuts", lambda: help_ui.ShortcutsDialog(self).exec(),
                                          "Ctrl+/")  # fmt: skip
        self.act_guide = self._action("&User guide", lambda: help_ui.GuideDialog(self).exec(), key.HelpContents)
        self.act_settings = self._action(
            "Se&ttings…", lambda: self.data.settings(), [key.Preferences, "Ctrl+,"], "settings"
        )
        self.act_open_entry = self._action("&Open/Edit entry…", lambda: self.entries.open(), "Ctrl+O")
        self.act_delete = self._action("&Delete entry…", lambda: self.entries.delete(), key.Delete)
        self.act_undo = self._action("&Undo delete", lambda: self.entries.undo(), key.Undo)
        self.act_quit = self._action("&Quit", self.close, key.Quit)
        journals_ui.add_file_actions(self)  # New journal…, Open journal…, Recent journals, Move to another computer…
        self.act_about = self._action("&About Relation Journal", self.about)

        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        journals_ui.add_file_menu(self, file_menu)
        file_menu.addSeparator()
        file_menu.addActions([self.act_import, self.act_export])
        file_menu.addSeparator()
        file_menu.addActions([self.act_backups, self.act_change_key, self.act_settings])
        file_menu.addSeparator()
        file_menu.addAction(self.act_quit)
        bar.addMenu("&Edit").addAction(self.act_undo)
        person_menu = bar.addMenu("&Person")
        person_menu.addActions([self.act_add, self.act_edit, self.act_archive, self.act_programme, self.act_review])
        person_menu.addAction(self.act_dates)
        person_menu.addActions([self.act_merge, self.act_duplicates])
        person_menu.addSeparator()
        person_menu.addActions([self.act_log, self.act_note, self.act_open_entry, self.act_delete])
        person_menu.addSeparator()
        person_menu.addAction(self.act_tags)
        view_menu = bar.addMenu("&View")
        view_menu.addActions([self.act_today, self.act_upcoming, self.act_people, self.act_timeline, self.act_search,
                              self.act_reflections, self.act_insights])  # fmt: skip
        help_menu = bar.addMenu("&Help")
        help_menu.addActions([self.act_guide, self.act_shortcuts])
        help_menu.addSeparator()
        help_menu.addAction(self.act_about)

        self.toolbar = toolbar = QToolBar("Main")
        toolbar.setObjectName("main-toolbar")
        toolbar.setMovable(False)
        toolbar.setStyleSheet("QToolBar { qproperty-toolButtonStyle: ToolButtonTextBesideIcon; }")  # no `Qt.*`
        toolbar.addActions([self.act_today, self.act_upcoming])
        toolbar.addSeparator()
        toolbar.addActions([self.act_add, self.act_log, self.act_note])
        toolbar.addSeparator()
        toolbar.addAction(self.act_timeline)
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        toolbar.addWidget(spacer)
        toolbar.addWidget(self.search)
        self.addToolBar(toolbar)

    def _set_journal_actions_enabled(self, enabled: bool) -> None:
        """Before `attach` only Quit and Help work: everything else needs the journal."""
        for action in self.actions():
            if action not in (self.act_quit, self.act_about, self.act_guide, self.act_shortcuts):
                action.setEnabled(enabled)
        self.search.setEnabled(enabled)

    def _update_actions(self) -> None:
        has_person = self.person_page.person is not None and self.stack.currentWidget() is self.person_page
        for action in (self.act_edit, self.act_archive, self.act_log, self.act_note, self.act_programme,
                       self.act_review, self.act_merge, self.act_dates):  # fmt: skip
            action.setEnabled(has_person)
        self.act_undo.setEnabled(bool(self.entries.deleted))  # a delete of this session to undo
        if self._on_today() and self.today.can_log():
            self.act_log.setEnabled(True)  # with the person the chosen reminder is about

    def _on_today(self) -> bool:
        return self.stack.currentWidget() is self.today

    def _log(self) -> None:
        if self._on_today():
            self.today.log_conversation()
        else:
            self.entries.log()

    # Navigation -------------------------------------------------------------------------------
    def _person_selected(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            return
        person_id = current.data(models.KEY_ROLE)
        shown = self.person_page.person
        if self.stack.currentWidget() is self.person_page and shown is not None and shown.id == person_id:
            return  # already on screen: the list kept its selection through a reload, or open_person chose it
        self._show_person(person_id)

    def _person_clicked(self, index: QModelIndex) -> None:
        """A click on the person already selected (from Today, say) opens them all the same."""
        self._person_selected(index, index)

    def _show_person(self, person_id: int, select_key: int | None = None) -> None:
        try:
            self.person_page.show_person(person_id, select_key)
        except JournalError as error:
            self.statusBar().showMessage(str(error), 8000)
            return
        self.stack.setCurrentWidget(self.person_page)
        self._update_actions()

    def open_person(self, person_id: int, select_key: int = -1) -> None:
        self._show_person(person_id, None if select_key < 0 else select_key)
        self.people.select(person_id)
        if select_key >= 0:
            self.person_page.table.setFocus()

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()
        if self.search.text().strip():
            self.run_search()

    def focus_people(self) -> None:
        self.people.filter.setFocus()
        self.people.filter.selectAll()

    def run_search(self) -> None:
        self._search_debounce.stop()
        query = self.search.text()
        if not query.strip() or self.journal is None:
            return
        if self.stack.currentWidget() is not self.search_page:
            self._before_search = self.stack.currentWidget()
        self.search_page.search(query)
        self.stack.setCurrentWidget(self.search_page)
        self._update_actions()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and hasattr(self, "lock_label"):
            self._set_lock_pixmap()  # a pixmap, drawn once: the action icons follow the palette by themselves

    def _set_lock_pixmap(self) -> None:
        self.lock_label.setPixmap(icon("lock").pixmap(QSize(16, 16), self.devicePixelRatioF()))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.search and event.type() == QEvent.Type.KeyPress and self.journal is not None:
            keys = cast("QKeyEvent", event)
            key, plain = keys.key(), not keys.modifiers() & ~qt.Qt.KeyboardModifier.KeypadModifier
            if plain and key == qt.Qt.Key.Key_Down:
                return self._search_key("enter")
            if plain and key in (qt.Qt.Key.Key_Return, qt.Qt.Key.Key_Enter):
                return self._search_key("open")
            if plain and key == qt.Qt.Key.Key_Escape:
                self.leave_search()
                return True
        return super().eventFilter(watched, event)

    def _search_key(self, wanted: str) -> bool:
        """Down (into the results) or Enter (open the selected hit, else the first) in the search box:
        at once if the results of what is typed are on screen, else once they are."""
        query = self.search.text()
        if not query.strip():
            return wanted == "open"
        if self.search_page.shown_query == query and self.stack.currentWidget() is self.search_page:
            self._do_after_search(wanted)
            return True
        self._after_search = wanted
        if self._search_debounce.isActive() or self.search_page.shown_query != query:
            self.run_search()
        self.stack.setCurrentWidget(self.search_page)
        return True

    def _searched(self, _count: int) -> None:
        wanted, self._after_search = self._after_search, None
        if wanted is not None and self.search_page.shown_query == self.search.text():
            self._do_after_search(wanted)

    def _do_after_search(self, wanted: str) -> None:
        if wanted == "open":
            self.search_page.open_current()
        else:
            self.search_page.enter_results()

    def leave_search(self) -> None:
        """Esc while searching: back to the page the user was on (the person, say), the box emptied."""
        self._after_search = None
        if self.stack.currentWidget() is not self.search_page:
            self.search.clear()
            return
        back = self._before_search if self._before_search is not None else self.today
        self._search_debounce.stop()
        self.search.blockSignals(True)  # (emptying it is not a new search)
        self.search.clear()
        self.search.blockSignals(False)
        self.stack.setCurrentWidget(back)
        target = getattr(back, "table", None) or getattr(back, "tree", None) or self.people.view
        target.setFocus()
        self._update_actions()

    def show_timeline(self) -> None:
        self.timeline_page.reload()
        self.stack.setCurrentWidget(self.timeline_page)
        self.timeline_page.table.setFocus()
        self._update_actions()

    def show_today(self) -> None:
        self.stack.setCurrentWidget(self.today)
        self.today.cards.setFocus()
        self._update_actions()
        self.refresh_due()

    def show_upcoming(self) -> None:
        self.notice.hide()
        self.stack.setCurrentWidget(self.upcoming)  # (showing it reads it again if anything changed)
        self.upcoming.tree.setFocus()
        self._update_actions()

    def show_insights(self) -> None:
        """The Insights page, made the first time it is asked for (its module loads only then)."""
        if self.insights is None:
            self.insights = insights_ui.InsightsPage(self._journal())
            self.stack.addWidget(self.insights)
            self.insights.open_person.connect(self.open_person)  # as Today opens a person
            self.insights.log_with.connect(self.entries.log)  # the log flow, with the person chosen there
            self.changes.changed.connect(self.insights.follow)
        self.stack.setCurrentWidget(self.insights)  # (showing it reads it again)
        self.insights.period.setFocus()
        self._update_actions()

    def show_reflections(self) -> None:
        self.reflections_page.reload()
        self.stack.setCurrentWidget(self.reflections_page)
        self._update_actions()

    def bring_forward(self) -> None:
        """Another start of the app on this journal asked for this window."""
        self.showNormal()
        self.raise_()
        self.activateWindow()

    def start_daily_backup(self) -> None:
        """The once-a-day encrypted backup, off the GUI thread."""
        from relationjournal.core import backups

        def done(path: Any) -> None:
            if path is not None:
                self.statusBar().showMessage(f"Backed up to {path.name}.", 5000)

        worker.run_in_background(
            self,
            lambda: backups.daily_backup(self._journal(), self.location),
            done,
            lambda error: self.statusBar().showMessage(f"The daily backup failed: {error}", 15000),
        )

    def _bring_forward(self) -> None:
        self.bring_forward()
        self.show_today()

    def _journal_changed(self, change: Change) -> None:
        """Bring every view up to date with a committed write (the one place views are refreshed)."""
        try:
            self._follow(change)
        except JournalError as error:  # unreadable just now (e.g. its file gone): said, not a crash
            self.statusBar().showMessage(str(error), 10000)

    def _follow(self, change: Change) -> None:
        if change.settings or change.everything:
            self._follow_zone()
        if change.tags or change.everything:
            self._refresh_tags()
        if change.everything:  # (an import): 10,000 ids read off the GUI thread
            self.people.reload_in_background()
        elif change.people:  # at once: the person just added or renamed is selected next
            self.people.reload()
        else:
            for person_id in change.entries:
                self.people.model.forget(person_id)  # their last contact may have changed
            self.people.view.viewport().update()
        shown = self.person_page.person
        if shown is not None and (change.touches_person(shown.id) or change.settings):
            selected = self.person_page.table.currentIndex().data(models.KEY_ROLE)
            self.person_page.show_person(shown.id, selected)  # the selected entry stays selected
        showing = self.stack.currentWidget()
        on_timeline, on_reflections = showing is self.timeline_page, showing is self.reflections_page
        if on_timeline and (change.entries or change.everything):
            self.timeline_page.reload()
        if on_reflections and (change.reflections or change.settings):
            self.reflections_page.reload()
        self.refresh_due()

    def _follow_zone(self) -> None:
        """The journal's time zone may have changed: show every time on its clock again."""
        text.follow_zone(self._journal())
        self.people.view.viewport().update()  # "last contact" counts calendar days on that clock
        self.timeline_page.table.viewport().update()
        self.timeline_page.detail.show_entry(self.timeline_page.detail.entry)

    # What the actions do: small controllers, created with the journal in `attach` -----------------
    def _journal(self) -> Journal:
        """The journal, once `attach` has shown one (everything below runs only after that)."""
        if self.journal is None:
            raise RuntimeError("no journal is attached yet")
        return self.journal

    def refresh_due(self) -> None:
        """Read what is due again (Today, the toolbar count, the tray)."""
        self.reminders.refresh()

    def export_to(self, folder: Path | None) -> None:
        self.data.export_to(folder)

    def import_from(self, source: Path | None) -> None:
        self.data.import_from(source)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self.journal is not None and not self.set_aside and _dropped_path(event.mimeData()) is not None:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        path = _dropped_path(event.mimeData())
        if self.journal is None or self.set_aside or path is None:
            return
        event.acceptProposedAction()
        QTimer.singleShot(0, lambda: self.import_from(path))  # after the drop returns: the preview is modal

    def _check_file(self) -> None:
        """Notice, once, that the journal's file was deleted or replaced by another program, and say so."""
        from relationjournal.ui.vanished import offer_rescue

        journal = self._journal()
        problem = journal.file_problem()
        if problem is None or problem == self._file_problem:
            return
        self._file_problem = problem
        self.statusBar().showMessage("Your journal file is gone: nothing is being saved.")
        if offer_rescue(journal, self):
            self._file_problem = None
            self.statusBar().showMessage("Your journal is back in its place; everything saves again.", 10_000)

    def _refresh_tags(self) -> None:
        names = self._journal().tag_names()
        self.people.set_tags(names)
        self.timeline_page.set_tags(names)

    def about(self) -> None:
        QMessageBox.about(self, "About Relation Journal",
                          f"<b>Relation Journal {__version__}</b><p>Your journal: <tt>{self.location.database}</tt>"
                          "<br>Encrypted with SQLCipher; its key is in your system keyring or your "
                          "passphrase.</p>")  # fmt: skip

    # Window state: geometry only, never personal data ----------------------------------------
    def _restore_geometry(self) -> None:
        geometry = QSettings().value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 800)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.set_aside:  # a restore or key change is replacing the file: it finishes first
            event.ignore()
            return
        settings = QSettings()
        settings.setValue("window/geometry", self.saveGeometry())
        if self.journal is not None:
            settings.setValue("window/splitter", self.splitter.saveState())
        super().closeEvent(event)
        if event.isAccepted():
            self.closed.emit()


def _dropped_path(mime: Any) -> Path | None:
    """The one local file or folder dragged onto the window, if that is what it is."""
    urls = mime.urls() if mime is not None and mime.hasUrls() else []
    local = [Path(url.toLocalFile()) for url in urls if url.isLocalFile()]
    return local[0] if len(local) == 1 and local[0].exists() else None
