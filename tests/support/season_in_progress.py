"""A real season turned back to how it stood mid-way: later ties scheduled, sides "winner of fixture N"."""

from __future__ import annotations

from bot.seasons.facts import FixtureFacts, FixtureStatus, SeasonFacts


def _unplayed(fixture: FixtureFacts, status: FixtureStatus) -> FixtureFacts:
    return fixture.model_copy(
        update={
            "home_score": None,
            "away_score": None,
            "decided_by": None,
            "penalties": None,
            "extra_time": False,
            "winner": None,
            "status": status,
            "note": "",
            "source_line": "",
        }
    )


def cut_after_round(
    facts: SeasonFacts,
    played_up_to: int,
    *,
    also_played: frozenset[int] = frozenset(),
    postponed: frozenset[int] = frozenset(),
    undrawn: frozenset[int] = frozenset(),
    venue: str = "Community Field",
) -> SeasonFacts:
    """`facts` with rounds after `played_up_to` not yet played, except the fixtures in `also_played`.

    Later rounds keep the real draw: each side becomes "winner of fixture N" (the tie it came from) until
    that tie is played. Fixtures in `postponed` are postponed; those in `undrawn` are not drawn yet.
    """
    came_from: dict[tuple[int, str], int] = {}  # (round, club) -> the fixture of the round before it won
    for fixture in facts.fixtures:
        if fixture.winner:
            came_from[(fixture.round + 1, fixture.winner)] = fixture.number
    played = {f.number for f in facts.fixtures if f.round <= played_up_to} | set(also_played)
    fixtures = []
    for fixture in facts.fixtures:
        if fixture.number in undrawn:
            continue
        if fixture.number in played:
            fixtures.append(fixture)
            continue
        changed = _unplayed(
            fixture, FixtureStatus.POSTPONED if fixture.number in postponed else FixtureStatus.SCHEDULED
        )
        updates: dict[str, object] = {"venue": venue}
        for side in ("home", "away"):
            source = came_from.get((fixture.round, getattr(fixture, side)))
            if source is not None and source not in played:
                updates[side] = None
                updates[f"{side}_from_fixture"] = source
        fixtures.append(changed.model_copy(update=updates))
    return facts.model_copy(update={"fixtures": fixtures})
