"""The bot through Discord, beside the floor: answer latency, bursts, cold start and memory (issue 12).

    python -m bench.bench_discord [--calls 200] [--quick] [--seasons 2,20] [--bursts 50,200,300] [--starts 3]

Two bots are measured against the project's loopback Discord (`tests/support/loopback_discord.py`, a fake
Discord REST API and gateway that the real discord.py client talks to over 127.0.0.1): the production bot
(`bot.client.run_bot`, with its cogs, its store on a temporary SQLite file, its logging at INFO), and a
no-op discord.py bot whose one slash command answers "ok" at once, the floor. Each bot runs in a process
of its own (`bench/bot_under_test.py`); the loopback Discord runs in this process and times every
interaction from the moment it pushes it to the bot to the moment the bot's answer reaches it:

- latency: each command, one call at a time, `--calls` times after a short warm-up (not counted), each call
  right after one to the no-op bot (both bots run at once, the one not called idle): p50, p99 and max of
  the time to the answer (the initial response; for a deferred one, the follow-up or edit that
  replaces "is thinking…"), its ratio to the floor's p50 and p99, and the bot's CPU time per call (from
  /proc, user + system);
- bursts of 50, 200 and 300 mixed commands pushed at once: how many initial responses were late (Discord
  forgets an interaction whose initial response comes more than 3 s after it was created; a deferral in
  time is on time), and p50/p99 of the initial response and of the answer;
- cold start: from starting the process to READY on the loopback's gateway (the bot has opened its store,
  loaded its cogs and synced or found its commands), the median of `--starts` starts; the store was built
  from data/ beforehand (that first load is shown apart);
- memory: the bot process's own RSS (VmRSS of /proc/<pid>/status) at ready, after 1,000 calls, and at the
  end of its run.

All of it at each season count of `--seasons`: 2 is the project's data/; more are made by
`bench/seasons20.py` (the real seasons copied under other years, clubs renamed), which check-data must
accept. The targets of issue 12 are printed beside the figures, each marked PASS or FAIL. The machine is
shared and small (2 cores: the loopback and the bot take one each), so compare the rows of one run.

Both bots start from compiled bytecode, as a deployed bot does: pip compiles what it installs (discord.py
and the other libraries), and the project's own code, installed editable, is compiled here first
(`compiled_code`). Without that, a machine that sets PYTHONDONTWRITEBYTECODE (these do) would compile
every module of `bot/` and `cogs/` again at every start, about 0.2 s that no deployed start pays.
"""

from __future__ import annotations

import argparse
import asyncio
import compileall
import contextlib
import gc
import math
import os
import platform
import signal
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import discord
from aiohttp import web

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
from bench.seasons20 import make_data_dir  # noqa: E402
from bot.seasons.check import check_data  # noqa: E402
from bot.store.engine import Store  # noqa: E402
from bot.store.loader import check_store  # noqa: E402
from tests.support.loopback_discord import (  # noqa: E402
    FakeGuild,
    FakeUser,
    LoopbackDiscord,
    LoopbackTimeout,
    PushedInteraction,
)

DEADLINE = 3.0  # seconds Discord waits for an interaction's initial response
CALL_TIMEOUT = 30.0  # seconds one call may take before it counts as unanswered
STARTUP_TIMEOUT = 120.0  # seconds a bot may take from its process start to ready

# issue 12's targets
P50_TIMES_FLOOR = 1.5
P99_TIMES_FLOOR_P99 = 3.0
RSS_OVER_NOOP_MIB = 60.0
# "flat after 1,000 calls": from the warm-up to the 1,000th call, at most this much more growth than the no-op
FLAT_MIB = 2.0
COLD_START_OVER_NOOP_S = 1.0
COLD_START_SEASONS = 2  # the cold-start target holds at 2 seasons; at more it is shown for information
TARGET_BURST = 300


@dataclass(frozen=True)
class Call:
    """One kind of interaction: a slash command with its options, or an autocomplete of one option."""

    label: str
    path: str
    options: Mapping[str, Any] = field(default_factory=dict)
    focused: str | None = None  # an autocomplete: the option being typed
    typed: Sequence[str] = ()  # what is typed into it, call after call
    answer: str = "embed"  # what an answer must hold: "embed", "choices", or the exact content

    def push(self, fake: LoopbackDiscord, index: int) -> Awaitable[PushedInteraction]:
        """Push this interaction (the `index`-th of its kind) to the bot without waiting for the answer."""
        if self.focused is not None:
            value = self.typed[index % len(self.typed)] if self.typed else ""
            return fake.push_autocomplete(self.path, self.focused, value, self.options)
        return fake.push_slash(self.path, self.options)


COMMANDS: tuple[Call, ...] = (
    Call("/help", "help"),
    Call("/path team:folsom season:2024", "path", {"team": "folsom", "season": 2024}),
    Call("/round number:2 season:2024", "round", {"number": 2, "season": 2024}),
    Call(
        "/result team:Christos FC opponent:Aegean Hawks",
        "result",
        {"team": "Christos FC", "opponent": "Aegean Hawks"},
    ),
    Call("/team name:miami", "team", {"name": "miami"}),
    Call("/qualifiers season:2024", "qualifiers", {"season": 2024}),
    Call("/eligible team name:folsom season:2024", "eligible team", {"name": "folsom", "season": 2024}),
    Call(
        "autocomplete /path team: (f, fol, mia, …)",
        "path",
        focused="team",
        typed=("f", "fol", "mia", "chris", "aus", "harpo", "az", ""),
        answer="choices",
    ),
)
FLOOR = Call("no-op bot: /ok", "ok", answer="ok")


@dataclass(frozen=True)
class Config:
    """What to run."""

    calls: int = 200  # per command, after the warm-up
    warmup: int = 3  # calls per command before the measured ones (not counted)
    seasons: tuple[int, ...] = (2, 20)
    bursts: tuple[int, ...] = (50, 200, 300)
    starts: int = 3  # cold starts per bot; the median is reported
    rss_calls: int = 1000  # RSS is read after this many calls (topped up with mixed calls if need be)
    commands: tuple[Call, ...] = COMMANDS  # what the production bot is asked


@dataclass
class Sample:
    """One interaction as the loopback Discord saw it (seconds since it pushed the interaction)."""

    label: str
    first: float | None  # the initial response (None: none came)
    answer: float | None  # the answer: the initial response, or what replaced a deferral
    deferred: bool = False
    late: bool = False
    error: str | None = None


@dataclass(frozen=True)
class BurstCost:
    """What a burst took: seconds until every answer was in, and the CPU seconds each side spent meanwhile."""

    seconds: float
    bot_cpu: float
    loopback_cpu: float  # this process: the loopback Discord pushing, receiving and checking


@dataclass
class BotRun:
    """Everything measured of one bot at one season count."""

    kind: str
    cold_starts: list[float] = field(default_factory=list)
    first_answers: list[float] = field(default_factory=list)  # from starting the process to a first answer
    rss_ready: float = 0.0
    rss_warm: float = 0.0  # after the warm-up: every command answered a few times
    rss_mark: float | None = None  # after `rss_calls` calls
    rss_end: float = 0.0
    calls: int = 0
    latency: dict[str, list[Sample]] = field(default_factory=dict)
    cpu_ms: dict[str, float] = field(default_factory=dict)  # the bot's CPU time per call, per command
    bursts: dict[int, list[Sample]] = field(default_factory=dict)
    bursts_cost: dict[int, BurstCost] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)  # every call answered with an error, or not at all
    violations: Counter[str] = field(default_factory=Counter)  # Discord's rules broken, by kind
    loopback_problems: list[str] = field(default_factory=list)  # unhandled routes, the fake's own errors
    log_errors: list[str] = field(default_factory=list)  # ERROR lines and tracebacks in the bot's log

    @property
    def cold_start(self) -> float:
        """The median cold start."""
        return statistics.median(self.cold_starts)

    @property
    def first_answer(self) -> float | None:
        """The median time from starting the process to the answer of a command pushed at READY."""
        return statistics.median(self.first_answers) if self.first_answers else None


@dataclass
class SeasonRun:
    """Both bots at one season count."""

    seasons: int
    years: list[int]
    data_dir: Path
    build_seconds: float  # the first load of data/ into a new store (before, and apart from, the runs)
    check_errors: list[str]  # what check-data found wrong in data/ and in the store built from it
    floor: BotRun
    bot: BotRun


@dataclass
class Report:
    """A whole run."""

    config: Config
    runs: list[SeasonRun] = field(default_factory=list)
    seconds: float = 0.0


@dataclass
class Stats:
    """p50, p99 and max of some seconds."""

    count: int
    p50: float
    p99: float
    max: float

    @classmethod
    def of(cls, values: Sequence[float]) -> Stats | None:
        """The statistics of `values` (nearest rank), None when there are none."""
        if not values:
            return None
        ordered = sorted(values)

        def rank(share: float) -> float:
            return ordered[max(0, math.ceil(share * len(ordered)) - 1)]

        return cls(len(ordered), rank(0.50), rank(0.99), ordered[-1])


# --------------------------------------------------------------------------------------------------
# The loopback Discord, timing answers that come after a deferral


class TimedLoopback(LoopbackDiscord):
    """The loopback Discord, also noting when the first follow-up or edit of each interaction arrived.

    The loopback times initial responses itself (`InteractionResponse.elapsed`); an answer sent after a
    deferral comes by the interaction's webhook, whose arrival this notes on the same clock.
    """

    def __init__(self, **options: Any) -> None:
        """A loopback Discord (the options of `LoopbackDiscord`)."""
        super().__init__(**options)
        self.answered_at: dict[int, float] = {}

    def _note(self, request: web.Request, arrived: float) -> None:
        """Note an answer that arrived at `arrived` once the loopback has taken it (then tell the waiters)."""
        inter = self._interactions_by_token.get(request.match_info.get("token", ""))
        if inter is not None and request.method != "GET" and inter.id not in self.answered_at:
            self.answered_at[inter.id] = arrived
            self._notify()

    async def _webhook_execute(self, request: web.Request) -> web.Response:
        arrived = time.monotonic()
        response = await super()._webhook_execute(request)
        self._note(request, arrived)
        return response

    async def _webhook_message(self, request: web.Request) -> web.Response:
        arrived = time.monotonic()
        response = await super()._webhook_message(request)
        self._note(request, arrived)
        return response


def settled(fake: TimedLoopback, inter: PushedInteraction) -> bool:
    """Whether the bot has answered `inter` (responded, and followed a deferral up), or it cannot any more."""
    if not inter.responses:
        return False
    first = inter.responses[0]
    return not (first.accepted and first.type == 5) or inter.id in fake.answered_at


def sample_of(fake: TimedLoopback, inter: PushedInteraction, call: Call) -> Sample:
    """What became of one interaction."""
    if not inter.responses:
        return Sample(call.label, None, None, late=True, error="no initial response")
    first = inter.responses[0]
    late = first.elapsed > DEADLINE
    if not first.accepted:
        return Sample(call.label, first.elapsed, None, late=late, error=f"refused: {first.error}")
    deferred = first.type == 5
    answered = fake.answered_at.get(inter.id)
    answer = (None if answered is None else answered - inter.pushed_at) if deferred else first.elapsed
    sample = Sample(call.label, first.elapsed, answer, deferred=deferred, late=late)
    if deferred and answered is None:
        sample.error = "deferred, never answered"
    elif call.answer == "choices":
        if first.type != 8 or not first.choices:
            sample.error = f"no choices (response type {first.type})"
    else:
        message = inter.original
        content = "" if message is None else message.content
        embeds = [] if message is None else message.embeds
        if call.answer == "embed" and not embeds:
            sample.error = f"no answer, only: {content[:120]!r}"
        elif call.answer not in ("embed", "choices") and content != call.answer:
            sample.error = f"answered {content[:120]!r}"
    return sample


async def one_call(fake: TimedLoopback, call: Call, index: int) -> Sample:
    """Push one interaction, wait for its answer, and say what became of it."""
    inter = await call.push(fake, index)
    with contextlib.suppress(LoopbackTimeout):
        await fake.wait_until(lambda: settled(fake, inter), timeout=CALL_TIMEOUT, what=call.label)
    return sample_of(fake, inter, call)


async def burst(fake: TimedLoopback, calls: Sequence[Call], size: int) -> tuple[list[Sample], float]:
    """Push `size` interactions at once (the calls in turn), wait for every answer; the samples, seconds."""
    began = time.monotonic()
    pushed = [
        (call, await call.push(fake, index)) for index, call in zip(range(size), cycle(calls), strict=False)
    ]
    with contextlib.suppress(LoopbackTimeout):
        await fake.wait_until(
            lambda: all(settled(fake, inter) for _, inter in pushed),
            timeout=DEADLINE + CALL_TIMEOUT,
            what=f"the answers to a burst of {size}",
        )
    return [sample_of(fake, inter, call) for call, inter in pushed], time.monotonic() - began


def cycle(calls: Sequence[Call]) -> Iterator[Call]:
    """The calls in turn, for ever."""
    while True:
        yield from calls


# --------------------------------------------------------------------------------------------------
# The bot's process


def rss_mib(pid: int) -> float:
    """The resident set size of process `pid` in MiB (VmRSS)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def cpu_seconds(pid: int) -> float:
    """The user + system CPU time process `pid` has used."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class World:
    """The Discord the bots live in: one guild, two users, an application per bot (kept across starts)."""

    guild: FakeGuild = field(default_factory=lambda: FakeGuild(name="Open Cup fans"))
    users: list[FakeUser] = field(default_factory=lambda: [FakeUser(name="fan"), FakeUser(name="other fan")])
    applications: dict[str, FakeUser] = field(
        default_factory=lambda: {
            "production": FakeUser(name="Open Cup Bot", bot=True),
            "noop": FakeUser(name="No-op bot", bot=True),
        }
    )
    synced: dict[str, dict[int | None, list[dict[str, Any]]]] = field(default_factory=dict)


@dataclass
class Running:
    """A bot process logged in to its loopback Discord."""

    fake: TimedLoopback
    process: asyncio.subprocess.Process
    log: Path
    cold_start: float
    first_answer: float | None = None  # seconds from starting the process to the answer of `first`


class BotFailed(RuntimeError):
    """The bot's process stopped, or never became ready."""


def log_tail(path: Path, lines: int = 30) -> str:
    """The end of a log file."""
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def log_errors(path: Path) -> list[str]:
    """The ERROR and CRITICAL lines and tracebacks in a bot's log."""
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return []
    return [
        line for line in text.splitlines() if " ERROR " in line or " CRITICAL " in line or line == "Traceback"
    ]


@contextlib.asynccontextmanager
async def started(
    kind: str, world: World, *, log: Path, database_url: str = "", data_dir: Path | None = None
) -> AsyncIterator[Running]:
    """Start a bot of `kind` in its own process on a new loopback Discord; stop it on the way out.

    The loopback Discord knows the commands an earlier start synced (as Discord does after a restart), so
    a bot whose store remembers syncing them does not sync again. A first command (/ok, or /help) is pushed
    the moment the gateway is READY: when its answer arrives is the start as a user sees it (the production
    bot connects while its store side loads, and answers once it has).
    """
    fake = TimedLoopback(
        guilds=[world.guild], users=world.users, bot_user=world.applications[kind], patch=False
    )
    async with fake:
        fake.synced_commands = dict(world.synced.get(kind, {}))
        command = [sys.executable, "-m", "bench.bot_under_test", kind, "--port", str(fake.port)]
        if kind == "production":
            command += ["--database-url", database_url, "--data-dir", str(data_dir)]
        with log.open("wb") as written:
            began = time.monotonic()
            process = await asyncio.create_subprocess_exec(
                *command, cwd=ROOT, stdout=asyncio.subprocess.PIPE, stderr=written
            )
        ready = asyncio.ensure_future(fake.wait_ready(timeout=STARTUP_TIMEOUT))
        stopped = asyncio.ensure_future(process.wait())
        drained: asyncio.Future[None] | None = None
        try:
            await asyncio.wait({ready, stopped}, return_when=asyncio.FIRST_COMPLETED)
            cold_start = time.monotonic() - began
            if not ready.done() or ready.exception() is not None:
                raise BotFailed(f"the {kind} bot did not reach READY:\n{log_tail(log)}")
            first = FLOOR if kind == "noop" else COMMANDS[0]
            pushed = time.monotonic() - began
            try:
                asked: PushedInteraction | None = await first.push(fake, 0)
            except ValueError:  # a first start ever: Discord does not know the command before the bot syncs
                asked = None
            assert process.stdout is not None
            try:
                await asyncio.wait_for(announced(process.stdout), STARTUP_TIMEOUT)
            except (EOFError, TimeoutError) as failure:
                raise BotFailed(f"the {kind} bot never said it was ready:\n{log_tail(log)}") from failure
            drained = asyncio.ensure_future(drain(process.stdout))  # a full pipe would stall the bot
            first_answer = None
            if asked is not None:
                pending = asked
                with contextlib.suppress(LoopbackTimeout):
                    await fake.wait_until(
                        lambda: settled(fake, pending), timeout=CALL_TIMEOUT, what=first.label
                    )
                sample = sample_of(fake, pending, first)
                if sample.error is not None or sample.answer is None:
                    raise BotFailed(f"the {kind} bot did not answer {first.label} at start: {sample.error}")
                first_answer = pushed + sample.answer
            yield Running(fake, process, log, cold_start, first_answer)
        finally:
            for task in (ready, stopped, drained):
                if task is not None:
                    task.cancel()
            world.synced[kind] = dict(fake.synced_commands)
            if process.returncode is None:
                process.send_signal(signal.SIGINT)
                try:
                    await asyncio.wait_for(process.wait(), 15)
                except TimeoutError:
                    process.kill()
                    await process.wait()


async def announced(output: asyncio.StreamReader) -> None:
    """Read the bot's standard output up to its `ready` line; EOFError if it ends first."""
    while (line := await output.readline()) != b"ready\n":
        if not line:
            raise EOFError("the bot's output ended")


async def drain(output: asyncio.StreamReader) -> None:
    """Read and drop whatever else the bot writes to its standard output."""
    while await output.read(65536):
        pass


# --------------------------------------------------------------------------------------------------
# Measuring one bot


async def cold_starts(
    run: BotRun,
    world: World,
    *,
    count: int,
    logs: Path,
    database_url: str = "",
    data_dir: Path | None = None,
    progress: Callable[[str], None] = print,
) -> None:
    """Start and stop the bot of `run.kind` `count` times, recording each cold start."""
    for start in range(1, count + 1):
        log = logs / f"{run.kind}-{start}.log"
        async with started(run.kind, world, log=log, database_url=database_url, data_dir=data_dir) as bot:
            run.cold_starts.append(bot.cold_start)
            run.first_answers += [bot.first_answer] if bot.first_answer is not None else []
            progress(f"  {run.kind}: start {start}: READY after {bot.cold_start:.2f} s")
        run.log_errors += log_errors(log)


async def measure_both(
    world: World,
    config: Config,
    *,
    logs: Path,
    database_url: str,
    data_dir: Path,
    progress: Callable[[str], None] = print,
) -> tuple[BotRun, BotRun]:
    """Both bots: cold starts, then the last start of each answers everything, the two side by side.

    The latency calls alternate between the no-op bot and the production bot (one call at a time, the
    other bot idle meanwhile), so a moment of load on this shared machine falls on the floor as much as on
    the commands measured against it. Bursts and the calls up to the memory mark go to one bot at a time.
    """
    floor, bot = BotRun("noop"), BotRun("production")
    await cold_starts(floor, world, count=config.starts - 1, logs=logs, progress=progress)
    await cold_starts(
        bot, world, count=config.starts - 1, logs=logs, progress=progress, database_url=database_url,
        data_dir=data_dir,
    )  # fmt: skip
    last = config.starts
    async with contextlib.AsyncExitStack() as stack:
        running_floor = await stack.enter_async_context(started("noop", world, log=logs / f"noop-{last}.log"))
        floor.cold_starts.append(running_floor.cold_start)
        floor.first_answers += [running_floor.first_answer] if running_floor.first_answer is not None else []
        progress(f"  noop: start {last}: READY after {running_floor.cold_start:.2f} s")
        running_bot = await stack.enter_async_context(
            started(
                "production",
                world,
                log=logs / f"production-{last}.log",
                database_url=database_url,
                data_dir=data_dir,
            )
        )
        bot.cold_starts.append(running_bot.cold_start)
        bot.first_answers += [running_bot.first_answer] if running_bot.first_answer is not None else []
        progress(f"  production: start {last}: READY after {running_bot.cold_start:.2f} s")
        await answer_everything(floor, running_floor, bot, running_bot, config, progress=progress)
        for run, running in ((floor, running_floor), (bot, running_bot)):
            run.violations.update(violation.kind for violation in running.fake.violations)
            run.loopback_problems += [f"unhandled route: {route}" for route in running.fake.unhandled]
            run.loopback_problems += [f"loopback error: {error}" for error in running.fake.errors]
    floor.log_errors += log_errors(logs / f"noop-{last}.log")
    bot.log_errors += log_errors(logs / f"production-{last}.log")
    return floor, bot


class Caller:
    """Calls to one running bot, counted, with its RSS taken at the memory mark."""

    def __init__(self, run: BotRun, bot: Running, config: Config) -> None:
        """Call `bot`, recording into `run`."""
        self.run, self.bot, self.config, self.pid = run, bot, config, bot.process.pid

    async def __call__(self, which: Call, index: int) -> Sample:
        """One call, one at a time."""
        sample = await one_call(self.bot.fake, which, index)
        self.run.calls += 1
        if self.run.calls == self.config.rss_calls:
            self.run.rss_mark = rss_mib(self.pid)
        if sample.error is not None:
            self.run.errors.append(f"{which.label}: {sample.error}")
        return sample


async def answer_everything(
    floor: BotRun,
    floor_bot: Running,
    run: BotRun,
    bot: Running,
    config: Config,
    *,
    progress: Callable[[str], None],
) -> None:
    """What is measured: warm-up, latency side by side, calls up to the RSS mark, bursts (one bot at once)."""
    floor_call, bot_call = Caller(floor, floor_bot, config), Caller(run, bot, config)
    commands = config.commands
    floor.rss_ready, run.rss_ready = rss_mib(floor_call.pid), rss_mib(bot_call.pid)
    gc.collect()
    gc.disable()  # the loopback's own collections would be timed as the bots'
    try:
        for index in range(config.warmup * len(commands)):
            await floor_call(FLOOR, index)
        for which in commands:
            for index in range(config.warmup):
                await bot_call(which, index)
        floor.rss_warm, run.rss_warm = rss_mib(floor_bot.process.pid), rss_mib(bot.process.pid)
        floor.latency[FLOOR.label] = []
        spent: dict[str, float] = dict.fromkeys([FLOOR.label, *(which.label for which in commands)], 0.0)
        for index in range(config.calls):
            for which in commands:  # the floor's call, then the command's: as many of each
                used = cpu_seconds(floor_call.pid)
                floor.latency[FLOOR.label].append(await floor_call(FLOOR, index))
                spent[FLOOR.label] += cpu_seconds(floor_call.pid) - used
                used = cpu_seconds(bot_call.pid)
                run.latency.setdefault(which.label, []).append(await bot_call(which, index))
                spent[which.label] += cpu_seconds(bot_call.pid) - used
        floor.cpu_ms[FLOOR.label] = spent[FLOOR.label] * 1000 / max(config.calls * len(commands), 1)
        for which in commands:
            run.cpu_ms[which.label] = spent[which.label] * 1000 / max(config.calls, 1)
        progress(f"  both bots: {floor.calls} and {run.calls} calls answered one at a time, side by side")
        for measured, caller, calls in ((floor, floor_call, (FLOOR,)), (run, bot_call, commands)):
            mixed = cycle(calls)
            index = 0
            while measured.calls < config.rss_calls:
                await caller(next(mixed), index)
                index += 1
        for measured, running, calls in ((floor, floor_bot, (FLOOR,)), (run, bot, commands)):
            for size in config.bursts:
                gc.collect()
                used, ours = cpu_seconds(running.process.pid), time.process_time()
                samples, seconds = await burst(running.fake, calls, size)
                cost = BurstCost(seconds, cpu_seconds(running.process.pid) - used, time.process_time() - ours)
                measured.calls += size
                measured.bursts[size], measured.bursts_cost[size] = samples, cost
                measured.errors += [
                    f"burst of {size}: {s.label}: {s.error}" for s in samples if s.error and not s.late
                ]
                await asyncio.sleep(0.5)  # let the bot finish what it still does with the burst
            if config.bursts:
                progress(f"  {measured.kind}: bursts of {', '.join(map(str, config.bursts))} answered")
    finally:
        gc.enable()
    floor.rss_end, run.rss_end = rss_mib(floor_bot.process.pid), rss_mib(bot.process.pid)


# --------------------------------------------------------------------------------------------------
# Season counts


def real_years() -> list[int]:
    """The seasons in the project's data/."""
    return sorted(int(path.name) for path in (ROOT / "data" / "seasons").iterdir() if path.name.isdigit())


async def build_store(url: str, data_dir: Path) -> tuple[float, list[str]]:
    """Load data/ into a new store as a first start would; the seconds it took, and check-data's errors."""
    began = time.monotonic()
    store = Store(url, data_dir)
    await store.open()
    await store.close()
    seconds = time.monotonic() - began
    report = check_data(data_dir=data_dir)
    section = await check_store(url=url, report=report)
    return seconds, [str(problem) for problem in [*report.errors, *section.problems]]


async def run_seasons(
    seasons: int, config: Config, world: World, work: Path, progress: Callable[[str], None]
) -> SeasonRun:
    """Both bots at one season count."""
    folder = work / f"{seasons}-seasons"
    folder.mkdir()
    if seasons == len(real_years()):
        data_dir = ROOT / "data"
    else:
        data_dir = await asyncio.to_thread(make_data_dir, target=folder / "data", seasons=seasons)
    years = sorted(int(path.name) for path in (data_dir / "seasons").iterdir() if path.name.isdigit())
    url = f"sqlite+aiosqlite:///{folder / 'store.sqlite3'}"
    progress(f"{seasons} seasons ({years[0]}–{years[-1]}): building the store from {data_dir}")
    build_seconds, problems = await build_store(url, data_dir)
    if problems:
        progress(f"  check-data finds {len(problems)} errors: {'; '.join(problems[:3])}")
    logs = folder / "logs"
    logs.mkdir()
    floor, bot = await measure_both(
        world, config, logs=logs, database_url=url, data_dir=data_dir, progress=progress
    )
    gc.collect()
    return SeasonRun(seasons, years, data_dir, build_seconds, problems, floor, bot)


def compiled_code() -> None:
    """Compile the project's code to bytecode (in `__pycache__`, ignored by git), as pip compiles packages."""
    for folder in ("bot", "cogs", "bench"):
        compileall.compile_dir(ROOT / folder, quiet=1)


async def run_benchmark(
    config: Config, *, work: Path | None = None, progress: Callable[[str], None] = print
) -> Report:
    """Run everything `config` asks for; `work` holds the stores and the bots' logs (a temporary folder)."""
    report = Report(config)
    began = time.monotonic()
    compiled_code()
    world = World()
    with contextlib.ExitStack() as stack:
        if work is None:
            work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-discord-")))
        for seasons in config.seasons:
            report.runs.append(await run_seasons(seasons, config, world, work, progress))
    report.seconds = time.monotonic() - began
    return report


# --------------------------------------------------------------------------------------------------
# The table


def ms(seconds: float | Stats | None, which: str = "") -> str:
    """Seconds (or one figure of some statistics) as milliseconds for the table."""
    if isinstance(seconds, Stats):
        seconds = float(getattr(seconds, which))
    return "—" if seconds is None else f"{seconds * 1000:.1f}"


def verdict(ok: bool) -> str:
    """PASS or FAIL."""
    return "PASS" if ok else "FAIL"


@dataclass
class Judged:
    """The targets met and missed in a report."""

    passed: int = 0
    failed: list[str] = field(default_factory=list)

    def judge(self, ok: bool, what: str) -> str:
        """Count one target; its mark."""
        if ok:
            self.passed += 1
        else:
            self.failed.append(what)
        return verdict(ok)


def answers(samples: Sequence[Sample]) -> list[float]:
    """The answer times of the samples that have one."""
    return [s.answer for s in samples if s.answer is not None]


def render_latency(run: SeasonRun, config: Config, judged: Judged) -> list[str]:
    """The per-command table."""
    floor = Stats.of(answers(run.floor.latency.get(FLOOR.label, [])))
    lines = [
        f"  {'call':<48}{'n':>5}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}{'×fl p50':>9}{'×fl p99':>9}"
        f"{'CPU ms':>8}{'errors':>8}  target: p50 ≤ {P50_TIMES_FLOOR:g}× floor, p99 ≤ "
        f"{P99_TIMES_FLOOR_P99:g}× floor p99"
    ]

    def row(label: str, samples: Sequence[Sample], cpu: float | None, mark: str) -> None:
        stats = Stats.of(answers(samples))
        errors = sum(1 for s in samples if s.error)
        if stats is None or floor is None:
            lines.append(f"  {label:<48}{len(samples):>5}  no answers{errors:>8}  {mark}")
            return
        lines.append(
            f"  {label:<48}{len(samples):>5}{ms(stats.p50):>9}{ms(stats.p99):>9}{ms(stats.max):>9}"
            f"{stats.p50 / floor.p50:>9.2f}{stats.p99 / floor.p99:>9.2f}"
            f"{'—' if cpu is None else f'{cpu:.2f}':>8}{errors:>8}  {mark}"
        )

    row(
        FLOOR.label + " (the floor)",
        run.floor.latency.get(FLOOR.label, []),
        run.floor.cpu_ms.get(FLOOR.label),
        "",
    )
    for call in config.commands:
        samples = run.bot.latency.get(call.label, [])
        stats = Stats.of(answers(samples))
        if stats is None or floor is None:
            mark = judged.judge(False, f"{run.seasons} seasons: {call.label}: no answers")
        else:
            slow = [
                part
                for part, ok in (
                    ("p50", stats.p50 <= P50_TIMES_FLOOR * floor.p50),
                    ("p99", stats.p99 <= P99_TIMES_FLOOR_P99 * floor.p99),
                )
                if not ok
            ]
            failed = sum(1 for s in samples if s.error)
            slow += [f"{failed} answered with an error"] if failed else []
            mark = judged.judge(not slow, f"{run.seasons} seasons: {call.label} ({', '.join(slow)})")
            if slow:
                mark += f" ({', '.join(slow)})"
        deferred = sum(1 for s in samples if s.deferred)
        row(
            call.label,
            samples,
            run.bot.cpu_ms.get(call.label),
            mark + (f"; {deferred} deferred" if deferred else ""),
        )
    return lines


def render_bursts(run: SeasonRun, config: Config, judged: Judged) -> list[str]:
    """The bursts table."""
    lines = [
        f"  {'burst':<7}{'bot':<12}{'late':>9}{'first p50':>11}{'first p99':>11}{'answer p50':>12}"
        f"{'answer p99':>12}{'max':>9}{'took s':>8}{'bot CPU':>9}{'loop CPU':>9}"
        f"  (ms; late: initial response > {DEADLINE:g} s; CPU s: the bot's, the loopback's)"
    ]
    for size in config.bursts:
        for which in (run.floor, run.bot):
            samples = which.bursts.get(size, [])
            late = sum(1 for s in samples if s.late)
            first = Stats.of([s.first for s in samples if s.first is not None])
            answer = Stats.of(answers(samples))
            mark = ""
            if which is run.bot and size == TARGET_BURST:
                mark = "  target 0 late: " + judged.judge(
                    late == 0, f"{run.seasons} seasons: burst of {size}: {late} late"
                )
            deferred = sum(1 for s in samples if s.deferred)
            name = "no-op" if which is run.floor else "production"
            cost = which.bursts_cost.get(size, BurstCost(0.0, 0.0, 0.0))
            lines.append(
                f"  {size:<7}{name:<12}{f'{late}/{len(samples)}':>9}"
                f"{ms(first, 'p50'):>11}{ms(first, 'p99'):>11}{ms(answer, 'p50'):>12}"
                f"{ms(answer, 'p99'):>12}{ms(answer, 'max'):>9}"
                f"{cost.seconds:>8.2f}{cost.bot_cpu:>9.2f}{cost.loopback_cpu:>9.2f}{mark}"
                + (f"  ({deferred} deferred)" if deferred else "")
            )
    return lines


def render_memory(run: SeasonRun, config: Config, judged: Judged) -> list[str]:
    """Cold start and RSS."""
    floor, bot = run.floor, run.bot
    lines = [f"  {'':<34}{'no-op':>10}{'production':>12}  target"]
    starts = ", ".join(f"{s:.2f}" for s in bot.cold_starts)
    cold_ok = bot.cold_start <= floor.cold_start + COLD_START_OVER_NOOP_S
    if run.seasons == COLD_START_SEASONS:
        mark = judged.judge(cold_ok, f"{run.seasons} seasons: cold start")
    else:
        mark = f"(information: the target is at {COLD_START_SEASONS} seasons)"
    lines.append(
        f"  {f'cold start → READY, s (median of {len(bot.cold_starts)})':<34}{floor.cold_start:>10.2f}"
        f"{bot.cold_start:>12.2f}  ≤ no-op + {COLD_START_OVER_NOOP_S:g} s: {mark}  [production: {starts}]"
    )
    if floor.first_answer is not None and bot.first_answer is not None:
        answers = ", ".join(f"{s:.2f}" for s in bot.first_answers)
        lines.append(
            f"  {'cold start → first answer, s':<34}{floor.first_answer:>10.2f}{bot.first_answer:>12.2f}"
            f"  (information: /ok or /help pushed at READY, answered once the store side has loaded)"
            f"  [production: {answers}]"
        )
    rss_ok = bot.rss_ready <= floor.rss_ready + RSS_OVER_NOOP_MIB
    lines.append(
        f"  {'RSS at ready, MiB':<34}{floor.rss_ready:>10.1f}{bot.rss_ready:>12.1f}  ≤ no-op + "
        f"{RSS_OVER_NOOP_MIB:g} MiB: {judged.judge(rss_ok, f'{run.seasons} seasons: RSS at ready')}"
    )
    warm = "RSS after the warm-up, MiB"
    lines.append(
        f"  {warm:<34}{floor.rss_warm:>10.1f}{bot.rss_warm:>12.1f}  (information: every command answered "
        f"{config.warmup} times)"
    )
    if floor.rss_mark is not None and bot.rss_mark is not None:
        mark_ok = bot.rss_mark <= floor.rss_mark + RSS_OVER_NOOP_MIB
        after = f"RSS after {config.rss_calls:,} calls, MiB"
        lines.append(
            f"  {after:<34}{floor.rss_mark:>10.1f}{bot.rss_mark:>12.1f}"
            f"  ≤ no-op + {RSS_OVER_NOOP_MIB:g} MiB: "
            + judged.judge(mark_ok, f"{run.seasons} seasons: RSS after {config.rss_calls} calls")
        )
        grown, floor_grown = bot.rss_mark - bot.rss_warm, floor.rss_mark - floor.rss_warm
        flat_ok = grown <= floor_grown + FLAT_MIB
        lines.append(
            f"  {'growth: warm-up → that, MiB':<34}{floor_grown:>+10.1f}{grown:>+12.1f}"
            f"  flat: ≤ the no-op's growth + {FLAT_MIB:g} MiB: "
            + judged.judge(flat_ok, f"{run.seasons} seasons: RSS growth over {config.rss_calls} calls")
        )
    lines.append(
        f"  {'RSS at the end, MiB':<34}{floor.rss_end:>10.1f}{bot.rss_end:>12.1f}  (information: after "
        f"{floor.calls:,} and {bot.calls:,} calls)"
    )
    return lines


def render(report: Report) -> str:
    """The report as a table, targets beside the figures."""
    config = report.config
    judged = Judged()
    lines = [
        f"bench_discord: {config.calls} calls per command (after {config.warmup} not counted), bursts of "
        f"{', '.join(map(str, config.bursts)) or 'none'}, {config.starts} cold start(s) per bot; "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}, discord.py {discord.__version__}",
        "latency: from the loopback Discord pushing the interaction to the bot's answer reaching it; "
        "each bot runs in its own process",
    ]
    for run in report.runs:
        lines.append("")
        lines.append(
            f"== {run.seasons} seasons ({run.years[0]}–{run.years[-1]}), data {run.data_dir}; first load "
            f"into a new store {run.build_seconds:.1f} s (before the runs, not in the cold start) =="
        )
        if run.check_errors:
            lines.append(f"  check-data: {len(run.check_errors)} ERRORS: " + "; ".join(run.check_errors[:5]))
        lines += render_latency(run, config, judged)
        if config.bursts:
            lines.append("")
            lines += render_bursts(run, config, judged)
        lines.append("")
        lines += render_memory(run, config, judged)
        for which in (run.floor, run.bot):
            problems = [*which.errors[:5], *which.loopback_problems[:5], *which.log_errors[:5]]
            rules = {kind: count for kind, count in which.violations.items() if kind != "late-response"}
            if rules:
                problems.append(f"Discord's rules broken: {rules}")
            if problems:
                lines.append(f"  {which.kind} bot: {len(which.errors)} calls failed; " + "; ".join(problems))
    lines.append("")
    total = judged.passed + len(judged.failed)
    lines.append(
        f"targets: {judged.passed} of {total} PASS"
        + (f"; FAIL: {'; '.join(judged.failed)}" if judged.failed else "")
    )
    lines.append(f"took {report.seconds:.0f} s")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(
        prog="python -m bench.bench_discord", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--calls", type=int, default=None, help="calls per command (default 200; --quick: 40)"
    )
    parser.add_argument("--quick", action="store_true", help="a short run: fewer calls, one cold start each")
    parser.add_argument("--seasons", default="2,20", help="season counts, e.g. 2,20 (default)")
    parser.add_argument(
        "--bursts", default="50,200,300", help="burst sizes (default 50,200,300; '' for none)"
    )
    parser.add_argument(
        "--starts", type=int, default=None, help="cold starts per bot (default 3; --quick: 1)"
    )
    options = parser.parse_args(argv)
    if any(count is not None and count < 1 for count in (options.calls, options.starts)):
        parser.error("--calls and --starts count from 1")

    def numbers(text: str, what: str) -> tuple[int, ...]:
        try:
            counted = tuple(int(part) for part in text.replace(" ", "").split(",") if part)
        except ValueError:
            parser.error(f"{what} takes whole numbers separated by commas, e.g. 2,20; not {text!r}")
        if any(number < 1 for number in counted):
            parser.error(f"{what} counts from 1")
        return counted

    config = Config(
        calls=options.calls if options.calls is not None else (40 if options.quick else 200),
        seasons=numbers(options.seasons, "--seasons") or (2,),
        bursts=numbers(options.bursts, "--bursts"),
        starts=options.starts if options.starts is not None else (1 if options.quick else 3),
    )
    report = asyncio.run(
        run_benchmark(config, progress=lambda line: print(line, file=sys.stderr, flush=True))
    )
    print(render(report))


if __name__ == "__main__":
    main()
