"""`/mod …`: the moderators' commands on Discord, in the servers of MOD_GUILD_IDS only.

`/mod report`, `/mod fixture`, `/mod bye`, `/mod undo`, `/mod season new` preview a write and apply it on
Confirm; `/mod history` lists the changes; `/mod channel set|show` keep the server's results channel;
`/mod import`, `/mod import-undo` and `/mod export` take and give whole files (`cogs.shared.mod_files`). Their
options come from the command table, the check of who may use them sits on the cog (every command, at the
moment it runs), and the buttons and forms are in `cogs.shared.moderators`.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.answers.commands import COMMANDS, MODERATOR_GROUP, NAME_LENGTH, written
from bot.answers.lookup import find_team_in
from bot.client import OpenCupBot, respond
from bot.moderation import actor_name, open_ties, opponents
from bot.store.follows import set_role_ping  # following clubs: /mod channel ping
from bot.store.guilds import guild_setting, set_results_channel
from bot.store.models import stored_id
from bot.store.outbox import failing_in_guild
from bot.store.pending import aware
from cogs.shared.mod_files import send_export, send_import_preview, send_import_undo_preview
from cogs.shared.moderators import (
    is_correction,
    require_moderator,
    send_preview,
    stop_expiry_timers,
    submit_correction,
)
from cogs.shared.options import TableOption, described, option, table_option
from cogs.shared.replies import Question, send_question
from cogs.shared.teams import ClubName, club_name, team_choices

log = logging.getLogger(__name__)
REPORT, FIXTURE, BYE, UNDO, HISTORY, SEASON = "report", "fixture", "bye", "undo", "history", "season new"
NO_CHANNEL = "No results channel is set for this server yet: set one with /mod channel set."


def _typed_season(interaction: discord.Interaction) -> int | None:
    """The season typed so far into the command being filled in (autocomplete), if it is a year."""
    season = getattr(interaction.namespace, "season", None)
    return season if isinstance(season, int) and not isinstance(season, bool) else None


class OpenTie(TableOption):
    """`fixture:` of /mod report: the season's open ties, offered as '#88 FC Folsom v Valley 559 FC · R3'."""

    async def autocomplete(  # type: ignore[override]
        self, interaction: discord.Interaction, value: int | str, /
    ) -> list[app_commands.Choice[int]]:
        """Up to 25 open ties of the season typed (or the latest), matching the number or clubs typed."""
        bot: OpenCupBot = interaction.client  # type: ignore[assignment]
        model = await bot.store.model()
        ties = open_ties(model, season=_typed_season(interaction), typed=str(value)[:100])
        return [app_commands.Choice(name=tie.label, value=tie.number) for tie in ties]


class Opponent(ClubName):
    """`away:` of /mod report: with `home:` typed, the clubs it hosts that season; otherwise every club."""

    async def autocomplete(  # type: ignore[override]
        self, interaction: discord.Interaction, value: str, /
    ) -> list[app_commands.Choice[str]]:
        """The home club's opponents matching what is typed, or any club when no home club is named."""
        bot: OpenCupBot = interaction.client  # type: ignore[assignment]
        home = getattr(interaction.namespace, "home", None)
        if isinstance(home, str) and home.strip():
            found = opponents(
                await bot.store.model(),
                season=_typed_season(interaction),
                home=home[:200],
                typed=str(value)[:200],
            )
            if found is not None:
                return [app_commands.Choice(name=team.label[:100], value=team.name[:100]) for team in found]
        return await team_choices(interaction, value)


def _given(values: dict[str, Any]) -> dict[str, str]:
    """A command's options as the console writes them, leaving out those not given."""
    return {
        name: written(value)
        for name, value in values.items()
        if name not in ("self", "interaction") and value is not None
    }


class ModCog(commands.Cog):
    """The moderators' commands: every one checked for the member's right to write, when it runs."""

    mod = app_commands.Group(
        name=MODERATOR_GROUP,
        description="Moderators: enter and correct results (preview, then confirm)",
        default_permissions=discord.Permissions(manage_guild=True),  # a hint for server admins, not the check
        guild_only=True,
    )
    season = app_commands.Group(name="season", description="Moderators: seasons", parent=mod)
    channel = app_commands.Group(
        name="channel", description="Moderators: where this server's results are posted", parent=mod
    )

    def __init__(self, bot: OpenCupBot) -> None:
        """Keep the bot for its store and settings."""
        self.bot = bot

    async def cog_unload(self) -> None:
        """The bot is closing (or the cog reloading): its previews' expiry timers stop."""
        stop_expiry_timers(self.bot)

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        """Every /mod command: only a moderator, in a server that takes results (else refused, logged)."""
        require_moderator(interaction)
        return True

    @commands.Cog.listener()
    async def on_interaction(self, interaction: discord.Interaction) -> None:
        """A submitted correction form (it carries its tie; nothing is kept in memory while it is open)."""
        if is_correction(interaction):
            await submit_correction(interaction)

    @mod.command(name=REPORT, description=COMMANDS[REPORT].description)
    @app_commands.describe(**described(REPORT))
    async def report(
        self,
        interaction: discord.Interaction,
        fixture: app_commands.Transform[int, OpenTie(table_option(REPORT, "fixture"))] | None = None,
        home: app_commands.Transform[str, club_name(REPORT, "home")] | None = None,
        away: app_commands.Transform[str, Opponent(table_option(REPORT, "away"))] | None = None,
        score: app_commands.Transform[str, option(REPORT, "score")] | None = None,
        aet: app_commands.Transform[bool, option(REPORT, "aet")] | None = None,
        penalties: app_commands.Transform[str, option(REPORT, "penalties")] | None = None,
        forfeit: app_commands.Transform[bool, option(REPORT, "forfeit")] | None = None,
        winner: app_commands.Transform[str, option(REPORT, "winner")] | None = None,
        status: app_commands.Transform[str, option(REPORT, "status")] | None = None,
        date: app_commands.Transform[dt.date, option(REPORT, "date")] | None = None,
        note: app_commands.Transform[str, option(REPORT, "note")] | None = None,
        source: app_commands.Transform[str, option(REPORT, "source")] | None = None,
        overwrite: app_commands.Transform[bool, option(REPORT, "overwrite")] | None = None,
        version: app_commands.Transform[int, option(REPORT, "version")] | None = None,
        season: app_commands.Transform[int, option(REPORT, "season")] | None = None,
    ) -> None:
        """Preview a result (the tie by `fixture`, or by `home` and `away`), to be confirmed."""
        await send_preview(interaction, REPORT, _given(locals()))

    @mod.command(name=FIXTURE, description=COMMANDS[FIXTURE].description)
    @app_commands.describe(**described(FIXTURE))
    async def fixture(
        self,
        interaction: discord.Interaction,
        round: app_commands.Transform[int, option(FIXTURE, "round")],
        home: app_commands.Transform[str, club_name(FIXTURE, "home")],
        away: app_commands.Transform[str, club_name(FIXTURE, "away")],
        date: app_commands.Transform[dt.date, option(FIXTURE, "date")] | None = None,
        kickoff: app_commands.Transform[str, option(FIXTURE, "kickoff")] | None = None,
        venue: app_commands.Transform[str, option(FIXTURE, "venue")] | None = None,
        new_club: app_commands.Transform[bool, option(FIXTURE, "new_club")] | None = None,
        season: app_commands.Transform[int, option(FIXTURE, "season")] | None = None,
    ) -> None:
        """Preview a tie drawn, to be confirmed."""
        await send_preview(interaction, FIXTURE, _given(locals()))

    @mod.command(name=BYE, description=COMMANDS[BYE].description)
    @app_commands.describe(**described(BYE))
    async def bye(
        self,
        interaction: discord.Interaction,
        round: app_commands.Transform[int, option(BYE, "round")],
        team: app_commands.Transform[str, club_name(BYE, "team")],
        season: app_commands.Transform[int, option(BYE, "season")] | None = None,
    ) -> None:
        """Preview a bye, to be confirmed."""
        await send_preview(interaction, BYE, _given(locals()))

    @mod.command(name=UNDO, description=COMMANDS[UNDO].description)
    @app_commands.describe(**described(UNDO))
    async def undo(
        self,
        interaction: discord.Interaction,
        revision: app_commands.Transform[int, option(UNDO, "revision")] | None = None,
        force: app_commands.Transform[bool, option(UNDO, "force")] | None = None,
    ) -> None:
        """Preview reverting a change (by default your last), to be confirmed."""
        await send_preview(interaction, UNDO, _given(locals()))

    @mod.command(name=HISTORY, description=COMMANDS[HISTORY].description)
    @app_commands.describe(**described(HISTORY))
    async def history(
        self,
        interaction: discord.Interaction,
        fixture: app_commands.Transform[int, option(HISTORY, "fixture")] | None = None,
        team: app_commands.Transform[str, club_name(HISTORY, "team")] | None = None,
        season: app_commands.Transform[int, option(HISTORY, "season")] | None = None,
        by: app_commands.Transform[str, option(HISTORY, "by")] | None = None,
    ) -> None:
        """The changes moderators made, newest first, in pages only the asker sees."""
        question = Question(HISTORY, fixture=fixture, team=team, season=season, by=by)
        await send_question(interaction, question, ephemeral=True)

    @season.command(name="new", description=COMMANDS[SEASON].description)
    @app_commands.describe(**described(SEASON))
    async def season_new(
        self,
        interaction: discord.Interaction,
        year: app_commands.Transform[int, option(SEASON, "year")],
        title: app_commands.Transform[str, option(SEASON, "title")] | None = None,
    ) -> None:
        """Preview a new season, to be confirmed."""
        await send_preview(interaction, SEASON, _given(locals()))

    # /mod import, import-undo and export take and give files: outside the command table (the console has
    # them as `python -m bot import|import-undo|export`), like /mod channel.

    @mod.command(
        name="import", description="Import a CSV or seed-format file: see what it changes, then confirm"
    )
    @app_commands.describe(
        file="a fixtures, teams or byes CSV (data/'s columns) or a season in the seed format; at most 1 MiB",
        season="the season the CSV's lines belong to (a seed-format file names its own)",
        new_clubs="enter the names the records do not hold as new clubs",
        overwrite="replace results already entered that the file gives differently",
    )
    async def import_file(
        self,
        interaction: discord.Interaction,
        file: discord.Attachment,
        season: app_commands.Range[int, 1914, 2100] | None = None,
        new_clubs: bool | None = None,
        overwrite: bool | None = None,
    ) -> None:
        """Check an attached file against the records (nothing is written) and preview the import."""
        await send_import_preview(
            interaction, file, season=season, new_clubs=bool(new_clubs), overwrite=bool(overwrite)
        )

    @mod.command(
        name="import-undo", description="Take back a whole import, by its batch: preview, then confirm"
    )
    @app_commands.describe(
        batch="the import to take back, as its confirmation names it (e.g. import-1a2b3c4d)"
    )
    async def import_undo(
        self, interaction: discord.Interaction, batch: app_commands.Range[str, 1, 60]
    ) -> None:
        """Preview taking back a whole import, to be confirmed."""
        await send_import_undo_preview(interaction, batch)

    @mod.command(name="export", description="A season as data/'s CSV files (or one zip), attached")
    @app_commands.describe(season="the tournament year (default: the latest season)")
    async def export(
        self, interaction: discord.Interaction, season: app_commands.Range[int, 1914, 2100] | None = None
    ) -> None:
        """Attach a season's files, privately."""
        await send_export(interaction, season)

    @channel.command(name="set", description="Post this server's results in a channel (default: this one)")
    @app_commands.describe(channel="the channel for results (default: the one you are in)")
    async def channel_set(
        self, interaction: discord.Interaction, channel: discord.TextChannel | None = None
    ) -> None:
        """Record the server's results channel (nothing is posted yet)."""
        assert interaction.guild_id is not None  # the cog's check refuses direct messages
        chosen = channel.id if channel is not None else interaction.channel_id
        if chosen is None:
            await respond(interaction, content="Name the channel for results.", ephemeral=True)
            return
        async with self.bot.store.session() as session:
            await set_results_channel(
                session=session,
                guild_id=interaction.guild_id,
                channel_id=chosen,
                actor=actor_name(interaction.user.name),
            )
        log.info(
            "guild %s: results channel set to %s by %s", interaction.guild_id, chosen, interaction.user.id
        )
        await respond(
            interaction,
            content=f"This server's results channel is now <#{chosen}>: each result confirmed from now on "
            "is posted there (with /mod channel ping, a role is pinged for a club).",
            ephemeral=True,
        )

    @channel.command(name="show", description="Where this server's results are posted")
    async def channel_show(self, interaction: discord.Interaction) -> None:
        """Say which channel is the server's results channel, and who set it."""
        assert interaction.guild_id is not None
        async with self.bot.store.session() as session:
            setting = await guild_setting(session=session, guild_id=interaction.guild_id)
        if setting is None or setting.results_channel_id is None:
            await respond(interaction, content=NO_CHANNEL, ephemeral=True)
            return
        when = f" {discord.utils.format_dt(aware(setting.set_at), 'R')}" if setting.set_at else ""
        async with self.bot.store.session() as session:  # following clubs: deliveries that fail here
            failing = await failing_in_guild(session=session, guild_id=interaction.guild_id)
        trouble = "".join(
            f"\nFailing: <#{d.channel_id}> ({discord.utils.escape_markdown(d.last_error[:80])})"
            for d in {d.target: d for d in failing}.values()
        )
        await respond(
            interaction,
            content=f"This server's results channel is <#{setting.results_channel_id}>, set by "
            f"{discord.utils.escape_markdown(setting.set_by)}{when}.{trouble}"[:2000],
            ephemeral=True,
        )

    @channel.command(
        name="ping", description="Ping a role in this server's channels when a club's news is posted"
    )
    @app_commands.describe(team="the club", role="the role to ping (the only mention on those posts)")
    async def channel_ping(self, interaction: discord.Interaction, team: str, role: discord.Role) -> None:
        """Record the role pinged for a club's announcements in this server."""
        assert interaction.guild_id is not None
        async with self.bot.store.session() as session:
            club = find_team_in(await self.bot.store.model(), team[:NAME_LENGTH])
            await set_role_ping(
                session=session,
                guild_id=interaction.guild_id,
                team_id=stored_id(club),
                role_id=role.id,
                actor=actor_name(interaction.user.name),
            )
        await respond(
            interaction,
            content=f"News of {discord.utils.escape_markdown(club.name)} posted in this server's channels "
            f"will ping <@&{role.id}> (and nobody else).",
            ephemeral=True,
        )

    @channel_ping.autocomplete("team")
    async def _ping_team(
        self, interaction: discord.Interaction, value: str
    ) -> list[app_commands.Choice[str]]:
        return await team_choices(interaction, value)


async def setup(bot: OpenCupBot) -> None:
    """Load the cog, its commands in the guilds of MOD_GUILD_IDS only (none at all when it is empty)."""
    guilds = [discord.Object(id=guild) for guild in bot.settings.mod_guild_ids]
    if not guilds:  # an empty list would make them global: offer them nowhere instead
        log.info("MOD_GUILD_IDS is empty: the moderators' commands are not offered on Discord")
        return
    await bot.add_cog(ModCog(bot), guilds=guilds)
