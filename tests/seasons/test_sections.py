"""Sectioning: headings and their levels as a tree, regions inside rounds, and what a round heading says."""

from __future__ import annotations

import pytest

from bot.seasons.sections import RoundHeading, number_rounds, region_line, round_heading, split_document


def outline(text: str) -> list[tuple[str, str]]:
    """Every section as (its parent's heading, its heading), in document order."""
    return [
        (section.parent.heading if section.parent else "-", section.heading)
        for section in split_document(text).sections()
    ]


def test_title_infobox_and_nesting() -> None:
    """The level-1 heading is the title; infobox lines are read, not kept as lines; levels nest."""
    document = split_document(
        "= 2031 U.S. Open Cup qualification =\n\nInfobox\n- Year: 2031\n- Num Teams: 8\n\nIntro line.\n"
        "== Local ==\n=== First qualifying round ===\nA 1-0 B\n== Other ==\nText.\n"
    )
    assert document.title == "2031 U.S. Open Cup qualification"
    assert document.infobox == {"Year": "2031", "Num Teams": "8"}
    assert outline("= T =\n== Local ==\n=== First qualifying round ===\nA 1-0 B\n== Other ==\nText.\n") == [
        ("-", ""),
        ("", "T"),
        ("T", "Local"),
        ("Local", "First qualifying round"),
        ("T", "Other"),
    ]
    [first_round] = [s for s in document.sections() if s.heading == "First qualifying round"]
    assert first_round.lines == ["A 1-0 B"]
    assert first_round.path == "2031 u.s. open cup qualification / local / first qualifying round"


def test_region_written_above_its_rounds_level_stays_in_the_round() -> None:
    """`===First qualifying round===` then `==Northeast==` with match lines: the region is in the round,
    and the next round heading starts a new round beside the first (not inside the last region)."""
    text = (
        "= T qualification =\n==Local==\n===First qualifying round===\n==Northeast==\nSeptember 1\nA 1-0 B\n"
        "==West==\nC 2-0 D\n===Second qualifying round===\n==Northeast==\nA 1-0 C\n"
    )
    assert outline(text)[2:] == [
        ("T qualification", "Local"),
        ("Local", "First qualifying round"),
        ("First qualifying round", "Northeast"),
        ("First qualifying round", "West"),
        ("Local", "Second qualifying round"),
        ("Second qualifying round", "Northeast"),
    ]


def test_regions_as_upper_headings_hold_their_rounds() -> None:
    """`==Northeast==` / `===Round 1===`: the region holds its rounds, even after another region's round."""
    text = "= T =\n==Northeast==\n===Round 1===\nA 1-0 B\n==Southeast==\n===Round 2===\nC 1-0 D\n"
    assert outline(text)[2:] == [
        ("T", "Northeast"),
        ("Northeast", "Round 1"),
        ("T", "Southeast"),
        ("Southeast", "Round 2"),
    ]


@pytest.mark.parametrize(
    ("heading", "expected"),
    [
        ("First qualifying round", RoundHeading(1)),
        ("First Qualifying Round", RoundHeading(1)),
        ("Round 1", RoundHeading(1)),
        ("Qualifying Round 3", RoundHeading(3)),
        ("2nd round", RoundHeading(2)),
        ("Fourth (final) qualifying round", RoundHeading(4, final=True)),
        ("Final qualifying round", RoundHeading(None, final=True)),
        ("Fifth qualifying round (if needed)", RoundHeading(5, if_needed=True)),
        ("Semifinal of the Amateur Cup", None),
        ("Northeast Region", None),
        ("Schedule", None),
    ],
)
def test_round_headings(heading: str, expected: RoundHeading | None) -> None:
    assert round_heading(heading) == expected


def test_the_final_round_takes_the_number_after_the_others() -> None:
    """'Final qualifying round' is the last round whatever its number; a numbered final keeps its number;
    a round 'if needed' does not push it on."""
    first, second = RoundHeading(1), RoundHeading(2)
    assert number_rounds([first, second, RoundHeading(None, final=True)]) == 3
    assert number_rounds([first, RoundHeading(None, final=True)]) == 2
    assert number_rounds([first, RoundHeading(4, final=True), RoundHeading(None, final=True)]) == 4
    assert number_rounds([first, second, RoundHeading(5, if_needed=True)]) == 3


@pytest.mark.parametrize(
    ("line", "region"),
    [
        (";Northeast", "Northeast"),
        ("; Mid-Atlantic Region", "Mid-Atlantic Region"),
        ("Southeast Region", "Southeast Region"),
        ("West", "West"),
        ("Great Lakes", "Great Lakes"),
        ("Harpo's FC 2-1 Colorado Rovers", None),
        ("West Chester United SC", None),
        ("The first round was played in the West.", None),
    ],
)
def test_region_lines(line: str, region: str | None) -> None:
    assert region_line(line) == region
