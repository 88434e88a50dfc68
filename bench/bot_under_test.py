"""The bot side of `bench/bench_discord.py`: one bot in a process of its own, logged in to a loopback Discord.

    python -m bench.bot_under_test production --port PORT --database-url URL --data-dir DIR
    python -m bench.bot_under_test noop --port PORT

`production` runs the real bot the way `python -m bot run` does (`bot.client.run_bot`: its logging, its
store from DATABASE_URL and DATA_DIR, its cogs, its command sync); `noop` runs a minimal discord.py bot with
one slash command, /ok, that answers "ok" at once: the floor the production bot is measured against.

Only where discord.py finds Discord is changed: its REST base and its default gateway point at the loopback
Discord on 127.0.0.1:PORT (as `LoopbackDiscord.patch_discord` does inside a test process). The process
prints one line, `ready`, on standard output when the client's on_ready fires, and runs until SIGINT.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import sys
from pathlib import Path
from typing import Any

import discord
import discord.gateway
import discord.http
import yarl
from discord import app_commands

API_PREFIX = "/api/v10"
TOKEN = "bench-token"  # the loopback Discord accepts any token


def point_at(port: int) -> None:
    """Send discord.py's REST calls and gateway connections to the loopback Discord on `port`."""
    discord.http.Route.BASE = f"http://127.0.0.1:{port}{API_PREFIX}"
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(f"ws://127.0.0.1:{port}/gateway")


def announce_ready() -> None:
    """Tell the benchmark that the client is ready (one line on standard output)."""
    print("ready", flush=True)


def run_production(database_url: str, data_dir: Path) -> int:
    """The production bot, started as `python -m bot run` starts it; announces on_ready."""
    from bot.client import OpenCupBot, run_bot
    from bot.settings import Settings

    dispatch = OpenCupBot.dispatch

    def dispatch_and_announce(self: OpenCupBot, event_name: str, /, *args: Any, **kwargs: Any) -> None:
        if event_name == "ready":
            announce_ready()
        dispatch(self, event_name, *args, **kwargs)

    # Watching the events as they pass leaves whatever the bot does on ready (or any other event) alone.
    OpenCupBot.dispatch = dispatch_and_announce  # type: ignore[method-assign, assignment]
    settings = Settings(
        discord_token=TOKEN,
        database_url=database_url,
        data_dir=data_dir,
        guild_ids=[],
        mod_guild_ids=[],
        mod_role_ids=[],
        log_level="INFO",
    )
    return run_bot(settings)


class NoopBot(discord.Client):
    """A minimal discord.py bot: one slash command, /ok, answered with "ok" at once."""

    def __init__(self) -> None:
        """The client and its command tree."""
        super().__init__(intents=discord.Intents.default())
        self.tree = app_commands.CommandTree(self)

        @self.tree.command(name="ok", description="Answers ok at once")
        async def ok(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("ok")

    async def setup_hook(self) -> None:
        """Sync the one command."""
        await self.tree.sync()

    async def on_ready(self) -> None:
        """Tell the benchmark."""
        announce_ready()


def run_noop() -> int:
    """The no-op bot, with discord.py's default logging at INFO (as the production bot logs)."""
    discord.utils.setup_logging(level=logging.INFO)

    async def serve() -> None:
        async with NoopBot() as client:
            await client.start(TOKEN)

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve())
    return 0


def main(argv: list[str] | None = None) -> int:
    """Start the bot named on the command line."""
    parser = argparse.ArgumentParser(
        prog="python -m bench.bot_under_test", description=__doc__.splitlines()[0]
    )
    parser.add_argument("bot", choices=["production", "noop"])
    parser.add_argument("--port", type=int, required=True, help="the loopback Discord's port on 127.0.0.1")
    parser.add_argument("--database-url", default="", help="the production bot's store")
    parser.add_argument("--data-dir", type=Path, default=None, help="the production bot's data/")
    options = parser.parse_args(argv)
    point_at(options.port)
    discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False
    if options.bot == "noop":
        return run_noop()
    if not options.database_url or options.data_dir is None:
        parser.error("the production bot needs --database-url and --data-dir")
    return run_production(options.database_url, options.data_dir)


if __name__ == "__main__":
    sys.exit(main())
