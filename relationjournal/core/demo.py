"""Deterministic, realistic demo data: for screenshots, trying the app, and benchmarks.

Names in many scripts, organisations, tags, handles, Markdown notes, conversations over several
years on every channel, a few hard events, reminders and programme members. The same seed gives
the same journal. Rows are written with bulk inserts, in one transaction per batch.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from relationjournal.core.models import (
    Handle,
    Interaction,
    Note,
    Person,
    ProgrammeMembership,
    Reminder,
    Tag,
    person_tag,
    table_of,
)
from relationjournal.core.vocabulary import (
    Channel,
    Context,
    Direction,
    Platform,
    ReminderKind,
    ReminderState,
    Status,
    Tone,
)

FIRST = ["Amaka", "Zoë", "Mateo", "Aiko", "Lars", "Priya", "Oluwaseun", "Sofia", "Hamid", "Chloé", "Tomasz",
         "Leilani", "Björn", "Fatima", "Jun", "Nadia", "Kwame", "Ines", "Ravi", "Hana", "Diego", "Elif", "Mikael",
         "Thandiwe", "小龍", "美咲", "Алексей", "Мария", "محمد", "ليلى", "עדי", "सरिता", "Nguyễn", "Seo-yeon",
         "Αλέξανδρος", "Ζωή"]  # fmt: skip
LAST = ["Obi", "Müller", "García", "Tanaka", "Eriksson", "Sharma", "Adeyemi", "Rossi", "Karimi", "Dubois",
        "Kowalski", "Kahale", "Lindqvist", "Haddad", "Watanabe", "Petrova", "Mensah", "Ferreira", "Iyer", "Sato",
        "Hernández", "Yılmaz", "Virtanen", "Ndlovu", "李", "佐藤", "Иванов", "Смирнова", "الأحمد", "כהן", "शर्मा",
        "Trần", "Kim", "Παπαδόπουλος"]  # fmt: skip
ORGS = ["Lagos Translators", "Acme Studio", "Nordlicht GmbH", "Kyoto Craft Coffee", "Blue Harbour Bakery",
        "Open Source Collective", "Fundación Luz", "Maple & Co.", "Sahara Solar", "Atelier Dubois",
        "", "", ""]  # fmt: skip
TAGS = [("client", 30), ("translator", None), ("influencer", None), ("new follower", None), ("community", None),
        ("press", None), ("partner", 90), ("friend of the brand", None)]  # fmt: skip
SUMMARIES = [
    "Thanked them for following, asked about their bakery", "Congratulated them on the new job",
    "Asked how the marathon training is going", "Shared the translation brief for the spring campaign",
    "They asked for a reference letter", "Caught up about their kids starting school",
    "Talked about the weather in Lisbon and their trip", "Discussed the advocate programme's next quarter",
    "Sent condolences after the loss of their father", "Checked in after the surgery",
    "They replied to our post with a great idea", "Introduced them to Sam for the partnership",
    "Quick thanks for the shout-out", "Reviewed their draft, gave gentle feedback",
]  # fmt: skip
REMINDER_TEXTS = {
    ReminderKind.follow_up: "Follow up on what you talked about last time",
    ReminderKind.stay_in_touch: "Stay in touch: it has been a while",
    ReminderKind.welcome: "Welcome them personally: say what you liked about what they shared",
}
HARD = {"Sent condolences after the loss of their father", "Checked in after the surgery"}
NOTES = [
    "Has **two kids** (Mia, 7 and Leo, 4). Mia just started school.",
    "Prefers voice notes over email. *Never* call before 10:00.",
    "Training for the Berlin marathon in September. Ask how the long runs go.",
    "Worried about the move to a new flat. Offer the moving-day checklist?",
    "- Loves jollof debates\n- Allergic to nuts\n- Birthday dinner is always at home",
    "Was hurt when the old programme ended abruptly: be clear and warm about any change.",
]  # fmt: skip
CADENCES = [None, None, None, None, None, 14, 30, 90]
WHY = ["", "One of our most trusted translators.", "Long-time advocate of the brand.",
       "Potential client for the autumn campaign."]  # fmt: skip
REMEMBER = ["", "Two kids, Mia (7) and Leo (4); Mia just started school.", "Prefers voice notes over email.",
            "Training for the Berlin marathon.", "Moving flat in the spring; ask how it went."]  # fmt: skip
BODIES = ["", "", "They sounded tired but grateful. Follow up gently next week.",
          "Great energy. They want to co-host a live session in spring.", "Short and friendly."]  # fmt: skip


def generate(session: Session, *, people: int, interactions: int, seed: int = 1, now: datetime | None = None,
             batch: int = 20_000) -> dict[str, int]:  # fmt: skip
    """Fill the journal behind `session` (in the caller's transaction); returns row counts."""
    rng = random.Random(seed)
    now = now or datetime.now(UTC)
    start = now - timedelta(days=4 * 365)
    tag_ids = {}
    for name, cadence in TAGS:
        existing = session.scalar(select(Tag.id).where(Tag.name == name))
        tag_ids[name] = (
            existing
            or session.execute(insert(Tag).values(name=name, cadence_days=cadence).returning(Tag.id)).scalar_one()
        )
    first_id = _next_id(session, Person)
    person_rows: list[dict[str, Any]] = []
    handle_rows: list[dict[str, Any]] = []
    tag_rows: list[dict[str, int]] = []
    for n in range(people):
        pid = first_id + n
        first, last = rng.choice(FIRST), rng.choice(LAST)
        created = start + timedelta(days=rng.random() * 365 * 3)
        tags = rng.sample(list(tag_ids), rng.choice((1, 1, 2, 3)))
        birthday = date(1970 + rng.randrange(35), rng.randrange(1, 13), rng.randrange(1, 29))
        person_rows.append({
            "id": pid, "display_name": f"{first} {last}",
            "pronouns": rng.choice(["", "", "she/her", "he/him", "they/them"]),
            "organisation": rng.choice(ORGS), "role": rng.choice(["", "founder", "translator", "editor", "designer"]),
            "how_we_met": rng.choice(["", "followed us on Instagram", "met at the Lisbon meetup", "a client's intro"]),
            "why_it_matters": rng.choice(WHY),
            "reaches_out": rng.choice(["", "Sam", "Alex", "me"]), "remember": rng.choice(REMEMBER),
            "birthday": birthday if rng.random() < 0.3 else None,
            "source": "new follower" if "new follower" in tags else rng.choice(["", "client", "event"]),
            "status": Status.active if rng.random() < 0.9 else rng.choice([Status.dormant, Status.archived]),
            "cadence_days": rng.choice(CADENCES), "created_at": created, "updated_at": created,
        })  # fmt: skip
        handle_rows.append({"person_id": pid, "platform": Platform.x, "value": f"@{_ascii(first)}{pid}"})
        if rng.random() < 0.6:
            handle_rows.append(
                {"person_id": pid, "platform": Platform.email, "value": f"{_ascii(first)}.{pid}@example.org"}
            )
        if rng.random() < 0.4:
            handle_rows.append({"person_id": pid, "platform": Platform.linkedin, "value": f"{_ascii(last)}-{pid}"})
        tag_rows.extend({"person_id": pid, "tag_id": tag_ids[t]} for t in tags)
    for rows, table in ((person_rows, table_of(Person)), (handle_rows, table_of(Handle)), (tag_rows, person_tag)):
        for chunk in _chunks(rows, batch):
            session.execute(insert(table), chunk)

    channels, tones = list(Channel), [Tone.positive, Tone.positive, Tone.neutral, Tone.neutral, Tone.negative]
    span = (now - start).total_seconds()
    count = 0
    for chunk in _chunks(_interactions(rng, interactions, first_id, people, start, span, channels, tones), batch):
        session.execute(insert(table_of(Interaction)), chunk)
        count += len(chunk)

    note_rows, reminder_rows, member_rows = [], [], []
    for _ in range(max(1, people // 3) if people else 0):
        pid = first_id + rng.randrange(people)
        when = start + timedelta(seconds=rng.random() * span)
        note_rows.append({"person_id": pid, "body": rng.choice(NOTES), "pinned": rng.random() < 0.2,
                          "hard_event": False, "created_at": when, "updated_at": when})  # fmt: skip
    for _ in range(max(1, people // 10) if people else 0):
        pid = first_id + rng.randrange(people)
        kind = rng.choice([ReminderKind.follow_up, ReminderKind.stay_in_touch, ReminderKind.welcome])
        due = now + timedelta(days=rng.randrange(-10, 30), hours=rng.randrange(24))
        reminder_rows.append({"person_id": pid, "kind": kind, "due_at": due, "text": REMINDER_TEXTS[kind],
                              "state": ReminderState.open,
                              "created_at": now, "recurrence_days": None, "snoozed_until": None})  # fmt: skip
    for _ in range(max(1, people // 20) if people else 0):
        pid = first_id + rng.randrange(people)
        joined = (start + timedelta(days=rng.randrange(900))).date()
        member_rows.append({"person_id": pid, "programme": "Brand advocates", "joined_on": joined,
                            "review_on": joined + timedelta(days=180), "left_on": None, "notes": ""})  # fmt: skip
    for rows, table in ((note_rows, table_of(Note)), (reminder_rows, table_of(Reminder)),
                        (member_rows, table_of(ProgrammeMembership))):  # fmt: skip
        for chunk in _chunks(rows, batch):
            session.execute(insert(table), chunk)
    return {"people": people, "interactions": count, "notes": len(note_rows), "reminders": len(reminder_rows),
            "programmes": len(member_rows)}  # fmt: skip


def _interactions(rng: random.Random, total: int, first_id: int, people: int, start: datetime, span: float,
                  channels: list[Channel], tones: list[Tone]) -> Iterator[dict[str, Any]]:  # fmt: skip
    for _ in range(total if people else 0):
        summary = rng.choice(SUMMARIES)
        while summary in HARD and rng.random() < 0.9:  # hard events are rare: about 1 in 70 conversations
            summary = rng.choice(SUMMARIES)
        when = start + timedelta(seconds=rng.random() * span)
        yield {
            "person_id": first_id + int(rng.random() ** 1.6 * people), "occurred_at": when,
            "channel": rng.choice(channels),
            "direction": Direction.incoming if rng.random() < 0.45 else Direction.outgoing,
            "summary": summary, "body": rng.choice(BODIES), "tone": rng.choice(tones),
            "context": Context.business if rng.random() < 0.4 else Context.personal, "hard_event": summary in HARD,
            "reached_out_by": rng.choice(["", "Sam", "Alex"]), "created_at": when,
            "follow_up_on": (when + timedelta(days=7)).date() if rng.random() < 0.05 else None,
        }  # fmt: skip


def _next_id(session: Session, model: Any) -> int:
    return (session.scalar(select(func.max(model.id))) or 0) + 1


def _chunks(rows: Any, size: int) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _ascii(name: str) -> str:
    cleaned = "".join(ch for ch in name.lower() if ch.isascii() and ch.isalnum())
    return cleaned or "friend"
