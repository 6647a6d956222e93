"""Timeline reads in plain SQL: the hottest read path of the app, so no ORM row sits in between.

Opening a person shows their newest entries at once, and scrolling a 1,000,000-row timeline asks
for a page of rows per screen. Building ORM objects for those costs ten times the query itself, so
these queries return driver rows in one shape for both kinds, and `entries` turns them straight
into records. Both kinds are ordered by (time, key): keys (see `records.timeline_key`) break ties,
so a page boundary never skips or repeats an entry.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Any

from relationjournal.core.records import InteractionRecord, NoteRecord, TimelineEntry
from relationjournal.core.vocabulary import UTC_FORMAT, AnyChannel, Channel, Context, CustomChannel, Direction, Tone

# One row shape for both kinds: key, time, person id, name, then the kind's own columns. A channel
# is a built-in one's value (text), or the id (an integer) of one the user added (see `entries`).
_INTERACTIONS = (
    "SELECT i.id * 2 AS k, i.occurred_at AS t, i.person_id, p.display_name, "
    "coalesce(i.channel, i.custom_channel_id), i.direction, i.summary, "
    "i.body, i.tone, i.context, i.hard_event, i.reached_out_by, i.follow_up_on, i.created_at, i.anniversary "
    "FROM interaction i JOIN person p ON p.id = i.person_id"
)
_NOTES = (
    "SELECT n.id * 2 + 1 AS k, n.created_at AS t, n.person_id, p.display_name, NULL, NULL, NULL, "
    "n.body, NULL, NULL, n.hard_event, n.pinned, NULL, n.updated_at, n.anniversary "
    "FROM note n JOIN person p ON p.id = n.person_id"
)
_CHANNELS: dict[str | int, AnyChannel] = {m.value: m for m in Channel}
CUSTOM_CHANNELS = "SELECT id, name FROM custom_channel"
_DIRECTIONS = {m.value: m for m in Direction}
_TONES = {m.value: m for m in Tone}
_CONTEXTS = {m.value: m for m in Context}


def page_query(person_id: int | None, before: TimelineEntry | None, limit: int) -> tuple[str, list[Any]]:
    """SQL and parameters for the `limit` newest entries older than `before` (of one person, or everyone).

    Each kind is cut to `limit` on its own index first, so a page reads about `2 * limit` rows
    however long the timeline is.
    """
    parts: list[str] = []
    params: list[Any] = []
    for select, alias, time_column, key_column in ((_INTERACTIONS, "i", "i.occurred_at", "i.id * 2"),
                                                   (_NOTES, "n", "n.created_at", "n.id * 2 + 1")):  # fmt: skip
        where: list[str] = []
        if person_id is not None:
            where.append(f"{alias}.person_id = ?")
            params.append(person_id)
        if before is not None:
            stamp = before.when.astimezone(UTC).strftime(UTC_FORMAT)
            # The plain range lets SQLite walk the (person, time) index; the row value breaks ties.
            where.append(f"{time_column} <= ? AND ({time_column}, {key_column}) < (?, ?)")
            params += [stamp, stamp, before.key]
        condition = f" WHERE {' AND '.join(where)}" if where else ""
        # By id, not by key: the same order within a kind, and the one the (person, time) index
        # already holds, so SQLite sorts nothing.
        parts.append(f"SELECT * FROM ({select}{condition} ORDER BY t DESC, {alias}.id DESC LIMIT {int(limit)})")
    return " UNION ALL ".join(parts) + f" ORDER BY t DESC, k DESC LIMIT {int(limit)}", params


def keyed_query(keys: Sequence[int]) -> tuple[str, list[int]]:
    """SQL and parameters for the entries with these keys, in no particular order."""
    interaction_ids = [key >> 1 for key in keys if not key & 1]
    note_ids = [key >> 1 for key in keys if key & 1]
    parts = [
        f"{select} WHERE {alias}.id IN ({', '.join('?' * len(ids))})"
        for select, alias, ids in ((_INTERACTIONS, "i", interaction_ids), (_NOTES, "n", note_ids))
        if ids
    ]
    return " UNION ALL ".join(parts), interaction_ids + note_ids


def entries(rows: Iterable[Sequence[Any]], cursor: Any) -> list[TimelineEntry]:
    """Records from rows of the shape above; `cursor` reads the user's channels if a row has one."""
    parse = datetime.fromisoformat
    made = []
    channels = _CHANNELS
    rows = list(rows)
    # For a note, `by` holds `pinned` and `stamp` its `updated_at` (see `_NOTES`); `yr`: its `anniversary`.
    for row in rows:
        k, t, person_id, name, channel, direction, summary, body, tone, context, hard, by, follow_up, stamp, yr = row
        when = parse(t)
        if k & 1:
            made.append(TimelineEntry("note", when, NoteRecord(k >> 1, person_id, name, body, bool(by), bool(hard),
                                                              when, parse(stamp), bool(yr))))  # fmt: skip
        else:
            if channel not in channels:  # one of the user's channels: their names, read once per page
                custom = {i: CustomChannel(i, n) for i, n in cursor.execute(CUSTOM_CHANNELS).fetchall()}
                channels = {**_CHANNELS, **custom}
            made.append(TimelineEntry("interaction", when, InteractionRecord(
                k >> 1, person_id, name, when, channels[channel], _DIRECTIONS[direction], summary, body,
                _TONES[tone], _CONTEXTS[context], bool(hard), by,
                None if follow_up is None else date.fromisoformat(follow_up), parse(stamp), bool(yr),
            )))  # fmt: skip
    return made
