"""Following clubs (issue 14), end to end through the loopback Discord, on SQLite and PostgreSQL.

A moderator confirms a result with /mod report; the result is posted once to the guild's results channel
(pinging only the role set for the club), once to a channel following the club, and once to each
follower's DMs; an undo edits the posts; a follower whose DMs are closed (50007) is marked failing and told
on their next command, and moderators see a failing channel in /mod channel show.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import AsyncIterator, Callable

import aiohttp
import pytest
import pytest_asyncio
from sqlmodel import col, select

import bot.delivery as delivery_module
import bot.store.outbox as outbox_module
from bot.store.engine import Store
from bot.store.follows import add_follow
from bot.store.models import Delivery, Team, stored_id
from tests.e2e.test_moderators import FOLSOM_TIE, SEASON, World, confirmed
from tests.support.loopback_discord import (
    FakeChannel,
    FakeGuild,
    FakeRole,
    FakeUser,
    LoopbackDiscord,
    SentMessage,
)
from tests.support.running_bot import APPLICATION, embed_text

log = logging.getLogger(__name__)
MANAGE_CHANNELS = 1 << 4


@pytest_asyncio.fixture
async def world(moderated: Store, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[World]:
    """The moderators' world (tests/e2e/test_moderators.py), with fans who follow clubs."""
    monkeypatch.setattr(delivery_module, "POLL_SECONDS", 0.02)  # the task looks often (no waiting in tests)
    monkeypatch.setattr(delivery_module, "DM_INTERVAL", 0.0)
    role, ping = FakeRole(name="results"), FakeRole(name="folsom fans")
    alice, bob, carol, fan = (FakeUser(name=n) for n in ("alice", "bob", "carol", "fan"))
    closed = FakeUser(name="closed", dms_open=False)
    home = FakeGuild(
        name="Open Cup results",
        channels=[FakeChannel(name="results"), FakeChannel(name="general")],
        roles=[role, ping],
        member_roles={alice.id: [role.id], bob.id: [role.id]},
    )
    second = FakeGuild(name="Second league", roles=[FakeRole(name="refs")])
    fans = FakeGuild(name="Fans only")
    async with LoopbackDiscord(
        guilds=[home, second, fans], users=[alice, bob, carol, fan, closed], bot_user=APPLICATION
    ) as fake:
        here = World(fake, moderated, home, second, fans, alice, bob, carol, fan, role)
        await here.start()
        try:
            yield here
        finally:
            await here.stop()
        fake.assert_clean()
        pinged = [record for record in fake.mention_log if record.allowed_mentions != {"parse": []}]
        assert all(r.allowed_mentions == {"parse": [], "roles": [ping.id]} for r in pinged), pinged


def channel(world: World, name: str) -> FakeChannel:
    return next(c for c in world.home.channels if c.name == name)


def posts(world: World, where: FakeChannel) -> list[SentMessage]:
    return [m for m in world.fake.messages if m.channel_id == where.id]


async def deliveries(store: Store) -> list[Delivery]:
    async with store.session() as session:
        return list((await session.exec(select(Delivery).order_by(col(Delivery.id)))).all())


async def recorded(store: Store, done: Callable[[list[Delivery]], bool]) -> list[Delivery]:
    """The deliveries once `done` holds of them (the task records each just after Discord answers)."""
    for _ in range(1000):
        rows = await deliveries(store)
        if done(rows):
            return rows
        await asyncio.sleep(0.005)
    raise AssertionError(f"the deliveries never settled: {[(d.target, d.state) for d in rows]}")


async def report(world: World, score: str) -> None:
    preview = await world.mod("report", {"fixture": FOLSOM_TIE, "score": score, "season": SEASON})
    await confirmed(world, preview)


async def test_a_result_reaches_the_channels_and_each_follower_once(world: World) -> None:
    results, general = channel(world, "results"), channel(world, "general")
    closed = next(u for u in world.fake.users if u.name == "closed")
    ping = world.home.roles[1]
    await world.mod("channel set", {"channel": results.id})
    set_ping = await world.mod("channel ping", {"team": "FC Folsom", "role": ping.id})
    assert set_ping.ephemeral and "FC Folsom" in (set_ping.content or "")
    follows = [
        (closed, {"team": "folsom"}, None),  # first: its DM is tried before the others
        (world.fan, {"team": "folsom"}, None),
        (world.carol, {"team": "Valley 559 FC", "where": "dm"}, None),
        (world.bob, {"team": "folsom", "where": "here"}, MANAGE_CHANNELS),
    ]
    for user, options, permissions in follows:
        answered = await world.fake.slash(
            "follow", options, user=user, guild=world.home, channel=general.id, permissions=permissions
        )
        assert answered.ephemeral and "You now follow" in (answered.content or ""), answered.content
    refused = await world.fake.slash(
        "follow", {"team": "folsom", "where": "here"}, user=world.fan, guild=world.home, channel=general.id
    )
    assert "Manage Channels" in (refused.content or "")
    again = await world.fake.slash("follow", {"team": "folsom"}, user=world.fan, guild=world.fans)
    assert "already follow" in (again.content or "")

    await report(world, "2-1")
    await world.fake.wait_until(
        lambda: bool(posts(world, results) and posts(world, general) and world.fake.dms_to(world.carol)),
        what="the result posted to both channels and the last follower's DMs",
    )
    assert world.bot is not None
    assert await world.bot.deliverer.step() is False  # nothing left to send: each went once

    [post] = posts(world, results)
    shown = embed_text(post.embeds[0])
    assert "**FC Folsom** 2-1 **Valley 559 FC** — FC Folsom go through" in shown, shown
    assert f"fixture {FOLSOM_TIE}" in shown and "entered by mod:alice" in shown
    assert post.content == f"<@&{ping.id}>" and post.allowed_mentions == {"parse": [], "roles": [ping.id]}
    [followed] = posts(world, general)
    assert followed.content == f"<@&{ping.id}>" and "2-1" in embed_text(followed.embeds[0])
    for user in (world.fan, world.carol):
        [dm] = world.fake.dms_to(user)
        assert "2-1" in embed_text(dm.embeds[0]) and dm.content == ""
        assert dm.allowed_mentions == {"parse": []}
    assert world.fake.dms_to(closed) == []

    settled = await recorded(world.store, lambda rows: all(d.state in ("sent", "failing") for d in rows))
    made = {d.target: d for d in settled}
    assert made[f"channel:{results.id}"].message_id == post.id
    failing = made[f"dm:{closed.id}"]
    assert failing.state == "failing" and "50007" in failing.last_error
    assert sorted(d.state for d in made.values()) == ["failing", "sent", "sent", "sent", "sent"]

    told = await world.fake.slash("following", user=closed, guild=world.home, followups=1)
    assert "FC Folsom" in (told.content or "")
    [notice] = told.followups
    assert notice.ephemeral and "direct messages are closed" in notice.content
    once = await world.fake.slash("following", user=closed, guild=world.home)
    assert once.followups == []  # told once

    shown_to_mods = await world.mod("channel show")
    assert f"<#{results.id}>" in (shown_to_mods.content or "")


async def test_an_undo_edits_the_posts_already_made(world: World) -> None:
    results, general = channel(world, "results"), channel(world, "general")
    await world.mod("channel set", {"channel": results.id})
    await world.fake.slash("follow", {"team": "folsom"}, user=world.fan, guild=world.fans)
    await world.fake.slash(
        "follow", {"team": "folsom", "where": "here"}, user=world.bob, guild=world.home, channel=general.id,
        permissions=MANAGE_CHANNELS,
    )  # fmt: skip
    world.home.channels.remove(general)  # deleted before anything is posted there: 10003 Unknown Channel
    await report(world, "0-3")
    await world.fake.wait_until(
        lambda: bool(posts(world, results) and world.fake.dms_to(world.fan)), what="the result posted"
    )
    rows = await recorded(world.store, lambda rows: any(d.state == "failing" for d in rows))
    [gone] = [d for d in rows if d.state == "failing"]
    assert gone.target == f"channel:{general.id}" and "10003" in gone.last_error
    shown = await world.mod("channel show")
    assert f"Failing: <#{general.id}>" in (shown.content or ""), shown.content
    [post] = posts(world, results)
    assert "0-3" in embed_text(post.embeds[0])

    undo = await world.mod("undo")
    await confirmed(world, undo)
    [dm] = world.fake.dms_to(world.fan)
    await world.fake.wait_until(lambda: bool(post.edits and dm.edits), what="the posts edited")
    assert posts(world, results) == [post] and world.fake.dms_to(world.fan) == [dm]  # edited, not re-posted
    for message in (post, dm):
        shown = embed_text(message.embeds[0])
        assert "Result withdrawn" in shown and "corrected by mod:alice" in shown, shown
        assert "0-3" not in shown
    rows = await recorded(world.store, lambda rows: sum(d.edited for d in rows) == 2)
    edited = [d for d in rows if d.edited]
    assert sorted(d.message_id for d in edited) == sorted([post.id, dm.id])


FOLLOWERS = 30  # the 1,000-follower rate drill: tests/e2e/test_delivery_drill.py
DM_LIMIT = (10, 0.5)  # DMs opened per half second (the loopback answers 429 over it)


async def test_many_followers_get_one_dm_each_within_the_rate_limits(world: World) -> None:
    """Many followers: DMs are opened within a per-route limit (429s waited out), none lost or doubled."""
    fans = [FakeUser(name=f"fan{n}") for n in range(FOLLOWERS)]
    world.fake.users.extend(fans)
    async with world.store.session() as session:
        folsom = (await session.exec(select(Team).where(Team.name == "FC Folsom"))).one()
        for fan in fans:
            await add_follow(
                session=session, user_id=fan.id, team_id=stored_id(folsom), guild_id=None, channel_id=None
            )
    route = "POST /users/@me/channels"
    world.fake.rate_limits[route] = DM_LIMIT
    async with aiohttp.ClientSession() as client:  # another user of the same token empties the bucket first
        url = f"{world.fake.api_base}/users/@me/channels"
        for _ in range(DM_LIMIT[0] + 1):
            async with client.post(
                url, json={"recipient_id": str(fans[0].id)}, headers={"Authorization": "Bot t"}
            ) as got:
                status, body, headers = got.status, await got.json(), got.headers
    assert status == 429 and body["global"] is False and 0 < body["retry_after"] <= DM_LIMIT[1]
    assert headers["X-RateLimit-Remaining"] == "0" and "Retry-After" in headers and headers["Via"]

    await report(world, "2-1")
    await world.fake.wait_until(
        lambda: all(world.fake.dms_to(fan) for fan in fans), what="a DM to every follower", timeout=30.0
    )
    assert all(len(world.fake.dms_to(fan)) == 1 for fan in fans)  # none doubled
    rows = await recorded(world.store, lambda rows: all(d.state == "sent" for d in rows))
    assert len(rows) == FOLLOWERS
    assert all(d.attempts == 1 for d in rows)  # a 429 is waited out inside discord.py, not a failed attempt
    [accepted] = world.fake.rate_accepted.values()  # each DM opened once: the test's, then the bot's
    assert len(accepted) == DM_LIMIT[0] + FOLLOWERS
    log.info("%d DMs; the loopback answered %d 429s", FOLLOWERS, len(world.fake.rate_limited))


async def test_an_outage_is_retried_with_growing_waits_and_posted_once(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Discord answers 503 for a while: the post is tried again later and later, then made once."""
    monkeypatch.setattr(outbox_module, "FIRST_BACKOFF", 0.05)  # 0.05 s, 0.1, 0.2 … (2 s, 4, 8 … live)
    results = channel(world, "results")
    await world.mod("channel set", {"channel": results.id})
    world.fake.outage[f"POST /channels/{results.id}/messages"] = 503
    path = f"{world.fake.api_base.removeprefix(world.fake.root)}/channels/{results.id}/messages"

    def tries() -> list[float]:
        return [r.at for r in world.fake.requests if r.method == "POST" and r.path == path]

    await report(world, "2-1")
    await world.fake.wait_until(lambda: len(tries()) >= 3, what="three attempts in the outage")
    del world.fake.outage[f"POST /channels/{results.id}/messages"]  # Discord is back
    await world.fake.wait_until(lambda: bool(posts(world, results)), what="the post after the outage")
    [post] = posts(world, results)
    [made] = await recorded(world.store, lambda rows: bool(rows) and rows[0].state == "sent")
    assert made.message_id == post.id and made.last_error == ""
    made_at = tries()
    statuses = [r.status for r in world.fake.requests if r.method == "POST" and r.path == path]
    assert statuses[:-1] == [503] * (len(statuses) - 1) and statuses[-1] == 200, statuses
    assert made.attempts == len(made_at) >= 4  # one attempt per request: nothing sent behind the record
    waits = [later - earlier for earlier, later in itertools.pairwise(made_at)]
    for failed, wait in enumerate(waits, 1):  # each wait at least the backoff after that many failures
        assert wait >= outbox_module.backoff(failed), (failed, waits)
    assert outbox_module.backoff(1) < outbox_module.backoff(2) < outbox_module.backoff(3)
