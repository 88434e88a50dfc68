"""Finding what a user named: a club (exact, alias or normalised spelling) and a season."""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field

from sqlalchemy.engine import Connection, Engine
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.answers.errors import AmbiguousTeam, SeasonNotFound, TeamNotFound
from bot.names import IndexedTeam, TeamIndex
from bot.store.models import Bye, Entry, Fixture, Round, Season, Team, TeamAlias, stored_id
from bot.store.version import store_version


async def team_index(session: AsyncSession, *, season: int | None = None) -> TeamIndex:
    """Every club (of `season`, or of all seasons) with its spellings and a label to tell clubs apart."""
    teams = {stored_id(team): team for team in (await session.exec(select(Team))).all()}
    if season is not None:
        entered = (
            select(Entry.team_id)
            .join(Season, col(Entry.season_id) == col(Season.id))
            .where(Season.year == season)
        )
        keep = set((await session.exec(entered)).all())
        teams = {team_id: team for team_id, team in teams.items() if team_id in keep}
    spellings: dict[int, list[str]] = {team_id: [] for team_id in teams}
    for alias in (await session.exec(select(TeamAlias))).all():
        if alias.team_id in spellings:
            spellings[alias.team_id].append(alias.alias)
    latest: dict[int, tuple[int, str]] = {}
    rows = await session.exec(
        select(Entry.team_id, Entry.league, Season.year).join(Season, col(Entry.season_id) == col(Season.id))
    )
    for team_id, league, year in rows.all():
        if team_id not in latest or year > latest[team_id][0]:
            latest[team_id] = (year, league)
    indexed = []
    for team_id, team in teams.items():
        last_year, league = latest.get(team_id, (None, ""))
        label = " · ".join(str(part) for part in (team.name, league, last_year) if part)
        indexed.append(IndexedTeam(name=team.name, label=label, spellings=tuple(spellings[team_id])))
    return TeamIndex(indexed)


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


# Keyed by what the session is bound to: its engine, or the connection a test binds it to.
_INDEXES: weakref.WeakKeyDictionary[Engine | Connection, tuple[int, TeamIndex]] = weakref.WeakKeyDictionary()


async def current_team_index(session: AsyncSession) -> TeamIndex:
    """The all-season team index, built once per store version instead of on every question.

    The store version is bumped with every write (a moderator's, or a reload of data/), so the index never
    misses a club or spelling that a write added, in this process or another.
    """
    engine = session.get_bind()
    version = await store_version(session)
    cached = _INDEXES.get(engine)
    if cached is not None and cached[0] == version:
        return cached[1]
    index = await team_index(session)
    _INDEXES[engine] = (version, index)
    return index


def forget_team_index(engine: Engine) -> None:
    """Drop the cached index (after teams or aliases change without a new store version, as tests do)."""
    _INDEXES.pop(engine, None)


async def find_team(session: AsyncSession, query: str) -> Team:
    """The one club `query` names; raises when none or several do."""
    name = resolve(await current_team_index(session), query)
    return (await session.exec(select(Team).where(Team.name == name))).one()


async def season_years(session: AsyncSession) -> list[int]:
    """Every season the store holds, newest first."""
    return list((await session.exec(select(Season.year).order_by(col(Season.year).desc()))).all())


async def team_seasons(session: AsyncSession, team: Team) -> list[int]:
    """The seasons a club entered, newest first."""
    rows = await session.exec(
        select(Season.year)
        .join(Entry, col(Entry.season_id) == col(Season.id))
        .where(Entry.team_id == team.id)
    )
    return sorted(rows.all(), reverse=True)


async def find_season(session: AsyncSession, year: int | None, team: Team | None = None) -> Season:
    """The season asked for, or by default the latest one `team` played in (or the latest of all)."""
    if year is None:
        years = await team_seasons(session, team) if team is not None else []
        years = years or await season_years(session)
        if not years:
            raise SeasonNotFound("The store holds no seasons yet: import one with `python -m bot import`.")
        year = years[0]
    season = (await session.exec(select(Season).where(Season.year == year))).first()
    if season is None:
        known = [str(y) for y in await season_years(session)]
        raise SeasonNotFound(
            f"There is no {year} season in the records (seasons: {', '.join(known)}).", candidates=known
        )
    return season


@dataclass
class SeasonSnapshot:
    """One season's rows, read together so an answer sees one consistent state."""

    season: Season
    rounds: dict[int, Round]
    entries: dict[int, Entry]
    teams: dict[int, Team]
    fixtures: list[Fixture]
    byes: list[Bye]
    leagues: dict[str, str] = field(default_factory=dict)

    @property
    def last_round(self) -> int:
        """The number of the season's final qualifying round."""
        numbers = list(self.rounds) + [fixture.round for fixture in self.fixtures]
        return max(numbers, default=0)

    def name(self, team_id: int | None) -> str | None:
        """A club as this season writes it."""
        if team_id is None:
            return None
        entry = self.entries.get(team_id)
        return entry.name_in_season if entry else self.teams[team_id].name


async def snapshot(session: AsyncSession, season: Season) -> SeasonSnapshot:
    """Read every row of `season` that answers need."""
    entries = {
        e.team_id: e for e in (await session.exec(select(Entry).where(Entry.season_id == season.id))).all()
    }
    fixtures = (
        await session.exec(
            select(Fixture)
            .where(Fixture.season_id == season.id)
            .order_by(col(Fixture.round), col(Fixture.number))
        )
    ).all()
    team_ids = set(entries) | {i for f in fixtures for i in (f.home_id, f.away_id) if i is not None}
    teams = {
        stored_id(t): t for t in (await session.exec(select(Team).where(col(Team.id).in_(team_ids)))).all()
    }
    return SeasonSnapshot(
        season=season,
        rounds={
            r.number: r for r in (await session.exec(select(Round).where(Round.season_id == season.id))).all()
        },
        entries=entries,
        teams=teams,
        fixtures=list(fixtures),
        byes=list((await session.exec(select(Bye).where(Bye.season_id == season.id))).all()),
    )
