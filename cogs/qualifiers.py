"""`/qualifiers`: every club through to the tournament proper, and its route."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.answers.commands import COMMANDS
from bot.client import OpenCupBot
from cogs.shared.options import described, option
from cogs.shared.replies import Question, send_question

SPEC = COMMANDS["qualifiers"]


class QualifiersCog(commands.Cog):
    """The /qualifiers command."""

    def __init__(self, bot: OpenCupBot) -> None:
        """Keep the bot for its store."""
        self.bot = bot

    @app_commands.command(name=SPEC.name, description=SPEC.description)
    @app_commands.describe(**described(SPEC.name))
    async def qualifiers(
        self,
        interaction: discord.Interaction,
        season: app_commands.Transform[int, option("qualifiers", "season")] | None = None,
    ) -> None:
        """Answer /qualifiers."""
        await send_question(interaction, Question(SPEC.name, season=season))


async def setup(bot: OpenCupBot) -> None:
    """Load the cog."""
    await bot.add_cog(QualifiersCog(bot))
