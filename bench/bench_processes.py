"""Two bot processes on one PostgreSQL store (issue 16): how soon a result confirmed through one is answered
by the other, and whether every notification is delivered once while one process is SIGKILLed part-way.

    python -m bench.bench_processes --server postgresql+asyncpg://USER:PASS@HOST:PORT/postgres
        [--results 100] [--no-kill] [--lease 2.0] [--seed S]

`--server` is a PostgreSQL server (the default: $TEST_DATABASE_URL); the drill makes a database of its own
there and drops it afterwards. Process A (`python -m bot run --shards 0-1 --of 4`) and process B
(`--shards 2-3 --of 4`) run against a loopback Discord in this process; every result is confirmed through a
guild of A, and the lag is measured until a guild of B shows it (its tie's score in `/mod report`'s
autocomplete, and the win in `/result`). A is SIGKILLed once at a random moment and started again. Prints
the lag (p50, p99, max), the deliveries, the duplicates and the time each part took; exit status 1 if a
delivery was lost or the duplicates exceed the kills. The bounded version runs in the suite
(tests/e2e/test_processes.py, 40 results).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import tempfile
import uuid
from pathlib import Path

from sqlalchemy import make_url, text
from sqlalchemy.ext.asyncio import create_async_engine

from tests.support.processes_drill import Figures, run_processes_drill

ROOT = Path(__file__).resolve().parent.parent


async def drill(server: str, folder: Path, *, results: int, seed: int, kill: bool, lease: float) -> Figures:
    """The drill on a new database of `server`, dropped afterwards."""
    name = f"opencup_bench_{uuid.uuid4().hex[:10]}"
    admin = create_async_engine(server, isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        await connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(server).set(database=name).render_as_string(hide_password=False)
    try:
        return await run_processes_drill(
            url, ROOT / "data", folder, results=results, seed=seed, kill=kill, lease=lease
        )
    finally:
        async with admin.connect() as connection:
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()


def main() -> int:
    """Run the drill and print its figures."""
    parser = argparse.ArgumentParser(
        prog="python -m bench.bench_processes", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--server", default=os.environ.get("TEST_DATABASE_URL"), help="a PostgreSQL server")
    parser.add_argument("--results", type=int, default=100)
    parser.add_argument("--no-kill", dest="kill", action="store_false", help="do not kill process A")
    parser.add_argument("--lease", type=float, default=2.0, help="OUTBOX_LEASE_SECONDS of both processes")
    parser.add_argument("--seed", type=int, default=None)
    options = parser.parse_args()
    if not options.server:
        parser.error("name a PostgreSQL server with --server (or set TEST_DATABASE_URL)")
    if options.results > 144:
        parser.error("the two seasons hold 144 ties: --results 144 at most")
    seed = options.seed if options.seed is not None else random.randrange(2**32)
    with tempfile.TemporaryDirectory() as temporary:
        figures = asyncio.run(
            drill(
                options.server,
                Path(temporary),
                results=options.results,
                seed=seed,
                kill=options.kill,
                lease=options.lease,
            )
        )
    print(f"processes drill, seed {seed}: {figures.line()}")
    return (
        1 if figures.unsent or figures.sent != figures.deliveries or figures.duplicates > figures.kills else 0
    )


if __name__ == "__main__":
    sys.exit(main())
