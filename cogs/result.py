"""`/result`: a club's results, or two clubs head to head."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.answers.commands import COMMANDS
from bot.answers.result import result
from bot.client import OpenCupBot, respond
from bot.render.embed import rendered_pages
from cogs.shared.options import described, option
from cogs.shared.teams import team as team_option

SPEC = COMMANDS["result"]


class ResultCog(commands.Cog):
    """The /result command."""

    def __init__(self, bot: OpenCupBot) -> None:
        """Keep the bot for its store."""
        self.bot = bot

    @app_commands.command(name=SPEC.name, description=SPEC.description)
    @app_commands.describe(**described(SPEC.name))
    async def result(
        self,
        interaction: discord.Interaction,
        team: app_commands.Transform[str, team_option("result", "team")],
        opponent: app_commands.Transform[str, team_option("result", "opponent")] | None = None,
        season: app_commands.Transform[int, option("result", "season")] | None = None,
    ) -> None:
        """Answer /result."""
        async with self.bot.store.session() as session:
            answer = await result(session, team=team, opponent=opponent, season=season)
        await respond(interaction, embed=rendered_pages(answer)[0])


async def setup(bot: OpenCupBot) -> None:
    """Load the cog."""
    await bot.add_cog(ResultCog(bot))
