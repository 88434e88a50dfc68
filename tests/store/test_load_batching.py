"""The first load of data/ into an empty store batches its inserts (issue 12, item 5).

It used to flush the session once per club of every season (2,182 flushes at 20 seasons), and on SQLite
sent one INSERT per row: now it flushes about once per season, however many clubs a season holds, and
inserts each table's new rows of a season in one statement (or a few), on SQLite and PostgreSQL alike.
What it loads is unchanged: exported again, the store gives back data/ byte for byte, and `check-data`
compares it with data/ without finding a difference.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event

from bench.seasons20 import make_data_dir
from bot.seasons.check import check_data
from bot.store.engine import Store
from bot.store.export import export_seasons
from bot.store.loader import check_store, reload_data

SEASONS = 4
FLUSHES_PER_SEASON = 3  # (it flushes about once a season; the rows that need no id go in without one)
STATEMENTS_PER_SEASON = 12  # a season's row, its clubs, and one INSERT per table of the rest


def tree(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes() for path in folder.rglob("*") if path.is_file()
    }


async def test_first_load_flushes_per_season_not_per_club(empty_url: str, tmp_path: Path) -> None:
    data = make_data_dir(target=tmp_path / "data", seasons=SEASONS)
    snapshot = check_data(data_dir=data).snapshot
    clubs = sum(len(facts.teams) for facts in snapshot.seasons)
    assert len(snapshot.seasons) == SEASONS and clubs > 50 * SEASONS
    store = Store(empty_url, data)
    await store.migrate()
    flushes: list[int] = []
    statements: list[str] = []

    def statement(_connection: Any, _cursor: Any, sql: str, *_: Any) -> None:
        statements.append(sql)

    event.listen(store.engine.sync_engine, "before_cursor_execute", statement)
    try:
        async with store.session() as session:
            event.listen(session.sync_session, "after_flush", lambda *_: flushes.append(1))
            report = await reload_data(session=session, data_dir=data)
        event.remove(store.engine.sync_engine, "before_cursor_execute", statement)
        assert report.loaded and [merge.year for merge in report.seasons] == sorted(
            facts.year for facts in snapshot.seasons
        )
        assert sum(len(merge.added) for merge in report.seasons) == sum(
            len(facts.fixtures) for facts in snapshot.seasons
        )
        # A few flushes and statements per season, not one per club or row (it was 216 flushes and 911
        # statements for the 2 committed seasons, on SQLite).
        assert len(flushes) <= FLUSHES_PER_SEASON * SEASONS + 2, len(flushes)
        assert len(statements) <= STATEMENTS_PER_SEASON * SEASONS + 10, len(statements)

        # What was loaded is data/, exactly: exported, it gives back every season file byte for byte.
        out = tmp_path / "out"
        async with store.session() as session:
            exported = await export_seasons(session=session, out=out)
        assert all(not item.problems for item in exported)
        assert tree(out / "seasons") == tree(data / "seasons")
        checked = await check_store(url=empty_url, report=check_data(data_dir=data))
        assert not checked.problems, checked.problems
        for facts in snapshot.seasons:
            assert any(line.startswith(f"store: {facts.year}: ") for line in checked.passed), checked.passed
    finally:
        await store.close()
