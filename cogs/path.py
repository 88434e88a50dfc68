"""`/path`: a club's route to the Open Cup proper."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.answers.commands import COMMANDS
from bot.answers.path import path
from bot.client import OpenCupBot
from bot.render.embed import render_embed
from cogs.shared.teams import SeasonOption, TeamOption

SPEC = COMMANDS["path"]


class PathCog(commands.Cog):
    """The /path command."""

    def __init__(self, bot: OpenCupBot) -> None:
        """Keep the bot for its store."""
        self.bot = bot

    @app_commands.command(name=SPEC.name, description=SPEC.description)
    @app_commands.describe(**{option.name: option.description for option in SPEC.options})
    async def path(
        self, interaction: discord.Interaction, team: TeamOption, season: SeasonOption | None = None
    ) -> None:
        """Answer /path."""
        async with self.bot.store.session() as session:
            answer = await path(session, team=team, season=season)
        await interaction.response.send_message(embed=render_embed(answer))


async def setup(bot: OpenCupBot) -> None:
    """Load the cog."""
    await bot.add_cog(PathCog(bot))
