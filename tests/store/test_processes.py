"""The registry of running bot processes (issue 16), on SQLite and PostgreSQL: recorded, beating, stale.

A running bot records itself at start (host, pid, shards, worker name) and beats a heartbeat with the store
version it has seen; `store_status` lists every process, marks one whose heartbeat stopped as stale, and
counts the outbox's backlog; a clean stop removes the process.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
from pathlib import Path

from bot.store.engine import Store
from bot.store.processes import BotProcess, Heartbeat, ProcessState, store_status


async def status(store: Store, at: dt.datetime | None = None):  # type: ignore[no-untyped-def]
    async with store.session() as session:
        return await store_status(session=session, at=at)


async def test_a_process_is_recorded_beats_goes_stale_and_is_removed(empty_url: str, tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    store = await Store(empty_url, tmp_path / "data").open()
    seen = ProcessState(store_version=0, ready=False, listening=False)
    heartbeat = Heartbeat(
        store, worker="host:1:abc", shard_ids=[1, 0], shard_count=4, every=0.05, state=lambda: seen
    )
    try:
        await heartbeat.start()
        [recorded] = (await status(store)).processes
        assert (recorded.worker, recorded.pid, recorded.shards, recorded.shard_ids) == (
            "host:1:abc",
            os.getpid(),
            "0,1 of 4",
            [0, 1],
        )
        assert not recorded.stale and not recorded.ready
        seen = ProcessState(store_version=7, ready=True, listening=True)
        for _ in range(200):  # the next beats record what the process has seen since
            await asyncio.sleep(0.05)
            [beating] = (await status(store)).processes
            if beating.ready:
                break
        assert (beating.store_version, beating.ready, beating.listening) == (7, True, True)
        async with store.session() as session:  # a silent process: its last beat a minute ago
            silent = beating.heartbeat_at - dt.timedelta(minutes=1)
            session.add(
                BotProcess(
                    worker="other:2:def", host="other", pid=2, shard_ids="2,3", shard_count=4,
                    started_at=silent, heartbeat_at=silent,
                )
            )  # fmt: skip
            await session.commit()
        found = await status(store)
        assert {p.worker: p.stale for p in found.processes} == {"host:1:abc": False, "other:2:def": True}
        text = found.text()
        assert "other:2:def  shards 2,3 of 4" in text and "STALE" in text
        assert found.as_json()["outbox"] == {
            "notifications_waiting": 0,
            "deliveries": {"pending": 0, "sending": 0, "sent": 0, "failing": 0},
            "oldest_due_seconds": None,
        }
    finally:
        await heartbeat.stop()
    assert [p.worker for p in (await status(store)).processes] == ["other:2:def"]  # a clean stop: removed
    await store.close()
