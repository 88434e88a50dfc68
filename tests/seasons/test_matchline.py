"""The match-line parser, one line at a time: the shapes real articles write, and sentences it must refuse."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.seasons.matchline import MatchLine, bye_names, looks_like_prose, parse_date, parse_match


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "Home FC (UPSL) 2-1 Away SC (EPSL)",
            MatchLine("Home FC", "Away SC", "UPSL", "EPSL", home_score=2, away_score=1),
        ),
        ("Home FC 2–1 Away SC", MatchLine("Home FC", "Away SC", home_score=2, away_score=1)),
        (
            "Gamma United (YL) 2–1 (a.e.t.) Delta FC (YL)",
            MatchLine("Gamma United", "Delta FC", "YL", "YL", home_score=2, away_score=1, extra_time=True),
        ),
        (
            "Alpha FC (XL) 1–1 (4–3 p) Beta SC (XL)",
            MatchLine("Alpha FC", "Beta SC", "XL", "XL", home_score=1, away_score=1, penalties=(4, 3)),
        ),
        (
            "Harpo’s FC 2–2 Club Atlético Saint Louis (UPSL) (a.e.t., 5–4 pens)",
            MatchLine(
                "Harpo’s FC", "Club Atlético Saint Louis", "", "UPSL", home_score=2, away_score=2,
                extra_time=True, penalties=(5, 4),
            ),
        ),
        (
            "Florida Soccer Soldiers (FCSL) W–L America Soccer Club (FCSL)",
            MatchLine("Florida Soccer Soldiers", "America Soccer Club", "FCSL", "FCSL", home_won_forfeit=True,
                      forfeit=True),
        ),
        (
            "Austin Longhorns (AMSA) L-W (forfeit) Alamo City Soccer Club (UPSL)",
            MatchLine("Austin Longhorns", "Alamo City Soccer Club", "AMSA", "UPSL", home_won_forfeit=False,
                      forfeit=True),
        ),
        (
            "Newport FC 0-2 (forfeit) Newtown Pride FC",
            MatchLine("Newport FC", "Newtown Pride FC", home_score=0, away_score=2, forfeit=True),
        ),
        (
            "New York Pancyprian–Freedoms (CSL) 1–0 La Máquina FC",
            MatchLine("New York Pancyprian–Freedoms", "La Máquina FC", "CSL", home_score=1, away_score=0),
        ),
        (
            "Sounders FC U-23 3-1 A.F.C. Ann Arbor",
            MatchLine("Sounders FC U-23", "A.F.C. Ann Arbor", home_score=3, away_score=1),
        ),
        (
            "Club de Lyon FC 1-0 Zum Schneider FC 03",
            MatchLine("Club de Lyon FC", "Zum Schneider FC 03", home_score=1, away_score=0),
        ),
        (
            "Miami United FC 1–1 Florida Premier FC (abandoned)",
            MatchLine("Miami United FC", "Florida Premier FC", home_score=1, away_score=1, abandoned=True),
        ),
    ],
)  # fmt: skip
def test_match_lines(line: str, expected: MatchLine) -> None:
    assert parse_match(line) == expected


@pytest.mark.parametrize(
    "line",
    [
        "X beat Y 4–3 on penalties after a 2–2 draw.",
        "Harpo’s FC beat FC Boulder 4-3 on penalties after a 2-2 draw",
        "The match between A FC and B FC was stopped at 1–1 when the stadium lights went off.",
        "Six matches were decided in extra time: A beat B, C beat D.",
        "Miami United FC and Florida Premier FC drew 1-1 in the first game",
        "this line belongs nowhere",
        "September 9",
        "- Byes: A FC, B SC",
    ],
)
def test_sentences_and_other_lines_are_never_match_lines(line: str) -> None:
    assert parse_match(line) is None


@pytest.mark.parametrize(
    ("line", "year", "day"),
    [
        ("September 9", 2023, dt.date(2023, 9, 9)),
        ("Saturday, Sept. 9", 2023, dt.date(2023, 9, 9)),
        ("January 16, 2025", 2024, dt.date(2025, 1, 16)),
        ("9 October", 2022, dt.date(2022, 10, 9)),
        ("2023-11-18", 2000, dt.date(2023, 11, 18)),
        ("Round 1", 2023, None),
        ("February 30", 2023, None),
    ],
)
def test_date_lines(line: str, year: int, day: dt.date | None) -> None:
    assert parse_date(line, year) == day


def test_bye_lists() -> None:
    assert bye_names("- Byes: FC Folsom, Inter San Francisco and Parkland Soccer Club") == [
        "FC Folsom",
        "Inter San Francisco",
        "Parkland Soccer Club",
    ]
    assert bye_names("Byes: Yinz United.") == ["Yinz United"]
    assert bye_names("67 clubs will get First qualifying Round Byes.") is None


def test_prose_lines() -> None:
    """A sentence is prose; a stray fragment is not (it is reported as a line not understood)."""
    assert looks_like_prose("The first round was played on September 9 and 10.")
    assert looks_like_prose(
        "Lansdowne Bhoys FC protested the eligibility of a player; the protest was denied"
    )
    assert not looks_like_prose("this line belongs nowhere")
    assert not looks_like_prose("Alpha FC Beta SC")
