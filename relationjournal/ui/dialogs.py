"""Dialogs for adding and changing things: a person, a conversation, a note, settings, export.

Each dialog builds a draft from its fields and hands it to the journal service; a value the
service refuses is shown in the dialog in one sentence, and the dialog stays open with
everything the user typed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from relationjournal.core import clock, fields
from relationjournal.core.errors import InvalidInput, JournalError, JournalGone
from relationjournal.core.records import InteractionDraft, InteractionRecord, NoteRecord, PersonDraft, PersonRecord
from relationjournal.core.settings import SETTINGS, Kind, Setting
from relationjournal.core.vocabulary import Context, Direction, Platform, Status, Tone
from relationjournal.ui import text
from relationjournal.ui.channelbox import ChannelBox
from relationjournal.ui.links import SafeTextBrowser, guard_label
from relationjournal.ui.qt import (
    QCheckBox,
    QComboBox,
    QDate,
    QDateTime,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    Qt,
    QTime,
    QTimer,
    QVBoxLayout,
    QWidget,
)
from relationjournal.ui.text import html_text
from relationjournal.ui.vanished import offer_rescue
from relationjournal.ui.widgets import (
    ChoiceBox,
    ClockRangeEdit,
    DayListEdit,
    ErrorLine,
    OptionalDateEdit,
    TimeZonePicker,
    date_time_edit,
    lay_out_dialog,
    text_edit,
    to_datetime,
    years_ago,
)
from relationjournal.ui.worker import run_in_background

if TYPE_CHECKING:  # only for annotations: importing them would load SQLAlchemy at start-up
    from relationjournal.core.journal import Journal


def _optional_date_edit(field: str, near: Callable[[], date] = date.today) -> OptionalDateEdit:
    """A day that may stay empty; the calendar opens near `near()`."""
    return OptionalDateEdit(field, near)


def anniversary_box(hard_event: QCheckBox, on: bool) -> QCheckBox:
    """ "Remind me of this day next year": for a hard event only (greyed out otherwise), on unless
    turned off. A year later Today says so, once, in the words you logged (no message is written for you)."""
    box = QCheckBox("Remind me of this day next &year")
    box.setChecked(on)
    box.setToolTip("A year from now, Today reminds you of this hard news, once. Nothing is sent.")
    box.setAccessibleName("Remind me of this day next year")
    box.setEnabled(hard_event.isChecked())
    hard_event.toggled.connect(box.setEnabled)
    return box


def _date_of(edit: OptionalDateEdit) -> date | None:
    """The day in `edit`, None if empty; raises `InvalidInput` (a `JournalError`) for text that is no date."""
    return edit.value()


class PersonDialog(QDialog):
    """Add a person, or edit one (`person` given)."""

    def __init__(self, journal: Journal, person: PersonRecord | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.journal, self.person = journal, person
        self.saved: PersonRecord | None = None
        self.setWindowTitle("Edit person" if person else "Add a person")
        self.setMinimumWidth(560)
        p = person
        self.name = QLineEdit(p.display_name if p else "")
        self.name.setPlaceholderText("How you address them")
        self.pronouns = QLineEdit(p.pronouns if p else "")
        self.organisation = QLineEdit(p.organisation if p else "")
        self.role = QLineEdit(p.role if p else "")
        self.tags = QLineEdit(", ".join(p.tags) if p else "")
        self.tags.setPlaceholderText("client, translator, influencer")
        self.handles = text_edit("\n".join(f"{pl.value}:{v}" for pl, v in p.handles) if p else "",
                                  "One per line, e.g. x:@ada, linkedin:ada-l, email:ada@example.org", 3)  # fmt: skip
        self.why = text_edit(p.why_it_matters if p else "", "Why this relationship matters to you")
        self.reaches_out = QLineEdit(p.reaches_out if p else journal.setting("me", ""))
        self.reaches_out.setPlaceholderText("Who on the team reaches out to them")
        self.remember = text_edit(p.remember if p else "", "Their kids, their project, what worried them last time", 4)
        self.how_we_met = QLineEdit(p.how_we_met if p else "")
        self.source = QComboBox()
        self.source.setEditable(True)
        self.source.addItems(["", "new follower", "client", "event", "introduction", "programme"])
        self.source.setCurrentText(p.source if p else "")
        self.birthday = _optional_date_edit("birthday", years_ago(30))
        if p and p.birthday:
            self.birthday.setDate(p.birthday)
        self.cadence = QSpinBox()
        self.cadence.setRange(0, 3660)
        self.cadence.setSpecialValueText("No regular check-in")
        self.cadence.setSuffix(" days")
        self.cadence.setValue((p.cadence_days or 0) if p else 0)
        self.status = ChoiceBox({s: s.value.capitalize() for s in Status}, p.status if p else Status.active)

        form = QFormLayout()
        for label, widget in (
            ("&Name", self.name), ("&Pronouns", self.pronouns), ("&Organisation", self.organisation),
            ("&Role", self.role), ("&Tags", self.tags), ("&Handles", self.handles), ("Wh&y it matters", self.why),
            ("&Who reaches out", self.reaches_out), ("Things to re&member", self.remember),
            ("How w&e met", self.how_we_met), ("&Source", self.source), ("&Birthday", self.birthday),
            ("Stay in touch e&very", self.cadence), ("Stat&us", self.status),
        ):  # fmt: skip
            form.addRow(label, widget)
            widget.setAccessibleName(label.replace("&", ""))
        self.error, _ = lay_out_dialog(self, form)

    def _handles(self) -> list[tuple[Platform, str]]:
        return [fields.handle(line) for line in self.handles.toPlainText().splitlines() if line.strip()]

    def accept(self) -> None:
        try:
            tags = [t for t in (part.strip() for part in self.tags.text().split(",")) if t]
            values = dict(
                display_name=self.name.text(), pronouns=self.pronouns.text().strip(),
                organisation=self.organisation.text().strip(), role=self.role.text().strip(),
                why_it_matters=self.why.toPlainText().strip(), reaches_out=self.reaches_out.text().strip(),
                remember=self.remember.toPlainText().strip(), how_we_met=self.how_we_met.text().strip(),
                source=self.source.currentText().strip(), birthday=_date_of(self.birthday),
                cadence_days=self.cadence.value() or None, status=self.status.value(),
            )  # fmt: skip
            handles = self._handles()
            if self.person is None:
                self.saved = self.journal.add_person(PersonDraft(**values, handles=tuple(handles), tags=tuple(tags)))
            else:
                old_handles = set(self.person.handles)
                self.saved = self.journal.edit_person(
                    self.person.id, values,
                    add_handles=[h for h in handles if h not in old_handles],
                    remove_handles=[h for h in old_handles if h not in handles],
                    add_tags=tags, remove_tags=[t for t in self.person.tags if t.casefold() not in
                                                {x.casefold() for x in tags}],
                )  # fmt: skip
        except JournalError as error:
            self.error.show_error(str(error))
            return
        super().accept()


class InteractionDialog(QDialog):
    """Log a conversation with a person, or edit one (`interaction` given); what to remember about
    them is shown to help write it."""

    def __init__(self, journal: Journal, person: PersonRecord, parent: QWidget | None = None,
                 interaction: InteractionRecord | None = None):  # fmt: skip
        super().__init__(parent)
        self.journal, self.person, self.interaction = journal, person, interaction
        self.saved: InteractionRecord | None = None
        self._saving = False
        verb = "Edit conversation with" if interaction else "Log a conversation with"
        self.setWindowTitle(f"{verb} {person.display_name}")
        self.setMinimumWidth(560)
        self.channel = ChannelBox(journal, person.id)  # starts at the channel used last with them
        self.direction = ChoiceBox(text.DIRECTION_LABELS, Direction.outgoing)
        now = text.local_naive(datetime.now(UTC), text.zone(journal))  # on the journal's clock, as every time
        self.when = date_time_edit(QDateTime(QDate(now.year, now.month, now.day), QTime(now.hour, now.minute)))
        self.summary = QLineEdit()
        self.summary.setPlaceholderText("What it was about, in a line")
        self.body = text_edit("", "What was said, how they are, what to remember", 5)
        self.tone = ChoiceBox(text.TONE_LABELS, Tone.neutral)
        self.context = ChoiceBox(text.CONTEXT_LABELS, Context.personal)
        self.hard_event = QCheckBox("A hard event: a loss, an illness, a crisis")
        self.anniversary = anniversary_box(self.hard_event, interaction.anniversary if interaction else True)
        self.by = QLineEdit(journal.setting("me", "") or person.reaches_out)
        self.by.setPlaceholderText("Who on the team reached out")
        self.follow_up = _optional_date_edit("follow up on")
        form = QFormLayout()
        for label, widget in (
            ("&Channel", self.channel), ("&Direction", self.direction), ("W&hen", self.when),
            ("&Summary", self.summary), ("Detai&ls", self.body), ("T&one", self.tone), ("Conte&xt", self.context),
            ("", self.hard_event), ("", self.anniversary), ("Reached out &by", self.by),
            ("&Follow up on", self.follow_up),
        ):  # fmt: skip
            form.addRow(label, widget)
            if label:
                widget.setAccessibleName(label.replace("&", ""))
        self.hard_event.setAccessibleName("Hard event")
        remember = person.remember or person.why_it_matters
        hint = guard_label(QLabel(f"<b>Remember:</b> {html_text(remember, breaks=True)}" if remember else ""))
        hint.setWordWrap(True)
        hint.setTextFormat(Qt.TextFormat.RichText)
        hint.setVisible(bool(remember))
        self.error, self.buttons = lay_out_dialog(self, hint, form)
        self._shown_when = self.when.dateTime()
        if interaction is not None:
            self._fill(interaction)
        self.summary.setFocus()

    def _fill(self, item: InteractionRecord) -> None:
        """Show a logged conversation as it is, to be edited."""
        self.channel.set_value(item.channel)
        self.direction.set_value(item.direction)
        local = text.local_naive(item.occurred_at, text.zone(self.journal))
        self.when.setDateTime(QDateTime(QDate(local.year, local.month, local.day),
                                        QTime(local.hour, local.minute, local.second)))  # fmt: skip
        self._shown_when = self.when.dateTime()
        self.summary.setText(item.summary)
        self.body.setPlainText(item.body)
        self.tone.set_value(item.tone)
        self.context.set_value(item.context)
        self.hard_event.setChecked(item.hard_event)
        self.by.setText(item.reached_out_by)
        if item.follow_up_on is not None:
            on = item.follow_up_on
            self.follow_up.setDate(on)

    def accept(self) -> None:
        if self._saving:
            return
        try:
            follow_up = _date_of(self.follow_up)
        except JournalError as error:  # text that is no date is refused, never dropped
            self.error.show_error(str(error))
            self.follow_up.setFocus()
            return
        when = text.from_local(to_datetime(self.when.dateTime()), text.zone(self.journal)).astimezone(UTC)
        if self.interaction is not None and self.when.dateTime() == self._shown_when:
            when = self.interaction.occurred_at  # untouched: not moved by the seconds the field hides
        draft = InteractionDraft(
            channel=self.channel.value(), direction=self.direction.value(),
            occurred_at=when, summary=self.summary.text().strip(),
            body=self.body.toPlainText().strip(), tone=self.tone.value(), context=self.context.value(),
            hard_event=self.hard_event.isChecked(), reached_out_by=self.by.text().strip(),
            follow_up_on=follow_up, anniversary=self.anniversary.isChecked(),
        )  # fmt: skip
        if not draft.summary and not draft.body:
            self.error.show_error("Write a summary or some details, so you can find this conversation again.")
            return
        if self.interaction is not None:
            self._save_edit(self.interaction.id, draft)
            return
        try:
            self.saved = self.journal.log_interaction(self.person.id, draft)
        except JournalError as error:
            self.error.show_error(str(error))
            return
        super().accept()

    def _save_edit(self, interaction_id: int, draft: InteractionDraft) -> None:
        """Save an edit off the GUI thread; the dialog closes once it is saved, or says why not."""
        journal = self.journal
        self._saving = True
        self.buttons.setEnabled(False)
        run_in_background(self, lambda: journal.edit_interaction(interaction_id, draft), self._edited, self._refused)

    def _edited(self, saved: InteractionRecord) -> None:
        self._saving = False
        self.buttons.setEnabled(True)
        self.saved = saved
        super().accept()

    def _refused(self, error: Exception) -> None:
        self._saving = False
        self.buttons.setEnabled(True)
        if not isinstance(error, JournalError):
            raise error  # a bug: the crash dialog says so
        self.error.show_error(str(error))

    def reject(self) -> None:
        if not self._saving:  # an edit being saved finishes first: closing now would hide its outcome
            super().reject()


class NoteDialog(QDialog):
    """Write a Markdown note with a live preview. It saves as you type: closing loses nothing."""

    AUTOSAVE_MS = 800
    RETRY_MS = 2000  # while the journal's file is gone, try again until it is back

    def __init__(self, journal: Journal, person: PersonRecord, note: NoteRecord | None = None,
                 parent: QWidget | None = None):  # fmt: skip
        super().__init__(parent)
        self.journal, self.person, self.note = journal, person, note
        self.setWindowTitle(f"Note about {person.display_name}")
        self.resize(760, 460)
        self.editor = QPlainTextEdit(note.body if note else "")
        self.editor.setPlaceholderText("Write in Markdown: **bold**, *italic*, - lists. It saves as you type.")
        self.editor.setAccessibleName("Note text")
        self.preview = SafeTextBrowser()
        self.preview.setAccessibleName("Preview")
        self.pinned = QCheckBox("&Pin to the top of their page")
        self.pinned.setChecked(bool(note and note.pinned))
        self.hard_event = QCheckBox("A &hard event: a loss, an illness, a crisis")
        self.hard_event.setChecked(bool(note and note.hard_event))
        self.hard_event.setToolTip("Schedules check-ins with them, and a moment for yourself")
        self.anniversary = anniversary_box(self.hard_event, note.anniversary if note else True)
        self.status = QLabel("")
        self.error = ErrorLine()
        split = QSplitter()
        split.addWidget(self.editor)
        split.addWidget(self.preview)
        split.setMinimumHeight(self.editor.fontMetrics().lineSpacing() * 8)  # however small the window: a few lines
        done = QPushButton("&Done")
        done.setDefault(True)
        done.clicked.connect(self.accept)
        row = QHBoxLayout()
        row.addWidget(self.pinned)
        row.addWidget(self.hard_event)
        row.addWidget(self.anniversary)
        row.addStretch()
        row.addWidget(self.status)
        row.addWidget(done)
        layout = QVBoxLayout(self)
        layout.addWidget(split, 1)
        layout.addWidget(self.error)
        layout.addLayout(row)
        self._timer = QTimer(self, singleShot=True, interval=self.AUTOSAVE_MS)
        self._timer.timeout.connect(self.save)
        self.editor.textChanged.connect(self._changed)
        self.pinned.toggled.connect(self._changed)
        self.hard_event.toggled.connect(self._changed)
        self.anniversary.toggled.connect(self._changed)
        self._render()

    def _changed(self) -> None:
        self._render()
        self.status.setText("Editing…")
        self._timer.start()

    def _render(self) -> None:
        self.preview.setMarkdown(self.editor.toPlainText())

    def save(self) -> bool:
        """Save what is written now (creating the note on the first save); False if it was refused."""
        self._timer.stop()
        body = self.editor.toPlainText()
        if not body.strip():
            self.status.setText("")
            return True
        try:
            if self.note is None:
                self.note = self.journal.add_note(self.person.id, body, pinned=self.pinned.isChecked(),
                                                  hard_event=self.hard_event.isChecked(),
                                                  anniversary=self.anniversary.isChecked())  # fmt: skip
            elif (body, self.pinned.isChecked(), self.hard_event.isChecked(), self.anniversary.isChecked()) != (
                self.note.body,
                self.note.pinned,
                self.note.hard_event,
                self.note.anniversary,
            ):  # the boxes save with the text: none is greyed out once the note exists
                self.note = self.journal.update_note(
                    self.note.id,
                    body=body,
                    pinned=self.pinned.isChecked(),
                    hard_event=self.hard_event.isChecked(),
                    anniversary=self.anniversary.isChecked(),
                )
        except JournalGone as error:  # the text stays here; it saves once the journal is back
            self.status.setText("Not saved")
            self.error.show_error(str(error))
            self._timer.start(self.RETRY_MS)
            return False
        except JournalError as error:
            self.status.setText("Not saved")
            self.error.show_error(str(error))
            return False
        self.error.hide()
        self.status.setText("Saved")
        return True

    def _save_before_closing(self) -> bool:
        """Save; if the journal's file is gone, offer to put it back first (closing would lose the text)."""
        if self.save():
            return True
        if self.journal.file_problem() is not None and offer_rescue(self.journal, self):
            return self.save()
        return False

    def accept(self) -> None:
        if self._save_before_closing():
            super().accept()

    def reject(self) -> None:  # Escape or the close button: keep what was written all the same
        if self._save_before_closing():
            super().reject()

    def closeEvent(self, event: Any) -> None:
        if not self._save_before_closing():
            event.ignore()  # what was typed is not saved anywhere yet: the window stays
            return
        super().closeEvent(event)


class SettingsDialog(QDialog):
    """Journal settings, each edited with the control its declaration in `core.settings` names (its
    `kind`): a new declaration shows here by itself. Kept inside the encrypted journal."""

    def __init__(self, journal: Journal, parent: QWidget | None = None):
        super().__init__(parent)
        self.journal = journal
        self.setWindowTitle("Settings")
        self.setMinimumWidth(560)
        self.edits: dict[str, QWidget] = {}
        self._texts: dict[str, Callable[[], str]] = {}  # each control's value as the text the CLI takes
        form = QFormLayout()
        for key, setting in SETTINGS.items():
            label = setting.label or key
            control, read = self._control(setting, journal.setting(key), label.replace("&", ""))
            control.setToolTip(setting.description)
            form.addRow(label, control)
            self.edits[key], self._texts[key] = control, read
        theme = QLabel("The app follows your system's light or dark appearance.")
        theme.setEnabled(False)
        backups = QLabel(backup_summary(journal))
        for shown in (theme, backups):
            shown.setWordWrap(True)  # a long path wraps instead of running off the window
        form.addRow("Theme", theme)
        form.addRow("Backups", backups)
        self.me = self.edits["me"]
        self.quiet = self.edits["quiet_hours"]
        self.zone = self.edits["timezone"]
        self.error, _ = lay_out_dialog(self, form)

    @staticmethod
    def _control(setting: Setting, value: Any, name: str) -> tuple[QWidget, Callable[[], str]]:
        """The control for one declared setting, and how to read it as the text its `parse` takes."""
        if setting.kind is Kind.clock_range:
            clocks = ClockRangeEdit(*value)
            clocks.start.setAccessibleName(f"{name} from")
            clocks.end.setAccessibleName(f"{name} to")
            clocks.off.setAccessibleName(f"{name} off")

            def clock_range() -> str:
                if clocks.text() != "off" and clocks.start.time() == clocks.end.time():
                    raise InvalidInput(f"{name}: they start and end at the same time; tick Off for none.")
                return clocks.text()

            return clocks, clock_range
        if setting.kind is Kind.time_zone:
            picker = TimeZonePicker(value, clock.zone_names(), clock.zone_name(clock.local_zone()))
            picker.setAccessibleName(name)
            return picker, picker.zone
        if setting.kind is Kind.switch:
            switch = QCheckBox()  # (its label says what it turns on; the description is its tooltip)
            switch.setChecked(bool(value))
            switch.setAccessibleName(name)
            return switch, lambda: "on" if switch.isChecked() else "off"
        if setting.kind is Kind.whole_number:
            box = QSpinBox()
            lowest = setting.minimum - 1 if setting.blank else setting.minimum
            box.setRange(lowest, max(setting.maximum, int(value or 0)))  # a larger value set in the CLI stays
            box.setSpecialValueText(setting.blank)
            box.setSuffix(setting.suffix)
            box.setValue(lowest if value is None else int(value))
            box.setAccessibleName(name)
            return box, lambda: "" if setting.blank and box.value() == lowest else str(box.value())
        edit: QLineEdit = DayListEdit(value) if setting.kind is Kind.day_list else QLineEdit(setting.show(value))
        edit.setAccessibleName(name)
        if setting.kind is Kind.text:
            edit.setPlaceholderText(setting.description)
        return edit, lambda: edit.text().strip()

    def accept(self) -> None:
        try:  # every value read first: one refused saves nothing
            values = {key: SETTINGS[key].parse(read()) for key, read in self._texts.items()}
            for key, value in values.items():
                if value != self.journal.setting(key):  # (each write tells every view; unchanged ones need not)
                    self.journal.set_setting(key, value)
        except JournalError as error:
            self.error.show_error(str(error))
            return
        super().accept()


def backup_summary(journal: Journal) -> str:
    from relationjournal.core.backups import list_backups
    from relationjournal.core.locations import JournalLocation

    location = JournalLocation(journal.path.parent)
    found = list_backups(location)
    if not found:
        return f"None yet; one is made each day the journal is opened, in {location.backups}."
    last = text.local_time(found[0].made_at, text.zone(journal))
    older = sum(b.needs_older_key for b in found)
    note = f" {older} were made before your last key change and need the recovery key from then." if older else ""
    return f"Last made {last}; {len(found)} kept (encrypted) in {location.backups}.{note}"


def ask_export_folder(parent: QWidget | None = None, folder: Path | None = None) -> Path | None:
    """Warn that CSV is plain text, then ask for a folder (unless given); None if the user stops."""
    answer = QMessageBox.warning(
        parent, "Export to CSV",
        "CSV files are not encrypted: anyone who can open the folder you choose can read every note "
        "and conversation in them.\n\nExport anyway? Delete the files when you no longer need them.",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Cancel,
    )  # fmt: skip
    if answer != QMessageBox.StandardButton.Yes:
        return None
    if folder is None:
        chosen = QFileDialog.getExistingDirectory(parent, "Export to folder")
        if not chosen:
            return None
        folder = Path(chosen)
    return folder
