"""`/round`, `/qualifiers`, `/stats` and `/help` on the real data, on both backends."""

from __future__ import annotations

import pytest

from bot.answers.commands import COMMANDS, help_answer
from bot.answers.errors import BadOption
from bot.answers.qualifiers import qualifiers
from bot.answers.round import round_fixtures
from bot.answers.stats import stats
from bot.render.text import render_text
from bot.store.engine import Store


async def test_round_four_of_2024(store: Store) -> None:
    """Round 4, 2024: eleven ties, one level and settled on penalties, no byes."""
    async with store.session() as session:
        answer = await round_fixtures(session, number=4, season=2024)
    assert (answer.round_name, answer.dates, len(answer.matches), answer.byes) == (
        "Fourth Qualifying Round",
        "November 18–19, 2023",
        11,
        [],
    )
    level = [m for m in answer.matches if m.decided_by == "penalties"]
    assert [(m.home, m.away, m.winner, m.penalties) for m in level] == [
        ("Vereinigung Erzgebirge", "New Jersey Alliance FC", "Vereinigung Erzgebirge", "unknown")
    ]


async def test_round_one_lists_byes(store: Store) -> None:
    """Round 1, 2024: 21 ties and the 67 clubs with a bye; 2017's implied byes too."""
    async with store.session() as session:
        r2024 = await round_fixtures(session, number=1, season=2024)
        r2017 = await round_fixtures(session, number=1, season=2017)
    assert len(r2024.matches) == 21 and len(r2024.byes) == 67 and "CFL GOSA Spurs" not in r2024.byes
    assert "FC America CFL Spurs" in r2024.byes
    assert len(r2017.matches) == 28 and len(r2017.byes) == 8 and "MF 10" in r2017.byes


async def test_round_that_does_not_exist(store: Store) -> None:
    """A round the season does not have is a typed error listing the rounds it has."""
    async with store.session() as session:
        with pytest.raises(BadOption) as error:
            await round_fixtures(session, number=5, season=2024)
    assert error.value.candidates == ["1", "2", "3", "4"]


async def test_qualifiers_2024(store: Store) -> None:
    """The 11 local qualifiers with their deciding results, then SC MesoAmerica and AS Frenzi."""
    async with store.session() as session:
        answer = await qualifiers(session, season=2024)
    local = {q.team: q for q in answer.qualifiers if q.track == "local"}
    assert set(local) == {
        "Azteca FC",
        "Brockton FC United",
        "Chicago House AC",
        "Christos FC",
        "FC America CFL Spurs",
        "FC Folsom",
        "Foro SC",
        "Irvine Zeta FC",
        "Miami United FC",
        "South Carolina United Heat",
        "Vereinigung Erzgebirge",
    }
    folsom = local["FC Folsom"].deciding
    assert (folsom.round, folsom.opponent, folsom.goals_for, folsom.goals_against) == (
        4,
        "Inter San Francisco",
        4,
        2,
    )
    assert local["Vereinigung Erzgebirge"].deciding.decided_by == "penalties"
    direct = {q.team: q for q in answer.qualifiers if q.track != "local"}
    assert direct["SC MesoAmerica"].route == "direct: National Amateur Cup"
    assert direct["SC MesoAmerica"].detail == "beat Newtown Pride FC 2–1"
    assert direct["AS Frenzi"].route == "direct: league champion"
    assert direct["AS Frenzi"].berth == "2023 UPSL Spring Championships winner"
    assert answer.stated["local_qualifiers"] == 11


async def test_qualifiers_2017(store: Store) -> None:
    """18 local qualifiers and the national-league track: 39 stated, 38 named by the source."""
    async with store.session() as session:
        answer = await qualifiers(session, season=2017)
    local = [q for q in answer.qualifiers if q.track == "local"]
    national = [q for q in answer.qualifiers if q.track == "national_league"]
    assert len(local) == 18 and all(q.deciding.round == 2 for q in local)
    assert answer.stated["PDL_teams"] + answer.stated["NPSL_teams"] == 39
    assert len(national) == 38  # the PDL's twelfth at-large club is not named by the source
    text = render_text(answer)
    assert "PDL: the source states 21 clubs and names 20 — 1 not named by the source" in text
    assert "NPSL: the source states 18 clubs and names 18" in text
    bucks = next(q for q in national if q.team == "Michigan Bucks")
    assert (bucks.league, bucks.berth) == ("PDL", "PDL Great Lakes division winner")


async def test_stats(store: Store) -> None:
    """Clubs by league (UPSL first in 2024) and by state (2017's NPSL clubs carry states)."""
    async with store.session() as session:
        s2024 = await stats(session, season=2024)
        s2017 = await stats(session, season=2017)
    assert s2024.clubs == 112 and s2024.by_league[0].label == "UPSL" and s2024.stated_states == 22
    assert sum(c.clubs for c in s2024.by_league) == 112 and s2024.state_unknown == 112
    assert sum(c.clubs for c in s2017.by_state) == 18 and s2017.state_unknown == 84


async def test_help_lists_every_command_with_an_example(store: Store) -> None:
    """/help names every command, each with a working-looking example."""
    async with store.session() as session:
        answer = await help_answer(session)
    assert [c.name for c in answer.commands] == list(COMMANDS)
    assert all(c.example.startswith(f"/{c.name}") for c in answer.commands)
