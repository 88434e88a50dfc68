"""`/eligible team|club|league`: a season's entry rules checked for a club, a league or a named team."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.answers.errors import BadOption, SeasonNotFound
from bot.answers.path import path
from bot.rules.engine import Check, RuleSet, check_rule, load_rules, rules_files, verdict
from bot.settings import get_settings

_DIVISION_OF_TRACK = {"professional": "pro"}


class EligibleAnswer(BaseModel):
    """Whether a club (or a league) meets a season's rules, with every rule checked and quoted."""

    form: str  # "team", "club" or "league"
    season: int
    eligible: bool | None
    checks: list[Check] = Field(default_factory=list)
    deadlines: dict[str, dt.date] = Field(default_factory=dict)
    source: str = ""
    team: str | None = None
    standing: str = ""  # for a named team: its standing for the proper, in a phrase
    route: str = ""


def season_rules(season: int | None) -> RuleSet:
    """The rules of `season` (by default the latest season that has rules)."""
    files = rules_files(get_settings().data_dir)
    if not files:
        raise SeasonNotFound("No season has entry rules in data/rules yet.")
    year = season if season is not None else max(files)
    if year not in files:
        known = [str(y) for y in sorted(files, reverse=True)]
        raise SeasonNotFound(
            f"There are no entry rules for {year} (seasons: {', '.join(known)}).", candidates=known
        )
    return load_rules(files[year])


def _answer(form: str, rules: RuleSet, checks: list[Check], **extra: Any) -> EligibleAnswer:
    return EligibleAnswer(
        form=form,
        season=rules.season,
        eligible=verdict(checks),
        checks=checks,
        deadlines=rules.deadlines,
        source=rules.source,
        **extra,
    )


async def eligible_club(
    _session: AsyncSession,
    *,
    division: str,
    league_teams: int | None = None,
    matches_per_team: int | None = None,
    owned_by_higher_pro: bool | None = None,
    applied_on: dt.date | None = None,
    season: int | None = None,
) -> EligibleAnswer:
    """A club rep's checklist: each rule for the division passed, failed or not decidable."""
    if division not in ("open", "pro"):
        raise BadOption(
            "division is 'open' (below Division III) or 'pro' (Division I, II or III).",
            candidates=["open", "pro"],
        )
    rules = season_rules(season)
    facts = {
        "league_teams": league_teams,
        "matches_per_team": matches_per_team,
        "owned_by_higher_pro": owned_by_higher_pro,
        "applied_on": applied_on,
    }
    checks = [check_rule(rule, facts, rules.deadlines) for rule in rules.for_form("club", division)]
    return _answer("club", rules, checks)


async def eligible_league(
    _session: AsyncSession,
    *,
    season: int | None = None,
    **facts: Any,
) -> EligibleAnswer:
    """A league administrator's check against the national-league criteria."""
    rules = season_rules(season)
    checks = [check_rule(rule, facts, rules.deadlines) for rule in rules.for_form("league")]
    return _answer("league", rules, checks)


async def eligible_team(session: AsyncSession, *, name: str, season: int | None = None) -> EligibleAnswer:
    """A named club's standing for the proper, its route, and the rules that apply to its division."""
    route = await path(session, team=name, season=season)
    rules = season_rules(route.season)
    division = _DIVISION_OF_TRACK.get(route.track or "", "open")
    standing = Check(
        rule="standing",
        passed={"qualified": True, "eliminated": False, "not_entered": False}.get(route.status),
        text="A club reaches the tournament proper by its route: local qualifying, a national "
        "league's berth, a direct slot, or professional entry.",
        detail=_standing(route),
    )
    quoted = [check_rule(rule, {}, rules.deadlines) for rule in rules.for_form("club", division)]
    for check in quoted:
        if check.detail.startswith("not told"):
            check.detail = "the records hold no figure for this: a club rep can check it with /eligible club"
    checks = [standing, *quoted]
    eligible = standing.passed
    return EligibleAnswer(
        form="team",
        season=rules.season,
        eligible=eligible,
        checks=checks,
        deadlines=rules.deadlines,
        source=rules.source,
        team=route.team,
        standing=_standing(route),
        route=route.route,
    )


def _standing(route: Any) -> str:
    if route.status == "qualified":
        if route.track == "local":
            last = route.matches[-1]
            return f"qualified: won round {last.round} against {last.opponent}"
        return (
            f"qualified directly: {route.berth}"
            if route.track != "national_league"
            else (f"national-league track: {route.berth}")
        )
    if route.status == "eliminated":
        return f"out in round {route.eliminated_in_round} (lost to {route.eliminated_by})"
    if route.status == "not_entered":
        return f"did not enter the {route.season} qualification"
    return "still alive in qualifying"
