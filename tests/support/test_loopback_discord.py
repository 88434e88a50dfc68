"""Tests of the loopback Discord, driving a small throwaway bot built on the real discord.py client."""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
from collections.abc import AsyncIterator

import aiohttp
import discord
import discord.gateway
import discord.http
import pytest
from discord import app_commands
from discord.app_commands import Choice
from discord.ext import commands

from tests.support.loopback_discord import (
    FakeChannel,
    FakeGuild,
    FakeRole,
    FakeUser,
    LoopbackDiscord,
    LoopbackTimeout,
    check_choices,
    check_commands,
    check_message,
    snowflake_on_shard,
)

TEAMS = ["folsom", "foothill", "fresno", "sacramento", "san diego", "seattle"]
NO_MENTIONS = {"parse": []}


class PickView(discord.ui.View):
    """A select of seasons and a button."""

    def __init__(self) -> None:
        super().__init__(timeout=None)

    @discord.ui.select(
        custom_id="season",
        placeholder="Season",
        options=[discord.SelectOption(label=str(year), value=str(year)) for year in (2023, 2024, 2025)],
    )
    async def season(self, interaction: discord.Interaction, select: discord.ui.Select) -> None:
        await interaction.response.edit_message(content=f"picked {select.values[0]}", view=self)

    @discord.ui.button(custom_id="done", label="Done", style=discord.ButtonStyle.primary)
    async def done(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await interaction.response.send_message(f"done by {interaction.user.name}", ephemeral=True)


class FeedbackModal(discord.ui.Modal, title="Feedback"):
    """A one-field modal."""

    text = discord.ui.TextInput(label="What do you think?", custom_id="feedback-text", max_length=200)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(f"thanks: {self.text.value}", ephemeral=True)


class DemoBot(commands.AutoShardedBot):
    """The throwaway bot: a few slash commands that exercise every kind of answer."""

    def __init__(self, *, sync_guild: int | None = None) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=discord.Intents.default(),
            guild_ready_timeout=0.1,
            allowed_mentions=discord.AllowedMentions.none(),
            help_command=None,
        )
        self.sync_guild = sync_guild
        self.seen: list[tuple[str, object]] = []

    async def setup_hook(self) -> None:
        team = app_commands.Group(name="team", description="Team lookups")

        @team.command(name="show", description="Show a team's season")
        @app_commands.describe(team="Team name", season="Season year")
        async def show(
            interaction: discord.Interaction, team: str, season: app_commands.Range[int, 1914, 2100]
        ) -> None:
            self.seen.append(("show", (team, season)))
            embed = discord.Embed(title=f"{team.title()} {season}", description="Qualification path")
            embed.add_field(name="Season", value=str(season))
            embed.set_footer(text="loopback")
            await interaction.response.send_message(f"{team}|{season}|{type(season).__name__}", embed=embed)

        @show.autocomplete("team")
        async def show_team(interaction: discord.Interaction, current: str) -> list[Choice[str]]:
            self.seen.append(("autocomplete", (current, interaction.namespace.season)))
            if current == "flood":
                return [Choice(name=f"team {i}", value=f"t{i}") for i in range(30)]
            return [Choice(name=t.title(), value=t) for t in TEAMS if t.startswith(current.lower())][:25]

        self.tree.add_command(team)

        @self.tree.command(name="pick", description="Pick a season from a menu")
        async def pick(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("Pick one", view=PickView())

        @self.tree.command(name="report", description="A slow report, deferred then followed up")
        async def report(interaction: discord.Interaction, private: bool = False) -> None:
            await interaction.response.defer(thinking=True, ephemeral=private)
            await asyncio.sleep(0)
            data = discord.File(io.BytesIO(b"team,points\nfolsom,9\n"), filename="report.csv")
            await interaction.followup.send("report ready", file=data)
            await interaction.followup.send("and one more thing")
            original = await interaction.original_response()
            await original.edit(content="report ready (final)")

        @self.tree.command(name="whois", description="Describe a member, a channel and a role")
        async def whois(
            interaction: discord.Interaction,
            member: discord.Member,
            where: discord.TextChannel,
            role: discord.Role,
        ) -> None:
            self.seen.append(("whois", (member, where, role)))
            await interaction.response.send_message(
                f"{member.name} in #{where.name} as {role.name}", ephemeral=True
            )

        @self.tree.command(name="notify", description="Post in the channel and DM the caller")
        async def notify(interaction: discord.Interaction) -> None:
            receipt = discord.File(io.BytesIO(b"receipt"), filename="receipt.txt", description="proof")
            await interaction.response.send_message("on it", ephemeral=True, file=receipt)
            await interaction.channel.send(f"note for {interaction.user.mention}")
            await interaction.user.send("a private note")

        @self.tree.command(name="feedback", description="Open a feedback form")
        async def feedback(interaction: discord.Interaction) -> None:
            await interaction.response.send_modal(FeedbackModal())

        @self.tree.command(name="misbehave", description="Break a Discord rule on purpose")
        @app_commands.choices(rule=[Choice(name=n, value=n) for n in ("content", "embed", "late", "silent")])
        async def misbehave(interaction: discord.Interaction, rule: str) -> None:
            if rule == "content":
                await interaction.response.send_message("x" * 2001)
            elif rule == "embed":
                await interaction.response.send_message(embed=discord.Embed(title="t" * 257))
            elif rule == "late":
                await asyncio.sleep(0.4)
                await interaction.response.send_message("too late")

        if self.sync_guild is None:
            await self.tree.sync()
        else:
            guild = discord.Object(id=self.sync_guild)
            self.tree.copy_global_to(guild=guild)
            self.tree.clear_commands(guild=None)
            await self.tree.sync(guild=guild)


@contextlib.asynccontextmanager
async def running(
    sync_guild: int | None = None, **fake_options: object
) -> AsyncIterator[tuple[LoopbackDiscord, DemoBot]]:
    """A started fake with a ready DemoBot connected to it."""
    async with LoopbackDiscord(**fake_options) as fake:
        bot = DemoBot(sync_guild=sync_guild)
        async with fake.run(bot):
            yield fake, bot


@pytest.mark.asyncio
async def test_login_sync_and_ready() -> None:
    """The bot logs in, syncs its commands (recorded with ids) and sees its guild after READY."""
    guild = FakeGuild(name="Folsom Cup")
    async with running(guilds=[guild]) as (fake, bot):
        assert bot.user is not None and bot.user.id == fake.bot_user.id
        assert bot.application_id == fake.application_id
        assert [g.id for g in bot.guilds] == [guild.id]
        assert bot.get_guild(guild.id).name == "Folsom Cup"
        assert [c.accepted for c in fake.sync_calls] == [True]
        names = sorted(c["name"] for c in fake.synced_commands[None])
        assert names == ["feedback", "misbehave", "notify", "pick", "report", "team", "whois"]
        assert all(
            c["id"].isdigit() and c["application_id"] == str(fake.application_id)
            for c in fake.synced_commands[None]
        )
        assert fake.command("team show")["options"][0]["autocomplete"] is True
        fetched = await bot.tree.fetch_commands()
        assert sorted(c.name for c in fetched) == names
        assert fake.identifies[0]["shard"] == [0, 1]
        assert fake.identifies[0]["intents"] == discord.Intents.default().value
        fake.assert_clean()


@pytest.mark.asyncio
async def test_guild_sync_and_guild_scoped_invocation() -> None:
    """Guild-synced commands are recorded per guild and invoked with the guild_id in their data."""
    guild = FakeGuild()
    async with running(sync_guild=guild.id, guilds=[guild]) as (fake, _bot):
        assert fake.sync_calls[0].scope == guild.id and None not in fake.synced_commands
        assert all(c["guild_id"] == str(guild.id) for c in fake.synced_commands[guild.id])
        resp = await fake.slash("team show", {"team": "fresno", "season": 2019}, guild=guild)
        assert resp.interaction.payload["data"]["guild_id"] == str(guild.id)
        assert resp.content == "fresno|2019|int"
        with pytest.raises(ValueError, match="never synced"):
            await fake.slash("pick", guild=None)
        fake.assert_clean()


@pytest.mark.asyncio
async def test_slash_command_with_typed_options() -> None:
    """Options are typed from the synced definition; the answer is recorded with its embed and mentions."""
    async with running() as (fake, bot):
        resp = await fake.slash("team show", {"team": "folsom", "season": 2024})
        assert resp.accepted and resp.type == 4
        assert resp.content == "folsom|2024|int"
        assert resp.embeds[0]["title"] == "Folsom 2024"
        assert resp.embeds[0]["fields"][0] == {"name": "Season", "value": "2024", "inline": True}
        assert resp.allowed_mentions == NO_MENTIONS
        assert not resp.ephemeral
        assert 0 <= resp.elapsed < 3
        assert resp.message is not None and resp.message.message_type == 20
        assert bot.seen == [("show", ("folsom", 2024))]
        with pytest.raises(ValueError, match="required option 'season'"):
            await fake.slash("team show", {"team": "folsom"})
        with pytest.raises(ValueError, match="no option 'colour'"):
            await fake.slash("team show", {"team": "folsom", "season": 2024, "colour": "red"})
        with pytest.raises(ValueError, match="never synced"):
            await fake.slash("nothing")
        assert fake.violations == []


@pytest.mark.asyncio
async def test_autocomplete_returns_choices() -> None:
    """Autocomplete sends the focused value as a string with the other options typed, and returns choices."""
    async with running() as (fake, bot):
        choices = await fake.autocomplete("team show", focused="team", value="f", options={"season": 2024})
        assert choices == [
            {"name": "Folsom", "value": "folsom"},
            {"name": "Foothill", "value": "foothill"},
            {"name": "Fresno", "value": "fresno"},
        ]
        assert bot.seen == [("autocomplete", ("f", 2024))]
        assert fake.interactions[-1].payload["data"]["options"][0]["options"][0]["focused"] is True
        with pytest.raises(ValueError, match="does not autocomplete"):
            await fake.autocomplete("team show", focused="season", value="20")
        assert fake.violations == []


@pytest.mark.asyncio
async def test_autocomplete_over_25_choices_is_a_violation() -> None:
    """Offering 30 choices is refused like Discord refuses it and recorded as a violation."""
    async with running() as (fake, _bot):
        choices = await fake.autocomplete("team show", focused="team", value="flood")
        assert len(choices) == 30
        assert not fake.interactions[-1].responses[0].accepted
        violations = fake.take_violations()
        assert [v.kind for v in violations] == ["autocomplete-limits"]
        assert "25 or fewer" in violations[0].message
        assert violations[0].errors == {
            "data": {
                "choices": {
                    "_errors": [{"code": "BASE_TYPE_MAX_LENGTH", "message": "Must be 25 or fewer in length."}]
                }
            }
        }


@pytest.mark.asyncio
async def test_select_and_button_presses() -> None:
    """A view's select updates the message in place (type 7); its button answers ephemerally (type 4)."""
    async with running() as (fake, _bot):
        resp = await fake.slash("pick")
        assert resp.type == 4 and resp.content == "Pick one"
        assert resp.message.custom_ids == ["season", "done"]
        assert resp.components[0]["components"][0]["type"] == 3
        picked = await fake.press(resp, custom_id="season", values=["2024"])
        assert picked.type == 7 and picked.content == "picked 2024"
        assert picked.message is resp.message and resp.message.content == "picked 2024"
        assert picked.allowed_mentions == NO_MENTIONS
        done = await fake.press(resp.message, custom_id="done")
        assert done.type == 4 and done.ephemeral and done.content == f"done by {fake.users[0].name}"
        with pytest.raises(ValueError, match="does not offer"):
            await fake.press(resp, custom_id="season", values=["1999"])
        with pytest.raises(ValueError, match="no component"):
            await fake.press(resp, custom_id="nope")
        assert fake.violations == []


@pytest.mark.asyncio
async def test_crafted_presses_and_autocompletes_go_out_as_crafted() -> None:
    """``press(forged=)`` skips the client's checks and sends the fields given; ``tamper`` edits the data."""
    async with running() as (fake, _bot):
        resp = await fake.slash("pick")
        empty = await fake.push_press(resp, "season", forged={"values": []})
        assert empty.payload["data"] == {"custom_id": "season", "component_type": 3, "values": []}
        odd = await fake.push_press(resp, "season", ["1999"], forged={})
        assert odd.payload["data"]["values"] == ["1999"]
        missing = await fake.push_press(resp, "nope", forged={"custom_id": "other"})
        assert missing.payload["data"] == {"custom_id": "other", "component_type": 2}
        assert missing.payload["message"]["id"] == str(resp.message.id)

        def rename(data: dict[str, object]) -> None:
            data["name"] = "gone"

        renamed = await fake.push_autocomplete("team show", "team", "f", tamper=rename)
        assert renamed.payload["data"]["name"] == "gone" and renamed.type == 4


@pytest.mark.asyncio
async def test_defer_then_followups_with_a_file() -> None:
    """A deferral (type 5) is completed by the first follow-up, which carries a multipart file."""
    async with running() as (fake, _bot):
        resp = await fake.slash("report", {"private": True}, followups=2)
        assert resp.type == 5 and resp.ephemeral and resp.content is None
        await fake.wait_until(lambda: len(resp.edits) == 1, what="the edit of the original")
        first, second = resp.followups
        assert first is resp.message and not first.loading and first.ephemeral
        assert [e["content"] for e in first.edits] == ["report ready", "report ready (final)"]
        assert first.content == "report ready (final)" and first.edited_timestamp is not None
        assert [(f.filename, f.data) for f in first.files] == [("report.csv", b"team,points\nfolsom,9\n")]
        assert first.attachments[0]["filename"] == "report.csv"
        assert second.id != first.id and second.content == "and one more thing"
        assert resp.edits[0]["content"] == "report ready (final)"
        assert [r.method for r in fake.requests if "@original" in r.path] == ["GET", "PATCH"]
        assert all(r.allowed_mentions == NO_MENTIONS for r in fake.mention_log)
        assert fake.violations == []


@pytest.mark.asyncio
async def test_user_channel_and_role_options_resolve() -> None:
    """User, channel and role options arrive with resolved data that discord.py turns into objects."""
    fan = FakeUser(name="fan")
    side = FakeChannel(name="match-day")
    role = FakeRole(name="supporter")
    guild = FakeGuild(channels=[FakeChannel(), side], roles=[role], member_roles={fan.id: [role.id]})
    async with running(guilds=[guild], users=[FakeUser(), fan]) as (fake, bot):
        resp = await fake.slash("whois", {"member": fan, "where": side, "role": role})
        assert resp.content == "fan in #match-day as supporter"
        member, where, got_role = bot.seen[-1][1]
        assert isinstance(member, discord.Member) and member.id == fan.id
        assert where.id == side.id and got_role.id == role.id
        assert fake.violations == []


@pytest.mark.asyncio
async def test_channel_message_and_dm() -> None:
    """Channel messages and DMs are recorded in fake.messages with their allowed_mentions."""
    async with running() as (fake, _bot):
        resp = await fake.slash("notify")
        assert resp.ephemeral
        assert [(f.filename, f.data, f.description) for f in resp.files] == [
            ("receipt.txt", b"receipt", "proof")
        ]
        assert resp.message.attachments[0]["description"] == "proof"
        dm, *_ = await fake.wait_for_message(lambda m: m.content == "a private note")
        channel_note = next(
            m for m in fake.messages if m.source == "channel" and m.content.startswith("note")
        )
        assert channel_note.channel_id == fake.guilds[0].channels[0].id
        assert dm.channel_id == fake.dm_channel_id(fake.users[0])
        assert fake.dms_to(fake.users[0]) == [dm]
        assert channel_note.allowed_mentions == NO_MENTIONS and dm.allowed_mentions == NO_MENTIONS
        assert fake.violations == []


@pytest.mark.asyncio
async def test_a_nonce_enforced_gives_the_message_already_made_back() -> None:
    """As Discord documents enforce_nonce: the same nonce again, within the window, is the same message."""
    async with LoopbackDiscord(nonce_window=0.3) as fake:
        channel = fake.guilds[0].channels[0]
        url = f"{fake.api_base}/channels/{channel.id}/messages"
        async with aiohttp.ClientSession(headers={"Authorization": "Bot t"}) as client:

            async def post(**extra: object) -> int:
                async with client.post(url, json={"content": "result", **extra}) as answer:
                    assert answer.status == 200
                    return int((await answer.json())["id"])

            first = await post(nonce="oc1", enforce_nonce=True)
            assert await post(nonce="oc1", enforce_nonce=True) == first  # given back, none made
            assert await post(nonce="oc1") != first  # a nonce not enforced makes a message each time
            await asyncio.sleep(0.35)
            assert await post(nonce="oc1", enforce_nonce=True) != first  # the window over: a new one
        assert len(fake.messages) == 3 and [m.id for m in fake.nonce_replays] == [first]


@pytest.mark.asyncio
async def test_dm_to_a_user_with_closed_dms_is_refused() -> None:
    """A DM to a user who closed DMs gets 403 code 50007 (a rejection, not a rule breach)."""
    shy = FakeUser(name="shy", dms_open=False)
    async with running(users=[shy]) as (fake, _bot):
        await fake.slash("notify", user=shy)
        await fake.wait_until(lambda: any("50007" in r for r in fake.rejections), what="the refused DM")
        assert fake.dms_to(shy) == [] and fake.violations == []


@pytest.mark.asyncio
async def test_modal_round_trip() -> None:
    """A modal (type 9) can be filled in and submitted; the bot reads the field."""
    async with running() as (fake, _bot):
        opened = await fake.slash("feedback")
        assert opened.type == 9 and opened.data["title"] == "Feedback"
        answer = await fake.submit_modal(opened, {"feedback-text": "great cup"})
        assert answer.content == "thanks: great cup" and answer.ephemeral
        assert fake.violations == []


@pytest.mark.asyncio
async def test_message_limits_are_violations() -> None:
    """Content over 2,000 characters and an embed title over 256 are refused with 50035 and recorded."""
    async with running() as (fake, _bot):
        too_long = await fake.slash("misbehave", {"rule": "content"})
        assert not too_long.accepted and too_long.error["code"] == 50035
        assert "content" in too_long.error["errors"]["data"]
        big_title = await fake.slash("misbehave", {"rule": "embed"})
        assert not big_title.accepted
        assert (
            big_title.error["errors"]["data"]["embeds"]["0"]["title"]["_errors"][0]["code"]
            == "BASE_TYPE_MAX_LENGTH"
        )
        kinds = [v.kind for v in fake.take_violations()]
        assert kinds == ["message-limits", "message-limits"]
        with pytest.raises(ValueError, match="not one of its choices"):
            await fake.slash("misbehave", {"rule": "arson"})


@pytest.mark.asyncio
async def test_late_and_missing_responses_are_violations() -> None:
    """An answer after the deadline gets 10062 and is recorded; no answer at all is recorded too."""
    async with running(response_deadline=0.2) as (fake, _bot):
        late = await fake.slash("misbehave", {"rule": "late"})
        assert not late.accepted and late.error == {"code": 10062, "message": "Unknown interaction"}
        assert late.elapsed > 0.2
        with pytest.raises(LoopbackTimeout):
            await fake.slash("misbehave", {"rule": "silent"}, timeout=0.4)
        kinds = [v.kind for v in fake.take_violations()]
        assert kinds == ["late-response", "no-response"]


@pytest.mark.asyncio
async def test_second_initial_response_is_rejected() -> None:
    """A second callback for one interaction gets HTTP 400 code 40060 and is recorded."""
    async with running() as (fake, _bot):
        resp = await fake.slash("pick")
        inter = resp.interaction
        url = f"{fake.api_base}/interactions/{inter.id}/{inter.token}/callback"
        async with (
            aiohttp.ClientSession() as session,
            session.post(url, json={"type": 4, "data": {"content": "again"}}) as http,
        ):
            assert http.status == 400
            assert http.headers["Content-Type"] == "application/json"
            assert await http.json() == {
                "code": 40060,
                "message": "Interaction has already been acknowledged.",
            }
        assert [v.kind for v in fake.take_violations()] == ["double-response"]
        assert inter.initial is resp and len(inter.responses) == 2


@pytest.mark.asyncio
async def test_invalid_command_sync_is_refused() -> None:
    """A sync breaking the naming and length rules fails in discord.py with 50035 and is recorded."""
    async with running() as (fake, bot):
        bad = [{"type": 1, "name": "Bad Name", "description": "d" * 101}]
        with pytest.raises(discord.HTTPException) as raised:
            await bot.http.bulk_upsert_global_commands(bot.application_id, payload=bad)
        assert raised.value.status == 400 and raised.value.code == 50035
        assert fake.sync_calls[-1].accepted is False
        assert [v.kind for v in fake.take_violations()] == ["command-sync"]
        assert len(fake.synced_commands[None]) == 7


@pytest.mark.asyncio
async def test_wrong_token_fails_login() -> None:
    """A wrong token (or invalid_token mode) gets 401 on GET /users/@me and login raises LoginFailure."""
    async with LoopbackDiscord(token="the-right-token") as fake:
        bot = DemoBot()
        with pytest.raises(discord.LoginFailure):
            async with fake.run(bot, token="a-wrong-token"):
                pass
        assert bot.is_closed()
        assert fake.rejections == ["GET /api/v10/users/@me → 401 0 401: Unauthorized"]
        assert fake.identifies == [] and fake.violations == []
    async with LoopbackDiscord(invalid_token=True) as fake:
        bot = DemoBot()
        with pytest.raises(discord.LoginFailure):
            async with fake.run(bot):
                pass
        assert bot.is_closed() and [r.status for r in fake.requests] == [401]


@pytest.mark.asyncio
async def test_members_intent_gets_member_chunks() -> None:
    """With the members intent, the client's chunk request is answered with the guild's members."""
    users = [FakeUser(name="alpha"), FakeUser(name="beta")]
    async with LoopbackDiscord(users=users) as fake:
        client = discord.Client(intents=discord.Intents(guilds=True, members=True), guild_ready_timeout=0.1)
        async with fake.run(client):
            guild = client.get_guild(fake.guilds[0].id)
            assert guild.chunked
            assert sorted(m.name for m in guild.members) == sorted(["alpha", "beta", fake.bot_user.name])
        fake.assert_clean()


@pytest.mark.asyncio
async def test_privileged_intents_can_be_refused() -> None:
    """With privileged intents off, asking for the members intent closes the gateway with 4014."""
    async with LoopbackDiscord(privileged_intents=False) as fake:
        client = discord.AutoShardedClient(
            intents=discord.Intents(guilds=True, members=True), guild_ready_timeout=0.1
        )
        with pytest.raises(discord.PrivilegedIntentsRequired):
            async with fake.run(client):
                pass
        assert client.is_closed() and fake.identifies == []


@pytest.mark.asyncio
async def test_two_shards_identify_and_route_interactions() -> None:
    """GET /gateway/bot recommends two shards; each identifies as [i, 2] and gets its own guilds."""
    first = FakeGuild(name="Shard zero", id=snowflake_on_shard(0, 2))
    second = FakeGuild(name="Shard one", id=snowflake_on_shard(1, 2))
    async with running(guilds=[first, second], shards=2) as (fake, bot):
        await fake.wait_ready()
        assert bot.shard_count == 2
        assert sorted(i["shard"] for i in fake.identifies) == [[0, 2], [1, 2]]
        assert {g.id: g.shard_id for g in bot.guilds} == {first.id: 0, second.id: 1}
        resp = await fake.slash("team show", {"team": "seattle", "season": 2025}, guild=second)
        assert resp.interaction.shard_id == 1 and resp.content == "seattle|2025|int"
        assert fake.violations == []


@pytest.mark.asyncio
async def test_unsharded_client_adopted_tree_and_dm_invocation() -> None:
    """A plain Client reaches the patched gateway unsharded; an unsynced tree is adopted; DMs work."""
    async with LoopbackDiscord() as fake:
        client = discord.Client(intents=discord.Intents.default(), guild_ready_timeout=0.1)
        tree = app_commands.CommandTree(client)

        @tree.command(name="ping", description="Say pong")
        async def ping(interaction: discord.Interaction) -> None:
            where = "dm" if interaction.guild is None else "guild"
            await interaction.response.send_message(f"pong from {where}")

        async with fake.run(client):
            assert [g.id for g in client.guilds] == [fake.guilds[0].id]
            assert "shard" not in fake.identifies[0]
            assert fake.sync_calls == []
            fake.adopt_tree(tree)
            assert (await fake.slash("ping")).content == "pong from guild"
            in_dm = await fake.slash("ping", guild=None)
            assert in_dm.content == "pong from dm"
            assert in_dm.message.channel_id == fake.dm_channel_id(fake.users[0])
        fake.assert_clean()


@pytest.mark.asyncio
async def test_clean_shutdown_and_restored_patches() -> None:
    """After the bot closes and the fake stops, no task is left and discord.py is unpatched."""
    original_base = discord.http.Route.BASE
    original_gateway = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    async with running() as (fake, bot):
        assert fake.api_base == discord.http.Route.BASE
        await fake.slash("pick")
    assert bot.is_closed()
    assert original_base == discord.http.Route.BASE
    assert original_gateway == discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    current = asyncio.current_task()

    def leftovers() -> list[asyncio.Task[object]]:
        return [t for t in asyncio.all_tasks() if t is not current and not t.done()]

    for _ in range(50):
        if not leftovers():
            break
        await asyncio.sleep(0.01)
    assert leftovers() == []


def test_validators_enforce_discord_limits() -> None:
    """The pure validators catch each documented limit and accept a payload at the limits."""
    at_limits = {
        "content": "c" * 2000,
        "embeds": [
            {
                "title": "t" * 256,
                "description": "d" * 1000,
                "fields": [{"name": "n", "value": "v" * 1024}] * 3,
            }
        ],
        "components": [
            {"type": 1, "components": [{"type": 2, "style": 1, "label": "ok", "custom_id": "i" * 100}]}
        ],
        "allowed_mentions": {"parse": []},
    }
    assert check_message(at_limits) == []

    def codes(data: dict) -> list[str]:
        return [p.code for p in check_message(data)]

    assert codes({"content": "c" * 2001}) == ["BASE_TYPE_MAX_LENGTH"]
    assert codes({"embeds": [{"title": "t"}] * 11}) == ["BASE_TYPE_MAX_LENGTH"]
    assert codes({"embeds": [{"description": "d" * 4097}]}) == ["BASE_TYPE_MAX_LENGTH"]
    assert codes({"embeds": [{"fields": [{"name": "n", "value": "v"}] * 26}]}) == ["BASE_TYPE_MAX_LENGTH"]
    assert codes({"embeds": [{"footer": {"text": "f" * 2049}}]}) == ["BASE_TYPE_BAD_LENGTH"]
    assert codes({"embeds": [{"author": {"name": "a" * 257}}]}) == ["BASE_TYPE_BAD_LENGTH"]
    assert codes({"embeds": [{"description": "d" * 3000}, {"description": "d" * 3001}]}) == [
        "MAX_EMBED_SIZE_EXCEEDED"
    ]
    row = {"type": 1, "components": [{"type": 2, "style": 2, "label": "b", "custom_id": "x"}]}
    assert codes({"components": [row] * 6})[0] == "BASE_TYPE_MAX_LENGTH"
    options = [{"label": str(i), "value": str(i)} for i in range(26)]
    select = {"type": 1, "components": [{"type": 3, "custom_id": "s", "options": options}]}
    assert "BASE_TYPE_MAX_LENGTH" in codes({"components": [select]})
    long_label = {
        "type": 1,
        "components": [{"type": 3, "custom_id": "s", "options": [{"label": "l" * 101, "value": "v"}]}],
    }
    assert codes({"components": [long_label]}) == ["BASE_TYPE_BAD_LENGTH"]
    long_id = {"type": 1, "components": [{"type": 2, "style": 1, "label": "b", "custom_id": "i" * 101}]}
    assert codes({"components": [long_id]}) == ["BASE_TYPE_BAD_LENGTH"]
    assert codes({}) == ["EMPTY_MESSAGE"]
    assert codes({"content": "hi", "allowed_mentions": {"parse": ["users"], "users": ["1"]}}) == [
        "ALLOWED_MENTIONS_PARSE_EXCLUSIVE"
    ]

    assert check_choices({"choices": [{"name": "n", "value": "v"}] * 25}) == []
    assert [p.code for p in check_choices({"choices": [{"name": "", "value": "v" * 101}]})] == [
        "BASE_TYPE_BAD_LENGTH",
        "BASE_TYPE_MAX_LENGTH",
    ]
    assert [p.code for p in check_choices({"choices": [{"name": "n", "value": "7"}]}, option_type=4)] == [
        "NUMBER_TYPE_COERCE"
    ]

    good = {"type": 1, "name": "team", "description": "Team lookups", "options": []}
    assert check_commands([good]) == []
    assert [p.code for p in check_commands([{**good, "name": "Team"}])] == [
        "APPLICATION_COMMAND_INVALID_NAME"
    ]
    assert [p.code for p in check_commands([{**good, "name": "t" * 33}])] == [
        "APPLICATION_COMMAND_INVALID_NAME"
    ]
    assert [p.code for p in check_commands([{**good, "description": ""}])] == ["BASE_TYPE_BAD_LENGTH"]
    option = {"type": 3, "name": "o", "description": "o"}
    too_many = [{**option, "name": f"o{i}"} for i in range(26)]
    assert [p.code for p in check_commands([{**good, "options": too_many}])] == ["BASE_TYPE_MAX_LENGTH"]
    choices = [{"name": str(i), "value": str(i)} for i in range(26)]
    assert [p.code for p in check_commands([{**good, "options": [{**option, "choices": choices}]}])] == [
        "BASE_TYPE_MAX_LENGTH"
    ]
    order = [{**option, "name": "a"}, {**option, "name": "b", "required": True}]
    assert [p.code for p in check_commands([{**good, "options": order}])] == [
        "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID"
    ]
    assert [p.code for p in check_commands([good, good])] == ["APPLICATION_COMMANDS_DUPLICATE_NAME"]


@pytest.mark.asyncio
async def test_a_client_gone_before_the_handshake_is_answered_is_no_fault_of_the_fake(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A bot closed while its gateway connection is made leaves before the fake's answer is written: Discord
    would just drop it, so the fake records no error and logs none."""
    from aiohttp import web

    async def gone(self: web.WebSocketResponse, request: web.BaseRequest) -> None:
        raise aiohttp.ClientConnectionResetError("Cannot write to closing transport")  # as aiohttp says it

    async with LoopbackDiscord(patch=False) as fake:
        monkeypatch.setattr(web.WebSocketResponse, "prepare", gone)
        async with aiohttp.ClientSession() as client:
            with contextlib.suppress(aiohttp.ClientError):
                async with client.ws_connect(fake.gateway_url):
                    pass
        fake.assert_clean()
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]
