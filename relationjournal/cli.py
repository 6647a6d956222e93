"""The command line: a thin client of the journal service, and the entry point of the app.

`relationjournal` with no command (or `gui`) opens the desktop app. Exit status: 0 on success,
1 on an error (one line on stderr, never a traceback), 2 on bad usage (a missing argument, or one
that cannot be read: a channel with no letters, a date that is not a date). What only some commands
need is imported inside them: the default command opens the app, whose first paint should not
wait for the journal's own modules (SQLAlchemy alone takes a third of a second).
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import enum
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime, tzinfo
from pathlib import Path
from typing import Any, NoReturn, TextIO

from relationjournal import __version__
from relationjournal.core.errors import InvalidInput, JournalError, PassphraseNeeded, RemedyKind
from relationjournal.core.hardening import forbid_core_dumps
from relationjournal.core.locations import resolve_location
from relationjournal.core.vocabulary import (
    CHANNEL_ALIASES,
    TONE_WORDS,
    Channel,
    Context,
    CustomChannel,
    Direction,
    Platform,
    Status,
    Tone,
    channel_named,
    channel_names,
    name_key,
    tone_named,
    tone_words,
)
from relationjournal.ui.lazy import lazy_module

# Loaded on first use: the default command opens the app, whose first paint waits for neither.
fields = lazy_module("relationjournal.core.fields")
terminal = lazy_module("relationjournal.core.terminal")

PROG = "relationjournal"
NEW_PASSPHRASE_ENV = "RELATIONJOURNAL_NEW_PASSPHRASE"
EXPORT_WARNING = (
    "Warning: CSV files are NOT encrypted. Anyone who can read {folder} can read everything in them; "
    "delete them when you are done."
)
# Free-text options that take `-` for standard input: private text in the command line is readable by
# every user (/proc/PID/cmdline) and stays in the shell's history. Only one of them can read it.
STDIN_TEXTS = {
    "name": "the name", "text": "the note", "summary": "the summary", "body": "the details", "why": "why it matters",
    "how_we_met": "how you met", "remember": "what to remember", "record": "what you told them",
    "org": "the organisation", "role": "the role", "pronouns": "the pronouns", "source": "the source",
}  # fmt: skip
STDIN_HELP = "; - reads it from standard input"
# Texts a command needs: left out, they are asked for on a terminal (see `terminal.ask`).
REQUIRED_TEXTS: dict[tuple[str, str | None], str] = {
    ("note", "add"): "text", ("programme", "rotate-out"): "record", ("log", None): "summary",  # (or a --body)
}  # fmt: skip
# Qt platforms that need a display server; any other (offscreen, minimal, vnc, eglfs...) draws without one.
DISPLAY_PLATFORMS = ("xcb", "wayland")


# Parsing -----------------------------------------------------------------------------------------
IMPORT_KINDS = ("auto", "linkedin", "x", "instagram", "facebook", "google", "vcard", "journal")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description="A private, encrypted journal of the people you know.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--data-dir", metavar="DIR", help="the journal's folder (default: your user data folder)")
    parser.add_argument("--journal", metavar="NAME", help="the journal to use, by its name (see `journals`; "
                        "default: your default journal)")  # fmt: skip
    parser.add_argument("--install-desktop-entry", action="store_true",
                        help="add Relation Journal to your Linux desktop's launcher (for pip installs)")  # fmt: skip
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    gui = commands.add_parser("gui", help="open the desktop app (the default)")
    gui.add_argument("--quit-after-paint", action="store_true", help="exit right after the first paint (tests)")

    init = commands.add_parser("init", help="create a new journal")
    init.add_argument("--passphrase", action="store_true", help="protect it with a passphrase instead of the keyring")

    person = commands.add_parser("person", help="add, list, show, edit or archive people").add_subparsers(
        dest="action", metavar="ACTION", required=True
    )
    add = person.add_parser("add", help="add a person")
    add.add_argument("name", help="their name" + STDIN_HELP)
    _person_options(add)
    listing = person.add_parser("list", help="list people")
    listing.add_argument("--tag")
    listing.add_argument("--status", type=_choice(Status))
    listing.add_argument("--format", choices=("table", "csv", "json"), default="table")
    show = person.add_parser("show", help="show a person with their latest timeline")
    show.add_argument("person")
    edit = person.add_parser("edit", help="change a person")
    edit.add_argument("person")
    edit.add_argument("--name", help="a new display name" + STDIN_HELP)
    _person_options(edit)
    edit.add_argument("--remove-handle", action="append", default=[], type=_handle, metavar="PLATFORM:HANDLE")
    edit.add_argument("--untag", action="append", default=[], metavar="TAG")
    edit.add_argument("--status", type=_choice(Status))
    archive = person.add_parser("archive", help="archive a person (their history is kept)")
    archive.add_argument("person")
    merge = person.add_parser("merge", help="merge OTHER into KEEP: all of OTHER's history moves, OTHER is deleted")
    merge.add_argument("keep", help="the person who stays (an id or a name)")
    merge.add_argument("other", help="the person merged into KEEP and then deleted (an id or a name)")
    merge.add_argument("--dry-run", action="store_true", help="say what would happen; change nothing")
    merge.add_argument("--take", action="append", default=[], type=_merge_take, metavar="FIELD=other",
                       help="keep OTHER's value of a field (or FIELD=keep for KEEP's); by default KEEP's value "
                       "stays unless it is empty. A value not kept goes into a note. Fields: "
                       + ", ".join(MERGE_FIELDS))  # fmt: skip
    duplicates = person.add_parser("duplicates", help="people who may be one person (same e-mail, phone, "
                                   "profile or name)")  # fmt: skip
    duplicates.add_argument("--limit", type=_positive, default=200)
    duplicates.add_argument("--format", choices=("table", "json"), default="table")
    dates = person.add_parser("date", help="dates that matter on a person, repeating yearly (Today shows them "
                              "ahead and on the day)").add_subparsers(dest="date_action", metavar="ACTION",
                                                                      required=True)  # fmt: skip
    date_add = dates.add_parser("add", help="add a date: a work anniversary, a wedding, a birthday without a year")
    date_add.add_argument("person", help="an id or a name")
    date_add.add_argument("label", help="what the date is, like 'Work anniversary'")
    date_add.add_argument("date", type=_year_day, help="2019-03-07, 7 Mar 2019, or without a year 03-07 (month-day)")
    date_add.add_argument("--no-year", action="store_true", help="keep only the month and the day")
    date_list = dates.add_parser("list", help="a person's dates, in calendar order")
    date_list.add_argument("person", help="an id or a name")
    date_list.add_argument("--format", choices=("table", "json"), default="table")
    date_remove = dates.add_parser("remove", help="remove a date (by the id `person date list` shows)")
    date_remove.add_argument("id", type=_positive)

    note = commands.add_parser("note", help="add a note").add_subparsers(dest="action", metavar="ACTION", required=True)
    note_add = note.add_parser("add", help="add a note to a person")
    note_add.add_argument("person")
    note_add.add_argument("text", nargs="?", help="the note (Markdown), or - to read standard input; "
                          "left out on a terminal, it is asked for ($VISUAL/$EDITOR if set)")  # fmt: skip
    note_add.add_argument("--pin", action="store_true")
    note_add.add_argument("--hard-event", action="store_true", help="the note records a loss, illness or crisis")
    note_add.add_argument("--no-anniversary", action="store_true", help="a hard event: do not bring it back to "
                          "Today a year later")  # fmt: skip

    log = commands.add_parser("log", help="log a conversation on the timeline")
    log.add_argument("person")
    log.add_argument(
        "--channel",
        required=True,
        type=_channel,
        help="e.g. email, linkedin, twitter, call, in person, whatsapp, or one of yours (see channel list)",
    )
    log.add_argument("--direction", type=_choice(Direction), default=Direction.outgoing, help="in: they reached out")
    log.add_argument("--when", type=_time("when"), help="ISO-8601 time (default: now; no offset: the journal's zone)")
    log.add_argument("--summary", metavar="TEXT", help="what it was about, or - to read standard input; needed "
                     "unless --body is given: left out on a terminal, it is asked for "
                     "($VISUAL/$EDITOR if set)")  # fmt: skip
    log.add_argument("--body", default="", metavar="TEXT", help="the conversation's details" + STDIN_HELP)
    log.add_argument("--tone", type=_tone, default=Tone.neutral, metavar="TONE", help=f"one of {tone_words()}")
    log.add_argument("--context", type=_choice(Context), default=Context.personal)
    log.add_argument("--hard-event", action="store_true", help="a loss, an illness, a crisis")
    log.add_argument("--no-anniversary", action="store_true", help="a hard event: do not bring it back to Today "
                     "a year later")  # fmt: skip
    anniversary = commands.add_parser(
        "anniversary", help="whether a hard event comes back to Today a year later (on unless turned off)"
    )
    anniversary.add_argument("switch", choices=("on", "off"))
    anniversary.add_argument("kind", choices=("conversation", "note"), help="what the hard event was logged as")
    anniversary.add_argument("id", type=_positive, help="its id (`log` and `note add` print it)")
    log.add_argument("--follow-up", type=_date("follow-up"), metavar="DATE")
    log.add_argument("--by", default="", metavar="NAME", help="who on the team reached out")

    timeline = commands.add_parser("timeline", help="conversations and notes, newest first")
    timeline.add_argument("person", nargs="?")
    timeline.add_argument("--limit", type=_positive, default=50)
    timeline.add_argument("--format", choices=("table", "json"), default="table")

    search = commands.add_parser("search", help="search people, notes and conversations (newest first)")
    search.add_argument("query")
    search.add_argument("--best", action="store_true", help="the most relevant first (ranked; slower)")
    search.add_argument("--limit", type=_positive, default=20)
    search.add_argument("--format", choices=("table", "json"), default="table")

    reminders = commands.add_parser("reminders", help="list reminders, or act on one")
    reminders.add_argument("--due", action="store_true", help="only what is due now, grouped")
    reminders.add_argument("--format", choices=("table", "json"), default="table")
    acting = reminders.add_subparsers(dest="action", metavar="ACTION")
    done = acting.add_parser("done", help="mark a reminder done (a recurring one comes back)")
    done.add_argument("id", type=_positive)
    dismiss = acting.add_parser("dismiss", help="dismiss a reminder")
    dismiss.add_argument("id", type=_positive)
    snooze = acting.add_parser("snooze", help="snooze a reminder")
    snooze.add_argument("id", type=_positive)
    snooze.add_argument("until", type=_snooze_until, help="1h, evening, tomorrow, next-week, or an ISO-8601 time")
    upcoming = acting.add_parser("upcoming", help="what is scheduled, due or to come, by day (the app's Upcoming)")
    upcoming.add_argument("--format", choices=("table", "json"), default="table")

    programme = commands.add_parser("programme", help="influencer-programme membership").add_subparsers(
        dest="action", metavar="ACTION", required=True
    )
    join = programme.add_parser("add", help="add a person to a programme")
    join.add_argument("person")
    join.add_argument("programme")
    join.add_argument("--joined", type=_date("joined"), metavar="DATE", help="default: today")
    join.add_argument("--review", type=_date("review"), metavar="DATE", help="when to review their place")
    keep = programme.add_parser("keep", help="after a review: they stay; set the next review")
    keep.add_argument("id", type=_positive, help="the membership id (see person show)")
    keep.add_argument("--next-review", type=_date("next review"), metavar="DATE")
    rotate = programme.add_parser("rotate-out", help="rotate a member out gracefully (their history stays)")
    rotate.add_argument("id", type=_positive, help="the membership id (see person show)")
    rotate.add_argument("--record", metavar="TEXT",
                        help="what you told them (thanked them personally? said clearly what changes?), or - to "
                             "read standard input; left out on a terminal, it is asked for")  # fmt: skip

    tag = commands.add_parser("tag", help="list, rename, merge or delete tags; set a tag's cadence").add_subparsers(
        dest="action", metavar="ACTION", required=True
    )
    tag_list = tag.add_parser("list", help="every tag, with its cadence and how many people carry it")
    tag_list.add_argument("--format", choices=("table", "json"), default="table")
    tag_rename = tag.add_parser("rename", help="rename a tag (a change of letter case too)")
    tag_rename.add_argument("old", metavar="OLD")
    tag_rename.add_argument("new", metavar="NEW")
    tag_merge = tag.add_parser("merge", help="merge tags into one: their people carry TARGET instead")
    tag_merge.add_argument("sources", nargs="+", metavar="SOURCE")
    tag_merge.add_argument("--into", required=True, metavar="TARGET",
                           help="the tag that stays (with its cadence; else the shortest of the sources')")  # fmt: skip
    tag_delete = tag.add_parser("delete", help="delete a tag (the people who carry it stay)")
    tag_delete.add_argument("tag", metavar="NAME")
    tag_cadence = tag.add_parser("cadence", help="stay in touch every DAYS days with the people who carry a tag "
                                 "(a person's own cadence wins); off clears it")  # fmt: skip
    tag_cadence.add_argument("tag", metavar="NAME")
    tag_cadence.add_argument("days", type=_tag_cadence, metavar="DAYS|off")

    channel = commands.add_parser("channel", help="list the channels; add, rename or delete your own").add_subparsers(
        dest="action", metavar="ACTION", required=True
    )
    channel.add_parser("list", help="every channel: the built-in ones (with the other names they take), then yours")
    channel_add = channel.add_parser("add", help="add a channel of your own, e.g. Workplace or Intranet")
    channel_add.add_argument("name", metavar="NAME")
    channel_rename = channel.add_parser("rename", help="rename a channel of your own (its conversations follow)")
    channel_rename.add_argument("old", metavar="OLD")
    channel_rename.add_argument("new", metavar="NEW")
    channel_delete = channel.add_parser("delete", help="delete a channel of your own that no conversation uses")
    channel_delete.add_argument("name", metavar="NAME")

    export = commands.add_parser(
        "export", help="export everything to CSV files (not encrypted), in a new dated folder inside DIR"
    )
    export.add_argument("--csv", required=True, metavar="DIR", type=Path)
    export.add_argument("--excel", action="store_true", help="add a BOM so Excel reads UTF-8")

    import_ = commands.add_parser(
        "import", help="import an export from LinkedIn, X, Instagram, Facebook, Google Contacts, vCard or CSV files "
        "of this journal (all or nothing)"
    )  # fmt: skip
    import_.add_argument(
        "path", nargs="?", metavar="PATH", type=Path, help="the .zip as downloaded, its folder or a file"
    )
    import_.add_argument(
        "--csv", metavar="DIR|FILE", type=Path, help="this journal's own CSV export (as --from journal)"
    )
    import_.add_argument("--from", dest="kind", choices=IMPORT_KINDS, default="auto",
                         help="what PATH is (default: recognised by its content)")  # fmt: skip
    import_.add_argument("--dry-run", action="store_true", help="say what would be imported; change nothing")
    import_.add_argument("--tag", help="add this tag to everyone imported")
    import_.add_argument("--format", choices=("table", "json"), default="table")

    insights = commands.add_parser("insights", help="where your time goes, who reaches out, who is slipping away, "
                                   "your load, your programmes (the app's Insights)")  # fmt: skip
    insights.add_argument("--since", type=_date("since"), metavar="DATE", help="from this day (default: a year ago)")
    insights.add_argument("--until", type=_date("until"), metavar="DATE", help="to this day (default: today)")
    insights.add_argument("--tag", help="only the people carrying this tag")
    insights.add_argument("--channel", help="only conversations on this channel (rhythm, who reaches out, one-sided)")
    insights.add_argument("--programme", help="only this programme's current members")
    insights.add_argument("--format", choices=("table", "json"), default="table")

    settings = commands.add_parser("settings", help="show or change the journal's settings")
    settings.add_argument("key", nargs="?", help="a setting's name (omit to list them all)")
    settings.add_argument("value", nargs="?", help="its new value")

    demo = commands.add_parser("demo", help="add deterministic demo data (for trying the app and benchmarks)")
    demo.add_argument("--people", type=_positive, default=200)
    demo.add_argument("--interactions", type=int, default=2000)
    demo.add_argument("--seed", type=int, default=1)

    backup = commands.add_parser("backup", help="make an encrypted backup now")
    backup.add_argument("--to", type=Path, metavar="FILE", help="where (default: the backups folder)")
    backups = commands.add_parser("backups", help="list the backups")
    backups.add_argument("--format", choices=("table", "json"), default="table")
    restore = commands.add_parser("restore", help="replace the journal with a backup (the current one is kept)")
    restore.add_argument("file", type=Path)
    restore.add_argument("--recovery-key", action="store_true",
                         help="the backup needs an older key: read that recovery key")  # fmt: skip

    _journal_parsers(commands)
    commands.add_parser("rekey", help="re-encrypt the journal with a new key")
    commands.add_parser("check", help="check the journal's encryption and integrity")
    unlock = commands.add_parser("unlock", help="put the key back in the keyring with your recovery key")
    unlock.add_argument("--recovery-key", action="store_true", required=True, help="read the recovery key")
    return parser


def _journal_parsers(commands: Any) -> None:
    """`journals` and `journal ACTION`: one journal per client, and a journal moved from another computer."""
    journals = commands.add_parser("journals", help="list your journals (the default one is marked)")
    journals.add_argument("--format", choices=("table", "json"), default="table")
    journal = commands.add_parser("journal", help="make, add, rename, remove or choose journals; open one moved from "
                                  "another computer").add_subparsers(dest="action", metavar="ACTION",
                                                                     required=True)  # fmt: skip
    new = journal.add_parser("new", help="make a new journal (its own key, backups and settings), e.g. per client")
    new.add_argument("name", metavar="NAME")
    new.add_argument("--passphrase", action="store_true", help="protect it with a passphrase instead of the keyring")
    rename = journal.add_parser("rename", help="rename a journal (its folder stays where it is)")
    rename.add_argument("old", metavar="OLD")
    rename.add_argument("new", metavar="NEW")
    remove = journal.add_parser("remove", help="delete a journal and its key (its backups stay unless asked)")
    remove.add_argument("name", metavar="NAME")
    remove.add_argument("--with-backups", action="store_true", help="delete its backups too")
    remove.add_argument("--yes", action="store_true", help="yes, delete it (required: this cannot be undone)")
    default = journal.add_parser("default", help="the journal used when none is named")
    default.add_argument("name", metavar="NAME")
    moved = journal.add_parser("open", help="take in a journal moved from another computer (made by "
                               "`backup --to FILE`), with its recovery key")  # fmt: skip
    moved.add_argument("file", type=Path, metavar="FILE")
    moved.add_argument("--name", dest="journal_name", metavar="NAME", help="its name here (default: the file's name)")
    moved.add_argument("--passphrase", action="store_true", help="the journal is protected by a passphrase")
    added = journal.add_parser("add", help="put a journal folder from before on the list (a --data-dir folder, "
                               "or one copied or restored), where it stays")  # fmt: skip
    added.add_argument("folder", type=Path, metavar="FOLDER", help="the folder holding journal.db")
    added.add_argument("--name", dest="journal_name", metavar="NAME", help="its name (default: the folder's name)")


def _person_options(parser: argparse.ArgumentParser) -> None:
    platforms = ", ".join(p.value for p in Platform)
    parser.add_argument("--handle", action="append", default=[], type=_handle, metavar="PLATFORM:HANDLE",
                        help=f"e.g. x:@ada, email:ada@example.org ({platforms})")  # fmt: skip
    parser.add_argument("--tag", action="append", default=[], metavar="TAG", help="e.g. client, translator")
    parser.add_argument("--org", metavar="ORG")
    parser.add_argument("--role")
    parser.add_argument("--pronouns")
    parser.add_argument("--why", metavar="TEXT", help="why this relationship matters" + STDIN_HELP)
    parser.add_argument("--how-we-met", metavar="TEXT", help="how you met" + STDIN_HELP)
    parser.add_argument("--reaches-out", metavar="NAME", help="who on the team reaches out")
    parser.add_argument("--remember", metavar="TEXT", help="things to remember" + STDIN_HELP)
    parser.add_argument("--birthday", type=_date("birthday"), metavar="DATE")
    parser.add_argument("--cadence", type=_cadence, metavar="DAYS", help="stay in touch every DAYS days")
    parser.add_argument("--source", help='e.g. "new follower"')


def _argument_type(parse: Callable[[str], Any]) -> Callable[[str], Any]:
    def convert(text: str) -> Any:
        try:
            return parse(text)
        except InvalidInput as error:
            raise argparse.ArgumentTypeError(str(error)) from None

    return convert


def _choice(kind: type[enum.StrEnum]) -> Callable[[str], Any]:
    return _argument_type(lambda text: fields.choice(kind, text, kind.__name__.lower()))


def _tone(text: str) -> Tone:
    """A tone by the word the app uses (difficult), or the value older versions took (negative)."""
    tone = tone_named(text)
    if tone is None:
        raise argparse.ArgumentTypeError(f"tone: {text!r} is not one of {tone_words()}.")
    return tone


def _date(field: str) -> Callable[[str], Any]:
    """A day as people write it: 2026-12-07, 7 Dec 2026, December 7, 2026, 7.12.2026 (as the app
    takes it). Slashes are refused: 12/7 is July in one country and December in another."""

    def read(text: str) -> Any:
        import re

        from relationjournal.core.clock import parse_day

        if "/" in text and not re.match(r"\s*\d{4}/", text):
            raise InvalidInput(
                f"{field}: {text.strip()!r} is not clear (countries read it as different days); "
                "write it like 2026-12-07 or 7 Dec 2026."
            )
        day = parse_day(text, field)
        if day is None:
            raise InvalidInput(f"{field}: give a date, like 2026-12-07 or 7 Dec 2026.")
        return day

    return _argument_type(read)


def _read_year_day(text: str) -> Any:
    """A date, or a month and a day without a year (`--03-07`, `03-07`) as a (month, day) pair."""
    import re

    if found := re.fullmatch(r"\s*(?:--)?(\d{1,2})-(\d{1,2})\s*", text):
        month, day = int(found.group(1)), int(found.group(2))
        try:
            date(2000, month, day)  # a leap year: 29 February is a date
        except ValueError:
            raise InvalidInput(f"date: {text.strip()!r} is not a month and a day, like 03-07.") from None
        return (month, day)
    return _date("date")(text)


_year_day = _argument_type(_read_year_day)


def _time(field: str) -> Callable[[str], str]:
    """An ISO-8601 time, checked here (bad usage names the format) but read once the journal is open:
    without an offset it is on the journal's clock (`_moment`)."""

    def check(text: str) -> str:
        fields.iso_datetime(text, field)
        return text

    return _argument_type(check)


def _channel(text: str) -> Channel | str:
    """A channel by its name or a common other name (twitter, mail, call, in person...), in any case;
    any other name is kept, to be found among the user's own channels once the journal is open."""
    channel = channel_named(text)
    if channel is None and not name_key(text):
        raise argparse.ArgumentTypeError(f"channel: {text!r} is not a channel; use one of {channel_names()}.")
    return channel or text


def _snooze_until(text: str) -> str:
    """One of the snooze words (in any case; "next week" too), or an ISO-8601 time: checked here, so
    that a typo is bad usage naming the words, as any other argument that cannot be read."""
    from relationjournal.core.clock import SNOOZE_CHOICES
    from relationjournal.core.vocabulary import name_key

    words = {name_key(word): word for word in SNOOZE_CHOICES}
    if (word := words.get(name_key(text))) is not None:
        return word
    try:
        datetime.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"snooze until: {text!r} is not one of {', '.join(SNOOZE_CHOICES)}, or a time like 2026-11-23T14:30."
        ) from None
    return text


_handle = _argument_type(fields.handle)
_cadence = _argument_type(fields.cadence_days)


def _tag_cadence(text: str) -> int | None:
    """DAYS (1 to 3660), or off."""
    if text.strip().lower() == "off":
        return None
    try:
        days: int | None = fields.cadence_days(text) if text.strip() else None
    except InvalidInput as error:
        raise argparse.ArgumentTypeError(f"{error} Give a number of days, or off.") from None
    if days is None:
        raise argparse.ArgumentTypeError("cadence: give a number of days, or off.")
    return days


def _positive(text: str) -> int:
    """A whole number from 1 to SQLite's largest integer (a bigger id names nothing: no overflow)."""
    if not text.isascii() or not text.isdigit() or not 1 <= int(text) < 2**63:
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive whole number")
    return int(text)


# Running -----------------------------------------------------------------------------------------
def main(argv: Sequence[str] | None = None) -> int:
    forbid_core_dumps()  # first: no core dump may ever hold the key or the journal's text
    argv = sys.argv[1:] if argv is None else list(argv)
    if (app := _app_arguments(argv)) is not None:
        return _guarded(lambda: _run_app(*app))
    with _safe_output():
        return _run_command(argv)


@contextlib.contextmanager
def _safe_output() -> Iterator[None]:
    """Everything the command line prints goes through `terminal.visible`: text from the journal
    (a name imported from a CSV file) cannot send escapes to the terminal."""
    streams = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = terminal.SafeOutput(sys.stdout), terminal.SafeOutput(sys.stderr)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = streams


def _run_command(argv: list[str]) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.install_desktop_entry:
        from relationjournal.desktop import install_desktop_entry

        written = install_desktop_entry()
        print(f"Added Relation Journal to your launcher: {written[0]} (and {len(written) - 1} icons).")
        return 0
    if args.data_dir and args.journal:
        _usage_error("give --journal or --data-dir, not both: they would name two journals.")
    if args.command in (None, "gui"):
        return _guarded(lambda: _run_app(args.data_dir, getattr(args, "quit_after_paint", False), args.journal))
    return _guarded(lambda: _run_command_with_texts(args), data_dir=_chosen_data_dir(args))


def _run_command_with_texts(args: argparse.Namespace) -> None:
    _read_texts(args)
    COMMANDS[args.command](args)


def _read_texts(args: argparse.Namespace) -> None:
    """Read the one free-text option given as `-` from standard input; bad usage (exit 2) if two
    options ask for it, or if a required text is left out where it cannot be asked for."""
    dashed = [dest for dest in STDIN_TEXTS if getattr(args, dest, None) == "-"]
    if len(dashed) > 1:
        names = ", ".join(_option_name(args, dest) for dest in dashed[:-1]) + f" and {_option_name(args, dashed[-1])}"
        both, other = ("both", "other") if len(dashed) == 2 else ("all", "others")
        _usage_error(f"only one option can read standard input, and {names} {both} ask for it (-): "
                     f"give the {other} as text.")  # fmt: skip
    if dashed:
        setattr(args, dashed[0], terminal.read_stdin(STDIN_TEXTS[dashed[0]]))
    required = REQUIRED_TEXTS.get((args.command, getattr(args, "action", None)))
    if required == "summary" and args.body.strip():
        required = None  # the details say what the conversation was about
    if required and getattr(args, required) is None and not sys.stdin.isatty():
        _usage_error(f"{_option_name(args, required)} is missing: give it, or - to read it from standard input "
                     "(which keeps it out of the process list and your shell history).")  # fmt: skip


def _usage_error(message: str) -> NoReturn:
    print(f"{PROG}: {message}", file=sys.stderr)
    raise SystemExit(2)


def _option_name(args: argparse.Namespace, dest: str) -> str:
    if dest == "text" or (dest == "name" and args.action == "add"):
        return dest.upper()
    return "--" + dest.replace("_", "-")


def _app_arguments(argv: list[str]) -> tuple[str | None, bool] | None:
    """`[--data-dir DIR] [gui [--quit-after-paint]]`, the whole command line of the app, read without
    argparse: building the full parser takes 4.5 ms (gettext lookups for 30 subcommands) that the
    window's first paint would wait for. Anything else (help, errors too) goes to the parser.
    """
    data_dir = None
    if len(argv) >= 2 and argv[0] == "--data-dir" and not argv[1].startswith("-"):
        data_dir, argv = argv[1], argv[2:]
    elif argv and argv[0].startswith("--data-dir="):
        data_dir, argv = argv[0].partition("=")[2], argv[1:]
    if argv in ([], ["gui"]):
        return data_dir, False
    return (data_dir, True) if argv == ["gui", "--quit-after-paint"] else None


def _run_app(data_dir: str | None, quit_after_paint: bool, journal: str | None = None) -> int:
    if missing := _no_display():
        print(f"{PROG}: {missing}", file=sys.stderr)
        return 1
    from relationjournal.ui.app import run

    if journal is not None:
        from relationjournal.core.registry import find

        data_dir = str(find(journal).location.data_dir)
    return run(data_dir, quit_after_paint=quit_after_paint)


def _no_display() -> str | None:
    """Why the app can open no window here (no display on Linux: an SSH session, a container), or None.

    Asked before Qt starts: Qt aborts the process when it finds no display (exit 134), with a
    message about a missing library (xcb-cursor0) even when that library is installed.
    """
    if sys.platform in ("win32", "darwin"):  # (no display server to look for)
        return None
    platforms = [name.partition(":")[0].strip() for name in os.environ.get("QT_QPA_PLATFORM", "").split(";")]
    if any(name and not name.startswith(DISPLAY_PLATFORMS) for name in platforms):
        return None  # e.g. QT_QPA_PLATFORM=offscreen: drawn without a display
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return None
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime and os.path.exists(os.path.join(runtime, "wayland-0")):
        return None  # the Wayland socket used when WAYLAND_DISPLAY is not set
    return (f"no display found (DISPLAY and WAYLAND_DISPLAY are not set), so the desktop app cannot open; "
            f"use the command line instead: `{PROG} --help` lists its commands.")  # fmt: skip


def _chosen_data_dir(args: argparse.Namespace) -> str | None:
    """The journal's folder when the user chose one (--data-dir, or the environment), else None."""
    from relationjournal.core.locations import DATA_DIR_ENV

    if args.journal and not args.data_dir:  # (a remedy's command then names the journal's folder)
        from relationjournal.core.registry import find

        try:
            return str(find(args.journal).location.data_dir)
        except JournalError:
            return None
    return args.data_dir or os.environ.get(DATA_DIR_ENV) or None


def _shell_quoted(text: str) -> str:
    import shlex
    import subprocess

    return subprocess.list2cmdline([text]) if sys.platform == "win32" else shlex.quote(text)


def said(error: JournalError, *, data_dir: str | None = None) -> str:
    """An error as one line for the command line: what went wrong, then the command that fixes it
    (with `--data-dir` when the journal's folder was chosen, so the command can be copied as it is)."""
    remedy = error.remedy
    if remedy is None:
        return str(error)
    if remedy.kind is RemedyKind.RECOVERY_KEY:
        command = "Run `relationjournal unlock --recovery-key` with the recovery key you saved."
    elif remedy.kind is RemedyKind.RESTORE_BACKUP and remedy.target is not None:
        command = f"Restore it with `relationjournal restore {remedy.target}`."
    elif remedy.kind is RemedyKind.RESTORE_BACKUP:
        command = "Restore a backup with `relationjournal restore FILE` (`relationjournal backups` lists them)."
    elif remedy.kind is RemedyKind.CREATE:
        folder = f" --data-dir {_shell_quoted(str(resolve_location(data_dir).data_dir))}" if data_dir else ""
        command = f"Run `relationjournal{folder} init` to create one."
    else:
        command = "Run `relationjournal check`."
    return f"{error} {command}"


def _guarded(command: Callable[[], int | None], *, data_dir: str | None = None) -> int:
    """Run a command; errors a user can act on become one line on stderr, and an exit status."""
    try:
        return command() or 0
    except JournalError as error:
        print(f"{PROG}: {said(error, data_dir=data_dir)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted; nothing more was changed.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as error:
        if os.environ.get("RELATIONJOURNAL_DEBUG"):
            raise
        # The message of an unexpected error may quote private data (SQL parameters): name the type only.
        print(f"{PROG}: unexpected error ({type(error).__name__}); this is a bug, please report it.", file=sys.stderr)
        return 1


def _location(args: argparse.Namespace) -> Any:
    """The chosen journal's place: --data-dir (or the environment), else --journal NAME, else the default."""
    from relationjournal.core.registry import locate

    return locate(data_dir=args.data_dir, journal=args.journal, strict=True)


def _open(args: argparse.Namespace, *, daily_backup: bool = True) -> Any:
    from relationjournal.core.access import open_for_use

    location = _location(args)
    journal = open_for_use(location, ask_passphrase=_ask_passphrase)
    from relationjournal.core.registry import touch

    touch(location)  # File → Recent journals and `journals` show when each was last opened
    if journal.unseen_recovery_key:  # a key change was interrupted after it took effect; opening finished it
        print(f"{PROG}: a key change that was interrupted has now been finished.", file=sys.stderr)
        _print_recovery_key(journal.unseen_recovery_key, out=sys.stderr)
    if daily_backup:
        _daily_backup(journal, location)
    return journal


def _daily_backup(journal: Any, location: Any) -> None:
    """The once-a-day automatic backup; a failure is reported but does not stop the command."""
    from relationjournal.core import backups

    try:
        backups.daily_backup(journal, location)
    except JournalError as error:
        print(f"{PROG}: the daily backup failed: {error}", file=sys.stderr)


def _ask_passphrase(
    *,
    confirm: bool = False,
    env: str = "RELATIONJOURNAL_PASSPHRASE",
    prompt: str = "Passphrase: ",
    why: str = "This journal is protected by a passphrase",
) -> str:
    """The passphrase from the environment (scripts) or typed at the terminal."""
    import getpass

    if os.environ.get(env):
        return os.environ[env]
    if not sys.stdin.isatty():
        raise PassphraseNeeded(f"{why}: run this in a terminal to type it, or set {env} for scripts.")
    passphrase = getpass.getpass(prompt)
    if confirm and getpass.getpass("Repeat it: ") != passphrase:
        raise InvalidInput("The two passphrases differ; nothing was created.")
    return passphrase


def _print_recovery_key(key: str, out: TextIO = sys.stdout) -> None:
    print(f"\nYour recovery key (shown only this once):\n\n    {key}\n", file=out)
    print("Write it down or keep it in a password manager, away from this computer. If the keyring entry is\n"
          "ever lost, this key with `relationjournal unlock --recovery-key` is the only way back in:\n"
          "no copy is kept anywhere else.", file=out)  # fmt: skip


def cmd_init(args: argparse.Namespace) -> None:
    from relationjournal.core.access import create_journal
    from relationjournal.core.errors import JournalExists

    location = _location(args)
    if location.exists():
        raise JournalExists(f"A journal already exists in {location.data_dir}; nothing was changed.")
    passphrase = _new_journal_passphrase(args)
    created = create_journal(location, passphrase=passphrase)
    created.journal.close()
    print(f"Created your journal: {location.database}")
    if created.recovery_key:
        print("It is encrypted with a random key kept in your system keyring.")
        _print_recovery_key(created.recovery_key)
    else:
        print("It is encrypted with your passphrase, asked for every time it opens. Forget it and the journal\n"
              "cannot be opened: no copy is kept anywhere.")  # fmt: skip


def _find_person(journal: Any, ref: str) -> Any:
    """The person `ref` names (an id or a name); when there is none, the error says where ids are listed."""
    from relationjournal.core.errors import NotFound

    try:
        return journal.find_person(ref)
    except NotFound as error:
        raise NotFound(f"{error} `relationjournal person list` shows everyone with their id.") from None


def _person_changes(args: argparse.Namespace) -> dict[str, Any]:
    names = {"org": "organisation", "role": "role", "pronouns": "pronouns", "why": "why_it_matters",
             "how_we_met": "how_we_met", "reaches_out": "reaches_out", "remember": "remember",
             "birthday": "birthday", "cadence": "cadence_days", "source": "source"}  # fmt: skip
    return {field: getattr(args, option) for option, field in names.items() if getattr(args, option) is not None}


def cmd_person(args: argparse.Namespace) -> None:
    from relationjournal.core.records import PersonDraft

    if args.action in ("merge", "duplicates"):
        return cmd_person_merge(args)
    if args.action == "date":
        return cmd_person_date(args)

    with _open(args) as journal:
        if args.action == "add":
            draft = PersonDraft(display_name=args.name, handles=tuple(args.handle), tags=tuple(args.tag),
                                **_person_changes(args))  # fmt: skip
            person = journal.add_person(draft)
            print(f"Added #{person.id} {person.display_name}.")
        elif args.action == "list":
            _print_people(journal.list_people(tag=args.tag, status=args.status), args.format, _zone(journal))
        elif args.action == "show":
            person = _find_person(journal, args.person)
            _print_person(person, journal.memberships(person.id), journal.timeline(person.id, limit=10),
                          _zone(journal))  # fmt: skip
        elif args.action == "edit":
            person = _find_person(journal, args.person)
            changes = _person_changes(args)
            if args.name is not None:
                changes["display_name"] = args.name
            if args.status is not None:
                changes["status"] = args.status
            person = journal.edit_person(person.id, changes, add_handles=args.handle, remove_handles=args.remove_handle,
                                         add_tags=args.tag, remove_tags=args.untag)  # fmt: skip
            print(f"Updated #{person.id} {person.display_name}.")
        elif args.action == "archive":
            person = journal.archive_person(_find_person(journal, args.person).id)
            print(f"Archived #{person.id} {person.display_name}; their history is kept.")


# Fields of a person `person merge --take` names (as `person edit` names them where it has an option).
MERGE_FIELDS = {
    "name": "display_name", "pronouns": "pronouns", "org": "organisation", "organisation": "organisation",
    "role": "role", "how-we-met": "how_we_met", "why": "why_it_matters", "reaches-out": "reaches_out",
    "remember": "remember", "birthday": "birthday", "source": "source", "status": "status",
    "cadence": "cadence_days",
}  # fmt: skip


def _merge_take(text: str) -> tuple[str, str]:
    """`FIELD=other` (or `FIELD=keep`, or just `FIELD`) for `person merge --take`."""
    name, _, side = text.partition("=")
    key = name.strip().lower().replace("_", "-")
    field = MERGE_FIELDS.get(key) or {v.replace("_", "-"): v for v in MERGE_FIELDS.values()}.get(key)
    if field is None:
        raise argparse.ArgumentTypeError(f"{name.strip()!r} is not a field; the fields are {', '.join(MERGE_FIELDS)}")
    side = side.strip().lower() or "other"
    if side not in ("keep", "other"):
        raise argparse.ArgumentTypeError(f"{text!r}: say FIELD=other or FIELD=keep")
    return field, side


def cmd_person_merge(args: argparse.Namespace) -> None:
    """`person merge` and `person duplicates`."""
    from relationjournal.core.records import MERGE_FIELD_LABELS

    with _open(args, daily_backup=args.action == "merge" and not args.dry_run) as journal:
        if args.action == "duplicates":
            _print_duplicates(journal.duplicate_suggestions(limit=args.limit), args.format)
            return
        keep, other = _find_person(journal, args.keep), _find_person(journal, args.other)
        result = journal.merge_people(keep.id, other.id, dict(args.take), dry_run=args.dry_run)
    gone, kept = f"#{result.removed.id} {result.removed.display_name}", f"#{keep.id} {result.kept.display_name}"
    if result.dry_run:
        print(f"Dry run, nothing was changed. Merging {gone} into {kept} would move: {result.moved_text()}.")
    else:
        print(f"Merged {gone} into {kept}: moved {result.moved_text()}.")
    if result.same_handles:
        print(f"  Handles both had, kept once: {result.same_handles}.")
    if result.taken:
        print(f"  Taken from {result.removed.display_name}: {', '.join(MERGE_FIELD_LABELS[f] for f in result.taken)}.")
    if result.noted:
        print(f"  Not kept, {'would go' if result.dry_run else 'written'} into a note on {result.kept.display_name}:")
        for field, value in result.noted:
            print(f"    {MERGE_FIELD_LABELS[field]}: {_one_line(value)}")
    if result.reminders_collapsed:
        print(f"  Open reminders that were duplicates (or are no longer due), removed: {result.reminders_collapsed}.")
    if not result.dry_run:
        print(f"  {gone} is no longer in the journal.")


def cmd_person_date(args: argparse.Namespace) -> None:
    """`person date add`, `list` and `remove`."""
    with _open(args) as journal:
        if args.date_action == "add":
            person = _find_person(journal, args.person)
            added = journal.add_person_date(person.id, args.label, args.date, no_year=args.no_year)
            print(f"Added date #{added.id} for {added.person_name}: {added.label}, {added.when}.")
        elif args.date_action == "list":
            person = _find_person(journal, args.person)
            found = journal.person_dates(person.id)
            if args.format == "json":
                _print_json([dataclasses.asdict(d) | {"when": d.when} for d in found])
            elif not found:
                print(f"{person.display_name} has no dates yet; add one with `relationjournal person date add`.")
            else:
                for d in found:
                    print(f"#{d.id:<6} {d.when:<11} {d.label}")
        else:
            removed = journal.remove_person_date(args.id)
            print(f"Removed date #{removed.id} ({removed.label}) from {removed.person_name}.")


def _print_duplicates(found: list[Any], output: str) -> None:
    if output == "json":
        _print_json([{"first": dataclasses.asdict(s.first), "second": dataclasses.asdict(s.second),
                      "reasons": list(s.reasons), "strong": s.strong} for s in found])  # fmt: skip
        return
    if not found:
        print("No possible duplicates: no two people share an e-mail, a phone, a profile or a name.")
        return

    def who(p: Any) -> str:
        return f"#{p.id} {_one_line(p.display_name, 40)}" + (
            f" ({_one_line(p.organisation, 30)})" if p.organisation else ""
        )

    rows = [["likely" if s.strong else "maybe", who(s.first), who(s.second), s.reason] for s in found]
    _print_table(["", "person", "may be the same as", "why"], rows)
    print("\nMerge two with: relationjournal person merge KEEP OTHER --dry-run (then without --dry-run)")


def cmd_note(args: argparse.Namespace) -> None:
    with _open(args) as journal:
        person = _find_person(journal, args.person)
        text = args.text if args.text is not None else terminal.ask(STDIN_TEXTS["text"], "note.md")
        note = journal.add_note(
            person.id, text, pinned=args.pin, hard_event=args.hard_event, anniversary=not args.no_anniversary
        )
        print(f"Added note #{note.id} to {person.display_name}.")


def cmd_log(args: argparse.Namespace) -> None:
    from relationjournal.core.records import InteractionDraft
    from relationjournal.core.vocabulary import utc_now

    with _open(args) as journal:
        zone = _zone(journal)
        when = fields.iso_datetime(args.when, "when", local=zone) if args.when else utc_now()
        person = _find_person(journal, args.person)
        channel = _users_channel(journal, args.channel)  # before asking for a summary it would refuse
        summary = args.summary
        if summary is None:  # asked for (on a terminal: see `_read_texts`) unless --body says what it was about
            summary = "" if args.body.strip() else terminal.ask(STDIN_TEXTS["summary"], "summary.md")
        if not summary.strip() and not args.body.strip():
            raise InvalidInput("summary: say what the conversation was about; nothing was logged.")
        draft = InteractionDraft(
            channel=channel, direction=args.direction, occurred_at=when, summary=summary, body=args.body,
            tone=args.tone, context=args.context, hard_event=args.hard_event, reached_out_by=args.by,
            follow_up_on=args.follow_up, anniversary=not args.no_anniversary,
        )  # fmt: skip
        interaction = journal.log_interaction(person.id, draft)
        said = f"{interaction.channel.value} with {person.display_name}, {_local(when, zone)}"
        print(f"Logged #{interaction.id}: {said}.")
        scheduled = journal.reminders_from(interaction.id)
        if scheduled:
            print("Scheduled:")
            for r in scheduled:
                kind = r.kind.value.replace("_", " ")
                print(f"  #{r.id:<5} {_local(r.due_at, zone)}  {kind}: {_one_line(r.text, 90)}")
        if draft.hard_event and (load := journal.emotional_load()).heavy:
            print("\n" + load.message())


def cmd_anniversary(args: argparse.Namespace) -> None:
    """`anniversary on|off conversation|note ID`."""
    with _open(args) as journal:
        name = journal.set_anniversary(args.kind, args.id, args.switch == "on")
        if args.switch == "on":
            print(f"A year after it, Today will remind you of {name}'s hard news ({args.kind} #{args.id}).")
        else:
            print(f"{name}'s hard news ({args.kind} #{args.id}) will not come back a year later.")


def _users_channel(journal: Any, channel: Channel | str) -> Any:
    """A built-in channel as it is; a name, the user's channel of that name (InvalidInput if none)."""
    if isinstance(channel, Channel):
        return channel
    found = journal.channel_named(channel)
    if found is None:
        yours = [c.name for c in journal.channels() if isinstance(c, CustomChannel)]
        also = f", or one of yours: {', '.join(yours)}" if yours else ""
        raise InvalidInput(f"channel: {channel!r} is not a channel; use one of {channel_names()}{also}. "
                           "Add your own with `relationjournal channel add NAME`.")  # fmt: skip
    return found


def cmd_channel(args: argparse.Namespace) -> None:
    with _open(args) as journal:
        if args.action == "add":
            added = journal.add_channel(args.name)
            print(f"Added the channel {added.name}; log with --channel {added.name!r}.")
            return
        if args.action in ("rename", "delete"):
            name = args.old if args.action == "rename" else args.name
            own = journal.channel_named(name)
            if not isinstance(own, CustomChannel):
                what = "a built-in channel" if own is not None else "not a channel"
                raise InvalidInput(f"channel: {name!r} is {what}; only your own channels can be changed.")
            if args.action == "rename":
                print(f"Renamed the channel {own.name} to {journal.rename_channel(own.id, args.new).name}.")
            else:
                print(f"Deleted the channel {journal.delete_channel(own.id).name}.")
            return
        for channel in journal.channels():
            if isinstance(channel, CustomChannel):
                print(f"{channel.name}  (yours)")
            else:
                aliases = CHANNEL_ALIASES[channel]
                print(channel.value + (f"  ({', '.join(aliases)})" if aliases else ""))


def cmd_timeline(args: argparse.Namespace) -> None:
    with _open(args) as journal:
        person_id = _find_person(journal, args.person).id if args.person else None
        entries, zone = journal.timeline(person_id, limit=args.limit), _zone(journal)
    if args.format == "json":  # (times in UTC, with their offset: for programs)
        _print_json([{"kind": e.kind, **e.item._asdict(), **_tone_word(e.item)} for e in entries])
    else:
        _print_timeline(entries, zone, with_names=person_id is None)


def cmd_search(args: argparse.Namespace) -> None:
    with _open(args) as journal:
        hits = journal.search(args.query, limit=args.limit, best=args.best)
    if args.format == "json":
        _print_json([dataclasses.asdict(hit) for hit in hits])
        return
    if not hits:
        print(f"Nothing matches {args.query!r}.")
        return
    for kind, title in (("person", "People"), ("note", "Notes"), ("interaction", "Conversations")):
        group = [hit for hit in hits if hit.kind == kind]
        if group:
            print(f"{title}:")
            for hit in group:
                print(f"  #{hit.id:<6} {hit.person_name}: {_one_line(hit.snippet)}")


def cmd_reminders(args: argparse.Namespace) -> None:
    with _open(args) as journal:
        zone = _zone(journal)
        if args.action == "upcoming":
            return cmd_upcoming(journal, args.format)
        if args.action == "done":
            reminder = journal.complete_reminder(args.id)
            print(f"Done: #{reminder.id} {_one_line(reminder.text)}")
            return
        if args.action == "dismiss":
            reminder = journal.dismiss_reminder(args.id)
            print(f"Dismissed: #{reminder.id} {_one_line(reminder.text)}")
            return
        if args.action == "snooze":
            reminder = journal.snooze_reminder(args.id, args.until)
            print(f"Snoozed #{reminder.id} until {_local(reminder.snoozed_until, zone)}.")
            return
        if args.due:
            _print_due(journal.due_reminders(), journal.emotional_load(), args.format)
            return
        reminders = journal.reminders()
    if args.format == "json":
        _print_json([dataclasses.asdict(r) for r in reminders])
        return
    if not reminders:
        print("Nothing is due." if args.due else "No reminders.")
        return
    rows = [[f"#{r.id}", _local(r.snoozed_until or r.due_at, zone), r.kind.value.replace("_", " "),
             r.person_name or "you", r.state.value, _one_line(r.text)] for r in reminders]  # fmt: skip
    _print_table(["id", "due", "kind", "who", "state", "text"], rows)


def cmd_upcoming(journal: Any, output: str) -> None:
    """`reminders upcoming`: every open reminder by the day it shows, in the journal's time zone."""
    from relationjournal.core.vocabulary import ReminderKind, utc_now
    from relationjournal.core.wellbeing import day_heading

    items, zone, now = journal.upcoming_reminders(), _zone(journal), utc_now()
    if output == "json":
        _print_json([{"shows_at": u.when, **dataclasses.asdict(u.reminder)} for u in items])
        return
    if not items:
        print("Nothing scheduled. Reminders you set and check-ins after hard events appear here.")
        return
    heading = None
    for u in items:
        day = "Due now" if u.when <= now else day_heading(u.when, now, zone)
        if day != heading:
            if heading is not None:
                print()
            print(f"{day}:")
            heading = day
        clock = _local(u.when, zone) if day == "Due now" else _local(u.when, zone, "%H:%M")
        mine = u.reminder.person_name is None or u.reminder.kind is ReminderKind.self_care
        who = "you" if mine else u.reminder.person_name
        print(f"  #{u.reminder.id:<5} {clock}  {who}: {_one_line(u.reminder.text, 90)}")


def _print_due(items: list[Any], load: Any, output: str) -> None:
    from relationjournal.core.records import GROUP_TITLES

    if output == "json":
        _print_json({"due": [{"group": d.group, "overdue": round(d.overdue, 2), **dataclasses.asdict(d.reminder)}
                             for d in items], "emotional_load": {"hard_events": load.hard_events,
                             "window_days": load.window_days, "heavy": load.heavy}})  # fmt: skip
        return
    if load.heavy:
        print(load.message() + "\n")
    if not items:
        print("Nothing is due. Enjoy your day.")
        return
    for group, title in GROUP_TITLES.items():
        members = [d for d in items if d.group == group]
        if members:
            print(f"{title}:")
            for d in members:
                print(f"  #{d.reminder.id:<5} {_one_line(d.reminder.text, 100)}")
                if d.remember:
                    print(f"         remember: {_one_line(d.remember, 90)}")


def cmd_insights(args: argparse.Namespace) -> None:
    """`insights`: the Insights page as text, each section capped (JSON has everything)."""
    from relationjournal.core.insights import InsightsFilter

    wanted = InsightsFilter(since=args.since, until=args.until, tag=args.tag, channel=args.channel,
                            programme=args.programme)  # fmt: skip
    with _open(args) as journal:
        found = journal.insights(wanted)
    if args.format == "json":
        data = dataclasses.asdict(found)
        for row, slipping in zip(data["slipping"], found.slipping, strict=True):
            row["band"] = slipping.band
        _print_json(data)
        return
    if found.empty:
        print("Nothing to show yet. Log a few conversations and Insights will show where your time goes.")
        return
    for section in _insights_sections(found):
        print("\n".join(section) + "\n")


SHOWN = 10  # rows of each list in `insights`' table output


def _more(lines: list[str], total: int, what: str) -> list[str]:
    """The first rows, and "… and N more" for the rest ("1 more person", not "1 more people")."""
    if total - SHOWN == 1:
        what = {"people": "person", "weeks": "week", "tags": "tag", "members": "member"}.get(what, what)
    return lines[:SHOWN] + ([f"  … and {total - SHOWN:,} more {what}"] if total > SHOWN else [])


def _review_words(review_on: date | None, today: date) -> str:
    """A member's review: ahead, or overdue (a date in the past is a review still to be done)."""
    if review_on is None:
        return ""
    return f", review {'was due ' if review_on < today else ''}{review_on.isoformat()}"


def _insights_sections(found: Any) -> list[list[str]]:
    period = f"Insights, {found.since.isoformat()} to {found.until.isoformat()}"
    weeks: dict[date, dict[str, int]] = {}
    channels: dict[date, dict[str, int]] = {}
    for cell in found.rhythm:
        week = weeks.setdefault(cell.week, {"personal": 0, "business": 0})
        week[cell.context] += cell.conversations
        per_channel = channels.setdefault(cell.week, {})
        per_channel[cell.channel] = per_channel.get(cell.channel, 0) + cell.conversations
    rhythm = ["Rhythm: conversations per week (newest first)",
              f"  {'week of':<11} {'total':>6} {'personal':>9} {'business':>9}  busiest channels"]  # fmt: skip
    for monday in sorted(weeks, reverse=True):
        busiest = sorted(channels[monday].items(), key=lambda item: (-item[1], item[0]))[:3]
        counts = weeks[monday]
        rhythm.append(f"  {monday.isoformat():<11} {counts['personal'] + counts['business']:>6} "
                      f"{counts['personal']:>9} {counts['business']:>9}  "
                      + _one_line(", ".join(f"{name} {n}" for name, n in busiest), 50))  # fmt: skip
    if not weeks:
        rhythm.append("  No conversations in this period.")
    rhythm = rhythm[:2] + _more(rhythm[2:], len(weeks), "weeks")

    reach = ["Who reaches out: conversations they started and you started",
             f"  {'person':<40} {'they':>6} {'you':>6}"]  # fmt: skip
    reach += _more([f"  {_one_line(r.key, 40):<40} {r.they:>6} {r.me:>6}" for r in found.reach_people],
                   len(found.reach_people), "people") or ["  No conversations in this period."]  # fmt: skip
    reach += [f"  {'tag':<40} {'they':>6} {'you':>6}"]
    reach += _more([f"  {_one_line(r.key, 40):<40} {r.they:>6} {r.me:>6}" for r in found.reach_tags],
                   len(found.reach_tags), "tags")  # fmt: skip

    one_sided = [f"One-sided: the last {found.one_sided_after} or more conversations started by the same side"]
    one_sided += _more([f"  {_one_line(o.name, 40):<40} {'you' if o.started_by == 'me' else 'they':>4} started "
                        f"the last {o.run:<4} last contact {o.last_contact.isoformat()}" for o in found.one_sided],
                       len(found.one_sided), "people") or ["  None: every relationship goes both ways."]  # fmt: skip

    bands = {band: sum(s.band == band for s in found.slipping) for band in ("on time", "late", "very late")}
    slipping = ["Slipping away: time since contact against their cadence",
                "  " + ", ".join(f"{n:,} {band}" for band, n in bands.items())]  # fmt: skip
    slipping += _more([f"  {_one_line(s.name, 40):<40} {s.days_since:>5} days of {s.cadence_days:<5} {s.band}"
                       for s in found.slipping], len(found.slipping), "people")  # fmt: skip
    if not found.slipping:
        slipping[1] = "  No one has a stay-in-touch cadence (set one on a person, a tag, or in settings)."

    heavy = sum(w.heavy for w in found.load)
    load = ["Your load: hard events you logged and reflections you wrote, per week",
            f"  {heavy} of {len(found.load)} weeks were heavy (more than {found.load_threshold} hard events "
            f"in {found.load_window_days} days).",
            f"  {'week of':<11} {'hard events':>11} {'reflections':>11} {'load':>5}"]  # fmt: skip
    busy = [w for w in reversed(found.load) if w.hard_events or w.reflections or w.heavy]
    load += _more([f"  {w.week.isoformat():<11} {w.hard_events:>11} {w.reflections:>11} {w.load:>5}"
                   + ("  heavy" if w.heavy else "") for w in busy], len(busy), "weeks")  # fmt: skip
    if not busy:
        load[-1] = "  No hard events or reflections in this period."

    programmes = ["Programmes: current members, longest silence first"]
    for view in found.programmes:
        members = len(view.members)
        programmes.append(f"  {_one_line(view.programme, 60)} ({members} member{'' if members == 1 else 's'})")
        programmes += _more([f"    {_one_line(m.name, 40):<40} "
                             + (f"{m.days_since_contact} days since contact" if m.days_since_contact is not None
                                else "no contact since joining")
                             + _review_words(m.review_on, found.until)
                             for m in view.members], len(view.members), "members")  # fmt: skip
    if not found.programmes:
        programmes.append("  No one is in a programme.")
    return [[period], rhythm, reach, one_sided, slipping, load, programmes]


def cmd_programme(args: argparse.Namespace) -> None:
    with _open(args) as journal:
        if args.action == "add":
            person = _find_person(journal, args.person)
            m = journal.add_membership(person.id, args.programme, args.joined or date.today(), review_on=args.review)
            review = f"; review on {m.review_on}" if m.review_on else ""
            print(f"Added {person.display_name} to {m.programme} (membership #{m.id}){review}.")
        elif args.action == "keep":
            m = journal.keep_in_programme(args.id, args.next_review)
            print(f"{m.person_name} stays in {m.programme}" + (f"; next review {m.review_on}." if m.review_on else "."))
        elif args.action == "rotate-out":
            record = args.record if args.record is not None else terminal.ask(STDIN_TEXTS["record"], "record.md")
            m = journal.rotate_out(args.id, record=record)
            print(f"{m.person_name} left {m.programme} on {m.left_on}; their history is kept and the change recorded.")


def cmd_tag(args: argparse.Namespace) -> None:
    with _open(args) as journal:
        if args.action == "list":
            tags = journal.tags()
        elif args.action == "rename":
            tag = journal.rename_tag(args.old, args.new)
            print(f"Renamed the tag {args.old.strip()!r} to {tag.name!r}; {_carry(tag.people)} it.")
        elif args.action == "merge":
            tag = journal.merge_tags(args.sources, args.into)
            cadence = f", to stay in touch every {tag.cadence_days} days" if tag.cadence_days else ""
            print(f"Merged into {tag.name!r}: {_carry(tag.people)} it{cadence}.")
        elif args.action == "delete":
            tag = journal.delete_tag(args.tag)
            print(f"Deleted the tag {tag.name!r}; {_carry(tag.people, past=True)} it, and they stay in the journal.")
        elif args.action == "cadence":
            tag = journal.set_tag_cadence(args.tag, args.days)
            if tag.cadence_days:
                print(f"Stay in touch every {tag.cadence_days} days with the people tagged {tag.name!r} "
                      f"({_carry(tag.people)} it), unless they have a cadence of their own.")  # fmt: skip
            else:
                print(f"The tag {tag.name!r} no longer sets a cadence ({_carry(tag.people)} it).")
    if args.action != "list":
        return
    if args.format == "json":
        _print_json([dataclasses.asdict(t) for t in tags])
    elif not tags:
        print("No tags yet. Tag people as you add or edit them: relationjournal person edit PERSON --tag TAG")
    else:
        rows = [[t.name, str(t.people), f"every {t.cadence_days} days" if t.cadence_days else ""] for t in tags]
        _print_table(["tag", "people", "stay in touch"], rows)


def _carry(people: int, *, past: bool = False) -> str:
    """How many people carry (or carried) a tag: "3 people carry", "1 person carries", "nobody carried"."""
    if past:
        return {0: "nobody carried", 1: "1 person carried"}.get(people, f"{people} people carried")
    return {0: "nobody carries", 1: "1 person carries"}.get(people, f"{people} people carry")


def cmd_export(args: argparse.Namespace) -> None:
    with _open(args) as journal:
        paths = journal.export_csv(args.csv, excel=args.excel)
    folder = paths[0].parent  # a new dated folder inside the one given
    print(f"Exported {len(paths)} files to {folder}: {', '.join(p.name for p in paths)}.")
    print(EXPORT_WARNING.format(folder=folder), file=sys.stderr)  # after: a failed export leaves no files


def cmd_import(args: argparse.Namespace) -> None:
    if args.path is not None or args.csv is None:
        _import_export(args)
        return
    with _open(args) as journal:
        counts = journal.import_csv(args.csv)
    print("Imported " + ", ".join(f"{n} from {name}" for name, n in counts.items() if n) + "." if any(counts.values())
          else "The files hold no rows; nothing was imported.")  # fmt: skip


def _import_export(args: argparse.Namespace) -> None:
    """`import PATH`: another platform's export (or the journal's CSV), then its summary."""
    if args.path is None:
        _usage_error("import: give the PATH of an export (the .zip, its folder or a file), or --csv DIR.")
    if args.csv is not None:
        _usage_error("import: give PATH or --csv, not both.")
    with _open(args, daily_backup=not args.dry_run) as journal:
        summary = journal.import_source(args.path, kind=args.kind, dry_run=args.dry_run, tag=args.tag)
    if args.format == "json":
        _print_json(summary.as_json())
    else:
        print("\n".join(summary.lines()))


def cmd_settings(args: argparse.Namespace) -> None:
    from relationjournal.core.settings import SETTINGS, declared

    with _open(args) as journal:
        if args.key is None:
            rows = [[key, s.show(journal.setting(key)), s.description] for key, s in SETTINGS.items()]
            _print_table(["setting", "value", "meaning"], rows)
            return
        setting = declared(args.key)
        if args.value is not None:
            journal.set_setting(args.key, setting.parse(args.value))
        print(f"{args.key} = {setting.show(journal.setting(args.key))}")


def cmd_demo(args: argparse.Namespace) -> None:
    if args.interactions < 0:
        raise InvalidInput("--interactions: give zero or more.")
    with _open(args) as journal:
        counts = journal.fill_demo(people=args.people, interactions=args.interactions, seed=args.seed)
    print("Added demo data: " + ", ".join(f"{n:,} {what}" for what, n in counts.items()) + ".")


def cmd_backup(args: argparse.Namespace) -> None:
    from relationjournal.core import backups

    location = _location(args)
    with _open(args) as journal:
        path = backups.backup_to(journal, args.to) if args.to else backups.backup_now(journal, location)
        protection = "passphrase" if journal.key.raw is None else "keyring"
    print(f"Backed up to {path} (encrypted with the journal's current key).")
    if args.to:
        print(_MOVE_NOTE.format(file=_shell_quoted(path.name), key=_KEY_WORDS[protection]))


def cmd_backups(args: argparse.Namespace) -> None:
    from relationjournal.core import backups

    found = backups.list_backups(_location(args))
    if args.format == "json":
        _print_json([{"path": str(b.path), "made_at": b.made_at, "size": b.size,
                      "needs_older_key": b.needs_older_key} for b in found])  # fmt: skip
    elif not found:
        print("No backups yet. They are made automatically once a day when the journal is opened.")
    else:
        key = {True: "the recovery key from before the last key change", False: "the current key"}
        # (the system's clock: listing backups does not open the journal, which may be what is broken)
        rows = [[_local(b.made_at, None), f"{b.size / 1e6:.1f} MB", key[b.needs_older_key], str(b.path)] for b in found]
        _print_table(["made", "size", "opens with", "file"], rows)


def cmd_restore(args: argparse.Namespace) -> None:
    import getpass

    from relationjournal.core import backups
    from relationjournal.core.access import current_key
    from relationjournal.core.vault import parse_recovery_key, read_meta

    location = _location(args)
    meta = read_meta(location)
    passphrase = _ask_passphrase() if meta is not None and meta.protection == "passphrase" else None
    key = current_key(location, passphrase=passphrase)
    source_key = None
    if args.recovery_key:
        source_key = parse_recovery_key(getpass.getpass("Recovery key of the backup: ") if sys.stdin.isatty()
                                        else sys.stdin.readline())  # fmt: skip
    kept = backups.restore(location, key, args.file, source_key=source_key)
    print(f"Restored {args.file.name}. The journal as it was is kept in {kept}.")


def cmd_rekey(args: argparse.Namespace) -> None:
    from relationjournal.core.access import change_key
    from relationjournal.core.vault import read_meta

    location = _location(args)
    meta = read_meta(location)
    with _open(args) as journal:
        new_passphrase = None
        if meta is not None and meta.protection == "passphrase":
            new_passphrase = _ask_passphrase(
                confirm=True,
                env=NEW_PASSPHRASE_ENV,
                prompt="New passphrase: ",
                why="Changing the key needs a new passphrase",
            )
        new_recovery_key = change_key(location, journal, new_passphrase=new_passphrase)
    print("The journal is now encrypted with a new key; the old one no longer opens it.")
    if new_recovery_key:
        print("The new key is in your keyring. Your old recovery key no longer works for this journal.")
        _print_recovery_key(new_recovery_key)


def cmd_check(args: argparse.Namespace) -> None:
    from relationjournal.core.errors import Damaged

    with _open(args, daily_backup=False) as journal:  # never back up what may be damaged
        problems = [line for problem in journal.integrity_problems() for line in problem.splitlines()]
        if problems:
            for line in problems[:20]:
                print(f"  {line}", file=sys.stderr)
            more = f" ({len(problems) - 20} more lines not shown)" if len(problems) > 20 else ""
            raise Damaged(
                f"The journal is damaged: the checks above failed{more}. Nothing was changed. Restore a backup "
                "with `relationjournal restore FILE` (see `relationjournal backups`)."
            )
        people = journal.count_people()
    print(f"The journal is sound: every page decrypts and checks out ({people} people).")


def cmd_unlock(args: argparse.Namespace) -> None:
    import getpass

    from relationjournal.core.access import unlock_with_recovery_key

    if sys.stdin.isatty():
        text = getpass.getpass("Recovery key: ")
    else:
        text = sys.stdin.readline()
    location = _location(args)
    with unlock_with_recovery_key(location, text):
        pass
    print("Unlocked: the journal's key is back in your system keyring.")


# Several journals, and moving one to another computer ------------------------------------------
_KEY_WORDS = {"keyring": "your recovery key", "passphrase": "the journal's passphrase"}
_MOVE_NOTE = (
    "To open it on another computer, copy that one file there and run `relationjournal journal open {file}`: "
    "it asks for {key}, so have it with you. The file is encrypted; without {key} nobody can read it."
)


def cmd_journals(args: argparse.Namespace) -> None:
    from relationjournal.core.registry import entries

    found = entries(strict=True)  # a damaged list is said, not shown as "My journal" alone
    if args.format == "json":
        _print_json([{"name": e.name, "folder": str(e.location.data_dir), "default": e.default,
                      "last_opened": e.last_opened, "exists": e.location.exists()} for e in found])  # fmt: skip
        return
    rows = [[("* " if e.default else "  ") + e.name, str(e.location.data_dir),
             _local(e.last_opened, None) or ("never" if e.location.exists() else "not made yet")]
            for e in found]  # fmt: skip
    _print_table(["  journal", "folder", "last opened"], rows)
    print("\n* the default journal, used when no --journal NAME is given.")


def cmd_journal(args: argparse.Namespace) -> None:
    from relationjournal.core import registry

    if args.action == "new":
        _journal_new(args)
    elif args.action == "rename":
        entry = registry.rename(args.old, args.new)
        print(f"Renamed the journal to {entry.name!r}; its folder stays {entry.location.data_dir}.")
    elif args.action == "default":
        entry = registry.make_default(args.name)
        print(f"{entry.name!r} is now the default journal: commands use it when no --journal NAME is given.")
    elif args.action == "remove":
        _journal_remove(args)
    elif args.action == "open":
        _journal_open(args)
    elif args.action == "add":
        _journal_add(args)


def _new_journal_passphrase(args: argparse.Namespace) -> str | None:
    """A new journal's passphrase: asked for with --passphrase, or when no keyring can hold its key;
    None: its key goes into the keyring."""
    from relationjournal.core.vault import keyring_problem

    if args.passphrase:
        return _ask_passphrase(confirm=True, prompt="New passphrase: ", why="A new journal needs a passphrase")
    if problem := keyring_problem():
        print(f"{PROG}: {problem}, so this journal will be protected by a passphrase instead.", file=sys.stderr)
        return _ask_passphrase(confirm=True, prompt="New passphrase: ", why="A new journal needs a passphrase")
    return None


def _journal_new(args: argparse.Namespace) -> None:
    from relationjournal.core.journals import new_journal
    from relationjournal.core.registry import check_new

    name = check_new(args.name)  # before any passphrase is asked for
    passphrase = _new_journal_passphrase(args)
    made = new_journal(name, passphrase=passphrase)
    made.created.journal.close()
    print(f"Created the journal {made.entry.name!r} in {made.entry.location.data_dir}; use it with "
          f"--journal {_shell_quoted(made.entry.name)}.")  # fmt: skip
    if made.created.recovery_key:
        print("It has its own random key, kept in your system keyring.")
        _print_recovery_key(made.created.recovery_key)


def _journal_remove(args: argparse.Namespace) -> None:
    from relationjournal.core.journals import remove_journal, what_removal_deletes
    from relationjournal.core.registry import find

    entry = find(args.name)
    if not args.yes:
        files = what_removal_deletes(entry, with_backups=args.with_backups)
        kept = "" if args.with_backups else " Its backups stay in " + str(entry.location.backups) + "."
        raise InvalidInput(f"Removing {entry.name!r} deletes {len(files)} files in {entry.location.data_dir} and its "
                           f"key, and cannot be undone.{kept} Add --yes to remove it.")  # fmt: skip
    remove_journal(args.name, with_backups=args.with_backups)
    kept = "" if args.with_backups or not entry.location.backups.is_dir() else (
        f" Its backups are kept in {entry.location.backups}.")  # fmt: skip
    print(f"Removed the journal {entry.name!r} and its key.{kept}")


def _journal_open(args: argparse.Namespace) -> None:
    import getpass

    from relationjournal.core.journals import open_moved
    from relationjournal.core.registry import check_new

    name = check_new(args.journal_name or args.file.stem)  # a name taken is said before any key is asked
    if args.passphrase:
        passphrase = _ask_passphrase(why="The moved journal is protected by a passphrase")
        entry, journal = open_moved(args.file, name, passphrase=passphrase)
    else:
        text = getpass.getpass("Recovery key: ") if sys.stdin.isatty() else sys.stdin.readline()
        entry, journal = open_moved(args.file, name, recovery_text=text)
    with journal:
        people = journal.count_people()
    where = "the key is now in this computer's keyring" if not args.passphrase else "it opens with its passphrase"
    count = "1 person" if people == 1 else f"{people} people"
    print(f"Opened {args.file.name} as the journal {entry.name!r} ({count}); {where}. "
          f"Use it with --journal {_shell_quoted(entry.name)}.")  # fmt: skip


def _journal_add(args: argparse.Namespace) -> None:
    """`journal add FOLDER`: a journal folder from before, on the list; its recovery key only when this
    computer's keyring lacks the key (read like `journal open`'s, then kept in the keyring)."""
    import getpass

    from relationjournal.core.errors import JournalExists
    from relationjournal.core.journals import add_existing, check_existing_folder, needs_recovery_key
    from relationjournal.core.registry import check_new

    folder = check_existing_folder(args.folder)  # refused (not a journal, listed already) before any key
    try:
        name = check_new(folder.name if args.journal_name is None else args.journal_name)
    except JournalExists as error:
        if args.journal_name is not None:
            raise
        raise JournalExists(f"{str(error).split(';')[0]}: give this one another name with --name NAME.") from None
    text = None
    if needs_recovery_key(folder):
        prompt = "Its key is not in this computer's keyring. Recovery key: "
        text = getpass.getpass(prompt) if sys.stdin.isatty() else sys.stdin.readline()
    entry, journal = add_existing(folder, name, recovery_text=text)
    if journal is not None:
        journal.close()
    kept = "; its key is now in this computer's keyring" if text is not None else ""
    print(f"Added the journal in {folder} as {entry.name!r}{kept}. Use it with "
          f"--journal {_shell_quoted(entry.name)}.")  # fmt: skip


COMMANDS: dict[str, Callable[[argparse.Namespace], None]] = {
    "init": cmd_init, "person": cmd_person, "note": cmd_note, "log": cmd_log, "timeline": cmd_timeline,
    "search": cmd_search, "reminders": cmd_reminders, "export": cmd_export, "import": cmd_import,
    "programme": cmd_programme, "tag": cmd_tag, "settings": cmd_settings, "demo": cmd_demo, "rekey": cmd_rekey,
    "check": cmd_check, "unlock": cmd_unlock, "backup": cmd_backup, "backups": cmd_backups, "restore": cmd_restore,
}  # fmt: skip
COMMANDS["channel"] = cmd_channel
COMMANDS["journals"] = cmd_journals
COMMANDS["journal"] = cmd_journal
COMMANDS["insights"] = cmd_insights
COMMANDS["anniversary"] = cmd_anniversary


# Output ------------------------------------------------------------------------------------------
def _zone(journal: Any) -> tzinfo:
    """The zone every time is printed (and read, without an offset) in: the journal's, as in the app."""
    from relationjournal.core.clock import journal_zone

    return journal_zone(journal)


def _local(moment: datetime | None, zone: tzinfo | None, pattern: str = "%Y-%m-%d %H:%M") -> str:
    """`moment` on the journal's clock (`zone`; None: the system's); JSON output keeps UTC instead."""
    from relationjournal.core.clock import local_zone, wall_clock

    return "" if moment is None else wall_clock(moment, zone or local_zone(), pattern)


def _one_line(text: str, width: int = 80) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def _tone_word(item: Any) -> dict[str, str]:
    """A conversation's tone as the word the app shows ("difficult"), for JSON as for CSV."""
    return {"tone": TONE_WORDS[item.tone]} if hasattr(item, "tone") else {}


def _json_default(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, enum.Enum | CustomChannel):
        return value.value
    raise TypeError(type(value).__name__)


def _print_json(data: Any) -> None:
    import json

    # ensure_ascii=False leaves DEL, C1 controls and bidi overrides raw: json_safe escapes them (same values).
    sys.stdout.write(terminal.json_safe(json.dumps(data, default=_json_default, ensure_ascii=False, indent=2)) + "\n")


def _print_table(header: list[str], rows: list[list[str]]) -> None:
    rows = [[terminal.visible(str(cell)) for cell in row] for row in rows]  # widths as printed
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows, strict=True)]
    for row in [header, *rows]:
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())


def _people_rows(people: list[Any]) -> list[dict[str, Any]]:
    return [{"id": p.id, "name": p.display_name, "organisation": p.organisation, "tags": ", ".join(p.tags),
             "status": p.status.value, "cadence_days": p.cadence_days, "last_contact": p.last_contact}
            for p in people]  # fmt: skip


def _print_people(people: list[Any], output: str, zone: tzinfo) -> None:
    if output == "json":
        _print_json([dataclasses.asdict(p) for p in people])
    elif output == "csv":
        import csv

        from relationjournal.core.csvio import neutralise

        writer = csv.writer(sys.stdout, lineterminator="\n")
        rows = _people_rows(people)
        writer.writerow(["id", "name", "organisation", "tags", "status", "cadence_days", "last_contact"])
        for row in rows:
            writer.writerow([_local(v, zone) if isinstance(v, datetime) else neutralise("" if v is None else str(v))
                             for v in row.values()])  # fmt: skip
    elif not people:
        print("No people yet. Add the first person you want to get to know better: relationjournal person add NAME")
    else:
        table = [[f"#{r['id']}", _one_line(r["name"], 40), _one_line(r["organisation"], 30), r["tags"], r["status"],
                  _local(r["last_contact"], zone) or "never"] for r in _people_rows(people)]  # fmt: skip
        _print_table(["id", "name", "organisation", "tags", "status", "last contact"], table)


def _print_person(person: Any, memberships: list[Any], entries: list[Any], zone: tzinfo) -> None:
    print(f"#{person.id} {person.display_name}" + (f" ({person.pronouns})" if person.pronouns else ""))
    details = [
        ("Role", person.role), ("Organisation", person.organisation),
        ("Tags", ", ".join(person.tags)),
        ("Handles", ", ".join(f"{p.value}: {v}" for p, v in person.handles)),
        ("Why it matters", person.why_it_matters), ("Who reaches out", person.reaches_out),
        ("How we met", person.how_we_met), ("Remember", person.remember),
        ("Birthday", person.birthday.isoformat() if person.birthday else ""), ("Source", person.source),
        ("Stay in touch", f"every {person.cadence_days} days" if person.cadence_days else ""),
        ("Status", person.status.value), ("Last contact", _local(person.last_contact, zone) or "never"),
    ]  # fmt: skip
    for label, value in details:
        if value:
            print(f"  {label + ':':<16} {value}")
    for m in memberships:
        left = f", left {m.left_on}" if m.left_on else ""
        review = f", review {m.review_on}" if m.review_on else ""
        print(f"  {'Programme:':<16} {m.programme} since {m.joined_on}{review}{left}")
    if entries:
        print("\nLatest:")
        _print_timeline(entries, zone, with_names=False)


def _print_timeline(entries: list[Any], zone: tzinfo, *, with_names: bool) -> None:
    if not entries:
        print("Nothing on the timeline yet.")
        return
    for entry in entries:
        item = entry.item
        who = f"{item.person_name}: " if with_names else ""
        if entry.kind == "interaction":
            arrow = "←" if item.direction is Direction.incoming else "→"
            marks = " [hard event]" if item.hard_event else ""
            follow = f" (follow up {item.follow_up_on})" if item.follow_up_on else ""
            text = item.summary or item.body
            print(f"{_local(entry.when, zone)}  {arrow} {item.channel.value:<9} {who}{_one_line(text)}{marks}{follow}")
        else:
            pin = " [pinned]" if item.pinned else ""
            print(f"{_local(entry.when, zone)}  ✎ note      {who}{_one_line(item.body)}{pin}")
