"""The delivery crash drill, bounded (issue 14): the bot SIGKILLed at random points as results are confirmed.

A production bot process delivers the notifications of reports applied one by one (results, then
corrections of the same ties) to a guild's results channel and to each follower's DMs, and is killed
once at a random moment; a last bot finishes. Every delivery of every committed report is then made, and the
duplicates (a second message for one delivery) are counted: none. A kill can catch one message whose send
had returned and whose record had not yet committed; it is sent again after the lease, with the same nonce,
and Discord (here the loopback, as Discord documents `enforce_nonce`) gives the message already made back
instead of a second one. The full drill (200 reports, 5 followers each, more kills) is
`python -m bench.bench_following`.

The rate drill: a thousand followers of one club, one result, and a loopback Discord that limits how many DM
channels may be opened per window (429 with `retry_after` beyond it). Time is compressed (the bot's spacing
between DMs and the limit's window are short) so that it runs in seconds; the full-length run is
`python -m bench.bench_following --rate 1000`.
"""

from __future__ import annotations

import logging
import random
from pathlib import Path

from tests.conftest import DATA
from tests.support.delivery_drill import run_drill, run_rate_drill
from tests.support.report_process import data_in_progress

log = logging.getLogger(__name__)
KILLS = 1  # each kill costs a bot process start; the full drill (bench/bench_following.py) kills more


async def test_every_delivery_is_made_once_after_kills(empty_url: str, tmp_path: Path) -> None:
    seed = random.randrange(2**32)
    folder = data_in_progress(DATA, tmp_path / "data")
    figures = await run_drill(
        empty_url, folder, ties=3, reports=6, followers=5, kills=KILLS, seed=seed, log=tmp_path / "bot.log"
    )
    log.info("seed %d: %s", seed, figures.line())
    print(f"delivery drill (seed {seed}): {figures.line()}")
    assert figures.notifications == figures.reports == 6
    assert figures.deliveries == figures.sent == 6 * (1 + 5)  # none lost
    assert figures.duplicates == 0, f"seed {seed}: {figures.line()}"  # a send again gets its message back


RATE_FOLLOWERS = 1_000
RATE_LIMIT = (40, 0.2)  # DM channels opened per window: 200 a second, fewer than the bot would open unlimited
RATE_SPACING = 0.001  # seconds the bot waits between two DMs (compressed from production's 1 s)


async def test_a_thousand_followers_get_one_dm_each_spaced_and_within_the_limit(tmp_path: Path) -> None:
    """On SQLite only: what is drilled is the bot's pacing and discord.py's waiting, the same on either store
    (the outbox's claims on PostgreSQL are drilled above and in tests/e2e/test_processes.py)."""
    folder = data_in_progress(DATA, tmp_path / "data")
    url = f"sqlite+aiosqlite:///{tmp_path / 'rate.sqlite3'}"
    figures = await run_rate_drill(
        url,
        folder,
        followers=RATE_FOLLOWERS,
        limit=RATE_LIMIT,
        dm_interval=RATE_SPACING,
        log=tmp_path / "bot.log",
    )
    print(f"rate drill: {figures.line()}")
    assert figures.dms == RATE_FOLLOWERS and figures.lost == 0 and figures.duplicates == 0, figures.line()
    assert figures.limited >= 1, figures.line()  # the 429 another user of the token caused was waited out,
    assert figures.most_attempts == 1, figures.line()  # inside discord.py: never a failed attempt
    assert figures.most_in_a_window <= RATE_LIMIT[0], figures.line()  # the limit kept
    assert figures.fewest_seconds_apart >= RATE_SPACING, figures.line()  # a queue, never a burst
