"""`/bracket`: a round's ties as pictures, one per page of at most 16 ties, all in one message."""

from __future__ import annotations

from functools import partial

import discord
from discord import app_commands
from discord.ext import commands

from bot.answers.commands import COMMANDS
from bot.answers.models import RoundAnswer
from bot.answers.round import bracket
from bot.client import OpenCupBot, defer
from bot.render.paging import RoundPage, round_pages
from bot.render.picture import PictureCache, round_footer, round_png
from cogs.shared.options import described, option
from cogs.shared.pictures import data_version, pictures

FILES_PER_MESSAGE = 10  # Discord's limit on attachments (and on embeds) in one message


def page_filename(answer: RoundAnswer, page: RoundPage) -> str:
    """'round-2024-4.png' for a round on one page; 'round-2024-1-page2.png' for a page of a longer one."""
    paged = f"-page{page.number}" if page.count > 1 else ""
    return f"round-{answer.season}-{answer.round}{paged}.png"


def page_embed(answer: RoundAnswer, page: RoundPage) -> discord.Embed:
    """The embed that shows one page's picture, with the page's ties and byes in its footer."""
    title = f"{answer.season} · {answer.round_name or f'Round {answer.round}'}"
    if page.count > 1:
        title += f" · page {page.number} of {page.count}"
    embed = discord.Embed(title=title, colour=discord.Colour.blurple())
    embed.set_image(url=f"attachment://{page_filename(answer, page)}")
    text = f"/round number:{answer.round} season:{answer.season} for the text"
    embed.set_footer(text=f"{round_footer(page)} · {text}")
    return embed


class BracketCog(commands.Cog):
    """The /bracket command."""

    def __init__(self, bot: OpenCupBot) -> None:
        """Keep the bot for its store and picture cache."""
        self.bot = bot

    @app_commands.command(name="bracket", description=COMMANDS["bracket"].description)
    @app_commands.describe(**described("bracket"))
    async def bracket(
        self,
        interaction: discord.Interaction,
        round: app_commands.Transform[int, option("bracket", "round")],
        season: app_commands.Transform[int, option("bracket", "season")] | None = None,
    ) -> None:
        """Answer /bracket: check the round first (a friendly error stays instant), then draw."""
        async with self.bot.store.session() as session:
            answer = await bracket(session, round=round, season=season)
        await defer(interaction)
        version = await data_version(interaction, answer.freshness)
        pages = round_pages(answer)
        files = await pictures(
            interaction,
            [
                (
                    PictureCache.round_key(answer, version, page.number),
                    partial(round_png, answer, page.number),
                    page_filename(answer, page),
                )
                for page in pages
            ],
        )
        # Every page at once, each picture in its own embed (so a phone shows it full width, not as a
        # cropped gallery tile); a round of more than ten pages goes on in further messages.
        for at in range(0, len(pages), FILES_PER_MESSAGE):
            chunk = slice(at, at + FILES_PER_MESSAGE)
            embeds = [page_embed(answer, page) for page in pages[chunk]]
            await interaction.followup.send(embeds=embeds, files=files[chunk])


async def setup(bot: OpenCupBot) -> None:
    """Load the cog."""
    await bot.add_cog(BracketCog(bot))
