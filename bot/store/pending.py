"""Pending writes: a moderator's preview on Discord, kept in the store until it is confirmed or dropped.

The Confirm button carries only a pending write's id, so a bot restarted between the preview and the
confirmation still confirms it. Each function here is one short transaction of its own, and every change of
state is a guarded UPDATE (`WHERE state = 'pending'`): of two presses at once the database lets exactly one
claim the write, and exactly one finish it.

A press *claims* a pending write by recording its interaction id, which is then the idempotency key of the
write itself (`Revision.request`): a press after it, or the same interaction delivered twice, applies under
that same key, so the write is made once however often it is confirmed, even across a restart.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.store.models import PendingWrite, Revision, stored_id, utcnow

LIFETIME = dt.timedelta(minutes=15)  # a preview's buttons work this long (an interaction token's lifetime)
PENDING = "pending"
Finished = Literal["applied", "cancelled", "expired", "refused"]


def aware(moment: dt.datetime) -> dt.datetime:
    """A moment read from the store, in UTC (SQLite hands back no time zone)."""
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


def expired(pending: PendingWrite, now: dt.datetime | None = None) -> bool:
    """Whether the pending write's time is up (whatever its state says)."""
    if pending.expires_at is None:
        return True
    return aware(pending.expires_at) <= (now or dt.datetime.now(dt.UTC))


async def create_pending(
    *,
    session: AsyncSession,
    kind: str,
    guild_id: int,
    channel_id: int | None,
    actor_id: int,
    actor: str,
    arguments: dict[str, str],
    expected_version: int | None,
    lifetime: dt.timedelta | None = None,
    upload: str | None = None,
) -> PendingWrite:
    """Keep a previewed write until it is confirmed, cancelled or expires (`LIFETIME`); committed at once.

    `upload` is an import's file, as text: its confirmation imports it again from here.
    """
    now = utcnow()
    pending = PendingWrite(
        kind=kind,
        guild_id=guild_id,
        channel_id=channel_id,
        actor_id=actor_id,
        actor=actor,
        arguments=dict(arguments),
        expected_version=expected_version,
        upload=upload,
        created_at=now,
        expires_at=now + (LIFETIME if lifetime is None else lifetime),
    )
    session.add(pending)
    await session.commit()
    return pending


async def get_pending(*, session: AsyncSession, pending_id: int) -> PendingWrite | None:
    """The pending write with that id, as the store holds it now (None if there is none)."""
    return await session.get(PendingWrite, pending_id, populate_existing=True)


@dataclass(frozen=True)
class Claim:
    """The outcome of a press claiming a pending write."""

    claimed: bool  # this press is the first to claim it
    request: str | None  # the idempotency key to apply under (this press's, or the first claimant's)
    pending: PendingWrite | None  # the row as it stands after the attempt (None if it does not exist)


async def claim_pending(*, session: AsyncSession, pending_id: int, request: str) -> Claim:
    """Record `request` as the one under which the pending write is applied, unless a press did already.

    Returns the request to apply under: this one if this press claimed it, the first claimant's if another
    did (the write is idempotent under it), None when the write is no longer pending.
    """
    connection = await session.connection()
    claimed = await connection.execute(
        update(PendingWrite)
        .where(
            col(PendingWrite.id) == pending_id,
            col(PendingWrite.state) == PENDING,
            col(PendingWrite.finished_request).is_(None),
        )
        .values(finished_request=request)
    )
    await session.commit()
    row = await get_pending(session=session, pending_id=pending_id)
    if row is None:
        return Claim(False, None, None)
    if claimed.rowcount == 1:
        return Claim(True, request, row)
    return Claim(False, row.finished_request if row.state == PENDING else None, row)


async def finish_pending(
    *,
    session: AsyncSession,
    pending_id: int,
    state: Finished,
    revision_id: int | None = None,
    request: str | None = None,
) -> bool:
    """Close a pending write (applied, cancelled, expired or refused); False if it was closed already.

    A pending write that a press has claimed is being applied: it can no longer be cancelled or expire.
    """
    values: dict[str, Any] = {"state": state, "finished_at": utcnow()}
    if revision_id is not None:
        values["revision_id"] = revision_id
    if request is not None:
        values["finished_request"] = request
    still = [col(PendingWrite.id) == pending_id, col(PendingWrite.state) == PENDING]
    if state in ("cancelled", "expired"):
        still.append(col(PendingWrite.finished_request).is_(None))
    connection = await session.connection()
    finished = await connection.execute(update(PendingWrite).where(*still).values(**values))
    await session.commit()
    return bool(finished.rowcount == 1)


async def revision_of_request(*, session: AsyncSession, request: str) -> Revision | None:
    """The revision a request made, if it was applied (a request is applied at most once)."""
    return (await session.exec(select(Revision).where(Revision.request == request))).first()


async def last_change_by(*, session: AsyncSession, actor: str) -> int | None:
    """The id of `actor`'s newest change to a result that is not itself an undo (what a bare /undo takes)."""
    query = (
        select(Revision)
        .where(Revision.kind == "fixture", Revision.actor == actor, col(Revision.undoes).is_(None))
        .order_by(col(Revision.id).desc())
    )
    found = (await session.exec(query)).first()
    return stored_id(found) if found is not None else None
