"""`check-data`: counts, consistency of rounds, and the sources' own disagreements."""

from __future__ import annotations

import shutil
from pathlib import Path

from bot.seasons.check import check_season
from bot.seasons.datafiles import read_all, read_season


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
