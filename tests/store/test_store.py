"""The store on SQLite and PostgreSQL: first-use loading, reloading, migrations, revisions."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shutil
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import event, func, inspect, text
from sqlalchemy.util.concurrency import await_
from sqlmodel import SQLModel, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.store.engine import IDLE_SESSIONS, Store
from bot.store.loader import ensure_loaded
from bot.store.model import current_model
from bot.store.models import Bye, Entry, Fixture, Revision, Season, Team, TeamAlias, utcnow


async def count(store: Store, table: type[SQLModel]) -> int:
    async with store.session() as session:
        return await session.scalar(select(func.count()).select_from(table))


async def test_first_use_loads_data(store: Store) -> None:
    """A fresh database is created and filled from data/ with no extra command."""
    assert await count(store, Season) == 2
    assert await count(store, Fixture) == 98 + 46
    assert await count(store, Entry) == 112 + 102
    assert await count(store, Bye) == 67 + 8


async def test_clubs_span_seasons(store: Store) -> None:
    """Harpo's FC (2017) and Harpos FC (2024) are one club; so are Lansdowne Bhoys and Lansdowne Yonkers."""
    async with store.session() as session:
        for name, old in (("Harpos FC", "Harpo's FC"), ("Lansdowne Yonkers", "Lansdowne Bhoys")):
            team = (await session.exec(select(Team).where(Team.name == name))).one()
            years = (
                await session.exec(
                    select(Season.year)
                    .join(Entry, Entry.season_id == Season.id)
                    .where(Entry.team_id == team.id)
                )
            ).all()
            assert sorted(years) == [2017, 2024]
            aliases = (await session.exec(select(TeamAlias.alias).where(TeamAlias.team_id == team.id))).all()
            assert old in aliases


async def test_schema_matches_models(store: Store) -> None:
    """The Alembic migrations build exactly the schema the SQLModel tables describe."""

    def differences(connection):  # type: ignore[no-untyped-def]
        return compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)

    async with store.engine.connect() as connection:
        assert await connection.run_sync(differences) == []


async def test_unchanged_data_is_not_reloaded(store: Store) -> None:
    """Opening again with the same data/ loads nothing."""
    async with store.session() as session:
        assert await ensure_loaded(session, store.data_dir) is False


async def store_on_copy(url: str, data_dir: Path, tmp_path: Path) -> tuple[Store, Path]:
    """An opened store loaded from a private copy of data/ that the test may change."""
    copy = tmp_path / "data"
    shutil.copytree(data_dir, copy)
    return await Store(url, copy).open(), copy


async def test_changed_data_is_reloaded(empty_url: str, data_dir: Path, tmp_path: Path) -> None:
    """A changed data/ (a corrected score) replaces the loaded facts; club ids stay the same."""
    first, copy = await store_on_copy(empty_url, data_dir, tmp_path)
    async with first.session() as session:
        folsom = (await session.exec(select(Team).where(Team.name == "FC Folsom"))).one()
    await first.close()
    fixtures = copy / "seasons" / "2024" / "fixtures.csv"
    fixtures.write_text(
        fixtures.read_text().replace(
            ",FC Folsom,UPSL,Inter San Francisco,SFSFL,4,2,", ",FC Folsom,UPSL,Inter San Francisco,SFSFL,5,2,"
        )
    )
    second = Store(empty_url, copy)
    await second.open()
    async with second.session() as session:
        final = (
            await session.exec(select(Fixture).where(Fixture.round == 4, Fixture.home_id == folsom.id))
        ).one()
        assert (final.home_score, final.away_score) == (5, 2)
        assert await session.scalar(select(func.count()).select_from(Fixture)) == 144
    await second.close()


async def test_reload_survives_stale_keys(empty_url: str, data_dir: Path, tmp_path: Path) -> None:
    """Stored name keys from an older normalisation do not stop a reload or duplicate a club."""
    store, copy = await store_on_copy(empty_url, data_dir, tmp_path)
    async with store.session() as session:
        for team in (await session.exec(select(Team))).all():
            team.key = "stale " + team.key
            session.add(team)
        await session.commit()
    (copy / "aliases.csv").write_text((copy / "aliases.csv").read_text() + "Folsom FC,FC Folsom,2024,\n")
    async with store.session() as session:
        assert await ensure_loaded(session, copy) is True
        names = (await session.exec(select(Team.name))).all()
        assert len(names) == len(set(names)) and "FC Folsom" in names
        assert not [key for key in (await session.exec(select(Team.key))).all() if key.startswith("stale")]
    await store.close()


async def test_reload_keeps_moderator_edits(empty_url: str, data_dir: Path, tmp_path: Path) -> None:
    """A moderator's change to a fixture no longer stops a changed data/ from loading (issue 11: a reload
    merges, and never refuses because moderators have written); the revision survives it, row id and all."""
    store, copy = await store_on_copy(empty_url, data_dir, tmp_path)
    async with store.session() as session:
        fixture = (await session.exec(select(Fixture).where(Fixture.number == 1))).first()
        edit = Revision(
            fixture_id=fixture.id,
            before={"home_score": 0},
            after={"home_score": 1},
            actor="moderator 42",
            at=utcnow(),
            why="typo",
        )
        session.add(edit)
        await session.commit()
        edit_id = edit.id
    (copy / "aliases.csv").write_text((copy / "aliases.csv").read_text() + "Extra Spelling,FC Folsom,2024,\n")
    async with store.session() as session:
        assert await ensure_loaded(session, copy) is True
        revision = (await session.exec(select(Revision))).one()
        assert revision.id == edit_id
        assert revision.after == {"home_score": 1} and revision.at is not None
    await store.close()


async def test_concurrent_first_opens_load_once(empty_url: str, data_dir: Path) -> None:
    """Two bot processes opening an empty shared database at once end with one copy of the facts."""
    stores = [Store(empty_url, data_dir), Store(empty_url, data_dir)]
    try:
        if empty_url.startswith("sqlite"):
            for one in stores:  # SQLite is one process's store: open in turn
                await one.open()
        else:
            await asyncio.gather(*(one.open() for one in stores))
        assert await count(stores[0], Fixture) == 144
        assert await count(stores[1], Season) == 2
    finally:
        for one in stores:
            await one.close()


async def test_sqlite_settings(tmp_path: Path, data_dir: Path) -> None:
    """SQLite runs in WAL mode with foreign keys enforced and a busy timeout."""
    store = Store(f"sqlite+aiosqlite:///{tmp_path / 'x.sqlite3'}", data_dir)
    await store.migrate()
    async with store.engine.connect() as connection:
        assert (await connection.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
        assert (await connection.execute(text("PRAGMA foreign_keys"))).scalar() == 1
        assert (await connection.execute(text("PRAGMA busy_timeout"))).scalar() == 5000
    await store.close()


async def test_a_session_is_closed_when_it_holds_something_and_only_then(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A session that read, or holds an object, is closed: its connection back in the pool, the object let go.

    One that never touched the store (an answer from the model in memory) has nothing to close.
    """
    closed: list[AsyncSession] = []
    real = AsyncSession.close

    async def counted(self: AsyncSession) -> None:
        closed.append(self)
        await real(self)

    await store.model()  # read whole before counting (a first read has a session of its own)
    monkeypatch.setattr(AsyncSession, "close", counted)
    pool = store.engine.pool
    async with store.session() as reading:
        await current_model(reading, fresh=True)  # the store version read: a transaction begun
    assert closed == [reading] and pool.checkedout() == 0  # type: ignore[attr-defined]
    async with store.session() as idle:  # nothing asked of the store
        assert not idle.in_transaction()
    assert closed == [reading]
    async with store.session() as asking:
        assert (await asking.exec(select(func.count()).select_from(Season))).one() == 2
        assert asking.in_transaction()
    assert closed == [reading, asking] and not asking.in_transaction()
    assert pool.checkedout() == 0  # type: ignore[attr-defined]
    async with store.session() as committed:  # its transaction over, its objects still held
        club = (await committed.exec(select(Team))).first()
        await committed.commit()
        assert club is not None and not committed.in_transaction()
    assert closed == [reading, asking, committed] and inspect(club).detached  # free for another session
    kept = Team(name="Never Flushed FC")
    async with store.session() as holding:
        holding.add(kept)
    assert closed == [reading, asking, committed, holding] and kept not in holding


async def test_a_session_that_did_nothing_is_handed_out_again_as_new_and_no_other_is(store: Store) -> None:
    async with store.session() as first:
        first.info["scratch"] = "left by an answer"
        assert not first.in_transaction()
    async with store.session() as again:
        assert again is first and again.info == {"data_dir": store.data_dir}  # as a new one's
        async with store.session() as meanwhile:
            assert meanwhile is not again  # two at once are never the same
    async with store.session() as reading:
        assert (await reading.exec(select(func.count()).select_from(Season))).one() == 2
    async with store.session() as holding:
        holding.add(Team(name="Never Flushed FC"))
    outs = []
    for _ in range(3):
        async with store.session() as later:
            outs.append(later)
    assert reading not in outs and holding not in outs  # closed, and never handed out again
    async with contextlib.AsyncExitStack() as stack:
        many = [await stack.enter_async_context(store.session()) for _ in range(2 * IDLE_SESSIONS)]
    async with contextlib.AsyncExitStack() as stack:
        again_many = [await stack.enter_async_context(store.session()) for _ in range(2 * IDLE_SESSIONS)]
    assert len({id(one) for one in many} & {id(one) for one in again_many}) == IDLE_SESSIONS  # a few kept


async def test_a_commit_under_way_when_its_task_is_cancelled_is_finished_first(
    moderated: Store, caplog: pytest.LogCaptureFixture
) -> None:
    """A task stopped at shutdown while it commits: the commit is finished (the transaction ended, the
    connection reset and back in the pool), then the task is cancelled. Cut off in the reset instead,
    SQLAlchemy logs an error and leaves the connection's state to chance."""
    pool = moderated.engine.sync_engine.pool
    resetting = asyncio.Event()

    def slow_reset(*_: object) -> None:  # the connection going back to the pool after the commit
        if not resetting.is_set():
            resetting.set()
            await_(asyncio.sleep(0.2))

    async def add_club() -> None:
        async with moderated.session() as session:
            session.add(Team(name="Stopped Midway FC", key="stopped midway"))
            await session.commit()

    event.listen(pool, "reset", slow_reset)
    try:
        task = asyncio.create_task(add_club())
        await asyncio.wait_for(resetting.wait(), 10)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    finally:
        event.remove(pool, "reset", slow_reset)
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert moderated.engine.pool.checkedout() == 0  # type: ignore[attr-defined]
    async with moderated.session() as session:
        made = (await session.exec(select(Team).where(Team.name == "Stopped Midway FC"))).all()
    assert len(made) == 1
