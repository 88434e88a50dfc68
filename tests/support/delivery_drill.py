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
looking at the outbox often, no spacing between DMs, and a lease of S seconds (so a delivery left `sending`
by a killed process is taken again soon).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import random
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import col, select

from bot.store.engine import Store
from bot.store.follows import add_follow
from bot.store.guilds import set_results_channel
from bot.store.models import Delivery, Fixture, Notification
from tests.support.loopback_discord import FakeChannel, FakeGuild, FakeUser, LoopbackDiscord
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
    seconds: float

    def line(self) -> str:
        """The figures in one line."""
        return (
            f"{self.reports} reports, {self.notifications} notifications, {self.deliveries} deliveries "
            f"({self.sent} sent), {self.messages} messages, {self.duplicates} duplicates, "
            f"{self.kills} kills, {self.seconds:.1f} s"
        )


async def _start(
    fake: LoopbackDiscord, url: str, data: Path, log: Path, lease: float
) -> asyncio.subprocess.Process:
    command = [
        sys.executable, "-m", "tests.support.delivery_drill", "--port", str(fake.port),
        "--database-url", url, "--data-dir", str(data), "--lease", str(lease),
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
            seconds=time.monotonic() - began,
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
    options = parser.parse_args(argv)
    import bot.delivery
    import bot.store.outbox
    from bench.bot_under_test import point_at, run_production

    bot.delivery.POLL_SECONDS = 0.05
    bot.delivery.DM_INTERVAL = 0.0
    bot.store.outbox.LEASE = dt.timedelta(seconds=options.lease)
    point_at(options.port)
    return run_production(options.database_url, options.data_dir)


if __name__ == "__main__":
    sys.exit(main())
