"""`check-data`: counts, consistency of rounds, and the sources' own disagreements."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

import bot.__main__ as cli
from bot.seasons.check import check_season
from bot.seasons.datafiles import DataFileError, read_all, read_season
from bot.settings import Settings


def test_committed_data_is_consistent(data_dir: Path) -> None:
    """Both seasons check without errors; their counts are the seeds' facts."""
    reports = {report.year: report for report in map(check_season, read_all(data_dir))}
    assert set(reports) == {2017, 2024}
    assert all(not report.errors for report in reports.values())
    assert reports[2024].counts["fixtures"] == 98 and reports[2024].counts["local teams"] == 109
    assert reports[2024].counts["level fixtures"] == 7 and reports[2024].counts["forfeits"] == 3
    assert reports[2017].counts["fixtures"] == 46 and reports[2017].counts["implied byes"] == 8
    assert reports[2017].counts["track national_league"] == 38


def test_source_disagreements_are_warnings(data_dir: Path) -> None:
    """413 stated goals against 418 counted; the PDL's 21 stated clubs against 20 listed."""
    reports = {report.year: report for report in map(check_season, read_all(data_dir))}
    assert "goals: the source states 413, the facts add up to 418" in reports[2024].warnings
    assert "PDL clubs: the source states 21, the facts add up to 20" in reports[2017].warnings
    assert "matches: 98, as the source states" in reports[2024].agreements


def test_broken_data_is_an_error(data_dir: Path, tmp_path: Path) -> None:
    """A fixture naming an unknown club, or a loser playing on, is a real inconsistency."""
    folder = tmp_path / "2024"
    shutil.copytree(data_dir / "seasons" / "2024", folder)
    fixtures = folder / "fixtures.csv"
    text = fixtures.read_text()
    assert "4,2,regulation,,,FC Folsom" in text
    # Round 4: swap the winner of FC Folsom v Inter San Francisco to a club that is not in the season.
    fixtures.write_text(text.replace("4,2,regulation,,,FC Folsom", "4,2,regulation,,,FC Nowhere"))
    report = check_season(read_season(folder))
    assert any("FC Nowhere" in error for error in report.errors)

    # Round 2: make Bay Area United FC beat Valley 559 FC, who still plays (and loses) in round 3.
    before = "Bay Area United FC,NISAN,4,1,regulation,,,Valley 559 FC"
    assert before in text
    fixtures.write_text(text.replace(before, "Bay Area United FC,NISAN,4,1,regulation,,,Bay Area United FC"))
    report = check_season(read_season(folder))
    assert "round 3: 'Valley 559 FC' plays after being knocked out" in report.errors
    assert any(
        "round 3: entrants differ" in error and "Bay Area United FC" in error for error in report.errors
    )


# `python -m bot check-data` on damaged data/: an error line naming the file and the check, status 1 ------


def run_check_data(
    data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str]:
    """check-data against `data`, with a store that does not exist yet (it must not be created)."""
    store = tmp_path / "no-store-yet.sqlite3"
    settings = Settings(_env_file=None, data_dir=data, database_url=f"sqlite+aiosqlite:///{store}")
    monkeypatch.setattr(cli, "get_settings", lambda: settings)
    status = cli.main(["check-data"])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    assert not store.exists()
    return status, captured.out + captured.err


def test_cli_committed_data_passes(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The committed data/ has warnings only (413 stated goals against 418), so check-data exits 0."""
    status, report = run_check_data(data_dir, tmp_path, monkeypatch, capsys)
    assert status == 0, report
    assert "WARNING  goals: the source states 413, the facts add up to 418" in report
    assert "no store yet at" in report


def rewrite(path: Path, change: Callable[[str], str]) -> None:
    path.write_text(change(path.read_text()))


def first_line(text: str) -> str:
    return text.split("\n", 1)[0] + "\n"


def cut_mid_line(path: Path) -> None:
    content = path.read_bytes()
    path.write_bytes(content[: content.index(b"\n", len(content) // 2) - 30])


def duplicate_last_line(text: str) -> str:
    return text + text.splitlines()[-1] + "\n"


def not_utf8(path: Path) -> None:
    path.write_bytes(path.read_bytes().replace("–".encode(), "–".encode("cp1252")))


def directory_instead(path: Path) -> None:
    path.unlink()
    path.mkdir()


DAMAGED: dict[str, tuple[str, Callable[[Path], None], str]] = {
    "fixtures cut to header": (
        "seasons/2024/fixtures.csv",
        lambda p: rewrite(p, first_line),
        "seasons/2024/fixtures.csv: [stated figures] holds no fixtures, but the source states 98 matches",
    ),
    "2017 fixtures cut to header": (
        "seasons/2017/fixtures.csv",
        lambda p: rewrite(p, first_line),
        "seasons/2017/fixtures.csv: [stated figures] holds no fixtures, but season.toml lists 2 rounds",
    ),
    "fixtures cut mid-line": (
        "seasons/2024/fixtures.csv",
        cut_mid_line,
        "fixtures.csv: [fields per line] line ",
    ),
    "a fixture twice": (
        "seasons/2017/fixtures.csv",
        lambda p: rewrite(p, duplicate_last_line),
        "seasons/2017/fixtures.csv: [unique] fixture 46 appears 2 times",
    ),
    "a number that is not one": (
        "seasons/2017/fixtures.csv",
        lambda p: rewrite(p, lambda t: t.replace("\n1,1,", "\none,1,", 1)),
        "seasons/2017/fixtures.csv: [values] line 2: number: ",
    ),
    "season.toml removed": (
        "seasons/2024/season.toml",
        Path.unlink,
        "seasons/2024/season.toml: [missing file] the season folder has no season.toml",
    ),
    "season.toml not TOML": (
        "seasons/2017/season.toml",
        lambda p: rewrite(p, lambda t: t.replace("teams = 64", "teams = ")),
        "seasons/2017/season.toml: [TOML syntax] ",
    ),
    "season.toml of another year": (
        "seasons/2017/season.toml",
        lambda p: rewrite(p, lambda t: t.replace("year = 2017", "year = 2016")),
        "seasons/2017/season.toml: [year] says year 2016, but its folder is named 2017",
    ),
    "season.toml not UTF-8": ("seasons/2024/season.toml", not_utf8, "seasons/2024/season.toml: [not UTF-8] "),
    "teams.csv unreadable": (
        "seasons/2024/teams.csv",
        directory_instead,
        "seasons/2024/teams.csv: [unreadable] cannot be read",
    ),
    "teams.csv removed": ("seasons/2017/teams.csv", Path.unlink, "seasons/2017/teams.csv: [missing file]"),
    "aliases.csv cut mid-line": (
        "aliases.csv",
        lambda p: p.write_bytes(p.read_bytes()[:-3]),
        "aliases.csv: [",
    ),
    "an implied bye with no later tie": (
        "seasons/2017/fixtures.csv",
        lambda p: rewrite(
            p, lambda t: "".join(line for line in t.splitlines(True) if "Boca Raton" not in line)
        ),
        "seasons/2017/byes.csv: [byes] a round-1 bye for 'Boca Raton FC' (implied by a later tie), but ",
    ),
}


@pytest.mark.parametrize("damage", list(DAMAGED))
def test_cli_names_the_damaged_file(
    damage: str,
    data_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Each damage is an ERROR line naming the file and the check, never a traceback, and status 1."""
    file, harm, expected = DAMAGED[damage]
    copy = tmp_path / "data"
    shutil.copytree(data_dir, copy)
    harm(copy / file)
    status, report = run_check_data(copy, tmp_path, monkeypatch, capsys)
    assert status == 1, report
    assert any(line.startswith("  ERROR    ") and expected in line for line in report.splitlines()), report


@pytest.mark.parametrize("folder", ["missing", "empty"])
def test_cli_missing_or_empty_data_folder(
    folder: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A DATA_DIR that does not exist, or holds no seasons, is an error that says what to do."""
    data = tmp_path / "data"
    if folder == "empty":
        data.mkdir()
    status, report = run_check_data(data, tmp_path, monkeypatch, capsys)
    assert status == 1
    assert f"{data}: [data folder]" in report and "DATA_DIR" in report


def test_read_season_names_the_file(data_dir: Path, tmp_path: Path) -> None:
    """`read_season` on a cut file raises a DataFileError that names the file and the check."""
    folder = tmp_path / "2024"
    shutil.copytree(data_dir / "seasons" / "2024", folder)
    cut_mid_line(folder / "fixtures.csv")
    with pytest.raises(DataFileError) as raised:
        read_season(folder)
    assert raised.value.path == folder / "fixtures.csv" and raised.value.check == "fields per line"
