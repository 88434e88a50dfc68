"""`/team`: the club card, candidates for ambiguous names, nothing for absent ones."""

from __future__ import annotations

import pytest

from bot.answers.errors import SeasonNotFound
from bot.answers.team import team
from bot.store.engine import Store


async def ask(store: Store, name: str, season: int | None = None):
    async with store.session() as session:
        return await team(session, name=name, season=season)


async def test_card_across_seasons(store: Store) -> None:
    """Harpo's FC and Harpos FC are one club with two seasons; aliases, league and best finish shown."""
    answer = await ask(store, "harpo's")
    assert (answer.match, answer.ambiguous) == ("Harpos FC", False)
    card = answer.card
    assert card.aliases == ["Harpo's FC"] and card.leagues == ["CPL"]
    assert [(s.season, s.name_in_season, s.finish) for s in card.seasons] == [
        (2024, "Harpos FC", "out in round 2"),
        (2017, "Harpo's FC", "out in round 2"),
    ]
    assert card.best_finish == "out in round 2 in 2024"


async def test_best_finish_prefers_qualifying(store: Store) -> None:
    """Azteca FC qualified in 2024 and 2017: the best finish is the latest qualification."""
    card = (await ask(store, "azteca")).card
    assert card.best_finish.startswith("qualified") and card.best_finish.endswith("2024")
    bucks = (await ask(store, "michigan bucks")).card
    assert bucks.best_finish == "qualified (PDL Great Lakes division winner) in 2017"


async def test_renamed_club_in_its_old_season(store: Store) -> None:
    """Lansdowne Bhoys (2017) is Lansdowne Yonkers; scoped to 2017 the card shows that season only."""
    answer = await ask(store, "Lansdowne Bhoys", 2017)
    assert answer.match == "Lansdowne Yonkers"
    assert [(s.season, s.name_in_season) for s in answer.card.seasons] == [(2017, "Lansdowne Bhoys")]


async def test_ambiguous_and_absent(store: Store) -> None:
    """'miami' lists the Miami clubs of the season asked; an absent club matches nothing."""
    miami = await ask(store, "miami", 2017)
    assert miami.match is None and miami.ambiguous
    assert set(miami.candidates) == {"Miami Dade FC", "Miami United FC", "Miami Nacional SC"}
    galaxy = await ask(store, "LA Galaxy")
    assert (galaxy.match, galaxy.ambiguous, galaxy.card) == (None, False, None)
    with pytest.raises(SeasonNotFound):
        await ask(store, "miami", 1990)
