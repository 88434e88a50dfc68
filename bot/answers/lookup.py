"""Finding what a user named: a club (exact, alias or normalised spelling) and a season.

Every lookup reads the store's model (`bot.store.model`): the facts in memory at the store version now.
"""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.answers.errors import AmbiguousTeam, SeasonNotFound, TeamNotFound
from bot.names import TeamIndex
from bot.store.model import SeasonSnapshot, StoreModel, TeamRecord, current_model
from bot.store.models import Season, stored_id

__all__ = ["SeasonSnapshot", "StoreModel", "current_model"]


async def team_index(session: AsyncSession, *, season: int | None = None) -> TeamIndex:
    """Every club (of `season`, or of all seasons) with its spellings and a label to tell clubs apart."""
    model = await current_model(session)
    return model.index if season is None else model.season_index(season)


def resolve(index: TeamIndex, query: str) -> str:
    """The canonical name of the one club `query` names; raises when none or several do."""
    wanted = query.strip()
    if not wanted:
        raise TeamNotFound("Type a club's name.")
    found = index.match(wanted)
    if found.team is not None:
        return found.team
    if found.candidates:
        raise AmbiguousTeam(
            f"'{wanted}' could be several clubs: pick one.", candidates=found.candidates[:25], query=wanted
        )
    raise TeamNotFound(not_found_words(wanted, found.suggestions), candidates=found.suggestions)


def not_found_words(query: str, suggestions: list[str]) -> str:
    """Why a name found no club, and what the records do hold (a professional club may well be absent)."""
    hint = f" Did you mean {', '.join(suggestions)}?" if suggestions else ""
    return (
        f"No club called '{query}' is in the records.{hint} The records hold the clubs of the qualification "
        "rounds and the professional entrants the sources name, so most professional clubs are not in them."
    )


async def current_team_index(session: AsyncSession) -> TeamIndex:
    """The all-season team index of the store's model now (built once per store version)."""
    return (await current_model(session)).index


def find_team_in(model: StoreModel, query: str) -> TeamRecord:
    """The one club `query` names in `model`; raises when none or several do."""
    team = model.team_named(resolve(model.index, query))
    assert team is not None  # the index is built from the model's own clubs
    return team


async def find_team(session: AsyncSession, query: str) -> TeamRecord:
    """The one club `query` names; raises when none or several do."""
    return find_team_in(await current_model(session), query)


async def season_years(session: AsyncSession) -> list[int]:
    """Every season the store holds, newest first."""
    return (await current_model(session)).years


async def team_seasons(session: AsyncSession, team: TeamRecord) -> list[int]:
    """The seasons a club entered, newest first."""
    return list((await current_model(session)).team_years.get(stored_id(team), ()))


def season_in(model: StoreModel, year: int | None, team: TeamRecord | None = None) -> SeasonSnapshot:
    """The season asked for, or by default the latest one `team` played in (or the latest of all)."""
    if year is None:
        years = list(model.team_years.get(stored_id(team), ())) if team is not None else []
        years = years or model.years
        if not years:
            raise SeasonNotFound("The store holds no seasons yet: import one with `python -m bot import`.")
        year = years[0]
    view = model.seasons.get(year)
    if view is None:
        known = [str(y) for y in model.years]
        raise SeasonNotFound(
            f"There is no {year} season in the records (seasons: {', '.join(known)}).", candidates=known
        )
    return view


async def find_season(session: AsyncSession, year: int | None, team: TeamRecord | None = None) -> Season:
    """The season asked for, or by default the latest one `team` played in (or the latest of all)."""
    return season_in(await current_model(session), year, team).season


async def snapshot(session: AsyncSession, season: Season) -> SeasonSnapshot:
    """Every row of `season` that answers need, from the store's model now."""
    model = await current_model(session)
    view = model.seasons.get(season.year)
    if view is None:
        raise SeasonNotFound(f"There is no {season.year} season in the records.")
    return view
