"""`/eligible` reads a season's rules from disk once per version of data/rules, not once per call (issue 12).

The rules TOML was already parsed once per version of its file; but every call still listed the rules
folder and looked the file up again. Now repeated calls touch neither the folder's listing nor the file's
text; a changed file, a new season's file and a removed one are all seen on the next call.
"""

from __future__ import annotations

import os
import shutil
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bot.answers.eligible import season_rules
from bot.answers.errors import SeasonNotFound
from tests.conftest import DATA

CALLS = 200
AN_HOUR = 3_600 * 1_000_000_000  # ns


def counting(monkeypatch: pytest.MonkeyPatch, owner: Any, name: str) -> list[object]:
    """Count the calls of `owner.name` (still calling it)."""
    calls: list[object] = []
    original: Callable[..., Any] = getattr(owner, name)

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(args[:1])
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, counted)
    return calls


def age(path: Path, *, by_ns: int = AN_HOUR) -> None:
    """Date `path` back (a file written a moment ago may change again within its clock tick)."""
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns - by_ns))


def test_rules_are_read_once_per_version_not_per_call(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    (data / "rules").mkdir(parents=True)
    rules = data / "rules" / "2024.toml"
    shutil.copy(DATA / "rules" / "2024.toml", rules)
    age(rules)
    age(data / "rules")
    listings = counting(monkeypatch, os, "scandir")
    parses = counting(monkeypatch, tomllib, "loads")
    reads = counting(monkeypatch, Path, "read_text")

    first = season_rules(data_dir=data, season=2024)
    assert first.season == 2024 and len(parses) == 1
    listings.clear(), parses.clear(), reads.clear()
    for _ in range(CALLS):
        assert season_rules(data_dir=data, season=2024) is first
        assert season_rules(data_dir=data, season=None) is first
    assert (len(listings), len(reads), len(parses)) == (0, 0, 0)

    # A new version of the file is read, once, on the next call.
    text = rules.read_text(encoding="utf-8").replace("minimum = 4\n", "minimum = 40\n")
    rules.write_text(text, encoding="utf-8")
    age(rules, by_ns=AN_HOUR // 2)
    reads.clear(), parses.clear()
    changed = season_rules(data_dir=data, season=2024)
    assert changed is not first and len(parses) == 1
    assert next(rule for rule in changed.rules if rule.id == "league-size").minimum == 40
    for _ in range(CALLS):
        assert season_rules(data_dir=data, season=2024) is changed
    assert len(parses) == 1

    # A season's file added to the folder, and one taken away, are seen on the next call.
    shutil.copy(DATA / "rules" / "2017.toml", data / "rules" / "2017.toml")
    age(data / "rules" / "2017.toml")
    age(data / "rules", by_ns=AN_HOUR // 2)
    assert season_rules(data_dir=data, season=2017).season == 2017
    rules.unlink()
    age(data / "rules", by_ns=AN_HOUR // 4)
    with pytest.raises(SeasonNotFound, match="no entry rules for 2024"):
        season_rules(data_dir=data, season=2024)
    assert season_rules(data_dir=data, season=None).season == 2017
