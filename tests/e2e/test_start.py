"""The gateway first, the store beside it: what a start does before READY, and what arrives meanwhile.

`import bot.client` costs discord.py and the settings only; the store side (SQLAlchemy, the answers, the
cogs) is imported in a thread while the bot logs in and connects. Whatever Discord delivers between READY
and the end of the start waits for it and is then answered as usual: nothing is lost, nothing is told that
its menu expired.
"""

from __future__ import annotations

import asyncio
import json
import logging
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
import yarl
from discord.gateway import DiscordWebSocket

from bot.client import STORE_SIDE, OpenCupBot
from bot.render.menus import EXPIRED_MENU
from bot.settings import Settings
from bot.store.engine import Store
from tests.support.loopback_discord import FakeGuild, FakeUser, LoopbackDiscord
from tests.support.running_bot import (
    APPLICATION,
    embed_text,
    forget_synced_commands,
    shown_buttons,
    start_held,
)

ROOT = Path(__file__).resolve().parents[2]


def test_importing_the_client_leaves_the_store_side_to_the_start() -> None:
    """In a process of its own (this one has imported everything): no SQLAlchemy, no store, no cogs."""
    script = (
        "import json, sys; import bot.client; print(json.dumps(sorted(m for m in sys.modules "
        "if m.split('.')[0] in ('sqlalchemy', 'sqlmodel', 'PIL') "
        "or m.startswith(('bot.store', 'bot.answers.commands', 'cogs.')))))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120, check=True
    )
    assert json.loads(done.stdout) == []
    assert "bot.store.engine" in STORE_SIDE and "cogs.shared.pages" in STORE_SIDE


def footer(asked) -> str:  # type: ignore[no-untyped-def]
    return str(asked.message.embeds[0]["footer"]["text"])


async def test_what_arrives_before_the_start_is_done_waits_for_it(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    """READY with the cogs not loaded yet (held here): a command, an autocomplete, a page press and a pick on
    a menu from before the restart are not answered meanwhile; once the start is done each gets its own
    answer (the pick: that its menu expired), and nothing is logged as an error."""
    await forget_synced_commands(store)
    async with LoopbackDiscord(
        guilds=[FakeGuild(name="Open Cup fans")], users=[FakeUser(name="fan")], bot_user=APPLICATION
    ) as fake:
        first = OpenCupBot(Settings(), store=store, guild_ready_timeout=0.1)
        async with fake.run(first):
            asked = await fake.slash("qualifiers", {"season": 2024})
            assert "page 1/" in footer(asked)
            ambiguous = await fake.slash("path", {"team": "miami", "season": 2024})  # a pick menu, live
            [[menu]] = [row["components"] for row in ambiguous.components]

        second = OpenCupBot(Settings(), store=store, guild_ready_timeout=0.1)  # the bot restarted
        async with start_held(fake, second) as release:
            assert not second.is_loaded and second.get_cog("Help") is None
            command = await fake.push_slash("help", {})
            typed = await fake.push_autocomplete("path", "team", "fol")
            turned = await fake.push_press(asked, shown_buttons(asked)["▶"])
            gone = await fake.push_press(ambiguous, menu["custom_id"], ["Miami United FC"])  # its bot is gone
            await asyncio.sleep(0.3)
            assert not (command.responded or typed.responded or turned.responded or gone.responded)

            release.set()
            await second.wait_until_ready()
            assert second.is_loaded
            helped = await fake.response_to(command)
            assert helped.type == 4 and "/path" in embed_text(helped.embeds[0])
            offered = await fake.response_to(typed)
            assert offered.type == 8 and "FC Folsom" in [c["value"] for c in offered.choices]
            paged = await fake.response_to(turned)
            assert paged.type == 7 and "page 2/" in footer(asked)  # the page turned: not "expired"
            expired = await fake.response_to(gone)  # a menu from before the restart: said so, nothing logged
            assert expired.ephemeral and expired.content == EXPIRED_MENU
        assert not [record for record in caplog.records if record.levelno >= logging.ERROR]
        fake.assert_clean()


async def test_a_connection_the_close_cut_off_is_not_logged_as_a_failure(
    store: Store, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """The bot closes (a failed start) just as its shard starts connecting: the connection fails, its HTTP
    session being closed; that is the close, not a fault: nothing is logged as an error, nothing retried.
    (`python -m bot run` on a damaged store must end with its one line, no traceback.)"""
    connecting = DiscordWebSocket.from_client
    failed: list[BaseException] = []
    real_sleep = asyncio.sleep

    async def closed_first(cls: type[DiscordWebSocket], client: OpenCupBot, **options: Any) -> Any:
        await client.close()
        try:
            return await connecting(client, **options)
        except Exception as error:
            failed.append(error)
            raise

    async def no_long_wait(delay: float, result: Any = None) -> Any:  # discord.py's 5 s before retrying
        return await real_sleep(min(delay, 0.05), result)

    async with LoopbackDiscord(bot_user=APPLICATION) as fake:
        bot = OpenCupBot(Settings(), store=store, guild_ready_timeout=0.1)
        monkeypatch.setattr(DiscordWebSocket, "from_client", classmethod(closed_first))
        await bot.login("fake-token")
        monkeypatch.setattr(asyncio, "sleep", no_long_wait)
        await asyncio.wait_for(bot.connect(reconnect=False), 15)
        monkeypatch.setattr(asyncio, "sleep", real_sleep)
        assert bot.is_closed() and len(failed) == 1  # tried once, cut off by the close, not tried again
        fake.assert_clean()
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]


async def test_a_start_that_fails_while_the_gateway_connects_leaves_nothing_running(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bot closes (as a failed start closes it) while its shard's gateway connection is being made:
    that connection is closed as well, so no heartbeat thread outlives the bot; and a closed bot connects
    no shard (discord.py would try again every 5 s, for ever)."""
    before = set(threading.enumerate())
    connecting = DiscordWebSocket.from_client

    async def closed_meanwhile(cls: type[DiscordWebSocket], client: OpenCupBot, **options: Any) -> Any:
        ws = await connecting(client, **options)  # connected: HELLO heard, its heartbeat thread running
        await client.close()
        return ws

    async with LoopbackDiscord(bot_user=APPLICATION) as fake:
        bot = OpenCupBot(Settings(), store=store, guild_ready_timeout=0.1)
        monkeypatch.setattr(DiscordWebSocket, "from_client", classmethod(closed_meanwhile))
        await bot.login("fake-token")
        await asyncio.wait_for(bot.connect(reconnect=False), 15)
        assert bot.is_closed() and all(shard.is_closed() for shard in bot.shards.values())
        await asyncio.wait_for(bot.launch_shard(yarl.URL(fake.gateway_url), 0), 2)
        assert all(shard.is_closed() for shard in bot.shards.values())
    beating = [t for t in threading.enumerate() if t not in before and t.name.startswith("keep-alive")]
    for thread in beating:
        thread.join(2)
    assert not [thread for thread in beating if thread.is_alive()]
