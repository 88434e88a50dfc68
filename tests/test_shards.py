"""Shards per process (issue 16): the settings and `run --shards/--of` as an operator writes them."""

from __future__ import annotations

import argparse

import pytest

from bot.__main__ import shard_count, shard_list
from bot.settings import Settings

POSTGRES = "postgresql+asyncpg://bot:secret@db.example/opencup"


def test_shard_ids_are_read_as_written_and_blank_means_unset() -> None:
    settings = Settings(_env_file=None, shard_count="4", shard_ids="2, 3", database_url=POSTGRES)  # type: ignore[arg-type]
    assert (settings.shard_count, settings.shard_ids, settings.shard_problem()) == (4, [2, 3], None)
    assert not settings.holds_first_shard()
    blank = Settings(_env_file=None, shard_count="", shard_ids="", outbox_lease_seconds="")  # type: ignore[arg-type]
    assert (blank.shard_count, blank.shard_ids, blank.outbox_lease_seconds) == (None, [], None)
    assert blank.holds_first_shard() and blank.shard_problem() is None


@pytest.mark.parametrize(
    ("count", "ids", "url", "problem"),
    [
        (None, [0], POSTGRES, "SHARD_COUNT (--of) is not"),
        (4, [1, 4], POSTGRES, "SHARD_IDS names shard 4, but SHARD_COUNT=4 makes shards 0-3."),
        (4, [0, 1], "", "holds only some of the 4 shards, and the store is SQLite"),
        (4, [0, 1, 2, 3], "", None),  # SQLite, one process holding every shard
        (4, [], "", None),
    ],
)
def test_shard_problems_are_one_sentence(
    count: int | None, ids: list[int], url: str, problem: str | None
) -> None:
    found = Settings(_env_file=None, shard_count=count, shard_ids=ids, database_url=url).shard_problem()
    assert found == problem if problem is None else problem in (found or "")


def test_shards_on_the_command_line() -> None:
    assert shard_list("0-1") == [0, 1] and shard_list("3,0") == [0, 3] and shard_list("0-1,5") == [0, 1, 5]
    assert shard_count("4") == 4
    for wrong in ("a", "1-x", "-1", ""):
        with pytest.raises(argparse.ArgumentTypeError):
            shard_list(wrong)
    for wrong in ("0", "x"):
        with pytest.raises(argparse.ArgumentTypeError):
            shard_count(wrong)
