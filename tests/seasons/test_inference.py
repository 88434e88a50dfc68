"""Inference: who went through a level tie, byes the source implies, and what it leaves unsaid."""

from __future__ import annotations

from bot.seasons.inference import (
    Appearance,
    PlaysOn,
    implied_byes,
    level_tie_winner,
    skipped_rounds,
    stranded,
)

SEEN = {
    "alpha": [Appearance(1, "match"), Appearance(2, "match")],
    "beta": [Appearance(1, "match")],
    "gamma": [Appearance(1, "bye"), Appearance(2, "match"), Appearance(3, "match")],
    "delta": [Appearance(3, "match")],
    "eps": [Appearance(1, "match"), Appearance(3, "match")],
}


def winner(home: str, away: str, round_number: int, qualifiers: set[str] | None = None) -> PlaysOn:
    return level_tie_winner(
        home=home, away=away, round_number=round_number, last_round=3, appearances=SEEN, qualifiers=qualifiers
    )


def test_a_level_tie_goes_to_the_side_seen_later() -> None:
    assert winner("alpha", "beta", 1) == PlaysOn("home", "round 2")
    assert winner("beta", "alpha", 1) == PlaysOn("away", "round 2")


def test_a_level_last_round_tie_goes_to_the_listed_qualifier() -> None:
    assert winner("delta", "eps", 3, qualifiers={"eps"}) == PlaysOn("away", "the qualifiers list")


def test_no_guess_when_the_source_does_not_say() -> None:
    """Neither side seen later, no qualifiers list: unknown. Both seen later: unknown, and a contradiction."""
    assert winner("delta", "eps", 3) == PlaysOn(None, "the qualifiers list")
    assert winner("delta", "eps", 3, qualifiers={"zeta"}) == PlaysOn(None, "the qualifiers list")
    assert winner("beta", "alpha", 2) == PlaysOn(None, "round 3")
    assert winner("alpha", "gamma", 1) == PlaysOn(None, "round 2", both=True)


def test_byes_before_a_clubs_first_match_but_not_between_its_matches() -> None:
    """Entering in round 3 implies byes in rounds 1 and 2; a listed bye is not implied again; a round
    missing between two matches is a gap of the source, never a guessed bye."""
    assert implied_byes(SEEN["delta"], first_round=1) == [1, 2]
    assert implied_byes(SEEN["gamma"], first_round=1) == []
    assert implied_byes(SEEN["eps"], first_round=1) == []
    assert skipped_rounds(SEEN["eps"]) == [2]
    assert skipped_rounds(SEEN["gamma"]) == []


def test_winners_with_no_later_line() -> None:
    """Won round 1 and never seen again: stranded; winning the last round is qualifying, not stranding."""
    assert stranded([("beta", 1), ("alpha", 1), ("delta", 3)], SEEN, last_round=3) == [("beta", 1)]
