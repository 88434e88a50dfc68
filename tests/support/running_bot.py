"""The production bot on a loopback Discord, for end-to-end tests: start it, talk to it, read its embeds."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import delete
from sqlmodel import col

from bot.client import OpenCupBot
from bot.settings import Settings
from bot.store.engine import Store
from bot.store.models import StoreMeta
from tests.support.loopback_discord import FakeGuild, FakeUser, LoopbackDiscord

APPLICATION = FakeUser(name="Open Cup Bot", bot=True)  # one application across restarts


async def forget_synced_commands(store: Store) -> None:
    """Make the next start sync afresh (the store remembers what was synced)."""
    async with store.session() as session:
        connection = await session.connection()
        await connection.execute(delete(StoreMeta).where(col(StoreMeta.key).startswith("command_hash:")))
        await session.commit()


@asynccontextmanager
async def running(
    store: Store,
    *,
    shards: int = 1,
    guild_ids: list[int] | None = None,
    guilds: list[FakeGuild] | None = None,
    fresh_discord: bool = True,
) -> AsyncIterator[tuple[LoopbackDiscord, OpenCupBot]]:
    """The bot, logged in to a new loopback Discord; on the way out, Discord's limits must be unbroken."""
    if fresh_discord:  # a new loopback Discord knows no commands: the bot must sync
        await forget_synced_commands(store)
    guilds = guilds or [FakeGuild(name="Open Cup fans")]
    async with LoopbackDiscord(
        guilds=guilds,
        users=[FakeUser(name="fan"), FakeUser(name="other fan")],
        shards=shards,
        bot_user=APPLICATION,
    ) as fake:
        bot = OpenCupBot(Settings(guild_ids=guild_ids or []), store=store, guild_ready_timeout=0.1)
        async with fake.run(bot):
            yield fake, bot
        fake.assert_clean()


@asynccontextmanager
async def start_held(fake: LoopbackDiscord, bot: OpenCupBot) -> AsyncIterator[asyncio.Event]:
    """Start `bot` with its cogs' loading held back until the event yielded is set: READY on entering.

    As a start is between the gateway's READY and the end of its store side (bot.client). Stops the bot on
    the way out.
    """
    release = asyncio.Event()
    load_cogs = bot.load_cogs

    async def held_back() -> None:
        await release.wait()
        await load_cogs()

    bot.load_cogs = held_back  # type: ignore[method-assign]
    await bot.login("fake-token")
    connected = asyncio.create_task(bot.connect(reconnect=False), name="held-start")
    try:
        await fake.wait_ready()
        yield release
    finally:
        release.set()
        await bot.close()
        await asyncio.wait_for(connected, 10)


def embed_text(embed: dict[str, Any]) -> str:
    """An embed's title, description, footer and fields as one text, to search in."""
    parts = [embed.get("title", ""), embed.get("description", ""), embed.get("footer", {}).get("text", "")]
    parts += [f"{field['name']} {field['value']}" for field in embed.get("fields", [])]
    return "\n".join(parts)


def shown_buttons(asked: Any) -> dict[str, str]:
    """The buttons a message shows now (after its edits), label → custom_id (a response or a message)."""
    message = getattr(asked, "message", None) or asked
    return {
        c["label"]: c["custom_id"] for c in message.iter_components() if "label" in c and "custom_id" in c
    }
