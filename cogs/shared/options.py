"""Discord options made from the command table: types, limits and choices come from `bot.answers.commands`.

Discord enforces an option's limits in its client, but a forged interaction can carry anything: every
transformer checks the value again with the table's own `Option.check`, so both faces refuse alike.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import discord
from discord import app_commands
from discord.enums import AppCommandOptionType

from bot.answers.commands import COMMANDS, Option

_TYPES = {
    int: AppCommandOptionType.integer,
    bool: AppCommandOptionType.boolean,
    str: AppCommandOptionType.string,
    dt.date: AppCommandOptionType.string,  # Discord has no date option: typed as text, parsed by the table
}


class TableOption(app_commands.Transformer):
    """One option of the command table as a Discord option."""

    def __init__(self, option: Option) -> None:
        """Describe `option` to Discord."""
        self.option = option

    @property
    def type(self) -> AppCommandOptionType:
        """The Discord type of the option."""
        return _TYPES[self.option.kind]

    @property
    def min_value(self) -> int | None:
        """Lowest number allowed (a text option has no minimum length)."""
        return self.option.min_value

    @property
    def max_value(self) -> int | None:
        """Highest number allowed, or longest text."""
        return self.option.max_length if self.type is AppCommandOptionType.string else self.option.max_value

    @property
    def choices(self) -> list[app_commands.Choice[str | int | float]] | None:
        """The fixed choices, if the option has any."""
        if not self.option.choices:
            return None
        return [app_commands.Choice(name=choice, value=choice) for choice in self.option.choices]

    async def transform(self, interaction: discord.Interaction, value: Any, /) -> Any:
        """The value, checked against the table's limits (raising the same friendly error as the console)."""
        return self.option.check(value)


def table_option(command: str, name: str) -> Option:
    """Option `name` of command `command` in the table (a cog naming a missing one fails to load)."""
    found = COMMANDS[command].option(name)
    if found is None:
        raise KeyError(f"/{command} has no option {name!r} in the command table")
    return found


def option(command: str, name: str) -> TableOption:
    """The Discord form of option `name` of command `command` in the table."""
    return TableOption(table_option(command, name))


def described(command: str) -> dict[str, str]:
    """Each option's description, for `app_commands.describe`."""
    return {o.name: o.description for o in COMMANDS[command].options}
