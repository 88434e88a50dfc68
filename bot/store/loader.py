"""Loads data/ into the store: on first use, and again whenever data/ has changed."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from sqlalchemy import delete, func, text
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.names import AliasRule, NameBook, normalise
from bot.seasons.datafiles import read_aliases, read_all, season_dirs
from bot.seasons.facts import SeasonFacts
from bot.store.models import (
    Bye,
    Entry,
    Fixture,
    Follow,
    League,
    Revision,
    Round,
    Season,
    StoreMeta,
    Team,
    TeamAlias,
    stored_id,
)

log = logging.getLogger(__name__)
DATA_VERSION_KEY = "data_version"
LOADER_ACTOR_PREFIX = "importer"
_LOAD_LOCK = 7_202_411  # an arbitrary advisory-lock number, shared by every bot process


def data_version(data_dir: Path) -> str:
    """A hash of every data file, so a changed data/ is noticed."""
    digest = hashlib.sha256()
    files = [data_dir / "aliases.csv"] + [f for d in season_dirs(data_dir) for f in sorted(d.iterdir())]
    for path in files:
        if path.is_file():
            digest.update(path.relative_to(data_dir).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


class DataError(Exception):
    """data/ contradicts itself (for instance a fixture names a club that has no entry)."""


async def ensure_loaded(session: AsyncSession, data_dir: Path) -> bool:
    """Load data/ unless this version is loaded already; returns whether it loaded."""
    version = data_version(data_dir)
    if session.get_bind().dialect.name == "postgresql":
        # Several bot processes may start at once: one loads, the others wait and find it done.
        connection = await session.connection()
        await connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOAD_LOCK})
    current = await session.get(StoreMeta, DATA_VERSION_KEY)
    if current is not None and current.value == version:
        await session.commit()
        return False
    if current is not None:
        edits = await session.scalar(
            select(func.count())
            .select_from(Revision)
            .where(~col(Revision.actor).startswith(LOADER_ACTOR_PREFIX))
        )
        if edits:
            log.warning("data/ changed but the store holds %d moderator edits: not reloading", edits)
            await session.commit()
            return False
    seasons = read_all(data_dir)
    await load_seasons(session, seasons, read_aliases(data_dir))
    if current is None:
        session.add(StoreMeta(key=DATA_VERSION_KEY, value=version))
    else:
        current.value = version
    await session.commit()
    log.info("loaded %d seasons from %s (version %s)", len(seasons), data_dir, version)
    return True


async def load_seasons(session: AsyncSession, seasons: list[SeasonFacts], rules: list[AliasRule]) -> None:
    """Replace the store's season facts with `seasons`; clubs keep their ids across reloads."""
    connection = await session.connection()
    await connection.execute(delete(TeamAlias))
    for table in (Bye, Fixture, Entry, Round, League, Season):
        await connection.execute(delete(table))
    # Keys are derived: recompute them (normalisation may have changed since the last load) and fall back
    # on the exact name, so a club keeps its id across reloads.
    existing = (await session.exec(select(Team))).all()
    index: dict[str, Team] = {normalise(team.name): team for team in existing}
    index.update({f"name:{team.name}": team for team in existing})
    spellings: dict[int, dict[str, str]] = {}
    for facts in sorted(seasons, key=lambda item: item.year):
        await _load_season(session, facts, rules, index, spellings)
    for team_id, written in spellings.items():
        for alias, source in written.items():
            session.add(TeamAlias(team_id=team_id, alias=alias, key=normalise(alias), source=source))
    entered = select(Entry.team_id)
    followed = select(Follow.team_id)
    await connection.execute(delete(Team).where(col(Team.id).not_in(entered), col(Team.id).not_in(followed)))
    await session.flush()


async def _load_season(
    session: AsyncSession,
    facts: SeasonFacts,
    rules: list[AliasRule],
    index: dict[str, Team],
    spellings: dict[int, dict[str, str]],
) -> None:
    book = NameBook(rules, season=facts.year)
    season = Season(
        year=facts.year,
        title=facts.title,
        source=facts.source,
        imported_at=facts.imported_at,
        stated=facts.stated,
        findings=[finding.model_dump() for finding in facts.findings],
    )
    session.add(season)
    await session.flush()
    season_id = stored_id(season)
    for league in facts.leagues:
        session.add(League(season_id=season_id, abbreviation=league.abbreviation, name=league.name))
    for item in facts.rounds:
        session.add(Round(season_id=season_id, **item.model_dump()))
    by_name: dict[str, int] = {}  # every spelling of the season, to the club's id
    for entry in facts.teams:
        written = [entry.name, *entry.also_written]
        keys = (
            [book.key(spelling) for spelling in written]
            + [normalise(s) for s in written]
            + [f"name:{entry.name}"]
        )
        team = next((index[key] for key in keys if key in index), None)
        if team is None:
            team = Team(name=entry.name, key=normalise(entry.name))
            session.add(team)
        else:
            team.name, team.key = entry.name, normalise(entry.name)  # the latest season's name wins
        await session.flush()
        club_id = stored_id(team)
        for key in keys:
            index[key] = team
        for spelling in written:
            by_name[spelling] = club_id
            spellings.setdefault(club_id, {}).setdefault(spelling, f"{facts.year} {facts.source}")
        session.add(
            Entry(
                season_id=season_id,
                team_id=club_id,
                name_in_season=entry.name,
                league=entry.league,
                state=entry.state,
                track=entry.track.value,
                entry_round=entry.entry_round,
                berth=entry.berth,
                qualified_by=entry.qualified_by,
            )
        )

    def team_id(name: str, what: str) -> int:
        if name not in by_name:
            raise DataError(f"{facts.year}: {what} names '{name}', which has no entry in teams.csv")
        return by_name[name]

    def side_id(name: str | None, what: str) -> int | None:
        return None if name is None else team_id(name, what)

    actor = f"{LOADER_ACTOR_PREFIX} ({facts.source})"
    for fixture in facts.fixtures:
        where = f"fixture {fixture.number}"
        session.add(
            Fixture(
                season_id=season_id,
                number=fixture.number,
                round=fixture.round,
                date=fixture.date,
                kickoff=fixture.kickoff,
                home_id=side_id(fixture.home, where),
                away_id=side_id(fixture.away, where),
                home_from_fixture=fixture.home_from_fixture,
                away_from_fixture=fixture.away_from_fixture,
                venue=fixture.venue,
                home_league=fixture.home_league,
                away_league=fixture.away_league,
                home_score=fixture.home_score,
                away_score=fixture.away_score,
                extra_time=fixture.extra_time,
                penalties=fixture.penalties,
                decided_by=fixture.decided_by.value if fixture.decided_by else None,
                winner_id=side_id(fixture.winner, where),
                status=fixture.status.value,
                source_line=fixture.source_line,
                note=fixture.note,
                entered_at=facts.imported_at,
                entered_by=actor,
            )
        )
    for bye in facts.byes:
        session.add(
            Bye(season_id=season_id, round=bye.round, team_id=team_id(bye.team, "a bye"), source=bye.source)
        )
    await session.flush()
