"""data/ holds exactly what the importer writes from the seeds, and reads back unchanged."""

from __future__ import annotations

import shutil
from pathlib import Path

from bot.seasons.datafiles import files_version, read_aliases, read_all, read_data, read_season, write_season
from bot.seasons.importer import import_seed
from tests.conftest import SEED_2017, SEED_2024


def test_committed_data_matches_a_fresh_import(seeds: Path, data_dir: Path, tmp_path: Path) -> None:
    """Re-importing both seeds reproduces data/ (apart from the import time)."""
    (tmp_path / "aliases.csv").write_bytes((data_dir / "aliases.csv").read_bytes())
    for seed in (SEED_2024, SEED_2017):
        outcome = import_seed(seeds / seed, tmp_path)
        assert outcome.errors == []
        committed = read_season(data_dir / "seasons" / str(outcome.facts.year))
        fresh = read_season(outcome.folder)
        assert fresh.model_copy(update={"imported_at": committed.imported_at}) == committed


def test_round_trip(data_dir: Path, tmp_path: Path) -> None:
    """Writing a season and reading it back loses nothing."""
    for season in read_all(data_dir):
        assert read_season(write_season(season, tmp_path)) == season


def test_curated_aliases_are_read(data_dir: Path) -> None:
    """The alias file carries season-bound spellings and the cross-season rename."""
    rules = {rule.alias: rule for rule in read_aliases(data_dir)}
    assert rules["CFL GOSA Spurs"].target == "FC America CFL Spurs" and rules["CFL GOSA Spurs"].season == 2024
    assert rules["Lansdowne Bhoys"].target == "Lansdowne Yonkers" and rules["Lansdowne Bhoys"].season is None


def test_the_files_version_is_the_version_read_data_gives(data_dir: Path, tmp_path: Path) -> None:
    """Hashing the bytes alone gives data/'s version exactly; one byte changed changes it; a season that lacks
    a file gives none (reading data/ whole then says what is wrong)."""
    copy = tmp_path / "data"
    shutil.copytree(data_dir, copy)
    assert files_version(copy) == read_data(data_dir=copy).version == read_data(data_dir=data_dir).version
    byes = copy / "seasons" / "2017" / "byes.csv"
    byes.write_bytes(byes.read_bytes() + b"\n")
    assert files_version(copy) == read_data(data_dir=copy).version != read_data(data_dir=data_dir).version
    byes.unlink()
    assert files_version(copy) is None
