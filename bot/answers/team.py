"""`/team name [season]`: the club card, or the clubs a name may mean."""

from __future__ import annotations

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.answers.lookup import find_season, team_index
from bot.answers.models import ClubCard, ClubSeason, PathAnswer, TeamAnswer
from bot.answers.path import path
from bot.store.models import Entry, League, Season, Team, TeamAlias


def finish_words(answer: PathAnswer) -> str:
    """How far a club went in a season, in a few words."""
    if answer.status == "qualified":
        return "qualified" + (f" ({answer.berth})" if answer.berth else "")
    if answer.status == "eliminated":
        return f"out in round {answer.eliminated_in_round}"
    return answer.status.replace("_", " ")


def _reach(answer: PathAnswer) -> int:
    """A number that orders finishes: qualifying beats any round reached."""
    if answer.status == "qualified":
        return 1000
    return answer.eliminated_in_round or 0


async def team(session: AsyncSession, *, name: str, season: int | None = None) -> TeamAnswer:
    """The club `name` means (in `season`, or in any season), with its card."""
    if season is not None:
        await find_season(session, season)
    found = (await team_index(session, season=season)).match(name)
    answer = TeamAnswer(query=name, season=season)
    if found.team is None:
        answer.ambiguous = bool(found.candidates)
        answer.candidates = found.candidates or found.suggestions
        return answer
    answer.match = found.team
    club = (await session.exec(select(Team).where(Team.name == found.team))).one()
    aliases = sorted(
        {a.alias for a in (await session.exec(select(TeamAlias).where(TeamAlias.team_id == club.id)))}
        - {club.name}
    )
    rows = (
        await session.exec(
            select(Entry, Season).join(Season, Entry.season_id == Season.id).where(Entry.team_id == club.id)
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
    answer.card = card
    return answer
