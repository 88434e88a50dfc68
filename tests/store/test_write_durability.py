"""The durability drill, bounded (issue 11): a process applying reports one by one is killed part-way.

A real process (forked by `tests/support/report_process.py`) applies up to COUNT reports through the answer
path, each previewed then confirmed in its own transaction, each with its own request id and overwrite:true,
alternating the scores on a few round-3 ties so that every report changes who goes through (and so a later
tie's side). After each report's commit returns it appends an acknowledgement line and flushes it. The test
SIGKILLs it after a random number of acknowledgements, at a random moment of the next report, opens the
store again as any process would, and counts: every acknowledged report is in the store, none is doubled,
the ties hold the last results, the store takes writes again, and `check-data`'s store check finds nothing
wrong. The full 1,000-report drill is `python -m bench.bench_reports --kill`.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import random
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import col, select

from bot.seasons.check import check_data
from bot.store.engine import Store
from bot.store.loader import check_store
from bot.store.models import Fixture, Revision
from bot.store.version import store_version
from tests.conftest import DATA
from tests.support.report_process import (
    DRILL_ACTOR,
    ReportForks,
    data_in_progress,
    drill,
    planned,
)

log = logging.getLogger(__name__)
SEASON = 2024
COUNT = 40  # reports the process would apply if it were not killed
TIES = 5  # round-3 ties the reports go round
PREFIX = "drill-"
POLL = 0.002  # seconds between looks at the acknowledgements
HANG = 60.0  # seconds without a new acknowledgement: the process is stuck (a guard, not a measurement)


@pytest.fixture(scope="module")
def forks() -> Iterator[ReportForks]:
    server = ReportForks()
    yield server
    server.close()


def acknowledged(path: Path) -> list[dict[str, Any]]:
    """The acknowledgement lines written so far (a line is whole once its newline is there)."""
    text = path.read_text() if path.exists() else ""
    return [json.loads(line) for line in text.splitlines(keepends=True) if line.endswith("\n")]


def kill_after(forks: ReportForks, pid: int, acks: Path, result: Path, wanted: int, share: float) -> int:
    """SIGKILL process `pid` after its `wanted`th acknowledgement, `share` of a report's time later (a
    report's time as this run measures it); its exit status."""
    waited, seen = 0.0, 0
    first = last = 0.0
    while (now := len(acknowledged(acks))) < wanted:
        assert not result.exists(), f"the drill stopped before it was killed: {result.read_text()}"
        if now > seen:
            first, last = (first or time.monotonic()), time.monotonic()
        waited = 0.0 if now > seen else waited + POLL
        seen = now
        assert waited < HANG, f"no acknowledgement for {HANG} s (after {seen})"
        time.sleep(POLL)
    report_time = (last - first) / max(1, seen - 1)
    time.sleep(share * report_time)
    os.kill(pid, signal.SIGKILL)
    return forks.wait(pid)


async def test_acknowledged_reports_survive_a_kill(
    empty_url: str, tmp_path: Path, forks: ReportForks
) -> None:
    seed = random.randrange(2**32)
    rng = random.Random(seed)
    wanted = rng.randint(3, COUNT - 10)  # the kill comes after this many acknowledgements...
    share = rng.uniform(0.0, 1.5)  # ...and this share of a report's time later: in the next one or two
    log.info("seed %d: kill after %d acknowledgements and %.2f of a report", seed, wanted, share)
    folder = data_in_progress(DATA, tmp_path / "data")
    store = await Store(empty_url, folder).open()
    try:
        async with store.session() as session:
            ties = list(
                (
                    await session.exec(
                        select(Fixture.number).where(Fixture.round == 3).order_by(col(Fixture.number))
                    )
                ).all()
            )[:TIES]
            base = await store_version(session)
    finally:
        await store.close()

    acks, result = tmp_path / "acks.jsonl", tmp_path / "drill.json"
    pid = forks.start(
        "drill",
        url=empty_url,
        data=folder,
        season=SEASON,
        fixtures=ties,
        count=COUNT,
        prefix=PREFIX,
        acks=acks,
        result=result,
    )
    status = await asyncio.to_thread(kill_after, forks, pid, acks, result, wanted, share)
    assert status == -signal.SIGKILL, (
        f"seed {seed}: the drill ended by itself ({status}): {result.read_text()}"
    )
    acked = await asyncio.to_thread(acknowledged, acks)
    log.info("seed %d: killed after %d acknowledgements", seed, len(acked))

    # The restart: the store opened as any process opens it.
    store = await Store(empty_url, folder).open()
    try:
        async with store.session() as session:
            applied = {
                row.request: row
                for row in (
                    await session.exec(select(Revision).where(col(Revision.request).startswith(PREFIX)))
                ).all()
            }
            version = await store_version(session)
            held = {
                f.number: f
                for f in (await session.exec(select(Fixture).where(col(Fixture.number).in_(ties)))).all()
            }
        where = f"seed {seed}, {len(acked)} acknowledged"
        lost = [ack["request"] for ack in acked if ack["request"] not in applied]
        assert lost == [], f"{where}: acknowledged but not in the store: {lost}"
        assert [ack["index"] for ack in acked] == list(range(len(acked))), where
        assert all(applied[ack["request"]].id == ack["revision"] for ack in acked), where
        # Reports are applied one at a time: the acknowledged ones, and perhaps the one whose commit
        # returned just before the kill, before it could be acknowledged. Nothing else, nothing twice.
        done = len(applied)
        assert done in (len(acked), len(acked) + 1), f"{where}: {done} applied"
        assert set(applied) == {f"{PREFIX}{index}" for index in range(done)}, where
        assert version == base + done, f"{where}: store version {version}, expected {base} + {done}"
        for number, tie in held.items():
            last = max((index for index in range(done) if planned(index, ties)[0] == number), default=None)
            if last is None:
                continue
            home, away = map(int, planned(last, ties)[1].split("-"))
            assert (tie.home_score, tie.away_score, tie.entered_by) == (home, away, DRILL_ACTOR), (
                where,
                last,
            )

        # The store takes writes again: the drill goes on from where it stopped.
        more: list[dict[str, Any]] = []
        await drill(
            store, season=SEASON, fixtures=ties, count=done + 2, prefix=PREFIX, ack=more.append, start=done
        )
        assert [ack["index"] for ack in more] == [done, done + 1]
    finally:
        await store.close()

    section = await check_store(url=empty_url, report=check_data(data_dir=folder))
    assert section.problems == [], section.problems
    if empty_url.startswith("sqlite"):
        assert "store: PRAGMA integrity_check: ok" in section.passed, section.passed
