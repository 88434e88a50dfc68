"""Finding what a user named: a club (exact, alias or normalised spelling) and a season."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.answers.errors import AmbiguousTeam, SeasonNotFound, TeamNotFound
from bot.names import normalise, propose_matches
from bot.store.models import Bye, Entry, Fixture, Round, Season, Team, TeamAlias


async def find_team(session: AsyncSession, query: str) -> Team:
    """The one club `query` names; raises when none or several do."""
    wanted = query.strip()
    if not wanted:
        raise TeamNotFound("Type a club's name.")
    teams = {team.id: team for team in (await session.exec(select(Team))).all()}
    aliases = (await session.exec(select(TeamAlias))).all()
    exact = {t.id for t in teams.values() if t.name.casefold() == wanted.casefold()}
    exact |= {a.team_id for a in aliases if a.alias.casefold() == wanted.casefold()}
    if len(exact) == 1:
        return teams[exact.pop()]
    key = normalise(wanted)
    found = exact or {t.id for t in teams.values() if t.key == key} | {
        a.team_id for a in aliases if a.key == key
    }
    if len(found) == 1:
        return teams[found.pop()]
    if found:
        names = sorted(teams[team_id].name for team_id in found)
        raise AmbiguousTeam(f"'{wanted}' could be several clubs.", candidates=names)
    spellings = {t.name for t in teams.values()} | {a.alias for a in aliases}
    by_spelling = {a.alias: teams[a.team_id].name for a in aliases} | {t.name: t.name for t in teams.values()}
    suggestions: list[str] = []
    for spelling, _score in propose_matches(wanted, spellings, limit=5, cutoff=60):
        if by_spelling[spelling] not in suggestions:
            suggestions.append(by_spelling[spelling])
    hint = f" Did you mean {', '.join(suggestions[:3])}?" if suggestions else ""
    raise TeamNotFound(f"No club called '{wanted}' is in the records.{hint}", candidates=suggestions[:3])


async def season_years(session: AsyncSession) -> list[int]:
    """Every season the store holds, newest first."""
    return list((await session.exec(select(Season.year).order_by(Season.year.desc()))).all())


async def team_seasons(session: AsyncSession, team: Team) -> list[int]:
    """The seasons a club entered, newest first."""
    rows = await session.exec(
        select(Season.year).join(Entry, Entry.season_id == Season.id).where(Entry.team_id == team.id)
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
            select(Fixture).where(Fixture.season_id == season.id).order_by(Fixture.round, Fixture.number)
        )
    ).all()
    team_ids = set(entries) | {i for f in fixtures for i in (f.home_id, f.away_id) if i is not None}
    teams = {t.id: t for t in (await session.exec(select(Team).where(Team.id.in_(team_ids)))).all()}
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
