"""The delivery crash drill (issue 14): the production bot, in a process of its own, SIGKILLed at random
points while results are confirmed; after the last restart every delivery of every committed result is
made, and the duplicates are counted.

`run_drill` is shared by the bounded test (tests/e2e/test_delivery_drill.py) and the full drill
(`python -m bench.bench_following`). The loopback Discord runs in the calling process; moderators' reports
are applied there too, one by one (`tests.support.report_process.drill`: results, then corrections of the
same ties), while the bot delivers. Every new message carries the nonce `oc<delivery id>`, so a message
sent twice for one delivery is seen as such.

Run as a module, it is the bot under drill: `python -m tests.support.delivery_drill --port P --database-url
URL --data-dir DIR --lease S` starts the production bot (`bench.bot_under_test`) with the delivery task
looking at the outbox often, `--dm-interval` seconds between DMs (none by default), and a lease of S
seconds (so a delivery left `sending` by a killed process is taken again soon).

`run_rate_drill` is the rate drill: one club followed by many users (1,000 in the suite), one result, and a
loopback Discord that limits how many DM channels may be opened per window, answering 429 with
`retry_after` beyond it, as Discord does. Every follower must get exactly one DM, with the bot's own spacing
between DMs, the 429s waited out (not counted as failed attempts) and nothing lost.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import itertools
import math
import random
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import aiohttp
from sqlmodel import col, func, select

from bot.store.engine import Store
from bot.store.follows import add_follow
from bot.store.guilds import set_results_channel
from bot.store.models import Delivery, Fixture, Follow, Notification, utcnow
from tests.support.loopback_discord import (
    FakeChannel,
    FakeGuild,
    FakeUser,
    LoopbackDiscord,
    RecordedRequest,
)
from tests.support.report_process import drill

ROOT = Path(__file__).resolve().parents[2]
SEASON = 2024
STARTUP = 60.0  # seconds a bot may take to say it is ready (a guard, not a measurement)


@dataclass
class Figures:
    """What a drill counted."""

    reports: int  # results and corrections committed
    notifications: int
    deliveries: int
    sent: int  # deliveries recorded as made
    messages: int  # messages created in the loopback Discord (edits not counted)
    duplicates: int  # messages beyond the first for one delivery
    kills: int
    replays: int  # sends again that Discord answered with the message already made (the nonce)
    seconds: float

    def line(self) -> str:
        """The figures in one line."""
        return (
            f"{self.reports} reports, {self.notifications} notifications, {self.deliveries} deliveries "
            f"({self.sent} sent), {self.messages} messages, {self.duplicates} duplicates, "
            f"{self.kills} kills, {self.replays} sent again and given back by their nonce, "
            f"{self.seconds:.1f} s"
        )


async def _start(
    fake: LoopbackDiscord, url: str, data: Path, log: Path, lease: float, dm_interval: float = 0.0
) -> asyncio.subprocess.Process:
    command = [
        sys.executable, "-m", "tests.support.delivery_drill", "--port", str(fake.port),
        "--database-url", url, "--data-dir", str(data), "--lease", str(lease),
        "--dm-interval", str(dm_interval),
    ]  # fmt: skip
    with log.open("ab") as written:
        process = await asyncio.create_subprocess_exec(
            *command, cwd=ROOT, stdout=asyncio.subprocess.PIPE, stderr=written
        )
    assert process.stdout is not None
    try:
        async with asyncio.timeout(STARTUP):
            while (line := await process.stdout.readline()) != b"ready\n":
                if not line:
                    raise AssertionError(f"the bot ended before it was ready: see {log}")
    except BaseException:
        process.kill()
        await process.wait()
        raise
    return process


async def _rows(store: Store) -> list[Delivery]:
    async with store.session() as session:
        return list((await session.exec(select(Delivery).order_by(col(Delivery.id)))).all())


async def run_drill(
    url: str,
    data: Path,
    *,
    ties: int,
    reports: int,
    followers: int,
    kills: int,
    seed: int,
    log: Path,
    lease: float = 1.0,
) -> Figures:
    """Confirm `reports` results (and corrections) on `ties` ties, each club followed by `followers` users
    and the guild's results channel, while the bot delivers and is killed `kills` times; then let a last
    bot finish and count."""
    rng = random.Random(seed)
    began = time.monotonic()
    results = FakeChannel(name="results")
    guild = FakeGuild(name="Drill", channels=[results])
    fans = [FakeUser(name=f"fan{n}") for n in range(followers)]
    store = await Store(url, data).open()
    try:
        async with store.session() as session:
            chosen = list(
                (
                    await session.exec(
                        select(Fixture).where(Fixture.round == 3).order_by(col(Fixture.number)).limit(ties)
                    )
                ).all()
            )
            await set_results_channel(
                session=session, guild_id=guild.id, channel_id=results.id, actor="drill"
            )
            clubs = {club for tie in chosen for club in (tie.home_id, tie.away_id) if club is not None}
            for fan in fans:
                for club in sorted(clubs):
                    await add_follow(
                        session=session, user_id=fan.id, team_id=club, guild_id=None, channel_id=None
                    )
        numbers = [tie.number for tie in chosen]
        async with LoopbackDiscord(
            guilds=[guild], users=fans, bot_user=FakeUser(name="Drill Bot", bot=True), patch=False
        ) as fake:
            writer = asyncio.ensure_future(
                drill(store, season=SEASON, fixtures=numbers, count=reports, prefix="dd-", ack=lambda _: None)
            )
            per_report = 1 + followers
            for _ in range(kills):
                process = await _start(fake, url, data, log, lease)
                # Each delivery posts or edits one message (a mention record each): kill after a random
                # number more, before the last.
                done = len(fake.mention_log)
                wanted = min(done + rng.randint(1, per_report * 2), reports * per_report - 1)
                await fake.wait_until(
                    lambda wanted=wanted: len(fake.mention_log) >= wanted, timeout=120.0, what="deliveries"
                )
                await asyncio.sleep(rng.uniform(0.0, 0.05))  # a random point of the next delivery
                process.kill()  # SIGKILL
                await process.wait()
            await writer
            process = await _start(fake, url, data, log, lease)
            try:
                for _ in range(6000):  # until every delivery is recorded as made
                    rows = await _rows(store)
                    if (
                        rows
                        and all(row.state == "sent" for row in rows)
                        and len(rows) >= reports * per_report
                    ):
                        break
                    await asyncio.sleep(0.02)
                else:
                    states = Counter(row.state for row in await _rows(store))
                    raise AssertionError(f"deliveries never all made: {dict(states)}")
            finally:
                process.terminate()
                await process.wait()
            created = [m for m in fake.messages if m.raw.get("nonce")]
            per_nonce = Counter(str(m.raw["nonce"]) for m in created)
            replays = len(fake.nonce_replays)
        async with store.session() as session:
            notifications = len((await session.exec(select(Notification.id))).all())
        rows = await _rows(store)
        return Figures(
            reports=reports,
            notifications=notifications,
            deliveries=len(rows),
            sent=sum(row.state == "sent" for row in rows),
            messages=len(created),
            duplicates=sum(times - 1 for times in per_nonce.values()),
            kills=kills,
            replays=replays,
            seconds=time.monotonic() - began,
        )
    finally:
        await store.close()


@dataclass
class RateFigures:
    """What a rate drill counted."""

    followers: int
    dms: int  # DMs created in the loopback Discord
    lost: int  # followers who got none
    duplicates: int  # DMs beyond the first to one follower
    limited: int  # requests the loopback answered 429
    most_attempts: int  # the most attempts a delivery took (a 429 waited out is not a failed attempt)
    fewest_seconds_apart: float  # the closest two DM channels were opened, by the loopback's clock
    most_in_a_window: int  # the most DM channels opened in one window of the limit
    limit: tuple[int, float]
    seconds: float  # from the result's commit to the last DM recorded as made

    def line(self) -> str:
        """The figures in one line."""
        allowed, per = self.limit
        return (
            f"{self.followers} followers, {self.dms} DMs, {self.lost} lost, {self.duplicates} duplicates, "
            f"{self.limited} answered 429 (limit {allowed} per {per:g} s; at most {self.most_in_a_window} "
            f"in one window), DMs at least {self.fewest_seconds_apart * 1000:.1f} ms apart, at most "
            f"{self.most_attempts} attempt(s) each, {self.seconds:.1f} s"
        )


DM_ROUTE = "POST /users/@me/channels"  # opening a DM channel: the per-route bucket a mass DM runs into


async def _sent(store: Store) -> int:
    """How many deliveries are recorded as made."""
    async with store.session() as session:
        counted = await session.exec(select(func.count()).where(col(Delivery.state) == "sent"))
        return int(counted.one())


async def _contend(fake: LoopbackDiscord, route: str, user_id: int, *, after: int, allowed: int) -> None:
    """Another user of the bot's token (a script, another process) uses up `route`'s window at once, once the
    bot has made `after` requests on it, so that the bot's next request meets a 429 with `retry_after` that
    its own count of the bucket did not foresee; again until the bot has met one (a window that closed just
    after the burst leaves the bot a fresh one)."""
    method, _, path = route.partition(" ")

    async def one(client: aiohttp.ClientSession) -> None:
        async with client.request(
            method,
            fake.api_base + path,
            json={"recipient_id": str(user_id)},
            headers={"Authorization": "Bot t"},
        ) as answer:
            await answer.read()

    await fake.wait_until(lambda: len(_attempts(fake, route)) >= after, timeout=120.0, what="the first DMs")
    async with aiohttp.ClientSession() as client:
        for _ in range(100):
            await asyncio.gather(*(one(client) for _ in range(allowed + 1)))  # a burst: the window used up
            await asyncio.sleep(0.05)  # the bot's next DM, meanwhile
            if any(r.status == 429 for r in _attempts(fake, route)):
                return


def _attempts(fake: LoopbackDiscord, route: str, *, bot: bool = True) -> list[RecordedRequest]:
    """The requests made on `route` by discord.py (the bot), or by anything else (`bot=False`)."""
    method, _, path = route.partition(" ")
    full = fake.api_base.removeprefix(fake.root) + path
    return [
        r
        for r in fake.requests
        if r.method == method and r.path == full and r.agent.startswith("DiscordBot") == bot
    ]


async def run_rate_drill(
    url: str,
    data: Path,
    *,
    followers: int,
    limit: tuple[int, float],
    dm_interval: float,
    log: Path,
) -> RateFigures:
    """One club followed by `followers` users and one result of its tie: the production bot (a process of
    its own) sends a DM to each, spaced by `dm_interval`, under a loopback Discord that allows `limit`
    (requests, seconds) DM channel openings per window and answers 429 beyond it."""
    fans = [FakeUser(name=f"fan{n}") for n in range(followers)]
    store = await Store(url, data).open()
    try:
        async with store.session() as session:
            tie = (
                await session.exec(select(Fixture).where(Fixture.round == 3).order_by(col(Fixture.number)))
            ).first()
            assert tie is not None and tie.home_id is not None
            session.add_all(  # the followers, arranged in one transaction (each /follow commits its own)
                Follow(
                    user_id=fan.id, team_id=tie.home_id, guild_id=None, channel_id=None, created_at=utcnow()
                )
                for fan in fans
            )
            await session.commit()
        async with LoopbackDiscord(
            guilds=[FakeGuild(name="Rate")], users=fans, bot_user=FakeUser(name="Rate Bot", bot=True),
            rate_limits={DM_ROUTE: limit}, patch=False,
        ) as fake:  # fmt: skip
            process = await _start(fake, url, data, log, lease=60.0, dm_interval=dm_interval)
            contender = asyncio.ensure_future(
                _contend(fake, DM_ROUTE, fans[0].id, after=min(10, followers), allowed=limit[0])
            )
            try:
                began = time.monotonic()
                await drill(
                    store, season=SEASON, fixtures=[tie.number], count=1, prefix="rate-", ack=lambda _: None
                )
                # Until every delivery is recorded as made (counted, not read); the bound allows for the
                # bot's own spacing (a second between DMs in production: 1,000 DMs take over 16 minutes).
                deadline = time.monotonic() + 120.0 + followers * (dm_interval + 0.1)
                while await _sent(store) < followers:
                    if time.monotonic() > deadline:
                        break
                    await asyncio.sleep(0.1)
                if await _sent(store) < followers:
                    states = Counter(row.state for row in await _rows(store))
                    raise AssertionError(f"the DMs were never all made: {dict(states)}")
                seconds = time.monotonic() - began
                rows = await _rows(store)
                await contender
            finally:
                contender.cancel()
                process.terminate()
                await process.wait()
            per_fan = Counter(m.channel_id for m in fake.messages if m.raw.get("nonce"))
            mine = [r.at for r in _attempts(fake, DM_ROUTE) if r.status == 200]
            limited = sum(r.status == 429 for r in _attempts(fake, DM_ROUTE))
            opened = sorted([*mine, *(r.at for r in _attempts(fake, DM_ROUTE, bot=False) if r.status == 200)])
        windows: list[int] = []  # DM channels opened per window, the windows fixed as the loopback fixes them
        closes = -math.inf
        for moment in opened:
            if moment >= closes:
                closes = moment + limit[1]
                windows.append(0)
            windows[-1] += 1
        return RateFigures(
            followers=followers,
            dms=sum(per_fan.values()),
            lost=followers - len(per_fan),
            duplicates=sum(n - 1 for n in per_fan.values()),
            limited=limited,
            most_attempts=max((row.attempts for row in rows), default=0),
            fewest_seconds_apart=min((b - a for a, b in itertools.pairwise(mine)), default=0.0),
            most_in_a_window=max(windows, default=0),
            limit=limit,
            seconds=seconds,
        )
    finally:
        await store.close()


def main(argv: list[str] | None = None) -> int:
    """Run the production bot for the drill (see the module docstring)."""
    parser = argparse.ArgumentParser(prog="python -m tests.support.delivery_drill")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--lease", type=float, default=1.0)
    parser.add_argument("--dm-interval", type=float, default=0.0)
    options = parser.parse_args(argv)
    import bot.delivery
    import bot.store.outbox
    from bench.bot_under_test import point_at, run_production

    bot.delivery.POLL_SECONDS = 0.05
    bot.delivery.DM_INTERVAL = options.dm_interval
    bot.store.outbox.LEASE = dt.timedelta(seconds=options.lease)
    point_at(options.port)
    return run_production(options.database_url, options.data_dir)


if __name__ == "__main__":
    sys.exit(main())
