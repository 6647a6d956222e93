"""The app notices a journal file deleted under it, keeps what was typed, and puts the journal back."""

from __future__ import annotations

import os

from relationjournal.core.access import open_journal
from relationjournal.core.journal import Journal
from relationjournal.core.records import PersonDraft
from relationjournal.ui import dialogs
from relationjournal.ui.mainwindow import MainWindow
from tests.conftest import Sandbox
from tests.dialogs import click_in_next_message_box


def test_a_note_typed_while_the_journal_file_is_deleted_is_kept_and_saved_once_put_back(
    qtbot, window: MainWindow, journal: Journal, sandbox: Sandbox
) -> None:
    person = journal.add_person(PersonDraft("Amaka Obi"))
    note = dialogs.NoteDialog(journal, person, parent=window)
    qtbot.addWidget(note)
    note.show()
    qtbot.keyClicks(note.editor, "Her twins start school.")
    qtbot.waitUntil(lambda: note.status.text() == "Saved", timeout=15_000)

    for path in (sandbox.location.database, *sandbox.location.sidecars):
        os.unlink(path)  # another program deletes the journal
    qtbot.keyClicks(note.editor, " She worries about the bus.")
    qtbot.waitUntil(lambda: note.status.text() == "Not saved", timeout=15_000)
    assert "deleted" in note.error.text() and note.error.isVisible()
    assert not sandbox.location.database.exists()  # nothing pretends to be the journal

    seen: list[str] = []
    click_in_next_message_box("Put it back", seen)  # the main window noticed and asks
    qtbot.waitUntil(lambda: bool(seen), timeout=15_000)
    assert "deleted or moved by another program" in seen[0]
    qtbot.waitUntil(lambda: note.status.text() == "Saved", timeout=15_000)  # the text waited in the editor
    note.close()
    journal.close()
    with open_journal(sandbox.location) as reopened:
        assert [e.item.body for e in reopened.timeline(person.id)] == [
            "Her twins start school. She worries about the bus."
        ]


def test_a_replaced_journal_file_is_reported_and_what_was_open_is_rescued(
    qtbot, window: MainWindow, journal: Journal, sandbox: Sandbox
) -> None:
    journal.add_person(PersonDraft("Amaka Obi"))
    stranger = sandbox.root / "stranger.db"
    stranger.write_bytes(b"\0" * 4096)
    os.replace(stranger, sandbox.location.database)
    seen: list[str] = []
    click_in_next_message_box("Save a rescued copy", seen)
    click_in_next_message_box("OK", seen)
    qtbot.waitUntil(lambda: len(seen) == 2, timeout=15_000)
    assert "replaced by another file" in seen[0]
    rescued = list(sandbox.location.backups.glob("journal-*-rescued.db"))
    assert len(rescued) == 1 and str(rescued[0]) in seen[1]
    assert window.statusBar().currentMessage() == "Your journal file is gone: nothing is being saved."
