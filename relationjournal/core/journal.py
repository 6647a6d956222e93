"""The journal service: the one API the CLI, the desktop app and the tests all use.

Each public method is one user action and one transaction: reads in a plain transaction, writes
in `BEGIN IMMEDIATE`. Methods return immutable records (see `records.py`); no session or ORM
object leaves this module. Database errors a user can act on come out as `JournalError`s.
"""

from __future__ import annotations

import json
import os
from array import array
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, delete, func, insert, literal, or_, select
from sqlalchemy.orm import Session, selectinload

from relationjournal.core import fields, queries, search, timeline_sql, wellbeing
from relationjournal.core.atomicfile import fsync_file, translate_os_error
from relationjournal.core.changes import Change, recorded, touch
from relationjournal.core.clock import days_later, snooze_until
from relationjournal.core.database import database_errors, integrity_problems, writer
from relationjournal.core.errors import Ambiguous, InvalidInput, JournalExists, JournalGone, KeyUnavailable, NotFound
from relationjournal.core.folding import fold
from relationjournal.core.journallock import JournalLock
from relationjournal.core.locations import JournalLocation, create_private_file, make_private_dir
from relationjournal.core.models import (
    Handle,
    Interaction,
    Note,
    Person,
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
    PERSON_SCALAR_FIELDS,
    REFLECTION_QUESTIONS,
    REMINDER_GROUPS,
    DueReminder,
    InteractionDraft,
    InteractionRecord,
    MembershipRecord,
    NoteRecord,
    PeopleFilter,
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
from relationjournal.core.vocabulary import ReminderKind, ReminderState, Status, utc_now

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
            )

    def find_person(self, ref: str) -> PersonRecord:
        """A person by id, or by unique name ignoring case and accents ("zoe muller" finds "Zoë Müller");
        an ambiguous name lists the matches, an unknown one suggests names that contain its words.

        A name the way it is spelt wins over the same letters with other accents. Only ids and names
        are read (a few milliseconds for 10,000 people); full records only for the one found.
        """
        ref = ref.strip()
        with self._reading() as session:
            if ref.isdigit() and (by_id := _find_person(session, int(ref))) is not None:
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
            query = queries.filter_people(select(Person.id), wanted)
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
        self, person_id: int, body: str, *, pinned: bool = False, hard_event: bool = False, now: datetime | None = None
    ) -> NoteRecord:
        body = fields.clean_text(body, "note")
        if not body.strip():
            raise InvalidInput("note: the note is empty.")
        with self._writing() as session:
            person = _get(session, Person, person_id, "person")
            note = Note(person_id=person.id, body=body, pinned=pinned, hard_event=hard_event)
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
        if draft.occurred_at.tzinfo is None:
            raise InvalidInput("when: give a time with a timezone.")
        with self._writing() as session:
            person = _get(session, Person, person_id, "person")
            interaction = Interaction(
                person_id=person.id,
                occurred_at=draft.occurred_at,
                channel=draft.channel,
                direction=draft.direction,
                summary=fields.clean_text(draft.summary, "summary"),
                body=fields.clean_text(draft.body, "body"),
                tone=draft.tone,
                context=draft.context,
                hard_event=draft.hard_event,
                reached_out_by=fields.clean_text(draft.reached_out_by, "reached out by", max_length=500),
                follow_up_on=draft.follow_up_on,
            )
            session.add(interaction)
            session.flush()
            wellbeing.on_interaction_logged(session, interaction, now or utc_now(), self._rules(session))
            touch(session, entries={person.id}, reminders=True)
            return _interaction_record(interaction, person.display_name)

    def timeline(
        self, person_id: int | None = None, *, limit: int = 50, before: TimelineEntry | None = None
    ) -> list[TimelineEntry]:
        """Interactions and notes, newest first, of one person or of everyone.

        A page: pass the last entry shown as `before` for the next one (a person's page loads
        this way as it scrolls).
        """
        sql, params = timeline_sql.page_query(person_id, before, limit)
        with self._cursor() as cursor:
            page = timeline_sql.entries(cursor.execute(sql, params))
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
            found = {entry.key: entry for entry in timeline_sql.entries(cursor.execute(sql, params))}
        return [found[key] for key in keys if key in found]

    def pinned_notes(self, person_id: int) -> list[NoteRecord]:
        with self._reading() as session:
            rows = session.execute(
                select(Note, Person.display_name).join(Person)
                .where(Note.person_id == person_id, Note.pinned.is_(True))
                .order_by(Note.created_at.desc())
            )  # fmt: skip
            return [_note_record(n, name) for n, name in rows]

    def update_note(self, note_id: int, *, body: str | None = None, pinned: bool | None = None) -> NoteRecord:
        with self._writing() as session:
            note = _get(session, Note, note_id, "note")
            if body is not None:
                body = fields.clean_text(body, "note")
                if not body.strip():
                    raise InvalidInput("note: the note is empty.")
                note.body = body
            if pinned is not None:
                note.pinned = pinned
            note.updated_at = utc_now()
            session.flush()
            touch(session, entries={note.person_id})
            return _note_record(note, _get(session, Person, note.person_id, "person").display_name)

    def delete_note(self, note_id: int) -> None:
        with self._writing() as session:
            note = _get(session, Note, note_id, "note")
            touch(session, entries={note.person_id}, reminders=note.hard_event)
            session.delete(note)

    def delete_interaction(self, interaction_id: int) -> None:
        with self._writing() as session:
            interaction = _get(session, Interaction, interaction_id, "conversation")
            touch(session, entries={interaction.person_id}, reminders=True)
            session.delete(interaction)

    def search(self, query: str, *, limit: int = 50, mark: tuple[str, str] = ("[", "]")) -> list[SearchHit]:
        with self._reading() as session:
            return search.search(session, query, limit=limit, mark=mark)

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

    # Wellbeing -----------------------------------------------------------------------------------
    def rules(self) -> wellbeing.Rules:
        with self._reading() as session:
            return self._rules(session)

    def _rules(self, session: Session) -> wellbeing.Rules:
        settings = {s.key: json.loads(s.value) for s in session.scalars(select(Setting))}
        return wellbeing.Rules.from_settings(settings)

    def due_reminders(self, *, now: datetime | None = None) -> list[DueReminder]:
        """What to do now, grouped: self-care first, then check-ins, people, follow-ups, programmes."""
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
        """Write the whole journal as CSV files in `folder` (plain text: the caller warns the user).

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
    if wanted.channel is not None:
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
    )  # fmt: skip


def _interaction_record(i: Interaction, person_name: str) -> InteractionRecord:
    return InteractionRecord(
        id=i.id, person_id=i.person_id, person_name=person_name, occurred_at=i.occurred_at, channel=i.channel,
        direction=i.direction, summary=i.summary, body=i.body, tone=i.tone, context=i.context,
        hard_event=i.hard_event, reached_out_by=i.reached_out_by, follow_up_on=i.follow_up_on,
        created_at=i.created_at,
    )  # fmt: skip


def _reminder_record(r: Reminder, person_name: str | None) -> ReminderRecord:
    return ReminderRecord(
        id=r.id, person_id=r.person_id, person_name=person_name, kind=r.kind, due_at=r.due_at,
        recurrence_days=r.recurrence_days, text=r.text, state=r.state, snoozed_until=r.snoozed_until,
        created_at=r.created_at, business=r.business, source_interaction_id=r.source_interaction_id,
        closed_at=r.closed_at,
    )  # fmt: skip


def _membership_record(m: ProgrammeMembership, person_name: str) -> MembershipRecord:
    return MembershipRecord(
        id=m.id, person_id=m.person_id, person_name=person_name, programme=m.programme, joined_on=m.joined_on,
        review_on=m.review_on, left_on=m.left_on, notes=m.notes,
    )  # fmt: skip
