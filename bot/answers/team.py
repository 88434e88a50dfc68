"""`/team name [season]`: the club card, or the clubs a name may mean."""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.answers.cache import cached
from bot.answers.errors import TeamNotFound
from bot.answers.lookup import current_model, current_team_index, find_season, not_found_words, team_index
from bot.answers.models import ClubCard, ClubSeason, PathAnswer, TeamAnswer
from bot.answers.path import path
from bot.answers.standing import finish_words
from bot.store.models import stored_id


def _reach(answer: PathAnswer) -> int:
    """A number that orders finishes: qualifying beats any round reached."""
    if answer.status == "qualified":
        return 1000
    return answer.eliminated_in_round or 0


@cached
async def team(session: AsyncSession, *, name: str, season: int | None = None) -> TeamAnswer:
    """The club `name` means (in `season`, or in any season), with its card.

    With a season, a club that is in the records but did not enter that season is still named (its card
    shows the seasons it did play), so "not in 2017" never reads as "not in the records".
    """
    answer = TeamAnswer(query=name, season=season)
    found = None
    if season is not None:
        await find_season(session, season)
        found = (await team_index(session, season=season)).match(name)
        answer.entered_season = found.team is not None
    if found is None or found.team is None:
        in_any = (await current_team_index(session)).match(name)
        if found is None or in_any.team is not None or not (found.candidates or found.suggestions):
            found = in_any
    if found.team is None:
        answer.ambiguous = bool(found.candidates)
        answer.candidates = found.candidates or found.suggestions
        return answer
    answer.match = found.team
    answer.card = await club_card(session, name=found.team, season=season if answer.entered_season else None)
    return answer


async def club_card(session: AsyncSession, *, name: str, season: int | None = None) -> ClubCard:
    """Who club `name` is: its spellings, leagues, state, each season's finish (or only `season`'s)."""
    model = await current_model(session)
    club = model.team_named(name)
    if club is None:
        raise TeamNotFound(not_found_words(name, []))
    club_id = stored_id(club)
    card = ClubCard(name=club.name, aliases=sorted(set(model.aliases.get(club_id, ())) - {club.name}))
    best: tuple[int, int, str] | None = None
    for year in model.team_years.get(club_id, ()):  # newest first
        if season is not None and year != season:
            continue
        view = model.seasons[year]
        entry = view.entries[club_id]
        route = await path(session, team=club.name, season=year)
        card.seasons.append(
            ClubSeason(
                season=year,
                name_in_season=entry.name_in_season,
                league=entry.league,
                league_name=view.leagues.get(entry.league, "") if entry.league else "",
                track=entry.track,
                status=route.status,
                finish=finish_words(route),
            )
        )
        if entry.league and entry.league not in card.leagues:
            card.leagues.append(entry.league)
        card.state = card.state or entry.state
        rank = (_reach(route), year, f"{finish_words(route)} in {year}")
        if best is None or rank[:2] > best[:2]:
            best = rank
    card.best_finish = best[2] if best else ""
    return card
