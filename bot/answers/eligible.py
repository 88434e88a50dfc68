"""`/eligible team|club|league`: a season's entry rules checked for a club, a league or a named team.

Two questions are kept apart for a named team: whether it was eligible to enter a season (every club that
took part was: its entry settles the rules that admission checks) and whether it qualified for the proper
(its standing). The rules come from the data folder of the store the caller opened.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import OrderedDict
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from pydantic import Field
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.answers.errors import BadOption, SeasonNotFound
from bot.answers.models import PathAnswer
from bot.answers.path import path
from bot.answers.standing import standing_words
from bot.modelbase import Deferred
from bot.rules.engine import (
    Check,
    RuleSet,
    check_entered,
    check_rule,
    decides,
    load_rules,
    rules_files,
    verdict,
)

_DIVISION_OF_TRACK = {"professional": "pro"}
_NO_FIGURE = "the records hold no figure for this: a club rep can check it with /eligible club"


class EligibleAnswer(Deferred):
    """Whether a club (or a league) meets a season's rules, with the rules that decide it, quoted."""

    form: str  # "team", "club" or "league"
    season: int
    eligible: bool | None  # for a team: could it enter the season (true for every club that entered)
    checks: list[Check] = Field(default_factory=list)
    deadlines: dict[str, dt.date] = Field(default_factory=dict)
    source: str = ""
    team: str | None = None
    standing: str = ""  # for a named team: its standing for the proper, in a phrase
    route: str = ""
    qualified: bool | None = None  # for a named team: did it reach the proper (None for club and league)
    status: str = ""  # for a named team: qualified / eliminated / alive / not_entered, as in /path
    track: str | None = None  # for a named team: the route it entered by, as stored
    berth: str = ""  # for a named team on a direct or national-league route: the berth it took
    entry_round: int | None = None
    omitted: list[str] = Field(default_factory=list)  # rules that do not decide a named team's case


def data_dir_of(session: AsyncSession) -> Path:
    """The data folder of the store that opened `session` (the Store puts it in the session's info)."""
    data_dir = session.info.get("data_dir")
    if not isinstance(data_dir, Path):
        raise RuntimeError("this session carries no data folder: open it with Store.session()")
    return data_dir


RECENT_NS = 2_000_000_000  # a file or folder changed this recently (ns) may change again unseen: not cached


def _version(path: Path) -> tuple[int, int, int] | None:
    """What tells one version of a file (or folder) from another; None if it is missing or just changed.

    A change made within the same tick of the file system's clock as the one before it leaves the
    modification time as it was, so a version younger than RECENT_NS is not trusted to identify it.
    """
    try:
        stat = path.stat()
    except OSError:
        return None
    if time.time_ns() - stat.st_mtime_ns < RECENT_NS:
        return None
    return (stat.st_ino, stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=16)
def _listed(data_dir: Path, _stamp: tuple[int, int, int]) -> Mapping[int, Path]:
    return MappingProxyType(rules_files(data_dir))


@lru_cache(maxsize=64)
def _loaded(path: Path, _stamp: tuple[int, int, int]) -> RuleSet:
    return load_rules(path)


def season_rules(*, data_dir: Path, season: int | None) -> RuleSet:
    """The rules of `season` in `data_dir/rules` (by default the latest season that has rules).

    The folder is listed, and a season's file read, once per version of them (a call looks at their
    times and sizes only), so asking again costs no reading of data/rules.
    """
    folder = _version(data_dir / "rules")
    files = rules_files(data_dir) if folder is None else _listed(data_dir, folder)
    if not files:
        raise SeasonNotFound("No season has entry rules in data/rules yet.")
    year = season if season is not None else max(files)
    if year not in files:
        known = [str(y) for y in sorted(files, reverse=True)]
        raise SeasonNotFound(
            f"There are no entry rules for {year} (seasons: {', '.join(known)}).", candidates=known
        )
    version = _version(files[year])
    return load_rules(files[year]) if version is None else _loaded(files[year], version)


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
    session: AsyncSession,
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
    rules = season_rules(data_dir=data_dir_of(session), season=season)
    facts = {
        "league_teams": league_teams,
        "matches_per_team": matches_per_team,
        "owned_by_higher_pro": owned_by_higher_pro,
        "applied_on": applied_on,
    }
    checks = [check_rule(rule, facts, rules.deadlines) for rule in rules.for_form("club", division)]
    return _answer("club", rules, checks)


async def eligible_league(
    session: AsyncSession,
    *,
    season: int | None = None,
    **facts: Any,
) -> EligibleAnswer:
    """A league administrator's check against the national-league criteria."""
    rules = season_rules(data_dir=data_dir_of(session), season=season)
    checks = [check_rule(rule, facts, rules.deadlines) for rule in rules.for_form("league")]
    return _answer("league", rules, checks)


async def eligible_team(session: AsyncSession, *, name: str, season: int | None = None) -> EligibleAnswer:
    """A named club's case for a season: eligible to enter, qualified or not, and the rules that decide it.

    A club that entered was eligible, whatever its result: the rules its route's entry settles are passed,
    and rules for other routes are left out. For a club that did not enter, nothing is settled by entry:
    its eligibility cannot be told from the records, and the entry rules are listed as open questions.
    """
    route = await path(session, team=name, season=season)  # cached per store version
    rules = season_rules(data_dir=data_dir_of(session), season=route.season)  # kept per file version
    key = (id(route), id(rules))  # the same route and the same rules give the same answer
    kept = _TEAM_ANSWERS.get(key)
    if kept is not None and kept[0] is route and kept[1] is rules:
        return kept[2]
    made = _team_answer(route, rules)
    _TEAM_ANSWERS[key] = (route, rules, made)
    if len(_TEAM_ANSWERS) > TEAM_ANSWERS_KEPT:
        _TEAM_ANSWERS.popitem(last=False)
    return made


TEAM_ANSWERS_KEPT = 64
_TEAM_ANSWERS: OrderedDict[tuple[int, int], tuple[PathAnswer, RuleSet, EligibleAnswer]] = OrderedDict()


def _team_answer(route: PathAnswer, rules: RuleSet) -> EligibleAnswer:
    division = _DIVISION_OF_TRACK.get(route.track or "", "open")
    track = route.track if route.status != "not_entered" else None  # an entry always has a track
    if track is not None:
        checks = [check_entered(rule, track=track, rules=rules) for rule in rules.for_track(division, track)]
    else:
        checks = [check_rule(rule, {}, rules.deadlines) for rule in rules.for_form("club", division)]
    for check in checks:
        if check.detail.startswith("not told"):
            check.detail = _NO_FIGURE
    shown = [check for check in checks if decides(check)]
    listed = {check.rule for check in shown}
    return EligibleAnswer(
        form="team",
        season=rules.season,
        eligible=True if track is not None else None,
        qualified=route.status == "qualified",
        checks=shown,
        deadlines=rules.deadlines,
        source=rules.source,
        team=route.team,
        standing=standing_words(route),
        status=route.status,
        route=route.route,
        track=route.track,
        berth=route.berth,
        entry_round=route.entry_round,
        omitted=[rule.id for rule in rules.for_form("club", division) if rule.id not in listed],
    )
