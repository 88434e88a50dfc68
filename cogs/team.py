"""`/team`: a club's card, or the clubs a name may mean."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.answers.commands import COMMANDS
from bot.answers.team import team
from bot.client import OpenCupBot, respond
from bot.render.embed import rendered_pages
from cogs.shared.options import described, option
from cogs.shared.teams import club_name

SPEC = COMMANDS["team"]


class TeamCog(commands.Cog):
    """The /team command."""

    def __init__(self, bot: OpenCupBot) -> None:
        """Keep the bot for its store."""
        self.bot = bot

    @app_commands.command(name=SPEC.name, description=SPEC.description)
    @app_commands.describe(**described(SPEC.name))
    async def team(
        self,
        interaction: discord.Interaction,
        name: app_commands.Transform[str, club_name("team", "name")],
        season: app_commands.Transform[int, option("team", "season")] | None = None,
    ) -> None:
        """Answer /team (ambiguity is part of the answer here, not an error)."""
        async with self.bot.store.session() as session:
            answer = await team(session, name=name, season=season)
        await respond(interaction, embed=rendered_pages(answer)[0], ephemeral=answer.card is None)


async def setup(bot: OpenCupBot) -> None:
    """Load the cog."""
    await bot.add_cog(TeamCog(bot))
