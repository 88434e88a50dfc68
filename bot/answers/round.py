"""`/round number [season]`: every fixture of a round, with results and byes."""

from __future__ import annotations

from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.answers.cache import cached
from bot.answers.errors import BadOption
from bot.answers.lookup import SeasonSnapshot, find_season, snapshot
from bot.answers.matches import freshness, utc
from bot.answers.models import RoundAnswer, RoundMatch
from bot.store.models import Fixture


def round_match(fixture: Fixture, view: SeasonSnapshot) -> RoundMatch:
    """A fixture seen neutrally, home side first."""
    return RoundMatch(**match_fields(fixture, view))


def match_fields(fixture: Fixture, view: SeasonSnapshot) -> dict[str, Any]:
    """The fields of `round_match` (for a model that extends it, made in one step)."""
    return dict(
        fixture=fixture.number,
        date=fixture.date,
        kickoff=utc(fixture.kickoff),
        home=view.name(fixture.home_id),
        away=view.name(fixture.away_id),
        home_league=fixture.home_league,
        away_league=fixture.away_league,
        home_from_fixture=fixture.home_from_fixture,
        away_from_fixture=fixture.away_from_fixture,
        home_score=fixture.home_score,
        away_score=fixture.away_score,
        decided_by=fixture.decided_by,
        extra_time=fixture.extra_time,
        penalties=fixture.penalties,
        winner=view.name(fixture.winner_id),
        status=fixture.status,
        venue=fixture.venue,
        note=fixture.note,
    )


@cached
async def round_fixtures(session: AsyncSession, *, number: int, season: int | None = None) -> RoundAnswer:
    """Round `number` of `season` (by default the latest season)."""
    view = await snapshot(session, await find_season(session, season))
    numbers = sorted(set(view.rounds) | {f.round for f in view.fixtures})
    if number not in numbers:
        listed = ", ".join(map(str, numbers)) or "none yet"
        raise BadOption(
            f"The {view.season.year} qualification has no round {number} (rounds: {listed}).",
            candidates=[str(n) for n in numbers],
        )
    fixtures = [fixture for fixture in view.fixtures if fixture.round == number]
    info = view.rounds.get(number)
    return RoundAnswer(
        season=view.season.year,
        round=number,
        round_name=info.name if info else f"Round {number}",
        dates=info.dates if info else "",
        rounds_in_season=view.last_round,
        matches=[round_match(fixture, view) for fixture in fixtures],
        byes=sorted(view.name(bye.team_id) or "" for bye in view.byes if bye.round == number),
        freshness=freshness(fixtures, view),
    )


async def bracket(session: AsyncSession, *, round: int, season: int | None = None) -> RoundAnswer:
    """`/bracket round [season]`: the same round as `/round`, which Discord shows as a picture."""
    return await round_fixtures(session, number=round, season=season)
