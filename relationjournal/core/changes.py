"""What a committed write changed, so that every view can update itself (the app's one notifier).

Each write of the journal service says what it touched (`touch(session, ...)`); when its
transaction commits, the journal hands one `Change` to every subscriber (`Journal.subscribe`).
Views never need to be told by hand to refresh: they listen. No Qt here: the app's `ui/changes.py`
carries a `Change` to the GUI thread.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

_KEY = "relationjournal.change"


@dataclass(frozen=True)
class Change:
    """What one or more committed writes changed. Flags may be broader than the write: never narrower."""

    people: frozenset[int] = field(default_factory=frozenset)  # a person's own fields (added, edited, archived)
    entries: frozenset[int] = field(default_factory=frozenset)  # people whose timeline or programmes changed
    reminders: bool = False  # anything Today or the tray count shows may differ
    tags: bool = False  # tag names or cadences
    settings: bool = False
    reflections: bool = False
    everything: bool = False  # an import or demo data: reload all
    channels: bool = False  # the user's own channels (added, renamed, deleted): pickers list them

    def __or__(self, other: Change) -> Change:
        return Change(
            self.people | other.people,
            self.entries | other.entries,
            self.reminders or other.reminders,
            self.tags or other.tags,
            self.settings or other.settings,
            self.reflections or other.reflections,
            self.everything or other.everything,
            self.channels or other.channels,
        )

    def touches_person(self, person_id: int) -> bool:
        return self.everything or person_id in self.people or person_id in self.entries


def touch(session: Session, **what: Any) -> None:
    """Record, on a write's session, what it changes (announced once the transaction commits)."""
    people = frozenset(what.pop("people", ()))
    entries = frozenset(what.pop("entries", ()))
    change = Change(people=people, entries=entries, **what)
    session.info[_KEY] = session.info[_KEY] | change if _KEY in session.info else change


def recorded(session: Session) -> Change | None:
    change: Change | None = session.info.get(_KEY)
    return change
