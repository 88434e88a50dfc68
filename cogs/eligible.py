"""`/eligible team|club|league`: the season's entry rules checked, each verdict explained."""

from __future__ import annotations

from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.answers.commands import COMMANDS
from bot.answers.eligible import eligible_club, eligible_league, eligible_team
from bot.client import OpenCupBot
from cogs.shared.replies import send_answer
from cogs.shared.teams import SeasonOption, team_choices

TEAM, CLUB, LEAGUE = COMMANDS["eligible team"], COMMANDS["eligible club"], COMMANDS["eligible league"]


def _described(spec):  # type: ignore[no-untyped-def]
    return app_commands.describe(**{option.name: option.description[:100] for option in spec.options})


class EligibleCog(commands.Cog):
    """The /eligible commands."""

    eligible = app_commands.Group(
        name="eligible", description="Check the season's entry rules for the Open Cup"
    )

    def __init__(self, bot: OpenCupBot) -> None:
        """Keep the bot for its store."""
        self.bot = bot

    @eligible.command(name="team", description=TEAM.description)
    @_described(TEAM)
    async def team(
        self, interaction: discord.Interaction, name: str, season: SeasonOption | None = None
    ) -> None:
        """Answer /eligible team."""
        async with self.bot.store.session() as session:
            answer = await eligible_team(session, name=name[:200], season=season)
        await send_answer(interaction, answer)

    @team.autocomplete("name")
    async def _name_choices(
        self, interaction: discord.Interaction, value: str
    ) -> list[app_commands.Choice[str]]:
        return team_choices(interaction, value)

    @eligible.command(name="club", description=CLUB.description)
    @_described(CLUB)
    async def club(
        self,
        interaction: discord.Interaction,
        division: Literal["open", "pro"],
        league_teams: app_commands.Range[int, 0, 10_000] | None = None,
        matches_per_team: app_commands.Range[int, 0, 1_000] | None = None,
        owned_by_higher_pro: bool | None = None,
        applied_on: str | None = None,
        season: SeasonOption | None = None,
    ) -> None:
        """Answer /eligible club (the date is parsed by the command's own option, so errors read the same)."""
        day = CLUB.option("applied_on").parse(applied_on.strip()) if applied_on else None  # type: ignore[union-attr]
        async with self.bot.store.session() as session:
            answer = await eligible_club(
                session,
                division=division,
                league_teams=league_teams,
                matches_per_team=matches_per_team,
                owned_by_higher_pro=owned_by_higher_pro,
                applied_on=day,
                season=season,
            )
        await send_answer(interaction, answer, ephemeral=True)

    @eligible.command(name="league", description=LEAGUE.description)
    @_described(LEAGUE)
    async def league(
        self,
        interaction: discord.Interaction,
        teams: app_commands.Range[int, 0, 100_000] | None = None,
        eastern: app_commands.Range[int, 0, 100_000] | None = None,
        central: app_commands.Range[int, 0, 100_000] | None = None,
        mountain: app_commands.Range[int, 0, 100_000] | None = None,
        pacific: app_commands.Range[int, 0, 100_000] | None = None,
        states_eastern: app_commands.Range[int, 0, 51] | None = None,
        states_central: app_commands.Range[int, 0, 51] | None = None,
        states_mountain: app_commands.Range[int, 0, 51] | None = None,
        states_pacific: app_commands.Range[int, 0, 51] | None = None,
        states: app_commands.Range[int, 0, 51] | None = None,
        championship: bool | None = None,
        standings_format: bool | None = None,
        fees_paid: bool | None = None,
        months_operating: app_commands.Range[int, 0, 1_200] | None = None,
        season: SeasonOption | None = None,
    ) -> None:
        """Answer /eligible league."""
        facts = {
            key: value for key, value in locals().items() if key not in ("self", "interaction", "season")
        }
        async with self.bot.store.session() as session:
            answer = await eligible_league(session, season=season, **facts)
        await send_answer(interaction, answer, ephemeral=True)


async def setup(bot: OpenCupBot) -> None:
    """Load the cog."""
    await bot.add_cog(EligibleCog(bot))
