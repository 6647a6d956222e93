"""X (Twitter) archive: data/account.js, follower.js, following.js, direct-messages.js and
direct-messages-group.js (and their -part1… files when the archive is split).

Each file is JavaScript: `window.YTD.follower.part0 = [ … ]`; everything up to the first `=` is
dropped and the array read one entry at a time. Followers and followings carry only an account id
(no user name, no display name): such a person is named "X account 12345", with the address
https://x.com/i/user/12345 that X itself resolves, and `name_is_real` False so that the user names
them. The owner comes from account.js; without it, the direction of messages is unknown (None).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from relationjournal.core.importers.files import ExportFile, Part, json_array
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
from relationjournal.core.importers.text import clean, one_line
from relationjournal.core.vocabulary import Channel

_ACCOUNT_ID = re.compile(r"^\d{1,25}$")


def account_key(account_id: str) -> str:
    return f"x:id:{account_id}"


def account_url(account_id: str) -> str:
    return f"https://x.com/i/user/{account_id}"


def account_name(account_id: str) -> str:
    return f"X account {account_id}"


def read(files: tuple[ExportFile, ...]) -> Iterator[Record]:
    """The owner (account.js) first, then followers and followings, then direct messages."""
    owner: ImportedOwner | None = None
    for file in files:
        if file.part is Part.x_account:
            owner = _owner(file) or owner
    if owner is not None:
        yield owner
    relations = {Part.x_follower: Relation.follower, Part.x_following: Relation.following}
    for file in files:
        if file.part in relations:
            yield from _people(file, relations[file.part])
    for file in files:
        if file.part in (Part.x_messages, Part.x_group_messages):
            yield from _messages(file, owner)


def _id(value: object) -> str:
    text = str(value).strip() if isinstance(value, str | int) and not isinstance(value, bool) else ""
    return text if _ACCOUNT_ID.match(text) else ""


def _owner(file: ExportFile) -> ImportedOwner | None:
    for number, entry in json_array(file, after_equals=True):
        account = entry.get("account") if isinstance(entry, dict) else None
        if isinstance(account, dict) and _id(account.get("accountId")):
            account_id = _id(account.get("accountId"))
            username = one_line(account.get("username"), 100)
            return ImportedOwner(
                kind=Kind.x,
                key=account_key(account_id),
                name=one_line(account.get("accountDisplayName")) or (f"@{username}" if username else ""),
                certain=True,
                where=f"{file.name}: entry {number}",
                handle=f"@{username}" if username else "",
                account_id=account_id,
            )
    return None


def _people(file: ExportFile, relation: Relation) -> Iterator[Record]:
    for number, entry in json_array(file, after_equals=True):
        where = f"{file.name}: entry {number}"
        inner = entry.get(relation.value) if isinstance(entry, dict) else None
        account_id = _id(inner.get("accountId")) if isinstance(inner, dict) else ""
        if not account_id:
            yield Skipped(relation.value, where, "no account id")
            continue
        yield ImportedPerson(
            source_key=account_key(account_id),
            kind=Kind.x,
            relation=relation,
            name=account_name(account_id),
            where=where,
            name_is_real=False,
            urls=(account_url(account_id),),
            account_id=account_id,
        )


def parse_time(value: object) -> datetime | None:
    """X's `2022-03-01T10:00:00.000Z` as an aware UTC time."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _participant(account_id: str, owner: ImportedOwner | None) -> Participant:
    name = owner.name if owner is not None and owner.account_id == account_id else ""
    return Participant(account_key(account_id), name, account_url(account_id))


def _conversation_people(events: list[Any]) -> set[str]:
    """Everyone who took part in a (group) conversation, from its messages and join events."""
    people: set[str] = set()
    for event in events:
        if not isinstance(event, dict):
            continue
        for body in event.values():
            if not isinstance(body, dict):
                continue
            for key in ("senderId", "recipientId", "initiatingUserId"):
                if _id(body.get(key)):
                    people.add(_id(body.get(key)))
            for key in ("userIds", "participantsSnapshot"):
                values = body.get(key)
                if isinstance(values, list):
                    people.update(_id(value) for value in values if _id(value))
    return people


def _messages(file: ExportFile, owner: ImportedOwner | None) -> Iterator[Record]:
    for number, entry in json_array(file, after_equals=True):
        conversation = entry.get("dmConversation") if isinstance(entry, dict) else None
        events = conversation.get("messages") if isinstance(conversation, dict) else None
        if not isinstance(conversation, dict) or not isinstance(events, list):
            yield Skipped("conversation", f"{file.name}: entry {number}", "not a conversation")
            continue
        conversation_id = one_line(conversation.get("conversationId"), 200)
        people = _conversation_people(events)
        for position, event in enumerate(events, start=1):
            where = f"{file.name}: entry {number}, message {position}"
            create = event.get("messageCreate") if isinstance(event, dict) else None
            if not isinstance(create, dict):
                continue  # someone joined or left, the name changed: not a message
            sender_id = _id(create.get("senderId"))
            when = parse_time(create.get("createdAt"))
            text = clean(create.get("text")).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
            if not sender_id or when is None:
                yield Skipped("message", where, "no sender or no time")
                continue
            if not text:
                yield Skipped("message", where, "empty (a picture or a link only)")
                continue
            recipient_id = _id(create.get("recipientId"))
            others = [recipient_id] if recipient_id else sorted(people - {sender_id})
            message_id = _id(create.get("id"))
            yield ImportedMessage(
                source_key=f"x:dm:{message_id}" if message_id else f"x:dm:{conversation_id}:{when.isoformat()}",
                kind=Kind.x,
                channel=Channel.x,
                conversation_key=f"x:conv:{conversation_id}",
                sender=_participant(sender_id, owner),
                recipients=tuple(_participant(other, owner) for other in others),
                owner_is_sender=None if owner is None else sender_id == owner.account_id,
                when=when,
                text=text,
                where=where,
            )
