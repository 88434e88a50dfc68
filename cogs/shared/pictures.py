"""Sending a picture: drawn in a worker thread, cached per data version, sent as an attachment."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Callable
from typing import TYPE_CHECKING

import discord

from bot.answers.models import Freshness
from bot.render.picture import CacheKey

if TYPE_CHECKING:
    from bot.client import OpenCupBot


async def data_version(interaction: discord.Interaction, fresh: Freshness) -> str:
    """What the picture depends on: the loaded data/ and the newest fact behind the answer."""
    bot: OpenCupBot = interaction.client  # type: ignore[assignment]
    return f"{await bot.store.get_meta('data_version')}:{fresh.entered_at}"


async def picture(
    interaction: discord.Interaction, key: CacheKey, draw: Callable[[], bytes], filename: str
) -> discord.File:
    """The picture under `key`, drawn off the event loop on a miss (Pillow is CPU work)."""
    bot: OpenCupBot = interaction.client  # type: ignore[assignment]
    png = await asyncio.to_thread(bot.pictures.get_or_draw, key, draw)
    return discord.File(io.BytesIO(png), filename=filename)
