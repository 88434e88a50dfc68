"""Checks what a user tells us against a season's rules; every verdict explains itself.

Rules are data. Each has a `kind` that says how it is checked; the engine knows the kinds, never the rules.
A fact the user did not give, a rule the season's source does not state, and a condition that can only be
met over time (good standing through the final) all give "cannot tell" (passed = None), never a guess.

For a named club the records add one fact: the route (track) it entered a season by. A rule may name the
tracks it concerns (a club on another track is exempt from it) and say that entering settles it (a club
that took part was admitted, so it met the rule); what entry on each track shows is written in the season's
file too. A rule the source does not state is never settled by entry.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import ConfigDict, Field, model_validator

from bot.modelbase import Deferred

ZONES = ("eastern", "central", "mountain", "pacific")


class Rule(Deferred):
    """One rule of a season, in our words, with where it comes from, and what a club's entry says of it."""

    model_config = ConfigDict(frozen=True)

    id: str
    forms: list[str]
    divisions: list[str] = Field(default_factory=list)
    kind: str
    input: str = ""
    minimum: float | None = None
    deadline: str = ""
    zones: int = 0
    share: float = 0.0
    states_needed: list[int] = Field(default_factory=list)
    statement: str
    fix: str = ""
    section: str = ""
    tracks: list[str] = Field(default_factory=list)  # the entry routes it concerns; empty: every route
    entry_settles: bool = False  # a club that entered on one of those routes has met it

    @model_validator(mode="after")
    def _stated_to_be_settled(self) -> Rule:
        if self.entry_settles and self.kind == "not_stated":
            raise ValueError(f"rule {self.id}: a rule the source does not state cannot be settled by entry")
        return self

    def concerns(self, track: str | None) -> bool:
        """Whether a club on entry route `track` is subject to this rule (None: route unknown, so yes)."""
        return not self.tracks or track is None or track in self.tracks


class RuleSet(Deferred):
    """A season's rules and deadlines, and what entering by each route shows."""

    model_config = ConfigDict(frozen=True)

    season: int
    source: str
    deadlines: dict[str, dt.date] = Field(default_factory=dict)
    entered: dict[str, str] = Field(default_factory=dict)  # track -> what entry by it shows, in a phrase
    rules: list[Rule]

    @model_validator(mode="after")
    def _entry_is_explained(self) -> RuleSet:
        for rule in (rule for rule in self.rules if rule.entry_settles):
            missing = [track for track in rule.tracks if track not in self.entered]
            if missing or not self.entered:
                raise ValueError(
                    f"rule {rule.id} is settled by entry, but [entered] does not say what entry by "
                    f"{', '.join(missing) or 'any route'} shows"
                )
        return self

    def for_form(self, form: str, division: str | None = None) -> list[Rule]:
        """The rules that apply to a club (of a division) or to a league."""
        return [
            r
            for r in self.rules
            if form in r.forms and (division is None or not r.divisions or division in r.divisions)
        ]

    def for_track(self, division: str, track: str | None) -> list[Rule]:
        """The club rules of `division` that concern a club on entry route `track` (None: not known)."""
        return [rule for rule in self.for_form("club", division) if rule.concerns(track)]


class Check(Deferred):
    """One rule checked: passed (True / False / None = cannot tell), the rule's text, and why."""

    rule: str
    passed: bool | None
    text: str
    detail: str = ""
    fix: str = ""
    section: str = ""
    kind: str = ""
    ongoing: bool = False  # listed but not blocking: kept over time, or applying only to some clubs
    settled_by_entry: bool = False  # passed because the club entered the season by a route it concerns


def rules_files(data_dir: Path) -> dict[int, Path]:
    """The seasons that have rules, and their files."""
    folder = data_dir / "rules"
    return {int(path.stem): path for path in sorted(folder.glob("*.toml"))} if folder.is_dir() else {}


def load_rules(path: Path) -> RuleSet:
    """Read one season's rules; parsed once per version of the file (its modification time and size)."""
    stat = path.stat()
    return _parsed(path.resolve(), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=64)
def _parsed(path: Path, _mtime_ns: int, _size: int) -> RuleSet:
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    return RuleSet(
        season=raw["season"],
        source=raw.get("source", ""),
        deadlines=raw.get("deadlines", {}),
        entered=raw.get("entered", {}),
        rules=[Rule.model_validate(rule) for rule in raw.get("rule", [])],
    )


def _number(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def check_rule(rule: Rule, facts: dict[str, Any], deadlines: dict[str, dt.date]) -> Check:
    """Check one rule against the facts given."""
    check = Check(
        rule=rule.id, passed=None, text=rule.statement, fix=rule.fix, section=rule.section, kind=rule.kind
    )
    given: Any = facts.get(rule.input) if rule.input else None  # a number, a yes/no or a date, as told
    if rule.kind == "not_stated":
        check.detail = "the season's source does not state this rule"
    elif rule.kind == "ongoing":
        check.ongoing = True
        check.detail = "a condition kept over time: it cannot be checked in advance"
    elif rule.kind == "conditional":
        check.ongoing = True  # listed, never blocking: it concerns only some clubs
        check.detail = "applies only to some clubs; not checked from the facts given"
    elif rule.kind in ("at_least", "is_true", "is_false", "on_or_before") and given is None:
        check.detail = f"not told: give {rule.input} to check this rule"
    elif rule.kind == "at_least":
        check.passed = given >= (rule.minimum or 0)
        check.detail = (
            f"{rule.input.replace('_', ' ')}: {_number(given)}; at least {_number(rule.minimum)} needed"
        )
    elif rule.kind in ("is_true", "is_false"):
        check.passed = bool(given) is (rule.kind == "is_true")
        check.detail = f"{rule.input.replace('_', ' ')}: {'yes' if given else 'no'}"
    elif rule.kind == "on_or_before":
        deadline = deadlines.get(rule.deadline)
        if deadline is None:
            check.detail = f"the {rule.deadline} deadline is not stated in the season's source"
        else:
            check.passed = given <= deadline
            check.detail = (
                f"{rule.input.replace('_', ' ')}: {given.isoformat()}; deadline {deadline.isoformat()}"
            )
    elif rule.kind == "zone_shares":
        _zone_shares(rule, facts, check)
    elif rule.kind == "zone_states":
        _zone_states(rule, facts, check)
    else:
        check.detail = f"unknown kind of rule '{rule.kind}'"
    if check.passed is not False:
        check.fix = ""
    return check


def check_entered(rule: Rule, *, track: str, rules: RuleSet) -> Check:
    """Check one rule for a club the records show entered the season by route `track`.

    A rule its entry settles is passed, saying what the entry shows; any other rule is checked as its kind
    says, with no facts (a club on a route the rule does not concern should not be asked about it at all).
    """
    if not (rule.entry_settles and rule.concerns(track) and track in rules.entered):
        return check_rule(rule, {}, rules.deadlines)
    return Check(
        rule=rule.id,
        passed=True,
        text=rule.statement,
        detail=rules.entered[track],
        section=rule.section,
        kind=rule.kind,
        settled_by_entry=True,
    )


def decides(check: Check) -> bool:
    """Whether a check bears on a club's case: decided either way, or an entry condition still open.

    Conditions kept over time, rules for only some clubs and rules the source does not state decide nothing.
    """
    return check.passed is not None or (not check.ongoing and check.kind != "not_stated")


def _counts(facts: dict[str, Any], keys: list[str]) -> list[int] | None:
    """The whole numbers told for `keys`, or None when any of them was not told."""
    told = [facts.get(key) for key in keys]
    known = [int(count) for count in told if count is not None]
    return known if len(known) == len(keys) else None


def _zone_shares(rule: Rule, facts: dict[str, Any], check: Check) -> None:
    counts = _counts(facts, list(ZONES))
    if counts is None:
        check.detail = "not told: give the number of teams in each of the four time zones"
        return
    total = int(facts.get("teams") or sum(counts))
    used = sum(1 for count in counts if count > 0)
    largest = sorted(counts, reverse=True)[: rule.zones]
    # Compare in whole numbers: 149 of 1,000 teams is 14.9 %, short of 15 %.
    shares_ok = total > 0 and all(count * 100 >= rule.share * total for count in largest)
    check.passed = used >= rule.zones and shares_ok
    shares = (
        ", ".join(f"{zone} {count * 100 / total:.1f}%" for zone, count in zip(ZONES, counts, strict=True))
        if total
        else "no teams"
    )
    check.detail = (
        f"teams in {used} zones; {shares}; the largest {rule.zones} need {_number(rule.share)}% each"
    )


def _zone_states(rule: Rule, facts: dict[str, Any], check: Check) -> None:
    counts = _counts(facts, [f"states_{zone}" for zone in ZONES])
    if counts is None:
        check.detail = "not told: give the number of states (or D.C.) with teams in each time zone"
        return
    ordered = sorted(counts, reverse=True)
    check.passed = len(ordered) >= len(rule.states_needed) and all(
        have >= need for have, need in zip(ordered, rule.states_needed, strict=False)
    )
    check.detail = (
        "states per zone: "
        + ", ".join(f"{z} {c}" for z, c in zip(ZONES, counts, strict=True))
        + f"; needed {' / '.join(map(str, rule.states_needed))} in the three best zones"
    )


def verdict(checks: list[Check]) -> bool | None:
    """Not eligible if any rule fails; cannot tell if an entry condition is undecided; otherwise eligible."""
    if any(check.passed is False for check in checks):
        return False
    if any(check.passed is None and not check.ongoing for check in checks):
        return None
    return True
