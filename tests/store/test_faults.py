"""The store survives faults (issue 10): a kill while a new store is being created, two processes opening
one new store at once, and a damaged SQLite file.

Real processes, real SIGKILLs, real files and a real PostgreSQL: a fork server
(`tests/support/store_process.py`) imports the bot once and forks one process per open, each opening the
store exactly as the bot does, so the tests can afford many processes within a few seconds. The kill and
two-at-once tests load a copy of data/ holding one season (a real load, in half the time of both).
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, make_url, text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlmodel import col, select

import bot.__main__ as cli
from bench.seasons20 import make_data_dir
from bot.seasons.datafiles import read_data
from bot.settings import Settings
from bot.store.engine import Store
from bot.store.models import Fixture, Season
from tests.conftest import BACKENDS, DATA, drop_database, fresh_database_url
from tests.support.fork_server import ForkClient
from tests.support.loopback_discord import LoopbackDiscord

ROOT = Path(__file__).resolve().parents[2]
# SQLite is where the faults were; PostgreSQL (already safe: transactional DDL, advisory locks) is guarded
# with fewer trials, each of which costs more there.
KILLS = {"sqlite": 8, "postgresql": 6}
PAIRS = {"sqlite": 10, "postgresql": 4}  # two processes at once
REBUILD_KILLS = 4
LANES = 2  # trials run side by side (this machine has two cores)
ALL = {"2017": 46, "2024": 98}  # fixtures per season in data/
ONE = {"2017": 46}  # in the one-season copy


class ForkServer(ForkClient):
    """The test's end of tests/support/store_process.py."""

    def __init__(self) -> None:
        super().__init__("tests.support.store_process")

    def start(self, url: str, data: Path, result: Path, *, do: str = "open", **options: Any) -> int:
        """Fork a process that opens (or rebuilds) the store at `url` and writes what it found to `result`.

        Options: `barrier` (a file to wait for before opening), `hold` (a file to wait for before closing).
        """
        result.unlink(missing_ok=True)
        result.with_suffix(".loading").unlink(missing_ok=True)
        return self.fork(do, url=url, data=data, result=result, **options)

    def run(self, url: str, data: Path, result: Path, *, do: str = "open") -> tuple[int, dict[str, Any]]:
        """Open (or rebuild) the store in a new process, and wait: its exit status and its report."""
        status = self.wait(self.start(url, data, result, do=do))
        return status, read_report(result)


@pytest.fixture(scope="module")
def forks() -> Iterator[ForkServer]:
    server = ForkServer()
    yield server
    server.close()


@pytest.fixture(scope="module")
def one_season(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of data/ holding only the 2017 season."""
    copy = tmp_path_factory.mktemp("one-season") / "data"
    shutil.copytree(DATA, copy)
    for season in (copy / "seasons").iterdir():
        if season.name not in ONE:
            shutil.rmtree(season)
    return copy


@pytest.fixture(scope="module")
def six_seasons(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    """A data/ of six seasons (the real two and renamed copies) and its fixtures per season: a load long
    enough (a few hundred ms) for kills to land inside it as well as before it."""
    folder = make_data_dir(target=tmp_path_factory.mktemp("six-seasons") / "data", seasons=6)
    facts = read_data(data_dir=folder).seasons
    return folder, {str(season.year): len(season.fixtures) for season in facts}


def read_report(result: Path) -> dict[str, Any]:
    report: dict[str, Any] = json.loads(result.read_text()) if result.exists() else {}
    return report


def unsound(report: dict[str, Any], expected: dict[str, int]) -> str | None:
    """What is wrong with a store, from a process's report of it; None if it holds data/ exactly once."""
    if "error" in report:
        return str(report["error"])
    if report.get("fixtures") != expected:
        return f"fixtures per season {report.get('fixtures')}, expected {expected}"
    if report["teams"] != report["distinct_teams"]:
        return f"{report['teams']} clubs but {report['distinct_teams']} names: loaded twice"
    if "data_version" not in report["meta_keys"]:
        return "no data_version in storemeta"
    return None


class Empties:
    """LANES empty stores on one backend, emptied again for every trial: new SQLite files, or the same
    PostgreSQL databases with their schema dropped (creating a PostgreSQL database takes a third of a
    second, emptying one a few milliseconds)."""

    def __init__(self, backend: str, tmp_path: Path) -> None:
        self.backend, self.tmp_path = backend, tmp_path
        self.urls: list[str] = []
        self.admins: list[AsyncEngine] = []

    async def next(self) -> list[str]:
        if self.backend == "sqlite":
            return [await fresh_database_url("sqlite", self.tmp_path) for _ in range(LANES)]
        if not self.urls:
            self.urls = [await fresh_database_url("postgresql", self.tmp_path) for _ in range(LANES)]
            self.admins = [create_async_engine(url, isolation_level="AUTOCOMMIT") for url in self.urls]
            return list(self.urls)
        for admin in self.admins:
            async with admin.connect() as connection:
                await connection.execute(text("DROP SCHEMA public CASCADE"))
                await connection.execute(text("CREATE SCHEMA public"))
        return list(self.urls)

    async def close(self) -> None:
        for admin in self.admins:
            await admin.dispose()
        for url in self.urls:
            await drop_database(url)


async def measure_windows(
    empties: Empties, data: Path, tmp_path: Path, forks: ForkServer, expected: dict[str, int] = ONE
) -> tuple[float, float]:
    """When the load begins, and when the open ends, with LANES processes opening new stores at once."""
    results = [tmp_path / f"calibration-{lane}.json" for lane in range(LANES)]
    urls = await empties.next()
    pids = [forks.start(url, data, result) for url, result in zip(urls, results, strict=True)]
    statuses = [forks.wait(pid) for pid in pids]
    reports = [read_report(result) for result in results]
    assert statuses == [0] * LANES and [unsound(r, expected) for r in reports] == [None] * LANES, reports
    return (
        sum(report["loading_at"] for report in reports) / LANES,
        sum(report["open"] for report in reports) / LANES,
    )


# 1. A kill at a random point while a new store is created, migrated and loaded.


@pytest.mark.parametrize("backend", BACKENDS)
async def test_a_kill_while_a_new_store_opens_leaves_one_that_opens(
    backend: str, tmp_path: Path, forks: ForkServer, six_seasons: tuple[Path, dict[str, int]]
) -> None:
    """SIGKILL a process opening a new store at a random moment, KILLS times (LANES at once); each store
    then opens normally and holds data/ exactly once. Half the kills land before the load begins (while
    the store is created and migrated), half during the load; when the load begins and when the open ends
    are measured first, on this machine, with LANES processes at once."""
    data, expected = six_seasons
    empties = Empties(backend, tmp_path)
    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    killed, before_load, failures, trials = 0, 0, [], 0
    need = max(2, KILLS[backend] // 5)  # kills that must land in each window, or this proves nothing

    def landed() -> bool:
        return before_load >= need and killed - before_load >= need

    try:
        loading, whole = await measure_windows(empties, data, tmp_path, forks, expected)
        # KILLS trials; more (up to three times as many) while a window has too few kills in it, as when
        # the machine is busier than when the windows were measured.
        while trials < KILLS[backend] or (not landed() and trials < 3 * KILLS[backend]):
            batch = range(trials, trials + LANES)
            trials += LANES
            urls = dict(zip(batch, await empties.next(), strict=True))
            delays = {
                trial: rng.uniform(*(0, loading) if trial % 2 == 0 else (loading, whole)) for trial in batch
            }
            pids = {trial: forks.start(urls[trial], data, tmp_path / f"kill-{trial}.json") for trial in batch}
            started = time.monotonic()
            for trial in sorted(batch, key=lambda trial: delays[trial]):
                await asyncio.sleep(max(0.0, started + delays[trial] - time.monotonic()))
                os.kill(pids[trial], signal.SIGKILL)
            for trial in batch:
                status = forks.wait(pids[trial])
                was_killed = status == -signal.SIGKILL and not (tmp_path / f"kill-{trial}.json").exists()
                killed += was_killed
                before_load += was_killed and not (tmp_path / f"kill-{trial}.loading").exists()
            reopened = {
                trial: forks.start(urls[trial], data, tmp_path / f"reopen-{trial}.json") for trial in batch
            }
            for trial in batch:
                status = forks.wait(reopened[trial])
                report = read_report(tmp_path / f"reopen-{trial}.json")
                problem = unsound(report, expected) or (None if status == 0 else f"exit status {status}")
                if problem:
                    failures.append(f"killed after {delays[trial] * 1000:.0f} ms, then: {problem}")
    finally:
        await empties.close()
    tally = (
        f"seed {seed}; the load begins at {loading * 1000:.0f} ms, the open ends at {whole * 1000:.0f} ms; "
        f"{killed} of {trials} killed while opening, {before_load} of them before loading began"
    )
    print(f"{backend}: {tally}")  # shown with -s
    assert failures == [], tally
    # The kills must have landed where the faults are, or this test proves nothing.
    assert landed(), tally


HOT_JOURNAL = """\
import sqlite3, sys, time
connection = sqlite3.connect(sys.argv[1], isolation_level=None)
connection.execute("PRAGMA cache_size=1")  # spill changed pages into the file: the journal must undo them
connection.execute("CREATE TABLE ballast (blob)")
connection.execute("BEGIN")
for _ in range(300):
    connection.execute("INSERT INTO ballast VALUES (randomblob(500))")
print("ready", flush=True)
time.sleep(60)
"""


def test_a_store_killed_with_a_journal_to_roll_back_opens(
    tmp_path: Path, forks: ForkServer, one_season: Path
) -> None:
    """A process killed mid-transaction on a file in rollback-journal mode (as a new store is, until it
    is switched to WAL) leaves a journal that only a writer can roll back: the check of the file must not
    take that for damage, and the store opens."""
    path = tmp_path / "store.sqlite3"
    writer = subprocess.Popen(
        [sys.executable, "-c", HOT_JOURNAL, str(path)], stdout=subprocess.PIPE, text=True
    )
    assert writer.stdout is not None and writer.stdout.readline() == "ready\n"
    writer.kill()
    writer.wait()
    assert Path(f"{path}-journal").stat().st_size > 0
    status, report = forks.run(f"sqlite+aiosqlite:///{path}", one_season, tmp_path / "open.json")
    assert status == 0 and unsound(report, ONE) is None, report


# 2. Two processes opening one new store at the same moment.


@pytest.mark.parametrize("backend", BACKENDS)
async def test_two_processes_opening_a_new_store_at_once_both_start(
    backend: str, tmp_path: Path, forks: ForkServer, one_season: Path
) -> None:
    """Two processes released together onto one new store, PAIRS times (LANES pairs at once): both open
    it, and data/ is loaded once (one of the two loads it, the other finds it loaded)."""
    empties = Empties(backend, tmp_path)
    failures = []
    try:
        for first in range(0, PAIRS[backend], LANES):
            batch = range(first, first + LANES)
            urls = dict(zip(batch, await empties.next(), strict=True))
            barrier = tmp_path / f"go-{first}"
            results = {trial: [tmp_path / f"pair-{trial}-{side}.json" for side in "ab"] for trial in batch}
            pids = {
                trial: [
                    forks.start(urls[trial], one_season, result, barrier=barrier) for result in results[trial]
                ]
                for trial in batch
            }
            barrier.touch()
            for trial in batch:
                statuses = [forks.wait(pid) for pid in pids[trial]]
                reports = [read_report(result) for result in results[trial]]
                problems = [f"exit status {status}" for status in statuses if status != 0]
                problems += [problem for report in reports if (problem := unsound(report, ONE))]
                loads = sum(bool(report.get("loaded")) for report in reports)
                if not problems and loads != 1:
                    problems.append(f"data/ loaded {loads} times")
                if problems:
                    failures.append(f"trial {trial}: {'; '.join(problems)}")
    finally:
        await empties.close()
    assert failures == []


# 4. A damaged SQLite file: one line naming it and the way out; `rebuild` keeps it and builds anew.


@pytest.fixture(scope="module")
def healthy_store(tmp_path_factory: pytest.TempPathFactory, forks: ForkServer) -> bytes:
    """The bytes of a store opened and loaded from data/, closed cleanly."""
    path = tmp_path_factory.mktemp("healthy") / "store.sqlite3"
    status, report = forks.run(f"sqlite+aiosqlite:///{path}", DATA, path.with_suffix(".json"))
    assert status == 0 and unsound(report, ALL) is None, report
    return path.read_bytes()


def damage(kind: str, healthy: bytes) -> bytes:
    """The content of a damaged store of `kind`."""
    if kind == "random bytes":
        return random.Random(10).randbytes(64 * 1024)
    if kind == "a text file":
        return b"year,title\n2024,Lamar Hunt U.S. Open Cup\n" * 100
    return healthy[: len(healthy) // 2]  # a cut file: its header is intact, half its pages are missing


DAMAGE = ["random bytes", "a text file", "a cut file"]


def settings_for(path: Path, **more: Any) -> Settings:
    return Settings(
        _env_file=None, database_url=f"sqlite+aiosqlite:///{path}", data_dir=DATA, log_level="WARNING", **more
    )


def use_settings(monkeypatch: pytest.MonkeyPatch, settings: Settings) -> None:
    monkeypatch.setattr(cli, "get_settings", lambda: settings)


def assert_one_line_naming(err: str, path: Path) -> None:
    assert "Traceback" not in err
    [line] = err.splitlines()
    assert str(path) in line and "damaged" in line
    assert line.endswith("rebuild it from data/ with: python -m bot rebuild")


@pytest.mark.parametrize("command", [["ask", "/help"], ["migrate"]], ids=["ask", "migrate"])
@pytest.mark.parametrize("kind", DAMAGE)
def test_a_damaged_store_is_one_line_and_status_1(
    kind: str,
    command: list[str],
    healthy_store: bytes,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`ask` and `migrate` on a damaged file: one line naming the file and `rebuild`, status 1, the file
    untouched."""
    path = tmp_path / "store.sqlite3"
    path.write_bytes(damage(kind, healthy_store))
    use_settings(monkeypatch, settings_for(path))
    assert cli.main(command) == 1
    captured = capsys.readouterr()
    assert_one_line_naming(captured.err, path)
    assert captured.out == ""
    assert path.read_bytes() == damage(kind, healthy_store)


async def test_a_damaged_store_stops_the_bot_in_one_line(
    healthy_store: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`python -m bot` (run) on a damaged file: the same line, status 1, no traceback."""
    path = tmp_path / "store.sqlite3"
    path.write_bytes(damage("a cut file", healthy_store))
    use_settings(monkeypatch, settings_for(path, discord_token="abc.def.ghi"))
    async with LoopbackDiscord():
        status = await asyncio.to_thread(cli.main, [])
    assert status == 1
    assert_one_line_naming(capsys.readouterr().err, path)


async def test_a_damaged_store_stops_a_bot_process_in_one_line(healthy_store: bytes, tmp_path: Path) -> None:
    """`python -m bot run` in a process of its own, logged in to a loopback Discord: its whole stderr is the
    one line, to its end (the start finds the damage after the login, while the gateway connects)."""
    path = tmp_path / "store.sqlite3"
    path.write_bytes(damage("a cut file", healthy_store))
    async with LoopbackDiscord(patch=False) as fake:
        settings = {
            "DATABASE_URL": f"sqlite+aiosqlite:///{path}",
            "DATA_DIR": str(DATA),
            "DISCORD_TOKEN": "abc.def.ghi",
            "DISCORD_API_BASE": fake.api_base,
            "DISCORD_GATEWAY_URL": fake.gateway_url,
            "LOG_LEVEL": "WARNING",
        }
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", cwd=tmp_path, env={**os.environ, **settings},
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        out, err = await asyncio.wait_for(process.communicate(), 120)
    assert process.returncode == 1 and out == b""
    assert_one_line_naming(err.decode(), path)


def held_in(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in folder.iterdir() if path.is_file()}


def open_and_count(path: Path) -> dict[str, int]:
    """Open the store at `path` in this process, as any command would; fixtures per season."""

    async def count() -> dict[str, int]:
        store = await Store(f"sqlite+aiosqlite:///{path}", DATA).open()
        try:
            async with store.session() as session:
                rows = await session.exec(
                    select(col(Season.year), func.count(col(Fixture.id)))
                    .join(Fixture, col(Fixture.season_id) == col(Season.id))
                    .group_by(col(Season.year))
                )
                return {str(year): number for year, number in rows.all()}
        finally:
            await store.close()

    return asyncio.run(count())


@pytest.mark.parametrize("kind", DAMAGE)
def test_rebuild_keeps_the_damaged_file_and_builds_the_store_from_data(
    kind: str,
    healthy_store: bytes,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`rebuild`: the damaged file (and the log beside it) kept under a timestamped name, a warning about
    what is lost, a store holding data/, status 0; then the store opens as any other."""
    path = tmp_path / "store.sqlite3"
    damaged = damage(kind, healthy_store)
    path.write_bytes(damaged)
    Path(f"{path}-wal").write_bytes(b"the damaged store's write-ahead log")
    use_settings(monkeypatch, settings_for(path))
    assert cli.main(["rebuild"]) == 0
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err + captured.out
    [kept] = [name for name, content in held_in(tmp_path).items() if content == damaged]
    assert kept.startswith("store.sqlite3-damaged-") and kept in captured.out
    assert held_in(tmp_path)[f"{kept}-wal"] == b"the damaged store's write-ahead log"
    assert "would be lost" in captured.err
    assert open_and_count(path) == ALL
    assert cli.main(["migrate"]) == 0
    assert capsys.readouterr().err == ""


def test_rebuild_refuses_while_the_store_is_open(
    healthy_store: bytes,
    tmp_path: Path,
    forks: ForkServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A store some process has open (a bot, a console) is not replaced under it: one line, status 1."""
    path = tmp_path / "store.sqlite3"
    path.write_bytes(healthy_store)
    inode = path.stat().st_ino
    use_settings(monkeypatch, settings_for(path))
    opened, release = tmp_path / "opened.json", tmp_path / "release"
    holder = forks.start(f"sqlite+aiosqlite:///{path}", DATA, opened, hold=release)
    try:
        deadline = time.monotonic() + 60
        while not opened.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert unsound(read_report(opened), ALL) is None
        before = sorted(held_in(tmp_path))
        assert cli.main(["rebuild"]) == 1
        after = sorted(held_in(tmp_path))
    finally:
        release.touch()
        assert forks.wait(holder) == 0
    [line] = capsys.readouterr().err.splitlines()
    assert str(path) in line and "stop it" in line
    assert path.stat().st_ino == inode
    assert after == before  # nothing built beside it, nothing moved aside


def test_rebuild_refuses_data_that_fails_its_checks(
    healthy_store: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """data/ with a cut file would build an empty or wrong store: nothing is replaced, status 1."""
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    fixtures = data / "seasons" / "2024" / "fixtures.csv"
    fixtures.write_text(fixtures.read_text().splitlines()[0] + "\n")
    path = tmp_path / "store" / "store.sqlite3"
    path.parent.mkdir()
    damaged = damage("a cut file", healthy_store)
    path.write_bytes(damaged)
    use_settings(
        monkeypatch, Settings(_env_file=None, database_url=f"sqlite+aiosqlite:///{path}", data_dir=data)
    )
    assert cli.main(["rebuild"]) == 1
    last = capsys.readouterr().err.splitlines()[-1]
    assert last.startswith("Nothing was replaced: ") and "seasons/2024/fixtures.csv" in last
    assert path.read_bytes() == damaged
    assert [name for name in held_in(path.parent) if "damaged" in name or "rebuild" in name] == []


def test_rebuild_refuses_postgresql(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """On PostgreSQL `rebuild` drops nothing and connects to nothing: it says why and what to do, status 1."""
    url = make_url("postgresql+asyncpg://opencup@127.0.0.1:1/opencup").render_as_string()
    use_settings(monkeypatch, Settings(_env_file=None, database_url=url, data_dir=DATA))
    assert cli.main(["rebuild"]) == 1
    [line] = capsys.readouterr().err.splitlines()
    assert "PostgreSQL" in line and "SQLite" in line


async def test_a_kill_during_rebuild_leaves_the_damaged_store_or_the_new_one(
    healthy_store: bytes, tmp_path: Path, forks: ForkServer, one_season: Path
) -> None:
    """SIGKILL `rebuild` at a random moment, REBUILD_KILLS times (LANES at once): the damaged file is never
    lost (in place, or kept beside the store), and the store is the damaged one (so rebuild again), none
    (the next start builds one), or a sound new one; either way, a rebuild or an open then succeeds."""
    damaged = damage("a cut file", healthy_store)
    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    folders = [tmp_path / f"rebuild-{trial}" for trial in range(REBUILD_KILLS + 1)]
    for folder in folders:
        folder.mkdir()
        (folder / "store.sqlite3").write_bytes(damaged)
    url = "sqlite+aiosqlite:///{}/store.sqlite3".format
    started = time.monotonic()
    status, report = forks.run(url(folders[-1]), one_season, folders[-1] / "report.json", do="rebuild")
    window = time.monotonic() - started
    assert status == 0 and report["damage"] == "database disk image is malformed", report
    failures, outcomes = [], {"damaged": 0, "none": 0, "new": 0}
    for first in range(0, REBUILD_KILLS, LANES):
        batch = folders[first : first + LANES]
        delays = {folder: rng.uniform(0, window) for folder in batch}
        pids = {
            folder: forks.start(url(folder), one_season, folder / "report.json", do="rebuild")
            for folder in batch
        }
        started = time.monotonic()
        for folder in sorted(batch, key=lambda folder: delays[folder]):
            await asyncio.sleep(max(0.0, started + delays[folder] - time.monotonic()))
            os.kill(pids[folder], signal.SIGKILL)
        for folder in batch:
            forks.wait(pids[folder])
            store = folder / "store.sqlite3"
            if damaged not in held_in(folder).values():
                failures.append(f"after {delays[folder] * 1000:.0f} ms: the damaged file is gone")
                continue
            state = "none" if not store.exists() else "damaged" if store.read_bytes() == damaged else "new"
            outcomes[state] += 1
            if state == "damaged":
                status, report = forks.run(url(folder), one_season, folder / "again.json", do="rebuild")
                if status != 0:
                    failures.append(f"after {delays[folder] * 1000:.0f} ms: rebuild again: {report}")
                    continue
            status, report = forks.run(url(folder), one_season, folder / "open.json")
            if problem := unsound(report, ONE):
                failures.append(f"after {delays[folder] * 1000:.0f} ms ({state}): then {problem}")
    print(f"rebuild killed {REBUILD_KILLS} times: seed {seed}; the store left {outcomes}")  # shown with -s
    assert failures == [], f"seed {seed}; {outcomes}"
