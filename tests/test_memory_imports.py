"""Memory the bot does not need to hold (issue 12): Pillow before a picture, big buffers after one, pictures.

Pillow is checked in a process of its own, so that this process's imports (the picture tests import it)
cannot hide it; the bot runs there as in the end-to-end tests, logged in to a loopback Discord, on a store
loaded from data/. The drawing check reads that process's own RSS (/proc) before and after drawing.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from bot.render.picture import PictureCache

ROOT = Path(__file__).resolve().parent.parent

BOT_WITHOUT_PICTURES = textwrap.dedent(
    """
    import asyncio, json, sys, tempfile
    from pathlib import Path

    from bot.store.engine import Store
    from tests.support.running_bot import running

    ASKED = [
        ("help", {}),
        ("path", {"team": "folsom", "season": 2024}),
        ("round", {"number": 2, "season": 2024}),
        ("result", {"team": "Christos FC", "opponent": "Aegean Hawks"}),
        ("team", {"name": "miami"}),
        ("qualifiers", {"season": 2024}),
        ("stats", {"season": 2024}),
        ("eligible team", {"name": "folsom", "season": 2024}),
    ]

    def pillow() -> list[str]:
        return sorted(name for name in sys.modules if name == "PIL" or name.startswith("PIL."))

    FILE_IMPORTS = ("bot.answers.imports", "bot.store.imports", "bot.seasons.upload", "bot.seasons.reader")

    def file_imports() -> list[str]:
        return [name for name in FILE_IMPORTS if name in sys.modules]

    async def main() -> dict[str, object]:
        seen: dict[str, object] = {"imported": pillow()}
        with tempfile.TemporaryDirectory() as folder:
            store = Store(f"sqlite+aiosqlite:///{folder}/store.sqlite3", Path("data"))
            await store.open()
            try:
                async with running(store) as (fake, bot):
                    seen["cogs"] = sorted(bot.extensions)
                    seen["failed"] = sorted(bot.failed_extensions)
                    seen["ready"] = pillow()
                    answers = [await fake.slash(path, options) for path, options in ASKED]
                    seen["answered"] = [bool(answer.embeds) for answer in answers]
                    seen["asked"] = pillow()
                    seen["file_imports"] = file_imports()
                    picture = await fake.slash(
                        "path", {"team": "folsom", "season": 2024, "picture": True}, followups=1
                    )
                    seen["png"] = picture.followups[0].files[0].data.startswith(b"\\x89PNG")
                    seen["drawn"] = pillow()
            finally:
                await store.close()
        return seen

    print(json.dumps(asyncio.run(main())))
    """
)


def run_script(source: str) -> dict[str, Any]:
    """Run `source` in a new Python process from the project's root; the JSON of its last line."""
    done = subprocess.run(
        [sys.executable, "-c", source], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    seen: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])
    return seen


def test_pillow_is_imported_only_when_a_picture_is_asked_for() -> None:
    """Every cog loaded, every command answered without Pillow; the first picture imports it. The
    machinery of file imports (/mod import) is not loaded either: a few MiB a fan's question never needs."""
    seen = run_script(BOT_WITHOUT_PICTURES)
    assert seen["file_imports"] == [], seen
    assert "cogs.bracket" in seen["cogs"] and "cogs.path" in seen["cogs"] and seen["failed"] == []
    assert seen["answered"] == [True] * 8
    assert seen["imported"] == seen["ready"] == seen["asked"] == [], seen
    assert seen["png"] and "PIL.Image" in seen["drawn"]


DRAW_IN_THREADS = textwrap.dedent(
    """
    import asyncio, json

    from bot.answers.models import RoundAnswer, RoundMatch
    from bot.render.paging import round_pages
    from bot.render.picture import face, round_png

    def rss() -> float:
        with open("/proc/self/status") as status:
            line = next(line for line in status if line.startswith("VmRSS:"))
        return int(line.split()[1]) / 1024

    # A round of 96 ties: six pages of 16, each a picture about 3,600 px tall (16 MB of pixels).
    matches = [
        RoundMatch(
            fixture=n, home=f"Home Club Number {n} FC", home_league="UPSL", away=f"Away Side {n} SC",
            away_league="NISA", home_score=n % 4 + 1, away_score=0, winner=f"Home Club Number {n} FC",
        )
        for n in range(1, 97)
    ]
    answer = RoundAnswer(season=2024, round=1, matches=matches)
    pages = len(round_pages(answer))
    face(40), face(40, True)  # fonts and Pillow's modules, before the first reading
    before = rss()

    async def draw() -> None:
        for _ in range(3):  # every page at once in the default executor's threads, as /bracket does
            drawn = [asyncio.to_thread(round_png, answer, page) for page in range(1, pages + 1)]
            await asyncio.gather(*drawn)

    asyncio.run(draw())
    print(json.dumps({"pages": pages, "grew": rss() - before}))
    """
)


@pytest.mark.skipif(
    not sys.platform.startswith("linux") or not (os.confstr("CS_GNU_LIBC_VERSION") or "").startswith("glibc"),
    reason="reads /proc and concerns glibc's malloc",
)
def test_drawing_pictures_leaves_no_big_buffers_behind() -> None:
    """Eighteen tall pictures drawn in worker threads: the process keeps a few MiB more, not 50–100."""
    seen = run_script(DRAW_IN_THREADS)
    assert seen["pages"] == 6
    assert seen["grew"] < 30, f"RSS grew {seen['grew']:.1f} MiB over 18 pictures"


def test_the_picture_cache_keeps_at_most_its_bytes() -> None:
    """Besides its count, the cache is bounded in bytes; the newest picture is kept whatever its size."""
    cache = PictureCache(maxsize=64, max_bytes=250)
    for name in "abc":
        cache.get_or_draw(("k", name), lambda: b"x" * 100)
    assert ("k", "a") not in cache and len(cache) == 2 and cache.size == 200
    cache.get_or_draw(("k", "b"), lambda: b"never")  # "b" is now the most recent
    cache.get_or_draw(("k", "big"), lambda: b"y" * 1000)
    assert len(cache) == 1 and ("k", "big") in cache and cache.size == 1000
    cache.get_or_draw(("k", "d"), lambda: b"z" * 10)
    assert ("k", "big") not in cache and cache.size == 10
    cache.clear()
    assert cache.size == 0 and len(cache) == 0
