"""Several bot processes on one PostgreSQL store (issue 16), end to end: real `python -m bot run` processes.

Two processes hold two shards each of four (`--shards 0-1 --of 4`, `--shards 2-3 --of 4`) over one
database and one loopback Discord (tests/support/processes_drill.py): each identifies only its own shards;
the commands are synced once, by the process holding shard 0; every result confirmed through a guild of
process A is answered (autocomplete and /result) by a guild of process B, the lag measured and printed;
every notification is delivered, and a SIGKILL of A part-way costs at most the one message in flight; a new
club is in B's autocomplete at once, also after B's listening connection was cut. On SQLite a process that
holds some of the shards only is refused at start.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

import bot.__main__ as cli
from bot.settings import Settings
from tests.conftest import DATA, drop_database, fresh_database_url
from tests.support.processes_drill import ROOT, SHARDS, run_processes_drill

log = logging.getLogger(__name__)
RESULTS = 100  # the lag is measured over 100 results, as the issue asks (and bench/bench_processes.py)
LEASE = 2.0  # seconds: A's claims are taken again this soon after it is killed


async def test_two_processes_share_the_shards_the_writes_and_the_outbox(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = await fresh_database_url("postgresql", tmp_path)
    seed = random.randrange(2**32)
    try:
        figures = await run_processes_drill(url, DATA, tmp_path, results=RESULTS, seed=seed, lease=LEASE)
        with capsys.disabled():
            print(f"\nprocesses drill (seed {seed}): {figures.line()}")
        log.info("seed %d: %s", seed, figures.line())

        assert figures.discord_problems == []  # no rule of Discord's broken by either process
        # Each process identified its own shards only, each shard once per start (A started twice).
        assert figures.identified == {"A": {0, 1}, "B": {2, 3}}
        assert sorted(map(tuple, figures.identifies)) == sorted(
            [(0, SHARDS), (1, SHARDS)] * 2 + [(2, SHARDS), (3, SHARDS)]
        )
        # The commands were synced once per scope (global, and each moderated guild), by A alone.
        assert len(figures.sync_scopes) == len(set(figures.sync_scopes)) == 3
        assert figures.syncing_declined == {"A": False, "B": True}
        # Every result was answered by B; the lags are printed above, bounded here only generously.
        assert len(figures.lags) == RESULTS and max(figures.lags) < 5.0, figures.lag_line()
        # Every notification delivered: none lost; a kill doubles at most the one message it interrupted.
        assert figures.notifications == RESULTS + 2  # and the two clubs drawn at the end
        assert figures.deliveries == figures.sent > 2 * figures.notifications
        assert figures.unsent == []
        assert figures.duplicates == 0 and figures.kills == 1, f"seed {seed}: {figures.line()}"
        # The registry while A (restarted) and B ran: the killed A stale, the two running alive.
        assert figures.status is not None
        shown = sorted((p.shard_ids, p.stale) for p in figures.status.processes)
        assert shown == [([0, 1], False), ([0, 1], True), ([2, 3], False)]
        assert all(p.ready and p.listening for p in figures.status.processes if not p.stale)

        # `python -m bot status --json` after both stopped cleanly: only the killed process is left, stale.
        settings = Settings(_env_file=None, database_url=url, data_dir=tmp_path / "data")
        monkeypatch.setattr(cli, "get_settings", lambda: settings)
        assert await asyncio.to_thread(cli.main, ["status", "--json"]) == 0  # its own event loop
        status = json.loads(capsys.readouterr().out)
        [killed] = status["processes"]
        assert (killed["shard_ids"], killed["shard_count"], killed["stale"]) == ([0, 1], SHARDS, True)
        assert status["outbox"]["deliveries"]["pending"] == 0
    finally:
        await drop_database(url)


@pytest.mark.parametrize("arguments", [["--shards", "0-1", "--of", "4"], []])
def test_sqlite_refuses_a_process_holding_some_shards_only(tmp_path: Path, arguments: list[str]) -> None:
    """`python -m bot run` with SQLite and a subset of the shards: one line on stderr, status 1."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("SHARD_", "DATABASE_"))}
    env.update(
        PYTHONPATH=str(ROOT),
        DISCORD_TOKEN="abc.def.ghi",
        DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'store.sqlite3'}",
    )
    if not arguments:
        env.update(SHARD_COUNT="4", SHARD_IDS="2,3")
    done = subprocess.run(
        [sys.executable, "-m", "bot", "run", *arguments],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 1 and done.stdout == ""
    [line] = done.stderr.splitlines()
    assert "holds only some of the 4 shards" in line and "SQLite" in line and "PostgreSQL" in line
    assert not (tmp_path / "store.sqlite3").exists()  # refused before anything was opened
