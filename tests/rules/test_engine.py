"""The rules engine at every boundary, on both seasons' rules."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.answers.eligible import EligibleAnswer, eligible_club, eligible_league, season_rules
from bot.answers.errors import BadOption, SeasonNotFound
from bot.rules.engine import Check, verdict

DATA = Path(__file__).resolve().parents[2] / "data"

OPEN_OK = {
    "league_teams": 4,
    "matches_per_team": 10,
    "owned_by_higher_pro": False,
    "applied_on": dt.date(2023, 7, 31),
}
LEAGUE_OK = {
    "teams": 50,
    "eastern": 20,
    "central": 15,
    "mountain": 8,
    "pacific": 7,
    "states_eastern": 3,
    "states_central": 3,
    "states_mountain": 2,
    "states_pacific": 1,
    "states": 10,
    "championship": True,
    "standings_format": True,
    "fees_paid": True,
    "months_operating": 12,
}


def by_rule(answer: EligibleAnswer) -> dict[str, bool | None]:
    return {check.rule: check.passed for check in answer.checks}


def rules_session() -> AsyncSession:
    """A session that carries data/, as the Store's do; the rules answers never touch the database."""
    return AsyncSession(info={"data_dir": DATA})


async def club(**changes: Any) -> EligibleAnswer:
    return await eligible_club(
        rules_session(),
        division=changes.pop("division", "open"),
        season=changes.pop("season", 2024),
        **{**OPEN_OK, **changes},
    )


async def league(**changes: Any) -> EligibleAnswer:
    return await eligible_league(
        rules_session(), season=changes.pop("season", 2024), **{**LEAGUE_OK, **changes}
    )


async def test_the_issue_example_names_the_four_team_rule_and_the_fix() -> None:
    """3 teams, 12 matches, not owned, applied 2023-07-15: not eligible because of the four-team rule."""
    answer = await club(league_teams=3, matches_per_team=12, applied_on=dt.date(2023, 7, 15))
    assert answer.eligible is False
    [failed] = [check for check in answer.checks if check.passed is False]
    assert failed.rule == "league-size" and "at least 4 teams" in failed.text
    assert failed.fix.startswith("Play in (or help form) a league of at least 4 teams")
    assert answer.deadlines["application"] == dt.date(2023, 7, 31)


@pytest.mark.parametrize(("teams", "passed"), [(3, False), (4, True)])
async def test_league_size_boundary(teams: int, passed: bool) -> None:
    """3 teams fail, 4 pass."""
    assert by_rule(await club(league_teams=teams))["league-size"] is passed


@pytest.mark.parametrize(("matches", "passed"), [(9, False), (10, True)])
async def test_schedule_boundary(matches: int, passed: bool) -> None:
    """9 matches fail, 10 pass."""
    assert by_rule(await club(matches_per_team=matches))["league-schedule"] is passed


@pytest.mark.parametrize(
    ("day", "passed"),
    [(dt.date(2023, 7, 30), True), (dt.date(2023, 7, 31), True), (dt.date(2023, 8, 1), False)],
)
async def test_application_deadline_boundary(day: dt.date, passed: bool) -> None:
    """The day before and the day of the deadline pass; the day after fails."""
    answer = await club(applied_on=day)
    assert by_rule(answer)["application-deadline"] is passed and answer.eligible is passed


async def test_everything_met_is_eligible_and_ongoing_conditions_are_listed() -> None:
    """An open club meeting every entry rule is eligible; good standing is listed as kept over time."""
    answer = await club()
    assert answer.eligible is True
    ongoing = [check for check in answer.checks if check.ongoing]
    assert [check.rule for check in ongoing] == [
        "open-good-standing",
        "new-club-first-season",
        "national-amateur-cup-winner",
        "upsl-spring-champion",
        "national-league-members",
    ]
    assert all(check.passed is None for check in ongoing)


async def test_unknown_facts_cannot_tell() -> None:
    """Facts not given give 'cannot tell', never a guess."""
    answer = await eligible_club(rules_session(), division="open", season=2024)
    assert answer.eligible is None
    assert by_rule(answer)["league-size"] is None and by_rule(answer)["application-deadline"] is None


async def test_professional_clubs() -> None:
    """A pro club owned by a higher-level club is not eligible; the application deadline is not theirs."""
    owned = await club(division="pro", owned_by_higher_pro=True)
    assert owned.eligible is False and by_rule(owned)["independent-professional-club"] is False
    assert "application-deadline" not in by_rule(owned)
    independent = await club(division="pro", applied_on=dt.date(2030, 1, 1))
    assert independent.eligible is True


@pytest.mark.parametrize(("teams", "passed"), [(49, False), (50, True)])
async def test_national_league_size_boundary(teams: int, passed: bool) -> None:
    """49 teams fail, 50 pass."""
    assert by_rule(await league(teams=teams))["national-league-size"] is passed


@pytest.mark.parametrize(("third", "passed"), [(149, False), (150, True)])
async def test_time_zone_share_boundary(third: int, passed: bool) -> None:
    """Of 1,000 teams, 149 (14.9 %) in the third-largest zone fails; 150 (15 %) passes."""
    answer = await league(teams=1000, eastern=500, central=1000 - 500 - third, mountain=third, pacific=0)
    assert by_rule(answer)["national-league-time-zones"] is passed


async def test_time_zones_need_three_zones() -> None:
    """Teams in only two zones fail, however large each share."""
    answer = await league(teams=50, eastern=25, central=25, mountain=0, pacific=0)
    assert by_rule(answer)["national-league-time-zones"] is False


@pytest.mark.parametrize(("second", "passed"), [(2, False), (3, True)])
async def test_states_per_zone_boundary(second: int, passed: bool) -> None:
    """Two zones need three states each: a second zone with two states fails, with three passes."""
    answer = await league(states_eastern=3, states_central=second, states_mountain=2, states_pacific=0)
    assert by_rule(answer)["national-league-zone-states"] is passed


@pytest.mark.parametrize(("states", "passed"), [(9, False), (10, True)])
async def test_states_boundary(states: int, passed: bool) -> None:
    """9 states fail, 10 pass."""
    assert by_rule(await league(states=states))["national-league-states"] is passed


async def test_a_league_meeting_everything_qualifies_and_the_yes_no_rules_bite() -> None:
    """All criteria met: eligible; no fees paid: not eligible, with the fix."""
    assert (await league()).eligible is True
    unpaid = await league(fees_paid=False)
    assert unpaid.eligible is False
    assert (
        next(c for c in unpaid.checks if c.rule == "national-league-fees").fix
        == "Pay the entry fee for every team."
    )


async def test_2017_rules_say_what_the_source_does_not_state() -> None:
    """2017: league size, schedule and deadline are not stated: they cannot be decided, nothing invented."""
    answer = await club(season=2017, league_teams=3)
    assert answer.eligible is None
    assert by_rule(answer)["league-size"] is None
    assert "does not state" in next(c for c in answer.checks if c.rule == "league-size").detail
    national = await league(season=2017, teams=10)
    assert national.eligible is None and by_rule(national)["national-league-criteria"] is None


async def test_bad_input_is_a_typed_error() -> None:
    """An unknown division or a season without rules gives a friendly error."""
    with pytest.raises(BadOption):
        await eligible_club(rules_session(), division="semi-pro", season=2024)
    with pytest.raises(SeasonNotFound):
        season_rules(data_dir=DATA, season=1999)


def test_verdict_rules() -> None:
    """Any failure wins; an undecided entry condition gives None; ongoing conditions do not block."""
    met, failed = Check(rule="a", passed=True, text=""), Check(rule="b", passed=False, text="")
    unknown, ongoing = (
        Check(rule="c", passed=None, text=""),
        Check(rule="d", passed=None, text="", ongoing=True),
    )
    assert verdict([met, ongoing]) is True
    assert verdict([met, unknown, ongoing]) is None
    assert verdict([unknown, failed, met]) is False
