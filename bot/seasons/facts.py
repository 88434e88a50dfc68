"""The facts of one season, as the reader produces them and data/ keeps them."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import Field as PydanticField
from sqlalchemy import DateTime, Dialect, String
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

from bot.modelbase import Deferred


class Track(StrEnum):
    """How a club came into the competition."""

    LOCAL = "local"
    NATIONAL_LEAGUE = "national_league"
    AMATEUR_CUP = "amateur_cup"
    LEAGUE_CHAMPION = "league_champion"
    PROFESSIONAL = "professional"


class DecidedBy(StrEnum):
    """How a fixture was settled."""

    REGULATION = "regulation"
    EXTRA_TIME = "extra_time"
    PENALTIES = "penalties"
    FORFEIT = "forfeit"
    WALKOVER = "walkover"
    ABANDONED = "abandoned"
    ANNULLED = "annulled"
    REPLAYED = "replayed"


class FixtureStatus(StrEnum):
    """Where a fixture stands."""

    PLAYED = "played"
    SCHEDULED = "scheduled"
    POSTPONED = "postponed"
    ABANDONED = "abandoned"  # to be replayed or decided by the committee
    ANNULLED = "annulled"  # struck from the record (the tie is void)


class EnumText(TypeDecorator[StrEnum]):
    """A text column that holds the values of one `StrEnum` and reads them back as its members.

    Stored as plain text (the value, never the member's name), so the schema and data/ stay readable and a
    value written before the enum existed reads back the same.
    """

    impl = String
    cache_ok = True

    def __init__(self, enum: type[StrEnum]) -> None:
        """Hold the values of `enum`."""
        super().__init__()
        self.enum = enum

    def process_bind_param(self, value: object, dialect: Dialect) -> str | None:
        """A member (or its value) as the value stored; anything else is refused before it is written."""
        return None if value is None else self.enum(str(value)).value

    def process_result_value(self, value: object, dialect: Dialect) -> StrEnum | None:
        """The stored value as the enum's member."""
        return None if value is None else self.enum(str(value))


class FixtureShape(SQLModel):
    """A tie as every layer says it: the facts of data/, the store's table, an update, the answers.

    The table adds the store's keys (ids of the clubs, the season, who entered it); the facts name the
    clubs instead; `FixtureUpdate` is the part a moderator's result changes. The enums are carried through
    every layer, stored as their values.
    """

    number: int
    round: int = Field(index=True)
    date: dt.date | None = None
    kickoff: dt.datetime | None = Field(default=None, sa_type=DateTime(timezone=True))  # UTC in the store
    home_from_fixture: int | None = None  # a side that is "winner of fixture N" until it is known
    away_from_fixture: int | None = None
    home_league: str = ""
    away_league: str = ""
    home_score: int | None = None
    away_score: int | None = None
    extra_time: bool = False
    penalties: str | None = None  # "4-3" (home first), "unknown", or None
    decided_by: DecidedBy | None = Field(default=None, sa_type=EnumText(DecidedBy))
    status: FixtureStatus = Field(default=FixtureStatus.PLAYED, sa_type=EnumText(FixtureStatus))
    venue: str = ""
    source_line: str = ""
    note: str = ""


class FindingKind(StrEnum):
    """What sort of thing a finding is, for the import's report (not kept in data/)."""

    GAP = "the source does not say"  # who went through, how far a club went: a person must settle it
    SPELLING = "spelling"  # a name the reader cannot join to a club (an alias settles it)
    DISAGREEMENT = "disagreement"  # the source disagrees with itself (prose and match line, figures, tags)
    UNREAD = "not understood"  # a line the reader could not place
    ASSUMED = "assumed"  # something the source leaves out that the reader assumed (a year)
    NOTE = "note"  # worth knowing


class Finding(Deferred):
    """Something the reader or the checker wants a person to know.

    `kind`, `line` and `settle` serve the import's report and are not written to data/ (season.toml keeps
    the level and the message, which says it all in words).
    """

    level: str  # "error" (our data is wrong), "warning" (the source disagrees with itself), "info"
    message: str
    kind: FindingKind | None = PydanticField(default=None, exclude=True)
    line: str = PydanticField(default="", exclude=True)  # the source's line it is about
    settle: str = PydanticField(default="", exclude=True)  # what would settle it

    @property
    def cannot_tell(self) -> bool:
        """Whether the reader could not tell something that a person (an alias, a line, a list) can."""
        return self.kind in (FindingKind.GAP, FindingKind.SPELLING)


class RoundFacts(Deferred):
    """A qualifying round."""

    number: int
    name: str
    dates: str = ""
    stated_new_teams: int | None = None
    stated_entrants: int | None = None


class LeagueFacts(Deferred):
    """A league as a season's source names it."""

    abbreviation: str
    name: str = ""


class TeamFacts(Deferred):
    """A club's entry in one season."""

    name: str
    also_written: list[str] = PydanticField(default_factory=list)
    league: str = ""
    state: str = ""
    track: Track = Track.LOCAL
    entry_round: int | None = None
    berth: str = ""
    qualified_by: str = ""  # the deciding result of a direct slot, in words


class FixtureFacts(FixtureShape):
    """One qualifying match, its clubs named as the season writes them."""

    home: str | None  # None while the side is "winner of fixture N" (see home_from_fixture)
    away: str | None
    winner: str | None = None  # the winning club's name, None while not played


class ByeFacts(Deferred):
    """A club that went through a round without playing."""

    round: int
    team: str
    source: str  # "listed" by the source, or "implied" by first appearing later


UNNAMED_PREFIX = "unnamed: "  # a `stated` key: clubs a section of the source counts but never names
# A `stated` key: clubs that won a round and have no later line, so the source does not say how far they went.
FATE_NOT_SAID = "fate_not_said"
# The note of a fixture whose winner the source does not say (its result is known, who went through is not).
WINNER_NOT_SAID = "the source does not say who went through"


class SeasonFacts(Deferred):
    """Everything known about one season."""

    year: int
    title: str
    source: str
    imported_at: dt.datetime | None = None
    stated: dict[str, int | str | list[str]] = PydanticField(default_factory=dict)
    rounds: list[RoundFacts] = PydanticField(default_factory=list)
    leagues: list[LeagueFacts] = PydanticField(default_factory=list)
    teams: list[TeamFacts] = PydanticField(default_factory=list)
    fixtures: list[FixtureFacts] = PydanticField(default_factory=list)
    byes: list[ByeFacts] = PydanticField(default_factory=list)
    findings: list[Finding] = PydanticField(default_factory=list)

    def team(self, name: str) -> TeamFacts | None:
        """The entry named `name` (as this season writes it), if any."""
        return next((team for team in self.teams if team.name == name), None)
