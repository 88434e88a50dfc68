"""First-load benchmark: data/ loaded into an empty store, at 2 seasons (the committed data/) and at 20
(`bench/seasons20.py`), on SQLite and, when TEST_DATABASE_URL is set, on PostgreSQL. Prints, per case, the
seconds of the first load (the median and the fastest of --runs, each into a new empty database; the
schema is migrated beforehand and not counted), the seconds spent inside flushes, and the flushes and SQL
statements the load made. Asserts nothing: these machines are shared and noisy, so compare the rows of
one run, not runs with each other.

    python -m bench.bench_load [--runs 3] [--seasons 2 20]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import event, make_url, text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.seasons20 import DATA, make_data_dir  # noqa: E402
from bot.store.engine import Store  # noqa: E402
from bot.store.loader import reload_data  # noqa: E402
from tests.conftest import drop_database  # noqa: E402


@dataclass
class Counts:
    """What one first load did."""

    seconds: float = 0.0
    flush_seconds: float = 0.0
    flushes: int = 0
    statements: int = 0
    _flush_started: list[float] = field(default_factory=list)


async def new_database(backend: str, folder: Path) -> str:
    """The URL of a new, empty database on `backend`."""
    if backend == "sqlite":
        return f"sqlite+aiosqlite:///{folder / f'load-{uuid.uuid4().hex[:8]}.sqlite3'}"
    server = os.environ["TEST_DATABASE_URL"]
    name = f"opencup_bench_{uuid.uuid4().hex[:10]}"
    admin = create_async_engine(server, isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        await connection.execute(text(f'CREATE DATABASE "{name}"'))
    await admin.dispose()
    return make_url(server).set(database=name).render_as_string(hide_password=False)


async def first_load(url: str, data_dir: Path) -> Counts:
    """Migrate an empty database, then time the first load of `data_dir` into it, counting as it goes."""
    counts = Counts()
    store = Store(url, data_dir)
    try:
        await store.migrate()

        def statement(*_: Any) -> None:
            counts.statements += 1

        def flush_starts(*_: Any) -> None:
            counts._flush_started.append(time.perf_counter())

        def flush_ends(*_: Any) -> None:
            counts.flushes += 1
            counts.flush_seconds += time.perf_counter() - counts._flush_started.pop()

        event.listen(store.engine.sync_engine, "before_cursor_execute", statement)
        event.listen(Session, "before_flush", flush_starts)
        event.listen(Session, "after_flush_postexec", flush_ends)
        try:
            async with store.session() as session:
                start = time.perf_counter()
                report = await reload_data(session=session, data_dir=data_dir)
                counts.seconds = time.perf_counter() - start
        finally:
            event.remove(Session, "before_flush", flush_starts)
            event.remove(Session, "after_flush_postexec", flush_ends)
        if not report.loaded:
            raise RuntimeError(f"{data_dir} was not loaded: {report.refused[:3]}")
    finally:
        await store.close()
        await drop_database(url)
    return counts


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="first loads per case (default 3)")
    parser.add_argument("--seasons", type=int, nargs="+", default=[2, 20])
    arguments = parser.parse_args()
    backends = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])
    with tempfile.TemporaryDirectory(prefix="bench-load-") as scratch:
        folder = Path(scratch)
        print(
            f"{'case':<22} {'load s p50':>10} {'min':>7} {'in flush s':>10} {'flushes':>8} {'statements':>10}"
        )
        for seasons in arguments.seasons:
            data_dir = (
                DATA if seasons == 2 else make_data_dir(target=folder / f"data{seasons}", seasons=seasons)
            )
            for backend in backends:
                runs = [
                    await first_load(await new_database(backend, folder), data_dir)
                    for _ in range(arguments.runs)
                ]
                seconds = [run.seconds for run in runs]
                last = runs[-1]
                print(
                    f"{f'{seasons} seasons, {backend}':<22} {statistics.median(seconds):>10.3f} "
                    f"{min(seconds):>7.3f} {statistics.median(r.flush_seconds for r in runs):>10.3f} "
                    f"{last.flushes:>8} {last.statements:>10}"
                )
        if not os.environ.get("TEST_DATABASE_URL"):
            print("(PostgreSQL skipped: set TEST_DATABASE_URL to a server to measure it too)")


if __name__ == "__main__":
    asyncio.run(main())
