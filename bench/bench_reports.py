"""Write-path benchmark: moderators' reports applied per second through the answer path, beside plain
SQLite inserts of the same number of rows in the same run (the floor), on a temporary SQLite store; and,
with --kill, the full durability drill. Prints figures; the drill's loss count is the one thing it checks
(exit status 1 if an acknowledged report was lost). These machines are shared and noisy: compare the
rows of one run, not runs with each other.

    python -m bench.bench_reports [--reports N] [--kill] [--seed S]

Each report is what the console does for `/report fixture:N score:H-A overwrite:true` then `--yes`: a
preview (`report(..., apply=False)`) in one session, then the confirmation naming the version previewed
(`report(..., apply=True, version=...)`) in another, its own transaction. The reports go round the 22
round-3 ties of 2024 as it stood after round 2, alternating the scores, so each one changes who goes
through and fills a round-4 side (two revisions and one store version per report). The process is set up
as the bot's is once started: the model read, then the garbage collector's passes spared every long-lived
object (`gc.freeze`, and `freeze_after_loads` for models read whole later).

Then, after each of as many more reports, the first `/path` of a club of that tie is timed (CPU and wall):
every write moves the store version, so that answer is made afresh from the model the write patched.

--kill: a separate process applies 1,000 reports one by one, printing an acknowledgement line (flushed)
after each commit returns; it is SIGKILLed after a random number of them; the store is opened again,
the acknowledged reports are counted in it, and a new process applies the rest of the 1,000. Every
acknowledged report must be there, once; `check-data`'s store check must find nothing wrong.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlmodel import col, select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bot.answers.path import path  # noqa: E402
from bot.answers.report import report  # noqa: E402
from bot.seasons.check import check_data  # noqa: E402
from bot.store.engine import Store, make_engine  # noqa: E402
from bot.store.loader import check_store  # noqa: E402
from bot.store.model import freeze_after_loads  # noqa: E402
from bot.store.models import Fixture, Revision  # noqa: E402
from bot.store.version import store_version  # noqa: E402
from tests.support.report_process import DRILL_ACTOR, data_in_progress, drill, planned  # noqa: E402

SEASON = 2024
TARGET = 300  # reports per second (issue 11)
DRILL = 1000  # reports in the --kill drill
PREFIX = "bench-"
ROW = ("fixture", 2024, "mod:bench", '{"home_score": 2, "away_score": 1}', "reported")


async def round_three(store: Store) -> list[int]:
    """The numbers of the ties the reports go round."""
    async with store.session() as session:
        found = await session.exec(
            select(Fixture.number).where(Fixture.round == 3).order_by(col(Fixture.number))
        )
        return list(found.all())


async def counted(store: Store, prefix: str) -> tuple[int, int, int]:
    """Revisions with a request id starting `prefix`, distinct such ids, and the store version."""
    async with store.session() as session:
        requests = (
            await session.exec(select(Revision.request).where(col(Revision.request).startswith(prefix)))
        ).all()
        return len(requests), len(set(requests)), await store_version(session)


async def answer_path(store: Store, ties: list[int], count: int) -> tuple[float, float, float]:
    """Apply `count` reports as the console does; seconds in all, in the previews, in the confirmations."""
    previewing = applying = 0.0
    for index in range(count):
        fixture, score = planned(index, ties)
        start = time.perf_counter()
        async with store.session() as session:
            preview = await report(
                session, fixture=fixture, score=score, season=SEASON, overwrite=True, actor=DRILL_ACTOR
            )
        assert preview.before is not None
        middle = time.perf_counter()
        async with store.session() as session:
            await report(
                session,
                fixture=fixture,
                score=score,
                season=SEASON,
                overwrite=True,
                actor=DRILL_ACTOR,
                apply=True,
                version=preview.before.version,
                request=f"{PREFIX}{index}",
            )
        previewing += middle - start
        applying += time.perf_counter() - middle
    return previewing + applying, previewing, applying


async def first_answers_after_writes(store: Store, ties: list[int], count: int) -> list[tuple[float, float]]:
    """After each of `count` more reports, the first /path of a club of that tie: (CPU ms, wall ms).

    Every write moves the store version, so each of these answers is made afresh (nothing cached), from
    the model this process patched with the write.
    """
    timings = []
    for index in range(count, 2 * count):
        fixture, score = planned(index, ties)
        async with store.session() as session:
            done = await report(
                session, fixture=fixture, score=score, season=SEASON, overwrite=True, actor=DRILL_ACTOR,
                apply=True, request=f"{PREFIX}fresh-{index}",
            )  # fmt: skip
        assert done.fixture is not None and done.fixture.home is not None
        cpu, wall = time.process_time(), time.perf_counter()
        async with store.session() as session:
            await path(session, team=done.fixture.home, season=SEASON)
        timings.append(((time.process_time() - cpu) * 1000, (time.perf_counter() - wall) * 1000))
    return timings


def plain_sqlite(path: Path, count: int) -> float:
    """Seconds for `count` single-row INSERTs, each committed, with sqlite3 and the store's pragmas."""
    with sqlite3.connect(path, isolation_level=None) as connection:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute(
            "CREATE TABLE revision (id INTEGER PRIMARY KEY, kind TEXT, season INTEGER, actor TEXT, "
            "after TEXT, why TEXT, request TEXT UNIQUE)"
        )
        start = time.perf_counter()
        for index in range(count):
            connection.execute("BEGIN")
            connection.execute(
                "INSERT INTO revision (kind, season, actor, after, why, request) VALUES (?, ?, ?, ?, ?, ?)",
                (*ROW, f"row-{index}"),
            )
            connection.execute("COMMIT")
        return time.perf_counter() - start


async def engine_inserts(url: str, count: int) -> float:
    """Seconds for the same INSERTs through the store's own engine (SQLAlchemy async on aiosqlite)."""
    engine = make_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.execute(
                text(
                    "CREATE TABLE revision (id INTEGER PRIMARY KEY, kind TEXT, season INTEGER, actor TEXT, "
                    "after TEXT, why TEXT, request TEXT UNIQUE)"
                )
            )
        insert = text(
            "INSERT INTO revision (kind, season, actor, after, why, request) "
            "VALUES (:kind, :season, :actor, :after, :why, :request)"
        )
        start = time.perf_counter()
        for index in range(count):
            async with engine.begin() as connection:
                values = dict(zip(("kind", "season", "actor", "after", "why"), ROW, strict=True))
                await connection.execute(insert, values | {"request": f"row-{index}"})
        return time.perf_counter() - start
    finally:
        await engine.dispose()


def row(label: str, count: int, seconds: float) -> None:
    """One line of the table."""
    print(f"  {label:<60}{count:>7}{seconds:>9.2f}{count / seconds:>10.1f}")


async def throughput(folder: Path, work: Path, count: int) -> None:
    """Reports per second through the answer path, beside the floors, and whether any was lost."""
    store = await Store(f"sqlite+aiosqlite:///{work / 'store.sqlite3'}", folder).open()
    try:
        ties = await round_three(store)
        await store.model()  # as the bot does once started (bot/client.py): the model read, and the
        freeze_after_loads()  # collector's passes spared every long-lived object
        gc.freeze()
        _, _, before = await counted(store, PREFIX)
        total, previewing, applying = await answer_path(store, ties, count)
        revisions, distinct, after = await counted(store, PREFIX)
        fresh_answers = await first_answers_after_writes(store, ties, count)
    finally:
        freeze_after_loads(False)
        gc.unfreeze()
        await store.close()
    floor = plain_sqlite(work / "plain.sqlite3", count)
    engine = await engine_inserts(f"sqlite+aiosqlite:///{work / 'engine.sqlite3'}", count)
    print(
        f"\nreports on a temporary SQLite store (WAL), 2024 after round 2, {len(ties)} round-3 ties in turn"
    )
    print(f"  {'path':<60}{'count':>7}{'s':>9}{'per s':>10}")
    row("/report: preview + apply, each its own session", count, total)
    row("  of which previews (report apply=False)", count, previewing)
    row("  of which confirmations (report apply=True, version)", count, applying)
    row("plain sqlite3 INSERT, one row per commit (the floor)", count, floor)
    row("the store's engine (SQLAlchemy + aiosqlite) INSERT, commit", count, engine)
    rate = count / total
    print(
        f"  target >= {TARGET} reports/s: {'met' if rate >= TARGET else 'NOT met'} ({rate:.1f}/s, "
        f"{total / count * 1000:.1f} ms a report, {floor / count * 1000:.2f} ms a plain insert)"
    )
    cpu = sorted(c for c, _ in fresh_answers)
    wall = sorted(w for _, w in fresh_answers)
    print(
        f"  the first /path after each of {len(fresh_answers)} more writes (made afresh, patched model): "
        f"CPU p50 {cpu[len(cpu) // 2]:.2f} ms, p99 {cpu[int(len(cpu) * 0.99)]:.2f} ms; "
        f"wall p50 {wall[len(wall) // 2]:.2f} ms (target: <= 5 ms of CPU)"
    )
    lost = count - revisions
    print(
        f"  loss: {count} applied, {revisions} revisions with their request ids ({distinct} distinct), "
        f"store version +{after - before}: {'none lost' if lost == 0 and distinct == revisions else 'LOST'}"
    )


def drill_child(request: dict[str, Any]) -> None:
    """The drill's process: apply reports, printing one acknowledgement line after each commit returns."""

    def ack(line: dict[str, Any]) -> None:
        print(json.dumps(line), flush=True)

    async def run() -> None:
        store = Store(request["url"], Path(request["data"]))
        try:
            await drill(
                store,
                season=SEASON,
                fixtures=request["fixtures"],
                count=request["count"],
                prefix=request["prefix"],
                ack=ack,
                start=request["start"],
            )
        finally:
            await store.close()

    asyncio.run(run())


def run_drill(
    url: str, folder: Path, ties: list[int], *, start: int, kill_after: int | None, pause: float = 0.0
) -> tuple[list[dict[str, Any]], int, float]:
    """Run the drill from report `start` in a new process, SIGKILLed `pause` seconds after `kill_after`
    acknowledgements (None: let it finish); the acknowledgements it printed, its exit status and the
    seconds it ran."""
    request = {
        "url": url,
        "data": str(folder),
        "fixtures": ties,
        "count": DRILL,
        "prefix": PREFIX,
        "start": start,
    }
    began = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-m", "bench.bench_reports", "--drill-child", json.dumps(request)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    acks: list[dict[str, Any]] = []
    for line in child.stdout:
        acks.append(json.loads(line))
        if kill_after is not None and len(acks) == kill_after:
            time.sleep(pause)
            os.kill(child.pid, signal.SIGKILL)
            break
    acks += [json.loads(line) for line in child.stdout if line.endswith("\n")]  # printed before the kill
    status = child.wait()
    return acks, status, time.perf_counter() - began


async def held(url: str, folder: Path) -> tuple[dict[str, int], int]:
    """Open the store as any process does: the revision of each drill request id, and the store version.

    A request id is unique in the store, so none is there twice; the store version, one more per report
    applied, shows that nothing was applied twice under another id either.
    """
    store = await Store(url, folder).open()
    try:
        async with store.session() as session:
            rows = (
                await session.exec(
                    select(Revision.request, Revision.id).where(col(Revision.request).startswith(PREFIX))
                )
            ).all()
            return {str(request): int(revision or 0) for request, revision in rows}, await store_version(
                session
            )
    finally:
        await store.close()


def kill_drill(folder: Path, work: Path, seed: int) -> int:
    """The full drill with a SIGKILL part-way; prints what was acknowledged and lost. Returns the loss."""
    url = f"sqlite+aiosqlite:///{work / 'drill.sqlite3'}"

    async def prepare() -> tuple[list[int], int]:
        store = await Store(url, folder).open()
        try:
            async with store.session() as session:
                return await round_three(store), await store_version(session)
        finally:
            await store.close()

    ties, base = asyncio.run(prepare())
    rng = random.Random(seed)
    kill_at, pause = rng.randint(DRILL // 10, DRILL * 9 // 10), rng.uniform(0.0, 0.15)
    acks, status, seconds = run_drill(url, folder, ties, start=0, kill_after=kill_at, pause=pause)
    stored, version = asyncio.run(held(url, folder))
    lost = [ack["request"] for ack in acks if stored.get(ack["request"]) != ack["revision"]]
    extra = len(stored) - len(acks)  # applied, but killed before its acknowledgement was printed
    print(
        f"\ndurability drill: {DRILL} reports, SIGKILL {pause:.3f} s after acknowledgement {kill_at} "
        f"(--seed {seed})"
    )
    print(f"  killed: exit status {status}, {len(acks)} acknowledged in {seconds:.1f} s")
    print(
        f"  after the restart: {len(stored)} in the store, {len(lost)} acknowledged but lost, "
        f"{extra} applied but not yet acknowledged, store version +{version - base}"
    )
    rest, status, seconds = run_drill(url, folder, ties, start=len(stored), kill_after=None)
    stored, version = asyncio.run(held(url, folder))
    missing = DRILL - len(stored) + abs(version - base - len(stored))
    print(
        f"  the rest by a new process: {len(rest)} more in {seconds:.1f} s (exit status {status}); "
        f"{len(stored)} of {DRILL} reports in the store, each once, store version +{version - base}"
    )
    section = asyncio.run(check_store(url=url, report=check_data(data_dir=folder)))
    print(f"  check-data's store check: {len(section.problems)} problems; " + "; ".join(section.passed[:2]))
    for problem in section.problems:
        print(f"    {problem}")
    return len(lost) + missing + len(section.problems)


def main() -> None:
    """Run the measurements and print the table."""
    parser = argparse.ArgumentParser(
        prog="python -m bench.bench_reports", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--reports", type=int, default=200, help="reports to apply for the rate (default 200)"
    )
    parser.add_argument("--kill", action="store_true", help="also the 1,000-report drill with a SIGKILL")
    parser.add_argument("--seed", type=int, default=None, help="where the drill is killed (default: random)")
    parser.add_argument("--drill-child", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.drill_child:
        drill_child(json.loads(options.drill_child))
        return
    with tempfile.TemporaryDirectory() as temporary:
        work = Path(temporary)
        folder = data_in_progress(ROOT / "data", work / "data")
        asyncio.run(throughput(folder, work, options.reports))
        if options.kill:
            seed = options.seed if options.seed is not None else random.randrange(2**32)
            if kill_drill(folder, work, seed):
                sys.exit(1)


if __name__ == "__main__":
    main()
