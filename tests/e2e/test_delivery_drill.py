"""The delivery crash drill, bounded (issue 14): the bot SIGKILLed at random points as results are confirmed.

A production bot process delivers the notifications of reports applied one by one (results, then
corrections of the same ties) to a guild's results channel and to each follower's DMs, and is killed
once at a random moment; a last bot finishes. Every delivery of every committed report is then made, and the
duplicates (a message sent again for one delivery) are counted. The bound: a kill can double only the one
message whose send had returned and whose record had not yet committed, so at most one per kill. The full
drill (200 reports, 5 followers each, more kills) is `python -m bench.bench_following`.
"""

from __future__ import annotations

import logging
import random
from pathlib import Path

from tests.conftest import DATA
from tests.support.delivery_drill import run_drill
from tests.support.report_process import data_in_progress

log = logging.getLogger(__name__)
KILLS = 1  # each kill costs a bot process start; the full drill (bench/bench_following.py) kills more


async def test_every_delivery_is_made_after_kills_with_at_most_one_duplicate_per_kill(
    empty_url: str, tmp_path: Path
) -> None:
    seed = random.randrange(2**32)
    folder = data_in_progress(DATA, tmp_path / "data")
    figures = await run_drill(
        empty_url, folder, ties=3, reports=6, followers=5, kills=KILLS, seed=seed, log=tmp_path / "bot.log"
    )
    log.info("seed %d: %s", seed, figures.line())
    print(f"delivery drill (seed {seed}): {figures.line()}")
    assert figures.notifications == figures.reports == 6
    assert figures.deliveries == figures.sent == 6 * (1 + 5)  # none lost
    assert figures.duplicates <= KILLS, f"seed {seed}: {figures.line()}"
