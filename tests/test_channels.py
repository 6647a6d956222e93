"""Channels people use (issue 13): WhatsApp, Teams, Bluesky... beside the old ones, channels of the
user's own ("Workplace"), the channel used last with a person as the default, and CSV carrying them.
Real encrypted journals, the real app's widgets offscreen and the real CLI in subprocesses."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta
from pathlib import Path

import keyring
import pytest

from relationjournal.core import migrate
from relationjournal.core.access import create_journal, open_journal
from relationjournal.core.database import make_engine, writer
from relationjournal.core.errors import CsvImportError, InvalidInput
from relationjournal.core.journal import Journal
from relationjournal.core.locations import resolve_location
from relationjournal.core.records import InteractionDraft, PersonDraft, TimelineFilter
from relationjournal.core.vault import JournalMeta, Key, write_meta
from relationjournal.core.vocabulary import Channel, CustomChannel, channel_named
from relationjournal.ui import dialogs
from relationjournal.ui.channelbox import ADD_LABEL, ChannelBox
from relationjournal.ui.icons import icon
from relationjournal.ui.models import TimelineCells
from relationjournal.ui.qt import QApplication, QInputDialog, QMessageBox, Qt
from tests.conftest import Sandbox, run_cli
from tests.dialogs import in_next_dialog
from tests.test_cli import cli_ok, init_journal, one_line_error

START = datetime(2025, 3, 1, 15, 30, tzinfo=UTC)
OLD_ROWS = """
INSERT INTO person (id, display_name, pronouns, organisation, role, how_we_met, why_it_matters, reaches_out,
    remember, source, status, created_at, updated_at)
VALUES (1, 'Amaka Obi', '', '', '', '', '', '', '', '', 'active', '2025-01-05T09:00:00.000000Z',
    '2025-01-05T09:00:00.000000Z');
INSERT INTO interaction (id, person_id, occurred_at, channel, direction, summary, body, tone, context, hard_event,
    reached_out_by, follow_up_on, created_at)
VALUES (7, 1, '2025-03-01T15:30:00.000000Z', 'linkedin', 'in', 'Asked for a reference letter', 'About the marathon.',
    'positive', 'business', 0, 'Sam', '2025-03-08', '2025-03-01T15:31:00.000000Z');
INSERT INTO interaction (id, person_id, occurred_at, channel, direction, summary, body, tone, context, hard_event,
    reached_out_by, follow_up_on, created_at)
VALUES (9, 1, '2025-02-01T10:00:00.000000Z', 'chat', 'out', 'Said hello', '', 'neutral', 'personal', 0, '', NULL,
    '2025-02-01T10:00:00.000000Z');
INSERT INTO reminder (id, person_id, kind, due_at, text, state, created_at, business, source_interaction_id)
VALUES (3, 1, 'follow_up', '2025-03-08T09:00:00.000000Z', 'Send the letter', 'open', '2025-03-01T15:31:00.000000Z',
    1, 7);
"""


def previous_schema_journal(sandbox: Sandbox) -> Key:
    """A journal as the last release wrote it (revision 0004), with conversations and a reminder made by one."""
    location = sandbox.location
    location.data_dir.mkdir(parents=True, exist_ok=True)
    location.database.touch()
    key = Key.generate()
    engine = make_engine(location.database, key)
    with writer(engine).begin() as connection:
        migrate.upgrade(connection, "0004")
        for statement in OLD_ROWS.split(";"):
            if statement.strip():
                connection.exec_driver_sql(statement)
    engine.dispose()
    write_meta(location, JournalMeta(journal_id="old", protection="keyring"))
    keyring.set_password("relationjournal", "old", key.raw.hex())
    return key


def test_the_migration_keeps_every_conversation_its_reminder_link_and_search(sandbox: Sandbox) -> None:
    previous_schema_journal(sandbox)
    with open_journal(sandbox.location) as journal:
        with journal._engine.connect() as connection:
            assert migrate.current_revision(connection) == migrate.HEAD_REVISION
        amaka = journal.find_person("amaka obi")
        timeline = journal.timeline(amaka.id)
        assert [(e.item.id, e.item.channel) for e in timeline] == [(7, Channel.linkedin), (9, Channel.chat)]
        assert timeline[0].item.follow_up_on is not None and timeline[0].item.reached_out_by == "Sam"
        assert [r.id for r in journal.reminders_from(7)] == [3]  # not set to NULL by remaking the table
        assert {hit.id for hit in journal.search("marathon")} == {7}
        assert amaka.last_contact == START

        # The triggers came back: new rows are found and move the last contact; deleted ones are not found.
        later = START + timedelta(days=3)
        journal.log_interaction(amaka.id, InteractionDraft(Channel.whatsapp, occurred_at=later, summary="Voice note"))
        assert {hit.kind for hit in journal.search("voice")} == {"interaction"}
        assert journal.person(amaka.id).last_contact == later
        journal.delete_interaction(7)
        assert journal.search("marathon") == []
        assert journal.integrity_problems() == []


def test_a_new_channel_and_ones_own_round_trip_through_csv(journal: Journal, tmp_path: Path) -> None:
    ada = journal.add_person(PersonDraft("Ada"))
    workplace = journal.add_channel("Workplace")
    unused = journal.add_channel("=Intranet, old")  # a spreadsheet formula, a comma: still only a name
    journal.log_interaction(ada.id, InteractionDraft(Channel.teams, occurred_at=START, summary="Stand-up"))
    journal.log_interaction(ada.id, InteractionDraft(workplace, occurred_at=START + timedelta(1), summary="Post"))
    folder = journal.export_csv(tmp_path / "export")[0].parent  # (a new dated folder inside the one chosen)
    with (folder / "interactions.csv").open(encoding="utf-8", newline="") as handle:
        assert [row["channel"] for row in csv.DictReader(handle)] == ["teams", "Workplace"]

    with create_journal(resolve_location(tmp_path / "fresh")).journal as fresh:
        fresh.import_csv(folder)
        assert [c.name for c in fresh.channels() if isinstance(c, CustomChannel)] == [unused.name, "Workplace"]
        channels = [e.item.channel for e in fresh.timeline()]
        assert channels[1] is Channel.teams and isinstance(channels[0], CustomChannel)
        assert channels[0].name == "Workplace"
        again = fresh.export_csv(tmp_path / "again")[0].parent
        for name in ("interactions.csv", "channels.csv"):
            assert (again / name).read_bytes() == (folder / name).read_bytes()


def test_an_import_refuses_a_channel_nobody_added_and_keeps_nothing(journal: Journal, tmp_path: Path) -> None:
    journal.add_person(PersonDraft("Ada"))
    path = tmp_path / "interactions.csv"
    path.write_text("person_id,occurred_at,channel,summary\n1,2025-01-01T10:00+00:00,WA,hi\n"
                    "1,2025-01-02T10:00+00:00,Workplace,hello\n", encoding="utf-8")  # fmt: skip
    with pytest.raises(CsvImportError, match=r"interactions.csv:3: channel: 'Workplace' is not a channel"):
        journal.import_csv(path)
    assert journal.timeline() == []
    journal.add_channel("workplace")  # once it is one of the journal's channels, any spelling finds it
    journal.import_csv(path)
    assert [e.item.channel for e in journal.timeline()] == [CustomChannel(1, "workplace"), Channel.whatsapp]


def test_ones_own_channel_added_in_the_log_dialog_shows_on_the_timeline_and_moves_by_csv(
    qtbot, window, journal: Journal, tmp_path: Path
) -> None:
    ada = journal.add_person(PersonDraft("Ada Lovelace"))
    window.changes.flush()
    window.open_person(ada.id)
    log = dialogs.InteractionDialog(journal, journal.person(ada.id), parent=window)
    qtbot.addWidget(log)
    box = log.channel
    assert box.itemText(box.count() - 1) == ADD_LABEL and box.findText("WhatsApp") >= 0
    assert box.findText("Microsoft Teams") >= 0 and box.findText("Bluesky") >= 0

    # A name already taken (the built-in WhatsApp's alias) is refused in one line, and asked for again.
    said: list[str] = []

    def type_name(name: str):
        def work(dialog: QInputDialog) -> None:
            dialog.setTextValue(name)
            dialog.accept()

        return work

    def refuse_then_add(dialog: QInputDialog) -> None:
        dialog.setTextValue("WA")
        answer_warning()
        dialog.accept()

    def answer_warning() -> None:
        def look(box: QMessageBox) -> None:
            said.append(box.text())
            in_next_dialog(type_name("Workplace"), QInputDialog)
            box.accept()

        in_next_dialog(look, QMessageBox)

    in_next_dialog(refuse_then_add, QInputDialog)
    box.setCurrentIndex(box.count() - 1)  # the user picks "Add a channel…"
    assert said == ["channel: 'WA' is already a channel (whatsapp)."]
    assert box.currentText() == "Workplace" and isinstance(box.value(), CustomChannel)
    log.summary.setText("Shared the roadmap on the intranet")
    log.accept()
    assert log.saved is not None and log.saved.channel == box.value()

    window.changes.flush()
    model = window.person_page.model
    qtbot.waitUntil(lambda: model.rowCount() == 1)
    cell = model.index(0, TimelineCells.CHANNEL)
    assert cell.data() == "Workplace"
    assert cell.data(Qt.ItemDataRole.DecorationRole).cacheKey() == icon("channel-custom").cacheKey()

    # A second conversation starts at the channel used last with Ada.
    again = dialogs.InteractionDialog(journal, journal.person(ada.id), parent=window)
    qtbot.addWidget(again)
    assert again.channel.currentText() == "Workplace"

    folder = journal.export_csv(tmp_path / "export")[0].parent
    with create_journal(resolve_location(tmp_path / "fresh")).journal as fresh:
        fresh.import_csv(folder)
        [entry] = fresh.timeline()
        assert isinstance(entry.item.channel, CustomChannel) and entry.item.channel.name == "Workplace"
        assert entry.item.summary == "Shared the roadmap on the intranet"


def test_cancelling_add_a_channel_keeps_the_channel_chosen_before(qtbot, journal: Journal) -> None:
    ada = journal.add_person(PersonDraft("Ada"))
    box = ChannelBox(journal, ada.id)
    qtbot.addWidget(box)
    box.set_value(Channel.signal)
    in_next_dialog(lambda dialog: dialog.reject(), QInputDialog)
    box.setCurrentIndex(box.count() - 1)
    assert box.value() is Channel.signal and box.currentText() == "Signal"
    assert [c for c in journal.channels() if isinstance(c, CustomChannel)] == []
    assert QApplication.activeModalWidget() is None


def test_the_default_is_the_channel_used_last_with_that_person(journal: Journal) -> None:
    ada, bo, cy = (journal.add_person(PersonDraft(name)) for name in ("Ada", "Bo", "Cy"))
    assert journal.default_channel(ada.id) is Channel.email  # a new journal: email
    journal.log_interaction(ada.id, InteractionDraft(Channel.signal, occurred_at=START, summary="a"))
    journal.log_interaction(ada.id, InteractionDraft(Channel.phone, occurred_at=START - timedelta(days=9)))
    journal.log_interaction(bo.id, InteractionDraft(Channel.slack, occurred_at=START - timedelta(days=1)))
    assert journal.last_channel(ada.id) is Channel.signal  # the latest by when it happened, not when logged
    assert journal.default_channel(bo.id) is Channel.slack
    assert journal.default_channel(cy.id) is Channel.signal  # nobody's channel yet: the last used with anyone
    box = ChannelBox(journal, bo.id)
    assert box.value() is Channel.slack and box.currentText() == "Slack"


def test_a_channel_name_is_taken_ignoring_case_and_accents(journal: Journal) -> None:
    intranet = journal.add_channel("  Intranét  ")
    assert intranet.name == "Intranét"
    for taken in ("INTRANET", "intra-net", "Íntranet"):
        with pytest.raises(InvalidInput, match=r"^channel: there is already a channel called 'Intranét'\.$"):
            journal.add_channel(taken)
    with pytest.raises(InvalidInput, match=r"^channel: 'MS Teams' is already a channel \(teams\)\.$"):
        journal.add_channel("MS Teams")
    with pytest.raises(InvalidInput, match="letter or digit"):
        journal.add_channel(" -- ")
    assert journal.channel_named("intranet") == intranet and journal.channel_named("bsky") is Channel.bluesky

    ada = journal.add_person(PersonDraft("Ada"))
    journal.log_interaction(ada.id, InteractionDraft(intranet, summary="Posted"))
    with pytest.raises(InvalidInput, match="is the channel of 1 conversation, so it stays"):
        journal.delete_channel(intranet.id)
    renamed = journal.rename_channel(intranet.id, "Intranet (old)")
    assert [e.item.channel for e in journal.timeline()] == [renamed]
    keys = journal.timeline_keys(TimelineFilter(channel=renamed))
    assert len(keys) == 1 and len(journal.timeline_keys(TimelineFilter(channel=Channel.email))) == 0


@pytest.mark.parametrize(("name", "channel"), [("WhatsApp", Channel.whatsapp), ("wa", Channel.whatsapp),
    ("tg", Channel.telegram), ("Microsoft Teams", Channel.teams), ("ms-teams", Channel.teams),
    ("Fediverse", Channel.mastodon), ("bsky", Channel.bluesky), ("Tik Tok", Channel.tiktok), ("YT", Channel.youtube),
    ("Slack", Channel.slack), ("Discord", Channel.discord), ("Signal", Channel.signal)])  # fmt: skip
def test_the_new_channels_are_taken_by_the_names_people_use(name: str, channel: Channel) -> None:
    assert channel_named(name) is channel


def test_the_cli_logs_on_whatsapp_and_on_ones_own_channel(sandbox: Sandbox) -> None:
    init_journal()
    cli_ok("person", "add", "Ada")
    assert "Logged #1: whatsapp with Ada" in cli_ok("log", "Ada", "--channel", "WhatsApp", "--summary", "Hi")
    message = one_line_error(run_cli("log", "Ada", "--channel", "Workplace", "--summary", "Posted"))
    assert "'Workplace' is not a channel" in message and "channel add NAME" in message
    assert "Added the channel Workplace" in cli_ok("channel", "add", "Workplace")
    assert "there is already a channel called 'Workplace'" in one_line_error(run_cli("channel", "add", "WORKPLACE"))
    assert "Logged #2: Workplace with Ada" in cli_ok("log", "Ada", "--channel", "workplace", "--summary", "Posted")
    listed = cli_ok("channel", "list").splitlines()
    assert listed[0] == "x  (twitter, tweet, x/twitter, x.com)" and "whatsapp  (wa)" in listed
    assert listed[-1] == "Workplace  (yours)"
    out = cli_ok("timeline", "Ada")
    assert "Workplace" in out and "whatsapp" in out
    assert '"channel": "Workplace"' in cli_ok("timeline", "Ada", "--format", "json")
    assert "is the channel of 1 conversation" in one_line_error(run_cli("channel", "delete", "workplace"))
    assert "only your own channels" in one_line_error(run_cli("channel", "delete", "wa"))
    assert "Renamed the channel Workplace to Intranet." in cli_ok("channel", "rename", "WORKPLACE", "Intranet")
    assert "Intranet" in cli_ok("timeline", "Ada")
