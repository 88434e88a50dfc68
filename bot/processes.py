"""A bot process as one of several on one store: what it hears of the others' writes, and its record.

A bot in thousands of servers runs several processes over one PostgreSQL store, each holding some of the
shards (settings `SHARD_COUNT` and `SHARD_IDS`; README, "Running several processes"). For each process:
- it listens for every write, its own and the others' (`bot.store.listen`), and refreshes what it caches:
  the model (and with it the team index that autocomplete reads, and the answers cached per store version),
  the pictures, and wakes its delivery task for the notifications the write may have added;
- it records itself in the store, with a heartbeat (`bot.store.processes`), for `python -m bot status`;
- when it holds some of the shards only, it takes its turns to IDENTIFY with the other processes.
On SQLite one process alone uses the store: nothing is listened for, and the process is still recorded.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from bot.store.model import current_model, held_model
from bot.store.processes import Heartbeat, IdentifyTurns, ProcessState

if TYPE_CHECKING:
    from bot.client import OpenCupBot
    from bot.store.listen import Change, StoreListener

log = logging.getLogger(__name__)


class Cluster:
    """The bot's side of sharing its store with other processes: listener, heartbeat, IDENTIFY turns."""

    def __init__(self, bot: OpenCupBot) -> None:
        """For `bot`, named in the registry by its delivery worker's name (host, pid, a random part)."""
        settings = bot.settings
        self.bot = bot
        self.heartbeat = Heartbeat(
            bot.store,
            worker=bot.deliverer.worker,
            shard_ids=settings.shard_ids,
            shard_count=settings.shard_count,
            every=settings.heartbeat_seconds,
            state=self.state,
        )
        self.turns = IdentifyTurns(bot.store)
        self.listener: StoreListener | None = None
        self.refreshes = 0  # changes heard that moved this process's model on
        self._max_concurrency: int | None = None

    async def start(self) -> None:
        """Listen for the store's changes (PostgreSQL), and record this process in the store."""
        if self.bot.store.engine.dialect.name == "postgresql" and self.listener is None:
            from bot.store.listen import StoreListener  # asyncpg's listener: only where there is PostgreSQL

            self.listener = StoreListener(
                self.bot.store.url, on_change=self.changed, name=f"opencup listen {self.bot.deliverer.worker}"
            )
            self.listener.start()
        await self.heartbeat.start()

    async def stop(self) -> None:
        """Stop listening, and remove this process from the registry."""
        if self.listener is not None:
            await self.listener.stop()
        await self.heartbeat.stop()

    def state(self) -> ProcessState:
        """What the heartbeat records: the store version this process has read, ready, listening."""
        model = held_model(self.bot.store.engine)
        return ProcessState(
            store_version=model.version if model is not None else 0,
            ready=self.bot.is_ready(),
            listening=self.listener is not None and self.listener.listening,
        )

    async def changed(self, change: Change) -> None:
        """A write was committed (or, version None, anything may have changed): refresh what is cached."""
        held = held_model(self.bot.store.engine)
        before = held.version if held is not None else -1
        async with self.bot.store.session() as session:
            model = await current_model(session, fresh=True)  # the team index and the answers follow it
        if model.version != before:
            self.refreshes += 1
            self.bot.pictures.clear()  # drawn from an older version: never shown again, so let them go
            log.debug("store version %s → %s (%s)", before, model.version, change.what)
        self.bot.deliverer.wake()  # the write may have added notifications

    async def identify_turn(self, shard_id: int | None) -> None:
        """Wait for `shard_id`'s turn to IDENTIFY, counted over every process (its bucket, Discord's rule)."""
        if self._max_concurrency is None:
            try:
                self._max_concurrency = max((await self.bot.fetch_session_start_limits()).max_concurrency, 1)
            except Exception:
                log.warning("Discord did not say how many shards may identify at once: one", exc_info=True)
                self._max_concurrency = 1
        bucket = (shard_id or 0) % self._max_concurrency
        waited = await self.turns.wait_turn(bucket)
        if waited:
            log.info("shard %s waited %.1f s for its turn to identify (bucket %d)", shard_id, waited, bucket)
