"""The team option: text typed by a user becomes one club (or a typed error), with autocomplete."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.answers.lookup import resolve

if TYPE_CHECKING:
    from bot.client import OpenCupBot


def team_choices(interaction: discord.Interaction, value: str) -> list[app_commands.Choice[str]]:
    """Up to 25 clubs for what is being typed, best first, labelled with league and latest season."""
    bot: OpenCupBot = interaction.client  # type: ignore[assignment]
    return [
        app_commands.Choice(name=team.label[:100], value=team.name[:100])
        for team in bot.team_index.suggest(str(value)[:200], limit=25)
    ]


class TeamTransformer(app_commands.Transformer):
    """Turns what was typed into a club's canonical name; autocompletes from the in-memory index."""

    async def transform(self, interaction: discord.Interaction, value: str, /) -> str:
        """The club named (autocomplete is only a suggestion: validate again here)."""
        bot: OpenCupBot = interaction.client  # type: ignore[assignment]
        return resolve(bot.team_index, str(value)[:200])

    async def autocomplete(  # type: ignore[override]
        self, interaction: discord.Interaction, value: str, /
    ) -> list[app_commands.Choice[str]]:
        """Up to 25 clubs, best first, labelled with league and latest season."""
        return team_choices(interaction, value)


TeamOption = app_commands.Transform[str, TeamTransformer]
SeasonOption = app_commands.Range[int, 1914, 2100]
