"""The journal service: the one API the CLI, the desktop app and the tests all use.

Each public method is one user action and one transaction: reads in a plain transaction, writes
in `BEGIN IMMEDIATE`. Methods return immutable records (see `records.py`); no session or ORM
object leaves this module. Database errors a user can act on come out as `JournalError`s.
"""

from __future__ import annotations

import heapq
import itertools
import json
import os
import re
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import Engine, delete, func, insert, literal, or_, select, text, update
from sqlalchemy.orm import Session, selectinload

from relationjournal.core import channels, fields, insights, queries, search, timeline_sql, wellbeing
from relationjournal.core.atomicfile import fsync_file, translate_os_error
from relationjournal.core.changes import Change, recorded, touch
from relationjournal.core.clock import days_later, snooze_until
from relationjournal.core.database import database_errors, integrity_problems, writer
from relationjournal.core.errors import Ambiguous, InvalidInput, JournalExists, JournalGone, KeyUnavailable, NotFound
from relationjournal.core.folding import fold
from relationjournal.core.insights import Insights, InsightsFilter
from relationjournal.core.journallock import JournalLock
from relationjournal.core.locations import JournalLocation, create_private_file, make_private_dir
from relationjournal.core.models import (
    Handle,
    Interaction,
    Note,
    Person,
    PersonDate,
    ProgrammeMembership,
    Reflection,
    Reminder,
    Setting,
    Tag,
    person_tag,
)
from relationjournal.core.progress import Progress, no_progress
from relationjournal.core.records import (
    GROUP_TITLES,
    MERGE_FIELD_LABELS,
    MERGE_MOVED,
    PERSON_SCALAR_FIELDS,
    REFLECTION_QUESTIONS,
    REMINDER_GROUPS,
    DeletedEntry,
    DueReminder,
    DuplicateSuggestion,
    InteractionDraft,
    InteractionRecord,
    MembershipRecord,
    MergeChoice,
    MergeResult,
    NoteRecord,
    PeopleFilter,
    PersonDateRecord,
    PersonDraft,
    PersonPageView,
    PersonRecord,
    PersonSummary,
    ReflectionDraft,
    ReflectionRecord,
    ReminderRecord,
    SearchHit,
    TagRecord,
    TimelineEntry,
    TimelineFilter,
    UpcomingReminder,
)
from relationjournal.core.vault import JournalMeta, Key, write_meta
from relationjournal.core.vocabulary import (
    AnyChannel,
    Channel,
    CustomChannel,
    Platform,
    ReminderKind,
    ReminderState,
    Status,
    utc_now,
)

if TYPE_CHECKING:
    from relationjournal.core.importing import ImportSummary

KEY_CHUNK = 20_000


class Journal:
    """An open, unlocked journal.

    It holds the journal's shared lock (see `journallock.py`) until closed, and one connection
    for as long as it is open: if another program deletes the file, that connection still reads
    it, so `put_back` can write everything back. Every write first checks that the file at `path`
    is still the one that was opened, so nothing claims to be saved into a file that is gone.
    """

    def __init__(
        self,
        engine: Engine,
        path: Path,
        *,
        key: Key | None = None,
        lock: JournalLock | None = None,
        meta: JournalMeta | None = None,
    ):
        self.path = path
        self.meta = meta  # how it is protected, to write back with the file if its folder went too
        self.unseen_recovery_key: str | None = None  # set when opening finished a key change (show it once)
        self._listeners: list[Callable[[Change], None]] = []
        self._engine = engine
        self._writer = writer(engine)
        self._key = key
        self._lock = lock
        self._anchor: Any = engine.raw_connection()
        self._identity = _file_identity(path)

    def close(self) -> None:
        if self._anchor is not None:
            self._anchor.close()
            self._anchor = None
        self._engine.dispose()
        if self._lock is not None:
            self._lock.release()

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def key(self) -> Key:
        """The key this journal was opened with (for a key change or re-opening a file put back)."""
        if self._key is None:
            raise KeyUnavailable("This journal was opened without keeping its key.")
        return self._key

    # The file under the journal ---------------------------------------------------------------
    def file_problem(self) -> str | None:
        """None while the file at `path` is the one opened; else "gone" or "replaced"."""
        identity = _file_identity(self.path)
        if identity is None:
            return "gone"
        return None if identity == self._identity else "replaced"

    def ensure_file(self) -> None:
        """Raise `JournalGone` if the journal's file was deleted or replaced since it was opened."""
        problem = self.file_problem()
        if problem == "gone":
            raise JournalGone(
                f"The journal file {self.path} was deleted or moved by another program while it was open, so "
                "nothing more can be saved to it. Put it back from the app (it still has everything), or restore "
                "a backup."
            )
        if problem == "replaced":
            raise JournalGone(
                f"The journal file {self.path} was replaced by another file while it was open, so nothing more "
                "is saved to it. Keep a rescued copy of what was open from the app, then restart it."
            )

    def put_back(self, target: Path | None = None) -> Path:
        """Write the journal as it is open (everything saved before the file went) to `target`.

        Without `target` it goes back to its own place, which must be empty, and the journal then
        writes there again. SQLite's `VACUUM INTO` reads through the connection this object held
        all along, so it works even though the file was deleted.
        """
        destination = target or self.path
        if destination.exists():
            raise JournalExists(f"{destination} exists; nothing was overwritten.")
        make_private_dir(destination.parent)
        temp = destination.with_name(f".{destination.name}.rescue")
        temp.unlink(missing_ok=True)
        create_private_file(temp)
        try:
            with database_errors(self.path):
                cursor = self._anchor.cursor()
                cursor.execute("VACUUM INTO ?", (str(temp),))
                cursor.close()
            fsync_file(temp)
            os.link(temp, destination)  # never replaces a file that appeared meanwhile
        except OSError as error:
            raise translate_os_error(error, destination) from error
        finally:
            temp.unlink(missing_ok=True)
        if target is None:
            location = JournalLocation(self.path.parent)
            if self.meta is not None and not location.meta.exists():
                write_meta(location, self.meta)
            self._reattach()
        return destination

    def _reattach(self) -> None:
        """Open the file put back at `path` in place of the deleted one."""
        from relationjournal.core.database import make_engine

        key = self.key
        self._anchor.close()
        self._engine.dispose()
        if self._lock is not None:
            self._lock.release()
            self._lock = JournalLock(JournalLocation(self.path.parent)).acquire_shared()
        self._engine = make_engine(self.path, key)
        self._writer = writer(self._engine)
        self._anchor = self._engine.raw_connection()
        self._identity = _file_identity(self.path)

    @contextmanager
    def _reading(self) -> Iterator[Session]:
        with database_errors(self.path), Session(self._engine, expire_on_commit=False) as session, session.begin():
            yield session

    @contextmanager
    def _cursor(self) -> Iterator[Any]:
        """A pooled driver cursor for the hot read paths (see `timeline_sql.py`); one statement, one snapshot."""
        with database_errors(self.path):
            connection = self._engine.raw_connection()
            try:
                yield connection.cursor()
            finally:
                connection.close()

    @contextmanager
    def _writing(self) -> Iterator[Session]:
        """One write transaction; once it commits, subscribers hear what it changed (`changes.touch`)."""
        self.ensure_file()
        with database_errors(self.path), Session(self._writer, expire_on_commit=False) as session:
            with session.begin():
                yield session
            change = recorded(session)
        if change is not None:
            self._announce(change)

    # Change notifications ----------------------------------------------------------------------
    def subscribe(self, listener: Callable[[Change], None]) -> Callable[[], None]:
        """Call `listener(change)` after every committed write (on the writing thread); returns the unsubscribe."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def _announce(self, change: Change) -> None:
        for listener in list(self._listeners):
            listener(change)

    # People -----------------------------------------------------------------------------------
    def add_person(self, draft: PersonDraft, *, now: datetime | None = None) -> PersonRecord:
        with self._writing() as session:
            person = Person(**{name: getattr(draft, name) for name in PERSON_SCALAR_FIELDS})
            person.display_name = fields.person_name(draft.display_name)
            person.cadence_days = fields.cadence_days(draft.cadence_days)
            person.handles = [Handle(platform=p, value=fields.handle_value(v, p)) for p, v in draft.handles]
            person.tags = _tags(session, draft.tags)
            if now is not None:
                person.created_at = person.updated_at = now
            session.add(person)
            session.flush()
            wellbeing.on_person_added(session, person, now or utc_now(), self._rules(session))
            touch(session, people={person.id}, reminders=True, tags=bool(draft.tags))
            return _person_record(person)

    def edit_person(
        self,
        person_id: int,
        changes: dict[str, Any] | None = None,
        *,
        add_handles: Sequence[tuple[Any, str]] = (),
        remove_handles: Sequence[tuple[Any, str]] = (),
        add_tags: Sequence[str] = (),
        remove_tags: Sequence[str] = (),
    ) -> PersonRecord:
        """Change some fields of a person; `changes` maps field names to new values."""
        changes = dict(changes or {})
        unknown = set(changes) - set(PERSON_SCALAR_FIELDS)
        if unknown:
            raise InvalidInput(f"Unknown person fields: {', '.join(sorted(unknown))}.")
        if "display_name" in changes:
            changes["display_name"] = fields.person_name(changes["display_name"])
        if "cadence_days" in changes:
            changes["cadence_days"] = fields.cadence_days(changes["cadence_days"])
        with self._writing() as session:
            person = _load_person(session, person_id)
            if "birthday" in changes and changes["birthday"] != person.birthday:  # the next due pass makes the new one
                mine = (Reminder.occasion >= f"birthday:{person.id}:") & (Reminder.occasion < f"birthday:{person.id};")
                session.execute(delete(Reminder).where(mine, Reminder.state.in_(wellbeing.OPEN_STATES)))
            for name, value in changes.items():
                setattr(person, name, value)
            removing = {(p, v) for p, v in remove_handles}
            person.handles = [h for h in person.handles if (h.platform, h.value) not in removing]
            present = {(h.platform, h.value) for h in person.handles}
            for platform, value in add_handles:
                if (platform, value) not in present:
                    person.handles.append(Handle(platform=platform, value=fields.handle_value(value, platform)))
            drop = {t.casefold() for t in remove_tags}
            kept = [t for t in person.tags if t.name.casefold() not in drop]
            person.tags = kept + [t for t in _tags(session, add_tags) if t not in kept]
            person.updated_at = utc_now()
            session.flush()
            touch(session, people={person.id}, reminders=True, tags=bool(add_tags or remove_tags))
            return _person_record(person)

    def archive_person(self, person_id: int) -> PersonRecord:
        return self.edit_person(person_id, {"status": Status.archived})

    def person(self, person_id: int) -> PersonRecord:
        with self._reading() as session:
            person = _load_person(session, person_id)
            return _person_record(person)

    def person_page(self, person_id: int, *, coming: int = 5) -> PersonPageView:
        """What a person's page header shows, read in one transaction: who they are, programmes,
        pinned notes, and their next `coming` open reminders by when they will show on Today."""
        with self._reading() as session:
            person = _load_person(session, person_id)
            memberships = session.scalars(
                select(ProgrammeMembership)
                .where(ProgrammeMembership.person_id == person_id)
                .order_by(ProgrammeMembership.joined_on, ProgrammeMembership.id)
            )
            pinned = session.scalars(
                select(Note).where(Note.person_id == person_id, Note.pinned.is_(True)).order_by(Note.created_at.desc())
            )
            name = person.display_name
            rules = self._rules(session)
            reminders = session.scalars(
                select(Reminder).where(Reminder.person_id == person_id, Reminder.state.in_(wellbeing.OPEN_STATES))
            )
            upcoming = sorted(
                (UpcomingReminder(_reminder_record(r, name), wellbeing.shows_at(r, person.business_paused_until, rules))
                 for r in reminders if person.status != Status.archived),  # (archived: nothing shows on Today)
                key=lambda u: (u.when, u.reminder.id),
            )  # fmt: skip
            return PersonPageView(
                _person_record(person),
                tuple(_membership_record(m, name) for m in memberships),
                tuple(_note_record(n, name) for n in pinned),
                tuple(upcoming[:coming]),
                tuple(_person_date_record(d, name) for d in session.scalars(
                    select(PersonDate).where(PersonDate.person_id == person_id)
                    .order_by(PersonDate.month, PersonDate.day, PersonDate.id)
                )),
            )  # fmt: skip

    def find_person(self, ref: str) -> PersonRecord:
        """A person by id, or by unique name ignoring case and accents ("zoe muller" finds "Zoë Müller");
        an ambiguous name lists the matches, an unknown one suggests names that contain its words.

        A name the way it is spelt wins over the same letters with other accents. Only ids and names
        are read (a few milliseconds for 10,000 people); full records only for the one found.
        """
        ref = ref.strip()
        with self._reading() as session:
            as_id = ref.isascii() and ref.isdigit() and len(ref) < 19  # "²" or 10**30 names no id
            if as_id and (by_id := _find_person(session, int(ref))) is not None:
                return _person_record(by_id)
            names = session.execute(select(Person.id, Person.display_name).order_by(Person.id)).all()
            wanted, folded = ref.casefold(), fold(ref)
            matches = [row.id for row in names if row.display_name.casefold() == wanted]
            folded_names: list[tuple[int, str]] = []
            if not matches:
                folded_names = [(row.id, fold(row.display_name)) for row in names]
                matches = [person_id for person_id, name in folded_names if name == folded]
            if len(matches) == 1:
                return _person_record(_load_person(session, matches[0]))
            if matches:
                listed = "; ".join(_describe(row) for row in _described(session, matches[:10]))
                raise Ambiguous(f"{len(matches)} people are called {ref!r}: {listed}. Use the id instead.")
            words = folded.split()
            similar = [person_id for person_id, name in folded_names if words and all(w in name for w in words)]
            missing = f"No person has the id {ref}." if ref.isdigit() else f"No person is called {ref!r}."
            if similar:
                missing += f" Did you mean: {'; '.join(_describe(row) for row in _described(session, similar[:5]))}?"
            raise NotFound(missing)

    def list_people(
        self, *, tag: str | None = None, status: Status | None = None, include_archived: bool = True
    ) -> list[PersonRecord]:
        with self._reading() as session:
            query = select(Person).options(selectinload(Person.handles), selectinload(Person.tags))
            if tag:
                query = query.where(Person.tags.any(func.lower(Tag.name) == tag.strip().lower()))
            if status:
                query = query.where(Person.status == status)
            elif not include_archived:
                query = query.where(Person.status != Status.archived)
            people = session.scalars(query.order_by(func.lower(Person.display_name), Person.id)).all()
            return [_person_record(person) for person in people]

    def person_ids(self, wanted: PeopleFilter = PeopleFilter(), *, now: datetime | None = None) -> list[int]:
        """Ids of the people matching `wanted`, in its order: cheap even for 10,000 people."""
        with self._reading() as session:
            query = queries.filter_people(session, select(Person.id), wanted)
            default = self._rules(session).default_cadence_days if wanted.order == "overdue" else None
            order = queries.people_order(wanted, now or utc_now(), default)
            return list(session.scalars(query.order_by(*order)))

    def person_summaries(self, ids: Sequence[int]) -> list[PersonSummary]:
        """The list rows of the people with these ids, in the same order (missing ids are skipped)."""
        with self._reading() as session:
            rows = session.execute(
                select(Person.id, Person.display_name, Person.organisation, Person.status,
                       queries.last_contact(), queries.effective_cadence())
                .where(Person.id.in_(ids))
            ).all()  # fmt: skip
            tags: dict[int, list[str]] = {}
            for person_id, name in session.execute(
                select(person_tag.c.person_id, Tag.name)
                .join(Tag, Tag.id == person_tag.c.tag_id)
                .where(person_tag.c.person_id.in_(ids))
                .order_by(Tag.name)
            ):
                tags.setdefault(person_id, []).append(name)
        by_id = {
            row[0]: PersonSummary(row[0], row[1], row[2], tuple(tags.get(row[0], ())), row[3], row[4], row[5])
            for row in rows
        }
        return [by_id[i] for i in ids if i in by_id]

    def tag_names(self) -> list[str]:
        with self._reading() as session:
            return list(session.scalars(select(Tag.name).order_by(Tag.name)))

    def count_people(self) -> int:
        with self._reading() as session:
            return session.scalar(select(func.count(Person.id))) or 0

    # Notes and interactions -------------------------------------------------------------------
    def add_note(
        self,
        person_id: int,
        body: str,
        *,
        pinned: bool = False,
        hard_event: bool = False,
        anniversary: bool = True,
        now: datetime | None = None,
    ) -> NoteRecord:
        """A note; a hard event schedules care, and (with `anniversary`) comes back to Today a year later."""
        body = fields.clean_text(body, "note")
        if not body.strip():
            raise InvalidInput("note: the note is empty.")
        with self._writing() as session:
            person = _get(session, Person, person_id, "person")
            note = Note(person_id=person.id, body=body, pinned=pinned, hard_event=hard_event, anniversary=anniversary)
            if now is not None:
                note.created_at = note.updated_at = now
            session.add(note)
            session.flush()
            wellbeing.on_note_added(session, note, now or utc_now(), self._rules(session))
            touch(session, entries={person.id}, reminders=hard_event)
            return _note_record(note, person.display_name)

    def log_interaction(
        self, person_id: int, draft: InteractionDraft, *, now: datetime | None = None
    ) -> InteractionRecord:
        """Log a conversation; the reminder rules it triggers run in the same transaction."""
        values = _interaction_values(draft)
        with self._writing() as session:
            person = _get(session, Person, person_id, "person")
            interaction = Interaction(person_id=person.id, **values, **channels.columns(session, draft.channel))
            session.add(interaction)
            session.flush()
            wellbeing.on_interaction_logged(session, interaction, now or utc_now(), self._rules(session))
            touch(session, entries={person.id}, reminders=True)
            channel = channels.of(session, interaction.channel, interaction.custom_channel_id)
            return _interaction_record(interaction, person.display_name, channel)

    # Channels -----------------------------------------------------------------------------------
    def channels(self) -> list[AnyChannel]:
        """Every channel, for a picker: the built-in ones in their order, then the user's own by name."""
        with self._reading() as session:
            return [*Channel, *channels.all_custom(session)]

    def channel_named(self, name: str) -> AnyChannel | None:
        """The channel called `name` (a built-in one's value or alias, or one of the user's), ignoring
        case, accents, spaces and hyphens; None if there is none."""
        with self._reading() as session:
            return channels.find(session, name)

    def add_channel(self, name: str) -> CustomChannel:
        """Add a channel of the user's own ("Workplace"); a name already taken, ignoring case and
        accents, or a built-in one's name or alias ("WA"), is refused (InvalidInput)."""
        with self._writing() as session:
            added = channels.add(session, name)
            touch(session, channels=True)
            return added

    def rename_channel(self, channel_id: int, name: str) -> CustomChannel:
        """Rename one of the user's channels; its conversations show the new name."""
        with self._writing() as session:
            renamed = channels.rename(session, channel_id, name)
            touch(session, channels=True, entries=channels.users(session, channel_id))
            return renamed

    def delete_channel(self, channel_id: int) -> CustomChannel:
        """Delete one of the user's channels; refused (InvalidInput) while a conversation uses it."""
        with self._writing() as session:
            gone = channels.delete(session, channel_id)
            touch(session, channels=True)
            return gone

    def last_channel(self, person_id: int | None = None) -> AnyChannel | None:
        """The channel of the latest conversation with this person (with anyone, for None); None if none."""
        with self._reading() as session:
            query = select(Interaction.channel, Interaction.custom_channel_id)
            if person_id is not None:
                query = query.where(Interaction.person_id == person_id)
            row = session.execute(
                query.order_by(Interaction.occurred_at.desc(), Interaction.id.desc()).limit(1)
            ).first()
            return None if row is None else channels.of(session, row.channel, row.custom_channel_id)

    def default_channel(self, person_id: int | None) -> AnyChannel:
        """What a new conversation with this person starts as: the channel used last with them, else
        the one used last with anyone (people tend to stay on one for a while), else email."""
        for who in (person_id, None) if person_id is not None else (None,):
            found = self.last_channel(who)
            if found is not None:
                return found
        return Channel.email

    def edit_interaction(
        self, interaction_id: int, draft: InteractionDraft, *, now: datetime | None = None
    ) -> InteractionRecord:
        """Change a logged conversation to `draft` (every field); what it scheduled follows the edit.

        See `wellbeing.on_interaction_edited`. Its time moving can change the person's last contact
        (kept by triggers), so stay-in-touch nudges that no longer fit go, as for a cadence change.
        """
        values = _interaction_values(draft)
        with self._writing() as session:
            interaction = _get(session, Interaction, interaction_id, "conversation")
            was = (interaction.occurred_at, interaction.follow_up_on, interaction.hard_event)
            for name, value in {**values, **channels.columns(session, draft.channel)}.items():
                setattr(interaction, name, value)
            session.flush()
            rules = self._rules(session)
            wellbeing.on_interaction_edited(session, interaction, was, now or utc_now(), rules)
            if interaction.occurred_at != was[0]:
                _drop_stale_nudges(session, [interaction.person_id], rules)
            touch(session, entries={interaction.person_id}, reminders=True)
            name = queries.person_name(session, interaction.person_id) or ""
            return _interaction_record(interaction, name, draft.channel)

    def timeline(
        self, person_id: int | None = None, *, limit: int = 50, before: TimelineEntry | None = None
    ) -> list[TimelineEntry]:
        """Interactions and notes, newest first, of one person or of everyone.

        A page: pass the last entry shown as `before` for the next one (a person's page loads
        this way as it scrolls).
        """
        sql, params = timeline_sql.page_query(person_id, before, limit)
        with self._cursor() as cursor:
            page = timeline_sql.entries(cursor.execute(sql, params), cursor)
            if not page and person_id is not None and before is None:
                # An unknown person is an error, not an empty timeline.
                if cursor.execute("SELECT 1 FROM person WHERE id = ?", (person_id,)).fetchone() is None:
                    raise NotFound(f"There is no person with id {person_id}.")
        return page

    def timeline_keys(self, wanted: TimelineFilter | None = None) -> array[int]:
        """The keys (see `records.timeline_key`) of the global timeline, newest first.

        Conversations only, filtered by `wanted`. Keys are 8 bytes each, so even 1,000,000 fit in
        8 MB; a view loads the entries it shows with `timeline_entries`. (A person's page pages
        through `timeline` instead: it starts at the newest and is a few thousand entries at most.)
        """
        with self._reading() as session:
            query = select(Interaction.id * 2)
            if wanted is not None:
                query = _filter_interactions(query, wanted)
            query = query.order_by(Interaction.occurred_at.desc(), Interaction.id.desc())
            keys: array[int] = array("q")
            # Streamed in chunks: a buffered result of 1,000,000 rows would cost ~200 MB for a moment.
            for chunk in session.execute(query, execution_options={"yield_per": KEY_CHUNK}).scalars().partitions():
                keys.extend(chunk)
            return keys

    def timeline_entries(self, keys: Sequence[int]) -> list[TimelineEntry]:
        """The entries for these timeline keys, in the same order (deleted ones are skipped)."""
        if not keys:
            return []
        sql, params = timeline_sql.keyed_query(keys)
        with self._cursor() as cursor:
            found = {entry.key: entry for entry in timeline_sql.entries(cursor.execute(sql, params), cursor)}
        return [found[key] for key in keys if key in found]

    def pinned_notes(self, person_id: int) -> list[NoteRecord]:
        with self._reading() as session:
            rows = session.execute(
                select(Note, Person.display_name).join(Person)
                .where(Note.person_id == person_id, Note.pinned.is_(True))
                .order_by(Note.created_at.desc())
            )  # fmt: skip
            return [_note_record(n, name) for n, name in rows]

    def update_note(
        self,
        note_id: int,
        *,
        body: str | None = None,
        pinned: bool | None = None,
        hard_event: bool | None = None,
        anniversary: bool | None = None,
    ) -> NoteRecord:
        """Change a note; marking it a hard event afterwards schedules the same care as writing it so
        (unmarking keeps reminders already made: they can be dismissed on Today)."""
        with self._writing() as session:
            note = _get(session, Note, note_id, "note")
            if body is not None:
                body = fields.clean_text(body, "note")
                if not body.strip():
                    raise InvalidInput("note: the note is empty.")
                note.body = body
            if pinned is not None:
                note.pinned = pinned
            now = utc_now()
            marked = hard_event is not None and hard_event != note.hard_event
            if hard_event is not None:
                note.hard_event = hard_event
            if anniversary is not None:
                note.anniversary = anniversary
            note.updated_at = now
            session.flush()
            if not (note.hard_event and note.anniversary):
                wellbeing.drop_anniversary(session, "note", note.id)
            if marked and hard_event:
                wellbeing.on_hard_event(session, note.person_id, now, now, self._rules(session))
            touch(session, entries={note.person_id}, reminders=marked or anniversary is not None)
            return _note_record(note, _get(session, Person, note.person_id, "person").display_name)

    def set_anniversary(self, kind: Literal["conversation", "note"], entry_id: int, on: bool) -> str:
        """Whether a hard event comes back to Today a year later (turned off: its open reminder goes).
        Returns the person's name."""
        model, name = (Interaction, "interaction") if kind == "conversation" else (Note, "note")
        with self._writing() as session:
            entry = _get(session, model, entry_id, kind)
            if not entry.hard_event:
                raise InvalidInput(f"{kind} #{entry_id} is not a hard event; only hard events come back a year later.")
            entry.anniversary = on
            if not on:
                wellbeing.drop_anniversary(session, name, entry.id)
            touch(session, entries={entry.person_id}, reminders=True)
            return queries.person_name(session, entry.person_id) or ""

    def delete_note(self, note_id: int) -> DeletedEntry:
        """Delete a note; returns what `restore_entry` needs to put it back.

        A hard-event note's check-ins stay: nothing links them to the note (only conversations
        are recorded as a reminder's source), and caring for the person is still right.
        """
        with self._writing() as session:
            note = _get(session, Note, note_id, "note")
            gone = DeletedEntry(_note_record(note, queries.person_name(session, note.person_id) or ""))
            touch(session, entries={note.person_id}, reminders=note.hard_event)
            if note.hard_event:
                wellbeing.drop_anniversary(session, "note", note.id)  # (its check-ins stay: see above)
            session.delete(note)
            return gone

    def delete_interaction(self, interaction_id: int) -> DeletedEntry:
        """Delete a conversation and the open reminders it scheduled; returns what `restore_entry` needs.

        Its closed reminders (done, dismissed) are history: they stay, no longer linked to it.
        """
        with self._writing() as session:
            interaction = _get(session, Interaction, interaction_id, "conversation")
            person_id = interaction.person_id
            name = queries.person_name(session, person_id) or ""
            made = session.scalars(
                select(Reminder).where(Reminder.source_interaction_id == interaction_id).order_by(Reminder.id)
            ).all()
            deleting = [r for r in made if r.state in wellbeing.OPEN_STATES]
            gone = DeletedEntry(
                _interaction_record(
                    interaction, name, channels.of(session, interaction.channel, interaction.custom_channel_id)
                ),
                tuple(_reminder_record(r, name) for r in deleting),
                tuple(r.id for r in made if r.state not in wellbeing.OPEN_STATES),
            )
            for reminder in deleting:
                session.delete(reminder)
            session.delete(interaction)
            session.flush()
            _drop_stale_nudges(session, [person_id], self._rules(session))  # their last contact may be earlier
            touch(session, entries={person_id}, reminders=True)
            return gone

    def restore_entry(self, deleted: DeletedEntry) -> InteractionRecord | NoteRecord:
        """Put back a deleted conversation or note (an undo): its id if still free, its times, its reminders.

        The search index and the person's last contact follow by the tables' triggers.
        """
        item = deleted.entry
        with self._writing() as session:
            person = _get(session, Person, item.person_id, "person")
            row: Note | Interaction
            if isinstance(item, NoteRecord):
                row = Note(person_id=person.id, body=item.body, pinned=item.pinned, hard_event=item.hard_event,
                           created_at=item.created_at, updated_at=item.updated_at,
                           anniversary=item.anniversary)  # fmt: skip
            else:
                row = Interaction(
                    person_id=person.id, occurred_at=item.occurred_at, **channels.columns(session, item.channel),
                    direction=item.direction, summary=item.summary, body=item.body, tone=item.tone,
                    context=item.context, hard_event=item.hard_event, reached_out_by=item.reached_out_by,
                    follow_up_on=item.follow_up_on, created_at=item.created_at, anniversary=item.anniversary,
                )  # fmt: skip
            if session.get(type(row), item.id) is None:
                row.id = item.id
            session.add(row)
            session.flush()
            source = row.id if isinstance(row, Interaction) else None
            for r in deleted.reminders:
                reminder = Reminder(
                    person_id=r.person_id, kind=r.kind, due_at=r.due_at, recurrence_days=r.recurrence_days,
                    text=r.text, state=r.state, snoozed_until=r.snoozed_until, created_at=r.created_at,
                    business=r.business, source_interaction_id=source, closed_at=r.closed_at, occasion=r.occasion,
                )  # fmt: skip
                if session.get(Reminder, r.id) is None:
                    reminder.id = r.id
                session.add(reminder)
            if source is not None and deleted.unlinked:
                session.execute(
                    update(Reminder)
                    .where(Reminder.id.in_(deleted.unlinked), Reminder.source_interaction_id.is_(None))
                    .values(source_interaction_id=source)
                )
            session.flush()
            if source is not None:
                _drop_stale_nudges(session, [person.id], self._rules(session))  # their last contact may be later
            touch(session, entries={person.id}, reminders=True)
            if isinstance(item, NoteRecord):
                assert isinstance(row, Note)
                return _note_record(row, person.display_name)
            assert isinstance(row, Interaction)
            return _interaction_record(row, person.display_name, item.channel)

    def search(
        self, query: str, *, limit: int = 50, mark: tuple[str, str] = ("[", "]"), best: bool = False
    ) -> list[SearchHit]:
        """People, notes and conversations matching `query`: the newest of each (instant, for typing),
        or with `best` the most relevant (see `search.search`)."""
        with self._reading() as session:
            return search.search(session, query, limit=limit, mark=mark, best=best)

    # Reminders and programmes ---------------------------------------------------------------
    def add_reminder(
        self,
        kind: ReminderKind,
        due_at: datetime,
        text: str = "",
        *,
        person_id: int | None = None,
        recurrence_days: int | None = None,
    ) -> ReminderRecord:
        with self._writing() as session:
            name = _get(session, Person, person_id, "person").display_name if person_id is not None else None
            reminder = Reminder(
                person_id=person_id, kind=kind, due_at=due_at, text=fields.clean_text(text, "reminder"),
                recurrence_days=recurrence_days,
            )  # fmt: skip
            session.add(reminder)
            session.flush()
            touch(session, reminders=True)
            return _reminder_record(reminder, name)

    def reminders(self, *, include_closed: bool = False) -> list[ReminderRecord]:
        """Every open (or every) reminder, ordered by when it is due. What is due now: `due_reminders`."""
        with self._reading() as session:
            query = select(Reminder, Person.display_name).outerjoin(Person, Reminder.person_id == Person.id)
            if not include_closed:
                query = query.where(Reminder.state.in_([ReminderState.open, ReminderState.snoozed]))
            rows = session.execute(query.order_by(Reminder.due_at, Reminder.id)).all()
            return [_reminder_record(r, name) for r, name in rows]

    def add_membership(
        self, person_id: int, programme: str, joined_on: date, *, review_on: date | None = None, notes: str = ""
    ) -> MembershipRecord:
        programme = fields.clean_text(programme.strip(), "programme", max_length=200)
        if not programme:
            raise InvalidInput("programme: give the programme a name.")
        with self._writing() as session:
            person = _get(session, Person, person_id, "person")
            membership = ProgrammeMembership(
                person_id=person.id, programme=programme, joined_on=joined_on, review_on=review_on,
                notes=fields.clean_text(notes, "programme notes"),
            )  # fmt: skip
            session.add(membership)
            session.flush()
            wellbeing.on_membership_added(session, membership, self._rules(session))
            touch(session, entries={person.id}, reminders=True)
            return _membership_record(membership, person.display_name)

    def memberships(self, person_id: int | None = None) -> list[MembershipRecord]:
        with self._reading() as session:
            query = select(ProgrammeMembership, Person.display_name).join(Person)
            if person_id is not None:
                query = query.where(ProgrammeMembership.person_id == person_id)
            rows = session.execute(query.order_by(ProgrammeMembership.joined_on, ProgrammeMembership.id))
            return [_membership_record(m, name) for m, name in rows]

    # Dates that matter on a person ----------------------------------------------------------------
    def add_person_date(
        self, person_id: int, label: str, day: date | tuple[int, int], *, no_year: bool = False
    ) -> PersonDateRecord:
        """A date that comes back every year (a work anniversary, a birthday without a year...).

        `day` is a date, or a (month, day) pair (an imported `MonthDay`) for a date without a year;
        `no_year` drops a date's year. Today shows it `dates_days_ahead` days before and on the day.
        """
        label = " ".join(fields.clean_text(label, "label", max_length=200).split())
        if not label:
            raise InvalidInput("label: say what the date is, like Work anniversary.")
        if isinstance(day, date):
            month, day_of_month, year = day.month, day.day, None if no_year else day.year
        else:
            (month, day_of_month), year = day, None
            try:
                date(2000, month, day_of_month)  # a leap year: 29 February is a date
            except (TypeError, ValueError):
                raise InvalidInput(f"date: {month}-{day_of_month} is not a month and a day.") from None
        with self._writing() as session:
            person = _get(session, Person, person_id, "person")
            found = PersonDate(person_id=person.id, label=label, month=month, day=day_of_month, year=year)
            session.add(found)
            session.flush()
            touch(session, entries={person.id}, reminders=True)
            return _person_date_record(found, person.display_name)

    def person_dates(self, person_id: int) -> list[PersonDateRecord]:
        """A person's dates in calendar order (month and day), as a year goes."""
        with self._reading() as session:
            person = _get(session, Person, person_id, "person")
            rows = session.scalars(
                select(PersonDate)
                .where(PersonDate.person_id == person.id)
                .order_by(PersonDate.month, PersonDate.day, PersonDate.id)
            )
            return [_person_date_record(d, person.display_name) for d in rows]

    def remove_person_date(self, date_id: int) -> PersonDateRecord:
        """Remove a date and its open reminder; reminders of it already done stay, as history."""
        with self._writing() as session:
            found = _get(session, PersonDate, date_id, "date")
            name = _get(session, Person, found.person_id, "person").display_name
            record = _person_date_record(found, name)
            mine = Reminder.occasion.startswith(f"date:{date_id}:", autoescape=True)
            session.execute(delete(Reminder).where(mine, Reminder.state.in_(wellbeing.OPEN_STATES)))
            # Unlinked, so that a date added later with the same id is reminded of again.
            session.execute(update(Reminder).where(mine).values(occasion=None))
            session.delete(found)
            touch(session, entries={record.person_id}, reminders=True)
            return record

    # Wellbeing -----------------------------------------------------------------------------------
    def rules(self) -> wellbeing.Rules:
        with self._reading() as session:
            return self._rules(session)

    def _rules(self, session: Session) -> wellbeing.Rules:
        settings = {s.key: json.loads(s.value) for s in session.scalars(select(Setting))}
        return wellbeing.Rules.from_settings(settings)

    def due_reminders(self, *, now: datetime | None = None) -> list[DueReminder]:
        """What to do now, grouped and ordered as `GROUP_TITLES` (Today and the CLI show the same)."""
        now = now or utc_now()
        order = list(GROUP_TITLES)
        with self._writing() as session:  # stay-in-touch nudges are made as they come due
            rows = wellbeing.due_now(session, now, self._rules(session))
            items = [
                DueReminder(
                    _reminder_record(r, p.display_name if p else None),
                    REMINDER_GROUPS[r.kind],
                    overdue,
                    remember=p.remember if p else "",
                    why_it_matters=p.why_it_matters if p else "",
                )
                for r, p, overdue in rows
            ]
        items.sort(key=lambda d: (order.index(d.group), -d.overdue, d.reminder.due_at, d.reminder.id))
        return items

    def last_conversations(self, person_ids: Iterable[int]) -> dict[int, InteractionRecord]:
        """The latest conversation with each of these people (Today's cards show it in a line);
        someone never spoken to has none. One indexed read per few hundred people."""
        ids = sorted(set(person_ids))
        found: dict[int, InteractionRecord] = {}
        with self._reading() as session:
            for start in range(0, len(ids), 500):
                rows = session.execute(  # columns, not objects: a thousand rows in a few ms
                    select(*Interaction.__table__.columns, Person.display_name)
                    .join(Person, Person.id == Interaction.person_id)
                    .where(Interaction.person_id.in_(ids[start : start + 500]))
                    .where(Interaction.occurred_at == Person.last_contact_at)  # kept by triggers: the latest
                    .order_by(Interaction.id)
                )
                for row in rows:  # the higher id wins a tie
                    found[row.person_id] = InteractionRecord(
                        id=row.id, person_id=row.person_id, person_name=row.display_name, occurred_at=row.occurred_at,
                        channel=channels.of(session, row.channel, row.custom_channel_id), direction=row.direction,
                        summary=row.summary, body=row.body, tone=row.tone, context=row.context,
                        hard_event=row.hard_event, reached_out_by=row.reached_out_by, follow_up_on=row.follow_up_on,
                        created_at=row.created_at, anniversary=row.anniversary,
                    )  # fmt: skip
        return found

    def reminders_from(self, interaction_id: int) -> list[ReminderRecord]:
        """The reminders a logged conversation scheduled (follow-up, check-ins, self-care)."""
        with self._reading() as session:
            rows = session.execute(
                select(Reminder, Person.display_name)
                .outerjoin(Person, Reminder.person_id == Person.id)
                .where(Reminder.source_interaction_id == interaction_id)
                .order_by(Reminder.due_at, Reminder.id)
            )
            return [_reminder_record(r, name) for r, name in rows]

    def complete_reminder(self, reminder_id: int, *, now: datetime | None = None) -> ReminderRecord:
        """Done; a recurring reminder comes back after its interval."""
        now = now or utc_now()
        with self._writing() as session:
            reminder = _load_reminder(session, reminder_id)
            reminder.state, reminder.closed_at = ReminderState.done, now
            if reminder.recurrence_days:
                rules = self._rules(session)
                due = rules.quiet.next_allowed(days_later(now, reminder.recurrence_days, rules.zone), rules.zone)
                session.add(
                    Reminder(person_id=reminder.person_id, kind=reminder.kind, due_at=due, text=reminder.text,
                             recurrence_days=reminder.recurrence_days, business=reminder.business)
                )  # fmt: skip
            session.flush()
            touch(session, reminders=True)
            return _reminder_record(reminder, queries.person_name(session, reminder.person_id))

    def dismiss_reminder(self, reminder_id: int, *, now: datetime | None = None) -> ReminderRecord:
        with self._writing() as session:
            reminder = _load_reminder(session, reminder_id)
            reminder.state, reminder.closed_at = ReminderState.dismissed, now or utc_now()
            session.flush()
            touch(session, reminders=True)
            return _reminder_record(reminder, queries.person_name(session, reminder.person_id))

    def snooze_reminder(self, reminder_id: int, until: str, *, now: datetime | None = None) -> ReminderRecord:
        """Snooze until `until`: 1h, evening, tomorrow, next-week, or an ISO-8601 time (after quiet hours)."""
        now = now or utc_now()
        with self._writing() as session:
            reminder = _load_reminder(session, reminder_id)
            rules = self._rules(session)
            reminder.state = ReminderState.snoozed
            reminder.snoozed_until = snooze_until(until, now, rules.zone, rules.quiet)
            session.flush()
            touch(session, reminders=True)
            return _reminder_record(reminder, queries.person_name(session, reminder.person_id))

    def upcoming_reminders(self) -> list[UpcomingReminder]:
        """Every open reminder, due or still to come, by when it will show on Today (then by id).

        Stay-in-touch and "don't leave them hanging" nudges appear once they come due (they are
        made then, see `wellbeing.materialise_due`); archived people's reminders do not show.
        """
        with self._reading() as session:
            rules = self._rules(session)
            rows = session.execute(
                select(Reminder, Person.display_name, Person.business_paused_until)
                .outerjoin(Person, Reminder.person_id == Person.id)
                .where(Reminder.state.in_(wellbeing.OPEN_STATES))
                .where(or_(Person.id.is_(None), Person.status != Status.archived))
            ).all()
            upcoming = [UpcomingReminder(_reminder_record(r, name), wellbeing.shows_at(r, paused, rules))
                        for r, name, paused in rows]  # fmt: skip
        upcoming.sort(key=lambda u: (u.when, u.reminder.id))
        return upcoming

    def move_reminder(self, reminder_id: int, when: datetime, *, now: datetime | None = None) -> ReminderRecord:
        """Move an open reminder to `when` (past quiet hours), earlier or later; a snooze on it ends.

        Nudges made as they come due (stay in touch, programme contact) keep their due time, which
        marks their cycle, and are snoozed to `when` instead: otherwise the cycle would be made again.
        """
        if when.tzinfo is None:
            raise InvalidInput("when: give a time with a timezone.")
        now = now or utc_now()
        with self._writing() as session:
            reminder = _load_reminder(session, reminder_id)
            rules = self._rules(session)
            moment = rules.quiet.next_allowed(when, rules.zone)
            if moment <= now:
                raise InvalidInput("move: that time has already passed; choose a later one.")
            if reminder.kind in (ReminderKind.stay_in_touch, ReminderKind.programme_contact):
                reminder.state, reminder.snoozed_until = ReminderState.snoozed, moment
            else:
                reminder.state, reminder.snoozed_until, reminder.due_at = ReminderState.open, None, moment
            session.flush()
            touch(session, reminders=True)
            return _reminder_record(reminder, queries.person_name(session, reminder.person_id))

    def insights(self, wanted: InsightsFilter = InsightsFilter(), *, now: datetime | None = None) -> Insights:
        """The Insights page's numbers for `wanted` (see `core/insights.py`): one read, in SQL over indexes."""
        with self._reading() as session:
            rules = self._rules(session)
            return insights.compute(session, wanted, now or utc_now(), rules, insights.one_sided_after(session))

    def emotional_load(self, *, now: datetime | None = None) -> wellbeing.EmotionalLoad:
        with self._reading() as session:
            return wellbeing.emotional_load(session, now or utc_now(), self._rules(session))

    def save_reflection(
        self, draft: ReflectionDraft, *, reminder_id: int | None = None, now: datetime | None = None
    ) -> ReflectionRecord:
        """Keep the user's reflection (encrypted like everything) and close the self-care it answers.

        That is `reminder_id` and every other open self-care reminder due up to this evening's
        reflection (see `wellbeing.close_covered_self_care`): one reflection answers the day.
        """
        now = now or utc_now()
        values = {name: fields.clean_text(getattr(draft, name).strip(), name) for name in REFLECTION_QUESTIONS}
        if not any(values.values()):
            raise InvalidInput("reflection: answer at least one question; even a few words help.")
        with self._writing() as session:
            person_id = None
            if reminder_id is not None:
                reminder = _load_reminder(session, reminder_id)
                reminder.state, reminder.closed_at = ReminderState.done, now
                person_id = reminder.person_id
            wellbeing.close_covered_self_care(session, now, self._rules(session))
            reflection = Reflection(created_at=now, person_id=person_id, reminder_id=reminder_id, **values)
            session.add(reflection)
            session.flush()
            touch(session, reflections=True, reminders=True)
            return _reflection_record(reflection, queries.person_name(session, person_id))

    def reflections(self, *, limit: int = 100) -> list[ReflectionRecord]:
        """The user's own timeline of reflections, newest first."""
        with self._reading() as session:
            rows = session.execute(
                select(Reflection, Person.display_name).outerjoin(Person, Reflection.person_id == Person.id)
                .order_by(Reflection.created_at.desc()).limit(limit)
            )  # fmt: skip
            return [_reflection_record(r, name) for r, name in rows]

    def keep_in_programme(self, membership_id: int, next_review: date | None) -> MembershipRecord:
        """After a review: they stay; the next review is scheduled (and this one closed)."""
        with self._writing() as session:
            membership = _load_membership(session, membership_id)
            _close_programme_reviews(session, membership.person_id)
            membership.review_on = next_review
            if next_review is not None:
                wellbeing.schedule_review(session, membership, self._rules(session))
            session.flush()
            touch(session, entries={membership.person_id}, reminders=True)
            return _membership_record(membership, queries.person_name(session, membership.person_id) or "")

    def rotate_out(self, membership_id: int, *, record: str, left_on: date | None = None) -> MembershipRecord:
        """Rotate a member out gracefully, after the checklist: their history stays, the change is recorded."""
        record = fields.clean_text(record.strip(), "what was said")
        if not record:
            raise InvalidInput("Record what you told them and what changes for them, so nobody is left unsure.")
        with self._writing() as session:
            membership = _load_membership(session, membership_id)
            if membership.left_on is not None:
                raise InvalidInput(f"They already left {membership.programme} on {membership.left_on}.")
            membership.left_on = left_on or date.today()
            membership.review_on = None
            _close_programme_reviews(session, membership.person_id)
            heading = f"**Rotated out of {membership.programme}** on {membership.left_on}."
            session.add(Note(person_id=membership.person_id, body=f"{heading}\n\n{record}"))
            session.flush()
            touch(session, entries={membership.person_id}, reminders=True)
            return _membership_record(membership, queries.person_name(session, membership.person_id) or "")

    # Tags ---------------------------------------------------------------------------------------
    # Tag names are case-insensitive (the column's NOCASE collation): "Client" finds "client".
    def tags(self) -> list[TagRecord]:
        """Every tag, by name, with its stay-in-touch cadence and how many people carry it."""
        with self._reading() as session:
            carriers = (
                select(person_tag.c.tag_id, func.count().label("people")).group_by(person_tag.c.tag_id).subquery()
            )
            rows = session.execute(
                select(Tag.id, Tag.name, Tag.cadence_days, func.coalesce(carriers.c.people, 0))
                .outerjoin(carriers, carriers.c.tag_id == Tag.id)
                .order_by(Tag.name, Tag.id)
            )
            return [TagRecord(*row) for row in rows]

    def set_tag_cadence(self, tag: str, days: int | None) -> TagRecord:
        """The default stay-in-touch cadence for people with this tag (their own cadence wins); None: none.

        Check-in nudges already made for the old cadence that the new one no longer asks for go
        (see `_drop_stale_nudges`); the next `due_reminders` makes the ones the new cadence asks for.
        """
        cadence = fields.cadence_days(days)
        with self._writing() as session:
            found = _find_tag(session, tag)
            found.cadence_days = cadence
            session.flush()
            people = _carriers(session, [found.id])
            _drop_stale_nudges(session, people, self._rules(session))
            touch(session, tags=True, people=people, reminders=True)
            return _tag_record(session, found)

    def rename_tag(self, old: str, new: str) -> TagRecord:
        """Rename a tag; the people who carry it keep it. A change of letter case is a rename too.

        Renaming to the name of another tag is refused (InvalidInput, pointing to `merge_tags`):
        a merge cannot be undone and decides whose cadence stays, so it is never done by accident.
        """
        name = fields.tag_name(new)
        with self._writing() as session:
            tag = _find_tag(session, old)
            other = session.scalars(select(Tag).where(Tag.name == name, Tag.id != tag.id)).first()
            if other is not None:
                raise InvalidInput(
                    f"tag: there is already a tag called {other.name!r}; merge {tag.name!r} into it instead."
                )
            tag.name = name
            session.flush()
            touch(session, tags=True, people=_carriers(session, [tag.id]))
            return _tag_record(session, tag)

    def merge_tags(self, sources: Sequence[str], into: str) -> TagRecord:
        """Merge the tags `sources` into the tag `into`, which must exist; the sources are deleted.

        Everyone who carried a source carries `into` (once). `into` keeps its cadence; if it has
        none, it takes the shortest of the sources' cadences, so nobody who was kept in touch with
        through a source is forgotten (though people who carried only `into` now get that cadence).
        Naming `into` among the sources is ignored; naming no other tag is refused.
        """
        with self._writing() as session:
            target = _find_tag(session, into)
            merged: list[Tag] = []
            for name in sources:
                tag = _find_tag(session, name)
                if tag.id != target.id and tag not in merged:
                    merged.append(tag)
            if not merged:
                raise InvalidInput(f"tag: name at least one other tag to merge into {target.name!r}.")
            ids = [tag.id for tag in merged]
            people = _carriers(session, [*ids, target.id])
            if target.cadence_days is None:
                target.cadence_days = min((t.cadence_days for t in merged if t.cadence_days), default=None)
            has_target = select(person_tag.c.person_id).where(person_tag.c.tag_id == target.id)
            session.execute(
                insert(person_tag).from_select(
                    ["person_id", "tag_id"],
                    select(person_tag.c.person_id, literal(target.id))
                    .where(person_tag.c.tag_id.in_(ids), person_tag.c.person_id.not_in(has_target))
                    .distinct(),
                )
            )
            _delete_tags(session, merged)
            _drop_stale_nudges(session, people, self._rules(session))
            touch(session, tags=True, people=people, reminders=True)
            return _tag_record(session, target)

    def delete_tag(self, name: str) -> TagRecord:
        """Delete a tag: the people who carried it stay, without it. Returns the tag as it was."""
        with self._writing() as session:
            tag = _find_tag(session, name)
            gone = _tag_record(session, tag)
            people = _carriers(session, [tag.id])
            _delete_tags(session, [tag])
            _drop_stale_nudges(session, people, self._rules(session))
            touch(session, tags=True, people=people, reminders=True)
            return gone

    # Settings, export, import, checks ----------------------------------------------------------
    def setting(self, key: str, default: Any = None) -> Any:
        """A setting's value: stored, else `default`, else its declared default (see `settings.py`)."""
        from relationjournal.core.settings import SETTINGS

        with self._reading() as session:
            stored = session.get(Setting, key)
        if stored is not None:
            return json.loads(stored.value)
        if default is None and key in SETTINGS:
            return SETTINGS[key].default
        return default

    def set_setting(self, key: str, value: Any) -> None:
        with self._writing() as session:
            session.merge(Setting(key=key, value=json.dumps(value)))
            touch(session, settings=True, reminders=True)

    def export_csv(self, folder: Path, *, excel: bool = False, progress: Progress = no_progress) -> list[Path]:
        """Write the whole journal as CSV files in a new folder inside `folder`, named for the day
        (`relationjournal-export-2026-11-30`, then `-2`...): never over an earlier export, and the
        chosen folder keeps its mode. Plain text: the caller warns the user. Returns the files written.

        `progress` hears the rows written; raising from it (Cancel) leaves no file behind.
        """
        from relationjournal.core import csvio

        with self._reading() as session:
            return csvio.export_all(session, folder, excel=excel, progress=progress)

    def import_csv(self, source: Path) -> dict[str, int]:
        """Import CSV files (a folder of exports, or one file); all rows or none. Returns counts."""
        from relationjournal.core import csvio

        batch = csvio.read_import(source)
        with self._writing() as session:
            touch(session, everything=True)
            return csvio.apply_import(session, batch)

    def fill_demo(self, *, people: int, interactions: int, seed: int = 1) -> dict[str, int]:
        """Add deterministic demo data (see `demo.py`); returns what was added."""
        from relationjournal.core import demo

        with self._writing() as session:
            touch(session, everything=True)
            return demo.generate(session, people=people, interactions=interactions, seed=seed)

    def copy_to(self, target: Path) -> None:
        """A consistent, encrypted copy of the whole journal in the empty file `target` (SQLite's VACUUM INTO)."""
        quoted = "'" + str(target).replace("'", "''") + "'"
        with self._cursor() as cursor:  # VACUUM cannot run inside a transaction, and a bare cursor has none
            cursor.execute(f"VACUUM INTO {quoted}")

    def integrity_problems(self) -> list[str]:
        with database_errors(self.path):
            return integrity_problems(self._engine)

    def import_source(
        self,
        path: Path | str,
        *,
        kind: str = "auto",
        dry_run: bool = False,
        tag: str | None = None,
        owners: dict[str, str] | None = None,
        expected: int = 0,
        progress: Progress = no_progress,
        now: datetime | None = None,
    ) -> ImportSummary:
        """Import another platform's export (or the journal's own CSV export) at `path`: the .zip as
        downloaded, its folder, or one file; `kind` "auto" recognises it by content (see `importing.py`).

        One transaction: a cancel (raised from `progress`) or any error leaves the journal as it was.
        A dry run does everything and rolls it back, so its summary is exactly what the import does.
        `owners` names, per platform ("linkedin"), who the user is in its messages (a participant
        key from the summary's owner candidates), where the export's own guess is wrong.
        """
        from relationjournal.core import importing

        path = Path(path)
        if kind == "journal" or (kind == "auto" and importing.is_journal_export(path)):
            return self._import_journal_csv(path, dry_run=dry_run)
        now = now or utc_now()
        with importing.open_export(path, kind) as source:
            try:
                with self._writing() as session:
                    touch(session, everything=True)
                    rules = self._rules(session)
                    summary = importing.run_import(
                        session,
                        source,
                        rules=rules,
                        now=now,
                        tag=tag,
                        owners=owners or {},
                        dry_run=dry_run,
                        expected=expected,
                        progress=progress,
                    )
                    if summary.people_with_conversations:
                        _drop_stale_nudges(session, list(summary.people_with_conversations), rules)
                    if dry_run:
                        raise _DryRun(summary)
                    return summary
            except _DryRun as done:
                assert isinstance(done.result, importing.ImportSummary)
                return done.result

    def _import_journal_csv(self, path: Path, *, dry_run: bool) -> ImportSummary:
        from relationjournal.core import csvio, importing

        if dry_run:
            batch = csvio.read_import(path)
            counts = {name: len(rows) for name, rows in batch.rows.items()}
        else:
            counts = self.import_csv(path)
        return importing.ImportSummary(source=path.name, kinds=("journal",), dry_run=dry_run,
                                       records=sum(counts.values()), journal_rows=counts)  # fmt: skip

    # Merging people --------------------------------------------------------------------------------
    def merge_people(
        self,
        keep_id: int,
        other_id: int,
        choices: dict[str, MergeChoice] | None = None,
        *,
        dry_run: bool = False,
        now: datetime | None = None,
    ) -> MergeResult:
        """Merge the person `other_id` into `keep_id`, in one transaction; the other person is deleted.

        Everything that refers to the other person moves to the kept one: conversations, notes,
        reminders, handles (those both had, once), tags, programme memberships, reflections, and
        rows of any other table with a key to the person. Each field takes the value `choices`
        names ("keep" or "other"); a field not named keeps the kept person's value, or takes the
        other's where the kept one is empty. A value that is not kept (non-empty, different) is
        written into a note on the kept person: nothing is dropped. Open nudges that are duplicates
        after the merge (two stay-in-touch nudges, two welcomes) become one. A dry run does it all
        and rolls it back, so what it returns is exactly what a merge would do.
        """
        choices = dict(choices or {})
        unknown = sorted(set(choices) - set(PERSON_SCALAR_FIELDS))
        if unknown:
            raise InvalidInput(
                f"merge: unknown field {', '.join(unknown)}; the fields are {', '.join(PERSON_SCALAR_FIELDS)}."
            )
        bad = sorted(name for name, side in choices.items() if side not in ("keep", "other"))
        if bad:
            raise InvalidInput(f"merge: choose keep or other for {', '.join(bad)}.")
        if keep_id == other_id:
            raise InvalidInput("merge: a person cannot be merged with themself; choose two different people.")
        now = now or utc_now()
        try:
            with self._writing() as session:
                result = _merge(session, keep_id, other_id, choices, now, self._rules(session), dry_run)
                if dry_run:
                    raise _DryRun(result)  # rolls the transaction back: nothing is written, nothing announced
                return result
        except _DryRun as done:
            assert isinstance(done.result, MergeResult)
            return done.result

    def duplicate_suggestions(self, *, limit: int = 200, person_id: int | None = None) -> list[DuplicateSuggestion]:
        """Pairs of people who may be one person, the near-certain first, then by name.

        Strong: the same e-mail, phone or profile (compared the way each is written: case, `@`,
        `https://…/in/`, spaces in a phone number do not count). Suggestions only: the same name
        ignoring case and accents, the same names in another order ("Müller Zoë"), or an initial
        for a first name ("Z. Müller"). Found by grouping keys in dictionaries (no comparing of
        every pair), so 10,000 people take a fraction of a second. With `person_id`, only pairs
        with that person.
        """
        with self._cursor() as cursor:  # plain rows: 30,000 of them through the ORM cost several times more
            cursor.execute("BEGIN")  # one snapshot for both reads
            try:
                handles = cursor.execute("SELECT person_id, platform, value FROM handle").fetchall()
                names = cursor.execute("SELECT id, display_name FROM person").fetchall()
            finally:
                cursor.execute("COMMIT")
        found = _duplicate_pairs(handles, names, person_id)
        ranked = heapq.nsmallest(limit, found.items(), key=lambda item: (not item[1][1], item[0]))
        summaries = {s.id: s for s in self.person_summaries(sorted({i for pair, _ in ranked for i in pair}))}
        return [
            DuplicateSuggestion(summaries[a], summaries[b], tuple(reasons), strong)
            for (a, b), (reasons, strong) in ranked
            if a in summaries and b in summaries
        ]


# Helpers: loading and converting --------------------------------------------------------------
def _file_identity(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return stat.st_dev, stat.st_ino


def _get(session: Session, model: type[Any], record_id: int, what: str) -> Any:
    """The row with this id, or a NotFound naming what was asked for."""
    found = session.get(model, record_id)
    if found is None:
        raise NotFound(f"There is no {what} with id {record_id}.")
    return found


def _load_reminder(session: Session, reminder_id: int, *, open_only: bool = True) -> Reminder:
    reminder: Reminder = _get(session, Reminder, reminder_id, "reminder")
    if open_only and reminder.state not in (ReminderState.open, ReminderState.snoozed):
        raise InvalidInput(f"Reminder #{reminder_id} is already {reminder.state.value}.")
    return reminder


def _load_membership(session: Session, membership_id: int) -> ProgrammeMembership:
    membership: ProgrammeMembership = _get(session, ProgrammeMembership, membership_id, "programme membership")
    return membership


def _close_programme_reviews(session: Session, person_id: int) -> None:
    for reminder in session.scalars(
        select(Reminder).where(
            Reminder.person_id == person_id,
            Reminder.kind.in_([ReminderKind.programme_review, ReminderKind.programme_contact]),
            Reminder.state.in_([ReminderState.open, ReminderState.snoozed]),
        )
    ):
        reminder.state, reminder.closed_at = ReminderState.done, utc_now()


def _reflection_record(r: Reflection, person_name: str | None) -> ReflectionRecord:
    return ReflectionRecord(
        **{name: getattr(r, name) for name in REFLECTION_QUESTIONS},
        id=r.id,
        created_at=r.created_at,
        person_id=r.person_id,
        person_name=person_name,
    )


def _find_person(session: Session, person_id: int) -> Person | None:
    """The person with their handles and tags (what a `PersonRecord` shows), or None."""
    return session.scalars(
        select(Person).where(Person.id == person_id).options(selectinload(Person.handles), selectinload(Person.tags))
    ).one_or_none()


def _load_person(session: Session, person_id: int) -> Person:
    person = _find_person(session, person_id)
    if person is None:
        raise NotFound(f"There is no person with id {person_id}.")
    return person


def _tags(session: Session, names: Sequence[str]) -> list[Tag]:
    """Tag rows for `names`, creating the missing ones; case-insensitive, in order, no repeats."""
    tags: list[Tag] = []
    for raw in names:
        name = fields.tag_name(raw)
        tag = session.scalars(select(Tag).where(Tag.name == name)).one_or_none()  # NOCASE column
        if tag is None:
            tag = Tag(name=name)
            session.add(tag)
            session.flush()
        if tag not in tags:
            tags.append(tag)
    return tags


def _find_tag(session: Session, name: str) -> Tag:
    """The tag called `name` in any letter case, or a NotFound naming it."""
    wanted = name.strip()
    if not wanted:
        raise InvalidInput("tag: name a tag.")
    tag = session.scalars(select(Tag).where(Tag.name == wanted)).one_or_none()  # NOCASE column
    if tag is None:
        raise NotFound(f"There is no tag called {wanted!r}.")
    return tag


def _carriers(session: Session, tag_ids: Sequence[int]) -> list[int]:
    """The ids of the people who carry any of these tags."""
    query = select(person_tag.c.person_id).where(person_tag.c.tag_id.in_(tag_ids)).distinct()
    return list(session.scalars(query))


def _tag_record(session: Session, tag: Tag) -> TagRecord:
    people = session.scalar(select(func.count()).select_from(person_tag).where(person_tag.c.tag_id == tag.id))
    return TagRecord(tag.id, tag.name, tag.cadence_days, people or 0)


def _delete_tags(session: Session, tags: Sequence[Tag]) -> None:
    """Delete these tags and every person's link to them (the people stay)."""
    session.execute(delete(person_tag).where(person_tag.c.tag_id.in_([tag.id for tag in tags])))
    for tag in tags:
        session.delete(tag)
    session.flush()


def _drop_stale_nudges(session: Session, person_ids: Sequence[int], rules: wellbeing.Rules) -> None:
    """Delete the open stay-in-touch nudges of these people that their cadence no longer asks for.

    `wellbeing.materialise_due` makes a nudge for the moment a person's cadence runs out after
    their last contact. Once a tag's cadence changes (or a tag goes), a nudge for a moment their
    cadence no longer gives, or for someone left with no cadence, goes; the next `due_reminders`
    makes the one the new cadence asks for, once it is due. Deleted, not dismissed: a dismissed
    nudge keeps its moment from being asked for again (that is how a dismissal sticks), and
    setting the old cadence back should bring its nudge back.
    """
    cadence = queries.effective_cadence(rules.default_cadence_days)
    for start in range(0, len(person_ids), KEY_CHUNK):  # SQLite takes at most 32,766 parameters
        rows = session.execute(
            select(Reminder.id, Reminder.due_at, cadence, queries.contact_since())
            .join(Person, Person.id == Reminder.person_id)
            .where(
                Reminder.person_id.in_(person_ids[start : start + KEY_CHUNK]),
                Reminder.kind == ReminderKind.stay_in_touch,
                Reminder.state.in_(wellbeing.OPEN_STATES),
            )
        ).all()
        stale = []
        for reminder_id, due, days, since in rows:
            last = since if isinstance(since, datetime) else datetime.fromisoformat(since)
            if not days or days_later(last, days, rules.zone) != due:
                stale.append(reminder_id)
        if stale:
            session.execute(delete(Reminder).where(Reminder.id.in_(stale)))


def _filter_interactions(query: Any, wanted: TimelineFilter) -> Any:
    if isinstance(wanted.channel, CustomChannel):
        query = query.where(Interaction.custom_channel_id == wanted.channel.id)
    elif wanted.channel is not None:
        query = query.where(Interaction.channel == wanted.channel)
    if wanted.direction is not None:
        query = query.where(Interaction.direction == wanted.direction)
    if wanted.tone is not None:
        query = query.where(Interaction.tone == wanted.tone)
    if wanted.since is not None:
        query = query.where(Interaction.occurred_at >= wanted.since)
    if wanted.until is not None:
        query = query.where(Interaction.occurred_at < wanted.until)
    if wanted.tag:
        tagged = select(person_tag.c.person_id).join(Tag, Tag.id == person_tag.c.tag_id).where(Tag.name == wanted.tag)
        query = query.where(Interaction.person_id.in_(tagged))
    return query


def _described(session: Session, person_ids: Sequence[int]) -> Sequence[Any]:
    """Id, name and organisation of these people, in that order, for `_describe`."""
    rows = session.execute(
        select(Person.id, Person.display_name, Person.organisation).where(Person.id.in_(person_ids))
    ).all()
    order = {person_id: i for i, person_id in enumerate(person_ids)}
    return sorted(rows, key=lambda row: order[row.id])


def _describe(row: Any) -> str:
    return f"#{row.id} {row.display_name}" + (f" ({row.organisation})" if row.organisation else "")


def _person_record(person: Person) -> PersonRecord:
    return PersonRecord(
        **{name: getattr(person, name) for name in PERSON_SCALAR_FIELDS},
        id=person.id,
        created_at=person.created_at,
        updated_at=person.updated_at,
        handles=tuple((h.platform, h.value) for h in person.handles),
        tags=tuple(sorted((t.name for t in person.tags), key=str.casefold)),
        last_contact=person.last_contact_at,
    )


def _note_record(note: Note, person_name: str) -> NoteRecord:
    return NoteRecord(
        id=note.id, person_id=note.person_id, person_name=person_name, body=note.body, pinned=note.pinned,
        hard_event=note.hard_event, created_at=note.created_at, updated_at=note.updated_at,
        anniversary=note.anniversary,
    )  # fmt: skip


def _interaction_values(draft: InteractionDraft) -> dict[str, Any]:
    """An interaction's columns from a draft, checked and cleaned (logging and editing alike); its
    channel is stored by `channels.columns`, which needs the session."""
    if draft.occurred_at.tzinfo is None:
        raise InvalidInput("when: give a time with a timezone.")
    return dict(
        occurred_at=draft.occurred_at, direction=draft.direction,
        summary=fields.clean_text(draft.summary, "summary"), body=fields.clean_text(draft.body, "body"),
        tone=draft.tone, context=draft.context, hard_event=draft.hard_event,
        reached_out_by=fields.clean_text(draft.reached_out_by, "reached out by", max_length=500),
        follow_up_on=draft.follow_up_on, anniversary=draft.anniversary,
    )  # fmt: skip


def _interaction_record(i: Interaction, person_name: str, channel: AnyChannel) -> InteractionRecord:
    """`channel`: the interaction's, as a record (`channels.of` reads one the user added)."""
    return InteractionRecord(
        id=i.id, person_id=i.person_id, person_name=person_name, occurred_at=i.occurred_at, channel=channel,
        direction=i.direction, summary=i.summary, body=i.body, tone=i.tone, context=i.context,
        hard_event=i.hard_event, reached_out_by=i.reached_out_by, follow_up_on=i.follow_up_on,
        created_at=i.created_at, anniversary=i.anniversary,
    )  # fmt: skip


def _reminder_record(r: Any, person_name: str | None) -> ReminderRecord:
    """`r`: a Reminder, or a row of its columns (`wellbeing.due_now`)."""
    return ReminderRecord(
        id=r.id, person_id=r.person_id, person_name=person_name, kind=r.kind, due_at=r.due_at,
        recurrence_days=r.recurrence_days, text=r.text, state=r.state, snoozed_until=r.snoozed_until,
        created_at=r.created_at, business=r.business, source_interaction_id=r.source_interaction_id,
        closed_at=r.closed_at, occasion=r.occasion,
    )  # fmt: skip


def _person_date_record(d: PersonDate, person_name: str) -> PersonDateRecord:
    return PersonDateRecord(
        id=d.id, person_id=d.person_id, person_name=person_name, label=d.label, month=d.month, day=d.day,
        year=d.year, created_at=d.created_at,
    )  # fmt: skip


def _membership_record(m: ProgrammeMembership, person_name: str) -> MembershipRecord:
    return MembershipRecord(
        id=m.id, person_id=m.person_id, person_name=person_name, programme=m.programme, joined_on=m.joined_on,
        review_on=m.review_on, left_on=m.left_on, notes=m.notes,
    )  # fmt: skip


# Helpers: merging people and finding duplicates --------------------------------------------------
class _DryRun(Exception):
    """Raised inside a dry run's transaction to roll it back, carrying what it would have done."""

    def __init__(self, result: Any):
        super().__init__("dry run")
        self.result = result


# Nudges a person has at most one of open at a time: after a merge, duplicates go.
_ONE_OPEN = (ReminderKind.stay_in_touch, ReminderKind.welcome, ReminderKind.programme_contact)
_UNSYNCED = {"synchronize_session": False}  # bulk statements on rows the session does not track
# Tables whose key to a person `_merge` moves itself; a key in any other table is moved generically.
_MOVED_BY_NAME = {"person", "person_tag", "handle", "note", "interaction", "reminder", "programme_membership",
                  "reflection"}  # fmt: skip


def _merge(
    session: Session,
    keep_id: int,
    other_id: int,
    choices: dict[str, MergeChoice],
    now: datetime,
    rules: wellbeing.Rules,
    dry_run: bool,
) -> MergeResult:
    keep, other = _load_person(session, keep_id), _load_person(session, other_id)
    before, removed = _person_record(keep), _person_record(other)
    paused = [p for p in (keep.business_paused_until, other.business_paused_until) if p is not None]
    values: dict[str, Any] = {}
    noted: list[tuple[str, str]] = []
    for name in PERSON_SCALAR_FIELDS:
        mine, theirs = getattr(before, name), getattr(removed, name)
        side = choices.get(name) or ("other" if _blank(mine) and not _blank(theirs) else "keep")
        chosen, dropped = (theirs, mine) if side == "other" else (mine, theirs)
        if side == "other" and theirs != mine:
            values[name] = theirs
        named_above = name == "display_name" and dropped == removed.display_name  # the note's first line names them
        if not _blank(dropped) and dropped != chosen and not named_above:
            noted.append((name, _merge_value(dropped)))

    moved = {
        "conversations": _count_of(session, Interaction, other_id),
        "notes": _count_of(session, Note, other_id),
        "reminders": _count_of(session, Reminder, other_id),
        "programmes": _count_of(session, ProgrammeMembership, other_id),
        "reflections": _count_of(session, Reflection, other_id),
    }
    held = {_handle_key(platform, value) for platform, value in before.handles}
    moving: list[int] = []
    for handle in other.handles:
        key = _handle_key(handle.platform, handle.value)
        if key not in held:
            held.add(key)
            moving.append(handle.id)
    moved["handles"] = len(moving)
    new_tags = [tag.id for tag in other.tags if tag.id not in {t.id for t in keep.tags}]
    moved["tags"] = len(new_tags)
    open_before = _open_reminders(session, [keep_id, other_id])

    moving_rows = (Interaction, Note, Reminder, ProgrammeMembership, Reflection, PersonDate)
    for model in moving_rows:  # (triggers keep last contact)
        session.execute(update(model).where(model.person_id == other_id).values(person_id=keep_id),
                        execution_options=_UNSYNCED)  # fmt: skip
    if moving:
        session.execute(update(Handle).where(Handle.id.in_(moving)).values(person_id=keep_id),
                        execution_options=_UNSYNCED)  # fmt: skip
    if new_tags:
        session.execute(insert(person_tag), [{"person_id": keep_id, "tag_id": tag_id} for tag_id in new_tags])
    _move_other_references(session, keep_id, other_id)
    session.expunge_all()  # what the session held of both is stale now
    session.execute(delete(Person).where(Person.id == other_id), execution_options=_UNSYNCED)  # (and same handles)

    person = _load_person(session, keep_id)
    for name, value in values.items():
        setattr(person, name, value)
    person.business_paused_until = max(paused, default=None)
    person.created_at = min(before.created_at, removed.created_at)  # known since the earlier of the two
    person.updated_at = now
    day = now.astimezone(rules.zone).date()
    note = _merge_note(removed, noted, day) if noted else ""
    if note:
        session.add(Note(person_id=keep_id, body=note, created_at=now, updated_at=now))
    session.flush()
    _drop_stale_nudges(session, [keep_id], rules)  # a nudge for a contact the other person's history answers
    _collapse_nudges(session, keep_id)
    session.flush()
    session.refresh(person)  # last contact, as the triggers left it
    touch(session, people={keep_id, other_id}, entries={keep_id, other_id}, reminders=True,
          tags=bool(removed.tags), reflections=bool(moved["reflections"]))  # fmt: skip
    return MergeResult(
        kept=_person_record(person),
        removed=removed,
        taken=tuple(values),
        noted=tuple(noted),
        note=note,
        moved={name: moved[name] for name in MERGE_MOVED},
        same_handles=len(other.handles) - len(moving),
        reminders_collapsed=open_before - _open_reminders(session, [keep_id]),
        dry_run=dry_run,
    )


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _merge_value(value: Any) -> str:
    """A field's value as the merge note and the CLI write it."""
    if isinstance(value, date):
        return value.isoformat()
    return str(value.value if isinstance(value, Status) else value)


def _merge_note(removed: PersonRecord, noted: Sequence[tuple[str, str]], day: date) -> str:
    """The note that keeps the values a merge did not keep: "Merged from Zoe Muller on 2026-11-30: …"."""
    lines = [f"Merged from {removed.display_name} on {day.isoformat()}: these values were not kept."]
    for name, value in noted:
        first, *rest = value.strip().splitlines() or [""]
        lines.append(f"- {MERGE_FIELD_LABELS[name]} was {first}")
        lines.extend(f"  {line}" for line in rest)
    return "\n".join(lines)


def _count_of(session: Session, model: Any, person_id: int) -> int:
    return session.scalar(select(func.count()).select_from(model).where(model.person_id == person_id)) or 0


def _open_reminders(session: Session, person_ids: Sequence[int]) -> int:
    query = select(func.count(Reminder.id)).where(
        Reminder.person_id.in_(person_ids), Reminder.state.in_(wellbeing.OPEN_STATES)
    )
    return session.scalar(query) or 0


def _collapse_nudges(session: Session, person_id: int) -> None:
    """One open nudge of each kind a person has one of (two stay-in-touch nudges are one): a snoozed one
    stays (the user has answered it), else the oldest."""
    rows = session.execute(
        select(Reminder.id, Reminder.kind, Reminder.state).where(
            Reminder.person_id == person_id, Reminder.kind.in_(_ONE_OPEN), Reminder.state.in_(wellbeing.OPEN_STATES)
        )
    ).all()
    seen: set[ReminderKind] = set()
    extra = []
    for reminder_id, kind, _state in sorted(rows, key=lambda row: (row.state is not ReminderState.snoozed, row.id)):
        if kind in seen:
            extra.append(reminder_id)
        seen.add(kind)
    if extra:
        session.execute(delete(Reminder).where(Reminder.id.in_(extra)), execution_options=_UNSYNCED)


def _move_other_references(session: Session, keep_id: int, other_id: int) -> None:
    """Rows of tables this module does not know (added by a later version) that refer to the other person
    move too; a row that would then repeat one of the kept person's (a unique key) stays and goes with them."""
    tables = session.scalars(text("SELECT name FROM sqlite_master WHERE type = 'table'")).all()
    for table in tables:
        if table in _MOVED_BY_NAME or table.startswith("sqlite_"):
            continue
        quoted = '"' + table.replace('"', '""') + '"'
        for key in session.execute(text(f"PRAGMA foreign_key_list({quoted})")).all():
            if key[2] == "person" and key[4] in (None, "id"):
                column = '"' + str(key[3]).replace('"', '""') + '"'
                session.execute(
                    text(f"UPDATE OR IGNORE {quoted} SET {column} = :keep WHERE {column} = :other"),
                    {"keep": keep_id, "other": other_id},
                )


# What makes two handles one: the way each kind is written varies ("@Ada", "x.com/ada", "ADA").
_PROFILE_PREFIX = re.compile(
    r"^(?:https?://)?(?:[a-z]{2,3}\.|www\.|mobile\.)?(?:x|twitter|instagram|facebook|fb|linkedin)\.com/"
    r"(?:in/|pub/|_u/|#!/)?"
)
_STRONG: dict[str, str] = {
    Platform.email: "e-mail", Platform.phone: "phone", Platform.linkedin: "LinkedIn profile", Platform.x: "X account",
    Platform.instagram: "Instagram account", Platform.facebook: "Facebook profile",
}  # fmt: skip
_WORDS = re.compile(r"\w+")
_BUCKET_PAIRS = 30  # a larger group (thirty people with one e-mail) pairs each with its first, not all pairs


def _always(reason: str) -> Callable[[int, int], str]:
    return lambda _a, _b: reason


def handle_key(platform: Platform | str, value: str) -> tuple[str, str]:
    """A handle as compared when matching and finding duplicates (the import engine uses it too)."""
    return _handle_key(platform, value)


def strong_handle_label(platform: Platform | str) -> str:
    """ "e-mail", "phone", "LinkedIn profile" …: a handle that makes two people one; "" for one that does not."""
    return _STRONG.get(str(platform), "")


def name_words(name: str) -> list[str]:
    """A name's folded words, as duplicates are found by name ("Zoë Müller" → ["zoe", "muller"])."""
    return _WORDS.findall(fold(name))


def _handle_key(platform: Platform | str, value: str) -> tuple[str, str]:
    """A handle as compared: no case, no `@`, no profile address around the name, a phone's digits only."""
    folded = fold(value.strip())
    if platform == Platform.email:
        return str(platform), folded.removeprefix("mailto:")
    if platform == Platform.phone:
        digits = "".join(ch for ch in folded if ch.isdigit())
        return str(platform), digits.removeprefix("00") if folded.startswith("00") else digits
    if platform in (Platform.x, Platform.instagram, Platform.facebook, Platform.linkedin):
        name = _PROFILE_PREFIX.sub("", folded).split("?")[0].strip("/").lstrip("@")
        return str(platform), name
    if platform == Platform.website:
        return str(platform), re.sub(r"^(?:https?://)?(?:www\.)?", "", folded).rstrip("/")
    return str(platform), folded


def _duplicate_pairs(
    handles: Sequence[Any], names: Sequence[Any], only: int | None = None
) -> dict[tuple[int, int], tuple[list[str], bool]]:
    """Every pair of people who share a strong key or a name key (with `only`: pairs with that person), with
    why. People are grouped by key in dictionaries; only the people within one group are paired."""
    pairs: dict[tuple[int, int], tuple[list[str], bool]] = {}

    def pair_up(members: Sequence[int], reason: Callable[[int, int], str | None], strong: bool) -> None:
        ids = list(dict.fromkeys(members))
        if len(ids) < 2 or (only is not None and only not in ids):
            return
        if only is not None:
            couples: Iterable[tuple[int, int]] = ((only, i) for i in ids if i != only)
        elif len(ids) <= _BUCKET_PAIRS:
            couples = itertools.combinations(ids, 2)
        else:
            couples = ((ids[0], i) for i in ids[1:])
        for a, b in couples:
            why = reason(a, b)
            if why is None:
                continue
            key = (a, b) if a < b else (b, a)
            found = pairs.get(key)
            if found is None:
                pairs[key] = ([why], strong)
            else:
                if why not in found[0]:
                    found[0].append(why)
                if strong and not found[1]:
                    pairs[key] = (found[0], True)

    by_handle: dict[tuple[str, str], list[tuple[int, str]]] = {}
    for person_id, platform, value in handles:
        if platform in _STRONG:
            key = _handle_key(platform, value)
            if len(key[1]) >= (6 if platform == Platform.phone else 2):
                by_handle.setdefault(key, []).append((person_id, value))
    for (platform_value, _), holders in by_handle.items():
        if len(holders) > 1:
            label = _STRONG[platform_value]
            pair_up([person_id for person_id, _ in holders], _always(f"same {label} {holders[0][1].strip()}"), True)

    # Per person, once: the name as written, without case, and its folded words in order.
    written: dict[int, tuple[str, str, tuple[str, ...]]] = {}
    by_name: dict[tuple[str, ...], list[int]] = {}
    by_initial: dict[tuple[str, ...], list[int]] = {}
    for person_id, name in names:
        words = tuple(_WORDS.findall(fold(name)))
        if not words:
            continue
        written[person_id] = (name.strip(), name.strip().casefold(), words)
        by_name.setdefault(tuple(sorted(words)), []).append(person_id)
        if len(words) >= 2:
            by_initial.setdefault((words[0][0], *words[1:]), []).append(person_id)

    def same_name(a: int, b: int) -> str:
        first, second = written[a], written[b]
        if first[0] == second[0]:
            return "same name"
        if first[2] == second[2]:
            return "same name ignoring case" if first[1] == second[1] else "same name ignoring accents"
        return "same name in another order"

    def initial(a: int, b: int) -> str | None:
        short = [i for i in (a, b) if len(written[i][2][0]) == 1]
        if len(short) != 1:  # two full names with one first letter are two people; two initials tell nothing
            return None
        full = b if short[0] == a else a
        return f"same surname, and {written[short[0]][0].split()[0]} may be {written[full][0].split()[0]}"

    for members in by_name.values():
        if len(members) > 1:
            pair_up(members, same_name, False)
    for members in by_initial.values():
        if len(members) > 1 and any(len(written[i][2][0]) == 1 for i in members):
            pair_up(members, initial, False)
    return pairs
