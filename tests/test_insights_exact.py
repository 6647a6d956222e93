"""Insights' per-person numbers against a plain recomputation from every conversation, on journals
made to hit the edge cases the fast SQL must get right: runs that reach back before the period,
a conversation each way at the same moment (no side), archived people, a channel filter, and
more people than "who reaches out" shows (the busiest 200, ties by name then by who came first;
the tags count everyone)."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, datetime, timedelta

from relationjournal.core.insights import PEOPLE_SHOWN, InsightsFilter, OneSided, ReachCount
from relationjournal.core.journal import Journal
from relationjournal.core.records import InteractionDraft, PersonDraft
from relationjournal.core.vocabulary import Channel, Direction
from tests.conftest import BERLIN, at

NOW = at("2026-11-30 12:00")
OUT, IN = Direction.outgoing, Direction.incoming


def talk(journal: Journal, person_id: int, when: datetime, channel: Channel, direction: Direction) -> None:
    journal.log_interaction(person_id, InteractionDraft(channel=channel, direction=direction, occurred_at=when,
                                                        summary="talked"), now=when)  # fmt: skip


def expected(logged: list[tuple[int, str, datetime, Direction, Channel]], archived: set[int], n: int,
             since: datetime, until: datetime, channel: Channel | None = None
             ) -> tuple[dict[int, tuple[int, int]], list[tuple[int, str, int]]]:  # fmt: skip
    """Per person (they, me) in the period, and the one-sided (id, started_by, run), worked out the
    plain way: the later side's latest, the other side's latest, and the later side's conversations
    after it."""
    reach: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    times: dict[int, dict[Direction, list[datetime]]] = defaultdict(lambda: {IN: [], OUT: []})
    for person_id, _name, when, direction, on in logged:
        if channel is not None and on is not channel:
            continue
        times[person_id][direction].append(when)
        if since <= when < until:
            reach[person_id][0 if direction is IN else 1] += 1
    runs = []
    for person_id, sides in times.items():
        last_in, last_out = max(sides[IN], default=None), max(sides[OUT], default=None)
        if last_in == last_out or person_id in archived:
            continue  # the same moment each way: neither side is later
        side = OUT if last_in is None or (last_out is not None and last_out > last_in) else IN
        other = last_in if side is OUT else last_out
        run = sum(1 for when in sides[side] if other is None or when > other)
        if run >= n:
            runs.append((person_id, "me" if side is OUT else "they", run))
    return {k: (v[0], v[1]) for k, v in reach.items() if v != [0, 0]}, sorted(runs)


def test_reach_and_one_sided_match_a_plain_recomputation(berlin: Journal) -> None:
    rng = random.Random(7)
    logged: list[tuple[int, str, datetime, Direction, Channel]] = []
    moments = [NOW - timedelta(days=d, hours=h) for d in (1, 3, 20, 200, 400, 700) for h in (0, 5)]
    for i in range(24):
        name = f"Person {i:02d}"
        person_id = berlin.add_person(PersonDraft(name)).id
        for _ in range(rng.randrange(0, 9)):
            when, direction = rng.choice(moments), rng.choice((IN, OUT))
            channel = rng.choice((Channel.email, Channel.phone))
            talk(berlin, person_id, when, channel, direction)
            logged.append((person_id, name, when, direction, channel))
        if i % 3 == 0:  # a run one way, perhaps reaching back before the period
            for days in (2, 1.5, 1):
                talk(berlin, person_id, NOW - timedelta(days=days), Channel.email, OUT if i % 2 else IN)
                logged.append((person_id, name, NOW - timedelta(days=days), OUT if i % 2 else IN, Channel.email))
    # A microsecond apart across a second, and before 1970: times compare exactly as stored.
    second = at("2026-11-20 10:00:00")
    close = berlin.add_person(PersonDraft("Close")).id
    moments_close = [
        (second - timedelta(microseconds=1), IN),
        (second, OUT),
        (second + timedelta(microseconds=1), OUT),
        (at("1969-07-20 22:17"), IN),
    ]
    for when, direction in moments_close:
        talk(berlin, close, when, Channel.email, direction)
        logged.append((close, "Close", when, direction, Channel.email))
    tie = berlin.add_person(PersonDraft("Tied")).id  # one each way at the same moment: not one-sided
    for direction in (IN, OUT, OUT):
        talk(berlin, tie, NOW - timedelta(days=4), Channel.email, direction)
        logged.append((tie, "Tied", NOW - timedelta(days=4), direction, Channel.email))
    archived = {logged[0][0]}
    berlin.archive_person(logged[0][0])
    berlin.set_setting("one_sided_after", 2)
    since, until = date(2026, 1, 1), date(2026, 11, 29)
    start = datetime.combine(since, datetime.min.time(), BERLIN)
    end = datetime.combine(until + timedelta(days=1), datetime.min.time(), BERLIN)
    for channel in (None, Channel.email):
        wanted = InsightsFilter(since=since, until=until, channel=None if channel is None else "Email")
        found = berlin.insights(wanted, now=NOW)
        reach, runs = expected(logged, archived, 2, start, end, channel)
        assert {r.person_id: (r.they, r.me) for r in found.reach_people} == reach
        assert sorted((o.person_id, o.started_by, o.run) for o in found.one_sided) == runs
        assert runs  # the journal does have one-sided runs to find
        assert (close, "me", 2) in runs and found.one_sided[0].last_contact is not None
        assert all(isinstance(o, OneSided) for o in found.one_sided)


def test_who_reaches_out_shows_the_busiest_200_and_the_tags_count_everyone(berlin: Journal) -> None:
    ids = []
    for i in range(PEOPLE_SHOWN + 3):
        name = "ann" if i == 5 else "Ann" if i == 9 else f"Name {i:03d}"  # two names equal but for case
        ids.append(berlin.add_person(PersonDraft(name, tags=("everyone",))).id)
    for i, person_id in enumerate(ids):
        for k in range(1 + (i in (40, 150))):  # two of them twice: they come first
            talk(berlin, person_id, NOW - timedelta(days=3, hours=k), Channel.email, IN if k else OUT)
    found = berlin.insights(InsightsFilter(), now=NOW)
    assert len(found.reach_people) == PEOPLE_SHOWN
    assert found.reach_people[:4] == [ReachCount("Name 040", ids[40], 1, 1), ReachCount("Name 150", ids[150], 1, 1),
                                      ReachCount("ann", ids[5], 0, 1), ReachCount("Ann", ids[9], 0, 1)]  # fmt: skip
    assert found.reach_people[-1] == ReachCount("Name 199", ids[199], 0, 1)  # 200 to 202 are left out
    assert found.reach_tags == [ReachCount("everyone", None, 2, PEOPLE_SHOWN + 3)]


def test_the_per_person_pass_reads_the_compact_index(berlin: Journal) -> None:
    """The pass over the people searches the (person, direction, time as an integer) index of
    migration 0012, covering: it never reads a conversation's row, and never the text index of 0010."""
    from sqlalchemy import event

    person_id = berlin.add_person(PersonDraft("Ana")).id
    talk(berlin, person_id, NOW - timedelta(days=2), Channel.email, OUT)
    statements: list[str] = []
    event.listen(berlin._engine, "checkout", lambda dbapi, _r, _p: dbapi.set_trace_callback(statements.append))
    berlin._engine.dispose()  # pooled connections check out again, now traced
    for wanted in (InsightsFilter(), InsightsFilter(channel="Email")):
        statements.clear()
        berlin.insights(wanted, now=NOW)
        sql = next(s for s in statements if "AS last_in" in s)
        with berlin._engine.connect() as connection:
            plan = [row[3] for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}")]
        searches = [step for step in plan if step.startswith(("SEARCH i", "SCAN i"))]
        assert len(searches) == 5, plan
        assert all("COVERING INDEX ix_interaction_person_direction_usec" in step for step in searches), plan
