"""The delivery crash drill in full (issue 14): results confirmed while the bot delivering them is SIGKILLed
at random points; after the last restart every delivery of every committed result must be made. Prints the
figures (delivered, duplicates, time); exit status 1 if a delivery was lost or the duplicates exceed the
kills (a kill can double only the message whose send returned before its record committed).

    python -m bench.bench_following [--reports 200] [--ties 22] [--followers 5] [--kills 8] [--seed S]
        [--database-url URL]

By default the store is a temporary SQLite file; with --database-url (an empty database) it is that one.
The reports go round the first round-3 ties of 2024 as it stood after round 2 (a result on each, then
corrections of them, which edit the posts made). Each club is followed by every follower, and the guild's
results channel takes each notification: 1 + followers deliveries per report. The bounded version runs in
the suite (tests/e2e/test_delivery_drill.py).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
from pathlib import Path

from tests.support.delivery_drill import run_drill
from tests.support.report_process import data_in_progress

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    """Run the drill and print its figures."""
    parser = argparse.ArgumentParser(
        prog="python -m bench.bench_following", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--reports", type=int, default=200)
    parser.add_argument("--ties", type=int, default=22)
    parser.add_argument("--followers", type=int, default=5)
    parser.add_argument("--kills", type=int, default=8)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--database-url", default=None, help="an empty database (default: temporary SQLite)")
    options = parser.parse_args()
    seed = options.seed if options.seed is not None else random.randrange(2**32)
    with tempfile.TemporaryDirectory() as temporary:
        work = Path(temporary)
        folder = data_in_progress(ROOT / "data", work / "data")
        url = options.database_url or f"sqlite+aiosqlite:///{work / 'drill.sqlite3'}"
        figures = asyncio.run(
            run_drill(
                url,
                folder,
                ties=options.ties,
                reports=options.reports,
                followers=options.followers,
                kills=options.kills,
                seed=seed,
                log=work / "bot.log",
            )
        )
    print(f"delivery drill, seed {seed}: {figures.line()}")
    lost = (
        figures.deliveries
        - figures.sent
        + max(0, options.reports * (1 + options.followers) - figures.deliveries)
    )
    return 1 if lost or figures.duplicates > figures.kills else 0


if __name__ == "__main__":
    sys.exit(main())
