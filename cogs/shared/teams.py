"""Team options: text typed by a user becomes one club (or a typed error), with autocomplete."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands

from bot.answers.lookup import resolve
from cogs.shared.options import TableOption, table_option

if TYPE_CHECKING:
    from bot.client import OpenCupBot


async def team_choices(interaction: discord.Interaction, value: str) -> list[app_commands.Choice[str]]:
    """Up to 25 clubs for what is being typed, best first, labelled with league and latest season."""
    bot: OpenCupBot = interaction.client  # type: ignore[assignment]
    await bot.model_read()  # just after a start, the clubs are still being read
    return [
        app_commands.Choice(name=team.label[:100], value=team.name[:100])
        for team in bot.team_index.suggest(str(value)[:200], limit=25)
    ]


class ClubName(TableOption):
    """A club's name as typed, checked against the table's limits, autocompleted from the team index."""

    async def autocomplete(  # type: ignore[override]
        self, interaction: discord.Interaction, value: str, /
    ) -> list[app_commands.Choice[str]]:
        """Up to 25 clubs, best first, labelled with league and latest season."""
        return await team_choices(interaction, value)


class TeamTransformer(ClubName):
    """Turns what was typed into a club's canonical name (autocomplete is only a hint: resolve again)."""

    async def transform(self, interaction: discord.Interaction, value: Any, /) -> str:
        """The one club named, or a typed error (no such club, or several)."""
        bot: OpenCupBot = interaction.client  # type: ignore[assignment]
        typed = self.option.check(value)
        return resolve((await bot.store.model()).index, typed)  # the store's index: a new club's too


def club_name(command: str, name: str) -> ClubName:
    """Option `name` of `command`: a club's name as typed (the answer decides what it means)."""
    return ClubName(table_option(command, name))


def team(command: str, name: str) -> TeamTransformer:
    """Option `name` of `command`: exactly one club, resolved by the team index."""
    return TeamTransformer(table_option(command, name))
