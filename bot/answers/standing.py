"""A club's standing in words, in one place for every renderer.

Text, embeds, pictures and club cards take "qualified", "out in round 2 (lost to X)", "winner of fixture N"
and counted nouns from here, so they never drift apart.
"""

from __future__ import annotations

from bot.answers.models import PathAnswer


def counted(number: int, noun: str, plural: str | None = None) -> str:
    """`1 club`, `2 clubs`, `0 clubs` (`plural` for nouns that do not just take an s)."""
    return f"{number} {noun if number == 1 else (plural or noun + 's')}"


def side_words(name: str | None, from_fixture: int | None, league: str = "") -> str:
    """One side of a tie: the club (with its league), or the fixture whose winner it will be."""
    if name is None:
        return f"winner of fixture {from_fixture}" if from_fixture else "to be decided"
    return f"{name} ({league})" if league else name


def qualified_how(answer: PathAnswer) -> str:
    """How a qualified club got through: 'through local qualifying', or its direct berth."""
    if answer.track in (None, "local"):
        return "through local qualifying"
    return answer.berth or answer.route


def eliminated_words(answer: PathAnswer) -> str:
    """'out in round 2 (lost to X)', as far as the records say."""
    where = f"out in round {answer.eliminated_in_round}" if answer.eliminated_in_round else "out"
    return f"{where} (lost to {answer.eliminated_by})" if answer.eliminated_by else where


def not_said_words(answer: PathAnswer) -> str:
    """'the source does not say whether it went through round 4' (a gap in the season's source)."""
    where = f" round {answer.unknown_from_round}" if answer.unknown_from_round else ""
    return f"the source does not say whether it went through{where}"


def not_entered_words(answer: PathAnswer) -> str:
    """'did not enter the 2017 qualification'."""
    return f"did not enter the {answer.season} qualification"


def wins_left_words(rounds_left: int | None) -> str:
    """'2 more wins to reach the proper', or '' when none are left (or it is not known)."""
    return f"{counted(rounds_left, 'more win')} to reach the proper" if rounds_left else ""


def standing_words(answer: PathAnswer) -> str:
    """The club's standing in one short phrase, for cards, lists and headlines."""
    if answer.status == "qualified":
        return f"qualified {qualified_how(answer)}"
    if answer.status == "eliminated":
        return eliminated_words(answer)
    if answer.status == "not_entered":
        return not_entered_words(answer)
    if answer.status == "unknown":
        return not_said_words(answer)
    if answer.next_fixture is not None:
        nxt = answer.next_fixture
        opponent = side_words(nxt.opponent, nxt.opponent_from_fixture)
        return f"alive: next round {nxt.round} v {opponent}"
    return "alive: awaiting the draw"


def finish_words(answer: PathAnswer) -> str:
    """How far a club went in a season, in a few words ('qualified (PDL)', 'out in round 2')."""
    if answer.status == "qualified":
        return "qualified" + (f" ({answer.berth})" if answer.berth else "")
    if answer.status == "eliminated":
        return f"out in round {answer.eliminated_in_round}" if answer.eliminated_in_round else "out"
    if answer.status == "not_entered":
        return "did not enter"
    if answer.status == "unknown":
        through = (answer.unknown_from_round or 1) - 1
        return f"through round {through}, then not said" if through else "not said by the source"
    return "still alive"
