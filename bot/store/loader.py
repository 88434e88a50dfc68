"""Loads data/ into the store: on first use, and again, merged season by season, whenever data/ has changed.

The store is the truth at run time; data/ is the reviewed form of the facts. A reload never deletes a
fact and never overwrites one a moderator entered: where data/ disagrees with a moderator, the moderator's
result stands and the disagreement is reported (and listed by `check-data` until someone resolves it).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Table, insert, inspect, make_url, text, update
from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.orm import make_transient_to_detached
from sqlmodel import SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.names import AliasRule, NameBook, normalise
from bot.seasons.check import RESULT_RULE, DataReport, Problem, Section, check_data, result_problem
from bot.seasons.datafiles import files_version, read_data, season_dirs
from bot.seasons.facts import FixtureFacts, SeasonFacts, TeamFacts
from bot.store.engine import make_engine
from bot.store.models import (
    Bye,
    Entry,
    Fixture,
    League,
    Revision,
    Round,
    Season,
    StoreMeta,
    Team,
    TeamAlias,
    stored_id,
    utcnow,
)
from bot.store.version import bump_version
from bot.store.writes import snapshot

log = logging.getLogger(__name__)
DATA_VERSION_KEY = "data_version"
LOADER_ACTOR_PREFIX = "importer"
_LOAD_LOCK = 7_202_411  # an arbitrary advisory-lock number, shared by every bot process


def data_version(data_dir: Path) -> str:
    """A hash of every data file, so a changed data/ is noticed."""
    return files_version(data_dir) or read_data(data_dir=data_dir).version


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


# Reload: data/ merged into the store, season by season ---------------------------------------------------

# The columns of a fixture that data/ holds, and the name each has in data/ (clubs are ids in the store).
_FIXTURE_COLUMNS = {
    "round": "round",
    "date": "date",
    "kickoff": "kickoff",
    "home_id": "home",
    "away_id": "away",
    "home_from_fixture": "home_from_fixture",
    "away_from_fixture": "away_from_fixture",
    "venue": "venue",
    "home_league": "home_league",
    "away_league": "away_league",
    "home_score": "home_score",
    "away_score": "away_score",
    "extra_time": "extra_time",
    "penalties": "penalties",
    "decided_by": "decided_by",
    "winner_id": "winner",
    "status": "status",
    "source_line": "source_line",
    "note": "note",
}
_ENTRY_COLUMNS = ("name_in_season", "league", "state", "track", "entry_round", "berth", "qualified_by")
_ROUND_COLUMNS = ("name", "dates", "stated_new_teams", "stated_entrants")
_SEASON_COLUMNS = ("title", "source", "imported_at", "stated", "findings")
_RESOLVE = (
    "to resolve it, export the store to data/ (python -m bot export) if the moderator is right, "
    "or have a moderator correct the result if data/ is"
)


def as_utc(moment: dt.datetime | None) -> dt.datetime | None:
    """`moment` as an aware UTC time: the store keeps times in UTC, and SQLite hands them back naive."""
    if moment is None:
        return None
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


def _comparable(value: object) -> object:
    """A value as it compares across data/ and the store: times in UTC, JSON in its written order."""
    if isinstance(value, dt.datetime):
        return as_utc(value)
    if isinstance(value, dict | list):
        return json.dumps(value, default=str)
    return value


def _shown(value: object) -> str:
    if value is None or value == "":
        return "(none)"
    if isinstance(value, dt.datetime):
        return as_utc(value).isoformat()  # type: ignore[union-attr]
    return str(value)


def alias_seasons(source: str) -> dict[int, str] | None:
    """The seasons whose data/ writes a spelling, from the source the loader gave its alias; else None.

    The loader records each spelling of a club with every season that writes it ("2017 <source>; 2024
    <source>"), so that export can give each season's entry its own spellings back; an alias whose source
    is not in that form (one a moderator added) is not the loader's, and a reload leaves it alone.
    """
    parts: dict[int, str] = {}
    for part in source.split(_SOURCE_SEPARATOR):
        year, space, _ = part.partition(" ")
        if not (space and len(year) == 4 and year.isascii() and year.isdigit()):
            return None
        parts[int(year)] = part
    return parts or None


_SOURCE_SEPARATOR = "; "


@dataclass(frozen=True)
class Disagreement:
    """A fact that data/ and a moderator's change give differently: the store's (the moderator's) stands."""

    season: int
    subject: str  # "fixture 12", "the entry of FC Folsom", "the season's header"
    data: dict[str, object]  # the differing values as data/ has them
    store: dict[str, object]  # ... and as the store has them
    entered_by: str  # the moderator who last changed it
    fixture: int | None = None  # the fixture's number, when it is one

    def __str__(self) -> str:
        """One line: where, what data/ says, what the store says and who entered it."""
        data = ", ".join(f"{key} {_shown(value)}" for key, value in self.data.items())
        store = ", ".join(f"{key} {_shown(value)}" for key, value in self.store.items())
        return (
            f"{self.season} {self.subject}: data/ says {data}; the store says {store} "
            f"(entered by {self.entered_by}, which stands)"
        )


@dataclass
class SeasonMerge:
    """What a reload did to one season of data/."""

    year: int
    new: bool = False  # the season was not in the store before
    added: list[int] = field(default_factory=list)  # fixture numbers
    changed: list[int] = field(default_factory=list)
    untouched: int = 0
    kept: list[int] = field(default_factory=list)  # fixtures only the store has (kept, never deleted)
    disagreements: list[Disagreement] = field(default_factory=list)
    other_changes: int = 0  # the season's header, rounds, leagues, entries and byes added or changed
    other_kept: int = 0  # rounds, leagues, entries and byes only the store has

    def summary(self) -> str:
        """One line for the log."""
        parts = [
            f"{len(self.added)} fixtures added",
            f"{len(self.changed)} changed",
            f"{self.untouched} untouched",
            f"{len(self.kept)} kept (in the store only)",
            f"{len(self.disagreements)} disagreements with moderators",
        ]
        if self.changed:
            parts[1] += (
                f" ({', '.join(map(str, self.changed[:10]))}{', ...' if len(self.changed) > 10 else ''})"
            )
        other = f"; {self.other_changes} other facts added or changed" if self.other_changes else ""
        kept = f", {self.other_kept} kept in the store only" if self.other_kept else ""
        return f"{self.year}{' (new)' if self.new else ''}: {', '.join(parts)}{other}{kept}"


@dataclass
class ReloadReport:
    """What a reload of data/ did: refused, found nothing new, or merged season by season."""

    data_version: str
    loaded: bool = False  # this version of data/ is now the loaded one
    refused: list[Problem] = field(default_factory=list)
    seasons: list[SeasonMerge] = field(default_factory=list)
    kept_seasons: list[int] = field(default_factory=list)  # in the store only, made or changed by moderators
    store_version: int | None = None  # the new store version, when the reload changed anything

    @property
    def disagreements(self) -> list[Disagreement]:
        """Every disagreement with a moderator, season by season."""
        return [item for season in self.seasons for item in season.disagreements]


@dataclass
class _Moderated:
    """What moderators have changed, from the revisions whose actor is not the loader."""

    fixtures: dict[int, str] = field(default_factory=dict)  # fixture id → the latest moderator on it
    numbers: dict[tuple[int, int], str] = field(default_factory=dict)  # (season id, number) → the same
    seasons: dict[int, str] = field(default_factory=dict)  # season id → the latest moderator in it
    created: set[int] = field(default_factory=set)  # seasons made by moderators (a revision of kind season)
    entries: dict[tuple[int, int], str] = field(default_factory=dict)  # (season id, club id) → moderator

    def fixture(self, fixture: Fixture) -> str | None:
        """Who last changed `fixture`, if a moderator ever did."""
        return self.fixtures.get(stored_id(fixture)) or self.numbers.get((fixture.season_id, fixture.number))


def _moderator_revisions() -> Any:
    return ~col(Revision.actor).startswith(LOADER_ACTOR_PREFIX)


async def _moderated(session: AsyncSession) -> _Moderated:
    revisions = (
        await session.exec(select(Revision).where(_moderator_revisions()).order_by(col(Revision.id)))
    ).all()
    unplaced = {
        revision.fixture_id
        for revision in revisions
        if revision.fixture_id is not None and (revision.season_id is None or revision.fixture_number is None)
    }
    placed: dict[int, tuple[int, int]] = {}
    if unplaced:  # revisions from before they named their season and fixture number
        found = await session.exec(
            select(Fixture.id, Fixture.season_id, Fixture.number).where(col(Fixture.id).in_(unplaced))
        )
        placed = {stored: (season_id, number) for stored, season_id, number in found.all() if stored}
    marks = _Moderated()
    for revision in revisions:
        season_id, fixture_id, number = revision.season_id, revision.fixture_id, revision.fixture_number
        kind, actor = revision.kind, revision.actor
        if fixture_id is not None and fixture_id in placed:
            season_id, number = placed[fixture_id]
        if season_id is None:
            continue
        marks.seasons[season_id] = actor
        if kind == "season":
            marks.created.add(season_id)
        elif kind == "fixture":
            if fixture_id is not None:
                marks.fixtures[fixture_id] = actor
            if number is not None:
                marks.numbers[(season_id, number)] = actor
        elif kind == "entry":
            for values in (revision.before, revision.after):
                team_id = values.get("team_id") if isinstance(values, dict) else None
                if isinstance(team_id, int):
                    marks.entries[(season_id, team_id)] = actor
    return marks


async def ensure_loaded(session: AsyncSession, data_dir: Path) -> bool:
    """Load data/ unless this version is loaded already, or it fails its checks; returns whether it loaded.

    See `reload_data`, which this runs and which says what the load did. When data/ holds, byte for byte,
    the version the store last loaded, and a folder for every season the store holds, there is nothing to
    load or to refuse, and data/ is not parsed or checked again (`python -m bot check-data` does that): a
    start costs reading and hashing the files, and leaves no garbage of parsed seasons in the heap.
    """
    if await _loaded_already(session, data_dir):
        await session.commit()
        return False
    return (await reload_data(session=session, data_dir=data_dir)).loaded


async def _loaded_already(session: AsyncSession, data_dir: Path) -> bool:
    version = await asyncio.to_thread(files_version, data_dir)
    if version is None:
        return False
    current = await session.get(StoreMeta, DATA_VERSION_KEY)
    if current is None or current.value != version:
        return False
    years = set((await session.exec(select(Season.year))).all())
    folders = {folder.name for folder in season_dirs(data_dir)}
    return all(str(year) in folders for year in years)


async def reload_data(*, session: AsyncSession, data_dir: Path) -> ReloadReport:
    """Merge data/ into the store unless this version is merged already, or it must not be; commits.

    data/ is checked with the checks of `check-data` before the store is touched. data/ that fails them,
    that lacks a season the store holds from an import (and no moderator has changed), or that is missing
    (an empty data/ is fine for a store holding no imported season) is not loaded: the store keeps what it
    holds, and the problems are logged at ERROR, file by file. Otherwise every season of data/ is merged
    in (see `merge_seasons`): nothing a moderator entered is overwritten, and nothing is deleted. What
    the merge did is logged, season by season, at INFO, and each disagreement with a moderator at WARNING.
    """
    report = check_data(data_dir=data_dir)
    version = report.snapshot.version
    outcome = ReloadReport(data_version=version)
    if session.get_bind().dialect.name == "postgresql":
        # Several bot processes may start at once: one loads, the others wait and find it done.
        connection = await session.connection()
        await connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOAD_LOCK})
    current = await session.get(StoreMeta, DATA_VERSION_KEY)
    stored = {season.year: stored_id(season) for season in (await session.exec(select(Season))).all()}
    moderated = await _moderated(session)
    imported = {year for year, season_id in stored.items() if season_id not in moderated.seasons}
    problems = _refusals(report, imported)
    if problems:
        _log_refusal(data_dir, problems, set(stored))
        await session.commit()
        outcome.refused = problems
        return outcome
    if current is not None and current.value == version:
        await session.commit()
        return outcome
    seasons = report.snapshot.seasons
    try:
        merged = await merge_seasons(session=session, seasons=seasons, rules=report.snapshot.aliases)
        if current is None:
            session.add(StoreMeta(key=DATA_VERSION_KEY, value=version))
        else:
            current.value = version
        await session.commit()
    except (DataError, IntegrityError, OperationalError) as error:  # nothing is changed
        await session.rollback()
        why = _first_line(error) if isinstance(error, SQLAlchemyError) else str(error)
        log.error("data/ at %s is not loaded, and the store keeps what it held: %s", data_dir, why)
        return outcome
    merged.data_version = version
    merged.loaded = True
    _log_merge(data_dir, merged, first=current is None)
    return merged


def _log_merge(data_dir: Path, merged: ReloadReport, *, first: bool) -> None:
    if not merged.seasons and not merged.kept_seasons:
        log.info("data/ at %s holds no season yet: import one with python -m bot import SEED", data_dir)
        return
    if first:
        log.info("loaded %d seasons from %s (version %s)", len(merged.seasons), data_dir, merged.data_version)
    else:
        changed = f"store version {merged.store_version}" if merged.store_version else "nothing changed"
        log.info("merged data/ at %s (version %s) into the store: %s", data_dir, merged.data_version, changed)
    for season in merged.seasons:
        log.info("  %s", season.summary())
        for disagreement in season.disagreements:
            log.warning("  disagreement: %s; %s", disagreement, _RESOLVE)
    for year in merged.kept_seasons:
        log.info(
            "  %d: in the store only (moderators made or changed it), kept: "
            "python -m bot export --season %d writes it to data/",
            year,
            year,
        )


async def merge_seasons(
    *, session: AsyncSession, seasons: list[SeasonFacts], rules: list[AliasRule]
) -> ReloadReport:
    """Merge `seasons` (data/) into the store, in the caller's transaction; returns what it did.

    Keys, never row ids: seasons by year, rounds by number, leagues by abbreviation, entries by club, byes
    by round and club, fixtures by number. What data/ adds is inserted, and what it changes is updated in
    place, except where a moderator has changed it: there the store's fact stands and the difference is a
    `Disagreement`. Nothing only the store has is deleted (it is kept and counted). Each change to a season
    already in the store is a `Revision` by the loader; if anything changed, the store version is bumped.
    """
    merger = _Merger(session, rules, await _moderated(session))
    await merger.start()
    outcome = ReloadReport(data_version="")
    for facts in sorted(seasons, key=lambda item: item.year):
        outcome.seasons.append(await merger.season(facts))
    await merger.finish(data_years={facts.year for facts in seasons})
    outcome.kept_seasons = sorted(set(merger.stored_seasons) - {facts.year for facts in seasons})
    if merger.changes:
        outcome.store_version = await bump_version(session)
        for revision in merger.revisions:
            revision.store_version = outcome.store_version
    await session.flush()
    return outcome


# Tables whose new rows the merge inserts in bulk, in an order their foreign keys allow (seasons and clubs,
# which the merge needs the ids of, are ORM objects, flushed first).
_BULK_ORDER: tuple[type[SQLModel], ...] = (League, Round, Entry, Fixture, Bye, TeamAlias)
_ROWS_PER_STATEMENT = 500  # new clubs in one INSERT (each is 2 parameters: far below any database's limit)


def _table(model: type[SQLModel]) -> Table:
    table = getattr(model, "__table__", None)  # SQLModel sets it on every table model
    if not isinstance(table, Table):
        raise TypeError(f"{model.__name__} is not a table model")
    return table


def _new_row(model: type[SQLModel], values: dict[str, Any]) -> dict[str, Any]:
    """`values` as a whole new row of `model`: every column the model has but the id, with its defaults.

    A table model fills in its defaults when it is built; an INSERT of plain values must name them.
    """
    row = {}
    for name, info in model.model_fields.items():
        if name in values:
            row[name] = values[name]
        elif info.is_required():
            raise ValueError(f"a new {model.__name__} row needs its {name}")
        elif name != "id":
            row[name] = info.get_default(call_default_factory=True)
    return row


class _Merger:
    """The state of one merge: clubs found so far, their spellings, the revisions written."""

    def __init__(self, session: AsyncSession, rules: list[AliasRule], moderated: _Moderated) -> None:
        self.session = session
        self.rules = rules
        self.moderated = moderated
        self.teams: dict[int, Team] = {}
        self.index: dict[str, Team] = {}  # every key of every spelling met, to the club
        self.latest: dict[int, int] = {}  # club id → the latest season it has an entry in
        self.spellings: dict[tuple[int, str], dict[int, str]] = {}  # (club, spelling) → {year: source}
        self.stored_seasons: dict[int, Season] = {}
        self.revisions: list[Revision] = []
        self.changes = 0
        # New rows nothing in the merge reads back (not even their ids): inserted table by table, many
        # rows to a statement, by `write_new_rows`, rather than one ORM object and one INSERT per row.
        self.new_rows: dict[type[SQLModel], list[dict[str, Any]]] = {model: [] for model in _BULK_ORDER}

    def add_row(self, model: type[SQLModel], values: dict[str, Any]) -> None:
        """Queue a new row of `model` (one of `_BULK_ORDER`) for `write_new_rows`."""
        self.new_rows[model].append(_new_row(model, values))

    async def insert_clubs(self, teams: list[Team]) -> None:
        """Insert new clubs, many to a statement, and give each its id; the session then holds them as stored.

        (An ORM flush would insert them one statement per club on SQLite, to read each one's id back.)
        """
        connection = await self.session.connection()
        for at in range(0, len(teams), _ROWS_PER_STATEMENT):
            chunk = teams[at : at + _ROWS_PER_STATEMENT]
            statement = insert(Team).values([{"name": team.name, "key": team.key} for team in chunk])
            found = await connection.execute(statement.returning(col(Team.id), col(Team.name)))
            ids = {name: stored for stored, name in found.all()}  # by name (unique): rows come in any order
            for team in chunk:
                team.id = ids[team.name]
                make_transient_to_detached(team)  # as if read from the store, so that changes are updates
                self.session.add(team)

    async def write_new_rows(self) -> None:
        """Flush the session, then insert the queued rows: one statement per table (and batch of rows)."""
        await self.session.flush()  # the seasons and clubs the queued rows refer to go first
        connection = await self.session.connection()
        for model, rows in self.new_rows.items():
            if rows:
                await connection.execute(insert(_table(model)), rows)
                rows.clear()

    async def start(self) -> None:
        session = self.session
        self.teams = {stored_id(team): team for team in (await session.exec(select(Team))).all()}
        # Keys are derived: recompute them (normalisation may have changed since the last load) and fall
        # back on the exact name, so a club keeps its id across reloads.
        self.index = {normalise(team.name): team for team in self.teams.values()}
        self.index.update({f"name:{team.name}": team for team in self.teams.values()})
        rows = await session.exec(
            select(Entry.team_id, Season.year).join(Season, col(Entry.season_id) == col(Season.id))
        )
        for team_id, year in rows.all():
            self.latest[team_id] = max(year, self.latest.get(team_id, year))
        self.stored_seasons = {season.year: season for season in (await session.exec(select(Season))).all()}

    def revise(self, season_id: int, kind: str, actor: str, **values: Any) -> None:
        """Record a change the loader made to a season that was already in the store."""
        revision = Revision(season_id=season_id, kind=kind, actor=actor, at=utcnow(), **values)
        self.session.add(revision)
        self.revisions.append(revision)

    async def season(self, facts: SeasonFacts) -> SeasonMerge:
        result = SeasonMerge(year=facts.year)
        season = await self._header(facts, result)
        season_id = stored_id(season)
        actor = f"{LOADER_ACTOR_PREFIX} ({facts.source})"
        await self._leagues(facts, season_id, result)
        await self._rounds(facts, season_id, result)
        by_name, names = await self._entries(facts, season_id, actor, result)

        def team_id(name: str, what: str) -> int:
            if name not in by_name:
                raise DataError(f"{facts.year}: {what} names '{name}', which has no entry in teams.csv")
            return by_name[name]

        def side_id(name: str | None, what: str) -> int | None:
            return None if name is None else team_id(name, what)

        found: Sequence[Fixture] = (
            []
            if result.new
            else (await self.session.exec(select(Fixture).where(Fixture.season_id == season_id))).all()
        )
        held = {fixture.number: fixture for fixture in found}
        added: list[Fixture] = []  # to a season already in the store: each is a revision, which needs its id
        for wanted in facts.fixtures:
            where = f"fixture {wanted.number}"
            values: dict[str, Any] = {
                "round": wanted.round,
                "date": wanted.date,
                "kickoff": as_utc(wanted.kickoff),
                "home_id": side_id(wanted.home, where),
                "away_id": side_id(wanted.away, where),
                "home_from_fixture": wanted.home_from_fixture,
                "away_from_fixture": wanted.away_from_fixture,
                "venue": wanted.venue,
                "home_league": wanted.home_league,
                "away_league": wanted.away_league,
                "home_score": wanted.home_score,
                "away_score": wanted.away_score,
                "extra_time": wanted.extra_time,
                "penalties": wanted.penalties,
                "decided_by": wanted.decided_by.value if wanted.decided_by else None,
                "winner_id": side_id(wanted.winner, where),
                "status": wanted.status.value,
                "source_line": wanted.source_line,
                "note": wanted.note,
            }
            fixture = held.get(wanted.number)
            if fixture is None:
                row = {
                    "season_id": season_id,
                    "number": wanted.number,
                    "entered_at": facts.imported_at,
                    "entered_by": actor,
                    **values,
                }
                if result.new:
                    self.add_row(Fixture, row)
                else:
                    fixture = Fixture(**row)
                    self.session.add(fixture)
                    added.append(fixture)
                result.added.append(wanted.number)
                continue
            await self._fixture(fixture, values, facts, actor, names, result)
        result.kept = sorted(set(held) - {wanted.number for wanted in facts.fixtures})
        self.changes += len(result.added)
        if added:
            await self.session.flush()
            for fixture in added:
                self.revise(
                    season_id,
                    "fixture",
                    actor,
                    fixture_id=stored_id(fixture),
                    fixture_number=fixture.number,
                    before=None,
                    after=snapshot(fixture),
                    why="added by a reload of data/",
                )
        await self._byes(facts, season_id, actor, team_id, result)
        await self.write_new_rows()
        return result

    async def _header(self, facts: SeasonFacts, result: SeasonMerge) -> Season:
        wanted: dict[str, Any] = {
            "title": facts.title,
            "source": facts.source,
            "imported_at": facts.imported_at,
            "stated": facts.stated,
            "findings": [finding.model_dump() for finding in facts.findings],
        }
        season = self.stored_seasons.get(facts.year)
        if season is None:
            season = Season(year=facts.year, **wanted)
            self.session.add(season)
            await self.session.flush()
            self.stored_seasons[facts.year] = season
            result.new = True
            self.changes += 1
            return season
        differing = [
            key for key in _SEASON_COLUMNS if _comparable(getattr(season, key)) != _comparable(wanted[key])
        ]
        if not differing:
            return season
        season_id = stored_id(season)
        if season_id in self.moderated.created:  # made by moderators: their header stands
            shown = [key for key in differing if key in ("title", "source", "imported_at")] or ["stated"]
            result.disagreements.append(
                Disagreement(
                    season=facts.year,
                    subject="the season's header (season.toml)",
                    data={key: wanted[key] for key in shown},
                    store={key: getattr(season, key) for key in shown},
                    entered_by=self.moderated.seasons.get(season_id, "a moderator"),
                )
            )
            return season
        for key in differing:
            setattr(season, key, wanted[key])
        self.session.add(season)
        result.other_changes += 1
        self.changes += 1
        return season

    async def _leagues(self, facts: SeasonFacts, season_id: int, result: SeasonMerge) -> None:
        found: Sequence[League] = (
            []
            if result.new
            else (await self.session.exec(select(League).where(League.season_id == season_id))).all()
        )
        held = {league.abbreviation: league for league in found}
        for league in facts.leagues:
            row = held.get(league.abbreviation)
            if row is None:
                self.add_row(
                    League, {"season_id": season_id, "abbreviation": league.abbreviation, "name": league.name}
                )
            elif row.name != league.name:
                row.name = league.name
                self.session.add(row)
            else:
                continue
            result.other_changes += 1
            self.changes += 1
        result.other_kept += len(set(held) - {league.abbreviation for league in facts.leagues})

    async def _rounds(self, facts: SeasonFacts, season_id: int, result: SeasonMerge) -> None:
        found: Sequence[Round] = (
            []
            if result.new
            else (await self.session.exec(select(Round).where(Round.season_id == season_id))).all()
        )
        held = {item.number: item for item in found}
        for item in facts.rounds:
            row = held.get(item.number)
            wanted = item.model_dump()
            if row is None:
                self.add_row(Round, {"season_id": season_id, **wanted})
            elif any(getattr(row, key) != wanted[key] for key in _ROUND_COLUMNS):
                for key in _ROUND_COLUMNS:
                    setattr(row, key, wanted[key])
                self.session.add(row)
            else:
                continue
            result.other_changes += 1
            self.changes += 1
        result.other_kept += len(set(held) - {item.number for item in facts.rounds})

    def _club(
        self, book: NameBook, name: str, written: list[str], known: int | None
    ) -> tuple[Team, list[str]]:
        """The club an entry of data/ names (a new, unsaved one if none), and every key of its spellings.

        The club already entered under this name in the season comes first; then any club a spelling's
        key (with the curated aliases), normalised spelling or exact name finds.
        """
        keys = (
            [book.key(spelling) for spelling in written] + [normalise(s) for s in written] + [f"name:{name}"]
        )
        team = self.teams.get(known) if known is not None else None
        if team is None:
            team = next((self.index[key] for key in keys if key in self.index), None)
        return (team, keys) if team is not None else (Team(name=name, key=normalise(name)), keys)

    async def _entries(
        self, facts: SeasonFacts, season_id: int, actor: str, result: SeasonMerge
    ) -> tuple[dict[str, int], dict[int, str]]:
        """Merge the season's clubs; returns each spelling of the season to its club, and each club's name."""
        book = NameBook(self.rules, season=facts.year)
        found: Sequence[Entry] = (
            []
            if result.new
            else (await self.session.exec(select(Entry).where(Entry.season_id == season_id))).all()
        )
        held = {entry.team_id: entry for entry in found}
        known = {entry.name_in_season: team_id for team_id, entry in held.items()}
        new_names: dict[int, str] = {}  # the clubs that enter the season afresh, by the name they enter under
        by_name: dict[str, int] = {}
        taken: dict[int, str] = {}
        # First every entry's club, then the new ones inserted together (their ids are needed from there on),
        # rather than a flush for each new club.
        claimed: dict[int, str] = {}  # id() of each club met in this season → the entry that names it
        clubs: list[tuple[TeamFacts, Team, list[str]]] = []
        new_clubs: list[Team] = []
        for entry in facts.teams:
            written = [entry.name, *entry.also_written]
            team, keys = self._club(book, entry.name, written, known.get(entry.name))
            if id(team) in claimed:
                raise DataError(
                    f"{facts.year}: teams.csv lists '{claimed[id(team)]}' and '{entry.name}', which are one "
                    "club (by their spellings or data/aliases.csv): keep one line for it"
                )
            claimed[id(team)] = entry.name
            if team.id is None:
                new_clubs.append(team)
                self.changes += 1
            elif team.name != entry.name and facts.year >= self.latest.get(stored_id(team), facts.year):
                team.name = entry.name  # the latest season's name wins
                self.session.add(team)
                self.changes += 1
            for key in keys:
                self.index[key] = team
            clubs.append((entry, team, written))
        if new_clubs:
            await self.insert_clubs(new_clubs)
            self.teams.update({stored_id(team): team for team in new_clubs})
        for entry, team, written in clubs:
            club_id = stored_id(team)
            taken[club_id] = entry.name
            self.latest[club_id] = max(facts.year, self.latest.get(club_id, facts.year))
            for spelling in written:
                by_name[spelling] = club_id
                self.spellings.setdefault((club_id, spelling), {})[facts.year] = (
                    f"{facts.year} {facts.source}"
                )
            wanted: dict[str, Any] = {
                "name_in_season": entry.name,
                "league": entry.league,
                "state": entry.state,
                "track": entry.track.value,
                "entry_round": entry.entry_round,
                "berth": entry.berth,
                "qualified_by": entry.qualified_by,
            }
            row = held.get(club_id)
            if row is None:
                self.add_row(Entry, {"season_id": season_id, "team_id": club_id, **wanted})
                new_names[club_id] = entry.name
                if not result.new:
                    self.revise(
                        season_id,
                        "entry",
                        actor,
                        after={"team_id": club_id, **wanted},
                        why="added by a reload of data/",
                    )
            else:
                differing = [key for key in _ENTRY_COLUMNS if getattr(row, key) != wanted[key]]
                if not differing:
                    continue
                moderator = self.moderated.entries.get((season_id, club_id))
                if moderator is not None:
                    result.disagreements.append(
                        Disagreement(
                            season=facts.year,
                            subject=f"the entry of {row.name_in_season}",
                            data={key: wanted[key] for key in differing},
                            store={key: getattr(row, key) for key in differing},
                            entered_by=moderator,
                        )
                    )
                    continue
                before = {"team_id": club_id, **{key: getattr(row, key) for key in _ENTRY_COLUMNS}}
                for key in differing:
                    setattr(row, key, wanted[key])
                self.session.add(row)
                self.revise(
                    season_id,
                    "entry",
                    actor,
                    before=before,
                    after={"team_id": club_id, **wanted},
                    why="changed by a reload of data/",
                )
            result.other_changes += 1
            self.changes += 1
        result.other_kept += len(set(held) - set(taken))
        names = {team_id: entry.name_in_season for team_id, entry in held.items()} | new_names
        return by_name, names

    async def _fixture(
        self,
        fixture: Fixture,
        values: dict[str, Any],
        facts: SeasonFacts,
        actor: str,
        names: dict[int, str],
        result: SeasonMerge,
    ) -> None:
        """Bring one stored fixture to data/'s values, unless they agree or a moderator has changed it."""
        differing = [
            key for key in _FIXTURE_COLUMNS if _comparable(getattr(fixture, key)) != _comparable(values[key])
        ]
        if not differing:
            result.untouched += 1
            return
        moderator = self.moderated.fixture(fixture)
        if moderator is None:
            before = snapshot(fixture)
            changes = {**values, "entered_at": facts.imported_at, "entered_by": actor}
            moved = await self.session.exec(
                update(Fixture)
                .where(col(Fixture.id) == fixture.id, col(Fixture.version) == fixture.version)
                .values(**changes, version=col(Fixture.version) + 1)
            )
            if moved.rowcount == 1:
                await self.session.refresh(fixture)
                self.revise(
                    fixture.season_id,
                    "fixture",
                    actor,
                    fixture_id=stored_id(fixture),
                    fixture_number=fixture.number,
                    before=before,
                    after=snapshot(fixture),
                    why="changed by a reload of data/",
                )
                result.changed.append(fixture.number)
                self.changes += 1
                return
            moderator = "someone, while data/ was being loaded"  # a write came first: it stands
            await self.session.refresh(fixture)

        def named(key: str, value: object) -> object:
            return (
                names.get(value, f"club #{value}")
                if key.endswith("_id") and isinstance(value, int)
                else value
            )

        result.disagreements.append(
            Disagreement(
                season=facts.year,
                subject=f"fixture {fixture.number}",
                data={_FIXTURE_COLUMNS[key]: named(key, values[key]) for key in differing},
                store={_FIXTURE_COLUMNS[key]: named(key, getattr(fixture, key)) for key in differing},
                entered_by=moderator,
                fixture=fixture.number,
            )
        )

    async def _byes(
        self,
        facts: SeasonFacts,
        season_id: int,
        actor: str,
        team_id: Callable[[str, str], int],
        result: SeasonMerge,
    ) -> None:
        found: Sequence[Bye] = (
            []
            if result.new
            else (await self.session.exec(select(Bye).where(Bye.season_id == season_id))).all()
        )
        held = {(bye.round, bye.team_id): bye for bye in found}
        wanted_keys = set()
        for bye in facts.byes:
            key = (bye.round, team_id(bye.team, "a bye"))
            wanted_keys.add(key)
            row = held.get(key)
            after = {"round": bye.round, "team_id": key[1], "source": bye.source}
            if row is None:
                self.add_row(
                    Bye, {"season_id": season_id, "round": bye.round, "team_id": key[1], "source": bye.source}
                )
                if not result.new:
                    self.revise(season_id, "bye", actor, after=after, why="added by a reload of data/")
            elif row.source != bye.source:
                before = {**after, "source": row.source}
                row.source = bye.source
                self.session.add(row)
                self.revise(
                    season_id, "bye", actor, before=before, after=after, why="changed by a reload of data/"
                )
            else:
                continue
            result.other_changes += 1
            self.changes += 1
        result.other_kept += len(set(held) - wanted_keys)

    async def finish(self, *, data_years: set[int]) -> None:
        """Bring the clubs' spellings and keys in line with data/ (a moderator's own spellings stay)."""
        wanted = dict(self.spellings)
        for alias in (await self.session.exec(select(TeamAlias).order_by(col(TeamAlias.id)))).all():
            seasons = alias_seasons(alias.source)
            written = wanted.pop((alias.team_id, alias.alias), None)
            if seasons is None and written is None:  # not the loader's: only its key is kept up to date
                source = alias.source
            else:
                merged = {year: part for year, part in (seasons or {}).items() if year not in data_years}
                merged.update(written or {})
                if not merged:
                    await self.session.delete(alias)
                    self.changes += 1
                    continue
                source = _SOURCE_SEPARATOR.join(merged[year] for year in sorted(merged))
            key = normalise(alias.alias)
            if (alias.source, alias.key) != (source, key):
                alias.source, alias.key = source, key
                self.session.add(alias)
                self.changes += 1
        for (team_id, spelling), seasons_of in wanted.items():
            source = _SOURCE_SEPARATOR.join(seasons_of[year] for year in sorted(seasons_of))
            self.add_row(
                TeamAlias,
                {"team_id": team_id, "alias": spelling, "key": normalise(spelling), "source": source},
            )
            self.changes += 1
        for team in self.teams.values():
            if team.key != normalise(team.name):
                team.key = normalise(team.name)
                self.session.add(team)
                self.changes += 1
        await self.write_new_rows()


# `check-data` on the store: its health, and its facts against data/ -------------------------------------

_LISTED_DIFFERENCES = 10


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
            await _check_stored_results(connection, section)
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


async def _check_stored_results(connection: AsyncConnection, section: Section) -> None:
    """Every played fixture of the store, of every season, settled again by the rule of /report and the seeds.

    Unlike the comparison with data/, this holds whichever version of data/ the store has loaded, and for
    results moderators wrote: a result that does not settle as stored is always an error.
    """
    session = AsyncSession(bind=connection)
    years = {stored_id(season): season.year for season in (await session.exec(select(Season))).all()}
    names = {
        (entry.season_id, entry.team_id): entry.name_in_season
        for entry in (await session.exec(select(Entry))).all()
    }

    def club(season_id: int, team_id: int | None) -> str | None:
        return None if team_id is None else names.get((season_id, team_id), f"club #{team_id}")

    played = (await session.exec(select(Fixture).where(Fixture.status == "played"))).all()
    wrong = len(section.problems)
    for fixture in sorted(played, key=lambda f: (years.get(f.season_id, 0), f.number)):
        problem = result_problem(
            number=fixture.number,
            home=club(fixture.season_id, fixture.home_id),
            away=club(fixture.season_id, fixture.away_id),
            home_score=fixture.home_score,
            away_score=fixture.away_score,
            extra_time=fixture.extra_time,
            penalties=fixture.penalties,
            decided_by=fixture.decided_by,
            winner=club(fixture.season_id, fixture.winner_id),
            note=fixture.note,
        )
        if problem is not None:
            year = years.get(fixture.season_id, fixture.season_id)
            section.problems.append(
                Problem(
                    "store",
                    RESULT_RULE,
                    f"{year}: {problem} (a moderator corrects it in the store: /report "
                    f"fixture:{fixture.number} season:{year} overwrite:true, with the result as it was)",
                )
            )
    if len(section.problems) == wrong:
        section.passed.append(
            f"store: {len(played)} played fixtures settle as stored, by the rule of the reader and /report"
        )


def _stored_values(fixture: Fixture, names: dict[int, str]) -> dict[str, object]:
    """A stored fixture's facts as data/ writes them (clubs by name, times in UTC)."""
    values: dict[str, object] = {}
    for column, key in _FIXTURE_COLUMNS.items():
        value = getattr(fixture, column)
        if column.endswith("_id"):
            value = None if value is None else names.get(value, f"club #{value}")
        values[key] = _comparable(value)
    return values


def _data_values(fixture: FixtureFacts) -> dict[str, object]:
    """A fixture of data/ as `_stored_values` gives a stored one."""
    values = {key: _comparable(getattr(fixture, key)) for key in _FIXTURE_COLUMNS.values()}
    values["kickoff"] = _comparable(as_utc(fixture.kickoff))
    values["status"] = fixture.status.value
    values["decided_by"] = fixture.decided_by.value if fixture.decided_by else None
    return values


def _listed(numbers: set[int] | list[int]) -> str:
    ordered = sorted(numbers)
    return ", ".join(map(str, ordered[:5])) + (", ..." if len(ordered) > 5 else "")


async def _compare_with_data(connection: AsyncConnection, report: DataReport, section: Section) -> None:
    """Each season's fixtures and results, clubs and byes in the store against data/.

    Where a moderator's change makes the store differ from data/, that is a disagreement, listed as a
    note: the moderator's result stands until someone resolves it. So are seasons and fixtures only the
    store has (a reload keeps them). Any other difference, when the store says it loaded this data/, is
    an error: the store was changed outside the bot, or is damaged.
    """
    session = AsyncSession(bind=connection)
    current = await session.get(StoreMeta, DATA_VERSION_KEY)
    same = current is not None and current.value == report.snapshot.version
    if not same:
        if report.errors:
            later = "data/ fails its checks (above), so the bot does not load it and keeps serving the store"
        else:
            later = "the bot merges it into the store on its next start (a moderator's results stand)"
        section.notes.append(
            f"the store holds another version of data/ than the folder does: {later}; "
            "differences between them are notes, not errors"
        )
    moderated = await _moderated(session)
    seasons = {season.year: season for season in (await session.exec(select(Season))).all()}
    in_data = {facts.year: facts for facts in report.snapshot.seasons}
    folders = {folder.name for folder in report.snapshot.folders}
    if report.snapshot.version:
        for year in sorted(seasons):
            if str(year) in folders:
                continue
            if stored_id(seasons[year]) in moderated.seasons:
                section.notes.append(
                    f"{year}: in the store only (moderators made or changed it): "
                    f"python -m bot export --season {year} writes it to data/"
                )
            else:
                section.problems.append(missing_season(year))
    for year, facts in sorted(in_data.items()):
        disagreements = 0
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
        byes = {
            (bye.round, names.get(bye.team_id, f"club #{bye.team_id}"))
            for bye in (await session.exec(select(Bye).where(Bye.season_id == season_id))).all()
        }
        differences: list[str] = []
        kept: list[str] = []
        numbers = {f.number for f in facts.fixtures}
        only_data = numbers - set(stored)
        if only_data:
            differences.append(f"{len(only_data)} fixtures only in data/ (number {_listed(only_data)})")
        only_store = set(stored) - numbers
        by_moderators = {number for number in only_store if moderated.fixture(stored[number])}
        if by_moderators:
            kept.append(
                f"{len(by_moderators)} fixtures made or changed by moderators are not in data/ yet "
                f"(number {_listed(by_moderators)}): python -m bot export writes them there"
            )
        if only_store - by_moderators:
            kept.append(
                f"{len(only_store - by_moderators)} fixtures are in the store but no longer in data/ "
                f"(number {_listed(only_store - by_moderators)}): a reload keeps them; have a moderator "
                "correct them, or export the store to put them back in data/"
            )
        for wanted in sorted(facts.fixtures, key=lambda f: f.number):
            held = stored.get(wanted.number)
            if held is None:
                continue
            have, want = _stored_values(held, names), _data_values(wanted)
            differing = [key for key in _FIXTURE_COLUMNS.values() if have[key] != want[key]]
            if not differing:
                continue
            moderator = moderated.fixture(held)
            if moderator is not None:
                disagreement = Disagreement(
                    season=year,
                    subject=f"fixture {wanted.number}",
                    data={key: want[key] for key in differing},
                    store={key: have[key] for key in differing},
                    entered_by=moderator,
                    fixture=wanted.number,
                )
                section.notes.append(f"disagreement: {disagreement}; {_RESOLVE}")
                disagreements += 1
            else:
                changed = "; ".join(f"{key}: store {have[key]}, data/ {want[key]}" for key in differing)
                differences.append(f"fixture {wanted.number} differs from data/ ({changed})")
        clubs = {team.name for team in facts.teams}
        for what, have_set, want_set in (
            ("clubs", set(names.values()), clubs),
            (
                "byes",
                {f"round {n}: {club}" for n, club in byes},
                {f"round {b.round}: {b.team}" for b in facts.byes},
            ),
        ):
            missing, extra = sorted(want_set - have_set), sorted(have_set - want_set)
            if missing:
                differences.append(
                    f"{len(missing)} {what} of data/ are not in the store ({', '.join(missing[:5])})"
                )
            if extra:
                kept.append(f"{len(extra)} {what} are in the store but not in data/ ({', '.join(extra[:5])})")
        section.notes += [f"{year}: {line}" for line in kept]
        if not differences:
            section.passed.append(
                f"store: {year}: {len(stored)} fixtures, as in data/ (results, clubs and byes)"
                + (" but for the moderators' changes (notes)" if kept or disagreements else "")
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
