"""The outbox's data functions: deliveries made from notifications, claimed, recorded, reported.

A notification (written with the change it tells of, `bot.store.writes`) becomes deliveries when it is
expanded: one per target (the results channel of every guild that set one, each channel following a club
it names, each follower's direct messages), in one transaction, unique per (notification, target), so an
expansion repeated after a crash or by a second process adds nothing. A delivery is claimed before it is
sent (`sending`, by one worker, with a lease) and recorded after (`sent`, with the message id); see
`bot.delivery` for why that order, and what a kill between the two costs.

**Several processes.** Every bot process on one store runs a delivery task over the same outbox. On
PostgreSQL a claim first locks the rows it takes with `SELECT … FOR UPDATE SKIP LOCKED`, so two processes
claiming at once take different deliveries instead of queueing on the same rows, and then moves them to
`sending` with the same conditional UPDATE SQLite uses (where one writer at a time makes it enough). A
process that dies holding claims does not hold them for ever: a claim older than the lease (setting
`OUTBOX_LEASE_SECONDS`, a minute by default) is taken by whichever process looks next.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.store.follows import followers_of
from bot.store.models import Delivery, GuildSetting, Notification, utcnow

# A delivery claimed longer ago than this by a worker is taken as abandoned. A minute: sent again, it comes
# well inside the few minutes Discord keeps a message's nonce, and gets the message made back (bot.delivery).
LEASE = dt.timedelta(minutes=1)
FIRST_BACKOFF = 2.0  # seconds before the second attempt; each later wait doubles
MOST_BACKOFF = 600.0  # seconds: the longest wait between two attempts
GIVE_UP_AFTER = 8  # attempts that failed for a passing reason; then the target is marked failing


@dataclass(frozen=True)
class Target:
    """Where a notification goes: a channel (of a guild), or a user's direct messages."""

    key: str
    guild_id: int | None = None
    channel_id: int | None = None
    user_id: int | None = None


async def targets_of(*, session: AsyncSession, notification: Notification) -> list[Target]:
    """Every target of `notification`, as things stand now (each once)."""
    found: dict[str, Target] = {}
    settings = await session.exec(
        select(GuildSetting).where(col(GuildSetting.results_channel_id).is_not(None))
    )
    for setting in settings.all():
        key = f"channel:{setting.results_channel_id}"
        found[key] = Target(key, guild_id=setting.guild_id, channel_id=setting.results_channel_id)
    clubs = [club for club in (notification.home_id, notification.away_id) if club is not None]
    for follow in await followers_of(session=session, team_ids=clubs):
        if follow.channel_id is not None:
            key = f"channel:{follow.channel_id}"
            found.setdefault(key, Target(key, guild_id=follow.guild_id, channel_id=follow.channel_id))
        else:
            key = f"dm:{follow.user_id}"
            found.setdefault(key, Target(key, user_id=follow.user_id))
    return list(found.values())


async def expand_notifications(*, session: AsyncSession, limit: int = 50) -> int:
    """Make the deliveries of notifications not yet expanded (oldest first); how many were expanded.

    Each notification is read again and expanded in a transaction of its own; on PostgreSQL its row is
    locked meanwhile, and one that another process is expanding is skipped (it will be expanded there).
    """
    waiting = await session.exec(
        select(Notification.id)
        .where(col(Notification.expanded).is_(False))
        .order_by(col(Notification.id))
        .limit(limit)
    )
    shared = session.get_bind().dialect.name == "postgresql"
    done = 0
    for waiting_id in list(waiting.all()):
        wanted = select(Notification).where(
            col(Notification.id) == waiting_id, col(Notification.expanded).is_(False)
        )
        if shared:
            wanted = wanted.with_for_update(skip_locked=True)
        notification = (await session.exec(wanted.execution_options(populate_existing=True))).first()
        if notification is None:  # expanded meanwhile, or being expanded, by another process
            await session.rollback()
            continue
        targets = await targets_of(session=session, notification=notification)
        notification_id = notification.id
        have = set(
            (
                await session.exec(select(Delivery.target).where(Delivery.notification_id == notification_id))
            ).all()
        )
        now = utcnow()
        for target in targets:
            if target.key not in have:
                session.add(
                    Delivery(
                        notification_id=notification_id,  # type: ignore[arg-type]
                        target=target.key,
                        guild_id=target.guild_id,
                        channel_id=target.channel_id,
                        user_id=target.user_id,
                        next_attempt_at=now,
                    )
                )
        notification.expanded = True
        session.add(notification)
        try:
            await session.commit()
        except IntegrityError:  # another process expanded it meanwhile: its deliveries stand
            await session.rollback()
            continue
        done += 1
    return done


async def claim_due(
    *,
    session: AsyncSession,
    worker: str,
    limit: int = 20,
    now: dt.datetime | None = None,
    lease: dt.timedelta | None = None,
) -> list[Delivery]:
    """Claim up to `limit` deliveries due now (oldest first), and those abandoned by a worker that died.

    A delivery counts as abandoned once its claim is older than `lease` (default `LEASE`). Each claim is a
    conditional UPDATE, so of two workers exactly one claims a delivery; on PostgreSQL the candidates are
    locked first and rows another claim holds are skipped, not waited for. A claimed delivery counts an
    attempt before anything is sent.
    """
    now = now or utcnow()
    stale = now - (LEASE if lease is None else lease)
    due = or_(
        (col(Delivery.state) == "pending") & (col(Delivery.next_attempt_at) <= now),
        (col(Delivery.state) == "sending") & (col(Delivery.claimed_at) < stale),
    )
    wanted = select(Delivery.id).where(due).order_by(col(Delivery.id)).limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        wanted = wanted.with_for_update(skip_locked=True)
    candidates = (await session.exec(wanted)).all()
    claimed: list[int] = []
    for delivery_id in candidates:
        moved = await session.exec(
            update(Delivery)
            .where(col(Delivery.id) == delivery_id, due)
            .values(state="sending", claimed_by=worker, claimed_at=now, attempts=col(Delivery.attempts) + 1)
        )
        if moved.rowcount == 1:
            claimed.append(delivery_id)  # type: ignore[arg-type]
    await session.commit()
    if not claimed:
        return []
    rows = await session.exec(
        select(Delivery)
        .where(col(Delivery.id).in_(claimed))
        .order_by(col(Delivery.id))
        .execution_options(populate_existing=True)
    )
    return list(rows.all())


async def renew_claim(
    *, session: AsyncSession, delivery: Delivery, worker: str, lease: dt.timedelta | None = None
) -> bool:
    """Just before sending a claimed delivery: whether the claim is still `worker`'s, renewed if it must be.

    A worker claims a batch and sends it one by one (DMs spaced out), so a delivery late in the batch may
    wait longer than the lease (default `LEASE`). One claimed more than half a lease ago is renewed here,
    so no other process takes it meanwhile; if another already took it (this worker was too slow), it is
    left to that one, not sent twice. A younger claim costs nothing: no process can take it yet.
    """
    lease = LEASE if lease is None else lease
    claimed = delivery.claimed_at
    if claimed is not None and utcnow() - _as_utc(claimed) < lease / 2:
        return True
    moved = await session.exec(
        update(Delivery)
        .where(
            col(Delivery.id) == delivery.id,
            col(Delivery.claimed_by) == worker,
            col(Delivery.state) == "sending",
        )
        .values(claimed_at=utcnow())
    )
    await session.commit()
    return bool(moved.rowcount)


def _as_utc(moment: dt.datetime) -> dt.datetime:
    """A stored moment as UTC (SQLite hands it back without its zone)."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


async def record_sent(
    *,
    session: AsyncSession,
    delivery_id: int,
    worker: str,
    message_id: int,
    message_channel_id: int,
    edited: bool = False,
) -> None:
    """Record a delivery made (its message, so a correction can edit it)."""
    await session.exec(
        update(Delivery)
        .where(col(Delivery.id) == delivery_id, col(Delivery.claimed_by) == worker)
        .values(
            state="sent",
            message_id=message_id,
            message_channel_id=message_channel_id,
            edited=edited,
            sent_at=utcnow(),
            last_error="",
        )
    )
    await session.commit()


def backoff(attempts: int) -> float:
    """Seconds before the next attempt after `attempts` failed ones: 2, 4, 8 … up to ten minutes."""
    return min(MOST_BACKOFF, FIRST_BACKOFF * 2.0 ** (max(1, attempts) - 1))


async def record_failure(
    *, session: AsyncSession, delivery: Delivery, worker: str, error: str, lasting: bool
) -> str:
    """Record a failed attempt: `lasting` (or too many) marks the target failing; else retried later.

    Returns the delivery's state now.
    """
    state = "failing" if lasting or delivery.attempts >= GIVE_UP_AFTER else "pending"
    await session.exec(
        update(Delivery)
        .where(col(Delivery.id) == delivery.id, col(Delivery.claimed_by) == worker)
        .values(
            state=state,
            last_error=error[:500],
            next_attempt_at=utcnow() + dt.timedelta(seconds=backoff(delivery.attempts)),
        )
    )
    await session.commit()
    return state


async def release(*, session: AsyncSession, delivery: Delivery, worker: str, after: float = 1.0) -> None:
    """Put a claimed delivery back, to be tried again in `after` seconds (its attempt not counted)."""
    await session.exec(
        update(Delivery)
        .where(col(Delivery.id) == delivery.id, col(Delivery.claimed_by) == worker)
        .values(
            state="pending",
            attempts=col(Delivery.attempts) - 1,
            next_attempt_at=utcnow() + dt.timedelta(seconds=after),
        )
    )
    await session.commit()


async def notification_of(*, session: AsyncSession, delivery: Delivery) -> Notification:
    """The notification a delivery carries."""
    found = await session.get(Notification, delivery.notification_id)
    if found is None:
        raise LookupError(f"delivery {delivery.id} names no notification")
    return found


async def earlier_post(
    *, session: AsyncSession, notification: Notification, target: str
) -> tuple[Delivery | None, bool]:
    """The latest earlier delivery of the same tie to the same target, and whether one is still under way.

    A correction edits that post; while an earlier one is pending or being sent, the correction waits.
    """
    if notification.fixture_id is None:
        return None, False
    rows = await session.exec(
        select(Delivery)
        .join(Notification, col(Notification.id) == col(Delivery.notification_id))
        .where(
            Notification.fixture_id == notification.fixture_id,
            col(Notification.id) < notification.id,
            Delivery.target == target,
        )
        .order_by(col(Delivery.id).desc())
    )
    earlier = list(rows.all())
    waiting = any(d.state in ("pending", "sending") for d in earlier)
    sent = next((d for d in earlier if d.state == "sent" and d.message_id is not None), None)
    return sent, waiting


async def failing_untold(*, session: AsyncSession, user_id: int) -> list[Delivery]:
    """A user's deliveries that fail and of which they were not told yet."""
    rows = await session.exec(
        select(Delivery).where(
            Delivery.user_id == user_id, Delivery.state == "failing", col(Delivery.told_at).is_(None)
        )
    )
    return list(rows.all())


async def mark_told(*, session: AsyncSession, delivery_ids: list[int]) -> None:
    """Note that the follower was told of these failing deliveries."""
    if delivery_ids:
        await session.exec(
            update(Delivery).where(col(Delivery.id).in_(delivery_ids)).values(told_at=utcnow())
        )
        await session.commit()


async def failing_in_guild(*, session: AsyncSession, guild_id: int) -> list[Delivery]:
    """The guild's channel deliveries that fail, newest first (for /mod channel show)."""
    rows = await session.exec(
        select(Delivery)
        .where(Delivery.guild_id == guild_id, Delivery.state == "failing")
        .order_by(col(Delivery.id).desc())
    )
    return list(rows.all())


async def outbox_counts(*, session: AsyncSession) -> tuple[int, Counter[str]]:
    """Notifications not yet expanded, and the deliveries in each state."""
    unexpanded = len(
        (await session.exec(select(Notification.id).where(col(Notification.expanded).is_(False)))).all()
    )
    states = Counter((await session.exec(select(Delivery.state))).all())
    return unexpanded, states


async def deliveries(*, session: AsyncSession, states: tuple[str, ...], limit: int = 50) -> list[Delivery]:
    """Deliveries in `states`, newest first."""
    rows = await session.exec(
        select(Delivery).where(col(Delivery.state).in_(states)).order_by(col(Delivery.id).desc()).limit(limit)
    )
    return list(rows.all())


async def outbox_text(*, session: AsyncSession, limit: int = 20) -> str:
    """The outbox for operators (`python -m bot outbox`): counts, then the failing and pending deliveries."""
    unexpanded, states = await outbox_counts(session=session)
    lines = [
        f"notifications waiting to be expanded: {unexpanded}",
        "deliveries: "
        + ", ".join(f"{s} {states.get(s, 0)}" for s in ("pending", "sending", "sent", "failing")),
    ]
    for state in ("failing", "pending", "sending"):
        for row in await deliveries(session=session, states=(state,), limit=limit):
            error = f" · {row.last_error}" if row.last_error else ""
            lines.append(
                f"{state}: delivery {row.id} of notification {row.notification_id} to {row.target} "
                f"(attempts {row.attempts}){error}"
            )
    return "\n".join(lines)
