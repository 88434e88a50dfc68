"""SQLModel tables (see DESIGN.md, "The store")."""

from __future__ import annotations

import datetime as dt
from typing import Any, Protocol, TypeVar

from sqlalchemy import JSON, BigInteger, Column, DateTime, Table, Text, UniqueConstraint
from sqlalchemy.orm import instrumentation
from sqlmodel import Field, SQLModel

from bot.seasons.facts import DecidedBy, EnumText, FixtureShape, FixtureStatus, Track


def utcnow() -> dt.datetime:
    """Now, in UTC, to the second."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


class _Row(Protocol):
    @property
    def id(self) -> int | None: ...


def stored_id(row: _Row) -> int:
    """The primary key of a row read from the store (or flushed to it); only a new, unsaved row has none."""
    if row.id is None:
        raise ValueError(f"this {type(row).__name__} has no id: it has not been written to the store")
    return row.id


def table_of(model: type[SQLModel]) -> Table:
    """The SQLAlchemy table of a table model (for Core statements on the hot paths)."""
    table = getattr(model, "__table__", None)  # SQLModel sets it on every table model
    if not isinstance(table, Table):
        raise TypeError(f"{model.__name__} is not a table model")
    return table


M = TypeVar("M", bound=SQLModel)


def built(model: type[M], values: dict[str, Any]) -> M:
    """A table object of no session holding `values`, made the way the ORM makes one from a row it loads.

    The values must already be of their fields' types (read from the store, or copied from an object of the
    same model): nothing is validated. Every field must be given. A hot path's alternative to
    `model(**values)`, whose validation-free construction still costs some thirty times as much.
    """
    missing = model.model_fields.keys() - values.keys()
    if missing:
        raise ValueError(f"{model.__name__} needs every field; missing: {', '.join(sorted(missing))}")
    made = instrumentation.manager_of_class(model).new_instance()
    made.__dict__.update(values)
    made.__pydantic_fields_set__.update(values)
    return made


def _when(nullable: bool = True) -> Any:
    return Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=nullable))


class Season(SQLModel, table=True):
    """A qualification season, named by the year of its tournament proper."""

    id: int | None = Field(default=None, primary_key=True)
    year: int = Field(unique=True, index=True)
    title: str
    source: str
    imported_at: dt.datetime | None = _when()
    stated: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    findings: list[dict[str, str]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))


class League(SQLModel, table=True):
    """A league as one season names it (abbreviations collide across seasons)."""

    __table_args__ = (UniqueConstraint("season_id", "abbreviation"),)
    id: int | None = Field(default=None, primary_key=True)
    season_id: int = Field(foreign_key="season.id", index=True, ondelete="CASCADE")
    abbreviation: str
    name: str = ""


class Team(SQLModel, table=True):
    """A club, across seasons, under its latest name."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    key: str = Field(index=True)


class TeamAlias(SQLModel, table=True):
    """Another way a club is written, and where that spelling comes from."""

    __table_args__ = (UniqueConstraint("team_id", "alias"),)
    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id", index=True, ondelete="CASCADE")
    alias: str
    key: str = Field(index=True)
    source: str = ""


class Entry(SQLModel, table=True):
    """A club's entry in one season: how it came in and under which name."""

    __table_args__ = (UniqueConstraint("season_id", "team_id"),)
    id: int | None = Field(default=None, primary_key=True)
    season_id: int = Field(foreign_key="season.id", index=True, ondelete="CASCADE")
    team_id: int = Field(foreign_key="team.id", index=True)
    name_in_season: str
    league: str = ""
    state: str = ""
    track: Track = Field(default=Track.LOCAL, sa_type=EnumText(Track))
    entry_round: int | None = None
    berth: str = ""
    qualified_by: str = ""


class Round(SQLModel, table=True):
    """A qualifying round of a season."""

    __table_args__ = (UniqueConstraint("season_id", "number"),)
    id: int | None = Field(default=None, primary_key=True)
    season_id: int = Field(foreign_key="season.id", index=True, ondelete="CASCADE")
    number: int
    name: str
    dates: str = ""
    stated_new_teams: int | None = None
    stated_entrants: int | None = None


class Fixture(FixtureShape, table=True):
    """A tie in the store: the shared shape, with the clubs by id and who entered it.

    A side may be "winner of fixture N" (by number within the season) until it is known.
    """

    __table_args__ = (UniqueConstraint("season_id", "number"),)
    id: int | None = Field(default=None, primary_key=True)
    season_id: int = Field(foreign_key="season.id", index=True, ondelete="CASCADE")
    home_id: int | None = Field(default=None, foreign_key="team.id", index=True)
    away_id: int | None = Field(default=None, foreign_key="team.id", index=True)
    winner_id: int | None = Field(default=None, foreign_key="team.id")
    entered_at: dt.datetime | None = _when()
    entered_by: str = ""
    version: int = 0  # raised by every change, so a confirmation can name the state it previewed


class FixtureUpdate(SQLModel):
    """What a moderator's result changes in a fixture (every field optional: only those set are written)."""

    home_score: int | None = None
    away_score: int | None = None
    extra_time: bool | None = None
    penalties: str | None = None
    decided_by: DecidedBy | None = None
    winner_id: int | None = None
    status: FixtureStatus | None = None
    date: dt.date | None = None
    note: str | None = None
    source_line: str | None = None


class Bye(SQLModel, table=True):
    """A club that went through a round without playing."""

    __table_args__ = (UniqueConstraint("season_id", "round", "team_id"),)
    id: int | None = Field(default=None, primary_key=True)
    season_id: int = Field(foreign_key="season.id", index=True, ondelete="CASCADE")
    round: int
    team_id: int = Field(foreign_key="team.id", index=True)
    source: str = "listed"


class Revision(SQLModel, table=True):
    """One change to the facts (a fixture, a bye, an entry, a season): before and after, who, when, why.

    Revisions are never deleted or rewritten: undo is a new revision that puts `before` back.
    """

    __table_args__ = (UniqueConstraint("request"),)
    id: int | None = Field(default=None, primary_key=True)
    season_id: int | None = Field(default=None, foreign_key="season.id", index=True, ondelete="CASCADE")
    fixture_id: int | None = Field(default=None, foreign_key="fixture.id", index=True, ondelete="CASCADE")
    fixture_number: int | None = None
    kind: str = "fixture"  # fixture / bye / entry / season
    before: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    after: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    actor: str
    at: dt.datetime | None = _when(nullable=False)
    why: str = ""
    request: str | None = None  # the request it came from (an interaction id): applied once at most
    undoes: int | None = None  # the revision this one reverts
    store_version: int = 0  # the store version this change made
    batch: str | None = Field(default=None, index=True)  # one import's revisions share it (undone as a whole)


class Follow(SQLModel, table=True):
    """A Discord user (or channel) following a club."""

    __table_args__ = (UniqueConstraint("user_id", "channel_id", "team_id"),)
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=Column(BigInteger, nullable=False, index=True))
    guild_id: int | None = Field(default=None, sa_column=Column(BigInteger))
    channel_id: int | None = Field(default=None, sa_column=Column(BigInteger))
    team_id: int = Field(foreign_key="team.id", index=True, ondelete="CASCADE")
    created_at: dt.datetime | None = _when(nullable=False)


class PendingWrite(SQLModel, table=True):
    """A moderator's write previewed on Discord and not yet confirmed.

    Kept in the store, not in memory, so that a bot restarted between the preview and the confirmation still
    confirms it; the Confirm button carries only its id. `arguments` are the command's options as the console
    writes them (text), so the confirmation runs the same command-table path as the preview.
    """

    id: int | None = Field(default=None, primary_key=True)
    kind: str  # the command table's key: "report", "undo", "fixture new", "bye", "season new", "import"
    guild_id: int = Field(sa_column=Column(BigInteger, nullable=False, index=True))
    channel_id: int | None = Field(default=None, sa_column=Column(BigInteger))
    actor_id: int = Field(sa_column=Column(BigInteger, nullable=False))  # the Discord user who previewed
    actor: str  # as revisions name actors ("mod:alice")
    arguments: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    upload: str | None = Field(default=None, sa_column=Column(Text))  # an /import's file, as text
    expected_version: int | None = None  # the fixture version the preview showed
    created_at: dt.datetime | None = _when(nullable=False)
    expires_at: dt.datetime | None = _when(nullable=False)
    state: str = "pending"  # pending / applied / cancelled / expired / refused
    revision_id: int | None = None  # the revision it made, once applied
    finished_at: dt.datetime | None = _when()
    finished_request: str | None = None  # the interaction that finished it (applied once, whatever repeats)


class GuildSetting(SQLModel, table=True):
    """What a guild's moderators set: where its results are posted."""

    guild_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    results_channel_id: int | None = Field(default=None, sa_column=Column(BigInteger))
    set_by: str = ""
    set_at: dt.datetime | None = _when()


class Notification(SQLModel, table=True):
    """The outbox: a change fans should hear of (a result, a correction, an undo, a postponement, a draw).

    Written in the same transaction as the change itself (keyed to its revision), so a committed change
    always has its notification and a rolled-back one never does. Who hears of it is worked out when it is
    delivered (`expanded`: its deliveries were made), so it is one row however many follow the clubs.
    """

    id: int | None = Field(default=None, primary_key=True)
    revision_id: int = Field(unique=True)
    season_id: int | None = None
    fixture_id: int | None = Field(default=None, index=True)
    kind: str  # result / correction / undo / postponed / drawn
    home_id: int | None = None
    away_id: int | None = None
    actor: str = ""
    created_at: dt.datetime | None = _when(nullable=False)
    expanded: bool = Field(default=False, index=True)


class Delivery(SQLModel, table=True):
    """One notification sent (or to be sent) to one target: a channel, or a follower's direct messages.

    At most one per (notification, target). Never deleted: a target that cannot be reached is `failing`,
    with the error, and reported (to the follower, and in /mod channel show).
    """

    __table_args__ = (UniqueConstraint("notification_id", "target"),)
    id: int | None = Field(default=None, primary_key=True)
    notification_id: int = Field(foreign_key="notification.id", index=True, ondelete="CASCADE")
    target: str  # "channel:<id>" or "dm:<user id>"
    guild_id: int | None = Field(default=None, sa_column=Column(BigInteger))
    channel_id: int | None = Field(default=None, sa_column=Column(BigInteger))  # a channel target
    user_id: int | None = Field(default=None, sa_column=Column(BigInteger, index=True))  # a DM target
    state: str = Field(default="pending", index=True)  # pending / sending / sent / failing
    attempts: int = 0
    next_attempt_at: dt.datetime | None = _when()
    claimed_by: str = ""
    claimed_at: dt.datetime | None = _when()
    message_id: int | None = Field(default=None, sa_column=Column(BigInteger))
    message_channel_id: int | None = Field(default=None, sa_column=Column(BigInteger))  # a DM's channel
    edited: bool = False  # delivered by editing the earlier post of the same tie (a correction)
    sent_at: dt.datetime | None = _when()
    last_error: str = ""
    told_at: dt.datetime | None = _when()  # when the follower was told it is failing


class RolePing(SQLModel, table=True):
    """The role a guild's moderators ping in its channels when a club's news is posted (the only mention)."""

    __table_args__ = (UniqueConstraint("guild_id", "team_id"),)
    id: int | None = Field(default=None, primary_key=True)
    guild_id: int = Field(sa_column=Column(BigInteger, nullable=False, index=True))
    team_id: int = Field(foreign_key="team.id", ondelete="CASCADE")
    role_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    set_by: str = ""
    set_at: dt.datetime | None = _when()


class StoreMeta(SQLModel, table=True):
    """Small facts about the store itself (for instance which data/ version is loaded)."""

    key: str = Field(primary_key=True)
    value: str
