"""`/path team [season]`: how a club entered a season and how far it went."""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.answers.lookup import find_season, find_team, snapshot, team_seasons
from bot.answers.matches import freshness, match_line
from bot.answers.models import PathAnswer

ROUTES = {
    "local": "local qualifying",
    "national_league": "national-league track",
    "amateur_cup": "direct: National Amateur Cup",
    "league_champion": "direct: league champion",
    "professional": "professional entry",
}


async def path(session: AsyncSession, *, team: str, season: int | None = None) -> PathAnswer:
    """The route of club `team` in `season` (by default the latest season it played)."""
    club = await find_team(session, team)
    view = await snapshot(session, await find_season(session, season, club))
    seasons = await team_seasons(session, club)
    others = [year for year in seasons if year != view.season.year]
    entry = view.entries.get(club.id)
    if entry is None:
        return PathAnswer(
            team=club.name,
            season=view.season.year,
            status="not_entered",
            other_seasons=others,
            rounds_in_season=view.last_round,
            freshness=freshness([], view),
        )
    fixtures = [f for f in view.fixtures if club.id in (f.home_id, f.away_id)]
    lines = [match_line(f, club.id, view) for f in fixtures]
    answer = PathAnswer(
        team=club.name,
        season=view.season.year,
        name_in_season=entry.name_in_season,
        status="alive",
        route=ROUTES.get(entry.track, entry.track),
        track=entry.track,
        berth=entry.berth,
        qualified_by=entry.qualified_by,
        league=entry.league,
        entry_round=entry.entry_round,
        byes=sorted(bye.round for bye in view.byes if bye.team_id == club.id),
        matches=lines,
        rounds_in_season=view.last_round,
        other_seasons=others,
        freshness=freshness(fixtures, view),
    )
    if entry.track != "local":
        answer.status = "qualified"
        answer.rounds_left = 0
        return answer
    for line in lines:
        if line.won is False:
            answer.status = "eliminated"
            answer.eliminated_in_round = line.round
            answer.eliminated_by = line.opponent
            answer.rounds_left = 0
            return answer
    upcoming = [line for line in lines if line.won is None]
    won_rounds = [line.round for line in lines if line.won]
    if won_rounds and max(won_rounds) >= view.last_round and not upcoming:
        answer.status = "qualified"
        answer.rounds_left = 0
        return answer
    answer.next_fixture = upcoming[0] if upcoming else None
    reached = upcoming[0].round if upcoming else max(won_rounds + answer.byes, default=0) + 1
    answer.rounds_left = view.last_round - reached + 1
    return answer
