"""The moderators on Discord (issue 13, items 1–4 and 6), end to end through the loopback Discord.

Each test runs the production bot over a writable store (2024 cut after round 2: round 3 to play, round 4
drawn as "winner of N"), on SQLite and on PostgreSQL, in a world of three guilds: two that take results
(each with its moderator role) and one of fans only. Every write is previewed, confirmed by a button that
carries only a pending write's id, and then seen by fans in /path and /round; every refusal is an ephemeral
sentence and a log line, with nothing written.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import pytest
import pytest_asyncio
from sqlalchemy import func
from sqlmodel import col, select

import bot.store.pending as pending_module
from bot.client import OpenCupBot
from bot.console import ask
from bot.render.menus import EXPIRED_MENU
from bot.settings import Settings
from bot.store.engine import Store
from bot.store.models import GuildSetting, PendingWrite, Revision
from cogs.shared import moderators
from tests.support.loopback_discord import (
    APPLICATION_COMMAND,
    MESSAGE_COMPONENT,
    FakeChannel,
    FakeGuild,
    FakeRole,
    FakeUser,
    InteractionResponse,
    LoopbackDiscord,
    SentMessage,
)
from tests.support.running_bot import APPLICATION, embed_text, start_held

SEASON = 2024
FOLSOM_TIE = 85  # round 3: FC Folsom v Valley 559 FC, Oct 22; its winner is the home side of fixture 97
LATER_TIE = 97  # round 4: winner of 85 v winner of 67
MANAGE_GUILD = 1 << 5


@dataclass
class World:
    """The loopback Discord, the bot on it, and who is who."""

    fake: LoopbackDiscord
    store: Store
    home: FakeGuild  # takes results; alice and bob are its moderators
    second: FakeGuild  # takes results too; carol is its moderator
    fans: FakeGuild  # does not take results
    alice: FakeUser
    bob: FakeUser
    carol: FakeUser
    fan: FakeUser
    role: FakeRole
    bot: OpenCupBot | None = None
    _running: Any = field(default=None, repr=False)

    @property
    def settings(self) -> Settings:
        """MOD_GUILD_IDS and MOD_ROLE_IDS of this world."""
        roles = [role.id for guild in (self.home, self.second) for role in guild.roles]
        return Settings(mod_guild_ids=[self.home.id, self.second.id], mod_role_ids=roles)

    async def start(self, settings: Settings | None = None) -> OpenCupBot:
        """A new bot process on the same store and the same Discord (as after a restart)."""
        self.bot = OpenCupBot(settings or self.settings, store=self.store, guild_ready_timeout=0.1)
        self._running = self.fake.run(self.bot)
        await self._running.__aenter__()
        return self.bot

    async def stop(self) -> None:
        """Stop the bot (its store stays open: it belongs to the test)."""
        running, self._running = self._running, None
        if running is not None:
            await running.__aexit__(None, None, None)

    async def mod(
        self, command: str, options: Mapping[str, Any] | None = None, *, user: FakeUser | None = None
    ) -> InteractionResponse:
        """`/mod <command>` with `options` as `user` (alice by default) in the home guild."""
        return await self.fake.slash(f"mod {command}", options, user=user or self.alice, guild=self.home)

    async def fan_asks(self, command: str, options: Mapping[str, Any]) -> str:
        """A fan's question in the fans' guild, as the text of its embed: every page of it, turned with ▶."""
        answered = await self.fake.slash(command, options, user=self.fan, guild=self.fans)
        pages = [embed_text(answered.embeds[0])]
        while (turn := buttons(answered).get("▶")) and not _disabled(answered, turn):
            answered = await self.fake.press(answered, turn, user=self.fan)
            pages.append(embed_text(answered.embeds[0] if answered.embeds else answered.message.embeds[0]))
        return "\n".join(pages)


@pytest_asyncio.fixture
async def world(moderated: Store) -> AsyncIterator[World]:
    """The bot running in a world of two guilds that take results and one that does not."""
    role, other_role = FakeRole(name="results"), FakeRole(name="referees")
    alice, bob, carol, fan = (FakeUser(name=n) for n in ("alice", "bob", "carol", "fan"))
    home = FakeGuild(
        name="Open Cup results",
        channels=[FakeChannel(name="results"), FakeChannel(name="general")],
        roles=[role],
        member_roles={alice.id: [role.id], bob.id: [role.id]},
    )
    second = FakeGuild(name="Second league", roles=[other_role], member_roles={carol.id: [other_role.id]})
    fans = FakeGuild(name="Fans only")
    async with LoopbackDiscord(
        guilds=[home, second, fans], users=[alice, bob, carol, fan], bot_user=APPLICATION
    ) as fake:
        here = World(fake, moderated, home, second, fans, alice, bob, carol, fan, role)
        await here.start()
        try:
            yield here
        finally:
            await here.stop()
        fake.assert_clean()
        await asyncio.sleep(0)  # the expiry timers the bot cancelled on closing end
        assert not [task for task in asyncio.all_tasks() if task.get_name().startswith("opencup-pending-")]
        assert all(record.allowed_mentions == {"parse": []} for record in fake.mention_log)


# ------------------------------------------------------------------ helpers


def buttons(message: SentMessage | InteractionResponse) -> dict[str, str]:
    """A message's buttons: label → custom_id."""
    components = message.components
    return {
        button["label"]: button["custom_id"]
        for row in components
        for button in row.get("components", [])
        if button.get("type") == 2
    }


def _disabled(message: SentMessage | InteractionResponse, custom_id: str) -> bool:
    return any(
        button.get("custom_id") == custom_id and button.get("disabled")
        for row in message.components
        for button in row.get("components", [])
    )


def pending_id(preview: InteractionResponse) -> int:
    """The pending write a preview's Confirm (or Overwrite) button carries."""
    custom_id = buttons(preview).get("Confirm") or buttons(preview)["Overwrite"]
    return int(custom_id.rsplit(":", 1)[1])


async def confirmed(world: World, preview: InteractionResponse, label: str = "Confirm") -> SentMessage:
    """Press the preview's `label` button as its author; the preview message once the bot has edited it."""
    assert preview.message is not None
    edits = len(preview.message.edits)
    pressed = await world.fake.press(preview, buttons(preview)[label])
    await world.fake.wait_until(
        lambda: len(preview.message.edits) > edits,  # type: ignore[union-attr]
        what=f"the preview edited after {label}",
    )
    assert pressed.type in (6, 7)
    return preview.message


async def revisions(store: Store) -> int:
    """How many revisions the store holds."""
    async with store.session() as session:
        return int((await session.exec(select(func.count()).select_from(Revision))).one())


async def fixture_now(store: Store, number: int) -> Any:
    """Fixture `number` of 2024 as the store holds it now."""
    return (await store.model()).seasons[SEASON].by_number[number]


async def pendings(store: Store) -> list[PendingWrite]:
    """Every pending write, oldest first."""
    async with store.session() as session:
        return list((await session.exec(select(PendingWrite).order_by(col(PendingWrite.id)))).all())


def refusals(caplog: pytest.LogCaptureFixture) -> list[str]:
    """The log lines of refused moderators' acts."""
    return [
        record.getMessage()
        for record in caplog.records
        if record.name == moderators.__name__ and "moderators only" in record.getMessage()
    ]


# ------------------------------------------------------------------ each command as a moderator


async def test_mod_is_synced_to_the_servers_that_take_results_alone(world: World) -> None:
    """/mod is a command of the two moderated guilds; fans' commands stay global; the fans' guild has none."""
    synced = world.fake.synced_commands
    for guild in (world.home, world.second):
        [group] = [command for command in synced[guild.id] if command["name"] == "mod"]
        assert int(group["default_member_permissions"]) == MANAGE_GUILD  # a hint for admins only
    assert "mod" not in {command["name"] for command in synced[None]} and "path" in {
        c["name"] for c in synced[None]
    }
    assert world.fans.id not in synced


async def test_a_report_previewed_then_confirmed_changes_what_fans_see(world: World) -> None:
    """Preview, Confirm: the result is in /round and /path, the later tie gets its side, Correct offered."""
    assert "v Valley 559 FC" in await world.fan_asks("round", {"number": 3, "season": SEASON})
    preview = await world.mod("report", {"fixture": FOLSOM_TIE, "score": "2-1", "season": SEASON})
    assert preview.ephemeral and preview.type == 4
    shown = embed_text(preview.embeds[0])
    assert "preview" in shown.lower() and "FC Folsom" in shown and "2-1" in shown
    assert "goes through" in shown and f"fixture {LATER_TIE}" in shown
    assert set(buttons(preview)) == {"Confirm", "Cancel"}
    assert (await fixture_now(world.store, FOLSOM_TIE)).status == "scheduled"  # a preview writes nothing

    message = await confirmed(world, preview)
    assert "applied as revision" in message.embeds[0]["title"]
    assert "FC Folsom (UPSL) 2-1 Valley 559 FC" in embed_text(message.embeds[0])
    assert "This server has no results channel" in embed_text(message.embeds[0])  # where it is announced
    assert set(buttons(message)) == {"Correct"}
    assert "FC Folsom (UPSL) 2-1 Valley 559 FC" in await world.fan_asks(
        "round", {"number": 3, "season": SEASON}
    )
    path = await world.fan_asks("path", {"team": "FC Folsom", "season": SEASON})
    assert "Inter San Francisco" in path or "winner of fixture 67" in path
    assert (await fixture_now(world.store, LATER_TIE)).home_id is not None
    [row] = await pendings(world.store)
    assert row.state == "applied" and row.revision_id is not None and row.actor == "mod:alice"


async def test_a_season_a_tie_a_bye_and_an_undo(world: World) -> None:
    """/mod season new, fixture and bye, each previewed then confirmed; /mod undo takes a result back."""
    started = await world.mod("season new", {"year": 2026})
    assert "a new 2026 season" in embed_text(started.embeds[0])
    await confirmed(world, started)
    drawn = await world.mod(
        "fixture", {"round": 1, "home": "folsom", "away": "Brand New FC", "new_club": True, "season": 2026}
    )
    assert "FC Folsom v Brand New FC" in embed_text(drawn.embeds[0])
    await confirmed(world, drawn)
    assert "FC Folsom v Brand New FC" in await world.fan_asks("round", {"number": 1, "season": 2026})
    bye = await world.mod("bye", {"round": 1, "team": "holac", "season": 2026})
    await confirmed(world, bye)
    assert "Bye in round 1" in await world.fan_asks("path", {"team": "Holac FC", "season": 2026})

    reported = await world.mod("report", {"fixture": FOLSOM_TIE, "score": "0-3", "season": SEASON})
    await confirmed(world, reported)
    assert (await fixture_now(world.store, LATER_TIE)).home_id is not None
    undo = await world.mod("undo")
    shown = embed_text(undo.embeds[0])
    assert "Valley 559 FC" in shown and "0-3" in shown and "Undo — preview" in shown
    message = await confirmed(world, undo)
    assert "applied as revision" in message.embeds[0]["title"]
    assert (await fixture_now(world.store, FOLSOM_TIE)).status == "scheduled"
    assert (await fixture_now(world.store, LATER_TIE)).home_id is None  # the later tie waits again
    assert "0-3" not in await world.fan_asks("path", {"team": "FC Folsom", "season": SEASON})


async def test_history_comes_in_pages_the_asker_turns(world: World) -> None:
    """/mod history: every change, newest first, ten to a page, with the page turner of /round."""
    for number in range(66, 72):
        reply = await ask(
            world.store, f"/report fixture:{number} score:1-0 season:{SEASON}", apply=True, actor="mod:bob"
        )
        assert reply.error is None, reply.error
    listed = await world.mod("history", {"season": SEASON})
    assert listed.ephemeral
    first = embed_text(listed.embeds[0])
    assert "page 1/2" in first and "mod:bob" in first and "fixture 71" in first  # newest first
    turned = await world.fake.press(listed, buttons(listed)["▶"])
    assert "page 2/2" in embed_text(turned.embeds[0]) and "fixture 66" in embed_text(turned.embeds[0])
    world.home.member_roles[world.alice.id] = []  # no longer a moderator: the pages stop turning for her
    refused = await world.fake.press(listed, buttons(listed)["◀"])
    assert refused.ephemeral and "page 2/2" in embed_text(listed.message.embeds[0])


async def test_an_entered_result_is_overwritten_only_by_saying_so(world: World) -> None:
    """A report on a tie with a result previews as an overwrite, naming who entered it; Overwrite applies."""
    reply = await ask(
        world.store,
        f"/report fixture:{FOLSOM_TIE} score:1-1 penalties:4-3 season:{SEASON}",
        apply=True,
        actor="mod:bob",
    )
    assert reply.error is None
    preview = await world.mod("report", {"fixture": FOLSOM_TIE, "score": "3-0", "season": SEASON})
    shown = embed_text(preview.embeds[0])
    assert "Overwrite a result" in shown and "mod:bob" in shown and "1-1" in shown
    assert set(buttons(preview)) == {"Overwrite", "Cancel"}
    await confirmed(world, preview, "Overwrite")
    tie = await fixture_now(world.store, FOLSOM_TIE)
    assert (tie.home_score, tie.away_score, tie.entered_by) == (3, 0, "mod:alice")


async def test_cancel_writes_nothing(world: World) -> None:
    """Cancel closes the preview; a press on it afterwards is told it was cancelled."""
    before = await revisions(world.store)
    preview = await world.mod("report", {"fixture": FOLSOM_TIE, "score": "2-1", "season": SEASON})
    confirm_id = buttons(preview)["Confirm"]
    message = await confirmed(world, preview, "Cancel")
    assert message.embeds[0]["title"] == "Cancelled" and buttons(message) == {}
    late = await forged_press(world, message, confirm_id, user=world.alice, guild=world.home)
    assert late.type == 7 and late.embeds[0]["title"] == "Cancelled"
    assert await revisions(world.store) == before
    assert [row.state for row in await pendings(world.store)] == ["cancelled"]


async def test_the_correct_button_opens_the_tie_filled_in(world: World) -> None:
    """Correct opens a form (≤ 5 fields) holding the tie's values; sending it previews the correction."""
    preview = await world.mod("report", {"fixture": FOLSOM_TIE, "score": "2-1", "season": SEASON})
    message = await confirmed(world, preview)
    opened = await world.fake.press(message, buttons(message)["Correct"])
    assert opened.type == 9 and opened.data["title"] == "Correct #85 · 2024 round 3"
    fields = {field["custom_id"]: field for row in opened.components for field in row["components"]}
    assert (
        len(fields) == 5
        and fields["score"].get("value") == "2-1"
        and fields["how"].get("value") == "regulation"
    )
    corrected = await world.fake.submit_modal(
        opened, {"score": "2-2", "penalties": "5-4", "how": "aet", "note": "the shoot-out was missed"}
    )
    assert corrected.ephemeral and set(buttons(corrected)) == {"Overwrite", "Cancel"}
    assert "mod:alice" in embed_text(corrected.embeds[0])
    await confirmed(world, corrected, "Overwrite")
    tie = await fixture_now(world.store, FOLSOM_TIE)
    assert (tie.home_score, tie.away_score, tie.extra_time, tie.penalties) == (2, 2, True, "5-4")
    assert "won on penalties (5-4)" in await world.fan_asks("round", {"number": 3, "season": SEASON})


async def test_a_correction_sent_while_the_bot_restarts_is_previewed_once_it_is_up(world: World) -> None:
    """The form was opened before a restart and sent during the start (READY, the cogs not loaded yet): it is
    heard once the cogs listen, and previewed, as if it had been sent a moment later."""
    preview = await world.mod("report", {"fixture": FOLSOM_TIE, "score": "2-1", "season": SEASON})
    message = await confirmed(world, preview)
    opened = await world.fake.press(message, buttons(message)["Correct"])
    await world.stop()
    restarted = OpenCupBot(world.settings, store=world.store, guild_ready_timeout=0.1)
    async with start_held(world.fake, restarted) as release:
        sent = asyncio.create_task(world.fake.submit_modal(opened, {"score": "3-0"}))
        await asyncio.sleep(0.3)
        assert not sent.done()
        release.set()
        corrected = await sent
        assert corrected.ephemeral and set(buttons(corrected)) == {"Overwrite", "Cancel"}
        assert "3-0" in embed_text(corrected.embeds[0])


async def test_autocomplete_offers_open_ties_and_a_home_clubs_opponents(world: World) -> None:
    """fixture: lists the season's open ties; with home: given, away: narrows to the clubs it hosts."""
    where = {"user": world.alice, "guild": world.home}
    ties = await world.fake.autocomplete("mod report", "fixture", "", {"season": SEASON}, **where)
    assert len(ties) == 22 and ties[0]["name"].startswith(
        "#66 CD Faialense v Brockton FC United · R3 · Oct 21"
    )
    folsom = await world.fake.autocomplete("mod report", "fixture", "folsom", {"season": SEASON}, **where)
    assert [(t["name"], t["value"]) for t in folsom] == [("#85 FC Folsom v Valley 559 FC · R3 · Oct 22", 85)]
    away = await world.fake.autocomplete(
        "mod report", "away", "", {"home": "FC Folsom", "season": SEASON}, **where
    )
    assert [choice["value"] for choice in away] == ["Valley 559 FC", "UC Davis Club Soccer"]  # open tie first
    clubs = await world.fake.autocomplete("mod report", "home", "folsom", **where)
    fans = await world.fake.autocomplete("path", "team", "folsom", user=world.fan, guild=world.fans)
    assert clubs == fans and clubs


async def test_a_servers_results_channel_is_kept_and_named_in_confirmations(world: World) -> None:
    """/mod channel set records the channel (the current one by default); /mod channel show says it; a
    confirmation says the result is announced there."""
    assert (
        await world.mod("channel show")
    ).content == "No results channel is set for this server yet: set one with /mod channel set."
    results = world.home.channels[0]
    done = await world.mod("channel set", {"channel": results})
    assert done.ephemeral and f"<#{results.id}>" in (done.content or "")
    shown = await world.mod("channel show", user=world.bob)
    assert f"<#{results.id}>" in (shown.content or "") and "mod:alice" in (shown.content or "")
    async with world.store.session() as session:
        setting = await session.get(GuildSetting, world.home.id)
    assert setting is not None and setting.results_channel_id == results.id
    assert world.fake.messages == []  # nothing posted
    refused = await world.mod("channel set", user=world.fan)
    assert "moderator role" in (refused.content or "")
    preview = await world.mod("report", {"fixture": FOLSOM_TIE, "score": "2-1", "season": SEASON})
    applied = await confirmed(world, preview)  # the confirmation says where the result is announced
    assert f"In <#{results.id}>, and to the clubs' followers" in embed_text(applied.embeds[0])


# ------------------------------------------------------------------ refusals


async def forged_slash(
    world: World, command: str, options: Mapping[str, Any], *, user: FakeUser, guild: FakeGuild | None
) -> InteractionResponse:
    """`/mod <command>` of the home guild, sent from `guild` (None: a direct message) by a modified client."""
    fake = world.fake
    data, top, _ = fake._command_data(f"mod {command}", options, world.home)
    channel_id = fake._pick_channel(guild, None, user)
    payload = fake._interaction_payload(
        APPLICATION_COMMAND,
        data,
        user=user,
        guild=guild,
        channel_id=channel_id,
        locale="en-US",
        permissions=None,
        app_permissions=None,
    )
    inter = await fake.push_interaction(
        payload, user=user, guild=guild, channel_id=channel_id, command=top, command_path=f"mod {command}"
    )
    return await fake.response_to(inter)


async def forged_press(
    world: World, message: SentMessage, custom_id: str, *, user: FakeUser, guild: FakeGuild
) -> InteractionResponse:
    """A press on `message` of a button carrying `custom_id`, from `guild`, by a modified client."""
    fake = world.fake
    shown = message.payload()
    rows = shown["components"] or [{"type": 1, "components": [{"type": 2, "style": 1, "label": "Confirm"}]}]
    shown["components"] = rows
    rows[0]["components"][0]["custom_id"] = custom_id  # the message carries the button pressed
    channel_id = fake._pick_channel(guild, None, user)
    payload = fake._interaction_payload(
        MESSAGE_COMPONENT,
        {"custom_id": custom_id, "component_type": 2},
        user=user,
        guild=guild,
        channel_id=channel_id,
        locale="en-US",
        permissions=None,
        app_permissions=None,
        message=shown,
    )
    inter = await fake.push_interaction(
        payload, user=user, guild=guild, channel_id=channel_id, target=message
    )
    return await fake.response_to(inter)


async def test_refusals_write_nothing_and_each_is_logged(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    """No role, another guild, a DM, another's or another guild's or no pending write, a fan's press,
    a role removed before Confirm: each refused in one ephemeral sentence and one log line."""
    caplog.set_level(logging.INFO)
    before = await revisions(world.store)
    asked = {"fixture": FOLSOM_TIE, "score": "2-1", "season": SEASON}
    said = [
        (await world.mod("report", asked, user=world.fan)).content,
        (await forged_slash(world, "report", asked, user=world.alice, guild=world.fans)).content,
        (await forged_slash(world, "report", asked, user=world.alice, guild=None)).content,
    ]
    assert "moderator role" in said[0]
    assert "not one this bot takes results in" in said[1]
    assert "direct messages" in said[2]
    assert await pendings(world.store) == []

    preview = await world.mod("report", asked)
    assert preview.message is not None
    confirm_id = buttons(preview)["Confirm"]
    presses = [
        await world.fake.press(preview, confirm_id, user=world.bob),  # another moderator's preview
        await world.fake.press(preview, confirm_id, user=world.fan),  # a fan
        await forged_press(world, preview.message, confirm_id, user=world.carol, guild=world.second),
        await forged_press(
            world,
            preview.message,
            f"{moderators.MOD_PREFIX}confirm:987654321",
            user=world.alice,
            guild=world.home,
        ),
    ]
    world.home.member_roles[world.alice.id] = []  # the role is taken away before Confirm
    presses.append(await world.fake.press(preview, confirm_id))
    assert all(press.type == 4 and press.ephemeral for press in presses)
    assert [press.content for press in presses] == [
        moderators.NOT_YOURS,
        said[0],
        moderators.OTHER_SERVER,
        moderators.NO_SUCH_PREVIEW,
        said[0],
    ]
    unknown = await world.fake.press(preview, f"{moderators.MOD_PREFIX}confirm:987654321", forged={})
    assert unknown.content == EXPIRED_MENU  # a button the message does not carry: the catch-all answers
    assert await revisions(world.store) == before
    assert (await fixture_now(world.store, FOLSOM_TIE)).status == "scheduled"
    [row] = await pendings(world.store)
    assert row.state == "pending" and row.finished_request is None
    assert len(refusals(caplog)) == 8

    world.home.member_roles[world.alice.id] = [world.role.id]  # given back: the preview still confirms
    message = await confirmed(world, preview)
    assert "applied as revision" in message.embeds[0]["title"]


async def test_without_moderator_roles_manage_server_decides(world: World) -> None:
    """With MOD_ROLE_IDS empty, a member needs the Manage Server permission."""
    await world.stop()
    await world.start(Settings(mod_guild_ids=[world.home.id]))
    asked = {"fixture": FOLSOM_TIE, "score": "2-1", "season": SEASON}
    refused = await world.mod("report", asked)
    assert "Manage Server" in (refused.content or "")
    managers = FakeRole(name="managers", permissions=MANAGE_GUILD)
    world.home.roles.append(managers)
    world.home.member_roles[world.alice.id] = [managers.id]
    preview = await world.mod("report", asked)
    assert set(buttons(preview)) == {"Confirm", "Cancel"}


# ------------------------------------------------------------------ restarts, races, repeats, expiry


async def test_a_restart_between_preview_and_confirm_applies_once(world: World) -> None:
    """The pending write is in the store: a new bot confirms it; a second Confirm applies nothing more."""
    before = await revisions(world.store)
    preview = await world.mod("report", {"fixture": FOLSOM_TIE, "score": "2-1", "season": SEASON})
    await world.stop()
    await world.start()
    message = await confirmed(world, preview)
    assert "applied as revision" in message.embeds[0]["title"]
    after = await revisions(world.store)
    assert after == before + 2  # the result, and the later tie's side it fills
    again = await forged_press(
        world, message, buttons(preview)["Confirm"], user=world.alice, guild=world.home
    )
    assert again.type == 7 and "confirmed already" in embed_text(again.embeds[0])
    assert await revisions(world.store) == after


async def test_two_moderators_confirming_at_once_one_wins_the_other_is_told(world: World) -> None:
    """Alice and Bob confirm different results for one tie at the same moment: one applies; the other
    is told who changed it."""
    mine = await world.mod("report", {"fixture": FOLSOM_TIE, "score": "2-1", "season": SEASON})
    theirs = await world.mod(
        "report", {"fixture": FOLSOM_TIE, "score": "0-1", "season": SEASON}, user=world.bob
    )
    pressed = [
        await world.fake.push_press(mine, buttons(mine)["Confirm"]),
        await world.fake.push_press(theirs, buttons(theirs)["Confirm"]),
    ]
    for inter in pressed:
        await world.fake.response_to(inter)
    messages = [mine.message, theirs.message]
    await world.fake.wait_until(
        lambda: all(m is not None and m.edits for m in messages), what="both answered"
    )
    titles = [m.embeds[0]["title"] for m in messages if m is not None]
    won = [i for i, title in enumerate(titles) if "applied as revision" in title]
    assert len(won) == 1 and titles[1 - won[0]] == "Not applied", titles
    winner = ("mod:alice", "mod:bob")[won[0]]
    lost = messages[1 - won[0]]
    assert lost is not None and "changed since it was previewed" in lost.embeds[0]["description"]
    assert winner in lost.embeds[0]["description"]
    tie = await fixture_now(world.store, FOLSOM_TIE)
    assert tie.entered_by == winner and tie.version == 1
    assert sorted(row.state for row in await pendings(world.store)) == ["applied", "refused"]


async def test_the_same_confirm_delivered_twice_applies_once(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    """A Confirm the gateway delivers twice, even to a restarted bot, is applied and answered once."""
    caplog.set_level(logging.INFO)
    preview = await world.mod("report", {"fixture": FOLSOM_TIE, "score": "2-1", "season": SEASON})
    inter = await world.fake.push_press(preview, buttons(preview)["Confirm"])
    await world.fake.redeliver(inter)
    await world.fake.response_to(inter)
    await world.fake.wait_until(lambda: bool(preview.message and preview.message.edits), what="the edit")
    await delivered_again(caplog, 1)
    await world.stop()
    await world.start()
    await world.fake.redeliver(inter)
    await delivered_again(caplog, 2)
    assert len(inter.responses) == 1
    async with world.store.session() as session:
        made = (await session.exec(select(Revision).where(Revision.request == str(inter.id)))).all()
    assert len(made) == 1
    assert (await fixture_now(world.store, FOLSOM_TIE)).version == 1


async def delivered_again(caplog: pytest.LogCaptureFixture, times: int) -> None:
    """Wait until the bot has logged `times` repeated deliveries (its last act on one: it sends nothing)."""
    for _ in range(500):
        if sum("delivered again" in record.getMessage() for record in caplog.records) >= times:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"the bot did not note {times} repeated deliveries")


async def test_a_preview_expires_after_its_time(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """A pending write's buttons grey out when its time is up; a press on it then writes nothing."""
    monkeypatch.setattr(pending_module, "LIFETIME", dt.timedelta(0))
    before = await revisions(world.store)
    preview = await world.mod("report", {"fixture": FOLSOM_TIE, "score": "2-1", "season": SEASON})
    message = preview.message
    assert message is not None
    await world.fake.wait_until(lambda: bool(message.edits), what="the preview greyed out")
    assert message.embeds[0]["title"] == "Expired"
    assert all(button.get("disabled") for row in message.components for button in row["components"])
    pressed = await world.fake.press(
        message, buttons(preview)["Confirm"], forged={}
    )  # greyed, pressed anyway
    assert pressed.type == 7 and pressed.embeds[0]["title"] == "Expired"
    assert await revisions(world.store) == before
    assert [row.state for row in await pendings(world.store)] == ["expired"]


async def test_a_press_after_the_time_is_up_is_refused_without_a_timer(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a restart no timer greys the preview: the press finds it expired, refuses and greys it."""
    monkeypatch.setattr(pending_module, "LIFETIME", dt.timedelta(0))
    monkeypatch.setattr(moderators, "_grey_when_expired", lambda *_: None)  # as if the bot had restarted
    preview = await world.mod("report", {"fixture": FOLSOM_TIE, "score": "2-1", "season": SEASON})
    message = await confirmed(world, preview)
    assert message.embeds[0]["title"] == "Expired"
    assert all(button.get("disabled") for row in message.components for button in row["components"])
    assert [row.state for row in await pendings(world.store)] == ["expired"]
    assert (await fixture_now(world.store, FOLSOM_TIE)).status == "scheduled"
