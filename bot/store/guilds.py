"""What a guild's moderators set for their server: where its results are posted."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.store.models import GuildSetting, utcnow


async def guild_setting(*, session: AsyncSession, guild_id: int) -> GuildSetting | None:
    """The guild's settings, if its moderators set any."""
    return await session.get(GuildSetting, guild_id, populate_existing=True)


async def set_results_channel(
    *, session: AsyncSession, guild_id: int, channel_id: int, actor: str
) -> GuildSetting:
    """Record the channel the guild's results are posted in (one row per guild; committed at once).

    Two moderators setting it at once: the row's key decides, and the later one's channel stands.
    """
    for attempt in (1, 2):
        setting = await session.merge(
            GuildSetting(guild_id=guild_id, results_channel_id=channel_id, set_by=actor, set_at=utcnow())
        )
        try:
            await session.commit()
        except IntegrityError:  # the guild's first row was written meanwhile: this one updates it
            await session.rollback()
            if attempt == 2:
                raise
            continue
        return setting
    raise AssertionError("unreachable")
