"""`/path`: a club's route to the Open Cup proper."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.answers.commands import COMMANDS
from bot.answers.path import path
from bot.client import OpenCupBot, defer, respond
from bot.render.embed import render_embed, rendered_pages
from bot.render.picture import PictureCache, path_png
from cogs.shared.options import described, option
from cogs.shared.pictures import data_version
from cogs.shared.pictures import picture as draw_cached
from cogs.shared.teams import team as team_option

SPEC = COMMANDS["path"]


class PathCog(commands.Cog):
    """The /path command."""

    def __init__(self, bot: OpenCupBot) -> None:
        """Keep the bot for its store."""
        self.bot = bot

    @app_commands.command(name=SPEC.name, description=SPEC.description)
    @app_commands.describe(**described(SPEC.name))
    async def path(
        self,
        interaction: discord.Interaction,
        team: app_commands.Transform[str, team_option("path", "team")],
        season: app_commands.Transform[int, option("path", "season")] | None = None,
        picture: app_commands.Transform[bool, option("path", "picture")] = False,
    ) -> None:
        """Answer /path (with a picture of the route when asked: deferred, drawn off the event loop)."""
        async with self.bot.store.session() as session:
            answer = await path(session, team=team, season=season)
        if not picture:
            await respond(interaction, embed=rendered_pages(answer)[0])
            return
        embed = render_embed(answer)  # its own: the picture is set on it
        await defer(interaction)
        key = PictureCache.path_key(answer, await data_version(interaction, answer.freshness))
        name = f"path-{answer.season}.png"
        embed.set_image(url=f"attachment://{name}")
        await interaction.followup.send(
            embed=embed, file=await draw_cached(interaction, key, lambda: path_png(answer), name)
        )


async def setup(bot: OpenCupBot) -> None:
    """Load the cog."""
    await bot.add_cog(PathCog(bot))
