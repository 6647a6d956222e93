"""What is due: reading it off the GUI thread for Today, the toolbar count and the tray, and acting on it.

`refresh` is called by the main window whenever the journal changed (and by a minute timer, as
time brings reminders due); a newer refresh supersedes an older one still running.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from relationjournal.core.errors import InvalidInput, JournalError
from relationjournal.core.vocabulary import utc_now
from relationjournal.ui import dialogs, programmes, reflections, worker

if TYPE_CHECKING:
    from relationjournal.core.journal import Journal
    from relationjournal.ui.mainwindow import MainWindow


class ReminderActions:
    def __init__(self, window: MainWindow, journal: Journal):
        self.window, self.journal = window, journal
        self._seen: set[int] | None = None  # None until the first refresh: no notification at start
        self._generation = 0

    def refresh(self) -> None:
        """Recompute what is due (and the last conversation of each person whose card shows) off the
        GUI thread; update Today, the toolbar count and the tray."""
        self._generation += 1
        from relationjournal.ui import today  # (loaded with the page by now)

        generation, journal = self._generation, self.journal
        expanded = set(self.window.today.expanded)

        def work() -> tuple[Any, Any, bool, Any]:
            now = utc_now()
            rules = journal.rules()
            due = journal.due_reminders(now=now)
            wanted = today.people_shown(due, expanded)
            found = journal.last_conversations(wanted)
            last = {person: found.get(person) for person in wanted}  # None: never spoken to
            return due, journal.emotional_load(now=now), rules.quiet.contains(now, rules.zone), last

        worker.run_in_background(self.window, work, lambda result: self._loaded(generation, *result), self._failed)

    def _loaded(self, generation: int, items: list[Any], load: Any, quiet: bool, last: dict[int, Any]) -> None:
        if generation != self._generation:
            return
        window = self.window
        window.today.show_due(items, load, last)
        count = len(items)
        window.act_today.setText(f"To&day ({count})" if count else "To&day")
        ids = {d.reminder.id for d in items}
        new = 0 if self._seen is None else len(ids - self._seen)
        self._seen = ids if self._seen is None else self._seen | ids
        window.tray.update(count, new, quiet=quiet)
        window.due_refreshed.emit()

    def _failed(self, error: Exception) -> None:
        if not isinstance(error, JournalError):
            raise error
        self.window.statusBar().showMessage(str(error), 10000)

    def log_for(self, person_id: int, reminder_id: int) -> None:
        """Log the conversation a reminder asked for; then the reminder is done (if the rules left it open)."""
        journal = self.journal
        dialog = dialogs.InteractionDialog(journal, journal.person(person_id), self.window)
        if dialog.exec() and dialog.saved:
            try:
                journal.complete_reminder(reminder_id)
            except InvalidInput:
                pass  # the conversation itself closed it (stay in touch, follow-up, welcome)

    def reflect(self, reminder_id: int | None = None) -> None:
        if reflections.ReflectionDialog(self.journal, reminder_id, self.window).exec():
            self.window.statusBar().showMessage("Reflection saved, for you alone.", 5000)

    def review_programme(self, person_id: int) -> None:
        memberships = [m for m in self.journal.memberships(person_id) if m.left_on is None]
        if not memberships:
            self.window.statusBar().showMessage("They are not in a programme any more.", 5000)
            return
        programmes.ProgrammeReviewDialog(self.journal, memberships[0], self.window).exec()
