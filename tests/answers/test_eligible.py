"""`/eligible team` on the real data: taking part settles eligibility; qualifying is a separate question."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.answers.eligible import EligibleAnswer, eligible_club, eligible_team
from bot.rules.engine import load_rules, rules_files
from bot.store.engine import Store
from tests.store.test_store import store_on_copy


async def team(store: Store, name: str, season: int) -> EligibleAnswer:
    async with store.session() as session:
        return await eligible_team(session, name=name, season=season)


def checks(answer: EligibleAnswer) -> dict[str, bool | None]:
    return {check.rule: check.passed for check in answer.checks}


async def test_a_club_that_lost_a_qualifying_tie_was_eligible_but_did_not_qualify(store: Store) -> None:
    """Holac FC lost in round 2 of 2024: eligible (it entered), not qualified; its entry settles its rules."""
    answer = await team(store, "holac", 2024)
    assert (answer.eligible, answer.qualified, answer.status) == (True, False, "eliminated")
    assert answer.standing == "out in round 2 (lost to Sharktopus Football Club)"
    assert answer.route == "local qualifying" and answer.track == "local"
    assert checks(answer) == {"league-size": True, "league-schedule": True, "application-deadline": True}
    deadline = next(check for check in answer.checks if check.rule == "application-deadline")
    assert deadline.settled_by_entry and "application was accepted" in deadline.detail
    # short: kept-over-time and other routes' rules are one option away, not listed
    assert "open-good-standing" in answer.omitted and "national-amateur-cup-winner" in answer.omitted


async def test_a_direct_slot_is_exempt_from_the_local_application_deadline(store: Store) -> None:
    """SC MesoAmerica (National Amateur Cup winner): eligible, qualified, and no undecided deadline check."""
    answer = await team(store, "SC MesoAmerica", 2024)
    assert (answer.eligible, answer.qualified, answer.track) == (True, True, "amateur_cup")
    assert "application-deadline" not in checks(answer)
    assert checks(answer)["national-amateur-cup-winner"] is True
    assert all(check.passed is True for check in answer.checks)
    rules = {rule.id: rule for rule in load_rules(rules_files(store.data_dir)[2024]).rules}
    assert all(rules[check.rule].concerns("amateur_cup") for check in answer.checks)


@pytest.mark.parametrize(
    ("name", "track", "route_rule"),
    [
        ("AS Frenzi", "league_champion", "upsl-spring-champion"),
        ("Houston Dynamo", "professional", "pro-automatic"),
        ("FC Folsom", "local", "application-deadline"),
    ],
)
async def test_every_route_of_2024_is_settled_by_entry(
    store: Store, name: str, track: str, route_rule: str
) -> None:
    """Each 2024 route: the entered club is eligible, each listed rule passed, its route's rule among them."""
    answer = await team(store, name, 2024)
    assert answer.track == track and answer.eligible is True
    assert answer.checks and all(check.passed is True and check.settled_by_entry for check in answer.checks)
    assert route_rule in checks(answer)


async def test_a_club_that_did_not_enter_is_not_settled_by_entry(store: Store) -> None:
    """Michigan Bucks played 2017, not 2024: eligibility for 2024 cannot be told; it did not qualify."""
    answer = await team(store, "michigan bucks", 2024)
    assert (answer.eligible, answer.qualified, answer.status) == (None, False, "not_entered")
    assert answer.standing == "did not enter the 2024 qualification"
    assert answer.checks and all(check.passed is None for check in answer.checks)
    assert not any(check.settled_by_entry for check in answer.checks)
    assert {"league-size", "application-deadline"} <= set(checks(answer))


async def test_2017_entry_settles_only_the_rules_the_source_states(store: Store) -> None:
    """2017: entry settles the route's own rule; unstated rules stay unstated, never 'passed'."""
    bucks = await team(store, "michigan bucks", 2017)
    assert (bucks.eligible, bucks.qualified) == (True, True)
    assert checks(bucks) == {"national-league-track": True}
    assert {"league-size", "league-schedule", "application-deadline"} <= set(bucks.omitted)
    assert bucks.route == "national-league track" and bucks.berth == "PDL Great Lakes division winner"
    harpos = await team(store, "harpo's", 2017)
    assert harpos.track == "local" and harpos.eligible is True
    assert checks(harpos) == {"local-qualifying": True}
    assert "league-size" in harpos.omitted


async def test_rules_come_from_the_stores_own_data_folder(
    empty_url: str, data_dir: Path, tmp_path: Path
) -> None:
    """A store opened on a copy of data/ with a changed rule answers from that copy, not from settings."""
    store, copy = await store_on_copy(empty_url, data_dir, tmp_path)
    try:
        rules = copy / "rules" / "2024.toml"
        text = rules.read_text(encoding="utf-8")
        changed = text.replace("minimum = 4\n", "minimum = 6\n").replace(
            "must have at least 4 teams.", "must have at least 6 teams."
        )
        assert changed != text
        rules.write_text(changed, encoding="utf-8")
        async with store.session() as session:
            answer = await eligible_club(
                session, division="open", league_teams=5, matches_per_team=10, season=2024
            )
            listed = await eligible_team(session, name="holac", season=2024)
        size = next(check for check in answer.checks if check.rule == "league-size")
        assert size.passed is False and "at least 6 teams" in size.text and answer.eligible is False
        assert "at least 6 teams" in next(c.text for c in listed.checks if c.rule == "league-size")
    finally:
        await store.close()
