"""The store's model in memory: patched after writes, equal to a fresh read, no write in flight in it."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import random
from dataclasses import fields
from typing import Any

from sqlalchemy import update
from sqlmodel import col, select

from bot.answers.path import path
from bot.answers.report import Refused, report, undo
from bot.store.engine import Store
from bot.store.model import (
    ByeRecord,
    EntryRecord,
    StoreModel,
    TeamRecord,
    current_model,
    forget_model,
    load_model,
    model_loads,
)
from bot.store.models import Bye, Entry, Fixture, Team, table_of
from bot.store.version import bump_version, store_version


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):  # SQLite reads times back without their zone; every stored time is UTC
        return value.replace(tzinfo=None)
    return value


def facts(model: StoreModel) -> dict[tuple[int, int], dict[str, Any]]:
    """Every fixture of the model, by (season, number), as plain values."""
    return {
        (year, fixture.number): {name: _plain(getattr(fixture, name)) for name in Fixture.model_fields}
        for year, view in model.seasons.items()
        for fixture in view.fixtures
    }


def indexes(model: StoreModel) -> dict[int, tuple[Any, ...]]:
    """Each season's derived indexes (kept across patches, not recomputed) as plain values."""

    def row(fixture: Fixture) -> tuple[Any, ...]:
        return tuple(_plain(getattr(fixture, name)) for name in Fixture.model_fields)

    return {
        year: (
            view.last_round,
            {number: row(fixture) for number, fixture in view.by_number.items()},
            {feeder: [row(fixture) for fixture in later] for feeder, later in view.fed_by.items()},
        )
        for year, view in model.seasons.items()
    }


async def round_three(store: Store) -> list[int]:
    async with store.session() as session:
        model = await current_model(session)
    return [f.number for f in model.seasons[2024].fixtures if f.round == 3]


async def test_a_patched_model_equals_a_fresh_read(moderated: Store) -> None:
    """Results, overwrites and undos patch the model in memory; it stays equal to reading the store afresh."""
    ties = await round_three(moderated)
    forget_model(moderated.engine)
    randomly = random.Random(7)
    undone = 0
    for step in range(40):
        fixture = randomly.choice(ties)
        async with moderated.session() as session:
            if step % 7 == 6:
                with contextlib.suppress(Refused):  # a later change on that tie: refused, and nothing moves
                    await undo(session, apply=True, actor="mod:m")
                    undone += 1
                continue
            home, away = randomly.randint(0, 4), randomly.randint(0, 4)
            score, pens = f"{home}-{away}", ("4-3" if home == away else None)
            await report(
                session, fixture=fixture, score=score, penalties=pens, season=2024, overwrite=True,
                apply=True, actor="mod:m",
            )  # fmt: skip
    async with moderated.session() as session:
        held = await current_model(session)
        fresh = await load_model(session, await store_version(session))
    full, patched = model_loads(moderated.engine)
    assert full == 1 and patched >= 30  # read whole once, then only patched
    assert facts(held) == facts(fresh)
    assert "fed_by" in held.seasons[2024].__dict__  # carried from patch to patch, with the new objects
    assert indexes(held) == indexes(fresh)
    assert held.version == fresh.version and undone >= 1


async def test_another_engine_sees_a_write_within_a_second(moderated: Store) -> None:
    """A second store object on the same database (another process's view) sees a result within a second."""
    other = Store(moderated.url, moderated.data_dir)
    try:
        ties = await round_three(moderated)
        async with other.session() as session:
            before = await current_model(session)
        async with moderated.session() as session:
            done = await report(session, fixture=ties[0], score="3-0", season=2024, apply=True, actor="m")
        assert done.fixture is not None and done.fixture.winner
        waited = 0.0
        while True:
            async with other.session() as session:
                answer = await path(session, team=done.fixture.winner, season=2024)
                after = await current_model(session)
            if any(m.fixture == ties[0] and m.won for m in answer.matches) or waited > 1.0:
                break
            await asyncio.sleep(0.05)
            waited += 0.05
        assert after.version == before.version + 1, f"not seen after {waited:.2f} s"
        assert any(m.fixture == ties[0] and m.won for m in answer.matches)
        assert model_loads(other.engine)[1] >= 1  # patched from the revisions, not read whole
        async with other.session() as session:
            assert (await current_model(session, fresh=True)).version == after.version  # read at once
    finally:
        await other.close()


async def test_a_write_in_flight_never_reaches_the_model(moderated: Store) -> None:
    """A session holding an uncommitted change answers from the committed model; a rollback leaves none."""
    ties = await round_three(moderated)
    async with moderated.session() as session:
        committed = await current_model(session)
    async with moderated.session() as session:
        await session.exec(
            update(Fixture).where(col(Fixture.number) == ties[0]).values(home_score=9, away_score=0)
        )
        await bump_version(session)
        seen = await current_model(session)
        assert seen.version == committed.version
        assert facts(seen) == facts(committed)
        await session.rollback()
    async with moderated.session() as session:
        again = await current_model(session)
    assert again.version == committed.version and facts(again) == facts(committed)


async def test_a_confirmation_from_elsewhere_is_not_refused_by_a_model_read_moments_ago(
    moderated: Store,
) -> None:
    """A moderator previews in one process (the console) and confirms in another (the bot) whose model was
    read a moment before the write: the version named is checked against the store, not the older model."""
    other = Store(moderated.url, moderated.data_dir)
    try:
        ties = await round_three(moderated)
        async with moderated.session() as session:
            await current_model(session)  # this process's model: read now, reused for RECHECK_AFTER
        async with other.session() as session:
            first = await report(session, fixture=ties[1], score="2-0", season=2024, apply=True, actor="m:a")
        assert first.fixture is not None
        async with moderated.session() as session:
            again = await report(
                session, fixture=ties[1], score="0-2", season=2024, overwrite=True, apply=True,
                version=first.fixture.version, actor="m:b",
            )  # fmt: skip
        assert again.applied and again.fixture is not None and again.fixture.home_score == 0
    finally:
        await other.close()


def test_settle_memory_freezes_the_living_and_trims_the_heap() -> None:
    """After a model is read whole: what lives is out of the collector's passes, freed memory handed back."""
    import gc
    import sys

    import bot.store.model as model_module

    gc.unfreeze()
    try:
        model_module.settle_memory()
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
    if sys.platform == "linux":  # glibc's malloc_trim, found once at import
        assert model_module._trim is not None and model_module._trim(0) in (0, 1)


def test_the_models_records_hold_every_column_of_their_tables() -> None:
    """Clubs, entries and byes are held as slotted records read column by column: a column a migration adds
    must be added to its record too (or answers would never see it)."""
    for table, record in ((Team, TeamRecord), (Entry, EntryRecord), (Bye, ByeRecord)):
        assert {value.name for value in fields(record)} == {column.name for column in table_of(table).columns}


async def test_the_model_holds_the_stores_clubs_entries_and_byes_as_written(store: Store) -> None:
    """Each record carries its row's values, read from the store."""
    model = await store.model()
    view = model.seasons[2024]
    async with store.session() as session:
        for entry in (await session.exec(select(Entry).where(Entry.season_id == view.season.id))).all():
            assert view.entries[entry.team_id] == EntryRecord(**entry.model_dump())
        byes = (await session.exec(select(Bye).where(Bye.season_id == view.season.id))).all()
        assert sorted(view.byes, key=lambda b: b.id) == sorted(
            (ByeRecord(**bye.model_dump()) for bye in byes), key=lambda b: b.id
        )
        for team in (await session.exec(select(Team))).all():
            assert model.teams[team.id or 0] == TeamRecord(**team.model_dump())
    assert view.entries and view.byes
