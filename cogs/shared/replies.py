"""Sending an answer: one embed, or its first page with ◀ ▶ buttons that only the asker can turn."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from pydantic import BaseModel

from bot.client import respond
from bot.render.embed import rendered_pages
from cogs.shared.pages import Question, page_buttons

if TYPE_CHECKING:
    from bot.client import OpenCupBot

__all__ = ["Question", "send_answer", "send_question"]


async def send_question(
    interaction: discord.Interaction, question: Question, *, ephemeral: bool = False
) -> None:
    """Answer `question` through the command table and reply with it (the path a page button asks again)."""
    bot: OpenCupBot = interaction.client  # type: ignore[assignment]
    await send_answer(interaction, await question.answer(bot), question=question, ephemeral=ephemeral)


async def send_answer(
    interaction: discord.Interaction, answer: BaseModel, *, question: Question, ephemeral: bool = False
) -> None:
    """Reply with `answer` as an embed, paged when it is long.

    `question` is what was asked (the command-table key and the options the answer was made with): the page
    buttons carry it and ask it again at each press (cogs/shared/pages.py), so nothing is kept per message.
    """
    pages = rendered_pages(answer)
    if len(pages) == 1:
        await respond(interaction, embed=pages[0], ephemeral=ephemeral)
        return
    buttons = page_buttons(question, owner=interaction.user.id, page=0, count=len(pages))
    await respond(interaction, embed=pages[0], view=buttons, ephemeral=ephemeral)
