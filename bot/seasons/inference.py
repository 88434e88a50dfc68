"""What follows from the match lines that no single line says: byes, winners of level ties, stranded winners.

Pure functions over clubs (by their keys) and the rounds each appears in. They never guess: where the
source does not say, the answer is "unknown", and the caller reports it as the source's gap.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import pairwise
from typing import Literal

Side = Literal["home", "away"]


@dataclass(frozen=True)
class Appearance:
    """A club seen in a round: in a match line, or in a bye list."""

    round: int
    kind: Literal["match", "bye"]


@dataclass(frozen=True)
class PlaysOn:
    """Who went through a tie the match line leaves level, and how the reader knows."""

    winner: Side | None  # None: the source does not say (or says both, see `both`)
    where: str  # "round 3", "the qualifiers list": where the winner was seen
    both: bool = False  # both sides are seen later: the source contradicts itself


def seen_after(appearances: Mapping[str, list[Appearance]], round_number: int) -> set[str]:
    """The clubs seen in any round after `round_number` (a match or a bye)."""
    return {key for key, seen in appearances.items() if any(a.round > round_number for a in seen)}


def level_tie_winner(
    *,
    home: str | None,
    away: str | None,
    round_number: int,
    last_round: int,
    appearances: Mapping[str, list[Appearance]],
    qualifiers: set[str] | None,
) -> PlaysOn:
    """Who went through a level tie with no shoot-out written.

    The side seen in a later round, or, in the last round, the side the qualifiers list names
    (`qualifiers` None: the source lists none).
    """
    if round_number < last_round:
        later = seen_after(appearances, round_number)
        where = f"round {round_number + 1}"
    else:
        later = qualifiers or set()
        where = "the qualifiers list"
    sides: tuple[tuple[Side, str | None], ...] = (("home", home), ("away", away))
    going_on = [side for side, key in sides if key in later]
    if len(going_on) == 1:
        return PlaysOn(going_on[0], where)
    return PlaysOn(None, where, both=len(going_on) == 2)


def first_match(seen: Iterable[Appearance]) -> int | None:
    """The round of a club's first match, None if it never plays."""
    return min((a.round for a in seen if a.kind == "match"), default=None)


def implied_byes(seen: list[Appearance], first_round: int) -> list[int]:
    """The rounds before a club's first match that it went through without a listed bye: it entered later.

    A round missing between two of its matches is not a bye: the source does not say whether it had one
    or its match is missing (see `skipped_rounds`).
    """
    first = first_match(seen)
    if first is None:
        return []
    listed = {a.round for a in seen if a.kind == "bye"}
    return [number for number in range(first_round, first) if number not in listed]


def skipped_rounds(seen: list[Appearance]) -> list[int]:
    """Rounds between two of a club's matches where it has no line at all (not even a listed bye)."""
    matches = sorted({a.round for a in seen if a.kind == "match"})
    listed = {a.round for a in seen if a.kind == "bye"}
    return [
        number
        for earlier, later in pairwise(matches)
        for number in range(earlier + 1, later)
        if number not in listed
    ]


def stranded(
    winners: Iterable[tuple[str, int]], appearances: Mapping[str, list[Appearance]], last_round: int
) -> list[tuple[str, int]]:
    """The (club, round) pairs of clubs that won a round before the last and are seen in no later round.

    The source does not say how far they went (a missing line, a withdrawal it does not mention).
    """
    found: list[tuple[str, int]] = []
    for key, round_number in winners:
        if round_number >= last_round:
            continue
        if not any(a.round > round_number for a in appearances.get(key, [])):
            found.append((key, round_number))
    return found
