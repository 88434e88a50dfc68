"""Who went through a tie, and how: the one rule the seed reader and moderators' reports both follow."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.seasons.facts import DecidedBy

Side = Literal["home", "away"]


class BadResult(ValueError):
    """A result that cannot be right as written; the message says what to write instead."""


@dataclass(frozen=True)
class Outcome:
    """How a played tie was decided and which side went through (None: level, winner not yet known)."""

    decided_by: DecidedBy
    winner: Side | None
    penalties: str | None = None  # home first: "4-3", "unknown", or None


def _pair(score: str, what: str) -> tuple[int, int]:
    home, sep, away = score.replace("–", "-").partition("-")
    if not sep or not (home.strip().isascii() and home.strip().isdigit()) or not away.strip().isdigit():
        raise BadResult(f"Write {what} as home-away, for example 2-1, not '{score[:20]}'.")
    return int(home), int(away)


def settle(
    *,
    score: str | None,
    extra_time: bool = False,
    penalties: str | None = None,
    forfeit: bool = False,
    winner: Side | None = None,
    allow_unknown_winner: bool = False,
) -> Outcome:
    """Decide a played tie from its score, extra time, shoot-out, forfeit and named winner.

    The rules: a level score needs a shoot-out score or a named winner; a shoot-out needs a level score and
    cannot itself be level; a forfeit needs its winner (from a named side, or a non-level awarded score); a
    named winner must agree with the score. `allow_unknown_winner` lets the reader keep a level tie whose
    winner the source leaves to be inferred from who plays on.
    """
    if forfeit:
        if winner is None and score is not None:
            home, away = _pair(score, "the awarded score")
            if home != away:
                winner = "home" if home > away else "away"
        if winner is None:
            raise BadResult("A forfeit needs winner:home or winner:away (who was awarded the tie).")
        return Outcome(DecidedBy.FORFEIT, winner)
    if score is None:
        raise BadResult("A played result needs score:H-A (home first), or forfeit:true with winner:.")
    home, away = _pair(score, "the score")
    if penalties is not None and penalties != "unknown":
        if home != away:
            raise BadResult(f"A shoot-out follows a level score, and {home}-{away} is not: drop penalties:.")
        shot_home, shot_away = _pair(penalties, "the shoot-out score")
        if shot_home == shot_away:
            raise BadResult("A shoot-out cannot end level: write the score it ended, e.g. penalties:4-3.")
        side: Side = "home" if shot_home > shot_away else "away"
        if winner is not None and winner != side:
            raise BadResult(f"The shoot-out {penalties} puts the {side} side through, not the {winner} side.")
        return Outcome(DecidedBy.PENALTIES, side, f"{shot_home}-{shot_away}")
    if home != away:
        side = "home" if home > away else "away"
        if winner is not None and winner != side:
            raise BadResult(f"{home}-{away} says the {side} side won; drop winner: or correct the score.")
        return Outcome(DecidedBy.EXTRA_TIME if extra_time else DecidedBy.REGULATION, side)
    if winner is None and not allow_unknown_winner:
        raise BadResult(
            f"{home}-{away} is level: add penalties:H-A (the shoot-out score) or, if it is not known, "
            "winner:home or winner:away."
        )
    return Outcome(DecidedBy.PENALTIES, winner, "unknown")


def settle_stored(
    *,
    home_score: int | None,
    away_score: int | None,
    extra_time: bool,
    penalties: str | None,
    decided_by: str | None,
    winner: Side | None,
) -> Outcome:
    """Settle a played tie again from the fields data/ or the store keeps for it; `BadResult` if it cannot be.

    The same call the seed reader makes: a forfeit (or walkover) is settled from its winner, or failing
    that from its awarded score; any other result from its score, extra time, shoot-out and winner, with a
    level score whose shoot-out score is unknown kept even when no winner is named (the Outcome's winner is
    then None, and the caller decides whether that is acceptable).
    """
    score = None if home_score is None or away_score is None else f"{home_score}-{away_score}"
    if decided_by in (DecidedBy.FORFEIT, DecidedBy.WALKOVER):
        return settle(score=score, forfeit=True, winner=winner)
    return settle(
        score=score, extra_time=extra_time, penalties=penalties, winner=winner, allow_unknown_winner=True
    )
