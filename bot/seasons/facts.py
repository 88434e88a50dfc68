"""The facts of one season, as the reader produces them and data/ keeps them."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import BaseModel, Field


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


class Finding(BaseModel):
    """Something the reader or the checker wants a person to know."""

    level: str  # "error" (our data is wrong), "warning" (the source disagrees with itself), "info"
    message: str


class RoundFacts(BaseModel):
    """A qualifying round."""

    number: int
    name: str
    dates: str = ""
    stated_new_teams: int | None = None
    stated_entrants: int | None = None


class LeagueFacts(BaseModel):
    """A league as a season's source names it."""

    abbreviation: str
    name: str = ""


class TeamFacts(BaseModel):
    """A club's entry in one season."""

    name: str
    also_written: list[str] = Field(default_factory=list)
    league: str = ""
    state: str = ""
    track: Track = Track.LOCAL
    entry_round: int | None = None
    berth: str = ""
    qualified_by: str = ""  # the deciding result of a direct slot, in words


class FixtureFacts(BaseModel):
    """One qualifying match."""

    number: int
    round: int
    date: dt.date | None = None
    kickoff: dt.datetime | None = None
    home: str | None  # None while the side is "winner of fixture N" (see home_from_fixture)
    away: str | None
    home_from_fixture: int | None = None
    away_from_fixture: int | None = None
    venue: str = ""
    home_league: str = ""
    away_league: str = ""
    home_score: int | None = None
    away_score: int | None = None
    decided_by: DecidedBy | None = None
    extra_time: bool = False
    penalties: str | None = None  # "4-3" (home first), "unknown", or None
    winner: str | None = None  # the winning club's name, None while not played
    status: FixtureStatus = FixtureStatus.PLAYED
    source_line: str = ""
    note: str = ""


class ByeFacts(BaseModel):
    """A club that went through a round without playing."""

    round: int
    team: str
    source: str  # "listed" by the source, or "implied" by first appearing later


UNNAMED_PREFIX = "unnamed: "  # a `stated` key: clubs a section of the source counts but never names


class SeasonFacts(BaseModel):
    """Everything known about one season."""

    year: int
    title: str
    source: str
    imported_at: dt.datetime | None = None
    stated: dict[str, int | str | list[str]] = Field(default_factory=dict)
    rounds: list[RoundFacts] = Field(default_factory=list)
    leagues: list[LeagueFacts] = Field(default_factory=list)
    teams: list[TeamFacts] = Field(default_factory=list)
    fixtures: list[FixtureFacts] = Field(default_factory=list)
    byes: list[ByeFacts] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list)

    def team(self, name: str) -> TeamFacts | None:
        """The entry named `name` (as this season writes it), if any."""
        return next((team for team in self.teams if team.name == name), None)
