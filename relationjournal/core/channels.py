"""Channels in storage: a built-in one is a `Channel` value, one the user added a `custom_channel` row.

A conversation stores exactly one of the two (migration 0005). Names are matched as the command
line matches the built-in ones (`vocabulary.name_key`: case, accents, spaces and hyphens never
count), so "Intranet", "INTRANET" and "Intra-net" are one channel, and a user's channel can never
shadow a built-in name or alias ("WA" is WhatsApp).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from relationjournal.core import fields
from relationjournal.core.errors import InvalidInput, NotFound
from relationjournal.core.folding import fold
from relationjournal.core.models import CustomChannel as CustomChannelRow
from relationjournal.core.models import Interaction
from relationjournal.core.vocabulary import AnyChannel, Channel, CustomChannel, channel_named, name_key

MAX_NAME = 60


def all_custom(session: Session) -> list[CustomChannel]:
    """The user's channels, by name as a person reads it (case and accents aside)."""
    rows = session.execute(select(CustomChannelRow.id, CustomChannelRow.name)).all()
    return sorted((CustomChannel(row.id, row.name) for row in rows), key=lambda c: (fold(c.name), c.id))


def find(session: Session, text: str) -> AnyChannel | None:
    """The channel called `text`: a built-in one by its value or an alias, else one of the user's."""
    builtin = channel_named(text)
    if builtin is not None:
        return builtin
    key = name_key(text)
    if not key:
        return None
    row = session.scalars(select(CustomChannelRow).where(CustomChannelRow.key == key)).first()
    return None if row is None else CustomChannel(row.id, row.name)


def checked_name(text: str) -> tuple[str, str]:
    """A new channel's name as it will be shown, and its key; InvalidInput if it cannot be one."""
    name = " ".join(fields.clean_text(text, "channel", max_length=MAX_NAME).split())
    key = name_key(name)
    if not key:
        raise InvalidInput("channel: a channel's name needs at least one letter or digit.")
    builtin = channel_named(name)
    if builtin is not None:
        raise InvalidInput(f"channel: {name!r} is already a channel ({builtin.value}).")
    return name, key


def add(session: Session, text: str) -> CustomChannel:
    """Add the user's channel called `text`; a name already taken (ignoring case and accents) is refused."""
    name, key = checked_name(text)
    _refuse_taken(session, key, None)
    row = CustomChannelRow(name=name, key=key)
    session.add(row)
    session.flush()
    return CustomChannel(row.id, row.name)


def rename(session: Session, channel_id: int, text: str) -> CustomChannel:
    name, key = checked_name(text)
    row = _get(session, channel_id)
    _refuse_taken(session, key, row.id)
    row.name, row.key = name, key
    session.flush()
    return CustomChannel(row.id, row.name)


def delete(session: Session, channel_id: int) -> CustomChannel:
    """Delete the user's channel if no conversation uses it (they would lose where they happened)."""
    row = _get(session, channel_id)
    used = session.scalar(select(func.count()).where(Interaction.custom_channel_id == row.id)) or 0
    if used:
        plural = "s" if used != 1 else ""
        raise InvalidInput(
            f"channel: {row.name!r} is the channel of {used} conversation{plural}, so it stays; rename it instead, "
            "or give those conversations another channel first."
        )
    gone = CustomChannel(row.id, row.name)
    session.delete(row)
    return gone


def users(session: Session, channel_id: int) -> set[int]:
    """The people with a conversation on this channel (whose timelines show its name)."""
    return set(session.scalars(select(Interaction.person_id).where(Interaction.custom_channel_id == channel_id)))


def columns(session: Session, channel: AnyChannel) -> dict[str, Any]:
    """The interaction columns that store `channel`; NotFound for a user's channel deleted meanwhile."""
    if isinstance(channel, Channel):
        return {"channel": channel, "custom_channel_id": None}
    _get(session, channel.id)
    return {"channel": None, "custom_channel_id": channel.id}


def of(session: Session, builtin: Channel | None, custom_id: int | None) -> AnyChannel:
    """The channel stored as these two columns."""
    if builtin is not None:
        return builtin
    assert custom_id is not None  # the table's CHECK constraint: exactly one is set
    row = _get(session, custom_id)
    return CustomChannel(row.id, row.name)


def _get(session: Session, channel_id: int) -> CustomChannelRow:
    row = session.get(CustomChannelRow, channel_id)
    if row is None:
        raise NotFound(f"There is no channel with id {channel_id}; it may have been deleted.")
    return row


def _refuse_taken(session: Session, key: str, own_id: int | None) -> None:
    other = session.scalars(select(CustomChannelRow).where(CustomChannelRow.key == key)).first()
    if other is not None and other.id != own_id:
        raise InvalidInput(f"channel: there is already a channel called {other.name!r}.")
