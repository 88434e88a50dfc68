"""A fixture seen from one club's side, and the freshness of a set of fixtures."""

from __future__ import annotations

import datetime as dt

from bot.answers.lookup import SeasonSnapshot
from bot.answers.models import Freshness, MatchLine
from bot.store.loader import LOADER_ACTOR_PREFIX
from bot.store.models import Fixture


def _flip(score: str | None) -> str | None:
    if score is None or "-" not in score:
        return score
    home, away = score.split("-", 1)
    return f"{away}-{home}"


def match_line(fixture: Fixture, team_id: int, view: SeasonSnapshot, *, via: int | None = None) -> MatchLine:
    """`fixture` as club `team_id` lives it; `via` is the club's fixture whose winner takes a side here."""
    home = fixture.home_id == team_id if via is None else fixture.home_from_fixture == via
    opponent_id = fixture.away_id if home else fixture.home_id
    opponent_from = fixture.away_from_fixture if home else fixture.home_from_fixture
    played = fixture.status == "played"
    round_info = view.rounds.get(fixture.round)
    return MatchLine(
        fixture=fixture.number,
        round=fixture.round,
        round_name=round_info.name if round_info else f"Round {fixture.round}",
        date=fixture.date,
        kickoff=utc(fixture.kickoff),
        opponent=view.name(opponent_id),
        opponent_from_fixture=opponent_from if opponent_id is None else None,
        opponent_league=fixture.away_league if home else fixture.home_league,
        league=fixture.home_league if home else fixture.away_league,
        home=home,
        goals_for=fixture.home_score if home else fixture.away_score,
        goals_against=fixture.away_score if home else fixture.home_score,
        decided_by=fixture.decided_by,
        penalties=fixture.penalties if home else _flip(fixture.penalties),
        extra_time=fixture.extra_time,
        won=(fixture.winner_id == team_id) if played and fixture.winner_id is not None else None,
        status=fixture.status,
        venue=fixture.venue,
        note=fixture.note,
        season=view.season.year,
    )


def utc(moment: dt.datetime | None) -> dt.datetime | None:
    """`moment` as an aware UTC time (SQLite hands back naive ones; every time the store writes is UTC)."""
    return moment.replace(tzinfo=dt.UTC) if moment is not None and moment.tzinfo is None else moment


def freshness(fixtures: list[Fixture], view: SeasonSnapshot) -> Freshness:
    """Who entered the newest of `fixtures`, and when (the season's import if there are none)."""
    dated = [f for f in fixtures if f.entered_at is not None]
    if dated:
        newest = max(dated, key=lambda f: utc(f.entered_at))  # type: ignore[arg-type,return-value]
        return Freshness(
            entered_at=utc(newest.entered_at),
            entered_by=newest.entered_by,
            source=view.season.source,
            season=view.season.year,
            title=view.season.title,
        )
    return Freshness(
        entered_at=utc(view.season.imported_at),
        entered_by=LOADER_ACTOR_PREFIX,
        source=view.season.source,
        season=view.season.year,
        title=view.season.title,
    )
