"""Reflections after hard events: the guided reflection dialog and "My reflections", for the user alone."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from relationjournal.core.errors import JournalError
from relationjournal.core.records import (
    REFLECTION_QUESTIONS,
    ReflectionDraft,
    ReflectionRecord,
)
from relationjournal.ui import palette, text
from relationjournal.ui.icons import icon
from relationjournal.ui.links import SafeTextBrowser
from relationjournal.ui.qt import (
    QDialog,
    QEvent,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPalette,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from relationjournal.ui.text import html_text
from relationjournal.ui.widgets import (
    lay_out_dialog,
    text_edit,
)

if TYPE_CHECKING:  # only for annotations: importing them would load SQLAlchemy at start-up
    from relationjournal.core.journal import Journal


class ReflectionDialog(QDialog):
    """A short guided reflection after a hard event, saved privately (encrypted) for the user alone."""

    def __init__(self, journal: Journal, reminder_id: int | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.journal, self.reminder_id = journal, reminder_id
        self.saved: ReflectionRecord | None = None
        self.setWindowTitle("A moment for yourself")
        self.setMinimumWidth(620)
        intro = QLabel(
            "Caring for people who are going through something hard takes something from you too. "
            "Take a few minutes. Short answers are fine; only you will ever see them."
        )
        intro.setWordWrap(True)
        form = QFormLayout()
        self.answers: dict[str, QPlainTextEdit] = {}
        for key, question in REFLECTION_QUESTIONS.items():
            edit = text_edit(lines=2)
            edit.setAccessibleName(question)
            self.answers[key] = edit
            label = QLabel(question)
            label.setWordWrap(True)
            form.addRow(label, edit)
        self.error, _ = lay_out_dialog(self, intro, form, ok="&Save reflection")

    def accept(self) -> None:
        draft = ReflectionDraft(**{key: edit.toPlainText() for key, edit in self.answers.items()})
        try:
            self.saved = self.journal.save_reflection(draft, reminder_id=self.reminder_id)
        except JournalError as error:
            self.error.show_error(str(error))
            return
        super().accept()


class ReflectionsPage(QWidget):
    """The user's own timeline: their reflections, newest first. Never shown on anyone's page."""

    def __init__(self, journal: Journal):
        super().__init__()
        self.journal = journal
        self.view = SafeTextBrowser()
        self.view.setAccessibleName("My reflections")
        write = QPushButton(icon("heart"), "Write a reflection…")
        self.write = write
        top = QHBoxLayout()
        top.addWidget(QLabel("<span style='font-size:16pt; font-weight:600'>My reflections</span>"))
        top.addStretch()
        top.addWidget(write)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        self.reflections: list[Any] | None = None

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and getattr(self, "reflections", None) is not None:
            self._show()  # its colours are chosen for the palette

    def reload(self) -> None:
        self.reflections = self.journal.reflections()
        self._show()

    def _show(self) -> None:
        reflections = self.reflections or []
        muted = palette.muted(self.palette(), QPalette.ColorRole.Base)
        if not reflections:
            self.view.setHtml(
                f"<p>{palette.span('Your reflections after hard events appear here, for you alone.', muted)}</p>"
            )
            return
        parts = []
        for r in reflections:
            about = f" · after {html_text(r.person_name, breaks=True)}'s news" if r.person_name else ""
            when = text.local_time(r.created_at, text.zone(self.journal)) if r.created_at else ""
            parts.append(f"<h3>{when}{about}</h3>")
            for key, question in REFLECTION_QUESTIONS.items():
                answer = getattr(r, key)
                if answer:
                    parts.append(f"<p>{palette.span(question, muted)}<br>{html_text(answer, breaks=True)}</p>")
        self.view.setHtml("".join(parts))
