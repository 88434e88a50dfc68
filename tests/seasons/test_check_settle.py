"""`check-data` settles every played fixture again by the one result rule (`settle`), in data/ and the store.

A fixture whose decided_by, penalties or winner is not what the rule of the seed reader and /report makes of
its score is an error naming the season, the fixture, what is wrong and what to write instead.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.seasons.check import check_data
from bot.store.engine import Store
from bot.store.loader import check_store
from tests.conftest import DATA

RULE = "[result rule]"


def tampered(tmp_path: Path, year: int, before: str, after: str) -> Path:
    """A copy of the committed data/ with one line of a season's fixtures.csv changed."""
    copy = tmp_path / "data"
    shutil.copytree(DATA, copy)
    fixtures = copy / "seasons" / str(year) / "fixtures.csv"
    content = fixtures.read_text(encoding="utf-8")
    assert content.count(before) == 1, before
    fixtures.write_text(content.replace(before, after), encoding="utf-8")
    return copy


def test_committed_data_settles_as_stored() -> None:
    """Every played fixture of both committed seasons settles as stored, level ties of unknown shoot-out too.

    Also a guard that the check ran: each season says how many played fixtures it settled."""
    report = check_data(data_dir=DATA)
    assert report.errors == []
    agreements = {season.year: season.agreements for season in report.seasons}
    assert (
        "results: 98 played fixtures settle as stored, by the rule of the reader and /report"
        in (agreements[2024])
    )
    assert (
        "results: 46 played fixtures settle as stored, by the rule of the reader and /report"
        in (agreements[2017])
    )


CASES = {
    "penalties after a non-level score": (
        2024,
        "SF Vikings SC,SFSFL,Inter San Francisco,SFSFL,0,1,regulation,,,",
        "SF Vikings SC,SFSFL,Inter San Francisco,SFSFL,0,1,penalties,,,",
        "seasons/2024/fixtures.csv: [result rule] fixture 1 (SF Vikings SC v Inter San Francisco) is stored "
        "as 0-1, decided_by penalties, winner Inter San Francisco: by the rule of the reader and /report "
        "that is a win for Inter San Francisco in regulation, so write decided_by regulation",
    ),
    "a shoot-out score after a non-level score": (
        2024,
        "SF Vikings SC,SFSFL,Inter San Francisco,SFSFL,0,1,regulation,,,",
        "SF Vikings SC,SFSFL,Inter San Francisco,SFSFL,0,1,penalties,,4-3,",
        "seasons/2024/fixtures.csv: [result rule] fixture 1 (SF Vikings SC v Inter San Francisco) is stored "
        "as 0-1, decided_by penalties, penalties 4-3, winner Inter San Francisco, which the result rule "
        "refuses: A shoot-out follows a level score, and 0-1 is not: drop penalties:.",
    ),
    "a winner the score contradicts": (
        2024,
        "DCFC,DCPL,MoCo 1776 FC,UPSL,1,0,regulation,,,DCFC,",
        "DCFC,DCPL,MoCo 1776 FC,UPSL,1,0,regulation,,,MoCo 1776 FC,",
        "seasons/2024/fixtures.csv: [result rule] fixture 2 (DCFC v MoCo 1776 FC) is stored as 1-0, "
        "decided_by regulation, winner MoCo 1776 FC, which the result rule refuses: "
        "1-0 says the home side won; drop winner: or correct the score.",
    ),
    "a shoot-out that ended level": (
        2024,
        "2,2,penalties,,unknown,Holac FC,",
        "2,2,penalties,,4-4,Holac FC,",
        "seasons/2024/fixtures.csv: [result rule] fixture 9 (Bellevue Athletic FC v Holac FC) is stored as "
        "2-2, decided_by penalties, penalties 4-4, winner Holac FC, which the result rule refuses: "
        "A shoot-out cannot end level: write the score it ended, e.g. penalties:4-3.",
    ),
    "a level tie stored as won in regulation": (
        2024,
        "2,2,penalties,,unknown,Holac FC,",
        "2,2,regulation,,,Holac FC,",
        "seasons/2024/fixtures.csv: [result rule] fixture 9 (Bellevue Athletic FC v Holac FC) is stored as "
        "2-2, decided_by regulation, winner Holac FC: by the rule of the reader and /report that is a win "
        "for Holac FC on penalties (shoot-out score unknown), so write decided_by penalties, "
        "penalties unknown",
    ),
    "a forfeit with no winner": (
        2017,
        ",,forfeit,,,Newtown Pride FC,played,awarded 0-2,",
        ",,forfeit,,,,played,awarded 0-2,",
        "seasons/2017/fixtures.csv: [result rule] fixture 6 (Newport FC v Newtown Pride FC) is stored as "
        "no score, decided_by forfeit, no winner, which the result rule refuses: "
        "A forfeit needs winner:home or winner:away (who was awarded the tie).",
    ),
    "a level tie with no winner": (
        2024,
        "2,2,penalties,,unknown,Holac FC,",
        "2,2,penalties,,unknown,,",
        "seasons/2024/fixtures.csv: [result rule] fixture 9 (Bellevue Athletic FC v Holac FC) is stored as "
        "2-2, decided_by penalties, penalties unknown, no winner: level with no shoot-out score and no "
        "winner, who went through cannot be told: write winner (the side that played on), and the shoot-out "
        "score in penalties if it is known",
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_tampered_result_is_reported(tmp_path: Path, case: str) -> None:
    """One fixture changed against the rule: one finding, naming the season's file and the fixture."""
    year, before, after, expected = CASES[case]
    report = check_data(data_dir=tampered(tmp_path, year, before, after))
    findings = [str(problem) for problem in report.errors if problem.check == "result rule"]
    assert findings == [expected]


def test_cli_reports_a_tampered_result(tmp_path: Path) -> None:
    """`python -m bot check-data` in its own process: status 1 and the finding's line, no store created."""
    copy = tampered(
        tmp_path,
        2024,
        "SF Vikings SC,SFSFL,Inter San Francisco,SFSFL,0,1,regulation,,,",
        "SF Vikings SC,SFSFL,Inter San Francisco,SFSFL,0,1,penalties,,,",
    )
    store = tmp_path / "no-store-yet.sqlite3"
    env = {key: value for key, value in os.environ.items() if key != "DISCORD_TOKEN"}
    env |= {"DATA_DIR": str(copy), "DATABASE_URL": f"sqlite+aiosqlite:///{store}"}
    done = subprocess.run(
        [sys.executable, "-m", "bot", "check-data"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert f"  ERROR    {CASES['penalties after a non-level score'][3]}" in done.stdout.splitlines()
    assert not store.exists()


async def test_a_result_tampered_in_the_store_is_reported(empty_url: str) -> None:
    """A stored fixture changed by SQL behind the bot's back breaks the rule: an error even when the store
    holds another version of data/ (where differences from data/ are only notes)."""
    store = Store(empty_url, DATA)
    await store.open()
    clean = await check_store(url=empty_url, report=check_data(data_dir=DATA))
    assert clean.problems == []
    assert (
        "store: 144 played fixtures settle as stored, by the rule of the reader and /report" in clean.passed
    )
    try:
        async with store.engine.begin() as connection:
            await connection.execute(
                text(
                    "UPDATE fixture SET penalties = '4-3', decided_by = 'penalties' WHERE number = 1 "
                    "AND season_id = (SELECT id FROM season WHERE year = 2024)"
                )
            )
            await connection.execute(
                text("UPDATE storemeta SET value = 'another' WHERE key = 'data_version'")
            )
    finally:
        await store.close()
    section = await check_store(url=empty_url, report=check_data(data_dir=DATA))
    findings = [str(problem) for problem in section.problems if problem.check == "result rule"]
    assert findings == [
        "store: [result rule] 2024: fixture 1 (SF Vikings SC v Inter San Francisco) is stored as 0-1, "
        "decided_by penalties, penalties 4-3, winner Inter San Francisco, which the result rule refuses: "
        "A shoot-out follows a level score, and 0-1 is not: drop penalties:. (a moderator corrects it in the "
        "store: /report fixture:1 season:2024 overwrite:true, with the result as it was)"
    ]
    assert [problem for problem in section.problems if problem.check != "result rule"] == []
    assert any("fixture 1 differs from data/" in note for note in section.notes)
