"""Answers as plain text, for the console (and any medium without embeds)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import singledispatch

from pydantic import BaseModel

from bot.answers.commands import HelpAnswer
from bot.answers.eligible import EligibleAnswer
from bot.answers.errors import AnswerError
from bot.answers.models import (
    Freshness,
    MatchLine,
    PathAnswer,
    Qualifier,
    QualifiersAnswer,
    ResultAnswer,
    RoundAnswer,
    RoundMatch,
    TeamAnswer,
)
from bot.answers.stats import StatsAnswer

_HOW = {
    "regulation": "",
    "extra_time": " a.e.t.",
    "forfeit": " by forfeit",
    "walkover": " by walkover",
    "abandoned": " (abandoned)",
    "annulled": " (annulled)",
    "replayed": " (replayed)",
}


When = Callable[[dt.date | None, dt.datetime | None], str]


def plain_when(date: dt.date | None, kickoff: dt.datetime | None) -> str:
    """A day (and a time in UTC when known), for media that cannot show each reader's own time zone."""
    if kickoff is not None:
        return kickoff.astimezone(dt.UTC).strftime("%b %-d, %Y %H:%M UTC")
    return date.strftime("%b %-d, %Y") if date else "date to be set"


def score_words(line: MatchLine) -> str:
    """The score from the club's side, with how it was decided: '2-2, won on penalties (score unknown)'."""
    if line.status != "played":
        return line.status
    if line.decided_by == "forfeit":
        return "won by forfeit" if line.won else "lost by forfeit"
    score = f"{line.goals_for}-{line.goals_against}"
    if line.decided_by == "penalties":
        shootout = "score unknown" if line.penalties in (None, "unknown") else line.penalties
        return f"{score}, {'won' if line.won else 'lost'} on penalties ({shootout})"
    return score + _HOW.get(line.decided_by or "", "")


def match_words(line: MatchLine, when_words: When = plain_when) -> str:
    """One tie in a line: round, date, venue, opponent and outcome."""
    when = when_words(line.date, line.kickoff)
    where = "home" if line.home else "away"
    outcome = {True: "W", False: "L", None: "-"}[line.won]
    league = f" ({line.opponent_league})" if line.opponent_league else ""
    opponent = side_words(line.opponent, line.opponent_from_fixture)
    venue = f" at {line.venue}" if line.venue and line.status != "played" else ""
    return f"{line.round_name} · {when} · {outcome} v {opponent}{league} ({where}) {score_words(line)}{venue}"


def freshness_words(fresh: Freshness) -> str:
    """Where the facts come from and when they were entered."""
    when = fresh.entered_at.strftime("%Y-%m-%d %H:%M UTC") if fresh.entered_at else "unknown"
    return f"source: {fresh.source or 'unknown'} · entered {when} by {fresh.entered_by or 'unknown'}"


def status_words(answer: PathAnswer) -> str:
    """The club's standing in one phrase."""
    if answer.status == "qualified":
        if answer.track == "local":
            return "qualified for the tournament proper through local qualifying"
        detail = f" ({answer.qualified_by})" if answer.qualified_by else ""
        return f"qualified for the tournament proper: {answer.route}, {answer.berth}{detail}"
    if answer.status == "eliminated":
        return f"eliminated in round {answer.eliminated_in_round} by {answer.eliminated_by}"
    if answer.status == "not_entered":
        return f"did not enter the {answer.season} qualification"
    wins = f"; {answer.rounds_left} more win{'s' if answer.rounds_left != 1 else ''} to reach the proper"
    if answer.next_fixture:
        nxt = answer.next_fixture
        maybe = ""
        if nxt.opponent is None and answer.possible_opponents:
            maybe = " (" + " or ".join(answer.possible_opponents) + ")"
        return f"alive: next {match_words(nxt)}{maybe}{wins if answer.rounds_left else ''}"
    return f"alive: awaiting the draw{wins if answer.rounds_left else ''}"


@singledispatch
def render_text(answer: BaseModel) -> str:
    """Any answer as text."""
    return answer.model_dump_json(indent=2)


@render_text.register
def _(answer: PathAnswer) -> str:
    lines = [f"{answer.team} — {answer.season} U.S. Open Cup qualification", status_words(answer)]
    if answer.name_in_season and answer.name_in_season != answer.team:
        lines.append(f"written that season as: {answer.name_in_season}")
    if answer.status != "not_entered":
        league = f" · {answer.league}" if answer.league else ""
        entry = f" · entered in round {answer.entry_round}" if answer.entry_round else ""
        lines.append(f"route: {answer.route}{league}{entry}")
    lines += [f"bye in round {number}" for number in answer.byes]
    lines += [match_words(line) for line in answer.matches]
    if answer.rounds_left:
        lines.append(f"rounds left to the proper: {answer.rounds_left}")
    if answer.other_seasons:
        lines.append("other seasons: " + ", ".join(map(str, answer.other_seasons)))
    lines.append(freshness_words(answer.freshness))
    return "\n".join(lines)


@render_text.register
def _(answer: ResultAnswer) -> str:
    if answer.opponent:
        title = f"{answer.team} v {answer.opponent} — head to head"
    else:
        title = f"{answer.team} — {answer.season} results"
    lines = [title]
    lines += [f"{line.season}: {match_words(line)}" for line in answer.matches] or ["no matches"]
    if answer.other_seasons and not answer.opponent:
        lines.append("other seasons: " + ", ".join(map(str, answer.other_seasons)))
    lines.append(freshness_words(answer.freshness))
    return "\n".join(lines)


def club_lines(answer: TeamAnswer) -> list[str]:
    """A club card (or what the name may mean) as lines of text, shared by the text and embed renderers."""
    if answer.card is None:
        if answer.ambiguous:
            return [
                f"'{answer.query}' could be several clubs:",
                *(f"  - {name}" for name in answer.candidates),
            ]
        hint = f" Did you mean {', '.join(answer.candidates)}?" if answer.candidates else ""
        return [f"No club called '{answer.query}' is in the records.{hint}"]
    card = answer.card
    lines = []
    if card.aliases:
        lines.append("also written: " + ", ".join(card.aliases))
    if card.leagues:
        lines.append("leagues: " + ", ".join(card.leagues))
    if card.state:
        lines.append(f"state: {card.state}")
    for played in card.seasons:
        league = (
            f" · {played.league}" + (f" ({played.league_name})" if played.league_name else "")
            if played.league
            else ""
        )
        written = f" · as {played.name_in_season}" if played.name_in_season != card.name else ""
        lines.append(f"{played.season}: {played.finish}{league}{written}")
    if card.best_finish:
        lines.append(f"best finish: {card.best_finish}")
    return lines


@render_text.register
def _(answer: TeamAnswer) -> str:
    title = [answer.card.name] if answer.card else []
    return "\n".join(title + club_lines(answer))


def side_words(name: str | None, from_fixture: int | None, league: str = "") -> str:
    """One side of a tie: the club (with league), or the fixture whose winner it will be."""
    if name is None:
        return f"winner of fixture {from_fixture}" if from_fixture else "to be decided"
    return f"{name} ({league})" if league else name


def tie_words(match: RoundMatch, when_words: When = plain_when) -> str:
    """A tie in one line, home first: 'A (L) 2-1 B (L)', with how it was decided and who went through."""
    home = side_words(match.home, match.home_from_fixture, match.home_league)
    away = side_words(match.away, match.away_from_fixture, match.away_league)
    when = when_words(match.date, match.kickoff)
    if match.status != "played":
        venue = f" at {match.venue}" if match.venue else ""
        return f"{when}: {home} v {away} — {match.status}{venue}"
    if match.decided_by == "forfeit":
        return f"{when}: {home} v {away} — {match.winner} won by forfeit"
    score = f"{match.home_score}-{match.away_score}" + (" a.e.t." if match.extra_time else "")
    if match.decided_by == "penalties":
        shootout = "score unknown" if match.penalties in (None, "unknown") else match.penalties
        return f"{when}: {home} {score} {away} — {match.winner} won on penalties ({shootout})"
    return f"{when}: {home} {score} {away}"


@render_text.register
def _(answer: RoundAnswer) -> str:
    head = f"{answer.season} — {answer.round_name}" + (f" ({answer.dates})" if answer.dates else "")
    lines = [head, *(tie_words(match) for match in answer.matches)]
    if answer.byes:
        lines.append(f"byes ({len(answer.byes)}): " + ", ".join(answer.byes))
    lines.append(freshness_words(answer.freshness))
    return "\n".join(lines)


def qualifier_words(item: Qualifier) -> str:
    """How one club reached the proper."""
    if item.deciding is not None:
        won = item.deciding
        return f"{item.team} — beat {won.opponent} in round {won.round}: {score_words(won)}"
    detail = f" ({item.detail})" if item.detail else ""
    return f"{item.team} — {item.berth or item.route}{detail}"


def stated_words(answer: QualifiersAnswer) -> list[str]:
    """What the source states beside what it names, so a gap is said out loud, never hidden."""
    lines = []
    for key, stated in answer.stated.items():
        if key.endswith("_teams") and key != "local_teams":
            league = key.removesuffix("_teams")
            named = sum(1 for q in answer.qualifiers if q.track == "national_league" and q.league == league)
            gap = "" if named == stated else f" — {stated - named} not named by the source"
            lines.append(f"{league}: the source states {stated} clubs and names {named}{gap}")
        elif key == "local_qualifiers":
            named = sum(1 for q in answer.qualifiers if q.track == "local")
            lines.append(f"local qualifiers: the source states {stated}, the results give {named}")
    return lines


@render_text.register
def _(answer: QualifiersAnswer) -> str:
    lines = [f"{answer.season} — {len(answer.qualifiers)} clubs through to the tournament proper"]
    route = None
    for item in answer.qualifiers:
        if item.route != route:
            route = item.route
            lines.append(f"{route}:")
        lines.append("  " + qualifier_words(item))
    lines += stated_words(answer)
    lines.append(freshness_words(answer.freshness))
    return "\n".join(lines)


def stats_sections(answer: StatsAnswer) -> list[tuple[str, list[str]]]:
    """The counts as (heading, items) sections, shared by the text and embed renderers."""
    leagues = [f"{c.label}{f' ({c.name})' if c.name else ''}: {c.clubs}" for c in answer.by_league]
    states = [f"{c.label}: {c.clubs}" for c in answer.by_state]
    if answer.state_unknown:
        states.append(f"state not given by the source: {answer.state_unknown}")
    sections = [("by league", leagues), ("by state", states)]
    if answer.stated_states is not None:
        sections.append(("the source says", [f"clubs came from {answer.stated_states} states and D.C."]))
    return sections


@render_text.register
def _(answer: StatsAnswer) -> str:
    lines = [f"{answer.season} — {answer.clubs} clubs"]
    for heading, items in stats_sections(answer):
        lines += [f"{heading}:", *(f"  {item}" for item in items)]
    return "\n".join(lines)


_MARKS = {True: "✔ passed", False: "✘ failed", None: "? cannot tell"}


def eligibility_lines(answer: EligibleAnswer) -> tuple[str, list[str]]:
    """The verdict, and a line per rule (mark, rule, why, how to fix), shared by text and embeds."""
    verdict = {True: "eligible", False: "not eligible", None: "cannot tell yet"}[answer.eligible]
    who = answer.team or {"club": "this club", "league": "this league as a national league"}[answer.form]
    head = f"{who}: {verdict} for the {answer.season} U.S. Open Cup"
    if answer.standing:
        head += f" — {answer.standing}"
    lines = []
    for check in answer.checks:
        mark = {"ongoing": "• kept over time", "conditional": "• if it applies"}.get(
            check.kind, _MARKS[check.passed]
        )
        lines.append(f"{mark} [{check.rule}] {check.text}")
        if check.detail:
            lines.append(f"    {check.detail}")
        if check.fix:
            lines.append(f"    to fix: {check.fix}")
    if answer.deadlines:
        lines.append(
            "deadlines: "
            + ", ".join(
                f"{name.replace('_', ' ')} {day.isoformat()}" for name, day in answer.deadlines.items()
            )
        )
    lines.append(f"rules from: {answer.source}")
    return head, lines


@render_text.register
def _(answer: EligibleAnswer) -> str:
    head, lines = eligibility_lines(answer)
    return "\n".join([head, *lines])


@render_text.register
def _(answer: HelpAnswer) -> str:
    return "\n".join(f"/{c.name} — {c.description}\n    e.g. {c.example}" for c in answer.commands)


def render_error(error: AnswerError) -> str:
    """A question that could not be answered, as text."""
    if error.candidates:
        return f"{error.message}\n" + "\n".join(f"  - {name}" for name in error.candidates)
    return error.message
