"""`/stats`: where a season's clubs come from, by league and state."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.answers.commands import COMMANDS
from bot.answers.stats import stats
from bot.client import OpenCupBot
from cogs.shared.options import described, option
from cogs.shared.replies import send_answer

SPEC = COMMANDS["stats"]


class StatsCog(commands.Cog):
    """The /stats command."""

    def __init__(self, bot: OpenCupBot) -> None:
        """Keep the bot for its store."""
        self.bot = bot

    @app_commands.command(name=SPEC.name, description=SPEC.description)
    @app_commands.describe(**described(SPEC.name))
    async def stats(
        self,
        interaction: discord.Interaction,
        season: app_commands.Transform[int, option("stats", "season")] | None = None,
    ) -> None:
        """Answer /stats."""
        async with self.bot.store.session() as session:
            answer = await stats(session, season=season)
        await send_answer(interaction, answer)


async def setup(bot: OpenCupBot) -> None:
    """Load the cog."""
    await bot.add_cog(StatsCog(bot))
