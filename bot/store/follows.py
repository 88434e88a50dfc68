"""Who follows which club, and which role a guild pings for a club: keyword-only data functions.

A follow is a user's (in their direct messages, `channel_id` None) or a channel's (`channel_id` set, made
by a member who may manage it). Each function commits its own change.
"""

from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.store.models import Follow, RolePing, utcnow


async def add_follow(
    *, session: AsyncSession, user_id: int, team_id: int, guild_id: int | None, channel_id: int | None
) -> bool:
    """Follow `team_id` (in DMs, or in `channel_id`); False if that follow was there already."""
    found = await session.exec(
        select(Follow).where(
            Follow.user_id == user_id,
            Follow.team_id == team_id,
            Follow.channel_id == channel_id if channel_id is not None else col(Follow.channel_id).is_(None),
        )
    )
    if found.first() is not None:
        return False
    session.add(
        Follow(
            user_id=user_id, guild_id=guild_id, channel_id=channel_id, team_id=team_id, created_at=utcnow()
        )
    )
    try:
        await session.commit()
    except IntegrityError:  # the same follow, made a moment ago (a double click)
        await session.rollback()
        return False
    return True


async def remove_follows(*, session: AsyncSession, user_id: int, team_id: int) -> int:
    """Stop every follow of `team_id` that `user_id` made (DMs and channels); how many there were."""
    done = await session.exec(
        delete(Follow).where(col(Follow.user_id) == user_id, col(Follow.team_id) == team_id)
    )
    await session.commit()
    return int(done.rowcount or 0)


async def follows_of(*, session: AsyncSession, user_id: int) -> list[Follow]:
    """The follows `user_id` made, oldest first."""
    rows = await session.exec(select(Follow).where(Follow.user_id == user_id).order_by(col(Follow.id)))
    return list(rows.all())


async def followers_of(*, session: AsyncSession, team_ids: list[int]) -> list[Follow]:
    """Every follow of any of `team_ids`, oldest first."""
    if not team_ids:
        return []
    rows = await session.exec(
        select(Follow).where(col(Follow.team_id).in_(team_ids)).order_by(col(Follow.id))
    )
    return list(rows.all())


async def set_role_ping(
    *, session: AsyncSession, guild_id: int, team_id: int, role_id: int, actor: str
) -> None:
    """Ping `role_id` in the guild's channels when news of `team_id` is posted (replacing any role set)."""
    found = (
        await session.exec(select(RolePing).where(RolePing.guild_id == guild_id, RolePing.team_id == team_id))
    ).first()
    if found is None:
        found = RolePing(guild_id=guild_id, team_id=team_id, role_id=role_id)
    found.role_id, found.set_by, found.set_at = role_id, actor, utcnow()
    session.add(found)
    try:
        await session.commit()
    except IntegrityError:  # set by another moderator a moment ago: this one replaces it
        await session.rollback()
        await set_role_ping(session=session, guild_id=guild_id, team_id=team_id, role_id=role_id, actor=actor)


async def role_pings(*, session: AsyncSession, guild_ids: list[int]) -> dict[tuple[int, int], int]:
    """(guild, club) → the role pinged there for that club."""
    if not guild_ids:
        return {}
    rows = await session.exec(select(RolePing).where(col(RolePing.guild_id).in_(guild_ids)))
    return {(row.guild_id, row.team_id): row.role_id for row in rows.all()}
