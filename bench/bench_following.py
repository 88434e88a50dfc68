"""The delivery crash drill in full (issue 14): results confirmed while the bot delivering them is SIGKILLed
at random points; after the last restart every delivery of every committed result must be made. Prints the
figures (delivered, duplicates, sent again and given back by nonce, time); exit status 1 if a delivery was
lost or doubled (a kill between a send and its record makes the bot send that message again, with the same
nonce, which Discord answers with the message already made).

    python -m bench.bench_following [--reports 200] [--ties 22] [--followers 5] [--kills 8] [--seed S]
        [--database-url URL]

By default the store is a temporary SQLite file; with --database-url (an empty database) it is that one.
The reports go round the first round-3 ties of 2024 as it stood after round 2 (a result on each, then
corrections of them, which edit the posts made). Each club is followed by every follower, and the guild's
results channel takes each notification: 1 + followers deliveries per report. The bounded version runs in
the suite (tests/e2e/test_delivery_drill.py).

    python -m bench.bench_following --rate 1000 [--dm-interval 1.0] [--limit 5/1.0] [--database-url URL]

is the rate drill instead: one club followed by that many users, one result, the bot's own spacing between
DMs (production's 1 s by default; the suite's run compresses it), and a loopback Discord that allows
`--limit` DM channel openings per window and answers 429 with `retry_after` beyond it. It prints the DMs
made, lost and doubled, the 429s, the closest two DMs and the time; exit status 1 if a DM was lost or
doubled, or the limit was broken.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
from pathlib import Path

from tests.support.delivery_drill import run_drill, run_rate_drill
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
    parser.add_argument("--rate", type=int, default=0, metavar="FOLLOWERS", help="run the rate drill instead")
    parser.add_argument("--dm-interval", type=float, default=1.0, help="the rate drill's seconds between DMs")
    parser.add_argument("--limit", default="5/1.0", help="the rate drill's DM openings per window: N/SECONDS")
    options = parser.parse_args()
    if options.rate:
        return rate(options.rate, options.dm_interval, options.limit, options.database_url)
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
    return 1 if lost or figures.duplicates else 0


def rate(followers: int, dm_interval: float, limit: str, database_url: str | None) -> int:
    """The rate drill: print its figures; 1 if a DM was lost or doubled or the limit broken."""
    allowed, _, per = limit.partition("/")
    window = (int(allowed), float(per or 1.0))
    with tempfile.TemporaryDirectory() as temporary:
        work = Path(temporary)
        folder = data_in_progress(ROOT / "data", work / "data")
        url = database_url or f"sqlite+aiosqlite:///{work / 'drill.sqlite3'}"
        figures = asyncio.run(
            run_rate_drill(
                url, folder, followers=followers, limit=window, dm_interval=dm_interval, log=work / "bot.log"
            )
        )
    print(f"rate drill, {dm_interval:g} s between DMs: {figures.line()}")
    broken = figures.most_in_a_window > window[0] or figures.fewest_seconds_apart < dm_interval
    return 1 if figures.lost or figures.duplicates or broken else 0


if __name__ == "__main__":
    sys.exit(main())
