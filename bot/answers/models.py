"""The typed answers. Field names marked in DESIGN.md are a public interface: add, never rename."""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from bot.modelbase import Deferred
from bot.seasons.facts import DecidedBy, FixtureStatus, Track


class Freshness(Deferred):
    """When the newest fact behind an answer was entered, by whom, from which source, and for which season."""

    entered_at: dt.datetime | None = None
    entered_by: str = ""  # "importer" for facts read from the season's document, else who reported them
    source: str = ""  # the document's file name
    season: int | None = None
    title: str = ""  # the season's title, as its source names it: "2024 U.S. Open Cup qualification"


class MatchLine(Deferred):
    """One of a club's ties, seen from that club's side."""

    fixture: int
    round: int
    round_name: str = ""
    date: dt.date | None = None
    kickoff: dt.datetime | None = None
    opponent: str | None
    opponent_from_fixture: int | None = None  # the opponent is the winner of this fixture, not known yet
    opponent_league: str = ""
    league: str = ""
    home: bool
    goals_for: int | None
    goals_against: int | None
    decided_by: DecidedBy | None
    penalties: str | None = Field(description="shootout score from this club's side, 'unknown', or null")
    extra_time: bool = False
    won: bool | None
    status: FixtureStatus = FixtureStatus.PLAYED
    venue: str = ""
    note: str = ""
    season: int | None = None


class PathAnswer(Deferred):
    """How a club entered a season and how far it went."""

    team: str
    season: int
    name_in_season: str = ""
    status: str  # qualified / eliminated / alive / not_entered / unknown (the source does not say)
    route: str = ""
    track: Track | None = None
    berth: str = ""
    qualified_by: str = ""
    league: str = ""
    entry_round: int | None = None
    byes: list[int] = Field(default_factory=list)
    matches: list[MatchLine] = Field(default_factory=list)
    eliminated_in_round: int | None = None
    eliminated_by: str | None = None
    rounds_in_season: int = 0
    rounds_left: int | None = None
    next_fixture: MatchLine | None = None
    possible_opponents: list[str] = Field(default_factory=list)
    awaiting_draw: bool = False
    unknown_from_round: int | None = None  # status unknown: the round whose outcome the source does not say
    other_seasons: list[int] = Field(default_factory=list)
    freshness: Freshness = Field(default_factory=Freshness)


class ResultAnswer(Deferred):
    """A club's matches in a season (or, with an opponent, head to head)."""

    team: str
    season: int | None
    opponent: str | None = None
    matches: list[MatchLine] = Field(default_factory=list)
    other_seasons: list[int] = Field(default_factory=list)
    freshness: Freshness = Field(default_factory=Freshness)


class ClubSeason(Deferred):
    """A club's part in one season."""

    season: int
    name_in_season: str
    league: str = ""
    league_name: str = ""
    track: str = ""
    status: str = ""
    finish: str = ""


class ClubCard(Deferred):
    """Who a club is: names, leagues, state, seasons, best finish."""

    name: str
    aliases: list[str] = Field(default_factory=list)
    leagues: list[str] = Field(default_factory=list)
    state: str = ""
    seasons: list[ClubSeason] = Field(default_factory=list)
    best_finish: str = ""


class TeamAnswer(Deferred):
    """`/team`: the club a name means, the clubs it may mean, or none."""

    query: str
    season: int | None = None
    match: str | None = None
    ambiguous: bool = False
    candidates: list[str] = Field(default_factory=list)
    card: ClubCard | None = None
    entered_season: bool | None = None  # with a season: did the club enter it (None: no season asked)

    @property
    def answered(self) -> bool:
        """Whether the name meant one club (a list to pick from, or nothing, leaves the question open)."""
        return self.match is not None


class RoundMatch(Deferred):
    """One fixture of a round, seen neutrally (home first)."""

    fixture: int
    date: dt.date | None = None
    kickoff: dt.datetime | None = None
    home: str | None
    away: str | None
    home_league: str = ""
    away_league: str = ""
    home_from_fixture: int | None = None  # "winner of fixture N" until known
    away_from_fixture: int | None = None
    home_score: int | None = None
    away_score: int | None = None
    decided_by: DecidedBy | None = None
    extra_time: bool = False
    penalties: str | None = None  # home first: "4-3", "unknown" or null
    winner: str | None = None
    status: FixtureStatus = FixtureStatus.PLAYED
    venue: str = ""
    note: str = ""


class RoundAnswer(Deferred):
    """`/round`: every fixture of a round, and its byes."""

    season: int
    round: int
    round_name: str = ""
    dates: str = ""
    rounds_in_season: int = 0
    matches: list[RoundMatch] = Field(default_factory=list)
    byes: list[str] = Field(default_factory=list)
    freshness: Freshness = Field(default_factory=Freshness)


class Qualifier(Deferred):
    """A club that reached the tournament proper, and how."""

    team: str
    route: str
    track: Track
    league: str = ""
    berth: str = ""
    deciding: MatchLine | None = None  # local qualifying: the win that sent the club through
    detail: str = ""  # direct slots: the deciding result as the source words it


class QualifiersAnswer(Deferred):
    """`/qualifiers`: every club that reached the proper, by route."""

    season: int
    qualifiers: list[Qualifier] = Field(default_factory=list)
    stated: dict[str, int] = Field(default_factory=dict)  # what the source says, where it says it
    not_named: dict[str, int] = Field(default_factory=dict)  # per league or section: counted, never named
    freshness: Freshness = Field(default_factory=Freshness)

    @property
    def not_named_total(self) -> int:
        """Clubs the source counts as through but does not name."""
        return sum(self.not_named.values())
