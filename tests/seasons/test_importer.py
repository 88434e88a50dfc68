"""`python -m bot import`: what it refuses, what it writes, and that importing again changes nothing."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

import bot.__main__ as cli
import bot.seasons.importer as importer
from bot.seasons.datafiles import read_season, write_season
from bot.seasons.importer import NotASeason, import_seed
from bot.settings import Settings
from tests.conftest import DATA, ROOT, SEED_2017, SEED_2024

FIRST_IMPORT = dt.datetime(2025, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
LATER_IMPORT = dt.datetime(2025, 6, 7, 8, 9, 10, tzinfo=dt.UTC)


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under `folder`, by relative path, with its bytes."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes() for path in folder.rglob("*") if path.is_file()
    }


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A copy of the committed data/ to import into (the real one is never touched)."""
    copy = tmp_path / "data"
    shutil.copytree(DATA, copy)
    return copy


@pytest.fixture
def cli_data(monkeypatch: pytest.MonkeyPatch) -> Callable[[Path], Path]:
    """Point `python -m bot` at a data folder of the test's choosing."""

    def use(data_dir: Path) -> Path:
        settings = Settings(_env_file=None, data_dir=data_dir)
        monkeypatch.setattr(cli, "get_settings", lambda: settings)
        return data_dir

    return use


# --- item 7: a document that is not a season -------------------------------------------------------------


def test_readme_is_refused_in_one_line(
    cli_data: Callable[[Path], Path], data_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`import README.md`: one line on stderr naming the file, status 1, nothing printed or written."""
    cli_data(data_copy)
    before = tree(data_copy)
    assert cli.main(["import", str(ROOT / "README.md")]) == 1
    captured = capsys.readouterr()
    [line] = captured.err.splitlines()
    assert line.startswith("README.md: not a season in the seed format (") and "nothing written" in line
    assert captured.out == ""
    assert tree(data_copy) == before


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("notes.txt", b"= Notes for 2024 =\n\nProse with a year in its title, and no season in it.\n"),
        ("empty.txt", b""),
        ("picture.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe"),
    ],
)
def test_other_documents_that_are_not_seasons(tmp_path: Path, name: str, content: bytes) -> None:
    """A year without rounds or clubs, an empty file and a binary file are all refused, naming the file."""
    document = tmp_path / name
    document.write_bytes(content)
    with pytest.raises(NotASeason, match=rf"^{name}: not a season in the seed format"):
        import_seed(document, tmp_path / "data")
    assert not (tmp_path / "data").exists()


def test_a_missing_file_and_a_folder_are_one_line_each(
    cli_data: Callable[[Path], Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Paths that are not files are named, one line each, and the status is 1."""
    cli_data(tmp_path / "data")
    assert cli.main(["import", str(tmp_path / "absent.txt"), str(tmp_path)]) == 1
    assert capsys.readouterr().err.splitlines() == [
        f"{tmp_path / 'absent.txt'}: no such file",
        f"{tmp_path}: not a file",
    ]


# --- item 8: a failed import writes nothing -----------------------------------------------------------------


def without_aliases(data_copy: Path) -> Path:
    """data/ without its curated aliases: the 2024 seed then reads with errors (spellings it cannot join)."""
    (data_copy / "aliases.csv").unlink()
    return data_copy


def test_an_import_with_errors_writes_nothing(
    seeds: Path, cli_data: Callable[[Path], Path], data_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The errors are reported, the status is 1, and the season already in data/ is left as it was."""
    cli_data(without_aliases(data_copy))
    before = tree(data_copy)
    assert cli.main(["import", str(seeds / SEED_2024)]) == 1
    out = capsys.readouterr().out
    assert "error: 'CFL GOSA Spurs' has a bye but never plays" in out
    assert "nothing written" in out.splitlines()[0] and "pass --force" in out
    assert tree(data_copy) == before


def test_an_import_with_errors_of_a_new_season_creates_no_folder(seeds: Path, tmp_path: Path) -> None:
    """Without aliases the 2024 seed has errors: no seasons/2024/, and no staging folder left behind."""
    outcome = import_seed(seeds / SEED_2024, tmp_path)
    assert outcome.errors and not outcome.written
    assert list(tmp_path.iterdir()) == []


def test_force_writes_and_says_so(
    seeds: Path, cli_data: Callable[[Path], Path], data_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With --force the season is written despite its errors, the output says so, and the status is 1."""
    cli_data(without_aliases(data_copy))
    assert cli.main(["import", "--force", str(seeds / SEED_2024)]) == 1
    out = capsys.readouterr().out
    assert "because of --force" in out
    written = read_season(data_copy / "seasons" / "2024")
    assert any(finding.level == "error" for finding in written.findings)
    assert sorted(path.name for path in data_copy.iterdir()) == ["rules", "seasons"]


def test_a_season_folder_is_swapped_in_whole(data_copy: Path) -> None:
    """Writing replaces the folder as a whole: a stray file goes, and nothing is left beside it."""
    season = read_season(data_copy / "seasons" / "2017")
    (data_copy / "seasons" / "2017" / "stray.csv").write_text("left over\n")
    write_season(season.model_copy(update={"title": "retitled"}), data_copy)
    assert sorted(path.name for path in (data_copy / "seasons" / "2017").iterdir()) == [
        "byes.csv", "fixtures.csv", "season.toml", "teams.csv",
    ]  # fmt: skip
    assert read_season(data_copy / "seasons" / "2017").title == "retitled"
    assert sorted(path.name for path in data_copy.iterdir()) == ["aliases.csv", "rules", "seasons"]


def test_a_write_that_fails_halfway_leaves_the_old_season(
    data_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If writing fails after some files, the season in place is untouched and the half-write is removed."""
    before = tree(data_copy)
    season = read_season(data_copy / "seasons" / "2024")
    real_write_bytes = Path.write_bytes

    def disk_full_at_fixtures(path: Path, data: bytes) -> int:
        if path.name == "fixtures.csv":
            raise OSError(28, "No space left on device")
        return real_write_bytes(path, data)

    monkeypatch.setattr(Path, "write_bytes", disk_full_at_fixtures)
    with pytest.raises(OSError, match="No space left"):
        write_season(season.model_copy(update={"title": "half written"}), data_copy)
    monkeypatch.undo()
    assert tree(data_copy) == before
    assert sorted(path.name for path in data_copy.iterdir()) == ["aliases.csv", "rules", "seasons"]


# --- item 10: importing the same document again changes nothing ---------------------------------------------


def test_reimporting_the_seeds_leaves_committed_data_byte_identical(
    seeds: Path, cli_data: Callable[[Path], Path], data_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The README's import of both seeds, run against (a copy of) the committed data/, changes no byte."""
    cli_data(data_copy)
    assert cli.main(["import", str(seeds / SEED_2024), str(seeds / SEED_2017)]) == 0
    assert tree(data_copy) == tree(DATA)
    out = capsys.readouterr().out
    assert out.count("(unchanged)") == 2


def test_imported_at_changes_only_when_the_facts_do(
    seeds: Path, data_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A second import of the same text keeps the first import's time; an edited result takes a new one."""
    data = tmp_path / "fresh"
    data.mkdir()
    shutil.copy(data_copy / "aliases.csv", data / "aliases.csv")
    monkeypatch.setattr(importer, "utcnow", lambda: FIRST_IMPORT)
    first = import_seed(seeds / SEED_2017, data)
    assert first.written and not first.unchanged and first.facts.imported_at == FIRST_IMPORT
    after_first = tree(data)

    monkeypatch.setattr(importer, "utcnow", lambda: LATER_IMPORT)
    again = import_seed(seeds / SEED_2017, data)
    assert again.unchanged and again.facts.imported_at == FIRST_IMPORT
    assert tree(data) == after_first

    text = (seeds / SEED_2017).read_text(encoding="utf-8")
    played, corrected = (
        "Vereinigung Erzgebirge 2-5 Brick Lions FC",
        "Vereinigung Erzgebirge 2-6 Brick Lions FC",
    )
    assert text.count(played) == 1
    edited = tmp_path / SEED_2017  # the same document name, one result corrected
    edited.write_text(text.replace(played, corrected), encoding="utf-8")
    changed = import_seed(edited, data)
    assert not changed.unchanged and changed.facts.imported_at == LATER_IMPORT
    assert read_season(data / "seasons" / "2017").imported_at == LATER_IMPORT
