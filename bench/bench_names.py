"""Team-index benchmark: latency of a match and of an autocomplete request beside raw rapidfuzz on the
same strings, and accuracy beside two baselines. Prints figures; asserts nothing (these machines are
shared and noisy: compare the columns of one run, not runs with each other).

    python -m bench.bench_names
"""

from __future__ import annotations

import asyncio
import gc
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from rapidfuzz import fuzz, process, utils

from bench.synthetic import synthetic_history
from bot.answers.lookup import team_index
from bot.names import IndexedTeam, NameMatch, TeamIndex
from bot.settings import Settings
from bot.store.engine import Store

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.names.test_accuracy import judge, labelled  # noqa: E402  (the same judging as the test)


def timings(call: Callable[[str], object], queries: list[str], repeat: int = 3) -> tuple[float, float]:
    """p50 and p99 latency of `call` over `queries`, in milliseconds."""
    samples = []
    gc.disable()
    try:
        for _ in range(repeat):
            for query in queries:
                start = time.perf_counter()
                call(query)
                samples.append((time.perf_counter() - start) * 1000)
    finally:
        gc.enable()
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.99) - 1]


def autocomplete_queries(names: list[str], rng: random.Random, count: int) -> list[str]:
    """What people type while autocomplete runs: prefixes of names, slips, and things that are not there."""
    queries = []
    for _ in range(count):
        name = rng.choice(names).lower()
        roll = rng.random()
        if roll < 0.6:
            queries.append(name[: rng.randint(1, max(1, len(name)))])
        elif roll < 0.85:
            at = rng.randrange(len(name))
            queries.append(name[:at] + name[at + 1 :])
        else:
            queries.append(rng.choice(["xq", "manchester", "la galaxy", "zzz fc", "sporting kc"]))
    return queries


def measure(label: str, index: TeamIndex, queries: list[str]) -> None:
    """Print latency rows for one index."""
    choices = [spelling for team in index.teams for spelling in (team.name, *team.spellings)]
    prepared = [utils.default_process(choice) for choice in choices]

    def raw(query: str) -> object:  # plain rapidfuzz, choices processed once, as a fair baseline would
        return process.extract(
            utils.default_process(query), prepared, scorer=fuzz.WRatio, processor=None, limit=25
        )

    raw50, raw99 = timings(raw, queries)
    rows = [("autocomplete", *timings(index.suggest, queries)), ("match", *timings(index.match, queries))]
    print(f"\n{label}: {len(index)} clubs, {len(choices) - len(index)} aliases, {len(queries)} queries x3")
    print(f"  {'call':<13}{'p50 ms':>9}{'p99 ms':>9}{'raw p50':>9}{'raw p99':>9}{'p99 ratio':>11}")
    for name, p50, p99 in rows:
        print(f"  {name:<13}{p50:>9.3f}{p99:>9.3f}{raw50:>9.3f}{raw99:>9.3f}{p99 / raw99:>10.2f}x")


def accuracy(index: TeamIndex) -> None:
    """The index beside two baselines on the labelled queries (all-season queries)."""
    items = [item for item in labelled() if item.season is None]
    names = [team.name for team in index.teams]
    processed = [utils.default_process(name) for name in names]

    def extract_one(query: str) -> NameMatch:
        best = process.extractOne(utils.default_process(query), processed, scorer=fuzz.WRatio, processor=None)
        return NameMatch(team=names[best[2]]) if best else NameMatch()

    def substring(query: str) -> NameMatch:
        found = [name for name in names if query.casefold().strip() in name.casefold()]
        return NameMatch(team=found[0]) if len(found) == 1 else NameMatch(candidates=found)

    print(f"\naccuracy on {len(items)} labelled queries (right / confidently wrong on ambiguous+absent):")
    for label, matcher in (
        ("team index", index.match),
        ("rapidfuzz WRatio extractOne", extract_one),
        ("case-insensitive substring", substring),
    ):
        right = wrong = 0
        for item in items:
            is_right, is_wrong = judge(item, matcher(item.query))
            right += is_right
            wrong += is_wrong and item.kind in ("ambiguous", "absent")
        print(f"  {label:<30}{right / len(items):>7.1%}   confident-wrong {wrong}")


async def real_index() -> TeamIndex:
    """The index over the two real seasons, built from data/ as the bot builds it."""
    with tempfile.TemporaryDirectory() as folder:
        store = Store(f"sqlite+aiosqlite:///{folder}/bench.sqlite3", Settings().data_dir)
        await store.open()
        async with store.session() as session:
            index = await team_index(session)
        await store.close()
    return index


def main() -> None:
    """Run every measurement and print the table."""
    rng = random.Random(2024)
    real = asyncio.run(real_index())
    measure("2 real seasons", real, autocomplete_queries([t.name for t in real.teams], rng, 600))
    teams: list[IndexedTeam] = synthetic_history()
    start = time.perf_counter()
    synthetic = TeamIndex(teams)
    built = time.perf_counter() - start
    measure("synthetic 20 seasons", synthetic, autocomplete_queries([t.name for t in teams], rng, 600))
    print(f"  (index built in {built:.2f} s)")
    accuracy(real)


if __name__ == "__main__":
    main()
