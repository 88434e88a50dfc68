"""`/follow`, `/unfollow`, `/following`: fans follow clubs; a follower is told when their DMs are closed.

`where:here` follows a club in the channel asked in, for members who may manage that channel (checked here,
when the command runs). A follower whose direct messages the bot could not reach (closed DMs) is told once,
in a short line only they see, after their next command of any kind.
"""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.answers.commands import COMMANDS
from bot.answers.errors import BadOption
from bot.answers.follows import follow, following, unfollow
from bot.client import OpenCupBot, respond
from bot.render import announce  # noqa: F401  (registers the follow answers' text)
from bot.render.text import render_text
from bot.store.models import Delivery, Notification, Team
from bot.store.outbox import failing_untold, mark_told
from cogs.shared.options import described, option
from cogs.shared.teams import team as team_option

log = logging.getLogger(__name__)
HERE_NEEDS = "Following a club in this channel is for members who can manage it (Manage Channels)."


class FollowCog(commands.Cog):
    """The fans' follow commands."""

    def __init__(self, bot: OpenCupBot) -> None:
        """Keep the bot for its store."""
        self.bot = bot

    @app_commands.command(name="follow", description=COMMANDS["follow"].description)
    @app_commands.describe(**described("follow"))
    async def follow(
        self,
        interaction: discord.Interaction,
        team: app_commands.Transform[str, team_option("follow", "team")],
        where: app_commands.Transform[str, option("follow", "where")] | None = None,
    ) -> None:
        """Follow a club in your DMs, or in this channel."""
        place = where or "dm"
        if place == "here":
            permissions = interaction.permissions
            if interaction.guild_id is None or not permissions.manage_channels:
                raise BadOption(HERE_NEEDS)
        async with self.bot.store.session() as session:
            answer = await follow(
                session,
                team=team,
                where=place,
                actor=str(interaction.user.id),
                guild_id=interaction.guild_id,
                channel_id=interaction.channel_id,
            )
        await respond(interaction, content=render_text(answer), ephemeral=True)

    @app_commands.command(name="unfollow", description=COMMANDS["unfollow"].description)
    @app_commands.describe(**described("unfollow"))
    async def unfollow(
        self,
        interaction: discord.Interaction,
        team: app_commands.Transform[str, team_option("unfollow", "team")],
    ) -> None:
        """Stop following a club."""
        async with self.bot.store.session() as session:
            answer = await unfollow(session, team=team, actor=str(interaction.user.id))
        await respond(interaction, content=render_text(answer), ephemeral=True)

    @app_commands.command(name="following", description=COMMANDS["following"].description)
    async def following(self, interaction: discord.Interaction) -> None:
        """The clubs you follow."""
        async with self.bot.store.session() as session:
            answer = await following(session, actor=str(interaction.user.id))
        await respond(interaction, content=render_text(answer)[:2000], ephemeral=True)

    @commands.Cog.listener()
    async def on_app_command_completion(
        self,
        interaction: discord.Interaction,
        command: app_commands.Command[Any, ..., Any] | app_commands.ContextMenu,
    ) -> None:
        """After a follower's command: tell them, once, of news their DMs could not take."""
        deliverer = getattr(self.bot, "deliverer", None)
        user = interaction.user.id
        if deliverer is None or user not in deliverer.untold:
            return
        deliverer.untold.discard(user)
        async with self.bot.store.session() as session:
            failing = await failing_untold(session=session, user_id=user)
            if not failing:
                return
            clubs = await _clubs_of(session, failing)
            await mark_told(session=session, delivery_ids=[d.id for d in failing if d.id is not None])
        named = f" about {', '.join(clubs)}" if clubs else ""
        try:
            await interaction.followup.send(
                f"I could not send you {len(failing)} message(s){named}: your direct messages are closed "
                "to me. Open them (Privacy Settings for this server), or /unfollow.",
                ephemeral=True,
            )
        except discord.HTTPException:
            log.info("could not tell user %s of failing deliveries", user, exc_info=True)


async def _clubs_of(session: AsyncSession, failing: list[Delivery]) -> list[str]:
    """The clubs the failing deliveries were about (for the one-line notice), at most three."""
    names: list[str] = []
    for delivery in failing:
        note = await session.get(Notification, delivery.notification_id)
        for club_id in (note.home_id, note.away_id) if note is not None else ():
            club = await session.get(Team, club_id) if club_id is not None else None
            if club is not None and club.name not in names:
                names.append(club.name)
    return names[:3]


async def setup(bot: OpenCupBot) -> None:
    """Load the cog."""
    await bot.add_cog(FollowCog(bot))
