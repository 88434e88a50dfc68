"""Every cog loads; command names are unique; every command and option explains itself."""

from __future__ import annotations

from collections import Counter

from discord import app_commands

from bot.client import OpenCupBot, extension_names
from bot.settings import Settings
from bot.store.engine import Store


async def loaded_bot(store: Store) -> OpenCupBot:
    bot = OpenCupBot(Settings(), store=store)
    for name in extension_names():
        await bot.load_extension(name)
    return bot


async def test_every_cog_loads_with_unique_described_commands(store: Store) -> None:
    """No two commands share a name; every command and option has a description fans understand."""
    bot = await loaded_bot(store)
    assert bot.failed_extensions == {}
    commands = bot.tree.get_commands()
    names = [command.name for command in commands]
    assert {"path", "result"} <= set(names)
    assert [name for name, times in Counter(names).items() if times > 1] == []
    for group in commands:
        assert 1 <= len(group.description) <= 100 and group.description != "…"
    leaves = [c for c in bot.tree.walk_commands() if isinstance(c, app_commands.Command)]
    assert {"eligible team", "eligible club", "eligible league"} <= {c.qualified_name for c in leaves}
    for command in leaves:
        assert 1 <= len(command.description) <= 100 and command.description != "…"
        for parameter in command.parameters:
            assert 1 <= len(parameter.description) <= 100 and parameter.description != "…", parameter.name
    team = next(p for p in bot.tree.get_command("path").parameters if p.name == "team")
    assert team.autocomplete and team.required


def test_extension_names_skip_helpers() -> None:
    """Helper packages and private modules under cogs/ are not loaded as extensions."""
    names = extension_names()
    assert "cogs.path" in names and "cogs.result" in names
    assert not [name for name in names if name.startswith("cogs.shared")]
