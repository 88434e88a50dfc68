"""Pending writes in the store: one press claims a write, one finish closes it, a claimed one cannot be
cancelled or expire, and a preview's time runs out."""

from __future__ import annotations

import asyncio
import datetime as dt

from bot.store.engine import Store
from bot.store.pending import (
    claim_pending,
    create_pending,
    expired,
    finish_pending,
    get_pending,
)


async def _new(store: Store, **changes: object) -> int:
    async with store.session() as session:
        made = await create_pending(
            session=session,
            kind="report",
            guild_id=1,
            channel_id=2,
            actor_id=3,
            actor="mod:alice",
            arguments={"fixture": "85", "score": "2-1"},
            expected_version=0,
            **changes,  # type: ignore[arg-type]
        )
    assert made.id is not None
    return made.id


async def test_presses_at_once_claim_a_pending_write_once(moderated: Store) -> None:
    """Of several presses at once exactly one claims it; the others apply under its request."""
    pending = await _new(moderated)

    async def press(request: str) -> tuple[bool, str | None]:
        async with moderated.session() as session:
            claim = await claim_pending(session=session, pending_id=pending, request=request)
        return claim.claimed, claim.request

    outcomes = await asyncio.gather(*(press(f"interaction-{n}") for n in range(5)))
    winners = [request for claimed, request in outcomes if claimed]
    assert len(winners) == 1
    assert {request for _, request in outcomes} == set(winners)  # everyone applies under the winner's key
    async with moderated.session() as session:
        assert not await finish_pending(session=session, pending_id=pending, state="cancelled")  # claimed
        assert await finish_pending(session=session, pending_id=pending, state="applied", revision_id=7)
        assert not await finish_pending(session=session, pending_id=pending, state="refused")
        row = await get_pending(session=session, pending_id=pending)
        missing = await claim_pending(session=session, pending_id=9_999_999, request="x")
    assert row is not None and (row.state, row.revision_id, row.finished_request) == (
        "applied",
        7,
        winners[0],
    )
    assert missing.pending is None and missing.request is None


async def test_an_unclaimed_pending_write_can_be_cancelled_and_expires(moderated: Store) -> None:
    """Cancel closes it once; its time is 15 minutes unless told otherwise."""
    pending = await _new(moderated)
    async with moderated.session() as session:
        assert await finish_pending(session=session, pending_id=pending, state="cancelled")
        claim = await claim_pending(session=session, pending_id=pending, request="late")
        row = await get_pending(session=session, pending_id=pending)
    assert not claim.claimed and claim.request is None
    assert row is not None and row.expires_at is not None and row.created_at is not None
    assert row.expires_at - row.created_at == dt.timedelta(minutes=15) and not expired(row)
    gone = await _new(moderated, lifetime=dt.timedelta(0))
    async with moderated.session() as session:
        row = await get_pending(session=session, pending_id=gone)
    assert row is not None and expired(row)
