"""Two moderators confirm different results for one tie at the same moment (issue 11).

Two real processes on one SQLite file, and on one PostgreSQL database, both preview the same fixture (so
both name the same version), wait at a barrier, then confirm at once: exactly one result is applied, the
other confirmation is refused with `changed_meanwhile`, and nothing else in the store changes. Each process
writes its outcome, which the test logs. The processes come from a fork server
(`tests/support/report_process.py`) that imports the bot once, so each trial costs a fraction of a second.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from sqlmodel import SQLModel, col, select

import bot.store.models  # noqa: F401  (every table in SQLModel.metadata)
from bot.store.engine import Store
from bot.store.models import Fixture
from bot.store.version import STORE_VERSION_KEY, store_version
from bot.store.writes import RESULT_FIELDS
from tests.conftest import DATA
from tests.support.report_process import ReportForks, data_in_progress

log = logging.getLogger(__name__)
SEASON = 2024
TRIALS = 5  # simultaneous races per backend; the last two overwrite results entered by earlier trials
FRESH = 3  # the first trials race on ties without a result
POLL = 0.002  # seconds between looks at the processes' files
HANG = 60.0  # seconds: a child that has not previewed by then is stuck (a guard, not a measurement)
Rows = dict[str, list[dict[str, Any]]]


@pytest.fixture(scope="module")
def forks() -> Iterator[ReportForks]:
    server = ReportForks()
    yield server
    server.close()


@pytest_asyncio.fixture
async def in_progress(empty_url: str, tmp_path: Path) -> AsyncIterator[tuple[Store, Path]]:
    """A store on a copy of data/ holding 2024 after round 2: round 3 to play, round 4 'winner of N'."""
    folder = data_in_progress(DATA, tmp_path / "data")
    store = await Store(empty_url, folder).open()
    yield store, folder
    await store.close()


async def dump(store: Store) -> Rows:
    """Every row of every table of the store, by table, in primary-key order."""
    rows: Rows = {}
    async with store.engine.connect() as connection:
        for table in SQLModel.metadata.sorted_tables:
            query = table.select().order_by(*table.primary_key.columns)
            rows[table.name] = [dict(row._mapping) for row in (await connection.execute(query)).all()]
    return rows


def by_key(rows: list[dict[str, Any]], key: str = "id") -> dict[Any, dict[str, Any]]:
    return {row[key]: row for row in rows}


def differing(before: dict[str, Any], after: dict[str, Any]) -> set[str]:
    return {name for name in before if before[name] != after[name]}


async def round_three(store: Store) -> list[int]:
    async with store.session() as session:
        found = await session.exec(
            select(Fixture.number).where(Fixture.round == 3).order_by(col(Fixture.number))
        )
        return list(found.all())


def previewed(results: list[Path], trial: str) -> None:
    """Return once every process has previewed (each writes `<result>.ready`)."""
    waited = 0.0
    while not all(result.with_suffix(".ready").exists() for result in results):
        failed = [result.read_text() for result in results if result.exists()]
        assert not failed and waited < HANG, f"trial {trial}: a process did not preview: {failed}"
        time.sleep(POLL)
        waited += POLL


async def race(
    forks: ReportForks,
    store: Store,
    folder: Path,
    tmp_path: Path,
    *,
    trial: str,
    fixture: int,
    overwrite: bool,
    staggered: bool = False,
) -> None:
    """Two processes preview `fixture`, then confirm different scores; check what the store then holds.

    With `staggered`, the second confirms only after the first has finished: the race lost by a whole
    confirmation rather than by a moment (its answer must be the same).
    """
    before = await dump(store)
    async with store.session() as session:
        version = await store_version(session)
    sides = {"a": "2-1", "b": "1-2"}
    barriers = {side: tmp_path / f"go-{trial}{'-' + side if staggered else ''}" for side in sides}
    results = {side: tmp_path / f"race-{trial}-{side}.json" for side in sides}
    pids = {
        side: forks.start(
            "race",
            url=store.url,
            data=folder,
            season=SEASON,
            fixture=fixture,
            score=score,
            actor=f"mod:{side}",
            request=f"race-{trial}-{side}",
            overwrite=overwrite,
            result=results[side],
            barrier=barriers[side],
        )
        for side, score in sides.items()
    }
    await asyncio.to_thread(previewed, list(results.values()), trial)  # so both name the same version
    if staggered:
        await asyncio.to_thread(barriers["a"].touch)
        statuses = [forks.wait(pids["a"])]
        await asyncio.to_thread(barriers["b"].touch)
        statuses.append(forks.wait(pids["b"]))
    else:
        await asyncio.to_thread(barriers["a"].touch)
        statuses = [forks.wait(pid) for pid in pids.values()]
    outcomes = {
        side: json.loads(await asyncio.to_thread(result.read_text)) for side, result in results.items()
    }
    for side, outcome in outcomes.items():
        log.info("trial %s, process %s: %s", trial, side, outcome)
    assert statuses == [0, 0], outcomes

    # Exactly one applied, the other refused because the fixture changed after its preview.
    assert sorted(o["outcome"] for o in outcomes.values()) == ["applied", "changed_meanwhile"], outcomes
    assert {o["previewed"] for o in outcomes.values()} == {by_number(before, fixture)["version"]}, outcomes
    won = next(side for side, o in outcomes.items() if o["outcome"] == "applied")
    lost = next(side for side in sides if side != won)
    assert f"Fixture {fixture} changed" in outcomes[lost]["message"], outcomes[lost]
    assert f"mod:{won}" in outcomes[lost]["message"], outcomes[lost]  # who changed it

    after = await dump(store)
    # The fixture holds the winner's result.
    tie_before, tie = by_number(before, fixture), by_number(after, fixture)
    home, away = map(int, sides[won].split("-"))
    assert (tie["home_score"], tie["away_score"], tie["entered_by"]) == (home, away, f"mod:{won}")
    assert tie["status"] == "played" and tie["version"] == tie_before["version"] + 1
    assert differing(tie_before, tie) <= {*RESULT_FIELDS, "version"}

    # One store version more: one write, audited once, with its linked sides in the same write.
    assert by_key(after["storemeta"], "key")[STORE_VERSION_KEY]["value"] == str(version + 1)
    meta_before, meta_after = by_key(before["storemeta"], "key"), by_key(after["storemeta"], "key")
    assert {k: v for k, v in meta_after.items() if k != STORE_VERSION_KEY} == {
        k: v for k, v in meta_before.items() if k != STORE_VERSION_KEY
    }
    old = {row["id"] for row in before["revision"]}
    new = [row for row in after["revision"] if row["id"] not in old]
    assert all(row["store_version"] == version + 1 for row in new), new
    results_made = [row for row in new if row["fixture_number"] == fixture]
    assert [(row["request"], row["actor"]) for row in results_made] == [(f"race-{trial}-{won}", f"mod:{won}")]
    assert all(row["request"] != f"race-{trial}-{lost}" for row in after["revision"])
    assert by_key(before["revision"]) == {row["id"]: row for row in after["revision"] if row["id"] in old}

    # Nothing else changed: later ties only where the winner fills their side, and every other table.
    season_id = tie["season_id"]
    linked = {
        row["id"]
        for row in before["fixture"]
        if row["season_id"] == season_id and fixture in (row["home_from_fixture"], row["away_from_fixture"])
    }
    fixtures_before, fixtures_after = by_key(before["fixture"]), by_key(after["fixture"])
    assert fixtures_before.keys() == fixtures_after.keys()
    for key in linked:  # the winner takes its place in the later ties drawn "winner of fixture N"
        assert tie["winner_id"] in (fixtures_after[key]["home_id"], fixtures_after[key]["away_id"])
    filled = set()
    for key, row in fixtures_before.items():
        changed = differing(row, fixtures_after[key])
        if key == tie["id"] or not changed:
            continue
        assert key in linked and changed <= {"home_id", "away_id", "version"}, (row, fixtures_after[key])
        filled.add(key)
    side_revisions = [row for row in new if row["fixture_number"] != fixture]
    assert sorted(row["fixture_id"] for row in side_revisions) == sorted(filled), side_revisions
    assert all(row["request"] is None and row["actor"] == f"mod:{won}" for row in side_revisions)
    # The outbox: one notification, of the winner's result, written with it (issue 14).
    notified = [row for row in after["notification"] if row not in before["notification"]]
    assert [row["revision_id"] for row in notified] == [row["id"] for row in results_made], notified
    for table in before.keys() - {"fixture", "revision", "storemeta", "notification"}:
        assert before[table] == after[table], f"trial {trial}: table {table} changed"


def by_number(rows: Rows, number: int) -> dict[str, Any]:
    [row] = [row for row in rows["fixture"] if row["number"] == number]
    return row


async def test_two_processes_confirm_one_tie_one_applies(
    in_progress: tuple[Store, Path], forks: ReportForks, tmp_path: Path
) -> None:
    """TRIALS races released by one barrier: on ties without a result, then (overwrite:true) on ties whose
    result an earlier race entered. Then the race lost by a whole confirmation: the second process
    confirms the version it previewed only after the first has applied its result; it too is told that
    the fixture changed meanwhile (not that a result exists, which it did not when it previewed), with and
    without overwrite:true."""
    store, folder = in_progress
    ties = await round_three(store)
    for trial in range(TRIALS):
        fresh = trial < FRESH
        await race(
            forks,
            store,
            folder,
            tmp_path,
            trial=str(trial),
            fixture=ties[trial if fresh else trial - FRESH],
            overwrite=not fresh,
        )
    late = ties[FRESH]  # no result yet
    await race(forks, store, folder, tmp_path, trial="late", fixture=late, overwrite=False, staggered=True)
    await race(
        forks, store, folder, tmp_path, trial="late-over", fixture=late, overwrite=True, staggered=True
    )
