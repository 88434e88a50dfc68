"""Loads data/ into the store: on first use, and again whenever data/ has changed."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from sqlalchemy import delete, func, inspect, make_url, text
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.names import AliasRule, NameBook, normalise
from bot.seasons.check import DataReport, Problem, Section, check_data
from bot.seasons.datafiles import read_data
from bot.seasons.facts import FixtureFacts, SeasonFacts
from bot.store.engine import make_engine
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
    return read_data(data_dir=data_dir).version


class DataError(Exception):
    """data/ contradicts itself (for instance a fixture names a club that has no entry)."""


class DataRefused(DataError):
    """data/ fails the checks of `check-data`, so it must not be loaded; `problems` says where and why."""

    def __init__(self, data_dir: Path, problems: list[Problem]) -> None:
        """data/ at `data_dir` failed the checks with `problems` (at least one)."""
        more = f" (and {len(problems) - 1} more: see python -m bot check-data)" if len(problems) > 1 else ""
        super().__init__(f"data/ at {data_dir} fails its checks: {problems[0]}{more}")
        self.problems = problems


def loadable_data(*, data_dir: Path) -> DataReport:
    """The checked reading of `data_dir`, or `DataRefused` if it fails the checks (for a store built afresh).

    `ensure_loaded` refuses such data/ without raising, so that a running store keeps serving; a caller
    building a new store from data/ (a rebuild) should call this first, so as never to build an empty one.
    """
    report = check_data(data_dir=data_dir)
    if report.errors:
        raise DataRefused(data_dir, report.errors)
    return report


def missing_season(year: int) -> Problem:
    """The problem of a season the store serves but data/ lacks."""
    return Problem(
        f"seasons/{year}",
        "season missing from data/",
        f"the store serves season {year}, but data/ has no folder for it: the store keeps serving it, and "
        f"loads no data/ until seasons/{year}/ is back (git checkout -- data/seasons/{year})",
    )


def _refusals(report: DataReport, stored: set[int]) -> list[Problem]:
    """Why `report`'s data/ must not replace a store holding the seasons `stored`; none if it may."""
    problems = [] if report.empty and not stored else list(report.errors)
    if report.snapshot.version:  # data/ exists: a season the store serves must still be in it
        folders = {folder.name for folder in report.snapshot.folders}
        problems += [missing_season(year) for year in sorted(stored) if str(year) not in folders]
    return problems


_LOGGED_PROBLEMS = 20


def _log_refusal(data_dir: Path, problems: list[Problem], stored: set[int]) -> None:
    if stored:
        serving = (
            f"the store keeps serving what it loaded before (seasons {', '.join(map(str, sorted(stored)))})"
        )
    else:
        serving = "the store keeps serving nothing: it holds no season until data/ passes them"
    log.error(
        "data/ at %s is not loaded: it fails %d of the checks of `python -m bot check-data`, and %s",
        data_dir,
        len(problems),
        serving,
    )
    for problem in problems[:_LOGGED_PROBLEMS]:
        log.error("  %s", problem)
    if len(problems) > _LOGGED_PROBLEMS:
        log.error(
            "  ... and %d more: python -m bot check-data lists them all", len(problems) - _LOGGED_PROBLEMS
        )


async def ensure_loaded(session: AsyncSession, data_dir: Path) -> bool:
    """Load data/ unless this version is loaded already, or it fails its checks; returns whether it loaded.

    data/ is checked with the checks of `check-data` before the store is touched. data/ that fails them,
    that lacks a season the store serves, or that is missing (an empty data/ for an empty store is fine)
    is not loaded: the store keeps what it holds, and the problems are logged at ERROR, file by file.
    """
    report = check_data(data_dir=data_dir)
    version = report.snapshot.version
    if session.get_bind().dialect.name == "postgresql":
        # Several bot processes may start at once: one loads, the others wait and find it done.
        connection = await session.connection()
        await connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOAD_LOCK})
    current = await session.get(StoreMeta, DATA_VERSION_KEY)
    stored = set((await session.exec(select(Season.year))).all())
    problems = _refusals(report, stored)
    if problems:
        _log_refusal(data_dir, problems, stored)
        await session.commit()
        return False
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
    seasons = report.snapshot.seasons
    try:
        await load_seasons(session, seasons, report.snapshot.aliases)
        if current is None:
            session.add(StoreMeta(key=DATA_VERSION_KEY, value=version))
        else:
            current.value = version
        await session.commit()
    except (DataError, IntegrityError) as error:  # what the checks did not foresee: nothing is changed
        await session.rollback()
        log.error("data/ at %s is not loaded, and the store keeps what it held: %s", data_dir, error)
        return False
    if seasons:
        log.info("loaded %d seasons from %s (version %s)", len(seasons), data_dir, version)
    else:
        log.info("data/ at %s holds no season yet: import one with python -m bot import SEED", data_dir)
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


# `check-data` on the store: its health, and its facts against data/ -------------------------------------

_LISTED_DIFFERENCES = 10
_COMPARED = (
    "round",
    "home",
    "away",
    "home_score",
    "away_score",
    "winner",
    "status",
    "decided_by",
    "penalties",
)


async def check_store(*, url: str, report: DataReport) -> Section:
    """Check the store at `url` without changing it: its integrity, and its facts per season against data/.

    SQLite: `PRAGMA integrity_check` and `PRAGMA foreign_key_check`. PostgreSQL: every table read whole
    (`count(*)`, which reads every page), and, when the amcheck extension is installed in the database,
    `bt_index_check` on every B-tree index of the store. A store that does not exist yet is a note.
    """
    parsed = make_url(url)
    section = Section(title=f"store ({parsed.render_as_string(hide_password=True)})")
    if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:":
        path = Path(parsed.database)
        if not await asyncio.to_thread(path.exists):
            section.notes.append(
                f"no store yet at {path}: the bot creates it and loads data/ on its first start"
            )
            return section
    engine = make_engine(url)
    try:
        async with engine.connect() as connection:
            if not await connection.run_sync(lambda sync: inspect(sync).has_table("season")):
                section.notes.append("the store has no tables yet: the bot creates them on its first start")
                return section
            await _check_integrity(connection, section)
            await _compare_with_data(connection, report, section)
    except (SQLAlchemyError, OSError) as error:
        section.problems.append(
            Problem(
                "store",
                "store open",
                f"cannot read the store: {_first_line(error)}: check DATABASE_URL, and that it is up",
            )
        )
    finally:
        await engine.dispose()
    return section


def _first_line(error: BaseException) -> str:
    original = getattr(error, "orig", None) or error
    return (str(original).strip().splitlines() or [type(original).__name__])[0]


def _damaged(detail: str) -> Problem:
    return Problem(
        "store",
        "store integrity",
        f"{detail}: the store is damaged; restore it from a backup, or (SQLite) build it again "
        "from data/ with: python -m bot rebuild",
    )


async def _check_integrity(connection: AsyncConnection, section: Section) -> None:
    try:
        if connection.dialect.name == "sqlite":
            rows = [str(row[0]) for row in (await connection.execute(text("PRAGMA integrity_check"))).all()]
            if rows == ["ok"]:
                section.passed.append("store: PRAGMA integrity_check: ok")
            else:
                section.problems += [_damaged(f"PRAGMA integrity_check: {row}") for row in rows[:10]]
            orphans = (await connection.execute(text("PRAGMA foreign_key_check"))).all()
            if orphans:
                section.problems.append(
                    _damaged(f"PRAGMA foreign_key_check: {len(orphans)} rows point at rows that do not exist")
                )
            else:
                section.passed.append("store: PRAGMA foreign_key_check: ok")
            return
        await connection.execute(text("SELECT 1"))
        tables = [table.name for table in SQLModel.metadata.sorted_tables]
        total = 0
        for table in tables:
            total += int((await connection.execute(text(f'SELECT count(*) FROM "{table}"'))).scalar_one())
        section.passed.append(f"store: every table read ({total} rows in {len(tables)} tables)")
        installed = await connection.scalar(
            text("SELECT count(*) FROM pg_extension WHERE extname = 'amcheck'")
        )
        if not installed:
            section.notes.append(
                "amcheck is not installed in this database, so indexes are not verified "
                "(CREATE EXTENSION amcheck, as a superuser, lets check-data verify them)"
            )
            return
        checked = (
            await connection.execute(
                text(
                    "SELECT c.relname, bt_index_check(c.oid) FROM pg_index i"
                    " JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid"
                    " JOIN pg_am a ON a.oid = c.relam"
                    " WHERE a.amname = 'btree' AND t.relname = ANY(:tables) AND pg_table_is_visible(t.oid)"
                ),
                {"tables": tables},
            )
        ).all()
        section.passed.append(
            f"store: amcheck: every index of the store verified ({len(checked)} B-tree indexes)"
        )
    except SQLAlchemyError as error:
        section.problems.append(_damaged(_first_line(error)))
        await connection.rollback()


def _fixture_values(fixture: Fixture, names: dict[int, str]) -> dict[str, object]:
    def name(team_id: int | None) -> str | None:
        return None if team_id is None else names.get(team_id, f"club #{team_id}")

    return {
        "round": fixture.round,
        "home": name(fixture.home_id),
        "away": name(fixture.away_id),
        "home_score": fixture.home_score,
        "away_score": fixture.away_score,
        "winner": name(fixture.winner_id),
        "status": fixture.status,
        "decided_by": fixture.decided_by,
        "penalties": fixture.penalties,
    }


def _data_values(fixture: FixtureFacts) -> dict[str, object]:
    values = {key: getattr(fixture, key) for key in _COMPARED}
    values["status"] = fixture.status.value
    values["decided_by"] = fixture.decided_by.value if fixture.decided_by else None
    return values


async def _compare_with_data(connection: AsyncConnection, report: DataReport, section: Section) -> None:
    """Each season's fixtures and results, clubs and byes in the store against data/."""
    session = AsyncSession(bind=connection)
    current = await session.get(StoreMeta, DATA_VERSION_KEY)
    same = current is not None and current.value == report.snapshot.version
    if not same:
        if report.errors:
            later = "data/ fails its checks (above), so the bot does not load it and keeps serving the store"
        else:
            later = "the bot loads it on its next start, unless a moderator has edited the store"
        section.notes.append(
            f"the store holds another version of data/ than the folder does: {later}; "
            "differences between them are notes, not errors"
        )
    edited = set(
        (
            await session.exec(
                select(Revision.fixture_id).where(~col(Revision.actor).startswith(LOADER_ACTOR_PREFIX))
            )
        ).all()
    )
    seasons = {season.year: season for season in (await session.exec(select(Season))).all()}
    in_data = {facts.year: facts for facts in report.snapshot.seasons}
    folders = {folder.name for folder in report.snapshot.folders}
    if report.snapshot.version:
        section.problems += [missing_season(year) for year in sorted(seasons) if str(year) not in folders]
    for year, facts in sorted(in_data.items()):
        season = seasons.get(year)
        if season is None:
            if same:
                section.problems.append(
                    Problem(
                        "store",
                        "store facts",
                        f"{year}: in data/ but not in the store, which says it loaded it",
                    )
                )
            else:
                section.notes.append(f"{year}: not in the store yet")
            continue
        season_id = stored_id(season)
        entries = (await session.exec(select(Entry).where(Entry.season_id == season_id))).all()
        names = {entry.team_id: entry.name_in_season for entry in entries}
        stored = {
            f.number: f
            for f in (await session.exec(select(Fixture).where(Fixture.season_id == season_id))).all()
        }
        byes = await session.scalar(select(func.count()).select_from(Bye).where(Bye.season_id == season_id))
        differences: list[str] = []
        numbers = {f.number for f in facts.fixtures}
        for where, only in (("the store", set(stored) - numbers), ("data/", numbers - set(stored))):
            if only:
                listed = ", ".join(map(str, sorted(only)[:5])) + (", ..." if len(only) > 5 else "")
                differences.append(f"{len(only)} fixtures only in {where} (number {listed})")
        for wanted in sorted(facts.fixtures, key=lambda f: f.number):
            held = stored.get(wanted.number)
            if held is None:
                continue
            have, want = _fixture_values(held, names), _data_values(wanted)
            changed = [
                f"{key}: store {have[key]}, data/ {want[key]}" for key in _COMPARED if have[key] != want[key]
            ]
            if not changed:
                continue
            line = f"fixture {wanted.number} differs from data/ ({'; '.join(changed)})"
            if held.id in edited:
                section.notes.append(f"{year}: {line}: a moderator's result, which stands")
            else:
                differences.append(line)
        if len(entries) != len(facts.teams):
            differences.append(f"the store holds {len(entries)} clubs, data/ {len(facts.teams)}")
        if byes != len(facts.byes):
            differences.append(f"the store holds {byes} byes, data/ {len(facts.byes)}")
        if not differences:
            section.passed.append(
                f"store: {year}: {len(stored)} fixtures, as in data/ (results, clubs and byes)"
            )
            continue
        shown = differences[:_LISTED_DIFFERENCES]
        if len(differences) > len(shown):
            shown.append(f"... and {len(differences) - len(shown)} more differences")
        for line in shown:
            if same:
                section.problems.append(
                    Problem(
                        "store",
                        "store facts",
                        f"{year}: {line}: the store was changed outside the bot, or is damaged",
                    )
                )
            else:
                section.notes.append(f"{year}: {line}")
