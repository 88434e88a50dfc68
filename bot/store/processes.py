"""The bot processes sharing one store: each records itself here, beats a heartbeat, and takes IDENTIFY turns.

A large bot runs several processes, each holding some of the shards, over one PostgreSQL store (README,
"Running several processes"). Each running bot keeps one `BotProcess` row: who it is (host, pid, and the
worker name its outbox claims carry), which shards it holds, when it started, and, every `heartbeat_seconds`,
that it is alive, which store version it has seen, whether it is connected to Discord and whether it hears
the other processes' writes. A clean stop removes the row; a killed process leaves it, and its heartbeat
goes stale. `python -m bot status` reads the rows with the outbox's backlog (`store_status`).

Discord lets a bot IDENTIFY (open a gateway session) once per rate-limit bucket every 5 seconds, whatever
process asks; shard N is in bucket N % max_concurrency. `IdentifyTurns` spaces the identifies of every
process on a PostgreSQL store through the store itself (an advisory lock per bucket, and the time of the
bucket's last identify by the database's clock), so processes started together do not identify at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import os
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import Column, DateTime, delete, text, update
from sqlmodel import Field, SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.store.models import Delivery
from bot.store.outbox import outbox_counts
from bot.store.version import store_version

if TYPE_CHECKING:
    from bot.store.engine import Store

log = logging.getLogger(__name__)
STALE_AFTER_BEATS = 3  # heartbeats missed before a process counts as gone
FORGET_AFTER = dt.timedelta(days=1)  # rows of processes silent this long are removed when a process starts
IDENTIFY_SPACING = 5.0  # seconds between two IDENTIFYs of one rate-limit bucket (Discord's rule)
IDENTIFY_LOCK = 7_202_412  # advisory-lock number (with the bucket as second key)


def _moment() -> Any:
    return Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=False))


def now() -> dt.datetime:
    """Now, in UTC (to the microsecond: heartbeats come seconds apart)."""
    return dt.datetime.now(dt.UTC)


def _utc(moment: dt.datetime) -> dt.datetime:
    """A stored moment as UTC (SQLite hands it back without its time zone)."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


class BotProcess(SQLModel, table=True):
    """A running bot process, as it records itself."""

    worker: str = Field(primary_key=True)  # host:pid:random, as its outbox claims are signed
    host: str
    pid: int
    shard_ids: str = ""  # "0,1"; empty: every shard
    shard_count: int | None = None  # None: as many as Discord recommends
    started_at: dt.datetime | None = _moment()
    heartbeat_at: dt.datetime | None = _moment()
    heartbeat_every: float = 5.0  # seconds
    store_version: int = 0  # the newest store version this process has read
    ready: bool = False  # connected to Discord, every shard ready
    listening: bool = False  # hearing the other processes' writes (PostgreSQL's LISTEN)


def shards_text(shard_ids: str, shard_count: int | None) -> str:
    """A process's shards in words: "0,1 of 4", "all 4", "all"."""
    if shard_ids:
        return f"{shard_ids} of {shard_count}"
    return f"all {shard_count}" if shard_count else "all"


async def record_process(*, session: AsyncSession, process: BotProcess) -> None:
    """Record a process as running (or again, after its row was removed); forget long-silent processes."""
    await session.exec(delete(BotProcess).where(col(BotProcess.heartbeat_at) < now() - FORGET_AFTER))
    await session.merge(process)
    await session.commit()


async def beat(
    *, session: AsyncSession, worker: str, store_version: int, ready: bool, listening: bool
) -> bool:
    """Record that `worker` is alive now, with what it has seen; False if its row is gone (re-record it)."""
    moved = await session.exec(
        update(BotProcess)
        .where(col(BotProcess.worker) == worker)
        .values(heartbeat_at=now(), store_version=store_version, ready=ready, listening=listening)
    )
    await session.commit()
    return bool(moved.rowcount)


async def retire_process(*, session: AsyncSession, worker: str) -> None:
    """Remove a process that stops cleanly."""
    await session.exec(delete(BotProcess).where(col(BotProcess.worker) == worker))
    await session.commit()


@dataclass(frozen=True)
class ProcessState:
    """What a running process reports at each heartbeat."""

    store_version: int
    ready: bool
    listening: bool


class Heartbeat:
    """A running bot's row in the registry, refreshed every `every` seconds until the bot stops."""

    def __init__(
        self,
        store: Store,
        *,
        worker: str,
        shard_ids: list[int],
        shard_count: int | None,
        every: float,
        state: Callable[[], ProcessState],
    ) -> None:
        """The heartbeat of the process whose outbox worker is `worker`; `state` says what it has seen."""
        self.store = store
        self.worker = worker
        self.every = every
        self.state = state
        self.row = BotProcess(
            worker=worker,
            host=socket.gethostname(),
            pid=os.getpid(),
            shard_ids=",".join(str(shard) for shard in sorted(shard_ids)),
            shard_count=shard_count,
            started_at=now(),
            heartbeat_at=now(),
            heartbeat_every=every,
        )
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Record the process now, then beat in a task of its own (a store that refuses: tried again then)."""
        if self._task is not None:
            return
        try:
            await self._record()
        except Exception:
            log.warning(
                "could not record this process in the store; the heartbeat tries again", exc_info=True
            )
        self._task = asyncio.create_task(self._run(), name="opencup-heartbeat")

    async def stop(self) -> None:
        """Stop beating and remove the row (a process that stops cleanly is no longer running)."""
        task, self._task = self._task, None
        if task is None:
            return
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        try:
            async with self.store.session() as session:
                await retire_process(session=session, worker=self.worker)
        except Exception:
            log.warning("could not remove this process from the registry", exc_info=True)

    async def _record(self) -> None:
        seen = self.state()
        row = self.row.model_copy(
            update={
                "heartbeat_at": now(),
                "store_version": seen.store_version,
                "ready": seen.ready,
                "listening": seen.listening,
            }
        )
        async with self.store.session() as session:
            await record_process(session=session, process=row)

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.every)
            seen = self.state()
            try:
                async with self.store.session() as session:
                    alive = await beat(
                        session=session,
                        worker=self.worker,
                        store_version=seen.store_version,
                        ready=seen.ready,
                        listening=seen.listening,
                    )
                if not alive:
                    await self._record()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.warning("the heartbeat could not be recorded; trying again", exc_info=True)


class IdentifyTurns:
    """Discord's IDENTIFY limit kept across all the bot's processes: one per bucket each `spacing` seconds."""

    def __init__(self, store: Store, *, spacing: float = IDENTIFY_SPACING) -> None:
        """Turns taken through `store` (PostgreSQL: shared by every process; SQLite: this process's own)."""
        self.store = store
        self.spacing = spacing
        self._locks: dict[int, asyncio.Lock] = {}
        self._last: dict[int, float] = {}  # bucket → time.monotonic() of its last identify here

    async def wait_turn(self, bucket: int) -> float:
        """Wait until `bucket` may identify, and take its turn; returns the seconds waited."""
        async with self._locks.setdefault(bucket, asyncio.Lock()):
            if self.store.engine.dialect.name == "postgresql":
                return await self._shared_turn(bucket)
            wait = self._last.get(bucket, -self.spacing) + self.spacing - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            self._last[bucket] = time.monotonic()
            return max(wait, 0.0)

    async def _shared_turn(self, bucket: int) -> float:
        key = f"identify:{bucket}"
        clock = text("SELECT extract(epoch FROM clock_timestamp())")
        async with self.store.engine.begin() as connection:
            # Held until this turn is recorded: the bucket's next identify, in any process, waits for it.
            await connection.execute(
                text("SELECT pg_advisory_xact_lock(:lock, :bucket)"),
                {"lock": IDENTIFY_LOCK, "bucket": bucket},
            )
            last = (
                await connection.execute(text("SELECT value FROM storemeta WHERE key = :key"), {"key": key})
            ).scalar_one_or_none()
            wait = 0.0
            if last is not None:
                wait = float(last) + self.spacing - float((await connection.execute(clock)).scalar_one())
                if wait > 0:
                    await asyncio.sleep(wait)
            await connection.execute(
                text(
                    "INSERT INTO storemeta (key, value) "
                    "VALUES (:key, CAST(extract(epoch FROM clock_timestamp()) AS VARCHAR)) "
                    "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value"
                ),
                {"key": key},
            )
        return max(wait, 0.0)


@dataclass(frozen=True)
class ProcessStatus:
    """One process in `python -m bot status`."""

    worker: str
    host: str
    pid: int
    shards: str
    shard_ids: list[int]
    shard_count: int | None
    started_at: dt.datetime
    heartbeat_at: dt.datetime
    heartbeat_age: float  # seconds since its last heartbeat
    stale: bool  # missed `STALE_AFTER_BEATS` heartbeats: killed, hung, or cut off from the store
    store_version: int
    ready: bool
    listening: bool


@dataclass(frozen=True)
class StoreStatus:
    """Every process recorded in the store, the store version, and the outbox's backlog."""

    store_version: int
    processes: list[ProcessStatus]
    unexpanded: int  # notifications whose deliveries are not made yet
    deliveries: dict[str, int] = field(default_factory=dict)  # state → count
    oldest_due_seconds: float | None = None  # how long the oldest delivery due has waited

    def as_json(self) -> dict[str, Any]:
        """The status as `--json` prints it."""
        return {
            "store_version": self.store_version,
            "processes": [
                {
                    "worker": p.worker,
                    "host": p.host,
                    "pid": p.pid,
                    "shard_ids": p.shard_ids,
                    "shard_count": p.shard_count,
                    "started_at": p.started_at.isoformat(),
                    "heartbeat_at": p.heartbeat_at.isoformat(),
                    "heartbeat_age": round(p.heartbeat_age, 1),
                    "stale": p.stale,
                    "store_version": p.store_version,
                    "ready": p.ready,
                    "listening": p.listening,
                }
                for p in self.processes
            ],
            "outbox": {
                "notifications_waiting": self.unexpanded,
                "deliveries": self.deliveries,
                "oldest_due_seconds": None
                if self.oldest_due_seconds is None
                else round(self.oldest_due_seconds, 1),
            },
        }

    def text(self) -> str:
        """The status for people: one line per process, then the outbox."""
        lines = [f"store version {self.store_version}; {len(self.processes)} processes recorded"]
        for p in self.processes:
            flags = (
                ["STALE (killed, hung, or cut off from the store)"]
                if p.stale
                else [
                    "alive",
                    "ready" if p.ready else "connecting to Discord",
                    "listening" if p.listening else "NOT listening",
                ]
            )
            behind = self.store_version - p.store_version
            lines.append(
                f"  {p.worker}  shards {p.shards}  heartbeat {p.heartbeat_age:.1f} s ago  "
                f"store version {p.store_version}{f' ({behind} behind)' if behind > 0 else ''}  "
                f"{', '.join(flags)}  started {p.started_at:%Y-%m-%d %H:%M:%S} UTC"
            )
        counts = ", ".join(
            f"{state} {self.deliveries.get(state, 0)}" for state in ("pending", "sending", "failing")
        )
        waited = (
            ""
            if self.oldest_due_seconds is None
            else f"; the oldest due has waited {self.oldest_due_seconds:.0f} s"
        )
        lines.append(f"outbox: {self.unexpanded} notifications waiting, deliveries {counts}{waited}")
        return "\n".join(lines)


def _shard_list(written: str) -> list[int]:
    return [int(part) for part in written.split(",") if part]


async def store_status(*, session: AsyncSession, at: dt.datetime | None = None) -> StoreStatus:
    """Every recorded process (stale ones marked), the store version, and the outbox's backlog."""
    moment = at or now()
    rows = (await session.exec(select(BotProcess).order_by(col(BotProcess.started_at)))).all()
    processes = []
    for row in rows:
        beat_at = _utc(row.heartbeat_at or moment)
        age = max((moment - beat_at).total_seconds(), 0.0)
        processes.append(
            ProcessStatus(
                worker=row.worker,
                host=row.host,
                pid=row.pid,
                shards=shards_text(row.shard_ids, row.shard_count),
                shard_ids=_shard_list(row.shard_ids),
                shard_count=row.shard_count,
                started_at=_utc(row.started_at or moment),
                heartbeat_at=beat_at,
                heartbeat_age=age,
                stale=age > STALE_AFTER_BEATS * row.heartbeat_every,
                store_version=row.store_version,
                ready=row.ready,
                listening=row.listening,
            )
        )
    unexpanded, states = await outbox_counts(session=session)
    due = (
        await session.exec(
            select(Delivery.next_attempt_at)
            .where(col(Delivery.state) == "pending", col(Delivery.next_attempt_at) <= moment)
            .order_by(col(Delivery.next_attempt_at))
            .limit(1)
        )
    ).first()
    return StoreStatus(
        store_version=await store_version(session),
        processes=processes,
        unexpanded=unexpanded,
        deliveries={state: states.get(state, 0) for state in ("pending", "sending", "sent", "failing")},
        oldest_due_seconds=None if due is None else max((moment - _utc(due)).total_seconds(), 0.0),
    )
