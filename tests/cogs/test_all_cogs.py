"""Every cog loads; command names are unique; every synced command equals its entry in the command table."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import discord
import pytest
from discord import app_commands

import bot.client as client_module
from bot.answers.commands import COMMANDS, Option
from bot.client import OpenCupBot, extension_names
from bot.settings import Settings
from bot.store.engine import Store

# Discord's option types: https://discord.com/developers/docs/interactions/application-commands
_TYPES = {str: 3, int: 4, bool: 5, dt.date: 3}


MODERATED = 4242  # a guild that takes results: the moderators' /mod commands are synced to it alone
# About the server itself, or files in and out (the console's `import`/`export`): not in the command table.
DISCORD_ONLY = {"mod channel set", "mod channel show", "mod import", "mod import-undo", "mod export"}
DISCORD_ONLY |= {"mod channel ping"}  # a club's role to ping (following clubs, issue 14)


async def loaded_bot(store: Store) -> OpenCupBot:
    """A bot whose cogs were loaded the way `setup_hook` loads them."""
    bot = OpenCupBot(Settings(mod_guild_ids=[MODERATED]), store=store)
    await bot.load_cogs()
    return bot


def table_option(option: Option) -> dict[str, Any]:
    """What Discord should receive for `option`, derived from the table alone."""
    expected: dict[str, Any] = {
        "name": option.name,
        "type": _TYPES[option.kind],
        "required": option.required,
        "description": option.description,
    }
    if option.choices:
        expected["choices"] = [{"name": c, "value": c} for c in option.choices]
    if option.kind is int:
        expected |= {"min_value": option.min_value, "max_value": option.max_value}
    if _TYPES[option.kind] == 3 and option.max_length is not None:
        expected["max_length"] = option.max_length
    return {key: value for key, value in expected.items() if value is not None}


def synced_option(payload: dict[str, Any]) -> dict[str, Any]:
    """The same fields of a synced option (autocomplete and localisations are the cog's own business)."""
    keys = ("name", "type", "required", "description", "choices", "min_value", "max_value", "max_length")
    return {key: payload[key] for key in keys if payload.get(key) is not None}


async def test_every_cog_loads_with_unique_described_commands(store: Store) -> None:
    """No two commands share a name; every command and option has a description fans understand."""
    bot = await loaded_bot(store)
    assert bot.failed_extensions == {}
    commands = bot.tree.get_commands()
    names = [command.name for command in commands]
    assert {"path", "result", "bracket", "help"} <= set(names)
    assert [name for name, times in Counter(names).items() if times > 1] == []
    for group in commands:
        assert 1 <= len(group.description) <= 100 and group.description != "…"
    team = next(p for p in bot.tree.get_command("path").parameters if p.name == "team")  # type: ignore[union-attr]
    assert team.autocomplete and team.required


async def test_synced_commands_equal_the_command_table(store: Store) -> None:
    """Names, types, required, limits, choices and descriptions come from one table, on every face."""
    bot = await loaded_bot(store)
    commands = [*bot.tree.walk_commands(), *bot.tree.walk_commands(guild=discord.Object(id=MODERATED))]
    leaves = {c.qualified_name: c for c in commands if isinstance(c, app_commands.Command)}
    assert set(leaves) - DISCORD_ONLY == {spec.discord_name for spec in COMMANDS.values()}, (
        "every Discord command is in the table, and every table command on Discord"
    )
    for name, spec in COMMANDS.items():
        payload = leaves[spec.discord_name].to_dict(bot.tree)
        assert payload["description"] == spec.description, name
        assert 1 <= len(spec.description) <= 100, name
        synced = [synced_option(option) for option in payload.get("options", [])]
        # Discord lists required options first; the table's order is kept among each.
        expected = [table_option(o) for o in spec.options if o.required]
        expected += [table_option(o) for o in spec.options if not o.required]
        assert synced == expected, name
        for option in spec.options:
            assert 1 <= len(option.description) <= 100, (name, option.name)


async def test_the_moderators_commands_are_only_in_the_guilds_that_take_results(store: Store) -> None:
    """/mod is a command of MOD_GUILD_IDS alone, hinted for Manage Server; with none set it is nowhere."""
    bot = await loaded_bot(store)
    assert "mod" not in [command.name for command in bot.tree.get_commands()]
    [group] = [c for c in bot.tree.get_commands(guild=discord.Object(id=MODERATED)) if c.name == "mod"]
    assert isinstance(group, app_commands.Group) and group.default_permissions is not None
    assert group.default_permissions.manage_guild
    unmoderated = OpenCupBot(Settings(), store=store)
    await unmoderated.load_cogs()
    assert unmoderated.failed_extensions == {}
    assert not [c for c in unmoderated.tree.walk_commands() if c.qualified_name.startswith("mod")]


async def test_a_cog_that_fails_to_load_is_recorded_and_the_rest_load(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(client_module, "extension_names", lambda: ["cogs.path", "cogs.does_not_exist"])
    bot = await loaded_bot(store)
    assert list(bot.failed_extensions) == ["cogs.does_not_exist"]
    assert bot.tree.get_command("path") is not None


def test_extension_names_skip_helpers() -> None:
    """Helper packages and private modules under cogs/ are not loaded as extensions."""
    names = extension_names()
    assert "cogs.path" in names and "cogs.result" in names
    assert not [name for name in names if name.startswith("cogs.shared")]
