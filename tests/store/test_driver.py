"""The write path run on SQLite's own cursor stores exactly what SQLAlchemy stores, and fails alike.

A process's writes run one at a time, on one connection, in one thread of their own.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import sqlite3
import threading
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from sqlalchemy import bindparam, create_engine, insert, select, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError, InvalidRequestError, StatementError
from sqlmodel import SQLModel

from bot.seasons.facts import DecidedBy, FixtureStatus
from bot.store.driver import fast, rows, run
from bot.store.engine import SQLiteWriter, dispose_sqlite_writer, make_engine, sqlite_writer
from bot.store.models import Fixture, Revision, Season, table_of
from bot.store.version import bump_version_on
from bot.store.writes import _result_update

REVISIONS = table_of(Revision)
WHEN = dt.datetime(2024, 4, 2, 19, 30, 5, 123456, tzinfo=dt.UTC)
RESULT: dict[str, Any] = {
    "date": dt.date(2024, 4, 2),
    "home_score": 2,
    "away_score": 2,
    "extra_time": True,
    "penalties": "4-3",
    "decided_by": DecidedBy.PENALTIES,
    "status": FixtureStatus.PLAYED,
    "winner_id": None,
    "note": "Ünïcode — quotes ' \" and 100%",
    "entered_by": "mod:alice",
    "entered_at": WHEN,
}


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    made = create_engine(f"sqlite:///{tmp_path / 'store.sqlite3'}")
    SQLModel.metadata.create_all(made)
    with made.begin() as connection:
        connection.execute(
            insert(table_of(Season)),
            {"id": 1, "year": 2024, "title": "t", "source": "s", "stated": {}, "findings": []},
        )
        for number in (1, 2):
            connection.execute(
                insert(table_of(Fixture)),
                Fixture(
                    id=number, season_id=1, number=number, round=3, status=FixtureStatus.SCHEDULED
                ).model_dump(),
            )
    return made


def raw(engine: Engine, query: str) -> list[tuple[Any, ...]]:
    """Rows as SQLite holds them (strings, numbers), read past SQLAlchemy."""
    with sqlite3.connect(str(engine.url.database)) as connection:
        return connection.execute(query).fetchall()


def test_an_update_stores_what_sqlalchemy_stores(engine: Engine) -> None:
    statement = _result_update(frozenset(RESULT))
    values = {f"new_{name}": value for name, value in RESULT.items()}
    with engine.begin() as connection:
        assert fast(connection)
        driven = run(connection, statement, {**values, "fixture_id": 1, "expected": 0})
        through = connection.execute(statement, {**values, "fixture_id": 2, "expected": 0})
        assert driven.rowcount == through.rowcount == 1
        stale = run(connection, statement, {**values, "fixture_id": 1, "expected": 0})
        assert stale.rowcount == 0  # the version check holds on the driver too
    first, second = (
        {name: value for name, value in zip(table_of(Fixture).c.keys(), found, strict=True)}
        for found in raw(engine, "SELECT * FROM fixture ORDER BY id")
    )
    assert first.pop("id") == first.pop("number") == 1
    assert second.pop("id") == second.pop("number") == 2
    assert first == second and first["version"] == 1
    assert first["entered_at"] == "2024-04-02 19:30:05.123456" and first["decided_by"] == "penalties"
    assert first["date"] == "2024-04-02" and first["extra_time"] == 1


def test_a_revision_stores_what_sqlalchemy_stores_and_a_repeated_request_is_refused(engine: Engine) -> None:
    row = {
        "season_id": 1, "fixture_id": 1, "fixture_number": 1, "kind": "fixture",
        "before": {"home_score": None, "date": None}, "after": {"home_score": 2, "note": "é \" '"},
        "actor": "mod:alice", "at": WHEN, "why": "reported", "request": "r-1", "undoes": None,
        "store_version": 3,
    }  # fmt: skip
    statement = insert(REVISIONS).returning(REVISIONS.c.id)
    with engine.begin() as connection:
        made = run(connection, statement, row, keys=list(row)).fetchall()[0][0]
        other = connection.execute(statement, {**row, "request": "r-2"}).scalar_one()
        assert other == made + 1
    first, second = raw(engine, "SELECT * FROM revision ORDER BY id")
    assert first[1:] == (*second[1:10], "r-1", *second[11:])
    with pytest.raises(IntegrityError), engine.begin() as connection:
        run(connection, statement, row, keys=list(row))  # the same request id: as connection.execute fails


def test_the_store_version_starts_and_counts_on_the_driver(engine: Engine) -> None:
    with engine.begin() as connection:
        assert [bump_version_on(connection) for _ in range(3)] == [1, 2, 3]
    assert raw(engine, "SELECT value FROM storemeta") == [("3",)]


def test_a_select_reads_what_sqlalchemy_reads(engine: Engine) -> None:
    fixtures = table_of(Fixture)
    statement = select(fixtures).where(fixtures.c.season_id == bindparam("season"))
    with engine.begin() as connection:
        run(connection, _result_update(frozenset(RESULT)), {
            **{f"new_{name}": value for name, value in RESULT.items()}, "fixture_id": 1, "expected": 0,
        })  # fmt: skip
        driven = rows(connection, statement, {"season": 1})
        through = [dict(found) for found in connection.execute(statement, {"season": 1}).mappings()]
    assert driven == through and len(driven) == 2
    first = driven[0]
    assert first["date"] == RESULT["date"] and first["extra_time"] is True
    assert first["decided_by"] is DecidedBy.PENALTIES and first["status"] is FixtureStatus.PLAYED
    assert first["entered_at"] == WHEN.replace(tzinfo=None) and first["version"] == 1


def test_a_missing_value_is_refused_as_sqlalchemy_refuses_it(engine: Engine) -> None:
    statement = _result_update(frozenset(RESULT))
    values = {f"new_{name}": value for name, value in RESULT.items()}
    with engine.begin() as connection:
        with pytest.raises(StatementError) as driven:
            run(connection, statement, {**values, "fixture_id": 1})  # no expected version
        with pytest.raises(StatementError) as through:
            connection.execute(statement, {**values, "fixture_id": 1})
    assert isinstance(driven.value.orig, InvalidRequestError)
    assert str(driven.value.orig) == str(through.value.orig) and "'expected'" in str(driven.value.orig)
    assert raw(engine, "SELECT version FROM fixture ORDER BY id") == [(0,), (0,)]


async def test_a_process_writes_on_one_connection_in_one_thread_one_write_at_a_time(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'store.sqlite3'}"
    async_engine = make_engine(url)
    async with async_engine.begin() as connection:
        await connection.run_sync(SQLModel.metadata.create_all)
    writer = sqlite_writer(async_engine)
    assert writer is not None
    seen: list[tuple[int, int]] = []
    inside = [0, 0]  # writes under way now, and the most at once

    def write(connection: Connection) -> int:
        inside[0] += 1
        inside[1] = max(inside)
        seen.append((threading.get_ident(), id(connection.connection.driver_connection)))
        time.sleep(0.002)  # a write under way while the others are handed over
        bump = bump_version_on(connection)
        inside[0] -= 1
        return bump

    versions = await asyncio.gather(*(writer.run(write) for _ in range(20)))
    assert sorted(versions) == list(range(1, 21))  # each committed once
    assert len(set(seen)) == 1 and seen[0][0] != threading.get_ident() and inside[1] == 1

    def refused(connection: Connection) -> None:
        bump_version_on(connection)
        raise RuntimeError("refused half-way")

    with pytest.raises(RuntimeError):
        await writer.run(refused)
    assert await writer.run(write) == 21  # the refused write was rolled back, the connection still serves
    await dispose_sqlite_writer(async_engine)
    await async_engine.dispose()
    assert not [thread for thread in threading.enumerate() if thread.name.startswith("opencup-writer")]


@pytest_asyncio.fixture
async def writer(tmp_path: Path) -> AsyncIterator[SQLiteWriter]:
    """The writer of a new store, closed afterwards (whatever the test did)."""
    async_engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'store.sqlite3'}")
    async with async_engine.begin() as connection:
        await connection.run_sync(SQLModel.metadata.create_all)
    made = sqlite_writer(async_engine)
    assert made is not None
    try:
        yield made
    finally:
        await dispose_sqlite_writer(async_engine)
        await async_engine.dispose()


def _version_now(connection: Connection) -> int:
    found = connection.execute(text("SELECT value FROM storemeta WHERE key = 'store_version'")).first()
    return int(found[0]) if found else 0


async def test_a_write_through_sqlalchemy_or_the_driver_is_committed_and_a_refused_commit_leaves_nothing(
    writer: SQLiteWriter,
) -> None:
    assert await writer.run(bump_version_on) == 1  # the driver's own transaction, committed

    def through_sqlalchemy(connection: Connection) -> int:
        connection.execute(text("UPDATE storemeta SET value = '41' WHERE key = 'store_version'"))
        return bump_version_on(connection)

    assert await writer.run(through_sqlalchemy) == 42  # SQLAlchemy's transaction, committed

    def refused_at_commit(connection: Connection) -> None:
        # The foreign key is checked at COMMIT (deferred): the commit itself is what refuses this write.
        run(connection, text("PRAGMA defer_foreign_keys = ON"), {})
        bump_version_on(connection)
        row = {
            "fixture_id": 999,
            "kind": "fixture",
            "actor": "mod:1",
            "at": WHEN,
            "why": "",
            "store_version": 2,
        }
        run(connection, insert(REVISIONS), row, keys=list(row))

    with pytest.raises(IntegrityError) as refused:
        await writer.run(refused_at_commit)
    assert "FOREIGN KEY" in str(refused.value.orig)
    assert await writer.run(_version_now) == 42  # nothing of it is stored, and the writer still serves
    assert await writer.run(bump_version_on) == 43


async def test_a_write_whose_caller_gave_up_before_it_began_is_not_made(writer: SQLiteWriter) -> None:
    began = threading.Event()

    def slow(connection: Connection) -> int:
        began.set()
        time.sleep(0.3)
        return bump_version_on(connection)

    first = asyncio.create_task(writer.run(slow))
    await asyncio.to_thread(began.wait, 5)
    second = asyncio.create_task(writer.run(bump_version_on))  # queued behind the slow one
    await asyncio.sleep(0)
    second.cancel()
    assert await first == 1
    with pytest.raises(asyncio.CancelledError):
        await second
    assert await writer.run(_version_now) == 1  # the cancelled write was skipped
