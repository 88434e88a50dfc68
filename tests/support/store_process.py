"""A fork server for the store's fault tests: it imports the bot once, then forks one process per request.

Starting a Python process that imports SQLAlchemy, Alembic and the bot takes most of a second; forking one
that has already imported them takes a millisecond. So the kill and two-at-once tests can afford many real
processes, each opening a real store exactly as the bot does (`Store.open`: migrate, then load data/).

Run as `python -m tests.support.store_process` from the project root. Requests and replies are JSON lines on
standard input and output:

- `{"do": "open", "url": ..., "data": ..., "result": path, "barrier": path or null, "hold": path or null}`
  forks a child and replies `{"pid": n}`. The child waits until `barrier` exists (when given), opens the
  store, and writes to `result` what the store then holds, whether this process loaded data/, and when
  (seconds after it began) the load began and the open ended: the tests measure the windows they kill in
  this way. With `hold` it keeps the store open until that file exists. Just before it starts loading
  data/ it creates `result` with the suffix `.loading`, so a test knows where a kill landed. A child that
  fails writes the error to `result` and exits 1.
- `{"do": "rebuild", "url": ..., "data": ..., "result": path}` forks a child that runs `rebuild_sqlite`
  and writes what it did to `result`.
- `{"do": "wait", "pid": n}` waits for that child and replies `{"pid": n, "status": s}`: its exit status,
  or minus the signal that killed it.

The server itself never starts an event loop or a thread, so forking it is safe.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
import traceback
from pathlib import Path
from typing import Any

from sqlalchemy import func
from sqlmodel import col, select

import bot.store.loader
from bot.store.engine import Store
from bot.store.models import Fixture, Season, StoreMeta, Team
from tests.support.fork_server import serve

POLL = 0.0005  # seconds between looks at a barrier file


def wait_for(path: str) -> None:
    """Return once the file at `path` exists."""
    while not os.path.exists(path):
        time.sleep(POLL)


async def holdings(store: Store) -> dict[str, Any]:
    """What the store holds: fixtures per season, and the rows that a double load would double."""
    async with store.session() as session:
        per_season = (
            await session.exec(
                select(col(Season.year), func.count(col(Fixture.id)))
                .join(Fixture, col(Fixture.season_id) == col(Season.id), isouter=True)
                .group_by(col(Season.year))
            )
        ).all()
        names = (await session.exec(select(Team.name))).all()
        meta = (await session.exec(select(StoreMeta.key))).all()
    return {
        "fixtures": {str(year): count for year, count in per_season},
        "teams": len(names),
        "distinct_teams": len(set(names)),
        "meta_keys": sorted(meta),
    }


async def open_once(request: dict[str, Any], result: Path) -> None:
    """Open the store as the bot does and write what it holds, and when the load began and the open ended."""
    started = time.perf_counter()
    loads: list[bool] = []
    loading: list[float] = []
    ensure_loaded = bot.store.loader.ensure_loaded
    marker = result.with_suffix(".loading")

    async def watched(session: Any, data_dir: Path) -> bool:
        loading.append(time.perf_counter() - started)
        await asyncio.to_thread(marker.touch)
        loads.append(await ensure_loaded(session, data_dir))
        return loads[-1]

    bot.store.loader.ensure_loaded = watched  # Store.open looks it up at each call
    store = Store(request["url"], Path(request["data"]))
    try:
        await store.open()
        opened = time.perf_counter() - started
        report = await holdings(store)
        report |= {"loading_at": loading[0], "open": opened, "loaded": any(loads)}
        await asyncio.to_thread(write_report, result, report)
        if request.get("hold"):
            await asyncio.to_thread(wait_for, request["hold"])
    finally:
        await store.close()


def write_report(result: Path, report: dict[str, Any]) -> None:
    """Write the report whole or not at all (a test that sees the file exist reads all of it)."""
    partial = result.with_name(result.name + ".partial")
    partial.write_text(json.dumps(report))
    os.replace(partial, result)


async def rebuild(request: dict[str, Any], result: Path) -> None:
    """Rebuild the SQLite store from data/ and write what was done."""
    from bot.store.engine import rebuild_sqlite  # here, so that the server also runs against an older bot

    done = await rebuild_sqlite(request["url"], Path(request["data"]))
    report = {"kept": str(done.kept) if done.kept else None, "damage": done.damage}
    await asyncio.to_thread(write_report, result, report)


def child(request: dict[str, Any]) -> int:
    """The forked process: wait for the barrier, do the request, write the report; returns the exit status."""
    if request.get("barrier"):
        wait_for(request["barrier"])
    result = Path(request["result"])
    try:
        asyncio.run(open_once(request, result) if request["do"] == "open" else rebuild(request, result))
    except BaseException as error:  # the test reads the failure from the result file
        report = {"error": f"{type(error).__name__}: {error}", "traceback": traceback.format_exc()}
        write_report(result, report)
        return 1
    return 0


if __name__ == "__main__":
    serve(child, ("open", "rebuild"))
