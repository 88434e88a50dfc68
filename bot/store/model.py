"""The facts answers read, held in memory: one immutable model per store version.

Answers are pure functions of a `StoreModel`; the database is read when the store version changes, not per
question. `current_model(session)` reads the version (one small query) and hands back the model for it:
- the same model when nothing changed;
- a patched copy when every change since is a moderator's change to existing fixtures (a result, a side
  filled, an undo): only those fixtures are read again, so a write costs a few small queries, not a reload;
- a whole new model otherwise (a reload of data/, a new season, tie, bye, entry or club, or a gap).

The model is always read through a session of its own, so it holds only committed facts (never a write in
flight in the caller's transaction) and its rows belong to no session: nothing a caller does to its own
session's objects can change a model. Its rows are read-only by convention; copy one to change it.
"""

from __future__ import annotations

import asyncio
import ctypes
import gc
import time
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from functools import cached_property
from typing import Any

from sqlalchemy import Select, event
from sqlalchemy import select as sa_select
from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import Session
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.names import IndexedTeam, TeamIndex
from bot.seasons.facts import Track
from bot.store.models import (
    Bye,
    Entry,
    Fixture,
    League,
    Revision,
    Round,
    Season,
    Team,
    TeamAlias,
    built,
    stored_id,
    table_of,
)
from bot.store.version import WRITING, store_version


@dataclass(frozen=True, slots=True)
class TeamRecord:
    """A club as the model holds it: the `Team` row's values, without an ORM object's weight."""

    id: int
    name: str
    key: str


@dataclass(frozen=True, slots=True)
class EntryRecord:
    """A club's entry in a season as the model holds it (the `Entry` row's values)."""

    id: int
    season_id: int
    team_id: int
    name_in_season: str
    league: str
    state: str
    track: Track
    entry_round: int | None
    berth: str
    qualified_by: str


@dataclass(frozen=True, slots=True)
class ByeRecord:
    """A bye as the model holds it (the `Bye` row's values)."""

    id: int
    season_id: int
    round: int
    team_id: int
    source: str


RECHECK_AFTER = 0.5  # seconds: how long a version read stands for other processes' writes
SEEN = "opencup_model"  # in a session's info: the model its current transaction answers from
LOADER_PREFIX = "importer"  # revisions the loader writes (a reload of data/) always rebuild the model


@dataclass(frozen=True, eq=False)
class SeasonSnapshot:
    """One season's rows, as one consistent state."""

    season: Season
    rounds: Mapping[int, Round]
    entries: Mapping[int, EntryRecord]  # by team id
    teams: Mapping[int, TeamRecord]  # every club the store holds, by id
    fixtures: tuple[Fixture, ...]  # by round, then number
    byes: tuple[ByeRecord, ...]
    leagues: Mapping[str, str] = field(default_factory=dict)  # abbreviation → name

    @cached_property
    def last_round(self) -> int:
        """The number of the season's final qualifying round."""
        numbers = list(self.rounds) + [fixture.round for fixture in self.fixtures]
        return max(numbers, default=0)

    @cached_property
    def by_number(self) -> Mapping[int, Fixture]:
        """The season's fixtures by number."""
        return {fixture.number: fixture for fixture in self.fixtures}

    @cached_property
    def fed_by(self) -> Mapping[int, tuple[Fixture, ...]]:
        """The ties drawn with a side that is "winner of fixture N", by N."""
        found: dict[int, list[Fixture]] = {}
        for fixture in self.fixtures:
            for feeder in {fixture.home_from_fixture, fixture.away_from_fixture} - {None}:
                found.setdefault(feeder, []).append(fixture)  # type: ignore[arg-type]
        return {feeder: tuple(later) for feeder, later in found.items()}

    def name(self, team_id: int | None) -> str | None:
        """A club as this season writes it."""
        if team_id is None:
            return None
        entry = self.entries.get(team_id)
        return entry.name_in_season if entry else self.teams[team_id].name

    @cached_property
    def _positions(self) -> Mapping[int | None, int]:
        return {fixture.id: at for at, fixture in enumerate(self.fixtures)}

    def with_fixtures(self, changed: Mapping[int, Fixture]) -> SeasonSnapshot:
        """The season with the fixtures in `changed` (by id) replaced."""
        fixtures = list(self.fixtures)
        links_kept = True
        for fixture_id, fixture in changed.items():
            at = self._positions[fixture_id]
            old = fixtures[at]
            links_kept &= (old.home_from_fixture, old.away_from_fixture, old.round, old.number) == (
                fixture.home_from_fixture,
                fixture.away_from_fixture,
                fixture.round,
                fixture.number,
            )
            fixtures[at] = fixture
        kept = replace(self, fixtures=tuple(fixtures))
        kept.__dict__["_positions"] = self._positions  # the order does not change
        if links_kept:  # a result changed, not the draw: the indexes keep their shape, with the new objects
            known = self.__dict__
            if "last_round" in known:
                kept.__dict__["last_round"] = known["last_round"]
            if "by_number" in known:
                kept.__dict__["by_number"] = {**known["by_number"], **{f.number: f for f in changed.values()}}
            if "fed_by" in known:  # only the ties fed by the same fixtures as a changed one hold it
                fed_by = dict(known["fed_by"])
                for fixture in changed.values():
                    for feeder in {fixture.home_from_fixture, fixture.away_from_fixture} - {None}:
                        fed_by[feeder] = tuple(changed.get(stored_id(f), f) for f in fed_by[feeder])
                kept.__dict__["fed_by"] = fed_by
        return kept


@dataclass(frozen=True, eq=False)
class StoreModel:
    """Every fact answers read, at one store version."""

    version: int
    seasons: Mapping[int, SeasonSnapshot]  # by year, newest first
    teams: Mapping[int, TeamRecord]
    aliases: Mapping[int, tuple[str, ...]]  # team id → every spelling the records hold
    _by_name: dict[str, TeamRecord] = field(default_factory=dict, repr=False)
    _season_indexes: dict[int, TeamIndex] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        """Index the clubs by name (unless handed the index of a model with the same clubs)."""
        if not self._by_name:
            self._by_name.update({team.name: team for team in self.teams.values()})

    def team_named(self, name: str) -> TeamRecord | None:
        """The club whose canonical name is `name`."""
        return self._by_name.get(name)

    @property
    def years(self) -> list[int]:
        """Every season the store holds, newest first."""
        return list(self.seasons)

    @cached_property
    def team_years(self) -> Mapping[int, tuple[int, ...]]:
        """The seasons each club entered, newest first."""
        found: dict[int, list[int]] = {}
        for year, view in self.seasons.items():
            for team_id in view.entries:
                found.setdefault(team_id, []).append(year)
        return {team_id: tuple(years) for team_id, years in found.items()}

    @cached_property
    def index(self) -> TeamIndex:
        """Every club of every season, with its spellings and a label to tell clubs apart."""
        return self._index(self.teams)

    def season_index(self, year: int) -> TeamIndex:
        """The clubs entered in season `year`."""
        if year not in self._season_indexes:
            entered = self.seasons[year].entries if year in self.seasons else {}
            self._season_indexes[year] = self._index({i: t for i, t in self.teams.items() if i in entered})
        return self._season_indexes[year]

    def _index(self, teams: Mapping[int, TeamRecord]) -> TeamIndex:
        indexed = []
        for team_id, team in teams.items():
            years = self.team_years.get(team_id, ())
            league = self.seasons[years[0]].entries[team_id].league if years else ""
            label = " · ".join(str(part) for part in (team.name, league, years[0] if years else None) if part)
            indexed.append(IndexedTeam(name=team.name, label=label, spellings=self.aliases.get(team_id, ())))
        return TeamIndex(indexed)

    def with_fixtures(self, version: int, changed: list[Fixture]) -> StoreModel:
        """The model at `version`, where only the fixtures in `changed` differ."""
        by_season: dict[int, dict[int, Fixture]] = {}
        for fixture in changed:
            by_season.setdefault(fixture.season_id, {})[stored_id(fixture)] = fixture
        seasons = {
            year: view.with_fixtures(by_season[view.season.id]) if view.season.id in by_season else view
            for year, view in self.seasons.items()
        }
        # The clubs, their spellings and entries are unchanged, so the team indexes carry over.
        kept = StoreModel(
            version=version, seasons=seasons, teams=self.teams, aliases=self.aliases, _by_name=self._by_name
        )
        kept.__dict__.update({k: v for k, v in self.__dict__.items() if k in ("index", "team_years")})
        kept._season_indexes.update(self._season_indexes)
        return kept


async def load_model(session: AsyncSession, version: int) -> StoreModel:
    """Read every fact answers need, as the model of `version` (read the version before calling this)."""
    # Clubs, entries and byes (three rows in four) are read as plain values into slotted records: an ORM
    # object weighs a kilobyte more (its instance state, its pydantic fields), 5 MiB at 20 seasons.
    connection = await session.connection()
    teams = {row[0]: TeamRecord(*row) for row in (await connection.execute(_columns(Team))).all()}
    spellings: dict[int, list[str]] = {}
    for alias in (await session.exec(select(TeamAlias))).all():
        spellings.setdefault(alias.team_id, []).append(alias.alias)
    held = (await session.exec(select(Season).order_by(col(Season.year).desc()))).all()
    rounds: dict[int, dict[int, Round]] = {}
    for stage in (await session.exec(select(Round))).all():
        rounds.setdefault(stage.season_id, {})[stage.number] = stage
    entries: dict[int, dict[int, EntryRecord]] = {}
    for row in (await connection.execute(_columns(Entry))).all():
        entry = EntryRecord(*row)
        entries.setdefault(entry.season_id, {})[entry.team_id] = entry
    fixtures: dict[int, list[Fixture]] = {}
    ordered = select(Fixture).order_by(col(Fixture.season_id), col(Fixture.round), col(Fixture.number))
    for fixture in (await session.exec(ordered)).all():
        fixtures.setdefault(fixture.season_id, []).append(fixture)
    byes: dict[int, list[ByeRecord]] = {}
    for row in (await connection.execute(_columns(Bye))).all():
        bye = ByeRecord(*row)
        byes.setdefault(bye.season_id, []).append(bye)
    leagues: dict[int, dict[str, str]] = {}
    for league in (await session.exec(select(League))).all():
        leagues.setdefault(league.season_id, {})[league.abbreviation] = league.name
    session.expunge_all()
    seasons = {
        season.year: SeasonSnapshot(
            season=season,
            rounds=rounds.get(stored_id(season), {}),
            entries=entries.get(stored_id(season), {}),
            teams=teams,
            fixtures=tuple(fixtures.get(stored_id(season), ())),
            byes=tuple(byes.get(stored_id(season), ())),
            leagues=leagues.get(stored_id(season), {}),
        )
        for season in held
    }
    return StoreModel(
        version=version,
        seasons=seasons,
        teams=teams,
        aliases={team_id: tuple(names) for team_id, names in spellings.items()},
    )


def _columns(table: type[Team | Entry | Bye]) -> Select[Any]:
    """Every column of `table`, in the order of its record's fields (which a test holds to the table's)."""
    record: type[TeamRecord | EntryRecord | ByeRecord] = {
        Team: TeamRecord,
        Entry: EntryRecord,
        Bye: ByeRecord,
    }[table]
    columns = table_of(table).columns
    return sa_select(*(columns[value.name] for value in fields(record)))


async def _changed_fixtures(session: AsyncSession, since: int, version: int) -> list[int] | None:
    """The fixtures changed between versions `since` and `version`, or None if that cannot be a patch.

    A patch is safe only when every version in between was made by a moderator's change to fixtures that
    already existed: each such write leaves revisions of kind "fixture" with their `before`, stamped with
    the version it made. Anything else (a reload, a new tie, bye, entry, season or club, a version with no
    revision) rebuilds the model.
    """
    rows = (
        await session.exec(
            select(Revision).where(
                col(Revision.store_version) > since, col(Revision.store_version) <= version
            )
        )
    ).all()
    if {row.store_version for row in rows} != set(range(since + 1, version + 1)):
        return None
    changed: list[int] = []
    for row in rows:
        if (
            row.kind != "fixture"
            or row.fixture_id is None
            or row.before is None
            or row.actor.startswith(LOADER_PREFIX)
        ):
            return None
        changed.append(row.fixture_id)
    return changed


@dataclass
class _Held:
    model: StoreModel | None = None
    lock: asyncio.Lock | None = None
    loop: asyncio.AbstractEventLoop | None = None
    full_loads: int = 0
    patches: int = 0
    checked_at: float = 0.0  # time.monotonic() when the store version was last read

    def guard(self) -> asyncio.Lock:
        loop = asyncio.get_running_loop()
        if self.lock is None or self.loop is not loop:
            self.lock, self.loop = asyncio.Lock(), loop
        return self.lock


_HELD: weakref.WeakKeyDictionary[Engine, _Held] = weakref.WeakKeyDictionary()
_freeze_after_loads = False


def settle_memory() -> None:
    """After building long-lived state: keep it out of the collector's passes; give freed memory back.

    What is alive is frozen out of the collector's full passes, and the memory the building freed is handed
    back to the system (glibc's `malloc_trim`; elsewhere nothing). Reading a model allocates far more than
    it keeps (rows, statements, results); freed, that memory stays in the process's heap, counted in its
    RSS, until the allocator trims it.
    """
    gc.freeze()
    if _trim is not None:
        _trim(0)


def _malloc_trim() -> Callable[[int], int] | None:
    try:
        libc = ctypes.CDLL("libc.so.6")
        trim: Callable[[int], int] = libc.malloc_trim
    except (OSError, AttributeError):  # not glibc
        return None
    return trim


_trim = _malloc_trim()


def freeze_after_loads(on: bool = True) -> None:
    """After each whole read of a model, move every live object out of the garbage collector's passes.

    A long-running bot holds tens of thousands of long-lived objects (the model, modules, the index); a
    full collection walks them all and pauses every answer meanwhile. Frozen objects are still freed by
    reference counting when dropped (an old model); only cycles among them would stay.
    """
    global _freeze_after_loads
    _freeze_after_loads = on


def _engine_of(session: AsyncSession) -> AsyncEngine:
    bind = session.bind
    if not isinstance(bind, AsyncEngine):
        raise RuntimeError("the store model needs a session bound to an engine (Store.session())")
    return bind


async def current_model(session: AsyncSession, *, fresh: bool = False) -> StoreModel:
    """The model of the store `session` belongs to, at the store's committed version.

    The version (and, when it moved, what changed) is read through `session` itself, one small query,
    unless the session holds a write it has not committed: then through a session of its own, so a model
    never holds what a rollback may still take back. Within one transaction of `session` the model is read
    once: every lookup of one answer sees the same facts.

    The version is read at most every `RECHECK_AFTER` seconds: a write committed by this process is seen at
    once (its commit makes the next question read the version), one by another process within that time.
    `fresh` reads it now whatever the time (writers preview from the store as it is).
    """
    engine = _engine_of(session)
    held = _HELD.setdefault(engine.sync_engine, _Held())
    if session.info.get(WRITING):
        async with AsyncSession(engine, expire_on_commit=False) as reader:
            return await _refreshed(held, reader)
    seen = session.info.get(SEEN)
    if isinstance(seen, StoreModel) and not fresh:
        return seen
    model = held.model
    if model is None or fresh or time.monotonic() - held.checked_at >= RECHECK_AFTER:
        model = await _refreshed(held, session)
    session.info[SEEN] = model
    return model


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
@event.listens_for(Session, "after_soft_rollback")
def _look_again(session: Session, *_: object) -> None:
    """After a commit or rollback, the session's next question reads the model again.

    A commit that wrote (bumped the store version) makes the next question anywhere in this process read
    the version, so this process never answers from before its own write.
    """
    session.info.pop(SEEN, None)
    if session.info.pop(WRITING, None):
        bind = session.get_bind()
        held = _HELD.get(bind) if isinstance(bind, Engine) else None
        if held is not None:
            held.checked_at = 0.0


async def _refreshed(held: _Held, reader: AsyncSession) -> StoreModel:
    asked = time.monotonic()
    version = await store_version(reader)
    model = held.model
    if model is not None and model.version >= version:  # newer: another question read it meanwhile
        held.checked_at = max(held.checked_at, asked)  # only once the model held is the version read
        return model
    async with held.guard():
        model = held.model
        if model is not None and model.version >= version:
            held.checked_at = max(held.checked_at, asked)
            return model
        changed = (
            await _changed_fixtures(reader, model.version, version)
            if model is not None and model.version < version
            else None
        )
        if model is not None and changed is not None:
            fresh = (
                select(Fixture).where(col(Fixture.id).in_(changed)).execution_options(populate_existing=True)
            )
            rows = list((await reader.exec(fresh)).all())
            for row in rows:
                reader.expunge(row)
            model = model.with_fixtures(version, rows)
            held.patches += 1
        else:
            async with AsyncSession(reader.bind, expire_on_commit=False) as loading:
                model = await load_model(loading, version)
            held.full_loads += 1
            if _freeze_after_loads:
                settle_memory()  # the new model lives long: out of the collector's passes, and the
                # memory its reading used (rows, statements) handed back to the system
        held.model = model
        held.checked_at = max(held.checked_at, asked)
        return model


def detached(fixture: Fixture, **changes: object) -> Fixture:
    """A new fixture object, of no session, holding `fixture`'s columns with `changes` applied."""
    held = fixture.__dict__  # a loaded or built object holds every column there; read past the descriptors
    columns = {name: held[name] if name in held else getattr(fixture, name) for name in Fixture.model_fields}
    return built(Fixture, {**columns, **changes})


def note_write(session: AsyncSession, *, version: int, fixtures: list[Fixture]) -> None:
    """After a commit that made store `version` by changing exactly `fixtures`, patch the model in memory.

    Only when the model held is the version just before: otherwise another write came between, and the next
    question reads what changed from the revisions as usual.
    """
    session.info.pop(SEEN, None)  # the session's next question sees the write
    held = _HELD.get(_engine_of(session).sync_engine)
    if held is None:
        return
    if held.model is not None and held.model.version == version - 1:
        held.model = held.model.with_fixtures(version, fixtures)
        held.patches += 1
        held.checked_at = time.monotonic()  # the store was at `version` a moment ago: this write made it
    else:
        held.checked_at = 0.0  # another write came between: the next question reads the version


async def model_of(engine: AsyncEngine) -> StoreModel:
    """The model of `engine`'s store, as `current_model` gives it, opening a session only when it must."""
    held = _HELD.get(engine.sync_engine)
    if held is not None and held.model is not None and time.monotonic() - held.checked_at < RECHECK_AFTER:
        return held.model
    async with AsyncSession(engine, expire_on_commit=False) as session:
        return await current_model(session)


async def model_after(session: AsyncSession, version: int) -> StoreModel:
    """A model holding at least store `version` (a write just made): the one held, if it does already."""
    held = _HELD.get(_engine_of(session).sync_engine)
    if held is not None and held.model is not None and held.model.version >= version:
        return held.model
    return await current_model(session)


def held_model(engine: AsyncEngine) -> StoreModel | None:
    """The newest model this process has read of `engine`'s store, without asking the store (may lag)."""
    held = _HELD.get(engine.sync_engine)
    return held.model if held is not None else None


def model_loads(engine: AsyncEngine) -> tuple[int, int]:
    """How many times the model of `engine` was read whole, and patched (for tests and benchmarks)."""
    held = _HELD.get(engine.sync_engine)
    return (held.full_loads, held.patches) if held else (0, 0)


def forget_model(engine: AsyncEngine | Engine) -> None:
    """Drop the model (after facts change without a new store version, as tests that edit rows do)."""
    _HELD.pop(engine.sync_engine if isinstance(engine, AsyncEngine) else engine, None)
