"""CSV export and import: readable by any spreadsheet, and an exact round trip back into a journal.

Files: people.csv, notes.csv, interactions.csv, reminders.csv, programmes.csv, tags.csv,
channels.csv (the user's own channels, so that even one no conversation uses yet moves along) and
dates.csv (a person's yearly dates: a label, a month and a day, and the year when known), each
with a header row, UTF-8 (with a BOM for Excel), RFC 4180 quoting, ISO-8601 times with offsets.
A cell a spreadsheet would run as a formula (starting with = + - @ tab CR) is prefixed with `'`,
and so is a cell that already starts with `'`; import removes exactly one such prefix, so every
value comes back as it was. Export has SQLite write each whole line, shaped and quoted exactly as
`csv.writer` would (a property test holds it to that), because per-value Python doubled its time.

Export is all or nothing too: every file is written beside its final name first, and only when
all eight are complete on disk do they take their names. On any failure (a full disk) the export
removes what it wrote and any folder it made. It makes private (0700, 0600) only the folders and
files it creates: an existing folder such as ~/Desktop or a shared 1777 one keeps its mode.

Import reads and checks every row of every file before it writes anything, and then writes all
rows in the caller's one transaction: a bad row means nothing is imported, and the error names
the file, line and field. Record ids are kept where they are free in the journal (so a fresh
journal gets the same ids back) and renumbered otherwise, with references following.
"""

from __future__ import annotations

import codecs
import csv
import errno
import io
import os
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Boolean, ColumnElement, Date, Enum, Integer, Table, func, insert, select
from sqlalchemy.orm import Session

from relationjournal.core import fields
from relationjournal.core.channels import MAX_NAME as MAX_CHANNEL_NAME
from relationjournal.core.errors import CsvImportError, DiskFull, InvalidInput, JournalError, ReadOnly
from relationjournal.core.locations import PRIVATE_DIR_MODE
from relationjournal.core.models import CustomChannel as CustomChannelRow
from relationjournal.core.models import (
    Handle,
    Interaction,
    Note,
    Person,
    PersonDate,
    ProgrammeMembership,
    Reminder,
    Tag,
    UtcDateTime,
    person_tag,
    table_of,
)
from relationjournal.core.progress import Progress, no_progress
from relationjournal.core.vocabulary import (
    TONE_WORDS,
    Channel,
    Context,
    Direction,
    Platform,
    ReminderKind,
    ReminderState,
    Status,
    Tone,
    channel_named,
    name_key,
    tone_named,
    tone_words,
)

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "'")
MAX_PROBLEMS = 50
BATCH = 5_000
ID_CHUNK = 500  # ids in one "id IN (…)" question (SQLite allows 32,766 variables a statement)
# The longest cell import reads: the longest text a journal holds, plus a formula prefix. (Python's
# csv module stops at 128 KB by default, and the app keeps notes of millions of characters.)
FIELD_LIMIT = fields.MAX_TEXT + 1


_FORMULA_FIRST = frozenset(FORMULA_START)


def neutralise(value: str) -> str:
    """Keep spreadsheets from running a cell as a formula (undone by `restore`)."""
    return "'" + value if value and value[0] in _FORMULA_FIRST else value


def restore(value: str) -> str:
    return value[1:] if value.startswith("'") and value[1:].startswith(FORMULA_START) else value


# Column codecs: how one value becomes text and back ----------------------------------------------
@dataclass(frozen=True)
class Column:
    name: str
    write: Callable[[Any], str]
    read: Callable[[str, str], Any]  # (text, column name) -> value; raises InvalidInput
    required: bool = False


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _read_text(text: str, name: str) -> str:
    return fields.clean_text(text, name)


def _read_int(text: str, name: str) -> int | None:
    if not text.strip():
        return None
    try:
        return int(text)
    except ValueError:
        raise InvalidInput(f"{name}: {text!r} is not a whole number") from None


def _read_id(text: str, name: str) -> int | None:
    value = _read_int(text, name)
    if value is not None and value < 1:
        raise InvalidInput(f"{name}: {value} is not a positive id")
    return value


def _read_required_id(text: str, name: str) -> int:
    value = _read_id(text, name)
    if value is None:
        raise InvalidInput(f"{name}: is empty")
    return value


def _write_bool(value: bool) -> str:
    return "true" if value else "false"


def _write_time(value: datetime | None) -> str:
    return "" if value is None else value.isoformat()


def _read_time(text: str, name: str) -> datetime:
    if not text.strip():
        raise InvalidInput(f"{name}: is empty")
    return fields.iso_datetime(text, name)


def _read_optional_time(text: str, name: str) -> datetime | None:
    return None if not text.strip() else fields.iso_datetime(text, name)


def _read_date(text: str, name: str) -> date:
    return fields.iso_date(text, name)


def _enum(kind: Any) -> Callable[[str, str], Any]:
    return lambda text, name: fields.choice(kind, text, name)


def _read_tone(text: str, name: str) -> Tone | None:
    """A tone by its word ("difficult"), or by the value older exports wrote ("negative"); left
    empty, the default (neutral)."""
    if not text.strip():
        return None
    tone = tone_named(text)
    if tone is None:
        raise InvalidInput(f"{name}: {text!r} is not one of {tone_words()}.")
    return tone


def _text_col(name: str, required: bool = False) -> Column:
    return Column(name, _text, _read_text, required)


def _bool_col(name: str) -> Column:
    return Column(name, _write_bool, fields.flag)


def _optional_flag(text: str, name: str) -> bool | None:
    """true or false; left empty, the default (None here, so that `DEFAULTS` gives it)."""
    return None if not text.strip() else fields.flag(text, name)


def _optional_text(text: str, name: str) -> str | None:
    return _read_text(text, name) or None


def _number_from(low: int, high: int) -> Callable[[str, str], int]:
    def read(text: str, name: str) -> int:
        value = _read_int(text, name)
        if value is None or not low <= value <= high:
            raise InvalidInput(f"{name}: {text!r} is not a whole number from {low} to {high}")
        return value

    return read


def _optional_year(text: str, name: str) -> int | None:
    return None if not text.strip() else _number_from(1, 9999)(text, name)


def _cadence(text: str, name: str) -> int | None:
    return fields.cadence_days(text.strip() or None)


def _read_channel(text: str, name: str) -> Channel | str:
    """A built-in channel by its value or an alias; any other name stays text, to be found among the
    user's channels (the journal's, or channels.csv's) when the rows are written."""
    value = " ".join(fields.clean_text(text, name, max_length=MAX_CHANNEL_NAME).split())
    if not value:
        return ""
    builtin = channel_named(value)
    if builtin is not None:
        return builtin
    if not name_key(value):
        raise InvalidInput(f"{name}: {value!r} is not a channel's name")
    return value


def _read_channel_name(text: str, name: str) -> str:
    return " ".join(fields.clean_text(text, name, max_length=MAX_CHANNEL_NAME).split())


ID = Column("id", _text, _read_id)
# Written as the channel's name: a built-in one's value, or the name of one the user added.
CHANNEL = Column("channel", _text, _read_channel, required=True)
PERSON_ID = Column("person_id", _text, _read_required_id, required=True)
PERSON_NAME = Column("person_name", _text, lambda text, name: None)  # for reading; ignored on import
# Whether a hard event comes back to Today a year later; left empty, it does.
ANNIVERSARY = Column("anniversary", _write_bool, _optional_flag)


@dataclass(frozen=True)
class FileSpec:
    """One CSV file: its name, its columns in order, and the table its rows go into."""

    filename: str
    table: Table
    columns: tuple[Column, ...]

    @property
    def stored(self) -> tuple[Column, ...]:
        """The columns that are table columns (not derived ones like person_name)."""
        return tuple(c for c in self.columns if c.name in self.table.c)


PEOPLE_SCALARS = (
    Column("display_name", _text, lambda t, n: fields.person_name(t, n), required=True),
    _text_col("pronouns"), _text_col("organisation"), _text_col("role"),
    _text_col("how_we_met"), _text_col("why_it_matters"), _text_col("reaches_out"), _text_col("remember"),
    Column("birthday", _text, lambda t, n: fields.optional_date(t, n)), _text_col("source"),
    Column("status", _text, lambda t, n: fields.choice(Status, t or "active", n)),
    Column("cadence_days", _text, _cadence),
    Column("created_at", _write_time, _read_optional_time), Column("updated_at", _write_time, _read_optional_time),
)  # fmt: skip
HANDLE_COLUMNS = tuple(p.value for p in Platform)
PEOPLE = FileSpec(
    "people.csv",
    table_of(Person),
    (ID, PEOPLE_SCALARS[0], Column("tags", _text, _read_text), *(_text_col(h) for h in HANDLE_COLUMNS),
     *PEOPLE_SCALARS[1:]),
)  # fmt: skip
NOTES = FileSpec(
    "notes.csv",
    table_of(Note),
    (ID, PERSON_ID, PERSON_NAME, _text_col("body", required=True), _bool_col("pinned"), _bool_col("hard_event"),
     ANNIVERSARY, Column("created_at", _write_time, _read_optional_time),
     Column("updated_at", _write_time, _read_optional_time)),
)  # fmt: skip
INTERACTIONS = FileSpec(
    "interactions.csv",
    table_of(Interaction),
    (ID, PERSON_ID, PERSON_NAME, Column("occurred_at", _write_time, _read_time, required=True),
     CHANNEL, Column("direction", _text, _enum(Direction)),
     _text_col("summary"), _text_col("body"), Column("tone", lambda tone: TONE_WORDS[tone], _read_tone),
     Column("context", _text, _enum(Context)), _bool_col("hard_event"), ANNIVERSARY, _text_col("reached_out_by"),
     Column("follow_up_on", _text, lambda t, n: fields.optional_date(t, n)),
     Column("created_at", _write_time, _read_optional_time)),
)  # fmt: skip
REMINDERS = FileSpec(
    "reminders.csv",
    table_of(Reminder),
    (ID, Column("person_id", _text, _read_id), PERSON_NAME, Column("kind", _text, _enum(ReminderKind), required=True),
     Column("due_at", _write_time, _read_time, required=True), Column("recurrence_days", _text, _cadence),
     _text_col("text"), Column("state", _text, _enum(ReminderState)),
     Column("snoozed_until", _write_time, _read_optional_time),
     Column("created_at", _write_time, _read_optional_time), Column("occasion", _text, _optional_text)),
)  # fmt: skip
PROGRAMMES = FileSpec(
    "programmes.csv",
    table_of(ProgrammeMembership),
    (ID, PERSON_ID, PERSON_NAME, _text_col("programme", required=True),
     Column("joined_on", _text, _read_date, required=True),
     Column("review_on", _text, lambda t, n: fields.optional_date(t, n)),
     Column("left_on", _text, lambda t, n: fields.optional_date(t, n)), _text_col("notes")),
)  # fmt: skip
TAGS = FileSpec(
    "tags.csv",
    table_of(Tag),
    (Column("name", _text, lambda t, n: fields.tag_name(t), required=True), Column("cadence_days", _text, _cadence)),
)
CHANNELS = FileSpec(
    "channels.csv", table_of(CustomChannelRow), (Column("name", _text, _read_channel_name, required=True),)
)
DATES = FileSpec(
    "dates.csv",
    table_of(PersonDate),
    (ID, PERSON_ID, PERSON_NAME, _text_col("label", required=True),
     Column("month", _text, _number_from(1, 12), required=True),
     Column("day", _text, _number_from(1, 31), required=True), Column("year", _text, _optional_year),
     Column("created_at", _write_time, _read_optional_time)),
)  # fmt: skip
FILES = (PEOPLE, TAGS, CHANNELS, NOTES, INTERACTIONS, REMINDERS, PROGRAMMES, DATES)
BY_NAME = {spec.filename: spec for spec in FILES}
# Enums and blanks: a value left empty in a hand-made file takes the model's default.
DEFAULTS: dict[str, Any] = {
    "direction": Direction.outgoing, "tone": Tone.neutral, "context": Context.personal, "state": ReminderState.open,
    "pinned": False, "hard_event": False, "anniversary": True,
}  # fmt: skip


# Export -------------------------------------------------------------------------------------------
def export_all(session: Session, folder: Path, *, excel: bool = False, progress: Progress = no_progress) -> list[Path]:
    """Write every file into a new dated folder inside `folder` (see `_Export.make_folders`), all or nothing.

    SQLite makes each whole CSV line (see `_export_sql`), so Python only joins lines and writes
    them: 1,000,000 interactions export faster than `csv.writer` over a plain `SELECT *`.
    `progress` hears the rows written after each batch; if it raises (Cancel), nothing is left.
    """
    export = _Export(folder)
    try:
        folder = export.make_folders()
        # The driver's own cursor, inside the session's transaction: one snapshot for every file.
        driver = session.connection().connection.driver_connection
        assert driver is not None  # the session's connection is open
        with closing(driver.cursor()) as cursor:
            total = sum(cursor.execute(f"SELECT count(*) FROM {spec.table.name}").fetchone()[0] for spec in FILES)
            done = 0
            progress(done, total, "rows")
            for spec in FILES:
                cursor.execute(_export_sql(spec))
                with export.staged(folder / spec.filename, encoding="utf-8-sig" if excel else "utf-8") as handle:
                    csv.writer(handle, lineterminator="\r\n").writerow([c.name for c in spec.columns])
                    while lines := cursor.fetchmany(BATCH):
                        handle.write("".join([line for (line,) in lines]))
                        done += len(lines)
                        progress(done, total, "rows")
        return export.commit()
    except BaseException as error:
        left = export.undo()
        if isinstance(error, OSError):
            raise _export_error(error, export.writing or folder, left) from None
        raise


EXPORT_FOLDER = "relationjournal-export-{day}"
MAX_SAME_DAY = 1000


def _dated_folder(chosen: Path, day: date) -> Path:
    """A new, private folder for one export inside `chosen`: `relationjournal-export-2026-11-30`,
    then `-2`, `-3`... on the same day. Made here (never reused), so no export lands over another."""
    base = EXPORT_FOLDER.format(day=day.isoformat())
    for number in range(1, MAX_SAME_DAY + 1):
        path = chosen / (base if number == 1 else f"{base}-{number}")
        try:
            path.mkdir(mode=PRIVATE_DIR_MODE)
        except FileExistsError:
            continue
        if sys.platform != "win32":
            os.chmod(path, PRIVATE_DIR_MODE)  # whatever the umask
        return path
    raise InvalidInput(f"{chosen} already holds {MAX_SAME_DAY} exports from today; choose another folder.")


@dataclass
class _Export:
    """The files and folders one export run makes, so that a failure can take them all back."""

    folder: Path  # the folder the user chose; the files go into a new dated folder inside it
    created_dirs: list[Path] = field(default_factory=list)
    staged_files: list[tuple[Path, Path]] = field(default_factory=list)  # (temp file, final path)
    placed: list[Path] = field(default_factory=list)  # final paths already renamed into place
    replaced_earlier: set[Path] = field(default_factory=set)  # ... over a file of that name
    writing: Path | None = None

    def make_folders(self) -> Path:
        """Create the missing folders of `folder`, private (an existing folder is left as it is, mode
        and all), then the new dated folder this export writes into; returns that one."""
        if self.folder.exists() and not self.folder.is_dir():
            raise InvalidInput(f"{self.folder} is a file, not a folder; nothing was exported.")
        missing = [p for p in (self.folder, *self.folder.parents) if not os.path.lexists(p)]
        for path in reversed(missing):
            self.writing = path
            path.mkdir(mode=PRIVATE_DIR_MODE)
            self.created_dirs.append(path)
            if sys.platform != "win32":
                os.chmod(path, PRIVATE_DIR_MODE)  # whatever the umask
        self.writing = self.folder
        dated = _dated_folder(self.folder, datetime.now().astimezone().date())
        self.created_dirs.append(dated)
        return dated

    @contextmanager
    def staged(self, path: Path, *, encoding: str) -> Iterator[io.TextIOWrapper]:
        """A private (0600) temp file beside `path`, complete on disk when the block ends."""
        self.writing = path
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        self.staged_files.append((Path(name), path))
        with os.fdopen(fd, "w", encoding=encoding, newline="") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())

    def commit(self) -> list[Path]:
        """Give every staged file its name."""
        for temp, path in self.staged_files:
            self.writing = path
            if os.path.lexists(path):
                self.replaced_earlier.add(path)
            os.replace(temp, path)
            self.placed.append(path)
        return [path for _, path in self.staged_files]

    def undo(self) -> str:
        """Remove what this run wrote; returns a sentence on what is left of it (if anything)."""
        kept = []
        for path in [*(temp for temp, _ in self.staged_files), *self.placed]:
            try:
                path.unlink(missing_ok=True)
            except OSError:
                kept.append(path)
        for path in reversed(self.created_dirs):
            try:
                path.rmdir()
            except OSError:
                kept.append(path)
        if kept:
            return f"these could not be removed: {', '.join(map(str, kept))}"
        gone = [p.name for p in self.placed if p in self.replaced_earlier]
        if gone:
            return f"it removed what it had written, and the earlier {', '.join(gone)} it had replaced are gone"
        return "nothing was exported and nothing is left" + (" (nor the folder it made)" if self.created_dirs else "")


def _export_error(error: OSError, path: Path, left: str) -> JournalError:
    """A failed write as one sentence a user can act on, saying what the failure left behind."""
    if error.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return DiskFull(f"The disk is full: the export could not write {path}; {left}. Free some space and try again.")
    if error.errno == errno.EFBIG:
        return DiskFull(f"{path} would be larger than this disk or your file size limit allows; {left}.")
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return ReadOnly(f"Cannot write {path}: permission denied or read-only; {left}.")
    return JournalError(f"Cannot write {path}: {error.strerror or type(error).__name__}; {left}.")


def _export_sql(spec: FileSpec) -> str:
    """The SELECT whose rows are `spec`'s CSV lines: each cell shaped and quoted as `csv.writer` would."""
    table = spec.table.name
    joins, cells = "", []
    for column in spec.columns:
        if column is CHANNEL:  # a built-in value is plain; a name the user typed is quoted as text
            custom = "(SELECT name FROM custom_channel WHERE custom_channel.id = interaction.custom_channel_id)"
            cells.append(f"iif(interaction.channel IS NOT NULL, interaction.channel, {text_cell_sql(custom)})")
        elif column.name in spec.table.c:
            cells.append(_cell_sql(spec.table.c[column.name], f"{table}.{column.name}"))
        elif column is PERSON_NAME:
            joins = f" LEFT JOIN person AS named ON named.id = {table}.person_id"
            cells.append(text_cell_sql("named.display_name"))
        # (Ordered in a subquery rather than `group_concat(… ORDER BY …)`, which needs SQLite 3.44.)
        elif column.name == "tags":
            cells.append(text_cell_sql(
                "(SELECT group_concat(name, ', ') FROM (SELECT tag.name FROM person_tag JOIN tag "
                "ON tag.id = person_tag.tag_id WHERE person_tag.person_id = person.id ORDER BY tag.name))"
            ))  # fmt: skip
        else:  # a handle column: that platform's handles, one per line
            cells.append(text_cell_sql(
                f"(SELECT group_concat(value, char(10)) FROM (SELECT value FROM handle WHERE "
                f"handle.person_id = person.id AND platform = '{Platform(column.name).value}' ORDER BY id))"
            ))  # fmt: skip
    order = "id" if "id" in spec.table.c else "name"
    return f"SELECT {line_sql(cells)} FROM {table}{joins} ORDER BY {table}.{order}"


def line_sql(cells: list[str]) -> str:
    """One CSV line from cells already shaped and quoted: printf's %s writes NULL as an empty cell."""
    return "printf('" + ",".join(["%s"] * len(cells)) + "' || char(13, 10), " + ", ".join(cells) + ")"


def _cell_sql(column: Any, expression: str) -> str:
    """A stored value as a CSV cell: times with an offset, booleans as words, everything else as text."""
    if isinstance(column.type, UtcDateTime):
        # `2026-11-23T05:30:00.000000Z` as `datetime.isoformat()` writes it: `2026-11-23T05:30:00+00:00`.
        return (f"CASE WHEN {expression} LIKE '%.000000Z' THEN substr({expression}, 1, 19) || '+00:00' "
                f"ELSE substr({expression}, 1, 26) || '+00:00' END")  # fmt: skip
    if isinstance(column.type, Boolean):
        return f"CASE WHEN {expression} IS NULL THEN NULL WHEN {expression} THEN 'true' ELSE 'false' END"
    if column.name == "tone":  # written as its word: "difficult", not the stored "negative"
        words = " ".join(f"WHEN '{tone.value}' THEN '{word}'" for tone, word in TONE_WORDS.items())
        return f"CASE {expression} {words} ELSE {expression} END"
    if isinstance(column.type, Integer | Date | Enum):
        return expression  # positive numbers, ISO dates and enum values: nothing to quote or neutralise
    return text_cell_sql(expression)


_FORMULA_CODES = ", ".join(str(ord(c)) for c in FORMULA_START)
_NEEDS_QUOTES = "'*[\",' || char(13, 10) || ']*'"  # a comma, a quote or a line break anywhere


def text_cell_sql(expression: str) -> str:
    """Text as `csv.writer` writes `neutralise(text)`: quoted (quotes doubled) when it holds a
    comma, a quote or a line break. A `'` prefix never changes whether a cell needs quotes.
    """
    prefix = f"iif(unicode({expression}) IN ({_FORMULA_CODES}), char(39), '')"
    quoted = f"'\"' || {prefix} || replace({expression}, '\"', '\"\"') || '\"'"
    return f"iif({expression} GLOB {_NEEDS_QUOTES}, {quoted}, {prefix} || {expression})"


# Import: read and check everything first ------------------------------------------------------
@dataclass
class ImportBatch:
    """Checked rows per file, ready to write. Person references are still the file's ids."""

    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    lines: dict[str, list[int]] = field(default_factory=dict)


def read_import(source: Path) -> ImportBatch:
    """Read a folder of exported files, or a single file, and check every row; raise on any problem."""
    if source.is_dir():
        paths = [source / spec.filename for spec in FILES if (source / spec.filename).exists()]
        if not paths:
            exports = sorted(source.glob(EXPORT_FOLDER.format(day="*")))
            hint = f"; its export is in the folder {exports[-1].name} inside it" if exports else ""
            raise InvalidInput(f"{source} holds none of {', '.join(s.filename for s in FILES)}{hint}.")
    elif source.is_file():
        if source.name not in BY_NAME:
            raise InvalidInput(f"{source.name}: import takes one of {', '.join(BY_NAME)} (or a folder of them).")
        paths = [source]
    else:
        raise InvalidInput(f"{source} does not exist.")

    batch = ImportBatch()
    problems: list[str] = []
    for path in paths:
        _read_file(path, BY_NAME[path.name], batch, problems)
    if problems:
        raise CsvImportError(problems[:MAX_PROBLEMS])
    return batch


def _decode(path: Path) -> str:
    data = path.read_bytes()
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise CsvImportError(
            [f"{path.name}:{line}: the file is not UTF-8 text (save it as 'CSV UTF-8' and try again)"]
        ) from None


@contextmanager
def _long_fields() -> Iterator[None]:
    """Let the csv module read cells as long as the longest text a journal holds, for this read only."""
    previous = csv.field_size_limit(FIELD_LIMIT)
    try:
        yield
    finally:
        csv.field_size_limit(previous)


def _read_file(path: Path, spec: FileSpec, batch: ImportBatch, problems: list[str]) -> None:
    with _long_fields():
        _read_rows(path, spec, batch, problems)


def _read_rows(path: Path, spec: FileSpec, batch: ImportBatch, problems: list[str]) -> None:
    name = path.name
    try:
        reader = csv.reader(io.StringIO(_decode(path), newline=""), strict=True)
        header = next(reader, None)
    except CsvImportError as error:
        problems.extend(error.problems)
        return
    except csv.Error as error:
        problems.append(f"{name}:1: the header row is not valid CSV ({error})")
        return
    if header is None:
        problems.append(f"{name}:1: the file is empty; it needs at least a header row")
        return
    known = {c.name: c for c in spec.columns}
    unknown = [h for h in header if h not in known]
    missing = [c.name for c in spec.columns if c.required and c.name not in header]
    repeated = {h for h in header if header.count(h) > 1}
    for label, items in (("unknown column", unknown), ("missing column", missing), ("repeated column", repeated)):
        problems.extend(f"{name}:1: {label} {item!r}" for item in items)
    if unknown or missing or repeated:
        return

    rows, lines, seen_ids = [], [], set()
    line = 2
    try:
        for cells in reader:
            if cells:  # a blank line between rows is not a record
                row = _read_row(name, line, header, cells, known, problems)
                if row is not None:
                    if row.get("id") is not None:
                        if row["id"] in seen_ids:
                            problems.append(f"{name}:{line}: id: {row['id']} appears more than once")
                        seen_ids.add(row["id"])
                    rows.append(row)
                    lines.append(line)
            line = reader.line_num + 1
            if len(problems) >= MAX_PROBLEMS:
                return
    except csv.Error as error:
        if "field larger than field limit" in str(error):
            problems.append(f"{name}:{reader.line_num}: a cell is longer than {FIELD_LIMIT - 1:,} characters, "
                            "the most a text in the journal can hold")  # fmt: skip
        elif "unexpected end of data" in str(error):
            problems.append(f"{name}:{reader.line_num}: not valid CSV ({error}), as if the file were cut short")
        else:
            problems.append(f"{name}:{reader.line_num}: not valid CSV ({error})")
        return
    batch.rows[name], batch.lines[name] = rows, lines


def _read_row(
    name: str, line: int, header: list[str], cells: list[str], known: dict[str, Column], problems: list[str]
) -> dict[str, Any] | None:
    if len(cells) != len(header):
        problems.append(f"{name}:{line}: has {len(cells)} cells, the header has {len(header)}")
        return None
    row: dict[str, Any] = {}
    ok = True
    for column_name, cell in zip(header, cells, strict=True):
        column = known[column_name]
        try:
            value = column.read(restore(cell), column_name)
        except JournalError as error:
            problems.append(f"{name}:{line}: {str(error).rstrip('.')}")
            ok = False
            continue
        if column.required and (value is None or value == ""):
            problems.append(f"{name}:{line}: {column_name}: is empty")
            ok = False
        row[column_name] = value
    return row if ok else None


# Import: write ----------------------------------------------------------------------------------
def apply_import(session: Session, batch: ImportBatch) -> dict[str, int]:
    """Write a checked batch in the caller's transaction; raise CsvImportError if a reference is unknown."""
    counts: dict[str, int] = {}
    tag_ids = _import_tags(session, batch.rows.get(TAGS.filename, []))
    people, existing_people = _import_people(session, batch.rows.get(PEOPLE.filename, []), tag_ids)
    counts[PEOPLE.filename] = len(batch.rows.get(PEOPLE.filename, []))
    counts[TAGS.filename] = len(batch.rows.get(TAGS.filename, []))
    channel_ids = _import_channels(session, batch.rows.get(CHANNELS.filename, []))
    counts[CHANNELS.filename] = len(batch.rows.get(CHANNELS.filename, []))
    problems: list[str] = []
    for spec in (NOTES, INTERACTIONS, REMINDERS, PROGRAMMES, DATES):
        rows = batch.rows.get(spec.filename, [])
        for row, line in zip(rows, batch.lines.get(spec.filename, []), strict=True):
            if spec is DATES and (trouble := _date_problem(row)):
                problems.append(f"{spec.filename}:{line}: {trouble}")
            if spec is INTERACTIONS and not isinstance(row["channel"], Channel):  # one of the user's channels
                row["custom_channel_id"] = channel_ids.get(name_key(row["channel"]))
                if row["custom_channel_id"] is None:
                    problems.append(f"{spec.filename}:{line}: channel: {row['channel']!r} is not a channel; list it "
                                    "in channels.csv, or add it to the journal first")  # fmt: skip
                row["channel"] = None
            ref = row.get("person_id")
            if ref is None:
                continue
            if ref in people:
                row["person_id"] = people[ref]
            elif ref not in existing_people:
                problems.append(f"{spec.filename}:{line}: person_id: no person {ref} in people.csv or the journal")
        if problems:
            continue
        _insert_keeping_free_ids(session, spec, rows)
        counts[spec.filename] = len(rows)
    if problems:
        raise CsvImportError(problems[:MAX_PROBLEMS])
    return counts


def _date_problem(row: dict[str, Any]) -> str:
    """What is wrong with a dates.csv row's day (30 February, 29 February 2023), or nothing."""
    try:
        date(row["year"] or 2000, row["month"], row["day"])  # no year: a leap year, where 29 February is a day
    except ValueError:
        year = f"-{row['year']}" if row["year"] else ""
        return f"day: {row['day']}-{row['month']}{year} is not a day of the year"
    if not row["label"].strip():
        return "label: is empty"
    return ""


def _import_tags(session: Session, rows: list[dict[str, Any]]) -> dict[str, int]:
    """All tags by case-folded name, creating the ones the batch names, with their cadence."""
    existing = {t.name.casefold(): t for t in session.scalars(select(Tag))}
    for row in rows:
        tag = existing.get(row["name"].casefold())
        if tag is None:
            tag = Tag(name=row["name"])
            session.add(tag)
            existing[row["name"].casefold()] = tag
        tag.cadence_days = row.get("cadence_days")
    session.flush()
    return {key: tag.id for key, tag in existing.items()}


def _import_channels(session: Session, rows: list[dict[str, Any]]) -> dict[str, int]:
    """The user's channels by name key, creating the ones channels.csv names (a built-in name is
    already a channel, and a name the journal has, ignoring case and accents, is that channel)."""
    known = {row.key: row.id for row in session.scalars(select(CustomChannelRow))}
    for row in rows:
        key = name_key(row["name"])
        if key and key not in known and channel_named(row["name"]) is None:
            created = CustomChannelRow(name=row["name"], key=key)
            session.add(created)
            session.flush()
            known[key] = created.id
    return known


def _import_people(
    session: Session, rows: list[dict[str, Any]], tag_ids: dict[str, int]
) -> tuple[dict[int, int], set[int]]:
    """Insert people with their handles and tags; returns file id -> journal id, and every person id
    the journal now holds."""
    mapping: dict[int, int] = {}
    handle_rows, tag_rows = [], []
    taken = set(session.scalars(select(Person.id)))
    for row in rows:
        values = {c.name: row[c.name] for c in PEOPLE.stored if c.name in row and row[c.name] is not None}
        values.setdefault("status", Status.active)
        for column in ("pronouns", "organisation", "role", "how_we_met", "why_it_matters", "reaches_out",
                       "remember", "source"):  # fmt: skip
            values.setdefault(column, "")
        file_id = values.pop("id", None)
        if file_id is not None and file_id not in taken:
            values["id"] = file_id
        new_id = session.execute(insert(Person).values(**values).returning(Person.id)).scalar_one()
        taken.add(new_id)
        if file_id is not None:
            mapping[file_id] = new_id
        for platform in HANDLE_COLUMNS:
            for value in (row.get(platform) or "").split("\n"):
                if value.strip():
                    handle_rows.append({"person_id": new_id, "platform": Platform(platform), "value": value.strip()})
        for tag in _split_tags(row.get("tags") or ""):
            if tag.casefold() not in tag_ids:
                created = Tag(name=tag)
                session.add(created)
                session.flush()
                tag_ids[tag.casefold()] = created.id
            tag_rows.append({"person_id": new_id, "tag_id": tag_ids[tag.casefold()]})
    if handle_rows:
        session.execute(insert(Handle), handle_rows)
    if tag_rows:
        session.execute(insert(person_tag).prefix_with("OR IGNORE"), tag_rows)
    return mapping, taken


def _split_tags(text: str) -> Iterable[str]:
    return (fields.tag_name(part) for part in text.split(",") if part.strip())


def _ids_taken(session: Session, column: ColumnElement[Any], wanted: Iterable[int]) -> set[int]:
    """Which of the ids `wanted` the table already holds.

    Asked for in chunks, and only below the table's highest id, instead of reading every id: on a
    journal of 1,000,000 conversations that was a 30 MB set, whose allocation (in the import's thread,
    holding the GIL) froze the window for 100 ms."""
    highest = session.scalar(select(func.max(column)))
    if highest is None:
        return set()
    candidates = sorted({i for i in wanted if i <= highest})
    taken: set[int] = set()
    for start in range(0, len(candidates), ID_CHUNK):
        taken.update(session.scalars(select(column).where(column.in_(candidates[start : start + ID_CHUNK]))))
    return taken


def _insert_keeping_free_ids(session: Session, spec: FileSpec, rows: list[dict[str, Any]]) -> None:
    """Insert rows keeping each file id the journal does not hold yet (so the ids a CSV shows still name
    the same rows); a taken id, or one the file repeats, gets a new one."""
    taken = _ids_taken(session, spec.table.c.id, (row["id"] for row in rows if row.get("id") is not None))
    stored = [c.name for c in spec.stored]
    prepared = []
    for row in rows:
        values = {name: row[name] for name in stored if name in row and row[name] is not None}
        if row.get("custom_channel_id") is not None:
            values["custom_channel_id"] = row["custom_channel_id"]
        for name, default in DEFAULTS.items():
            if name in spec.table.c:
                values.setdefault(name, default)
        for name in ("summary", "body", "reached_out_by", "text", "notes"):
            if name in spec.table.c:
                values.setdefault(name, "")
        if values.get("id") in taken:
            del values["id"]
        elif "id" in values:
            taken.add(values["id"])
        prepared.append(values)
    with_ids = [v for v in prepared if "id" in v]
    without_ids = [v for v in prepared if "id" not in v]
    for group in (with_ids, without_ids):
        for start in range(0, len(group), BATCH):
            chunk = group[start : start + BATCH]
            _insert_uniform(session, spec.table, chunk)


def _insert_uniform(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """executemany needs rows with the same keys; group them by their key set."""
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(tuple(sorted(row)), []).append(row)
    for group in groups.values():
        session.execute(insert(table), group)
