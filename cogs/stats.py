"""`/stats`: where a season's clubs come from, by league and state."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.answers.commands import COMMANDS
from bot.client import OpenCupBot
from cogs.shared.options import described, option
from cogs.shared.replies import Question, send_question

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
        await send_question(interaction, Question(SPEC.name, season=season))


async def setup(bot: OpenCupBot) -> None:
    """Load the cog."""
    await bot.add_cog(StatsCog(bot))
