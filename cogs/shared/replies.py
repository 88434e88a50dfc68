"""Sending an answer: one embed, or pages with buttons that only the asker can turn."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from pydantic import BaseModel

from bot.client import respond
from bot.render.embed import PageTurner, rendered_pages

if TYPE_CHECKING:
    from bot.client import OpenCupBot

PAGE_TIMEOUT = 120.0  # seconds a page turner stays live after its last press; then its buttons go grey


async def send_answer(
    interaction: discord.Interaction, answer: BaseModel, *, ephemeral: bool = False
) -> None:
    """Reply with `answer` as an embed, paged when it is long."""
    pages = rendered_pages(answer)
    if len(pages) == 1:
        await respond(interaction, embed=pages[0], ephemeral=ephemeral)
        return
    turner = PageTurner(owner_id=interaction.user.id, pages=pages, timeout=PAGE_TIMEOUT)
    sent = await respond(interaction, embed=pages[0], view=turner, ephemeral=ephemeral)
    # Discord returns the message with the answer; ask for it only if it did not (it always does today).
    turner.message = sent or await interaction.original_response()
    bot: OpenCupBot = interaction.client  # type: ignore[assignment]
    bot.open_views.add(turner)
