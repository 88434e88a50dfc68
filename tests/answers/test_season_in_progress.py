"""A season in progress: 2024 as it stood after round 2, with one round-3 tie played, one postponed and
one round-4 tie not drawn yet."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from bot.answers.path import path
from bot.answers.qualifiers import qualifiers
from bot.answers.round import round_fixtures
from bot.render.embed import render_embed
from bot.render.text import render_text
from bot.seasons.check import check_season
from bot.seasons.datafiles import read_season, write_season
from bot.seasons.facts import SeasonFacts
from bot.store.engine import Store
from tests.support.season_in_progress import cut_after_round


def number_of(season: SeasonFacts, round_number: int, club: str) -> int:
    return next(f.number for f in season.fixtures if f.round == round_number and club in (f.home, f.away))


@pytest.fixture(scope="module")
def in_progress(data_dir: Path) -> SeasonFacts:
    real = read_season(data_dir / "seasons" / "2024")
    cut = cut_after_round(
        real,
        2,
        also_played=frozenset({number_of(real, 3, "FC Folsom"), number_of(real, 3, "Azteca FC")}),
        postponed=frozenset({number_of(real, 3, "Miami United FC")}),
        undrawn=frozenset({number_of(real, 4, "Azteca FC")}),
    )
    inter = number_of(cut, 3, "Inter San Francisco")
    fixtures = [f.model_copy(update={"kickoff": KICKOFF}) if f.number == inter else f for f in cut.fixtures]
    return cut.model_copy(update={"fixtures": fixtures})


KICKOFF = dt.datetime(2023, 10, 21, 19, 0, tzinfo=dt.UTC)


@pytest_asyncio.fixture
async def progress_store(
    in_progress: SeasonFacts, empty_url: str, data_dir: Path, tmp_path: Path
) -> AsyncIterator[Store]:
    folder = tmp_path / "data"
    folder.mkdir()
    shutil.copy(data_dir / "aliases.csv", folder / "aliases.csv")
    write_season(in_progress, folder)
    store = await Store(empty_url, folder).open()
    yield store
    await store.close()


def test_the_season_in_progress_checks_clean(in_progress: SeasonFacts) -> None:
    """check-data accepts scheduled, postponed and 'winner of fixture N' ties."""
    report = check_season(in_progress)
    assert report.errors == []
    statuses = {f.status for f in in_progress.fixtures if f.round >= 3}
    assert statuses == {"played", "scheduled", "postponed"}


async def test_won_and_waiting_on_a_linked_tie(progress_store: Store) -> None:
    """FC Folsom won round 3; next is round 4 against the winner of Sharktopus v Inter San Francisco."""
    async with progress_store.session() as session:
        answer = await path(session, team="folsom", season=2024)
    assert answer.status == "alive" and answer.rounds_left == 1
    nxt = answer.next_fixture
    assert (nxt.round, nxt.opponent, nxt.status, nxt.venue) == (4, None, "scheduled", "Community Field")
    assert nxt.opponent_from_fixture is not None
    assert set(answer.possible_opponents) == {"Sharktopus Football Club", "Inter San Francisco"}
    text = render_text(answer)
    assert "winner of fixture" in text and "1 more win to reach the proper" in text


async def test_scheduled_tie_with_a_known_opponent(progress_store: Store) -> None:
    """Inter San Francisco: round 3 against Sharktopus is scheduled; two wins from the proper."""
    async with progress_store.session() as session:
        answer = await path(session, team="Inter San Francisco", season=2024)
    assert answer.status == "alive" and answer.rounds_left == 2
    assert (answer.next_fixture.round, answer.next_fixture.opponent) == (3, "Sharktopus Football Club")
    assert answer.next_fixture.date.isoformat() == "2023-10-21"
    assert answer.possible_opponents == ["Sharktopus Football Club"]
    assert answer.next_fixture.kickoff == KICKOFF
    assert "Oct 21, 2023 19:00 UTC" in render_text(answer)
    embed = render_embed(answer)
    assert f"<t:{int(KICKOFF.timestamp())}:f>" in embed.fields[-1].value  # each reader's own time zone


async def test_postponed_and_awaiting_the_draw(progress_store: Store) -> None:
    """A postponed tie is still next; a club whose next round is not drawn is 'awaiting the draw'."""
    async with progress_store.session() as session:
        miami = await path(session, team="Miami United FC", season=2024)
        azteca = await path(session, team="Azteca FC", season=2024)
        holac = await path(session, team="Holac FC", season=2024)
    assert miami.status == "alive" and miami.next_fixture.status == "postponed"
    assert (azteca.status, azteca.awaiting_draw, azteca.next_fixture, azteca.rounds_left) == (
        "alive",
        True,
        None,
        1,
    )
    assert "awaiting the draw" in render_text(azteca)
    assert holac.status == "eliminated"


async def test_round_and_qualifiers_mid_season(progress_store: Store) -> None:
    """Round 4 shows 'winner of fixture N' sides; no local club has qualified yet, the direct slots have."""
    async with progress_store.session() as session:
        round_four = await round_fixtures(session, number=4, season=2024)
        through = await qualifiers(session, season=2024)
    assert len(round_four.matches) == 10
    assert all(m.status == "scheduled" for m in round_four.matches)
    assert any(m.home is None and m.home_from_fixture for m in round_four.matches)
    assert "winner of fixture" in render_text(round_four)
    assert {q.track for q in through.qualifiers} == {"amateur_cup", "league_champion", "professional"}
