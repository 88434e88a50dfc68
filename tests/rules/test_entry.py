"""What a club's entry settles: routes a rule concerns, rules entry settles, and the honesty guards."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.rules.engine import Check, Rule, RuleSet, check_entered, decides, load_rules, rules_files

DATA = Path(__file__).resolve().parents[2] / "data"


def season(year: int) -> RuleSet:
    return load_rules(rules_files(DATA)[year])


def rule(rules: RuleSet, rule_id: str) -> Rule:
    return next(r for r in rules.rules if r.id == rule_id)


def test_entry_never_settles_a_rule_the_source_does_not_state() -> None:
    """A data file that claims entry settles a 'not_stated' rule is refused when read."""
    with pytest.raises(ValidationError, match="does not state"):
        Rule.model_validate(
            {"id": "x", "forms": ["club"], "kind": "not_stated", "statement": "-", "entry_settles": True}
        )


def test_a_rule_settled_by_entry_needs_what_that_entry_shows() -> None:
    """A rule settled by entry on a route that [entered] does not explain is refused; explained, it loads."""
    settled = {"id": "x", "forms": ["club"], "kind": "at_least", "statement": "-", "entry_settles": True}
    with pytest.raises(ValidationError, match="local"):
        RuleSet(season=1, source="", rules=[Rule.model_validate({**settled, "tracks": ["local"]})])
    with pytest.raises(ValidationError, match="any route"):
        RuleSet(season=1, source="", rules=[Rule.model_validate(settled)])
    explained = RuleSet(
        season=1, source="", entered={"local": "took part"}, rules=[Rule.model_validate(settled)]
    )
    assert explained.rules[0].entry_settles


def test_the_local_deadline_is_settled_for_local_entrants_and_not_asked_of_direct_slots() -> None:
    """2024: a local entrant's application deadline is passed by entry; the amateur-cup winner is exempt."""
    rules = season(2024)
    deadline = rule(rules, "application-deadline")
    check = check_entered(deadline, track="local", rules=rules)
    assert (check.passed, check.settled_by_entry, check.detail) == (True, True, rules.entered["local"])
    for track in ("amateur_cup", "league_champion", "national_league"):
        assert "application-deadline" not in {r.id for r in rules.for_track("open", track)}
        assert not check_entered(deadline, track=track, rules=rules).settled_by_entry
    # a rule for the route itself is settled only on that route
    assert [r.id for r in rules.rules if r.entry_settles and r.tracks == ["amateur_cup"]] == [
        "national-amateur-cup-winner"
    ]


def test_kept_over_time_and_some_clubs_rules_are_not_settled_by_entry() -> None:
    """Good standing through the final and first-season conditions stay open, and decide nothing."""
    rules = season(2024)
    for rule_id in ("open-good-standing", "new-club-first-season"):
        check = check_entered(rule(rules, rule_id), track="local", rules=rules)
        assert check.passed is None and not check.settled_by_entry and not decides(check)


def test_2017_unstated_rules_stay_unstated_for_every_route() -> None:
    """2017: entry settles the route's own rule, never a league size, schedule or deadline left unstated."""
    rules = season(2017)
    for track in rules.entered:
        for listed in rules.for_track("open" if track != "professional" else "pro", track):
            check = check_entered(listed, track=track, rules=rules)
            if listed.kind == "not_stated":
                assert check.passed is None and not decides(check)
            else:
                assert check.passed is True and check.settled_by_entry


@pytest.mark.parametrize("year", [2017, 2024])
def test_every_route_a_season_explains_has_its_own_rule(year: int) -> None:
    """Each route named in [entered] is settled by at least one rule that concerns that route alone."""
    rules = season(year)
    for track in rules.entered:
        assert any(r.entry_settles and r.tracks == [track] for r in rules.rules), track


def test_decides() -> None:
    """Decided checks and open entry conditions decide a case; kept-over-time and unstated ones do not."""
    assert decides(Check(rule="a", passed=True, text=""))
    assert decides(Check(rule="b", passed=None, text="", kind="at_least"))
    assert not decides(Check(rule="c", passed=None, text="", kind="not_stated"))
    assert not decides(Check(rule="d", passed=None, text="", kind="ongoing", ongoing=True))


def test_rules_are_parsed_once_per_version_of_the_file(tmp_path: Path) -> None:
    """The same file gives the same parsed rules; a changed file (new time and size) is read again."""
    path = tmp_path / "2024.toml"
    shutil.copy(rules_files(DATA)[2024], path)
    first = load_rules(path)
    assert load_rules(path) is first
    path.write_text(
        path.read_text(encoding="utf-8").replace("minimum = 4\n", "minimum = 40\n"), encoding="utf-8"
    )
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    again = load_rules(path)
    assert again is not first and rule(again, "league-size").minimum == 40
