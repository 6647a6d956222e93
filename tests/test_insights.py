"""Insights on small journals whose every number is worked out by hand here (Berlin's clock).

The journal (weeks start on Monday; the period is 2 to 29 November 2026, four weeks):

| who  | tags   | cadence | conversations (personal unless said)                                      |
|------|--------|---------|---------------------------------------------------------------------------|
| Ana  | client | 30      | 3 Nov email out, 4 Nov email in (business), 10 Nov LinkedIn out (business, hard event) |
| Ben  | friend | 2       | 1 Oct email in; then 5, 12, 13, 20 and 27 Nov phone out                    |
| Cleo | -      | -       | 16-21 Nov company chat, one a day: in, out, in, out, out, out             |
| Dana | press  | 30      | five incoming emails in June 2025                                         |

Hard-event notes on 3, 11 and 12 Nov; reflections on 12 and 13 Nov. Programme "Brand advocates":
Ana (joined 1 Nov, review 15 Jan 2027), Ben (joined 28 Nov, after his last contact), Dana (left).
"Now" is Monday 30 November 2026, 12:00 in Berlin.
"""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from relationjournal.core.errors import InvalidInput, NotFound
from relationjournal.core.insights import InsightsFilter, OneSided, ReachCount
from relationjournal.core.journal import Journal
from relationjournal.core.records import InteractionDraft, PersonDraft, ReflectionDraft
from relationjournal.core.vocabulary import Channel, Context, Direction
from tests.conftest import Sandbox, at, run_cli

NOW = at("2026-11-30 12:00")
NOVEMBER = InsightsFilter(since=date(2026, 11, 2), until=date(2026, 11, 29))
W1, W2, W3, W4 = (date(2026, 11, 2) + timedelta(weeks=n) for n in range(4))
OUT, IN = Direction.outgoing, Direction.incoming


def talk(journal: Journal, person_id: int, when: str, channel: Channel, direction: Direction,
         context: Context = Context.personal, hard_event: bool = False) -> None:  # fmt: skip
    draft = InteractionDraft(channel=channel, direction=direction, occurred_at=at(when), summary="talked",
                             context=context, hard_event=hard_event)  # fmt: skip
    journal.log_interaction(person_id, draft, now=at(when))


@pytest.fixture
def people(berlin: Journal) -> dict[str, int]:
    journal = berlin
    ids = {
        "Ana": journal.add_person(PersonDraft("Ana", tags=("client",), cadence_days=30)).id,
        "Ben": journal.add_person(PersonDraft("Ben", tags=("friend",), cadence_days=2)).id,
        "Cleo": journal.add_person(PersonDraft("Cleo")).id,
        "Dana": journal.add_person(PersonDraft("Dana", tags=("press",), cadence_days=30)).id,
    }
    talk(journal, ids["Ana"], "2026-11-03 10:00", Channel.email, OUT)
    talk(journal, ids["Ana"], "2026-11-04 10:00", Channel.email, IN, Context.business)
    talk(journal, ids["Ana"], "2026-11-10 10:00", Channel.linkedin, OUT, Context.business, hard_event=True)
    talk(journal, ids["Ben"], "2026-10-01 10:00", Channel.email, IN)
    for day in ("05", "12", "13", "20", "27"):
        talk(journal, ids["Ben"], f"2026-11-{day} 18:00", Channel.phone, OUT)
    for day, direction in zip(range(16, 22), (IN, OUT, IN, OUT, OUT, OUT), strict=True):
        talk(journal, ids["Cleo"], f"2026-11-{day} 12:00", Channel.chat, direction)
    for day in range(1, 6):
        talk(journal, ids["Dana"], f"2025-06-0{day} 09:00", Channel.email, IN)
    for day in ("03", "11", "12"):
        journal.add_note(ids["Ana"], "Hard news.", hard_event=True, now=at(f"2026-11-{day} 09:00"))
    for day in ("12", "13"):
        journal.save_reflection(ReflectionDraft(feeling="tired"), now=at(f"2026-11-{day} 20:00"))
    journal.add_membership(ids["Ana"], "Brand advocates", date(2026, 11, 1), review_on=date(2027, 1, 15))
    journal.add_membership(ids["Ben"], "Brand advocates", date(2026, 11, 28))
    left = journal.add_membership(ids["Dana"], "Brand advocates", date(2025, 1, 1))
    journal.rotate_out(left.id, record="Thanked her.", left_on=date(2026, 1, 1))
    return ids


def rhythm(found) -> dict[tuple[date, str, str], int]:
    return {(c.week, c.channel, c.context): c.conversations for c in found.rhythm}


def test_rhythm_counts_each_week_per_channel_and_context(berlin: Journal, people: dict[str, int]) -> None:
    found = berlin.insights(NOVEMBER, now=NOW)
    assert (found.since, found.until) == (date(2026, 11, 2), date(2026, 11, 29))
    assert rhythm(found) == {
        (W1, "Email", "personal"): 1, (W1, "Email", "business"): 1, (W1, "Phone", "personal"): 1,
        (W2, "LinkedIn", "business"): 1, (W2, "Phone", "personal"): 2,
        (W3, "Phone", "personal"): 1, (W3, "Company chat", "personal"): 6,
        (W4, "Phone", "personal"): 1,
    }  # fmt: skip


def test_who_reaches_out_per_person_and_per_tag(berlin: Journal, people: dict[str, int]) -> None:
    found = berlin.insights(NOVEMBER, now=NOW)
    assert found.reach_people == [
        ReachCount("Cleo", people["Cleo"], they=2, me=4),
        ReachCount("Ben", people["Ben"], they=0, me=5),  # his October email is before the period
        ReachCount("Ana", people["Ana"], they=1, me=2),
    ]  # Dana: nothing in the period, so no row
    assert found.reach_tags == [ReachCount("friend", None, 0, 5), ReachCount("client", None, 1, 2),
                                ReachCount("press", None, 0, 0)]  # fmt: skip


def test_one_sided_lists_the_runs_of_the_latest_conversations(berlin: Journal, people: dict[str, int]) -> None:
    found = berlin.insights(NOVEMBER, now=NOW)
    assert found.one_sided_after == 5
    # Ben: five calls from me since his last email; Dana: her five emails, long before the period
    # (a run is how the relationship stands now); Cleo's run is three, Ana's one: not listed.
    assert found.one_sided == [
        OneSided(people["Ben"], "Ben", "me", 5, date(2026, 11, 27)),
        OneSided(people["Dana"], "Dana", "they", 5, date(2025, 6, 5)),
    ]
    berlin.set_setting("one_sided_after", 3)
    found = berlin.insights(NOVEMBER, now=NOW)
    assert [(o.name, o.run) for o in found.one_sided] == [("Ben", 5), ("Dana", 5), ("Cleo", 3)]


def test_slipping_ranks_by_time_since_contact_against_cadence(berlin: Journal, people: dict[str, int]) -> None:
    found = berlin.insights(NOVEMBER, now=NOW)
    # Dana: 5 Jun 2025 against 30 days; Ben: 27 Nov 18:00 to 30 Nov 12:00 is 2.75 days against 2;
    # Ana: 10 Nov 10:00 to 30 Nov 12:00 is 20.08 days against 30. Cleo has no cadence.
    assert [(s.name, s.days_since, s.cadence_days, s.band) for s in found.slipping] == [
        ("Dana", 543, 30, "very late"), ("Ben", 2, 2, "late"), ("Ana", 20, 30, "on time"),
    ]  # fmt: skip
    assert found.slipping[1].ratio == pytest.approx(2.75 / 2)


def test_your_load_per_week_marks_the_week_over_the_threshold(berlin: Journal, people: dict[str, int]) -> None:
    found = berlin.insights(NOVEMBER, now=NOW)
    assert (found.load_threshold, found.load_window_days) == (3, 14)
    # Hard events: note 3 Nov; LinkedIn 10 Nov, notes 11 and 12 Nov. The load is counted at each
    # week's end over the 14 days before: 1, then 4 (over 3: heavy), then 3 (not over), then 0.
    assert [(w.week, w.hard_events, w.reflections, w.load, w.heavy) for w in found.load] == [
        (W1, 1, 0, 1, False), (W2, 3, 2, 4, True), (W3, 0, 0, 3, False), (W4, 0, 0, 0, False),
    ]  # fmt: skip
    assert "Ana" not in repr(found.load)


def test_programmes_list_current_members_with_days_since_contact(berlin: Journal, people: dict[str, int]) -> None:
    found = berlin.insights(NOVEMBER, now=NOW)
    [view] = found.programmes
    assert view.programme == "Brand advocates"
    # Ben: no contact since he joined on 28 Nov (first: the longest silence); Ana: 10 Nov, 20 days ago.
    assert [(m.name, m.days_since_contact, m.review_on) for m in view.members] == [
        ("Ben", None, None), ("Ana", 20, date(2027, 1, 15)),
    ]  # fmt: skip


def test_filters_narrow_the_sections_they_concern(berlin: Journal, people: dict[str, int]) -> None:
    friends = berlin.insights(InsightsFilter(since=NOVEMBER.since, until=NOVEMBER.until, tag="FRIEND"), now=NOW)
    assert rhythm(friends) == {(W1, "Phone", "personal"): 1, (W2, "Phone", "personal"): 2,
                               (W3, "Phone", "personal"): 1, (W4, "Phone", "personal"): 1}  # fmt: skip
    assert [r.key for r in friends.reach_people] == ["Ben"]
    assert [o.name for o in friends.one_sided] == ["Ben"]
    assert [s.name for s in friends.slipping] == ["Ben"]
    assert [[m.name for m in v.members] for v in friends.programmes] == [["Ben"]]
    assert sum(w.hard_events for w in friends.load) == 4  # your load is all yours, never narrowed

    chat = berlin.insights(InsightsFilter(since=NOVEMBER.since, until=NOVEMBER.until, channel="company chat"), now=NOW)
    assert rhythm(chat) == {(W3, "Company chat", "personal"): 6}
    assert chat.reach_people == [ReachCount("Cleo", people["Cleo"], 2, 4)]
    assert chat.one_sided == []  # Ben's and Dana's runs are on other channels
    phone = berlin.insights(InsightsFilter(since=NOVEMBER.since, until=NOVEMBER.until, channel="call"), now=NOW)
    assert [(o.name, o.run) for o in phone.one_sided] == [("Ben", 5)]
    assert len(phone.slipping) == 3  # a channel says nothing about cadences

    members = berlin.insights(InsightsFilter(since=NOVEMBER.since, until=NOVEMBER.until,
                                             programme="brand ADVOCATES"), now=NOW)  # fmt: skip
    assert [r.key for r in members.reach_people] == ["Ben", "Ana"]  # Dana left: not a member
    assert [s.name for s in members.slipping] == ["Ben", "Ana"]

    late = berlin.insights(InsightsFilter(since=W3, until=NOVEMBER.until), now=NOW)
    assert {week for week, _, _ in rhythm(late)} == {W3, W4}
    assert [w.week for w in late.load] == [W3, W4]
    assert [r.key for r in late.reach_people] == ["Cleo", "Ben"]


def test_unknown_names_and_a_backwards_period_are_one_line_errors(berlin: Journal, people: dict[str, int]) -> None:
    with pytest.raises(NotFound, match=r"^There is no tag called 'nobody'[.;]"):
        berlin.insights(InsightsFilter(tag="nobody"), now=NOW)
    with pytest.raises(NotFound, match=r"^There is no channel called 'carrier pigeon'[.;]"):
        berlin.insights(InsightsFilter(channel="carrier pigeon"), now=NOW)
    with pytest.raises(NotFound, match=r"^There is no programme called 'Ambassadors'[.;]"):
        berlin.insights(InsightsFilter(programme="Ambassadors"), now=NOW)
    with pytest.raises(InvalidInput, match="after the end"):
        berlin.insights(InsightsFilter(since=date(2026, 12, 1), until=date(2026, 11, 1)), now=NOW)


def test_weeks_follow_the_local_clock_across_daylight_saving_changes(berlin: Journal) -> None:
    person = berlin.add_person(PersonDraft("Eli")).id
    # Sunday 23:30 and Monday 00:30 local are both Sunday in UTC, on the days the clocks change.
    for when in ("2026-03-29 23:30", "2026-03-30 00:30", "2026-10-25 23:30", "2026-10-26 00:30"):
        talk(berlin, person, when, Channel.email, OUT)
    berlin.add_note(person, "Hard news.", hard_event=True, now=at("2026-10-25 23:30"))
    found = berlin.insights(InsightsFilter(since=date(2026, 3, 1), until=date(2026, 11, 1)), now=NOW)
    assert rhythm(found) == {(date(2026, 3, 23), "Email", "personal"): 1, (date(2026, 3, 30), "Email", "personal"): 1,
                             (date(2026, 10, 19), "Email", "personal"): 1,
                             (date(2026, 10, 26), "Email", "personal"): 1}  # fmt: skip
    # Every week of the period, zeros included: from the week of Sunday 1 March to that of Sunday 1 November.
    mondays = [w.week for w in found.load]
    assert mondays[0] == date(2026, 2, 23) and mondays[-1] == date(2026, 10, 26)
    assert all(b - a == timedelta(days=7) for a, b in zip(mondays, mondays[1:], strict=False))
    assert [(w.week, w.hard_events) for w in found.load if w.hard_events] == [(date(2026, 10, 19), 1)]


def test_an_empty_journal_has_nothing_to_show(journal: Journal) -> None:
    found = journal.insights(now=NOW)
    assert found.empty
    assert found.until == NOW.astimezone(journal.rules().zone).date()
    assert found.since == found.until.replace(year=found.until.year - 1) + timedelta(days=1)
    assert len(found.load) in (53, 54) and not any(w.hard_events or w.heavy for w in found.load)


def test_cli_insights_table_and_json(berlin: Journal, people: dict[str, int], sandbox: Sandbox) -> None:
    for n in range(11):  # more people than the table shows
        extra = berlin.add_person(PersonDraft(f"Extra {n:02d}")).id
        talk(berlin, extra, "2026-11-25 10:00", Channel.email, IN)
    berlin.close()
    period = ("--since", "2 Nov 2026", "--until", "2026-11-29")
    result = run_cli("insights", *period)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert all(len(line) <= 100 for line in lines)
    assert "Insights, 2026-11-02 to 2026-11-29" in lines
    for heading in ("Rhythm", "Who reaches out", "One-sided", "Slipping away", "Your load", "Programmes"):
        assert any(line.startswith(heading) for line in lines), heading
    assert any(line.split() == ["2026-11-16", "7", "7", "0", "Company", "chat", "6,", "Phone", "1"] for line in lines)
    assert any(line.split() == ["Cleo", "2", "4"] for line in lines)
    assert "  … and 4 more people" in lines  # 14 people talked in the period; 10 are shown
    assert any(line.split()[:6] == ["Ben", "you", "started", "the", "last", "5"] for line in lines)

    data = json.loads(run_cli("insights", *period, "--tag", "friend", "--format", "json").stdout)
    assert [(c["week"], c["channel"], c["conversations"]) for c in data["rhythm"]] == [
        ("2026-11-02", "Phone", 1), ("2026-11-09", "Phone", 2), ("2026-11-16", "Phone", 1), ("2026-11-23", "Phone", 1),
    ]  # fmt: skip
    assert data["one_sided"][0]["started_by"] == "me" and data["one_sided"][0]["run"] == 5
    assert {s["band"] for s in data["slipping"]} <= {"on time", "late", "very late"}

    unknown = run_cli("insights", "--tag", "nobody")
    assert unknown.returncode == 1 and unknown.stdout == ""
    assert unknown.stderr.strip().splitlines() == [
        "relationjournal: There is no tag called 'nobody'; your tags are 'client', 'friend', 'press'."
    ]


def test_cli_insights_on_an_empty_journal_is_calm(journal: Journal) -> None:
    journal.close()
    result = run_cli("insights")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Nothing to show yet.")


def test_cli_insights_reads_as_english_and_says_an_overdue_review(berlin: Journal) -> None:
    """ "… and 1 more people", "(1 members)" and a review date long past shown as if ahead: fixed."""
    for n in range(11):  # one more person than the table shows
        extra = berlin.add_person(PersonDraft(f"Extra {n:02d}")).id
        talk(berlin, extra, "2026-11-25 10:00", Channel.email, IN)
    berlin.add_membership(extra, "Makers", date(2026, 1, 5), review_on=date(2026, 6, 1))
    berlin.close()
    result = run_cli("insights", "--since", "2026-11-02", "--until", "2026-11-29")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "  … and 1 more person" in lines
    assert "  Makers (1 member)" in lines
    assert any(line.split()[:2] == ["Extra", "10"] and line.endswith("review was due 2026-06-01") for line in lines)
    assert "  No hard events or reflections in this period." in lines
