"""Two real bot processes on one PostgreSQL store, four shards between them, one loopback Discord (issue 16).

`run_processes_drill` starts process A (`python -m bot run --shards 0-1 --of 4`) and process B (`--shards 2-3
--of 4`) as an operator would, each pointed at the loopback Discord in the calling process by the settings
DISCORD_API_BASE and DISCORD_GATEWAY_URL. Guild GA is on shard 0 (process A), guild GB on shard 2 (process
B); both take results and have a results channel, GB has a channel following some clubs, and two fans
follow clubs by DM. Every tie of 2024 and 2017 is open (both seasons cut back to before round 1).

Then `results` results are confirmed one by one through GA (`/mod report`, then Confirm), and for each the
lag is measured until GB, in the other process, answers with it twice over: `/mod report`'s fixture
autocomplete no longer offers the tie, and `/result` for the home club shows the win. Once, at a random
moment after a confirmation, A is killed (SIGKILL) and started again; its claims go to whichever process
takes them once the lease has run out. At the end every delivery must be made, and each message carries
the nonce `oc<delivery id>`, so one sent twice is counted.

Last, B's team index (what `/path`'s autocomplete reads, with no question asked in B) must show a club drawn
by another process; then B's listening connection is cut with `pg_terminate_backend`, a second new club is
drawn at once, and B must show that one too, and listen again. Neither draw is announced anywhere (the
results channels are unset first), so no delivery task reads the store for them: B can learn of them by
listening alone.

Shared by the bounded test (tests/e2e/test_processes.py) and `python -m bench.bench_processes`.
"""

from __future__ import annotations

import asyncio
import os
import random
import re
import shutil
import signal
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import text, update
from sqlmodel import col, select

from bot.answers.report import fixture_new
from bot.seasons.datafiles import read_season, write_season
from bot.store.engine import Store
from bot.store.follows import add_follow
from bot.store.guilds import set_results_channel
from bot.store.model import current_model
from bot.store.models import Delivery, GuildSetting, Notification
from bot.store.processes import BotProcess, StoreStatus, store_status
from tests.support.loopback_discord import (
    FakeChannel,
    FakeGuild,
    FakeRole,
    FakeUser,
    InteractionResponse,
    LoopbackDiscord,
    snowflake_on_shard,
)
from tests.support.season_in_progress import cut_after_round

ROOT = Path(__file__).resolve().parents[2]
SHARDS = 4
STARTUP = 60.0  # seconds a process may take to be ready (a guard, not a measurement)
SEEN_WITHIN = 10.0  # seconds B may take to show a result (a guard; the lags are measured and printed)
SETTINGS = ("SHARD_COUNT", "SHARD_IDS", "GUILD_IDS", "DISCORD_API_BASE", "DISCORD_GATEWAY_URL")


def data_all_open(source: Path, folder: Path) -> Path:
    """A copy of data/ with 2024 and 2017 cut back to before round 1: every tie to play (98 + 46)."""
    shutil.copytree(source, folder)
    for year in ("2024", "2017"):
        cut = cut_after_round(read_season(folder / "seasons" / year), 0)
        shutil.rmtree(folder / "seasons" / year)
        write_season(cut, folder)
    return folder


def percentile(values: list[float], share: float) -> float:
    """The value below which `share` of `values` lie (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


@dataclass
class Figures:
    """What a drill measured and counted."""

    results: int
    lags: list[float]  # seconds from a confirmation in A's guild to B's answers showing it
    notifications: int = 0
    deliveries: int = 0
    sent: int = 0
    messages: int = 0  # messages created with a delivery's nonce
    duplicates: int = 0  # messages beyond the first for one delivery
    unsent: list[int] = field(default_factory=list)  # deliveries recorded sent with no message (lost)
    kills: int = 0
    identified: dict[str, set[int]] = field(default_factory=dict)  # process → shards it connected
    identifies: list[list[int]] = field(default_factory=list)  # every IDENTIFY's shard, as Discord saw it
    sync_scopes: list[int | None] = field(default_factory=list)  # each command sync's scope (None: global)
    syncing_declined: dict[str, bool] = field(default_factory=dict)  # process → logged it leaves the sync
    index_lag: float = 0.0  # a club drawn elsewhere, until B's autocomplete offers it
    cut_lag: float = 0.0  # the same after B's listener was cut
    status: StoreStatus | None = None  # the registry while A (restarted) and B run
    phases: dict[str, float] = field(default_factory=dict)  # seconds each part of the drill took
    discord_problems: list[str] = field(default_factory=list)  # Discord's rules broken, unknown routes
    seconds: float = 0.0

    def lag_line(self) -> str:
        """The lags in one line."""
        ms = [lag * 1000 for lag in self.lags]
        return (
            f"lag over {len(ms)} results: p50 {percentile(ms, 0.5):.0f} ms, "
            f"p99 {percentile(ms, 0.99):.0f} ms, max {max(ms):.0f} ms, mean {statistics.fmean(ms):.0f} ms"
        )

    def line(self) -> str:
        """The figures in one line."""
        return (
            f"{self.results} results; {self.lag_line()}; {self.notifications} notifications, "
            f"{self.deliveries} deliveries ({self.sent} sent), {self.messages} messages, "
            f"{self.duplicates} duplicates, {len(self.unsent)} lost, {self.kills} kills; a new club in B's "
            f"autocomplete after {self.index_lag * 1000:.0f} ms, after a cut listener "
            f"{self.cut_lag * 1000:.0f} ms; {self.seconds:.1f} s ("
            + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in self.phases.items())
            + ")"
        )


@dataclass
class Running:
    """A bot process of the drill."""

    name: str
    shards: str
    log: Path
    process: asyncio.subprocess.Process


class Drill:
    """The world of the drill: the loopback Discord, the store as the test sees it, the two processes."""

    def __init__(self, fake: LoopbackDiscord, store: Store, folder: Path) -> None:
        self.fake = fake
        self.store = store
        self.folder = folder
        self.running: dict[str, Running] = {}
        self.env: dict[str, str] = {}

    async def start(self, name: str, shards: str, *, lease: float, heartbeat: float) -> Running:
        """Start `python -m bot run --shards SHARDS --of 4` as process `name`; return once it is ready."""
        env = {key: value for key, value in os.environ.items() if key not in SETTINGS}
        env.update(self.env)
        env.update(
            PYTHONPATH=str(ROOT),
            OUTBOX_LEASE_SECONDS=str(lease),
            HEARTBEAT_SECONDS=str(heartbeat),
        )
        log = self.folder / f"{name}.log"
        with log.open("ab") as written:
            process = await asyncio.create_subprocess_exec(
                *(sys.executable, "-m", "bot", "run", "--shards", shards, "--of", str(SHARDS)),
                cwd=self.folder,  # no .env of the checkout's: the settings are the environment's
                env=env,
                stdout=asyncio.subprocess.DEVNULL,
                stderr=written,
            )
        running = Running(name, shards, log, process)
        self.running[name] = running
        return running

    async def ready(self, running: Running) -> None:
        """Wait until the process has recorded itself in the store and its shards are connected.

        Its interactions are answered from then on; discord.py's on_ready (which the registry's `ready`
        records) follows a couple of seconds later, once no more guilds arrive.
        """
        first, _, last = running.shards.partition("-")
        shards = set(range(int(first), int(last or first) + 1))
        deadline = time.monotonic() + STARTUP
        while time.monotonic() < deadline:
            if running.process.returncode is not None:
                raise AssertionError(
                    f"{running.name} ended ({running.process.returncode}): see {running.log}"
                )
            if shards <= self.fake.ready_shards():
                async with self.store.session() as session:
                    row = (
                        await session.exec(select(BotProcess).where(BotProcess.pid == running.process.pid))
                    ).first()
                if row is not None:
                    return
            await asyncio.sleep(0.02)
        raise AssertionError(f"{running.name} was not ready within {STARTUP:g} s: see {running.log}")

    async def stop(self, name: str) -> None:
        """Stop a process as Ctrl-C would (it removes itself from the registry); kill it if it hangs."""
        running = self.running.pop(name)
        if running.process.returncode is None:
            running.process.send_signal(signal.SIGINT)
            try:
                await asyncio.wait_for(running.process.wait(), 15)
            except TimeoutError:
                running.process.kill()
                await running.process.wait()

    async def kill(self, name: str) -> None:
        """SIGKILL a process: no goodbye, its claims and its registry row left as they were."""
        running = self.running.pop(name)
        running.process.kill()
        await running.process.wait()

    def identified(self, name: str) -> set[int]:
        """The shards a process's log says it connected to the gateway."""
        log = (self.folder / f"{name}.log").read_text(errors="replace")
        return {int(n) for n in re.findall(r"Shard ID (\d+) has connected to Gateway", log)}

    def declined_sync(self, name: str) -> bool:
        """Whether a process's log says it left the command sync to the process holding shard 0."""
        return "commands are synced by the process holding shard 0" in (
            self.folder / f"{name}.log"
        ).read_text(errors="replace")


async def _wait(
    predicate: Callable[[], Any], what: str | Callable[[], str], within: float = SEEN_WITHIN
) -> float:
    """Poll an async predicate until it holds; the seconds it took."""
    began = time.monotonic()
    while not await predicate():
        if time.monotonic() - began > within:
            raise AssertionError(f"waited {within:g} s for {what if isinstance(what, str) else what()}")
        await asyncio.sleep(0.005)
    return time.monotonic() - began


def _buttons(answer: InteractionResponse) -> dict[str, str]:
    return {
        component["label"]: component["custom_id"]
        for row in answer.components
        for component in row.get("components", [])
        if component.get("type") == 2
    }


async def run_processes_drill(
    url: str,
    source: Path,
    folder: Path,
    *,
    results: int,
    seed: int,
    kill: bool = True,
    lease: float = 2.0,
    heartbeat: float = 0.5,
) -> Figures:
    """Run the drill (see the module docstring) on the empty PostgreSQL database `url`; `source` is data/."""
    rng = random.Random(seed)
    began = time.monotonic()
    data = data_all_open(source, folder / "data")
    role = FakeRole(name="results")
    mod, fans = FakeUser(name="mod"), [FakeUser(name=f"fan{n}") for n in range(2)]
    results_a, results_b, following = (FakeChannel(name=n) for n in ("results", "results", "following"))
    ga = FakeGuild(
        name="A's guild", id=snowflake_on_shard(0, SHARDS), channels=[results_a], roles=[role],
        member_roles={mod.id: [role.id]},
    )  # fmt: skip
    gb = FakeGuild(
        name="B's guild", id=snowflake_on_shard(2, SHARDS), channels=[results_b, following], roles=[role],
        member_roles={mod.id: [role.id]},
    )  # fmt: skip
    others = [FakeGuild(name=f"shard {n}", id=snowflake_on_shard(n, SHARDS)) for n in (1, 3)]
    store = await Store(url, data).open()
    figures = Figures(results=results, lags=[])
    try:
        model = await store.model()
        plan = [
            (year, fixture.number)
            for year in (2024, 2017)
            for fixture in sorted(model.seasons[year].fixtures, key=lambda f: (f.round, f.number))
        ][:results]
        first_round = [f for f in model.seasons[2024].fixtures if f.round == 1]
        async with store.session() as session:
            for guild, channel in ((ga, results_a), (gb, results_b)):
                await set_results_channel(
                    session=session, guild_id=guild.id, channel_id=channel.id, actor="drill"
                )
            for n, tie in enumerate(first_round[:6]):
                club = tie.home_id if n % 2 == 0 else tie.away_id
                assert club is not None
                await add_follow(
                    session=session, user_id=fans[n % 2].id, team_id=club, guild_id=None, channel_id=None
                )
                await add_follow(
                    session=session, user_id=mod.id, team_id=club, guild_id=gb.id, channel_id=following.id
                )
        async with LoopbackDiscord(
            guilds=[ga, gb, *others],
            users=[mod, *fans],
            bot_user=FakeUser(name="Open Cup Bot", bot=True),
            shards=SHARDS,
            max_concurrency=SHARDS,  # as Discord grants large bots: every shard may identify at once
            patch=False,
        ) as fake:
            drill = Drill(fake, store, folder)
            drill.env = {
                "DISCORD_TOKEN": "drill-token",
                "DATABASE_URL": url,
                "DATA_DIR": str(data),
                "MOD_GUILD_IDS": f"{ga.id},{gb.id}",
                "MOD_ROLE_IDS": str(role.id),
                "DISCORD_API_BASE": fake.api_base,
                "DISCORD_GATEWAY_URL": fake.gateway_url,
                "LOG_LEVEL": "INFO",
            }
            try:
                await _drive(
                    drill, figures, plan, ga, gb, mod, rng, kill=kill, lease=lease, heartbeat=heartbeat
                )
            finally:
                for name in list(drill.running):
                    await drill.stop(name)
            figures.discord_problems = [str(v) for v in fake.violations] + fake.unhandled + fake.errors
            figures.identifies = [list(i.get("shard") or []) for i in fake.identifies]
            figures.sync_scopes = [call.scope for call in fake.sync_calls]
            figures.identified = {name: drill.identified(name) for name in ("A", "B")}
            figures.syncing_declined = {name: drill.declined_sync(name) for name in ("A", "B")}
            per_nonce = Counter(str(m.raw["nonce"]) for m in fake.messages if m.raw.get("nonce"))
            figures.messages = sum(per_nonce.values())
            figures.duplicates = sum(times - 1 for times in per_nonce.values())
        async with store.session() as session:
            figures.notifications = len((await session.exec(select(Notification.id))).all())
            rows = list((await session.exec(select(Delivery).order_by(col(Delivery.id)))).all())
        figures.deliveries = len(rows)
        figures.sent = sum(row.state == "sent" for row in rows)
        figures.unsent = [row.id or 0 for row in rows if f"oc{row.id}" not in per_nonce]
        figures.seconds = time.monotonic() - began
        return figures
    finally:
        await store.close()


async def _drive(
    drill: Drill,
    figures: Figures,
    plan: list[tuple[int, int]],
    ga: FakeGuild,
    gb: FakeGuild,
    mod: FakeUser,
    rng: random.Random,
    *,
    kill: bool,
    lease: float,
    heartbeat: float,
) -> None:
    fake, store = drill.fake, drill.store
    clock = time.monotonic()

    def phase(name: str) -> None:
        nonlocal clock
        figures.phases[name] = figures.phases.get(name, 0.0) + time.monotonic() - clock
        clock = time.monotonic()

    a = await drill.start("A", "0-1", lease=lease, heartbeat=heartbeat)
    b = await drill.start("B", "2-3", lease=lease, heartbeat=heartbeat)
    await asyncio.gather(drill.ready(a), drill.ready(b))
    phase("start")
    kill_after = rng.randrange(len(plan) // 3, 2 * len(plan) // 3 + 1) if kill else -1
    seen: dict[int, str] = {}  # what B last showed of each tie (for a failure's message)

    for index, (season, number) in enumerate(plan):
        async with store.session() as session:  # the tie's clubs now (earlier results filled its sides)
            view = (await current_model(session, fresh=True)).seasons[season]
            tie = view.by_number[number]
            home, away = view.name(tie.home_id), view.name(tie.away_id)
        preview = await fake.slash(
            "mod report", {"fixture": number, "score": "2-1", "season": season}, user=mod, guild=ga
        )
        assert "Confirm" in _buttons(preview), (
            f"{season} fixture {number}: {preview.content} {preview.embeds}"
        )
        assert preview.message is not None
        message, edits = preview.message, len(preview.message.edits)
        await fake.press(preview, _buttons(preview)["Confirm"], user=mod)
        await fake.wait_until(lambda m=message, e=edits: len(m.edits) > e, what="the confirmation")
        confirmed = time.monotonic()

        async def seen_in_b(
            season: int = season, number: int = number, home: Any = home, away: Any = away
        ) -> bool:
            offered = await fake.autocomplete(
                "mod report", "fixture", str(number), {"season": season}, user=mod, guild=gb
            )
            [tie] = [choice for choice in offered if choice["value"] == number]
            if not tie["name"].endswith("· 2-1"):  # the tie as B's moderators are offered it: with its score
                seen[number] = f"offered {tie['name']!r}"
                return False
            answer = await fake.slash("result", {"team": home, "season": season}, user=mod, guild=gb)
            fields = answer.embeds[0].get("fields", []) if answer.embeds else []
            seen[number] = f"/result {home}: {answer.content} {fields}"
            return any(away in f["value"].replace("\\", "") and "✅ won" in f["value"] for f in fields)

        await _wait(seen_in_b, lambda n=number: f"B to show fixture {n}; B showed {seen.get(n)}")
        figures.lags.append(time.monotonic() - confirmed)
        if index == kill_after:  # a random moment of the deliveries under way
            await asyncio.sleep(rng.uniform(0.0, 0.05))
            phase("results")
            await drill.kill("A")
            figures.kills += 1
            a = await drill.start("A", "0-1", lease=lease, heartbeat=heartbeat)
            await drill.ready(a)
            phase("restart")
    phase("results")

    async def running_ready() -> bool:  # on_ready in both, recorded by their heartbeats
        async with store.session() as session:
            rows = (await session.exec(select(BotProcess))).all()
        pids = {running.process.pid for running in drill.running.values()}
        return {row.pid for row in rows if row.ready} >= pids

    await _wait(running_ready, "both processes to record themselves ready")
    async with store.session() as session:
        status = await store_status(session=session)

    async def all_delivered() -> bool:
        async with store.session() as session:
            waiting = (
                await session.exec(select(Notification.id).where(col(Notification.expanded).is_(False)))
            ).all()
            states = Counter((await session.exec(select(Delivery.state))).all())
        return not waiting and set(states) == {"sent"}

    await _wait(all_delivered, "every delivery to be made", within=60.0)
    phase("deliveries")
    figures.status = status

    # A club drawn by another process is in B's autocomplete at once: B's team index follows the store.
    async def offered_by_b(name: str) -> bool:
        choices = await fake.autocomplete("path", "team", name, user=mod, guild=gb)
        return any(choice["value"] == name for choice in choices)

    async def draw(club: str) -> None:  # a tie of two new clubs, which nobody follows
        async with store.session() as session:
            await fixture_new(
                session, round=4, home=club, away=f"{club} II", new_club=True, season=2024, apply=True,
                actor="drill",
            )  # fmt: skip

    # The draws reach no channel: so no delivery task reads the model for them, and B learns of them
    # only by listening (or by a question, and it is asked none but autocomplete, which reads no store).
    async with store.session() as session:
        await session.exec(update(GuildSetting).values(results_channel_id=None))
        await session.commit()
    assert not await offered_by_b("Listeners United")
    began = time.monotonic()
    await draw("Listeners United")
    await _wait(lambda: offered_by_b("Listeners United"), "B to offer a club drawn elsewhere")
    figures.index_lag = time.monotonic() - began

    # B's listening connection cut: a club drawn while it listens again is offered once it does.
    [backend] = await _listening(store, b.process.pid or 0)
    async with store.engine.connect() as connection:
        await connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": backend})
    began = time.monotonic()
    await draw("Reconnected Rovers")
    await _wait(lambda: offered_by_b("Reconnected Rovers"), "B to offer a club drawn while it reconnected")
    figures.cut_lag = time.monotonic() - began

    async def listens_again() -> bool:  # a new listening connection
        return await _listening(store, b.process.pid or 0) not in ([], [backend])

    await _wait(listens_again, "B to listen again")
    await _wait(all_delivered, "the new clubs' deliveries to be made", within=60.0)
    phase("new clubs")


async def _listening(store: Store, pid: int) -> list[int]:
    """The backend pids of process `pid`'s listening connection (its application_name names the process)."""
    async with store.engine.connect() as connection:
        rows = await connection.execute(
            text("SELECT pid FROM pg_stat_activity WHERE application_name LIKE :name"),
            {"name": f"opencup listen %:{pid}:%"},
        )
        return [int(found) for found in rows.scalars()]
