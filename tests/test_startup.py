"""Starting the bot: a failure to reach or log in to Discord is one line on stderr, the status 1, and its
traceback in the log at DEBUG.

The real `run_bot` runs in a worker thread (it owns its event loop) against the loopback Discord, which
serves from the test's loop; "no network" is a closed port on loopback.
"""

from __future__ import annotations

import asyncio
import logging
import socket
from pathlib import Path

import aiohttp
import discord
import pytest

import bot.__main__ as cli
from bot.client import INTENT_REFUSED, TOKEN_REFUSED, run_bot, serve
from bot.settings import Settings
from tests.support.loopback_discord import LoopbackDiscord


def settings_in(tmp_path: Path) -> Settings:
    """A token, a store of its own, no seasons (a quick start), and the log at WARNING so that only
    warnings, errors and the one line of the refusal could reach stderr."""
    (tmp_path / "data").mkdir(exist_ok=True)
    return Settings(
        _env_file=None,
        discord_token="abc.def.ghi",
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'store.sqlite3'}",
        data_dir=tmp_path / "data",
        log_level="WARNING",
    )


def closed_port() -> int:
    """A port on loopback that nothing listens on: connecting is refused, as with no network."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def traceback_logged_at_debug(caplog: pytest.LogCaptureFixture, kind: type[BaseException]) -> bool:
    return any(
        record.name == "bot.client"
        and record.levelno == logging.DEBUG
        and record.exc_info is not None
        and isinstance(record.exc_info[1], kind)
        for record in caplog.records
    )


def test_no_network_is_one_line(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """`python -m bot` with a token but no way to reach Discord: one line naming the cause, status 1."""
    monkeypatch.setattr(discord.http.Route, "BASE", f"http://127.0.0.1:{closed_port()}/api/v10")
    monkeypatch.setattr(cli, "get_settings", lambda: settings_in(tmp_path))
    with caplog.at_level(logging.DEBUG, logger="bot.client"):
        status = cli.main([])
    captured = capsys.readouterr()
    assert status == 1
    [line] = captured.err.splitlines()
    assert line.startswith("Cannot reach Discord (no network?): Cannot connect to host 127.0.0.1")
    assert "Traceback" not in captured.err and captured.out == ""
    assert traceback_logged_at_debug(caplog, aiohttp.ClientConnectorError)


async def test_refused_token_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    """Discord answering 401 to the login: the line about DISCORD_TOKEN, status 1."""
    async with LoopbackDiscord(invalid_token=True) as fake:
        with caplog.at_level(logging.DEBUG, logger="bot.client"):
            status = await asyncio.to_thread(run_bot, settings_in(tmp_path))
    assert status == 1
    assert capsys.readouterr().err == TOKEN_REFUSED + "\n"
    assert traceback_logged_at_debug(caplog, discord.LoginFailure)
    assert fake.rejections == ["GET /api/v10/users/@me → 401 0 401: Unauthorized"]


async def test_discord_unavailable_at_login_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    """Discord answering the login with 503 (an outage): 'Discord is unavailable', status 1."""
    async with LoopbackDiscord(outage={"GET /users/@me": 503}) as fake:
        with caplog.at_level(logging.DEBUG, logger="bot.client"):
            status = await asyncio.to_thread(run_bot, settings_in(tmp_path))
    assert status == 1
    [line] = capsys.readouterr().err.splitlines()
    assert line == "Discord is unavailable (HTTP 503): try again later (https://discordstatus.com)."
    assert traceback_logged_at_debug(caplog, discord.DiscordServerError)
    assert [(request.path, request.status) for request in fake.requests] == [("/api/v10/users/@me", 503)]


async def test_no_gateway_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    """Logged in and commands synced, but Discord answers 503 when asked for its gateway: status 1."""
    async with LoopbackDiscord(outage={"GET /gateway/bot": 503}) as fake:
        with caplog.at_level(logging.DEBUG, logger="bot.client"):
            status = await asyncio.to_thread(run_bot, settings_in(tmp_path))
        fake.assert_clean()
    assert status == 1
    [line] = capsys.readouterr().err.splitlines()
    assert line == "Discord is unavailable (HTTP 503): try again later (https://discordstatus.com)."
    assert traceback_logged_at_debug(caplog, discord.GatewayNotFound)
    assert ("/api/v10/gateway/bot", 503) in [(request.path, request.status) for request in fake.requests]
    assert fake.identifies == []


async def test_refused_intent_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A gateway that closes with 4014 (a privileged intent not enabled): one line, status 1."""
    settings = settings_in(tmp_path)

    async def serve_asking_for_members(settings: Settings) -> None:
        await serve(settings, intents=discord.Intents.default() | discord.Intents(members=True))

    monkeypatch.setattr("bot.client.serve", serve_asking_for_members)
    async with LoopbackDiscord(privileged_intents=False):
        status = await asyncio.to_thread(run_bot, settings)
    assert status == 1
    assert capsys.readouterr().err == INTENT_REFUSED + "\n"


def test_other_errors_are_not_disguised(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A bug is not a network problem: it still raises, with its traceback."""

    async def broken(_settings: Settings) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr("bot.client.serve", broken)
    with pytest.raises(RuntimeError, match="a bug"):
        run_bot(settings_in(tmp_path))
