"""Several processes on one PostgreSQL store (issue 16): every write heard, the outbox claimed without waits.

A write's transaction notifies the change channel (heard once it commits, never when it is rolled back); a
listener whose connection is cut (`pg_terminate_backend`) reconnects and refreshes everything, so a write
made while nothing listened is seen; a claim skips deliveries another process holds locked instead of
waiting for them, and a claim older than the lease is taken again; IDENTIFY turns are spaced per bucket
across processes. PostgreSQL only: on SQLite one process alone uses the store.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
import pytest_asyncio
from sqlalchemy import text, update
from sqlmodel import col, select

from bot.store.engine import Store
from bot.store.listen import Change, StoreListener, connect_args
from bot.store.model import current_model, held_model
from bot.store.models import Delivery, Notification, utcnow
from bot.store.outbox import claim_due
from bot.store.processes import IdentifyTurns
from bot.store.version import bump_version
from tests.conftest import drop_database, fresh_database_url


@pytest_asyncio.fixture(scope="module")
async def shared(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Store]:
    """An empty PostgreSQL store, migrated (no seasons: these tests need the schema only), for the module."""
    folder = tmp_path_factory.mktemp("listen")
    url = await fresh_database_url("postgresql", folder)
    (folder / "data").mkdir()
    store = await Store(url, folder / "data").open()
    yield store
    await store.close()
    await drop_database(url)


async def write(store: Store, *, commit: bool = True) -> int:
    """A write (a store version bumped); rolled back unless `commit`."""
    async with store.session() as session:
        version = await bump_version(session)
        if commit:
            await session.commit()
        else:
            await session.rollback()
    return version


class Heard:
    """What a listener passed on, each change with the store version the refresh then read."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.changes: list[tuple[Change, int]] = []
        self.arrived = asyncio.Event()

    async def __call__(self, change: Change) -> None:
        async with self.store.session() as session:
            model = await current_model(session, fresh=True)
        self.changes.append((change, model.version))
        self.arrived.set()

    async def until(self, wanted: Callable[[], object], what: str) -> None:
        try:
            async with asyncio.timeout(10):
                while not wanted():
                    self.arrived.clear()
                    await self.arrived.wait()
        except TimeoutError:
            raise AssertionError(f"waited 10 s for {what}; heard {self.changes}") from None


async def listening_backends(store: Store, name: str) -> list[int]:
    async with store.engine.connect() as connection:
        rows = await connection.execute(
            text("SELECT pid FROM pg_stat_activity WHERE application_name = :name"), {"name": name}
        )
        return [int(pid) for pid in rows.scalars()]


async def test_a_committed_write_is_heard_and_a_rolled_back_one_is_not(shared: Store) -> None:
    heard = Heard(shared)
    listener = StoreListener(shared.url, on_change=heard, name="opencup listen test-heard")
    listener.start()
    try:
        await heard.until(lambda: heard.changes, "the listener to start")
        assert heard.changes[0][0].version is None  # on listening: anything may have changed
        await write(shared, commit=False)
        version = await write(shared)
        await heard.until(lambda: any(c.version == version for c, _ in heard.changes), "the write")
        assert [c.version for c, _ in heard.changes] == [None, version]  # the rolled-back write: no notice
        assert heard.changes[-1] == (Change(version, "facts"), version)
        assert listener.heard == 1 and listener.listening
    finally:
        await listener.stop()


async def test_a_cut_listener_reconnects_and_sees_what_was_written_meanwhile(shared: Store) -> None:
    """pg_terminate_backend on the listening connection: a write in the gap is seen after it listens again."""
    heard = Heard(shared)
    name = "opencup listen test-cut"
    listener = StoreListener(shared.url, on_change=heard, name=name, first_retry=1.0)
    listener.start()
    try:
        await heard.until(lambda: heard.changes, "the listener to start")
        [backend] = await listening_backends(shared, name)
        async with shared.engine.connect() as connection:
            await connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": backend})
        gap = await write(shared)  # while nothing listens (the first retry is a second away)
        await heard.until(lambda: len(heard.changes) >= 2, "the listener to listen again")
        again, version_read = heard.changes[1]
        assert again == Change(None, "reconnected") and version_read >= gap  # refreshed: the gap write seen
        assert listener.heard == 0  # the gap write's own notice was never heard
        assert (model := held_model(shared.engine)) is not None and model.version >= gap
        assert listener.connections == 2 and listener.listening
        [new_backend] = await listening_backends(shared, name)
        assert new_backend != backend
        later = await write(shared)  # and it hears writes again
        await heard.until(lambda: any(c.version == later for c, _ in heard.changes), "a later write")
    finally:
        await listener.stop()


def test_connect_args_keep_the_login_and_leave_sqlalchemys_options() -> None:
    args = connect_args(
        "postgresql+asyncpg://bot:s3cret@db.example:6543/opencup?prepared_statement_cache_size=0"
    )
    assert args == {
        "user": "bot",
        "password": "s3cret",
        "host": "db.example",
        "port": 6543,
        "database": "opencup",
    }


REVISIONS = itertools.count(1)  # a made-up revision id per notification (they are unique)


async def deliveries_due(store: Store, count: int) -> list[int]:
    """`count` new deliveries due now (those of earlier tests all sent)."""
    async with store.session() as session:
        await session.exec(update(Delivery).values(state="sent"))
        notification = Notification(
            revision_id=next(REVISIONS), kind="result", actor="test", created_at=utcnow(), expanded=True
        )
        session.add(notification)
        await session.flush()
        made = [
            Delivery(
                notification_id=notification.id or 0,
                target=f"channel:{n}",
                channel_id=n,
                next_attempt_at=utcnow(),
            )
            for n in range(count)
        ]
        session.add_all(made)
        await session.commit()
        return [row.id or 0 for row in made]


async def test_a_claim_skips_rows_another_process_holds_instead_of_waiting(shared: Store) -> None:
    """One process is mid-claim (its rows locked): another claims the rest at once, never the same row."""
    ids = await deliveries_due(shared, 4)
    async with shared.session() as holder:
        locked = select(Delivery).where(col(Delivery.id).in_(ids[:2])).with_for_update()
        assert len((await holder.exec(locked)).all()) == 2
        async with shared.session() as other:
            claimed = await asyncio.wait_for(claim_due(session=other, worker="b"), timeout=5)
        assert [row.id for row in claimed] == ids[2:]
        await holder.rollback()
    async with shared.session() as session:
        assert [row.id for row in await claim_due(session=session, worker="a")] == ids[:2]


async def test_a_claim_older_than_the_lease_is_taken_again(shared: Store) -> None:
    [delivery] = await deliveries_due(shared, 1)
    async with shared.session() as session:
        assert len(await claim_due(session=session, worker="killed")) == 1
        await session.exec(
            update(Delivery)
            .where(col(Delivery.id) == delivery)
            .values(claimed_at=utcnow() - dt.timedelta(seconds=3))
        )
        await session.commit()
        assert await claim_due(session=session, worker="b") == []  # within the default lease (a minute)
        [taken] = await claim_due(session=session, worker="b", lease=dt.timedelta(seconds=2))
    assert (taken.id, taken.claimed_by, taken.attempts) == (delivery, "b", 2)


async def test_identify_turns_are_spaced_per_bucket_across_processes(shared: Store, tmp_path: Path) -> None:
    """Two processes' shards of one bucket identify `spacing` apart; another bucket need not wait."""
    other = Store(shared.url, tmp_path / "data")  # a second process's store, on the same database
    try:
        spacing = 0.4
        first, second = IdentifyTurns(shared, spacing=spacing), IdentifyTurns(other, spacing=spacing)
        began = time.monotonic()
        waits = await asyncio.gather(first.wait_turn(0), second.wait_turn(0))
        took = time.monotonic() - began
        assert min(waits) == 0.0 and max(waits) > 0.0  # one went at once, the other waited
        assert took >= spacing * 0.9  # the second of the bucket went a spacing after the first
        assert await first.wait_turn(1) == 0.0  # a bucket of its own
    finally:
        await other.close()
