"""`/round`: every tie of a qualifying round."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.answers.commands import COMMANDS
from bot.client import OpenCupBot
from cogs.shared.options import described, option
from cogs.shared.replies import Question, send_question

SPEC = COMMANDS["round"]


class RoundCog(commands.Cog):
    """The /round command."""

    def __init__(self, bot: OpenCupBot) -> None:
        """Keep the bot for its store."""
        self.bot = bot

    @app_commands.command(name=SPEC.name, description=SPEC.description)
    @app_commands.describe(**described(SPEC.name))
    async def round(
        self,
        interaction: discord.Interaction,
        number: app_commands.Transform[int, option("round", "number")],
        season: app_commands.Transform[int, option("round", "season")] | None = None,
    ) -> None:
        """Answer /round."""
        await send_question(interaction, Question(SPEC.name, number=number, season=season))


async def setup(bot: OpenCupBot) -> None:
    """Load the cog."""
    await bot.add_cog(RoundCog(bot))
