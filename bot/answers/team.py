"""`/team name [season]`: the club card, or the clubs a name may mean."""

from __future__ import annotations

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.answers.lookup import current_team_index, find_season, team_index
from bot.answers.models import ClubCard, ClubSeason, PathAnswer, TeamAnswer
from bot.answers.path import path
from bot.answers.standing import finish_words
from bot.store.models import Entry, League, Season, Team, TeamAlias


def _reach(answer: PathAnswer) -> int:
    """A number that orders finishes: qualifying beats any round reached."""
    if answer.status == "qualified":
        return 1000
    return answer.eliminated_in_round or 0


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
    club = (await session.exec(select(Team).where(Team.name == name))).one()
    aliases = sorted(
        {a.alias for a in (await session.exec(select(TeamAlias).where(TeamAlias.team_id == club.id)))}
        - {club.name}
    )
    rows = (
        await session.exec(
            select(Entry, Season)
            .join(Season, col(Entry.season_id) == col(Season.id))
            .where(Entry.team_id == club.id)
        )
    ).all()
    card = ClubCard(name=club.name, aliases=aliases)
    best: tuple[int, int, str] | None = None
    for entry, entered in sorted(rows, key=lambda row: row[1].year, reverse=True):
        if season is not None and entered.year != season:
            continue
        league = (
            await session.exec(
                select(League).where(League.season_id == entered.id, League.abbreviation == entry.league)
            )
        ).first()
        route = await path(session, team=club.name, season=entered.year)
        card.seasons.append(
            ClubSeason(
                season=entered.year,
                name_in_season=entry.name_in_season,
                league=entry.league,
                league_name=league.name if league else "",
                track=entry.track,
                status=route.status,
                finish=finish_words(route),
            )
        )
        if entry.league and entry.league not in card.leagues:
            card.leagues.append(entry.league)
        card.state = card.state or entry.state
        rank = (_reach(route), entered.year, f"{finish_words(route)} in {entered.year}")
        if best is None or rank[:2] > best[:2]:
            best = rank
    card.best_finish = best[2] if best else ""
    return card
