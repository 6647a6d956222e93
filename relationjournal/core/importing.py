"""The import engine: other platforms' exports (read by `importers/`) matched against the journal and written.

`Journal.import_source(path)` is the service entry; `plan_import` (a dry run: everything is
written inside the transaction and rolled back, so the plan is exactly what the import does) and
`apply_import` are the two halves the app's preview uses. One import is one transaction: a
cancel (raised from `progress`) or any error leaves the journal as it was.

- People join someone already in the journal only on a strong key: the source key of an earlier
  import, a profile handle, an e-mail address or a phone number (compared as `journal.handle_key`
  compares them, from one dictionary of the journal's handles: no person-by-person query). A
  similar name (accents, case, another order) is only ever a suggestion.
- Only empty fields are filled in; what the user wrote is never overwritten.
- Re-import is idempotent: every person, message and conversation day has a row in
  `import_source` (migration 0008), and what is known is skipped.
- New followers: once a platform's followers list was imported, someone in a later list who was
  not in it before gets the source "new follower on X" and the welcome reminder.
- Conversations: one timeline entry per conversation, person and (local) day, its body that
  day's messages in time order ("10:02 Zoë: …"). In a group conversation, each participant who is
  in the journal (or in this import) gets the entry; strangers in groups are not added as people.
  A newer export appends the new messages to that day's entry, or makes a new one.

Rows are written with plain `executemany` in batches, with ids given from the table's largest (the
transaction holds the write lock), so 200,000 messages take about what inserting their rows takes.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from relationjournal.core import fields, wellbeing
from relationjournal.core.errors import InvalidInput
from relationjournal.core.folding import fold
from relationjournal.core.importers import (
    ImportedMessage,
    ImportedOwner,
    ImportedPerson,
    Kind,
    MonthDay,
    Participant,
    Relation,
    Skipped,
    Source,
    open_source,
    read,
)
from relationjournal.core.importers.files import Part
from relationjournal.core.progress import Progress, no_progress
from relationjournal.core.vocabulary import UTC_FORMAT, Channel, Direction, Platform

if TYPE_CHECKING:
    from relationjournal.core.journal import Journal

KINDS = ("auto", *(kind.value for kind in Kind), "journal")  # the CLI's --from
PLATFORM_NAMES = {
    Kind.linkedin: "LinkedIn",
    Kind.x: "X",
    Kind.instagram: "Instagram",
    Kind.facebook: "Facebook",
    Kind.google: "Google Contacts",
    Kind.vcard: "vCard",
}
FOLLOWER_PARTS = {
    Part.x_follower: Kind.x,
    Part.instagram_followers: Kind.instagram,
    Part.facebook_followers: Kind.facebook,
}
PREVIEW_ROWS = 20
MAX_SUGGESTIONS = 200
BATCH = 5000  # records between two writes of the rows gathered
SUMMARY_LENGTH = 80
FILLED_LABELS = {
    "organisation": "organisation",
    "role": "role",
    "birthday": "birthday",
    "how_we_met": "how we met",
    "remember": "things to remember",
}


# What an import did (or, dry, would do) -----------------------------------------------------------
@dataclass(frozen=True)
class OwnerChoice:
    """Whose export it is, for the direction of messages: `certain` False when it was guessed."""

    kind: str
    key: str
    name: str
    certain: bool
    candidates: tuple[tuple[str, str], ...] = ()  # (key, name) of who else it may be, most conversations first


@dataclass(frozen=True)
class Suggestion:
    """An imported person whose name is like someone's already there: never joined, only suggested."""

    imported: str
    imported_id: int | None  # None in a dry run (the person is not written)
    existing: str
    existing_id: int
    reason: str


@dataclass(frozen=True)
class PreviewRow:
    """One of the first records, as the preview shows it."""

    what: str  # "person" or "conversation"
    name: str
    detail: str
    outcome: str  # "new", "matched by e-mail", "already imported", "added", …


@dataclass(frozen=True)
class ImportSummary:
    """What an import did, or (dry run) would do."""

    source: str  # the file or folder's name
    kinds: tuple[str, ...]
    dry_run: bool
    records: int = 0
    people_new: int = 0
    people_matched: int = 0
    matched_by: dict[str, int] = field(default_factory=dict)  # "e-mail": 3, "LinkedIn profile": 1
    people_already_imported: int = 0
    fields_filled: dict[str, int] = field(default_factory=dict)  # "organisation": 2
    handles_added: int = 0
    notes_added: int = 0
    conversations_added: int = 0
    conversations_extended: int = 0  # entries of a day that got newer messages
    messages_added: int = 0
    messages_already_imported: int = 0
    new_followers: int = 0
    welcome_reminders: int = 0
    no_longer_following: int = 0
    tagged: int = 0
    skipped: dict[str, dict[str, int]] = field(default_factory=dict)  # kind → reason → count
    skipped_where: dict[str, str] = field(default_factory=dict)  # "kind: reason" → the first place it happened
    suggestions: tuple[Suggestion, ...] = ()
    suggestions_total: int = 0
    owners: tuple[OwnerChoice, ...] = ()
    preview: tuple[PreviewRow, ...] = ()
    journal_rows: dict[str, int] = field(default_factory=dict)  # the journal's own CSV format: rows by file
    people_with_conversations: tuple[int, ...] = field(default=(), repr=False)

    @property
    def skipped_total(self) -> int:
        return sum(sum(reasons.values()) for reasons in self.skipped.values())

    @property
    def changed_nothing(self) -> bool:
        return not (
            self.people_new
            or self.people_matched
            or self.conversations_added
            or self.conversations_extended
            or self.journal_rows
            or self.tagged
            or self.notes_added
            or self.handles_added
        )

    def as_json(self) -> dict[str, Any]:
        """The summary as `--format json` prints it."""
        return {
            "source": self.source,
            "kinds": list(self.kinds),
            "dry_run": self.dry_run,
            "records": self.records,
            "people_new": self.people_new,
            "people_matched": self.people_matched,
            "matched_by": self.matched_by,
            "people_already_imported": self.people_already_imported,
            "fields_filled": self.fields_filled,
            "handles_added": self.handles_added,
            "notes_added": self.notes_added,
            "conversations_added": self.conversations_added,
            "conversations_extended": self.conversations_extended,
            "messages_added": self.messages_added,
            "messages_already_imported": self.messages_already_imported,
            "new_followers": self.new_followers,
            "welcome_reminders": self.welcome_reminders,
            "no_longer_following": self.no_longer_following,
            "tagged": self.tagged,
            "skipped": self.skipped,
            "skipped_where": self.skipped_where,
            "suggested_duplicates": [
                {
                    "imported": s.imported,
                    "imported_id": s.imported_id,
                    "existing": s.existing,
                    "existing_id": s.existing_id,
                    "reason": s.reason,
                }
                for s in self.suggestions
            ],
            "suggested_duplicates_total": self.suggestions_total,
            "owners": [
                {
                    "kind": o.kind,
                    "key": o.key,
                    "name": o.name,
                    "certain": o.certain,
                    "candidates": [{"key": k, "name": n} for k, n in o.candidates],
                }
                for o in self.owners
            ],
            "preview": [
                {"what": r.what, "name": r.name, "detail": r.detail, "outcome": r.outcome} for r in self.preview
            ],
            "journal_rows": self.journal_rows,
        }

    def lines(self) -> list[str]:
        """The summary in words, for the command line and the app's preview."""
        if self.journal_rows:
            rows = ", ".join(f"{n:,} from {name}" for name, n in self.journal_rows.items() if n) or "no rows"
            return [f"Relation Journal CSV: {rows}."] + (["Dry run: nothing was changed."] if self.dry_run else [])
        out = [f"Found: {', '.join(PLATFORM_NAMES.get(Kind(k), k) for k in self.kinds)} ({self.records:,} records)."]
        matched = f" ({_counts(self.matched_by)})" if self.matched_by else ""
        out.append(
            f"People new: {self.people_new:,}; matched to someone in your journal: {self.people_matched:,}"
            f"{matched}; already imported before: {self.people_already_imported:,}."
        )
        if self.fields_filled:
            out.append(f"Empty fields filled in: {_counts(self.fields_filled)}.")
        if self.handles_added or self.notes_added:
            out.append(f"Handles added: {self.handles_added:,}; notes added: {self.notes_added:,}.")
        out.append(
            f"Conversations added: {self.conversations_added:,} ({self.messages_added:,} messages)"
            + (f"; {self.conversations_extended:,} extended with newer messages" if self.conversations_extended else "")
            + (
                f"; {self.messages_already_imported:,} messages already imported"
                if self.messages_already_imported
                else ""
            )
            + "."
        )
        if self.new_followers or self.no_longer_following:
            out.append(
                f"New followers: {self.new_followers:,} (a welcome reminder each: {self.welcome_reminders:,})"
                f"; no longer following you: {self.no_longer_following:,}."
            )
        if self.tagged:
            out.append(f"Tagged: {self.tagged:,} people.")
        if self.skipped:
            out.append(f"Skipped: {self.skipped_total:,}.")
            for kind, reasons in self.skipped.items():
                for reason, count in reasons.items():
                    where = self.skipped_where.get(f"{kind}: {reason}", "")
                    out.append(f"  {kind}: {reason}: {count:,}" + (f" (first at {where})" if where else ""))
        if self.suggestions_total:
            out.append(f"Suggested duplicates (similar names, not joined): {self.suggestions_total:,}.")
            for s in self.suggestions[:20]:
                out.append(f"  {s.imported} may be {s.existing} (#{s.existing_id}): {s.reason}")
        for owner in self.owners:
            sure = "" if owner.certain else " (a guess: the one in every conversation; check it)"
            out.append(f"You in the {PLATFORM_NAMES.get(Kind(owner.kind), owner.kind)} messages: {owner.name}{sure}.")
        if self.dry_run:
            out.append("Dry run: nothing was changed.")
        return out


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{name} {n:,}" for name, n in counts.items())


# Entry points ---------------------------------------------------------------------------------------
def plan_import(
    journal: Journal,
    path: Path | str,
    *,
    kind: str = "auto",
    tag: str | None = None,
    owners: dict[str, str] | None = None,
    progress: Progress = no_progress,
) -> ImportSummary:
    """What importing `path` would do: the same work as `apply_import`, rolled back."""
    return journal.import_source(path, kind=kind, dry_run=True, tag=tag, owners=owners, progress=progress)


def apply_import(
    journal: Journal,
    path: Path | str,
    *,
    kind: str = "auto",
    tag: str | None = None,
    owners: dict[str, str] | None = None,
    expected: int = 0,
    progress: Progress = no_progress,
) -> ImportSummary:
    """Import `path` in one transaction (Cancel from `progress` or any error: nothing written)."""
    return journal.import_source(path, kind=kind, tag=tag, owners=owners, expected=expected, progress=progress)


def is_journal_export(path: Path) -> bool:
    """The journal's own CSV export (a folder holding people.csv …, or one of its files)?"""
    from relationjournal.core import csvio

    if path.is_dir():
        return any((path / spec.filename).exists() for spec in csvio.FILES)
    return path.is_file() and path.name in csvio.BY_NAME


def open_export(path: Path, kind: str) -> Source:
    """The export at `path`, only its files of `kind` unless "auto"."""
    if kind not in KINDS or kind == "journal":
        raise InvalidInput(f"import: --from {kind!r} is not one of {', '.join(KINDS)}.")
    source = open_source(path)
    if kind == "auto":
        return source
    try:
        return source.only(Kind(kind))
    except BaseException:
        source.close()
        raise


# The engine -----------------------------------------------------------------------------------------
@dataclass
class _Pending:
    """One person's entry for one conversation's day, being gathered."""

    key: str
    person_id: int
    channel: Channel
    context: str
    title: str
    messages: list[tuple[datetime, bool, str, str, str, str]] = field(default_factory=list)
    # (when, outgoing, speaker, text, subject, message key)


INSERTS = {
    "person": "INSERT INTO person (id, display_name, pronouns, organisation, role, how_we_met, why_it_matters, "
    "reaches_out, remember, birthday, source, status, cadence_days, business_paused_until, last_contact_at, "
    "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    "handle": "INSERT INTO handle (id, person_id, platform, value) VALUES (?, ?, ?, ?)",
    "note": "INSERT INTO note (id, person_id, body, pinned, hard_event, created_at, updated_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?)",
    "person_tag": "INSERT OR IGNORE INTO person_tag (person_id, tag_id) VALUES (?, ?)",
    "interaction": "INSERT INTO interaction (id, person_id, occurred_at, channel, custom_channel_id, direction, "
    "summary, body, tone, context, hard_event, reached_out_by, follow_up_on, created_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    "import_source": "INSERT INTO import_source (id, source_key, kind, person_id, interaction_id, platform, "
    "first_seen, last_seen, relations) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
}


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime(UTC_FORMAT)


def _short(text: str, width: int = SUMMARY_LENGTH) -> str:
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return first if len(first) <= width else first[: width - 1] + "…"


def _name_key(name: str) -> tuple[str, ...]:
    from relationjournal.core.journal import name_words

    return tuple(sorted(name_words(name)))


class Engine:
    """One import inside the caller's write transaction. `run()` returns the summary."""

    def __init__(
        self,
        session: Session,
        source: Source,
        *,
        rules: wellbeing.Rules,
        now: datetime,
        tag: str | None,
        owners: dict[str, str],
        dry_run: bool,
        expected: int,
        progress: Progress,
    ):
        from relationjournal.core.journal import handle_key, strong_handle_label

        self._handle_key: Callable[[Platform | str, str], tuple[str, str]] = handle_key
        self._strong_label = strong_handle_label
        self.session, self.source, self.rules, self.now = session, source, rules, now
        self.stamp = _utc(now)
        self.tag_name = fields.tag_name(tag) if tag else None
        self.owner_override = dict(owners)
        self.dry_run, self.expected, self.progress = dry_run, expected, progress
        self.connection: Connection = session.connection()
        self.counts: Counter[str] = Counter()
        self.matched_by: Counter[str] = Counter()
        self.filled: Counter[str] = Counter()
        self.skipped: dict[str, Counter[str]] = defaultdict(Counter)
        self.skipped_where: dict[str, str] = {}
        self.suggestions: list[Suggestion] = []
        self.preview: list[PreviewRow] = []
        self.conversation_previews = 0
        self.owners: dict[Kind, ImportedOwner] = {}
        self.candidates: dict[Kind, Counter[str]] = defaultdict(Counter)
        self.candidate_names: dict[str, str] = {}
        self.candidate_seen: set[str] = set()  # participants of the conversation being read
        self.last_conversation = ""
        # Rows to write, in an order foreign keys accept.
        self.rows: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
        self.body_updates: list[tuple[Any, ...]] = []
        self.welcome: list[tuple[int, str]] = []
        self.with_conversations: set[int] = set()
        self.tagged: set[tuple[int, int]] = set()
        self.new_keys: dict[str, tuple[int, str]] = {}  # source key → (person id, platform), written at the end

    # Loading what the journal holds: a few queries, one dictionary each ---------------------------------
    def _load(self) -> None:
        sql = self.connection.exec_driver_sql
        self.next_id = {
            table: (sql(f"SELECT coalesce(max(id), 0) FROM {table}").scalar() or 0) + 1
            for table in ("person", "handle", "note", "interaction", "import_source", "reminder")
        }
        self.handles: dict[tuple[str, str], int] = {}
        self.held: dict[int, set[tuple[str, str]]] = defaultdict(set)  # each person's handles, as compared
        for person_id, platform, value in sql("SELECT person_id, platform, value FROM handle ORDER BY person_id"):
            key = self._handle_key(platform, value)
            self.handles.setdefault(key, person_id)
            self.held[person_id].add(key)
        # The fields an import may fill in, for everyone (10,000 short rows): no query per person matched.
        self.fillable: dict[int, list[str]] = {
            row[0]: [value or "" for value in row[1:]]
            for row in sql("SELECT id, organisation, role, birthday, how_we_met, remember FROM person")
        }
        self.names: dict[tuple[str, ...], list[tuple[int, str]]] = defaultdict(list)
        for person_id, name in sql("SELECT id, display_name FROM person"):
            words = _name_key(name)
            if words:
                self.names[words].append((person_id, name))
        platforms = tuple(kind.value for kind in self.source.kinds)
        marks = ", ".join("?" * len(platforms))
        self.known_people: dict[str, tuple[int, str]] = {}
        self.known_days: dict[str, int | None] = {}
        self.known_messages: set[str] = set()
        self.had_followers: set[str] = set()
        rows = sql(
            f"SELECT kind, source_key, person_id, interaction_id, relations, platform FROM import_source "
            f"WHERE platform IN ({marks})",
            platforms,
        )
        for kind, key, person_id, interaction_id, relations, platform in rows:
            if kind == "person" and person_id is not None:
                self.known_people[key] = (person_id, relations)
            elif kind == "message":
                self.known_messages.add(key)
            elif kind == "conversation_day":
                self.known_days[key] = interaction_id
            elif kind == "list":
                self.had_followers.add(platform)
        self.previous_followers = {
            key for key, (_, relations) in self.known_people.items() if "follower" in relations.split(",")
        }
        self.follower_lists = {FOLLOWER_PARTS[f.part].value for f in self.source.files if f.part in FOLLOWER_PARTS}
        self.this_run: dict[str, int] = {}  # source key → person id, for everyone met in this import
        self.relations_now: dict[str, set[str]] = defaultdict(set)
        self.days_this_run: dict[str, int] = {}
        self.messages_this_run: set[str] = set()
        self.tag_ids: dict[str, int] = {}

    # The stream -------------------------------------------------------------------------------------------
    def run(self) -> ImportSummary:
        self._load()
        return self._run()

    def _sync(self) -> None:
        """Write everything gathered (before this engine reads or writes the connection itself)."""
        self._write()

    def _run(self) -> ImportSummary:  # (one pass over the records; see `run`)
        pending: dict[str, _Pending] = {}
        conversation = ""
        done = 0
        for record in read(self.source):
            done += 1
            if done % 1000 == 0:
                self.progress(done, max(self.expected, done), "records")
            if isinstance(record, ImportedMessage):
                if record.conversation_key != conversation:
                    self._close_days(pending)
                    conversation = record.conversation_key
                self._message(record, pending)
            elif isinstance(record, ImportedPerson):
                self._person(record)
            elif isinstance(record, ImportedOwner):
                self.owners[record.kind] = record
            elif isinstance(record, Skipped):
                self._skip(record.kind, record.reason, record.where)
            if done % BATCH == 0:
                self._write()
        self._close_days(pending)
        self._finish_followers()
        self._sync()
        self._welcome()
        self.progress(done, max(self.expected, done), "records")
        return self._summary(done)

    def _skip(self, kind: str, reason: str, where: str) -> None:
        self.skipped[kind][reason] += 1
        self.skipped_where.setdefault(f"{kind}: {reason}", where)

    # People -----------------------------------------------------------------------------------------
    def _person(self, record: ImportedPerson) -> int:
        key, platform = record.source_key, record.kind.value
        self.relations_now[key].add(record.relation.value)
        if key in self.this_run:
            return self.this_run[key]
        follower = record.relation is Relation.follower
        new_follower = follower and platform in self.had_followers and key not in self.previous_followers
        known = self.known_people.get(key)
        if known is not None:
            person_id = known[0]
            self.counts["already"] += 1
            self._preview("person", record.name, record.where, "already imported")
        else:
            match = self._match(record)
            if match is not None:
                person_id, why = match
                self.counts["matched"] += 1
                self.matched_by[why] += 1
                self._fill(person_id, record)
                self._preview("person", record.name, record.where, f"matched by {why}")
            else:
                person_id = self._new_person(record, new_follower)
                self._preview("person", record.name, record.where, "new follower" if new_follower else "new")
            self.new_keys[key] = (person_id, platform)
        if new_follower:
            self.counts["new_followers"] += 1
            self.welcome.append((person_id, record.name))
        self.this_run[key] = person_id
        if self.tag_name:
            self._tag(person_id, self.tag_name)
        return person_id

    def _keys(self, record: ImportedPerson) -> list[tuple[Platform, str]]:
        keys = list(record.handles)
        keys += [(Platform.email, e) for e in record.emails] + [(Platform.phone, p) for p in record.phones]
        for url in record.urls:
            keys.append((Platform.x if "x.com/i/user/" in url else Platform.website, url))
        return keys

    def _usable(self, platform: Platform, key: tuple[str, str]) -> bool:
        return len(key[1]) >= (6 if platform is Platform.phone else 2)

    def _match(self, record: ImportedPerson) -> tuple[int, str] | None:
        for platform, value in self._keys(record):
            key = self._handle_key(platform, value)
            label = self._strong_label(platform)
            if label and self._usable(platform, key) and key in self.handles:
                return self.handles[key], label
        return None

    def _new_person(self, record: ImportedPerson, new_follower: bool) -> int:
        person_id = self._id("person")
        name = fields.person_name(" ".join(record.name.split())[: fields.MAX_NAME] or "Unnamed", "name")
        where = PLATFORM_NAMES[record.kind]
        source = f"new follower on {where}" if new_follower else f"imported from {where}"
        birthday = record.birthday.isoformat() if isinstance(record.birthday, date) else None
        remember = _month_day(record.birthday) if isinstance(record.birthday, MonthDay) else ""
        self.rows["person"].append(
            (
                person_id,
                name,
                "",
                record.organisation,
                record.role,
                _how_we_met(record),
                "",
                "",
                remember,
                birthday,
                source,
                "active",
                None,
                None,
                None,
                self.stamp,
                self.stamp,
            )
        )
        self.counts["new"] += 1
        self.fillable[person_id] = [record.organisation, record.role, birthday or "", _how_we_met(record), remember]
        self._add_handles(person_id, record, self.held[person_id])
        if record.notes.strip():
            self._add_note(person_id, record)
        for label in record.labels:
            try:
                self._tag(person_id, fields.tag_name(label))
            except InvalidInput:
                continue
        if record.name_is_real:
            words = _name_key(name)
            if words:
                for other_id, other in self.names.get(words, ()):
                    self.counts["suggestions"] += 1
                    if len(self.suggestions) < MAX_SUGGESTIONS:
                        self.suggestions.append(
                            Suggestion(
                                name, None if self.dry_run else person_id, other, other_id, _name_reason(name, other)
                            )
                        )
                self.names[words].append((person_id, name))
        return person_id

    def _add_handles(self, person_id: int, record: ImportedPerson, held: set[tuple[str, str]]) -> None:
        for platform, value in self._keys(record):
            key = self._handle_key(platform, value)
            if key in held or not value.strip() or "\n" in value:
                continue
            held.add(key)
            if self._strong_label(platform) and self._usable(platform, key):
                if self.handles.get(key, person_id) != person_id:
                    continue  # someone else's already: not given to two people
                self.handles[key] = person_id
            self.rows["handle"].append((self._id("handle"), person_id, platform.value, value.strip()[:2000]))
            self.counts["handles"] += 1

    def _add_note(self, person_id: int, record: ImportedPerson) -> None:
        body = f"From {PLATFORM_NAMES[record.kind]}:\n\n{record.notes.strip()}"
        self.rows["note"].append((self._id("note"), person_id, body, 0, 0, self.stamp, self.stamp))
        self.counts["notes"] += 1

    def _fill(self, person_id: int, record: ImportedPerson) -> None:
        """Fill the person's empty fields from the record; never change one the user wrote."""
        current = self.fillable.get(person_id)
        offered = {
            "organisation": record.organisation,
            "role": record.role,
            "birthday": record.birthday.isoformat() if isinstance(record.birthday, date) else "",
            "how_we_met": _how_we_met(record),
            "remember": _month_day(record.birthday) if isinstance(record.birthday, MonthDay) else "",
        }
        values: dict[str, str] = {}
        for index, (name, value) in enumerate(offered.items()):
            if value and current is not None and not current[index].strip():
                values[name] = current[index] = value
        if values:
            assignments = ", ".join(f"{name} = ?" for name in values)
            statement = f"UPDATE person SET {assignments}, updated_at = ? WHERE id = ?"
            self.rows[statement].append((*values.values(), self.stamp, person_id))
            for name in values:
                self.filled[FILLED_LABELS[name]] += 1
        self._add_handles(person_id, record, self.held[person_id])
        if record.notes.strip():
            self._add_note(person_id, record)

    def _tag(self, person_id: int, name: str) -> None:
        folded = name.casefold()
        tag_id = self.tag_ids.get(folded)
        if tag_id is None:
            self._sync()  # the connection is this thread's for a moment
            found = self.connection.exec_driver_sql("SELECT id FROM tag WHERE name = ?", (name,)).scalar()
            if found is None:
                found = self.connection.exec_driver_sql("INSERT INTO tag (name) VALUES (?)", (name,)).lastrowid
            tag_id = self.tag_ids[folded] = int(found)
        if (person_id, tag_id) not in self.tagged:
            self.tagged.add((person_id, tag_id))
            self.rows["person_tag"].append((person_id, tag_id))

    # Messages ------------------------------------------------------------------------------------------
    def _owner_key(self, kind: Kind) -> str | None:
        if kind.value in self.owner_override:
            return self.owner_override[kind.value]
        owner = self.owners.get(kind)
        return owner.key if owner is not None else None

    def _message(self, message: ImportedMessage, pending: dict[str, _Pending]) -> None:
        everyone = [message.sender, *message.recipients]
        if message.conversation_key != self.last_conversation:  # who may be the owner: counted per conversation
            self.last_conversation = message.conversation_key
            self.candidate_seen.clear()
        for participant in everyone:
            if participant.key not in self.candidate_seen:
                self.candidate_seen.add(participant.key)
                self.candidates[message.kind][participant.key] += 1
                if participant.name:
                    self.candidate_names.setdefault(participant.key, participant.name)
        key = message.source_key
        if key in self.known_messages or key in self.messages_this_run:
            self.counts["messages_known"] += 1
            return
        owner = self._owner_key(message.kind)
        if owner is None and message.owner_is_sender is None:
            self._skip(
                "message", "who you are in these messages is not known (choose yourself in the preview)", message.where
            )
            return
        outgoing = message.sender.key == owner if owner is not None else bool(message.owner_is_sender)
        others: dict[str, Participant] = {}
        for participant in everyone:
            if participant.key != owner and participant.key not in others:
                if owner is None and (participant is message.sender) == bool(message.owner_is_sender):
                    continue  # the owner, known only by the reader's owner_is_sender
                others[participant.key] = participant
        if not others:
            self._skip("message", "a message to yourself", message.where)
            return
        group = len(others) > 1
        targets = [
            (p, person_id)
            for p in others.values()
            if (person_id := self._participant(p, message, create=not group)) is not None
        ]
        if not targets:
            self._skip("message", "a group conversation with no one in your journal", message.where)
            return
        self.messages_this_run.add(key)
        local = message.when.astimezone(self.rules.zone)
        day = local.date().isoformat()
        speaker = (
            "Me"
            if outgoing
            else (message.sender.name.split()[0] if message.sender.name.strip() else _x_name(message.sender.key))
        )
        context = "business" if message.kind is Kind.linkedin else "personal"
        for index, (participant, person_id) in enumerate(targets):
            day_key = f"{message.conversation_key}|{participant.key}|{day}"
            entry = pending.get(day_key)
            if entry is None:
                entry = pending[day_key] = _Pending(day_key, person_id, message.channel, context, message.title)
            # The message's own key rides with its first entry only: one row for it, whatever the group's size.
            entry.messages.append((local, outgoing, speaker, message.text, message.subject, key if index == 0 else ""))
        self.counts["messages"] += 1

    def _participant(self, participant: Participant, message: ImportedMessage, *, create: bool) -> int | None:
        """The person id of someone in a conversation: met in this import, imported before, or matched on
        their profile address; else (one-to-one conversations only) added as a new person."""
        key = participant.key
        if key in self.this_run:
            return self.this_run[key]
        if key in self.known_people:
            return self._person(self._correspondent(participant, message))
        record = self._correspondent(participant, message)
        if self._match(record) is None and not create:
            return None
        return self._person(record)

    def _correspondent(self, participant: Participant, message: ImportedMessage) -> ImportedPerson:
        name = participant.name.strip()
        handles: tuple[tuple[Platform, str], ...] = ()
        urls: tuple[str, ...] = ()
        if participant.url and message.kind is Kind.linkedin:
            handles = ((Platform.linkedin, participant.url),)
        elif participant.url:
            urls = (participant.url,)
        return ImportedPerson(
            source_key=participant.key,
            kind=message.kind,
            relation=Relation.correspondent,
            name=name or _x_name(participant.key),
            where=message.where,
            name_is_real=bool(name),
            handles=handles,
            urls=urls,
        )

    def _close_days(self, pending: dict[str, _Pending]) -> None:
        """Write the gathered days of a conversation: a new entry each, or newer lines on an earlier one."""
        for entry in pending.values():
            entry.messages.sort(key=lambda m: m[0])
            body = "\n".join(
                f"{when.hour:02d}:{when.minute:02d} {speaker}: {text}"
                for when, _out, speaker, text, _subject, _key in entry.messages
            )
            interaction_id = self.days_this_run.get(entry.key) or self.known_days.get(entry.key)
            if entry.key in self.known_days and interaction_id is None:
                for _message in entry.messages:
                    self._skip("message", "its day's conversation was deleted from your journal", entry.key)
                continue
            if interaction_id is not None:
                self.body_updates.append(("\n" + body, interaction_id))
                if entry.key not in self.days_this_run:
                    self.counts["extended"] += 1
            else:
                interaction_id = self._id("interaction")
                first = entry.messages[0]
                summary = _short(first[4] or first[3])
                if entry.title:
                    summary = _short(f"{entry.title}: {summary}")
                direction = Direction.outgoing if first[1] else Direction.incoming
                self.rows["interaction"].append(
                    (
                        interaction_id,
                        entry.person_id,
                        _utc(first[0]),
                        entry.channel.value,
                        None,
                        direction.value,
                        summary,
                        body,
                        "neutral",
                        entry.context,
                        0,
                        "",
                        None,
                        self.stamp,
                    )
                )
                self.rows["import_source"].append(
                    (
                        self._id("import_source"),
                        entry.key,
                        "conversation_day",
                        entry.person_id,
                        interaction_id,
                        entry.channel.value,
                        self.stamp,
                        self.stamp,
                        "",
                    )
                )
                self.days_this_run[entry.key] = interaction_id
                self.counts["conversations"] += 1
                if self.conversation_previews < PREVIEW_ROWS // 2:
                    self.conversation_previews += 1
                    self.preview.append(
                        PreviewRow(
                            "conversation",
                            summary,
                            first[0].astimezone(self.rules.zone).strftime("%Y-%m-%d"),
                            f"{len(entry.messages)} message" + ("s" if len(entry.messages) != 1 else ""),
                        )
                    )
            self.with_conversations.add(entry.person_id)
            for _when, _out, _speaker, _text, _subject, message_key in entry.messages:
                if message_key:
                    self.rows["import_source"].append(
                        (
                            self._id("import_source"),
                            message_key,
                            "message",
                            entry.person_id,
                            interaction_id,
                            entry.channel.value,
                            self.stamp,
                            self.stamp,
                            "",
                        )
                    )
        pending.clear()

    # Followers, writing, welcomes -------------------------------------------------------------------------
    def _finish_followers(self) -> None:
        """The person rows of this import with every relation seen; an earlier import's, updated where they
        changed (a follower who is no longer in the new list is no longer a follower)."""
        for key, (person_id, platform) in self.new_keys.items():
            relations = ",".join(sorted(self.relations_now[key]))
            row: tuple[Any, ...] = (
                self._id("import_source"),
                key,
                "person",
                person_id,
                None,
                platform,
                self.stamp,
                self.stamp,
                relations,
            )
            self.rows["import_source"].append(row)
        updates = []
        for key, (_person_id, relations) in self.known_people.items():
            before = set(relations.split(",")) - {""}
            now = before | self.relations_now.get(key, set())
            platform = key.split(":", 1)[0]
            if (
                platform in self.follower_lists
                and "follower" in before
                and "follower" not in self.relations_now.get(key, set())
            ):
                self.counts["unfollowed"] += 1
                now.discard("follower")
            if now != before or key in self.relations_now:
                updates.append((",".join(sorted(now)), self.stamp, key))
        if updates:
            self.rows["UPDATE import_source SET relations = ?, last_seen = ? WHERE source_key = ?"] = updates
        for platform in self.follower_lists:
            if platform not in self.had_followers:
                row = (
                    self._id("import_source"),
                    f"{platform}:list:follower",
                    "list",
                    None,
                    None,
                    platform,
                    self.stamp,
                    self.stamp,
                    "follower",
                )
                self.rows["import_source"].append(row)

    def _write(self) -> None:
        """Write the rows gathered with one executemany a statement, inserts first (in an order foreign keys
        accept). (A writer thread was tried: SQLite's per-row handing back of the GIL made it no faster.)"""
        job = [(INSERTS[table], self.rows.pop(table)) for table in INSERTS if self.rows.get(table)]
        job += [(statement, self.rows.pop(statement)) for statement in list(self.rows) if self.rows[statement]]
        if self.body_updates:
            job.append(("UPDATE interaction SET body = body || ? WHERE id = ?", self.body_updates))
            self.body_updates = []
        self.rows.clear()
        for statement, rows in job:
            self.connection.exec_driver_sql(statement, rows)

    def _welcome(self) -> None:
        from relationjournal.core.models import Person

        for person_id, name in self.welcome:
            made = wellbeing.on_person_added(
                self.session, Person(id=person_id, display_name=name, source="new follower"), self.now, self.rules
            )
            self.counts["welcome"] += len(made)
        self.session.flush()

    def _id(self, table: str) -> int:
        value = self.next_id[table]
        self.next_id[table] = value + 1
        return value

    def _preview(self, what: str, name: str, detail: str, outcome: str) -> None:
        people = sum(1 for row in self.preview if row.what == "person")
        if people < PREVIEW_ROWS:
            self.preview.append(PreviewRow(what, name, detail, outcome))

    def _summary(self, records: int) -> ImportSummary:
        owners = []
        for kind in self.source.kinds:
            counted = self.candidates.get(kind)
            if not counted:
                continue
            chosen = self._owner_key(kind)
            owner = self.owners.get(kind)
            name = self.candidate_names.get(chosen or "", owner.name if owner else "")
            certain = kind.value in self.owner_override or (owner is not None and owner.certain)
            candidates = tuple((key, self.candidate_names.get(key, _x_name(key))) for key, _ in counted.most_common(8))
            owners.append(OwnerChoice(kind.value, chosen or "", name or _x_name(chosen or ""), certain, candidates))
        return ImportSummary(
            source=self.source.path.name,
            kinds=tuple(k.value for k in self.source.kinds),
            dry_run=self.dry_run,
            records=records,
            people_new=self.counts["new"],
            people_matched=self.counts["matched"],
            matched_by=dict(self.matched_by),
            people_already_imported=self.counts["already"],
            fields_filled=dict(self.filled),
            handles_added=self.counts["handles"],
            notes_added=self.counts["notes"],
            conversations_added=self.counts["conversations"],
            conversations_extended=self.counts["extended"],
            messages_added=self.counts["messages"],
            messages_already_imported=self.counts["messages_known"],
            new_followers=self.counts["new_followers"],
            welcome_reminders=self.counts["welcome"],
            no_longer_following=self.counts["unfollowed"],
            tagged=len({p for p, _ in self.tagged}),
            skipped={kind: dict(reasons) for kind, reasons in self.skipped.items()},
            skipped_where=self.skipped_where,
            suggestions=tuple(self.suggestions),
            suggestions_total=self.counts["suggestions"],
            owners=tuple(owners),
            preview=tuple(self.preview),
            people_with_conversations=tuple(sorted(self.with_conversations)),
        )


def _x_name(key: str) -> str:
    platform, _, rest = key.partition(":")
    kind, _, value = rest.partition(":")
    if platform == "x" and kind == "id":
        return f"X account {value}"
    return value or key


def _how_we_met(record: ImportedPerson) -> str:
    if record.connected_on is None:
        return ""
    since = record.connected_on.isoformat()
    if record.relation is Relation.connection:
        return f"Connected on LinkedIn on {since}"
    if record.relation is Relation.friend:
        return f"Friends on Facebook since {since}"
    return ""


def _month_day(birthday: MonthDay) -> str:
    months = (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    )
    month = months[birthday.month - 1] if 1 <= birthday.month <= 12 else str(birthday.month)
    return f"Birthday: {birthday.day} {month} (year not known)"


def _name_reason(new: str, other: str) -> str:
    if new.strip() == other.strip():
        return "same name"
    if new.strip().casefold() == other.strip().casefold():
        return "same name ignoring case"
    if fold(new).split() == fold(other).split():
        return "same name ignoring accents"
    return "same name in another order"


def run_import(session: Session, source: Source, **options: Any) -> ImportSummary:
    """Import `source` inside the caller's transaction (see `Engine`)."""
    return Engine(session, source, **options).run()
