"""`/eligible team|club|league`: the season's entry rules checked, each verdict explained."""

from __future__ import annotations

import datetime as dt

import discord
from discord import app_commands
from discord.ext import commands

from bot.answers.commands import COMMANDS
from bot.client import OpenCupBot
from cogs.shared.options import described, option
from cogs.shared.replies import Question, send_question
from cogs.shared.teams import club_name

TEAM, CLUB, LEAGUE = "eligible team", "eligible club", "eligible league"
Count = app_commands.Transform[int, option(LEAGUE, "teams")]  # every zone's team count has the same limits
States = app_commands.Transform[int, option(LEAGUE, "states")]  # likewise every count of states
Yes = app_commands.Transform[bool, option(LEAGUE, "championship")]


class EligibleCog(commands.Cog):
    """The /eligible commands."""

    eligible = app_commands.Group(
        name="eligible", description="Check the season's entry rules for the Open Cup"
    )

    def __init__(self, bot: OpenCupBot) -> None:
        """Keep the bot for its store."""
        self.bot = bot

    @eligible.command(name="team", description=COMMANDS[TEAM].description)
    @app_commands.describe(**described(TEAM))
    async def team(
        self,
        interaction: discord.Interaction,
        name: app_commands.Transform[str, club_name(TEAM, "name")],
        season: app_commands.Transform[int, option(TEAM, "season")] | None = None,
    ) -> None:
        """Answer /eligible team."""
        await send_question(interaction, Question(TEAM, name=name, season=season))

    @eligible.command(name="club", description=COMMANDS[CLUB].description)
    @app_commands.describe(**described(CLUB))
    async def club(
        self,
        interaction: discord.Interaction,
        division: app_commands.Transform[str, option(CLUB, "division")],
        league_teams: app_commands.Transform[int, option(CLUB, "league_teams")] | None = None,
        matches_per_team: app_commands.Transform[int, option(CLUB, "matches_per_team")] | None = None,
        owned_by_higher_pro: app_commands.Transform[bool, option(CLUB, "owned_by_higher_pro")] | None = None,
        applied_on: app_commands.Transform[dt.date, option(CLUB, "applied_on")] | None = None,
        season: app_commands.Transform[int, option(CLUB, "season")] | None = None,
    ) -> None:
        """Answer /eligible club (the date is parsed by the table's own option, so errors read the same)."""
        asked = Question(
            CLUB,
            division=division,
            league_teams=league_teams,
            matches_per_team=matches_per_team,
            owned_by_higher_pro=owned_by_higher_pro,
            applied_on=applied_on,
            season=season,
        )
        await send_question(interaction, asked, ephemeral=True)

    @eligible.command(name="league", description=COMMANDS[LEAGUE].description)
    @app_commands.describe(**described(LEAGUE))
    async def league(
        self,
        interaction: discord.Interaction,
        teams: Count | None = None,
        eastern: Count | None = None,
        central: Count | None = None,
        mountain: Count | None = None,
        pacific: Count | None = None,
        states_eastern: States | None = None,
        states_central: States | None = None,
        states_mountain: States | None = None,
        states_pacific: States | None = None,
        states: States | None = None,
        championship: Yes | None = None,
        standings_format: Yes | None = None,
        fees_paid: Yes | None = None,
        months_operating: app_commands.Transform[int, option(LEAGUE, "months_operating")] | None = None,
        season: app_commands.Transform[int, option(LEAGUE, "season")] | None = None,
    ) -> None:
        """Answer /eligible league."""
        facts = {
            key: value for key, value in locals().items() if key not in ("self", "interaction", "season")
        }
        await send_question(interaction, Question(LEAGUE, season=season, **facts), ephemeral=True)


async def setup(bot: OpenCupBot) -> None:
    """Load the cog."""
    await bot.add_cog(EligibleCog(bot))
