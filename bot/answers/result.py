"""`/result team [opponent] [season]`: a club's matches, or two clubs head to head."""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.answers.cache import cached
from bot.answers.errors import BadOption
from bot.answers.lookup import (
    current_model,
    find_season,
    find_team,
    find_team_in,
    season_in,
    snapshot,
    team_seasons,
)
from bot.answers.matches import freshness, match_line
from bot.answers.models import Freshness, ResultAnswer
from bot.store.models import stored_id


@cached
async def result(
    session: AsyncSession, *, team: str, opponent: str | None = None, season: int | None = None
) -> ResultAnswer:
    """Club `team`'s matches in `season`; with `opponent`, every meeting of the two (in any season)."""
    club = await find_team(session, team)
    club_id = stored_id(club)
    seasons = await team_seasons(session, club)
    if opponent:
        return await _head_to_head(
            session, club_id=club_id, club_name=club.name, opponent=opponent, season=season, seasons=seasons
        )
    view = await snapshot(session, await find_season(session, season, club))
    fixtures = [f for f in view.fixtures if club_id in (f.home_id, f.away_id)]
    return ResultAnswer(
        team=club.name,
        season=view.season.year,
        matches=[match_line(f, club_id, view) for f in fixtures],
        other_seasons=[year for year in seasons if year != view.season.year],
        freshness=freshness(fixtures, view),
    )


async def _head_to_head(
    session: AsyncSession,
    *,
    club_id: int,
    club_name: str,
    opponent: str,
    season: int | None,
    seasons: list[int],
) -> ResultAnswer:
    model = await current_model(session)
    rival = find_team_in(model, opponent)
    rival_id = stored_id(rival)
    if rival_id == club_id:
        raise BadOption(f"'{opponent}' is {club_name} itself: pick another opponent.")
    if season is not None:
        season_in(model, season)  # an unknown season is named as such
    answer = ResultAnswer(team=club_name, season=season, opponent=rival.name, other_seasons=seasons)
    newest = Freshness()
    for year in sorted(model.seasons):
        if season is not None and year != season:
            continue
        view = model.seasons[year]
        fixtures = [f for f in view.fixtures if {f.home_id, f.away_id} == {club_id, rival_id}]
        if not fixtures:
            continue
        answer.matches += [match_line(f, club_id, view) for f in fixtures]
        fresh = freshness(fixtures, view)
        if newest.entered_at is None or (fresh.entered_at and fresh.entered_at > newest.entered_at):
            newest = fresh
    answer.freshness = newest
    return answer
