"""The journal's data model (SQLAlchemy 2.0 typed ORM).

Relationships are `lazy="raise"`: no query hides behind an attribute access; services load what
they need explicitly. Times are stored in UTC as fixed-width ISO-8601 text, so they sort as text
and read back as timezone-aware datetimes.
"""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime

from sqlalchemy import (
    CheckConstraint,
    Column,
    Dialect,
    Enum,
    ForeignKey,
    Index,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    func,
    text,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from relationjournal.core.vocabulary import (
    UTC_FORMAT,
    Channel,
    Context,
    Direction,
    Platform,
    ReminderKind,
    ReminderState,
    Status,
    Tone,
    utc_now,
)

# A stored time as an integer, microseconds since 1970, ordered exactly as the text is (it is read
# from the fixed-width text, whole seconds and the six digits after them; no rounding). An index
# on it is 8 bytes a time instead of 27: Insights' per-person index, 40 % smaller (migration 0012).
OCCURRED_USEC = (
    "(CAST(strftime('%s', substr({column}, 1, 19)) AS INTEGER) * 1000000 + CAST(substr({column}, 21, 6) AS INTEGER))"
)


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware datetime stored as UTC text, e.g. `2026-11-23T05:30:00.000000Z`."""

    impl = String(27)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored: give a timezone")
        return value.astimezone(UTC).strftime(UTC_FORMAT)

    def process_result_value(self, value: str | None, dialect: Dialect) -> datetime | None:
        return None if value is None else datetime.fromisoformat(value)


def _enum(kind: type[enum.StrEnum], name: str) -> Enum:
    return Enum(
        kind,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=20,
        values_callable=lambda members: [m.value for m in members],
    )


class Base(DeclarativeBase):
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


def table_of(model: type[Base]) -> Table:
    """A mapped class's table, typed as one (SQLAlchemy types `__table__` as any `FromClause`)."""
    table = model.__table__
    assert isinstance(table, Table)  # each model here maps one declared table
    return table


person_tag = Table(
    "person_tag",
    Base.metadata,
    Column("person_id", ForeignKey("person.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tag.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Person(Base):
    __tablename__ = "person"

    id: Mapped[int] = mapped_column(primary_key=True)
    display_name: Mapped[str] = mapped_column(Text)
    pronouns: Mapped[str] = mapped_column(Text, default="")
    organisation: Mapped[str] = mapped_column(Text, default="")
    role: Mapped[str] = mapped_column(Text, default="")
    how_we_met: Mapped[str] = mapped_column(Text, default="")
    why_it_matters: Mapped[str] = mapped_column(Text, default="")
    reaches_out: Mapped[str] = mapped_column(Text, default="")  # who on the team reaches out
    remember: Mapped[str] = mapped_column(Text, default="")  # things to remember
    birthday: Mapped[date | None]
    source: Mapped[str] = mapped_column(Text, default="")  # e.g. "new follower"
    status: Mapped[Status] = mapped_column(_enum(Status, "status"), default=Status.active)
    cadence_days: Mapped[int | None]
    # After a hard event, business-only reminders about them wait until this time.
    business_paused_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # The latest interaction's time, kept by triggers (migration 0004): read, never written, by the app.
    last_contact_at: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now, onupdate=utc_now)

    handles: Mapped[list[Handle]] = relationship(
        back_populates="person", lazy="raise", cascade="all, delete-orphan", order_by="Handle.id"
    )
    tags: Mapped[list[Tag]] = relationship(secondary=person_tag, lazy="raise", order_by="Tag.name")

    __table_args__ = (Index("ix_person_name_nocase", func.lower(display_name)),)


class PersonNameKey(Base):
    """A person's name and organisation folded (no case, no accents), kept by triggers (migration
    0006): what the people filter compares with, so "zoe muller" finds "Zoë Müller"."""

    __tablename__ = "person_name_key"

    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), primary_key=True)
    folded: Mapped[str] = mapped_column(Text)


class Handle(Base):
    __tablename__ = "handle"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    platform: Mapped[Platform] = mapped_column(_enum(Platform, "platform"))
    value: Mapped[str] = mapped_column(Text)

    person: Mapped[Person] = relationship(back_populates="handles", lazy="raise")


class Tag(Base):
    __tablename__ = "tag"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(Text(collation="NOCASE"), unique=True)
    cadence_days: Mapped[int | None]  # the default stay-in-touch cadence for people with this tag


class Note(Base):
    __tablename__ = "note"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    body: Mapped[str] = mapped_column(Text)  # Markdown
    pinned: Mapped[bool] = mapped_column(default=False)
    hard_event: Mapped[bool] = mapped_column(default=False)
    # A hard event comes back to Today a year later, unless turned off (migration 0010).
    anniversary: Mapped[bool] = mapped_column(default=True, server_default=true())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now, onupdate=utc_now)

    __table_args__ = (
        Index("ix_note_person_created", "person_id", "created_at"),
        Index("ix_note_hard_event_created", "created_at", sqlite_where=text("hard_event = 1")),
    )


class CustomChannel(Base):
    """A channel the user added ("Workplace"); built-in ones are `Channel` values, never rows here."""

    __tablename__ = "custom_channel"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(Text)  # as typed
    # `vocabulary.name_key(name)`: "Intranet", "intranet" and "Intra-net" are one channel.
    key: Mapped[str] = mapped_column(Text, unique=True)


class Interaction(Base):
    """One conversation on the timeline."""

    __tablename__ = "interaction"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # A built-in channel, or (then `channel` is NULL) one the user added; exactly one of the two.
    channel: Mapped[Channel | None] = mapped_column(_enum(Channel, "channel"))
    custom_channel_id: Mapped[int | None] = mapped_column(ForeignKey("custom_channel.id", ondelete="RESTRICT"))
    direction: Mapped[Direction] = mapped_column(_enum(Direction, "direction"))
    summary: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    tone: Mapped[Tone] = mapped_column(_enum(Tone, "tone"), default=Tone.neutral)
    context: Mapped[Context] = mapped_column(_enum(Context, "context"), default=Context.personal)
    hard_event: Mapped[bool] = mapped_column(default=False)
    # A hard event comes back to Today a year later, unless turned off (migration 0010).
    anniversary: Mapped[bool] = mapped_column(default=True, server_default=true())
    reached_out_by: Mapped[str] = mapped_column(Text, default="")  # who on the team
    follow_up_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)

    __table_args__ = (
        Index("ix_interaction_person_when", "person_id", "occurred_at"),
        Index("ix_interaction_when", "occurred_at"),
        Index("ix_interaction_custom_channel_id", "custom_channel_id"),
        # Insights' covering indexes (migrations 0010 and 0012): a year counted without reading a row.
        Index(
            "ix_interaction_person_direction_usec",
            "person_id",
            "direction",
            text(OCCURRED_USEC.format(column="occurred_at")),
            "channel",
            "custom_channel_id",
        ),  # fmt: skip
        Index("ix_interaction_channel_when", "channel", "custom_channel_id", "context", "occurred_at", "person_id"),
        Index("ix_interaction_hard_event", "occurred_at", sqlite_where=text("hard_event = 1")),
        CheckConstraint("(channel IS NULL) <> (custom_channel_id IS NULL)", name="one_channel"),
    )


class Reminder(Base):
    __tablename__ = "reminder"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    kind: Mapped[ReminderKind] = mapped_column(_enum(ReminderKind, "reminder_kind"))
    due_at: Mapped[datetime] = mapped_column(UtcDateTime)
    recurrence_days: Mapped[int | None]
    text: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[ReminderState] = mapped_column(_enum(ReminderState, "reminder_state"), default=ReminderState.open)
    snoozed_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
    # Business-only reminders pause after a hard event; personal ones (check-ins) never do.
    business: Mapped[bool] = mapped_column(default=False)
    # The conversation (or note) that made this reminder, if any.
    source_interaction_id: Mapped[int | None] = mapped_column(ForeignKey("interaction.id", ondelete="SET NULL"))
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # Which yearly date this reminder is of, and which occurrence (`birthday:5:2026-12-03`,
    # `date:17:2026-12-03`; migration 0009): one reminder per occurrence, made as it comes due.
    occasion: Mapped[str | None] = mapped_column(Text, index=True)

    __table_args__ = (
        Index("ix_reminder_state_due", "state", "due_at"),
        Index("ix_reminder_person_kind", "person_id", "kind", "due_at"),
    )


class PersonDate(Base):
    """A date that matters on a person, repeating yearly: a label and a month and day, with the year
    when it is known (migration 0009). A birthday with a year is the person's `birthday` field."""

    __tablename__ = "person_date"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(Text)
    month: Mapped[int]
    day: Mapped[int]
    year: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)

    __table_args__ = (Index("ix_person_date_month_day", "month", "day"),)


class ProgrammeMembership(Base):
    """A person's membership of an influencer (or advocate) programme."""

    __tablename__ = "programme_membership"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    programme: Mapped[str] = mapped_column(Text)
    joined_on: Mapped[date]
    review_on: Mapped[date | None]
    left_on: Mapped[date | None]
    notes: Mapped[str] = mapped_column(Text, default="")


class Reflection(Base):
    """The user's own boundary-setting reflection after a hard event: on their timeline, not the person's."""

    __tablename__ = "reflection"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now, index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    reminder_id: Mapped[int | None] = mapped_column(ForeignKey("reminder.id", ondelete="SET NULL"))
    mine_to_carry: Mapped[str] = mapped_column(Text, default="")
    not_mine_to_carry: Mapped[str] = mapped_column(Text, default="")
    who_else_supports: Mapped[str] = mapped_column(Text, default="")
    will_do: Mapped[str] = mapped_column(Text, default="")
    will_not_do: Mapped[str] = mapped_column(Text, default="")
    who_i_can_talk_to: Mapped[str] = mapped_column(Text, default="")
    feeling: Mapped[str] = mapped_column(Text, default="")


class Setting(Base):
    """Journal settings that may be personal (who "I" am on the team), kept encrypted."""

    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)  # JSON


class ImportSource(Base):
    """A record an import took from another platform's export, by its stable source key (migration 0008).

    `kind` is "person", "message", "conversation_day" (one person's entry for a conversation's day)
    or "list" (a platform's followers list was imported: only a later one names new followers).
    """

    __tablename__ = "import_source"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_key: Mapped[str] = mapped_column(Text, unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    interaction_id: Mapped[int | None] = mapped_column(ForeignKey("interaction.id", ondelete="SET NULL"), index=True)
    platform: Mapped[str] = mapped_column(String(20))
    first_seen: Mapped[datetime] = mapped_column(UtcDateTime)
    last_seen: Mapped[datetime] = mapped_column(UtcDateTime)
    relations: Mapped[str] = mapped_column(Text, default="")  # "follower,following"

    __table_args__ = (
        Index("ix_import_source_platform_kind", "platform", "kind"),
        CheckConstraint("kind IN ('person', 'message', 'conversation_day', 'list')", name="kind"),
    )
