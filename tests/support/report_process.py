"""Moderators' reports from real processes: a fork server for the write-race and durability tests, and the
report drill that those tests and `bench/bench_reports.py` run.

Like `tests/support/store_process.py`, the server imports the bot once and forks one process per request,
so a test can afford many real processes. Each child attaches to a store that the test has already opened
(migrated and loaded), as a second bot process would, and writes through the answer path exactly as the
console does: `report(..., apply=False)` in one session, then `report(..., apply=True, version=...)` in
another, naming the version it previewed.

Run as `python -m tests.support.report_process` from the project root. Requests and replies are JSON lines
on standard input and output:

- `{"do": "race", "url", "data", "season", "fixture", "score", "actor", "request", "overwrite", "result",
  "barrier"}` forks a child that previews the report, writes the version it previewed to `result` with the
  suffix `.ready`, waits until `barrier` exists, then confirms naming that version. Its outcome (`applied`
  or the refusal's code) goes to `result` as JSON and, as one line, to standard error.
- `{"do": "drill", "url", "data", "season", "fixtures", "count", "prefix", "acks", "result"}` forks a child
  that applies `count` reports one by one (see `drill`), appending one acknowledgement line to `acks` (in
  one unbuffered write) after each report's commit has returned. At the end it writes `{"done": count}` to
  `result`.
- `{"do": "wait", "pid": n}` waits for that child and replies `{"pid": n, "status": s}`: its exit status,
  or minus the signal that killed it.

Any request replies `{"pid": n}` (the child's). A child that fails writes the error to `result`, exit 1.
The server itself never starts an event loop or a thread, so forking it is safe.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bot.answers.report import Refused, report
from bot.seasons.datafiles import read_season, write_season
from bot.store.engine import Store
from tests.support.fork_server import ForkClient, serve
from tests.support.season_in_progress import cut_after_round

ROOT = Path(__file__).resolve().parents[2]
POLL = 0.0005  # seconds between looks at a barrier file
DRILL_ACTOR = "mod:drill"
SCORES = ("2-1", "1-2")  # the drill alternates these, so every report changes who goes through


def data_in_progress(source: Path, folder: Path) -> Path:
    """A copy of data/ at `folder` holding 2024 only, as it stood after round 2 (round 3 drawn, round 4 drawn
    as "winner of fixture N"), so that reports on round 3 fill round 4's sides."""
    shutil.copytree(source, folder)
    for season in (folder / "seasons").iterdir():
        if season.name != "2024":
            shutil.rmtree(season)
    cut = cut_after_round(read_season(folder / "seasons" / "2024"), 2)
    shutil.rmtree(folder / "seasons" / "2024")
    write_season(cut, folder)
    return folder


def wait_for(path: str) -> None:
    """Return once the file at `path` exists."""
    while not os.path.exists(path):
        time.sleep(POLL)


def planned(index: int, fixtures: list[int]) -> tuple[int, str]:
    """The drill's report number `index`: the fixture it is for and its score.

    The fixtures are taken in turn, and each pass over them reverses every result of the pass before.
    """
    return fixtures[index % len(fixtures)], SCORES[(index // len(fixtures)) % 2]


async def preview_and_apply(
    store: Store, *, season: int, fixture: int, score: str, actor: str, request: str, overwrite: bool = True
) -> tuple[int, int | None]:
    """Preview a report, then apply it naming the version previewed, each in its own session.

    Returns the version previewed and the revision applied. Raises `Refused` as `report` does.
    """
    async with store.session() as session:
        preview = await report(
            session, fixture=fixture, score=score, season=season, overwrite=overwrite, actor=actor
        )
    assert preview.before is not None  # a report always shows the fixture as it stands
    previewed = preview.before.version
    async with store.session() as session:
        done = await report(
            session,
            fixture=fixture,
            score=score,
            season=season,
            overwrite=overwrite,
            actor=actor,
            apply=True,
            version=previewed,
            request=request,
        )
    return previewed, done.revision


async def drill(
    store: Store,
    *,
    season: int,
    fixtures: list[int],
    count: int,
    prefix: str,
    ack: Callable[[dict[str, Any]], None],
    start: int = 0,
) -> None:
    """Apply reports `start` to `count` - 1 one by one (`planned`), calling `ack` after each one's commit
    has returned.

    Each report has its own request id, `prefix` and its number, and `overwrite:true`.
    """
    for index in range(start, count):
        fixture, score = planned(index, fixtures)
        request = f"{prefix}{index}"
        _, revision = await preview_and_apply(
            store, season=season, fixture=fixture, score=score, actor=DRILL_ACTOR, request=request
        )
        ack({"index": index, "request": request, "fixture": fixture, "score": score, "revision": revision})


async def _race(request: dict[str, Any], result: Path) -> None:
    store = Store(request["url"], Path(request["data"]))
    try:
        asked = {key: request[key] for key in ("fixture", "score", "season", "overwrite", "actor")}
        async with store.session() as session:
            preview = await report(session, **asked)
        assert preview.before is not None
        previewed = preview.before.version
        await asyncio.to_thread(result.with_suffix(".ready").write_text, str(previewed))
        await asyncio.to_thread(wait_for, request["barrier"])
        outcome: dict[str, Any] = {"pid": os.getpid(), "actor": request["actor"], "score": request["score"]}
        outcome |= {"request": request["request"], "previewed": previewed}
        try:
            async with store.session() as session:
                done = await report(
                    session, **asked, apply=True, version=previewed, request=request["request"]
                )
            outcome |= {"outcome": "applied", "revision": done.revision}
        except Refused as refused:
            outcome |= {"outcome": refused.code, "message": str(refused)}
    finally:
        await store.close()
    line = json.dumps(outcome)
    await asyncio.to_thread(result.write_text, line)
    print(f"report_process race: {line}", file=sys.stderr, flush=True)


async def _drill(request: dict[str, Any], result: Path) -> None:
    store = Store(request["url"], Path(request["data"]))
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT
    acks = await asyncio.to_thread(os.open, request["acks"], flags, 0o644)

    def ack(line: dict[str, Any]) -> None:
        os.write(acks, (json.dumps(line) + "\n").encode())  # one write(2): the kernel's, whatever comes next

    try:
        await drill(
            store,
            season=request["season"],
            fixtures=list(request["fixtures"]),
            count=request["count"],
            prefix=request["prefix"],
            ack=ack,
        )
    finally:
        os.close(acks)
        await store.close()
    await asyncio.to_thread(result.write_text, json.dumps({"done": request["count"]}))


def child(request: dict[str, Any]) -> int:
    """The forked process: do the request; returns the exit status."""
    result = Path(request["result"])
    try:
        asyncio.run(_race(request, result) if request["do"] == "race" else _drill(request, result))
    except BaseException as error:  # the test reads the failure from the result file
        report_ = {"error": f"{type(error).__name__}: {error}", "traceback": traceback.format_exc()}
        result.write_text(json.dumps(report_))
        return 1
    return 0


class ReportForks(ForkClient):
    """The caller's end of this fork server."""

    def __init__(self) -> None:
        """Start the server."""
        super().__init__("tests.support.report_process")

    def start(self, do: str, **fields: Any) -> int:
        """Fork a child for a `race` or `drill` request (fields as in the module's description): its pid."""
        return self.fork(do, **fields)


if __name__ == "__main__":
    serve(child, ("race", "drill"))
