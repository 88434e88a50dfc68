"""`/bracket`: a round's ties as a picture."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.answers.round import round_fixtures
from bot.client import OpenCupBot
from bot.render.picture import PictureCache, round_png
from cogs.shared.pictures import data_version, picture
from cogs.shared.teams import SeasonOption


class BracketCog(commands.Cog):
    """The /bracket command."""

    def __init__(self, bot: OpenCupBot) -> None:
        """Keep the bot for its store and picture cache."""
        self.bot = bot

    @app_commands.command(
        name="bracket", description="A picture of a qualifying round's ties, readable on a phone"
    )
    @app_commands.describe(
        round="the round: 1 is the first qualifying round",
        season="the tournament year (default: the latest season)",
    )
    async def bracket(
        self,
        interaction: discord.Interaction,
        round: app_commands.Range[int, 1, 20],
        season: SeasonOption | None = None,
    ) -> None:
        """Answer /bracket: check the round first (a friendly error stays instant), then draw."""
        async with self.bot.store.session() as session:
            answer = await round_fixtures(session, number=round, season=season)
        await interaction.response.defer(thinking=True)
        key = PictureCache.round_key(answer, await data_version(interaction, answer.freshness))
        name = f"round-{answer.season}-{answer.round}.png"
        file = await picture(interaction, key, lambda: round_png(answer), name)
        embed = discord.Embed(title=f"{answer.season} · {answer.round_name}", colour=discord.Colour.blurple())
        embed.set_image(url=f"attachment://{name}")
        embed.set_footer(text=f"{len(answer.matches)} ties · {len(answer.byes)} byes · /round for the text")
        await interaction.followup.send(embed=embed, file=file)


async def setup(bot: OpenCupBot) -> None:
    """Load the cog."""
    await bot.add_cog(BracketCog(bot))
