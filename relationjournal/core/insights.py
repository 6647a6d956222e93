"""Insights: the shape of the past months, computed in SQL for the Insights page and `relationjournal insights`.

This module holds the records both front ends read; the computation (`compute`) fills them. Every
number is for a period of local days on the journal's clock (`Rules.zone`), weeks start on Monday,
and the same measures as Today are used (the cadence and overdue ratio of `queries`, the emotional
load of `wellbeing`), so the page never disagrees with what Today shows.

Which filter narrows what:

- the period (`since`, `until`): rhythm, who reaches out, and your load; one-sided runs, slipping
  and programmes are about now (a run is a relationship's latest conversations, whenever they were);
- a tag or a programme: the people counted everywhere except your load (the people carrying the
  tag, the programme's current members);
- a channel: rhythm, who reaches out and one-sided runs (the latest conversations on that channel);
- your load is never narrowed: it is yours, all of it, exactly as Today measures it, and names no one.

Archived people's conversations still count in rhythm and who reaches out (they happened); archived
people are left out of one-sided, slipping and programmes, as Today leaves them out.

Speed: a year of a 1,000,000-conversation journal is 250,000 conversations. Each count is a range
search in a covering index (migrations 0010 and 0012), week by week and person by person, so no row is read
and nothing is sorted; Python only gets the totals.

What a year costs on the benchmark's journal (10,000 people, 1,000,000 conversations), CPU time
(steady under load, unlike wall time on a shared machine), before -> after issue 15's pass:
the whole year 315 -> 180 ms warm (the median of 5), 345 -> 235 ms cold (the first read after
opening); per person (who reaches out, one-sided runs) 240 -> 115; rhythm 38 -> 34; slipping
29 -> 26; load and programmes 2-3 each. A channel filter 317 -> 183, a tag 136 -> 116.
The per-person pass touches every page of the per-person index (it is three times the 16 MB page
cache, so every reading decrypts it again); what brought it down:
- the index holds the time as an integer (`OCCURRED_USEC`, migration 0012), 8 bytes instead of
  27 characters: 7,700 pages instead of 12,000 (the SQL 133 -> 98 ms);
- one pass over the people: each person's run is counted straight after their other numbers,
  while their pages are in the cache (two passes decrypted the index twice: 210 -> 135 ms), and
  SQLite is kept from flattening the passes into each other (it then searched the latest times
  again: 40 ms);
- only the 200 people shown become records, and the big reads come back as plain tuples (25 ms).
Measured and left out: a (person, time, direction) index read with `ORDER BY time DESC LIMIT N`
per person (112 ms, and the runs then need parsing and a second search for the one-sided);
a GROUP BY over a (time, person, direction) index (115-140 ms for the counts alone: it sorts
250,000 entries); a 128 MB page cache (a repeated reading 155 ms, but 55 MB more memory for each
connection that ran it, and a first reading no faster).
"""

from __future__ import annotations

import heapq
import json
from collections import defaultdict
from collections.abc import Sequence
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from difflib import get_close_matches
from typing import Any

from sqlalchemy import TextClause, select, text
from sqlalchemy.orm import Session

from relationjournal.core import channels, queries
from relationjournal.core.clock import at_local
from relationjournal.core.errors import InvalidInput, NotFound
from relationjournal.core.folding import fold
from relationjournal.core.models import OCCURRED_USEC, Person, ProgrammeMembership, Setting, Tag
from relationjournal.core.settings import SETTINGS
from relationjournal.core.vocabulary import (
    UTC_FORMAT,
    AnyChannel,
    Channel,
    Context,
    CustomChannel,
    Direction,
    Status,
    channel_label,
)
from relationjournal.core.wellbeing import Rules

NONE = -(1 << 62)  # no time: before every stored time (`OCCURRED_USEC`)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
PEOPLE_SHOWN = 200  # person rows of "who reaches out": the busiest; the tags' rows count everyone


@dataclass(frozen=True)
class InsightsFilter:
    """What the user narrowed the page to; `None` means all. `since` defaults to a year before `until`
    (today), both inclusive local days."""

    since: date | None = None
    until: date | None = None
    tag: str | None = None
    channel: str | None = None  # a channel's name as the user reads it ("LinkedIn", "Workplace")
    programme: str | None = None


@dataclass(frozen=True)
class RhythmCell:
    """Conversations in one week on one channel in one context: one segment of a stacked bar."""

    week: date  # the Monday the week starts on
    channel: str  # the channel's display name
    context: str  # "personal" or "business"
    conversations: int


@dataclass(frozen=True)
class ReachCount:
    """Who started the conversations: `they` (incoming) against `me` (outgoing, me or the team)."""

    key: str  # a person's name, or a tag's name
    person_id: int | None  # set for a person, None for a tag
    they: int
    me: int


@dataclass(frozen=True)
class OneSided:
    """A relationship whose last `run` conversations were all started by the same side."""

    person_id: int
    name: str
    started_by: str  # "me" or "they"
    run: int  # how many of the latest conversations in a row (at least the setting's N)
    last_contact: date


@dataclass(frozen=True)
class Slipping:
    """A person with a cadence: how far along their stay-in-touch cadence they are (Today's measure)."""

    person_id: int
    name: str
    days_since: int
    cadence_days: int
    ratio: float  # days since contact / cadence; above 1 is late

    @property
    def band(self) -> str:
        """ "on time" below 1, "late" below 2, "very late" from twice the cadence."""
        return "on time" if self.ratio < 1 else "late" if self.ratio < 2 else "very late"


@dataclass(frozen=True)
class LoadWeek:
    """The user's own load in one week: hard events logged, reflections written, and the emotional
    load Today measured at the week's end (hard events in the load window); `heavy` when over the
    threshold, exactly when Today would have suggested stepping back."""

    week: date
    hard_events: int
    reflections: int
    load: int
    heavy: bool


@dataclass(frozen=True)
class ProgrammeMember:
    person_id: int
    name: str
    days_since_contact: int | None  # None: never in touch since joining
    review_on: date | None


@dataclass(frozen=True)
class ProgrammeView:
    programme: str
    members: list[ProgrammeMember]  # longest silence first ("don't leave them hanging")


@dataclass(frozen=True)
class Insights:
    since: date
    until: date
    rhythm: list[RhythmCell] = field(default_factory=list)
    reach_people: list[ReachCount] = field(default_factory=list)  # most conversations first
    reach_tags: list[ReachCount] = field(default_factory=list)
    one_sided_after: int = 5  # the setting N
    one_sided: list[OneSided] = field(default_factory=list)
    slipping: list[Slipping] = field(default_factory=list)  # highest ratio first
    load: list[LoadWeek] = field(default_factory=list)  # every week of the period, oldest first
    load_threshold: int = 0
    load_window_days: int = 0
    programmes: list[ProgrammeView] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        """Nothing to draw: no conversations, no cadences, no hard events, no programmes."""
        return not (self.rhythm or self.slipping or any(w.hard_events or w.reflections for w in self.load)
                    or self.programmes)  # fmt: skip


# The computation -------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Week:
    """One week of the period: its Monday, and the UTC times it runs between (the period's ends clip
    the first and last). Local midnights, so a daylight-saving change moves no conversation."""

    monday: date
    start: str  # UTC text, inclusive
    end: str  # UTC text, exclusive


@dataclass(frozen=True)
class _Scope:
    """The filters, resolved: the channel, and SQL (with parameters) picking the people counted."""

    channel: AnyChannel | None
    people_sql: str  # "" for everyone; else " AND {column} IN (...)" with `{column}` to fill in
    params: dict[str, Any]

    def people(self, column: str) -> str:
        return self.people_sql.format(column=column)

    def people_clause(self, column: str) -> TextClause:
        """The people filter as a WHERE clause of its own (for a query built with SQLAlchemy)."""
        clause = text(self.people(column)[len(" AND ") :])
        return clause.bindparams(**{k: v for k, v in self.params.items() if k in ("tag_id", "programme")})

    def channel_sql(self, alias: str) -> str:
        if self.channel is None:
            return ""
        if isinstance(self.channel, Channel):
            return f" AND {alias}.channel = :channel AND {alias}.custom_channel_id IS NULL"
        return f" AND {alias}.channel IS NULL AND {alias}.custom_channel_id = :custom_channel"


def one_sided_after(session: Session) -> int:
    """The `one_sided_after` setting: stored, else its declared default."""
    stored = session.get(Setting, "one_sided_after")
    return int(json.loads(stored.value)) if stored is not None else int(SETTINGS["one_sided_after"].default)


def compute(session: Session, wanted: InsightsFilter, now: datetime, rules: Rules, one_sided_after: int) -> Insights:
    """Every section of the Insights page for `wanted`, as of `now` (see the module's docstring for
    which filter narrows which section). NotFound for a tag, channel or programme that does not exist,
    InvalidInput for a period that ends before it starts."""
    zone = rules.zone
    until = wanted.until or now.astimezone(zone).date()
    since = wanted.since or _a_year_before(until)
    if since > until:
        raise InvalidInput(f"since: {since.isoformat()} is after the end of the period ({until.isoformat()}).")
    _check_period(since, until)
    scope = _scope(session, wanted)
    weeks = _weeks(since, until, zone)
    period = {"period_start": weeks[0].start, "period_end": weeks[-1].end}
    reach_people, reach_tags, one_sided = _per_person(session, scope, period, one_sided_after, zone, PEOPLE_SHOWN)
    return Insights(
        since=since,
        until=until,
        rhythm=_rhythm(session, scope, weeks),
        reach_people=reach_people,
        reach_tags=reach_tags,
        one_sided_after=one_sided_after,
        one_sided=one_sided,
        slipping=_slipping(session, scope, now, rules),
        load=_load(session, weeks, now, rules),
        load_threshold=rules.load_threshold,
        load_window_days=rules.load_window_days,
        programmes=_programmes(session, wanted, scope, now, zone),
    )


EARLIEST, LATEST = date(1900, 1, 1), date(2199, 12, 31)  # a period of weeks SQLite and `date` can hold


def _check_period(since: date, until: date) -> None:
    """Year 1 or 9999 would overflow the weeks (or bind too many of them): one clear line instead."""
    for name, day in (("until", until), ("since", since)):  # (a far `until` makes the default `since` far)
        if not EARLIEST <= day <= LATEST:
            raise InvalidInput(f"{name}: {day.isoformat()} is too far away; Insights covers "
                               f"{EARLIEST.isoformat()} to {LATEST.isoformat()}.")  # fmt: skip


def _unknown(what: str, typed: str, known: Sequence[str]) -> NotFound:
    """ "There is no tag called 'clint'; did you mean 'client'?", else the names there are (a few)."""
    by_fold = {fold(name): name for name in known}
    close = [by_fold[f] for f in get_close_matches(fold(typed), list(by_fold), n=3, cutoff=0.6)]
    if close:
        hint = "; did you mean " + " or ".join(repr(name) for name in close) + "?"
    elif known:
        shown = sorted(known, key=fold)
        hint = f"; your {what}s are {', '.join(repr(n) for n in shown[:8])}" + (" and more." if len(shown) > 8 else ".")
    else:
        hint = f"; there are no {what}s yet."  # (never for channels: the built-in ones are always there)
    return NotFound(f"There is no {what} called {typed!r}{hint}")


def _a_year_before(day: date) -> date:
    """The same day a year earlier, plus one: a year of days, `day` included (29 Feb: from 1 Mar)."""
    try:
        return day.replace(year=day.year - 1) + timedelta(days=1)
    except ValueError:
        return date(day.year - 1, 3, 1)


def _utc_text(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime(UTC_FORMAT)


def _midnight(day: date, zone: tzinfo) -> str:
    """The start of a local day as stored UTC text (a midnight skipped by a DST change: the day's first time)."""
    return _utc_text(at_local(datetime.combine(day, time(12), tzinfo=zone), time(0), zone))


def _weeks(since: date, until: date, zone: tzinfo) -> list[_Week]:
    weeks = []
    monday = since - timedelta(days=since.weekday())
    while monday <= until:
        first, after = max(monday, since), min(monday + timedelta(days=7), until + timedelta(days=1))
        weeks.append(_Week(monday, _midnight(first, zone), _midnight(after, zone)))
        monday += timedelta(days=7)
    return weeks


def _scope(session: Session, wanted: InsightsFilter) -> _Scope:
    """The filters checked against the journal: an unknown name is a one-line NotFound."""
    people_sql, params = "", dict[str, Any]()
    if wanted.tag is not None:
        tag_id = session.scalar(select(Tag.id).where(Tag.name == wanted.tag.strip()))  # NOCASE column
        if tag_id is None:
            raise _unknown("tag", wanted.tag.strip(), session.scalars(select(Tag.name)).all())
        people_sql += " AND {column} IN (SELECT person_id FROM person_tag WHERE tag_id = :tag_id)"
        params["tag_id"] = tag_id
    if wanted.programme is not None:
        params["programme"] = _programme_named(session, wanted.programme)
        people_sql += (
            " AND {column} IN (SELECT person_id FROM programme_membership"
            " WHERE programme = :programme AND left_on IS NULL)"
        )
    channel = None
    if wanted.channel is not None:
        channel = channels.find(session, wanted.channel)
        if channel is None:
            known = [channel_label(c) for c in Channel] + [c.name for c in channels.all_custom(session)]
            raise _unknown("channel", wanted.channel.strip(), known)
        if isinstance(channel, Channel):
            params["channel"] = channel.value
        else:
            params["custom_channel"] = channel.id
    return _Scope(channel, people_sql, params)


def _programme_named(session: Session, name: str) -> str:
    """The programme called `name` as it is stored, ignoring case; NotFound if no one was ever in it."""
    names = session.scalars(select(ProgrammeMembership.programme).distinct()).all()
    found = next((stored for stored in names if stored.casefold() == name.strip().casefold()), None)
    if found is None:
        raise _unknown("programme", name.strip(), names)
    return found


def _rows(session: Session, sql: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
    """The rows of `sql` as plain tuples, from the session's own connection (same transaction, same
    snapshot): for the big reads, SQLAlchemy's row objects cost 15 ms per 10,000 rows."""
    driver = session.connection().connection.driver_connection
    assert driver is not None  # the session's connection is open
    with closing(driver.cursor()) as cursor:
        rows: list[tuple[Any, ...]] = cursor.execute(sql, params).fetchall()
    return rows


def _values(rows: Sequence[Sequence[Any]], prefix: str, params: dict[str, Any]) -> str:
    """`VALUES (:p0_0, :p0_1), ...` for a common table expression, its values bound in `params`."""
    parts = []
    for i, row in enumerate(rows):
        names = [f"{prefix}{i}_{j}" for j in range(len(row))]
        params.update(zip(names, row, strict=True))
        parts.append("(" + ", ".join(f":{name}" for name in names) + ")")
    return "VALUES " + ", ".join(parts)


def _rhythm(session: Session, scope: _Scope, weeks: list[_Week]) -> list[RhythmCell]:
    """Conversations per week, channel and context: one count per (week, channel, context) over the
    (channel, context, time) index, so 250,000 conversations are counted, never read or sorted."""
    if isinstance(scope.channel, (Channel, CustomChannel)):
        used: list[AnyChannel] = [scope.channel]
    else:
        used = [*Channel, *channels.all_custom(session)]
    combos = [
        (channel.value if isinstance(channel, Channel) else None,
         channel.id if isinstance(channel, CustomChannel) else None, context.value)
        for channel in used for context in Context
    ]  # fmt: skip
    params = dict(scope.params)
    week_values = _values([(i, w.start, w.end) for i, w in enumerate(weeks)], "w", params)
    combo_values = _values(combos, "c", params)
    count = (
        "SELECT count(*) FROM interaction i WHERE i.occurred_at >= w.start AND i.occurred_at < w.stop"
        " AND i.context = c.context AND ({match})" + scope.people("i.person_id")
    )
    builtin = count.format(match="i.channel = c.channel AND i.custom_channel_id IS NULL")
    custom = count.format(match="i.channel IS NULL AND i.custom_channel_id = c.custom")
    sql = (
        f"WITH w(idx, start, stop) AS ({week_values}), c(channel, custom, context) AS ({combo_values}) "
        f"SELECT w.idx, c.channel, c.custom, c.context, CASE WHEN c.channel IS NOT NULL THEN ({builtin}) "
        f"ELSE ({custom}) END AS n FROM c, w"
    )
    names = {channel.id: channel.name for channel in used if isinstance(channel, CustomChannel)}
    labels = {channel.value: channel_label(channel) for channel in Channel}  # (an enum lookup per cell: 10 ms)
    cells = []
    for idx, builtin_value, custom_id, context, n in _rows(session, sql, params):
        if n:
            name = labels[builtin_value] if builtin_value is not None else names[custom_id]
            cells.append(RhythmCell(weeks[idx].monday, name, context, n))
    cells.sort(key=lambda cell: (cell.week, cell.context, -cell.conversations, cell.channel))
    return cells


def _per_person(session: Session, scope: _Scope, period: dict[str, str], n: int, zone: tzinfo, limit: int
                ) -> tuple[list[ReachCount], list[ReachCount], list[OneSided]]:  # fmt: skip
    """Who started the period's conversations, per person (the `limit` with most conversations, first)
    and per tag (every tag, busiest first), and the one-sided relationships: one pass over the people.

    Per person, over the (person, direction, time) index: the period's conversations each side
    started, the latest each side started, and the run (the conversations of the later side after
    the other's latest). A run is the relationship's latest conversations whenever they were, not
    only the period's: it is how things stand now. With a channel filter, everything is on that
    channel. The searches of one person fall on the same index pages, so each page is read once.
    Times are compared as the index holds them, microseconds since 1970 (`OCCURRED_USEC`, ordered
    exactly as the stored text), so SQLite reads them from the index; NONE stands for "no time".
    """
    params = {**scope.params, **period, "incoming": Direction.incoming.value, "outgoing": Direction.outgoing.value}
    when = OCCURRED_USEC.format(column="i.occurred_at")
    start, end = OCCURRED_USEC.format(column=":period_start"), OCCURRED_USEC.format(column=":period_end")
    mine = "i.person_id = p.id AND i.direction = :{side}" + scope.channel_sql("i")
    count = f"(SELECT count(*) FROM interaction i WHERE {mine} AND {when} >= {start} AND {when} < {end})"
    latest = f"(SELECT max({when}) FROM interaction i WHERE {mine})"
    # One pass over the people: a person's run is counted straight after their other numbers, while
    # their index pages are still in the page cache. (Two passes, each person's numbers first and the
    # runs after, decrypted the whole index twice: 210 ms instead of 137.) `LIMIT -1` keeps SQLite
    # from flattening `x` and `y` into the queries around them, which would work out the latest times
    # and the side again where they are used (40 ms more).
    sql = (
        "SELECT id, display_name, status, they, me, side, latest, CASE WHEN side IS NULL THEN 0 ELSE "
        "(SELECT count(*) FROM interaction i WHERE i.person_id = y.id AND i.direction = y.side "
        f"AND {when} > y.other{scope.channel_sql('i')}) END FROM ("
        f"SELECT x.*, CASE WHEN last_out > coalesce(last_in, {NONE}) THEN :outgoing "
        f"WHEN last_in > coalesce(last_out, {NONE}) THEN :incoming END AS side, "
        f"max(coalesce(last_in, {NONE}), coalesce(last_out, {NONE})) AS latest, "
        f"min(coalesce(last_in, {NONE}), coalesce(last_out, {NONE})) AS other FROM ("
        f"SELECT p.id, p.display_name, p.status, {count.format(side='incoming')} AS they, "
        f"{count.format(side='outgoing')} AS me, {latest.format(side='incoming')} AS last_in, "
        f"{latest.format(side='outgoing')} AS last_out FROM person p WHERE 1{scope.people('p.id')} LIMIT -1) x "
        "LIMIT -1) y"
    )  # fmt: skip
    # Plain tuples until the end: only the people shown become records (10,000 records cost 20 ms).
    counted: dict[int, tuple[int, int]] = {}
    people, one_sided = [], []
    for person_id, name, status, they, me, side, latest, run in _rows(session, sql, params):
        if they or me:
            counted[person_id] = (they, me)
            people.append((-(they + me), name.casefold(), person_id, name, they, me))
        if run >= n and status != Status.archived.value:
            started_by = "me" if side == Direction.outgoing.value else "they"
            last = (EPOCH + timedelta(microseconds=latest)).astimezone(zone).date()
            one_sided.append(OneSided(person_id, name, started_by, run, last))
    shown = [ReachCount(name, person_id, they, me) for *_, person_id, name, they, me in heapq.nsmallest(limit, people)]
    one_sided.sort(key=lambda o: (-o.run, o.name.casefold(), o.person_id))
    tags: dict[str, list[int]] = {name: [0, 0] for name in session.scalars(select(Tag.name))}
    pairs = _rows(session, "SELECT pt.person_id, t.name FROM person_tag pt JOIN tag t ON t.id = pt.tag_id", {})
    for person_id, tag in pairs:
        if (found := counted.get(person_id)) is not None:
            tags[tag][0] += found[0]
            tags[tag][1] += found[1]
    tag_rows = [ReachCount(name, None, they, me) for name, (they, me) in tags.items()]
    tag_rows.sort(key=lambda r: (-(r.they + r.me), r.key.casefold()))
    return shown, tag_rows, one_sided


def _slipping(session: Session, scope: _Scope, now: datetime, rules: Rules) -> list[Slipping]:
    """Everyone with a cadence (theirs, their tags', or the default), by Today's overdue ratio."""
    cadence = queries.effective_cadence(rules.default_cadence_days)
    query = select(
        Person.id, Person.display_name, queries.days_since_contact(now), cadence,
        queries.overdue_ratio(now, rules.default_cadence_days),
    ).where(Person.status != Status.archived, cadence.is_not(None))  # fmt: skip
    if scope.people_sql:
        query = query.where(scope.people_clause("person.id"))
    found = [
        Slipping(person_id, name, max(0, int(days)), int(days_cadence), float(ratio))
        for person_id, name, days, days_cadence, ratio in session.execute(query)
    ]
    found.sort(key=lambda s: (-s.ratio, s.name.casefold(), s.person_id))
    return found


def _load(session: Session, weeks: list[_Week], now: datetime, rules: Rules) -> list[LoadWeek]:
    """Hard events and reflections per week, and the emotional load as Today measured it when the week
    ended (or now, for this week): hard events in the `load_window_days` before, over the threshold
    is heavy. Counted over the hard-event index (migration 0010) and the reflections' time index."""
    now_text = _utc_text(now)
    ends = [min(w.end, now_text) if w.start <= now_text else w.end for w in weeks]
    rows = [(i, w.start, w.end, _utc_text(datetime.fromisoformat(end) - timedelta(days=rules.load_window_days)), end)
            for i, (w, end) in enumerate(zip(weeks, ends, strict=True))]  # fmt: skip
    params: dict[str, Any] = {}
    values = _values(rows, "w", params)
    hard = (
        "(SELECT count(*) FROM interaction WHERE hard_event = 1 AND occurred_at >= {lo} AND occurred_at {op} {hi})"
        " + (SELECT count(*) FROM note WHERE hard_event = 1 AND created_at >= {lo} AND created_at {op} {hi})"
    )
    sql = (
        f"WITH w(idx, start, stop, window_start, window_end) AS ({values}) SELECT idx, "
        f"{hard.format(lo='w.start', op='<', hi='w.stop')}, "
        "(SELECT count(*) FROM reflection WHERE created_at >= w.start AND created_at < w.stop), "
        f"{hard.format(lo='w.window_start', op='<=', hi='w.window_end')} FROM w"
    )
    return [
        LoadWeek(weeks[idx].monday, hard_events, reflections, load, load > rules.load_threshold)
        for idx, hard_events, reflections, load in session.execute(text(sql), params)
    ]


def _programmes(session: Session, wanted: InsightsFilter, scope: _Scope, now: datetime,
                zone: tzinfo) -> list[ProgrammeView]:  # fmt: skip
    """Each programme's current members (not archived), longest silence since joining first."""
    query = (
        select(ProgrammeMembership.programme, Person.id, Person.display_name, ProgrammeMembership.joined_on,
               ProgrammeMembership.review_on, queries.last_contact())
        .join(Person, Person.id == ProgrammeMembership.person_id)
        .where(ProgrammeMembership.left_on.is_(None), Person.status != Status.archived)
    )  # fmt: skip
    if scope.people_sql:
        query = query.where(scope.people_clause("person.id"))
    if wanted.programme is not None:
        query = query.where(ProgrammeMembership.programme == scope.params["programme"])
    today = now.astimezone(zone).date()
    members: dict[str, list[ProgrammeMember]] = defaultdict(list)
    for programme, person_id, name, joined_on, review_on, last in session.execute(query):
        last_day = None if last is None else last.astimezone(zone).date()
        days = (today - last_day).days if last_day is not None and last_day >= joined_on else None
        members[programme].append(ProgrammeMember(person_id, name, days, review_on))
    views = []
    for programme in sorted(members, key=str.casefold):
        ordered = sorted(members[programme], key=lambda m: (m.days_since_contact is not None,
                         -(m.days_since_contact or 0), m.name.casefold(), m.person_id))  # fmt: skip
        views.append(ProgrammeView(programme, ordered))
    return views
