"""Sending pictures: drawn in a worker thread, cached per store version, sent as attachments."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import discord

from bot.answers.models import Freshness
from bot.render.picture import CacheKey

if TYPE_CHECKING:
    from bot.client import OpenCupBot

Drawing = tuple[CacheKey, Callable[[], bytes], str]  # cache key, how to draw it, the attachment's file name


async def data_version(interaction: discord.Interaction, fresh: Freshness) -> str:
    """What the picture depends on: the store version (bumped by every write) and the newest fact behind it.

    The name is older than the store version; every write, a moderator's or a reload of data/, changes it.
    """
    bot: OpenCupBot = interaction.client  # type: ignore[assignment]
    return f"{await bot.store.version()}:{fresh.entered_at}"


async def pictures(interaction: discord.Interaction, drawings: Sequence[Drawing]) -> list[discord.File]:
    """The pictures under their keys, in order; any missing drawn off the event loop (Pillow is CPU work)."""
    bot: OpenCupBot = interaction.client  # type: ignore[assignment]

    def draw_all() -> list[bytes]:
        return [bot.pictures.get_or_draw(key, draw) for key, draw, _ in drawings]

    pngs = await asyncio.to_thread(draw_all)
    return [
        discord.File(io.BytesIO(png), filename=name) for png, (_, _, name) in zip(pngs, drawings, strict=True)
    ]


async def picture(
    interaction: discord.Interaction, key: CacheKey, draw: Callable[[], bytes], filename: str
) -> discord.File:
    """The picture under `key`, drawn off the event loop on a miss."""
    [file] = await pictures(interaction, [(key, draw, filename)])
    return file
