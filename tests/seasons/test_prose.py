"""The prose reader: sentences about ties, qualifiers and direct slots, read against the lines' ties."""

from __future__ import annotations

import pytest

from bot.seasons.facts import FixtureFacts
from bot.seasons.prose import (
    Tie,
    TieSaid,
    counted_ties,
    read_direct_winner,
    read_qualified,
    read_ties,
    reconcile,
    sentences,
)


def tie(number: int, round_number: int, home: str, away: str, *also: tuple[str, str]) -> Tie:
    """A tie whose clubs are keyed by their own names; `also` adds (club, spelling) pairs."""
    spellings = {home: [home], away: [away]}
    for club, spelling in also:
        spellings[club].append(spelling)
    return Tie(number, round_number, home, away, tuple(spellings[home]), tuple(spellings[away]))


TIES = [
    tie(1, 1, "Kensington Soccer Club", "Philadelphia Heritage SC"),
    tie(2, 1, "Hodler Miami FC", "City Soccer FC"),
    tie(3, 2, "City Soccer FC", "Orlando FC Wolves"),
    tie(4, 2, "FC Boulder", "Harpo’s FC", ("Harpo’s FC", "Harpo's FC")),
    tie(5, 3, "Lansdowne Yonkers FC", "City Soccer FC"),
]


def test_sentences_are_not_cut_after_abbreviations() -> None:
    text = "The U.S. Open Cup began. St. Louis FC won 2–1. Then F.C. Motown lost."
    assert sentences(text) == ["The U.S. Open Cup began.", "St. Louis FC won 2–1.", "Then F.C. Motown lost."]


def test_an_extra_time_list_across_rounds() -> None:
    """'Six matches … in extra time: A beat B, C beat D …': each pair that is a tie, with its winner."""
    sentence = (
        "Three matches of the first two rounds were decided in extra time: Kensington Soccer Club beat "
        "Philadelphia Heritage SC, City Soccer FC beat Hodler Miami FC and City Soccer FC beat Orlando FC "
        "Wolves."
    )
    said = read_ties(sentence, TIES, round_number=2)
    assert [(s.tie, s.winner, s.extra_time, s.shootout) for s in said] == [
        (1, "home", True, None),
        (2, "away", True, None),
        (3, "home", True, None),
    ]
    assert counted_ties(sentence) == 3


@pytest.mark.parametrize(
    "sentence",
    [
        "Harpo’s FC beat FC Boulder 4–3 on penalties after a 2–2 draw.",
        "Harpo's FC beat FC Boulder 4-3 on penalties after a 2-2 draw.",
        "FC Boulder lost 3–4 on penalties to Harpo’s FC after a 2–2 draw.",
        "After a 2–2 draw, FC Boulder and Harpo's FC went to a shoot-out, which Harpo’s FC won 4–3.",
    ],
)
def test_a_shootout_sentence(sentence: str) -> None:
    """The winner, the shoot-out (the winner's kicks first) and the level score, however the sentence runs."""
    [said] = read_ties(sentence, TIES, round_number=2)
    assert (said.tie, said.winner, said.shootout, said.level) == (4, "away", (4, 3), (2, 2))
    assert said.sentence == sentence


def test_a_pair_that_met_twice_is_the_tie_of_the_sentences_round() -> None:
    ties = [tie(1, 1, "Alpha FC", "Beta SC"), tie(2, 3, "Beta SC", "Alpha FC")]
    assert [s.tie for s in read_ties("Beta SC beat Alpha FC in extra time.", ties, round_number=3)] == [2]
    assert [s.tie for s in read_ties("Beta SC beat Alpha FC in extra time.", ties, round_number=2)] == [1]


def test_sentences_that_name_no_tie() -> None:
    assert read_ties("The match was postponed by a week because of flooding.", TIES) == []
    assert read_ties("Kensington Soccer Club beat Orlando FC Wolves 3–1.", TIES) == []  # never met
    said = read_ties("Kensington Soccer Club protested; Philadelphia Heritage SC's protest failed.", TIES)
    assert said == [TieSaid(tie=1, winner=None, sentence=said[0].sentence)]


@pytest.mark.parametrize(
    ("sentence", "all_winners", "count", "names"),
    [
        ("All winners qualified for the tournament proper.", True, None, ()),
        ("The seven winners qualified for the 2019 U.S. Open Cup.", True, 7, ()),
        (
            "The three winners qualified for the tournament proper: Lansdowne Bhoys FC, NTX Rayados and "
            "Azteca FC.",
            False,
            3,
            ("Lansdowne Bhoys FC", "NTX Rayados", "Azteca FC"),
        ),
        ("The following clubs qualified: Brockton FC United, El Farolito.", False, None,
         ("Brockton FC United", "El Farolito")),
    ],
)  # fmt: skip
def test_qualified_sentences(sentence: str, all_winners: bool, count: int | None, names: tuple[str]) -> None:
    said = read_qualified(sentence)
    assert said is not None
    assert (said.all_winners, said.count, said.names) == (all_winners, count, names)


def test_sentences_that_say_nobody_qualified() -> None:
    assert read_qualified("The winners will be drawn against each other in the next round.") is None
    assert (
        read_qualified("Four rounds of local qualifying matches will result in 11 clubs advancing.") is None
    )


@pytest.mark.parametrize(
    ("sentence", "winner", "competition", "loser"),
    [
        (
            "SC MesoAmerica defeated Newtown Pride FC 2–1, to win the 2023 National Amateur Cup and qualify.",
            "SC MesoAmerica", "2023 National Amateur Cup", "Newtown Pride FC",
        ),
        (
            "Lansdowne Yonkers FC won the 2021 National Amateur Cup and qualified directly for the 2022 U.S. "
            "Open Cup.",
            "Lansdowne Yonkers FC", "2021 National Amateur Cup", "",
        ),
        (
            "The 2018 National Amateur Cup was won by Milwaukee Bavarian SC, who thereby earned a place.",
            "Milwaukee Bavarian SC", "2018 National Amateur Cup", "",
        ),
        (
            "The 2021 National Amateur Cup winner, Lansdowne Yonkers FC, qualified directly.",
            "Lansdowne Yonkers FC", "2021 National Amateur Cup", "",
        ),
        (
            "National Amateur Cup champions Lansdowne Yonkers FC also qualified.",
            "Lansdowne Yonkers FC", "National Amateur Cup", "",
        ),
        (
            "Lansdowne Yonkers FC qualified by winning the 2021 National Amateur Cup.",
            "Lansdowne Yonkers FC", "2021 National Amateur Cup", "",
        ),
    ],
)  # fmt: skip
def test_direct_slot_sentences(sentence: str, winner: str, competition: str, loser: str) -> None:
    said = read_direct_winner(sentence)
    assert said is not None
    assert (said.winner, said.competition, said.loser) == (winner, competition, loser)


@pytest.mark.parametrize(
    "sentence",
    [
        "One team also qualified by winning the 2023 National Amateur Cup and one team by winning the UPSL.",
        "Starting in 2019, the winner of the previous year's National Amateur Cup automatically qualifies.",
        "The cup winner enters the tournament proper in the first round.",
    ],
)
def test_sentences_about_the_cup_that_name_no_club(sentence: str) -> None:
    assert read_direct_winner(sentence) is None


def fixture(home_score: int | None, away_score: int | None, **values: object) -> FixtureFacts:
    """A round-2 fixture Alpha FC v Bravo SC, settled as its match line would be."""
    values = {"decided_by": "regulation", "winner": None} | values
    return FixtureFacts(
        number=1, round=2, home="Alpha FC", away="Bravo SC", home_score=home_score, away_score=away_score,
        source_line="Alpha FC 1-1 Bravo SC", **values,
    )  # fmt: skip


def test_a_shootout_from_prose_is_oriented_home_first() -> None:
    """'Bravo SC won 4–3 on penalties' on a 1-1 line: penalties 3-4, Bravo SC through."""
    line = fixture(1, 1, decided_by="penalties", penalties="unknown")
    found = reconcile(line, TieSaid(tie=1, winner="away", shootout=(4, 3), level=(1, 1)))
    assert found.conflicts == [] and found.outcome is not None
    assert (found.outcome.decided_by, found.outcome.penalties, found.outcome.winner) == (
        "penalties",
        "3-4",
        "away",
    )


@pytest.mark.parametrize(
    ("line", "said", "conflict"),
    [
        (fixture(1, 1, decided_by="penalties", penalties="4-2", winner="Alpha FC"),
         TieSaid(tie=1, winner="home", shootout=(5, 4)), "the line's shoot-out is 4-2"),
        (fixture(2, 1, winner="Alpha FC"), TieSaid(tie=1, winner="home", shootout=(4, 3)),
         "the line's score 2-1 is not level"),
        (fixture(2, 1, winner="Alpha FC"), TieSaid(tie=1, winner="away", extra_time=True),
         "the line has Alpha FC going through"),
        (fixture(1, 1, decided_by="penalties", penalties="unknown"),
         TieSaid(tie=1, winner="home", level=(2, 2), shootout=(4, 3)), "the line's score is 1-1"),
        (fixture(None, None, decided_by="forfeit", winner="Alpha FC"), TieSaid(tie=1, winner="home",
         extra_time=True), "the line records a forfeit"),
    ],
)  # fmt: skip
def test_where_prose_and_the_match_line_disagree_the_line_stands(
    line: FixtureFacts, said: TieSaid, conflict: str
) -> None:
    found = reconcile(line, said)
    assert found.conflicts == [conflict] and found.outcome is None


def test_extra_time_from_prose_on_a_won_line() -> None:
    found = reconcile(fixture(2, 1, winner="Alpha FC"), TieSaid(tie=1, winner="home", extra_time=True))
    assert found.outcome is not None and found.outcome.decided_by == "extra_time"
    assert (
        reconcile(fixture(2, 1, winner="Alpha FC"), TieSaid(tie=1, winner="home", score=(2, 1))).outcome
        is None
    )
