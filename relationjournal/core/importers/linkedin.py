"""LinkedIn's data export: Connections.csv (people) and messages.csv (conversations).

Connections.csv starts with a `Notes:` line, a quoted paragraph and a blank line before its header
`First Name,Last Name,URL,Email Address,Company,Position,Connected On`; older exports lack URL,
Position and Connected On. Columns are found by name. A row without a name (LinkedIn hides some
members) is skipped, with the reason.

messages.csv has one row per message: `CONVERSATION ID, CONVERSATION TITLE, FROM, SENDER PROFILE
URL, TO, RECIPIENT PROFILE URLS, DATE, SUBJECT, CONTENT, FOLDER` (newer: `ATTACHMENTS, IS MESSAGE
DRAFT, IS CONVERSATION DRAFT`). CONTENT spans lines and may be HTML. In the exports seen, rows come
grouped by conversation, newest first; nothing here relies on any order, and the engine should not
either. The file is read twice, streamed both times: first to find the owner (the one person in
every conversation, who must be the one who downloaded it), then to yield the messages.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime
from functools import lru_cache

from relationjournal.core.errors import InvalidInput
from relationjournal.core.importers.files import ExportFile, Part, csv_rows
from relationjournal.core.importers.records import (
    ImportedMessage,
    ImportedOwner,
    ImportedPerson,
    Kind,
    Participant,
    Record,
    Relation,
    Skipped,
)
from relationjournal.core.importers.text import clean, html_to_text, normalise_url, one_line, short_hash
from relationjournal.core.vocabulary import Channel, Platform

_MONTHS = {m: i for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), start=1)}
_HEADER_SEARCH_ROWS = 20  # the preamble is 3 rows; a file with no header in 20 is not Connections.csv


def read(files: tuple[ExportFile, ...]) -> Iterator[Record]:
    """Everything in a LinkedIn export: the owner (from messages), connections, then messages."""
    messages = [file for file in files if file.part is Part.linkedin_messages]
    owner = find_owner(messages) if messages else None
    if owner is not None:
        yield owner
    for file in files:
        if file.part is Part.linkedin_connections:
            yield from connections(file)
    for file in messages:
        yield from read_messages(file, owner)


def person_key(url: str, name: str) -> str:
    """A LinkedIn member's source key: their profile address, or (no address) their name."""
    normal = normalise_url(url)
    return f"linkedin:url:{normal}" if normal else f"linkedin:name:{short_hash(name)}"


def parse_connected_on(text: str) -> date | None:
    """`15 Mar 2024` (and `15-Mar-24`, `2024-03-15`), read without the system's locale."""
    value = text.strip()
    match = re.fullmatch(r"(\d{1,2})[ -]([A-Za-z]{3})[a-z]*[ -](\d{2}|\d{4})", value)
    try:
        if match:
            year = int(match.group(3))
            month = _MONTHS.get(match.group(2).lower())
            if month is None:
                return None
            return date(year + 2000 if year < 100 else year, month, int(match.group(1)))
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def connections(file: ExportFile) -> Iterator[Record]:
    columns: dict[str, int] | None = None
    for line, row in csv_rows(file):
        if columns is None:
            cells = [cell.strip().lower() for cell in row]
            if "first name" in cells and "last name" in cells:
                columns = {cell: index for index, cell in enumerate(cells)}
            elif line > _HEADER_SEARCH_ROWS:
                break
            continue
        if not any(cell.strip() for cell in row):
            continue

        def cell(name: str, row: list[str] = row, columns: dict[str, int] = columns) -> str:
            index = columns.get(name)
            return row[index] if index is not None and index < len(row) else ""

        where = f"{file.name}:{line}"
        first, last = one_line(cell("first name")), one_line(cell("last name"))
        name = " ".join(part for part in (first, last) if part)
        if not name:
            yield Skipped("connection", where, "no name (LinkedIn leaves out the names of some members)")
            continue
        url = normalise_url(cell("url"))
        email = one_line(cell("email address"))
        yield ImportedPerson(
            source_key=person_key(url, name),
            kind=Kind.linkedin,
            relation=Relation.connection,
            name=name,
            where=where,
            first_name=first,
            last_name=last,
            organisation=one_line(cell("company")),
            role=one_line(cell("position")),
            emails=(email,) if email else (),
            handles=((Platform.linkedin, url),) if url else (),
            connected_on=parse_connected_on(cell("connected on")),
        )
    if columns is None:
        raise InvalidInput(
            f"{file.name}: no header row `First Name,Last Name,…` found; is it LinkedIn's Connections.csv?"
        )


class _Columns:
    """messages.csv's columns, by name (newer exports add some; the order may change)."""

    NEEDED = ("conversation id", "from", "date", "content")

    def __init__(self, file: ExportFile, header: list[str]) -> None:
        self.index = {cell.strip().lower(): number for number, cell in enumerate(header)}
        missing = [name for name in self.NEEDED if name not in self.index]
        if missing:
            raise InvalidInput(f"{file.name}: line 1: no {missing[0].upper()} column; is it LinkedIn's messages.csv?")

    def get(self, row: list[str], name: str) -> str:
        number = self.index.get(name)
        return row[number] if number is not None and number < len(row) else ""


def _urls(cell: str) -> list[str]:
    return [url for url in (normalise_url(part) for part in re.split(r"[;,\s]+", cell)) if url]


def _participants(columns: _Columns, row: list[str]) -> tuple[Participant, tuple[Participant, ...]]:
    return _participants_of(
        columns.get(row, "from"),
        columns.get(row, "sender profile url"),
        columns.get(row, "to"),
        columns.get(row, "recipient profile urls"),
    )


@lru_cache(maxsize=16_384)  # a conversation's rows repeat the same cells: read them once
def _participants_of(
    sender_cell: str, sender_url_cell: str, to: str, urls_cell: str
) -> tuple[Participant, tuple[Participant, ...]]:
    sender_name = one_line(sender_cell)
    sender_url = normalise_url(sender_url_cell)
    sender = Participant(person_key(sender_url, sender_name), sender_name, sender_url)
    urls = _urls(urls_cell)
    to = one_line(to)
    names = [part.strip() for part in to.split(",")] if len(urls) > 1 else [to]
    if len(names) != len(urls):  # names with commas in them: the names cannot be told apart
        names = [""] * len(urls) if urls else [name for name in names if name]
    if urls:
        recipients = [Participant(person_key(url, name), name, url) for name, url in zip(names, urls, strict=True)]
    else:
        recipients = [Participant(person_key("", name), name) for name in names]
    return sender, tuple(recipients)


def find_owner(files: list[ExportFile]) -> ImportedOwner | None:
    """The owner of a LinkedIn export: the one person in every conversation (as sender or
    recipient). Certain when exactly one is; among several (one conversation only), the one who
    sent in most conversations, not certain. None when no one is in every conversation."""
    people: dict[str, set[str]] = {}  # conversation -> participant keys
    senders: Counter[str] = Counter()
    names: dict[str, str] = {}
    where = ""
    for file in files:
        columns: _Columns | None = None
        for _line, row in csv_rows(file):
            if columns is None:
                columns = _Columns(file, row)
                where = file.name
                continue
            if _is_draft(columns, row):
                continue
            conversation = columns.get(row, "conversation id")
            sender, recipients = _participants(columns, row)
            keys = people.setdefault(conversation, set())
            if sender.key not in keys:
                senders[sender.key] += 1
            keys.add(sender.key)
            keys.update(recipient.key for recipient in recipients)
            for person in (sender, *recipients):
                if person.name:
                    names.setdefault(person.key, person.name)
    if not people:
        return None
    everywhere = set.intersection(*people.values())
    if not everywhere:
        return None
    key = max(sorted(everywhere), key=lambda candidate: senders[candidate])
    return ImportedOwner(Kind.linkedin, key, names.get(key, ""), certain=len(everywhere) == 1, where=where)


def _is_draft(columns: _Columns, row: list[str]) -> bool:
    return columns.get(row, "is message draft").strip().lower() in ("yes", "true")


def parse_date(text: str) -> datetime | None:
    """`2023-06-11 15:33:58 UTC` as an aware UTC time."""
    value = text.strip().removesuffix("UTC").strip()
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def read_messages(file: ExportFile, owner: ImportedOwner | None) -> Iterator[Record]:
    columns: _Columns | None = None
    for line, row in csv_rows(file):
        if columns is None:
            columns = _Columns(file, row)
            continue
        if not any(cell.strip() for cell in row):
            continue
        where = f"{file.name}:{line}"
        if _is_draft(columns, row):
            yield Skipped("message", where, "a draft, never sent")
            continue
        if columns.get(row, "folder").strip().upper() == "SPAM":
            yield Skipped("message", where, "in the spam folder")
            continue
        when = parse_date(columns.get(row, "date"))
        if when is None:
            yield Skipped("message", where, "its date cannot be read")
            continue
        text = html_to_text(clean(columns.get(row, "content")))
        if not text and columns.get(row, "attachments").strip():
            text = "(an attachment)"
        if not text:
            yield Skipped("message", where, "empty")
            continue
        conversation = one_line(columns.get(row, "conversation id"))
        sender, recipients = _participants(columns, row)
        yield ImportedMessage(
            source_key="linkedin:msg:" + short_hash(conversation, when.isoformat(), sender.key, text, folded=False),
            kind=Kind.linkedin,
            channel=Channel.linkedin,
            conversation_key=f"linkedin:conv:{conversation}" if conversation else "linkedin:conv:" + sender.key,
            sender=sender,
            recipients=recipients,
            owner_is_sender=None if owner is None else sender.key == owner.key,
            when=when,
            text=text,
            where=where,
            subject=one_line(columns.get(row, "subject")),
            title=one_line(columns.get(row, "conversation title")),
        )
