"""`/path` and `/result` on the real data, on both backends."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.answers.errors import AmbiguousTeam, BadOption, SeasonNotFound, TeamNotFound
from bot.answers.path import path
from bot.answers.result import result
from bot.store.engine import Store
from tests.conftest import SEED_2024


async def ask_path(store: Store, team: str, season: int | None = None):
    async with store.session() as session:
        return await path(session, team=team, season=season)


async def ask_result(store: Store, team: str, **options):
    async with store.session() as session:
        return await result(session, team=team, **options)


def played(answer) -> list[tuple]:
    return [
        (m.round, m.opponent, m.home, m.goals_for, m.goals_against, m.decided_by, m.penalties, m.won)
        for m in answer.matches
    ]


async def test_folsom_qualified_with_four_wins(store: Store) -> None:
    """FC Folsom: four wins, the first away at BattleBorn FC, then qualified."""
    answer = await ask_path(store, "FC Folsom", 2024)
    assert answer.status == "qualified" and answer.entry_round == 1 and answer.byes == []
    assert played(answer) == [
        (1, "BattleBorn FC", False, 3, 2, "regulation", None, True),
        (2, "UC Davis Club Soccer", True, 2, 1, "regulation", None, True),
        (3, "Valley 559 FC", True, 5, 3, "regulation", None, True),
        (4, "Inter San Francisco", True, 4, 2, "regulation", None, True),
    ]
    assert answer.freshness.entered_by.startswith("importer") and answer.freshness.entered_at is not None


async def test_holac_through_on_penalties_then_out(store: Store) -> None:
    """Holac FC drew 2-2, went through on penalties (score unknown), then lost 1-2 to Sharktopus."""
    answer = await ask_path(store, "Holac FC", 2024)
    assert played(answer) == [
        (1, "Bellevue Athletic FC", False, 2, 2, "penalties", "unknown", True),
        (2, "Sharktopus Football Club", False, 1, 2, "regulation", None, False),
    ]
    assert (answer.status, answer.eliminated_in_round, answer.eliminated_by) == (
        "eliminated",
        2,
        "Sharktopus Football Club",
    )


async def test_austin_longhorns_bye_then_forfeit(store: Store) -> None:
    """Austin Longhorns: a round-1 bye, then out in round 2 by forfeit to Alamo City."""
    answer = await ask_path(store, "Austin Longhorns", 2024)
    assert answer.byes == [1] and answer.entry_round == 2
    assert played(answer) == [(2, "Alamo City Soccer Club", True, None, None, "forfeit", None, False)]
    assert answer.status == "eliminated" and answer.eliminated_by == "Alamo City Soccer Club"


async def test_direct_and_national_routes(store: Store) -> None:
    """Michigan Bucks via the PDL; SC MesoAmerica as National Amateur Cup winner."""
    bucks = await ask_path(store, "Michigan Bucks", 2017)
    assert (bucks.status, bucks.track, bucks.berth) == (
        "qualified",
        "national_league",
        "PDL Great Lakes division winner",
    )
    assert bucks.matches == []
    meso = await ask_path(store, "SC MesoAmerica", 2024)
    assert (meso.status, meso.track) == ("qualified", "amateur_cup")
    assert (
        meso.berth == "2023 National Amateur Cup winner" and meso.qualified_by == "beat Newtown Pride FC 2–1"
    )


async def test_season_defaults_to_the_clubs_latest(store: Store) -> None:
    """Without a season, a club's latest season answers and its other seasons are named."""
    harpos = await ask_path(store, "Harpo's FC")
    assert harpos.season == 2024 and harpos.team == "Harpos FC" and harpos.other_seasons == [2017]
    bucks = await ask_path(store, "michigan bucks")
    assert bucks.season == 2017


async def test_club_that_did_not_enter_a_season(store: Store) -> None:
    """A club asked about for a season it skipped is 'not_entered', with its seasons."""
    answer = await ask_path(store, "Michigan Bucks", 2024)
    assert answer.status == "not_entered" and answer.other_seasons == [2017]


async def test_lookup_errors(store: Store) -> None:
    """Unknown clubs and seasons are typed errors with something to pick from."""
    with pytest.raises(TeamNotFound):
        await ask_path(store, "Manchester United")
    with pytest.raises(TeamNotFound):
        await ask_path(store, "   ")
    with pytest.raises(SeasonNotFound) as error:
        await ask_path(store, "FC Folsom", 1999)
    assert error.value.candidates == ["2024", "2017"]


async def test_result_and_head_to_head(store: Store) -> None:
    """A club's season results; head to head across seasons with a renamed club."""
    holac = await ask_result(store, "Holac FC")
    assert holac.season == 2024 and len(holac.matches) == 2
    h2h = await ask_result(store, "Azteca FC", opponent="Harpo's FC")
    assert [(m.season, m.won, m.goals_for, m.goals_against) for m in h2h.matches] == [
        (2017, True, 2, 1),
        (2024, True, 2, 1),
    ]
    assert h2h.opponent == "Harpos FC"
    with pytest.raises(BadOption):
        await ask_result(store, "Azteca FC", opponent="azteca")


def read_seed_matches(text: str) -> tuple[list[tuple], set[str], list[str]]:
    """A deliberately plain reading of the 2024 seed, independent of the project's reader."""
    matches, byes, qualifiers = [], set(), []
    round_number = 0
    side = r"(.+?) \((\w+)\)"
    for line in text.splitlines():
        heading = re.match(r"^====(\w+) qualifying round====$", line)
        if heading:
            round_number = ["First", "Second", "Third", "Fourth"].index(heading.group(1)) + 1
        if line.startswith("- Byes:"):
            byes |= {name.strip() for name in line[len("- Byes:") :].split(",")}
        if line.startswith("- Continental Cup Qualifiers:"):
            qualifiers = [re.sub(r" \(\w+\)$", "", q.strip()) for q in line.split(":", 1)[1].split(",")]
        scored = re.match(rf"^{side} (\d+)-(\d+) {side}$", line)
        forfeit = re.match(rf"^{side} ([WL])-([WL]),? \(?forfeit\)? {side}$", line)
        if scored:
            home, _, hs, as_, away, _ = scored.groups()
            matches.append((round_number, home, away, int(hs), int(as_)))
        elif forfeit:
            home, _, hr, _ar, away, _ = forfeit.groups()
            matches.append((round_number, home, away, hr, None))
    return matches, byes, qualifiers


async def test_every_2024_club_route_matches_the_seed(store: Store, seeds: Path) -> None:
    """Each of the 109 local clubs: entry round, every opponent and score, and outcome, as the seed says."""
    matches, byes, qualifiers = read_seed_matches((seeds / SEED_2024).read_text())
    assert len(matches) == 98 and len(byes) == 67 and len(qualifiers) == 11
    clubs = {name for m in matches for name in m[1:3]}
    later = {(m[0], name) for m in matches for name in m[1:3]}

    def winner(m: tuple) -> str:
        round_number, home, away, hs, as_ = m
        if as_ is None:
            return home if hs == "W" else away
        if hs != as_:
            return home if hs > as_ else away
        if round_number == 4:
            return home if home in qualifiers else away
        return home if (round_number + 1, home) in later else away

    checked = 0
    for club in sorted(clubs):
        answer = await ask_path(store, club, 2024)
        own = [m for m in matches if club in m[1:3]]
        expected = []
        for m in own:
            round_number, home, away, hs, as_ = m
            is_home = club == home
            goals = (None, None) if as_ is None else ((hs, as_) if is_home else (as_, hs))
            expected.append((round_number, away if is_home else home, is_home, *goals, winner(m) == club))
        assert [
            (x.round, x.opponent, x.home, x.goals_for, x.goals_against, x.won) for x in answer.matches
        ] == expected
        assert answer.entry_round == own[0][0]
        if own[0][0] == 2:
            assert answer.byes == [1]
        lost = [m for m in own if winner(m) != club]
        if lost:
            assert answer.status == "eliminated" and answer.eliminated_in_round == lost[0][0]
        else:
            assert answer.status == "qualified" and club in qualifiers
        checked += 1
    assert checked == 109  # every local club plays at least once
    for bye_spelling in ("CFL GOSA Spurs", "Chargers Soccer Club", "Real Center NJ Soccer", "Rebels SC"):
        answer = await ask_path(store, bye_spelling, 2024)
        assert answer.byes == [1] and answer.entry_round == 2
    with pytest.raises((TeamNotFound, AmbiguousTeam)):
        await ask_path(store, "Lancaster Elite", 2024)  # named only by the damaged state table


async def test_model_and_team_index_are_built_once_per_store_version(store: Store) -> None:
    """Answers reuse the store's model and its team index; nothing is read again until the version moves."""
    from bot.store.model import current_model, forget_model, model_loads

    forget_model(store.engine)
    for _ in range(3):
        await ask_path(store, "folsom", 2024)
    assert model_loads(store.engine) == (1, 0)
    async with store.session() as session:
        first = await current_model(session)
        assert (await current_model(session)).index is first.index
