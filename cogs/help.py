"""`/help`: what the bot can answer, one example per command, or one command in full."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.answers.commands import COMMANDS
from bot.client import OpenCupBot
from cogs.shared.options import described, option
from cogs.shared.replies import Question, send_question

SPEC = COMMANDS["help"]


class HelpCog(commands.Cog):
    """The /help command."""

    def __init__(self, bot: OpenCupBot) -> None:
        """Keep the bot for its store."""
        self.bot = bot

    @app_commands.command(name=SPEC.name, description=SPEC.description)
    @app_commands.describe(**described(SPEC.name))
    async def help(
        self,
        interaction: discord.Interaction,
        command: app_commands.Transform[str, option("help", "command")] | None = None,
    ) -> None:
        """Answer /help (only to the asker)."""
        await send_question(interaction, Question(SPEC.name, command=command), ephemeral=True)


async def setup(bot: OpenCupBot) -> None:
    """Load the cog."""
    await bot.add_cog(HelpCog(bot))
