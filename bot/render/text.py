"""Answers as plain text, for the console (and any medium without embeds)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import singledispatch

from pydantic import BaseModel

from bot.answers.commands import HelpAnswer
from bot.answers.eligible import EligibleAnswer
from bot.answers.errors import AnswerError
from bot.answers.lookup import not_found_words
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
from bot.answers.report import FixtureView, HistoryAnswer, WriteAnswer
from bot.answers.standing import (
    counted,
    eliminated_words,
    not_entered_words,
    not_said_words,
    qualified_how,
    side_words,
    wins_left_words,
)
from bot.answers.stats import StatsAnswer
from bot.store.loader import LOADER_ACTOR_PREFIX

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
        if line.won is None:
            return f"{score}, on penalties ({shootout}): the source does not say who went through"
        return f"{score}, {'won' if line.won else 'lost'} on penalties ({shootout})"
    return score + _HOW.get(line.decided_by or "", "")


def match_words(line: MatchLine, when_words: When = plain_when) -> str:
    """One tie in a line: round, date, venue, opponent and outcome."""
    undated = line.status == "played" and line.date is None and line.kickoff is None
    when = "date not given" if undated else when_words(line.date, line.kickoff)
    where = "home" if line.home else "away"
    outcome = {True: "W", False: "L", None: "-"}[line.won]
    league = f" ({line.opponent_league})" if line.opponent_league else ""
    opponent = side_words(line.opponent, line.opponent_from_fixture)
    venue = f" at {line.venue}" if line.venue and line.status != "played" else ""
    return f"{line.round_name} · {when} · {outcome} v {opponent}{league} ({where}) {score_words(line)}{venue}"


def ago_words(moment: dt.datetime, now: dt.datetime | None = None) -> str:
    """'just now', '5 min ago', '2 h ago', '3 days ago', or the day for anything older than a week."""
    seconds = ((now or dt.datetime.now(dt.UTC)) - moment).total_seconds()
    if seconds < 0 or seconds >= 7 * 86_400:
        return moment.astimezone(dt.UTC).strftime("on %b %-d, %Y")
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{int(seconds // 60)} min ago"
    if seconds < 86_400:
        return f"{int(seconds // 3600)} h ago"
    return f"{counted(int(seconds // 86_400), 'day')} ago"


def entered_words(fresh: Freshness) -> str:
    """Who put the newest fact in, as a fan would say it."""
    if not fresh.entered_by or fresh.entered_by.startswith(LOADER_ACTOR_PREFIX):
        return "imported from the season's article"
    return f"reported by @{fresh.entered_by}"


def freshness_words(fresh: Freshness, *, when: bool = True, now: dt.datetime | None = None) -> str:
    """The season's source by its title, and who entered its newest fact and when ('' with no facts).

    `when=False` leaves the time out, for media that show it another way (an embed's own timestamp).
    """
    if fresh.entered_at is None and not fresh.title and fresh.season is None:
        return ""
    title = fresh.title or (f"{fresh.season} season" if fresh.season else "")
    entered = entered_words(fresh)
    if when and fresh.entered_at is not None:
        entered += ", " + ago_words(fresh.entered_at, now)
    return " · ".join(part for part in (title, entered) if part)


def status_words(answer: PathAnswer) -> str:
    """The club's standing in one phrase."""
    if answer.status == "qualified":
        if answer.track in (None, "local"):
            return f"qualified for the tournament proper {qualified_how(answer)}"
        detail = f" ({answer.qualified_by})" if answer.qualified_by else ""
        return f"qualified for the tournament proper: {answer.route}, {qualified_how(answer)}{detail}"
    if answer.status == "eliminated":
        return eliminated_words(answer)
    if answer.status == "not_entered":
        return not_entered_words(answer)
    if answer.status == "unknown":
        return not_said_words(answer)
    wins = f"; {wins_left_words(answer.rounds_left)}" if answer.rounds_left else ""
    if answer.next_fixture:
        nxt = answer.next_fixture
        maybe = ""
        if nxt.opponent is None and answer.possible_opponents:
            maybe = " (" + " or ".join(answer.possible_opponents) + ")"
        return f"alive: next {match_words(nxt)}{maybe}{wins}"
    return f"alive: awaiting the draw{wins}"


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
    lines += [f"{line.season}: {match_words(line)}" for line in answer.matches] or [no_matches_words(answer)]
    if answer.other_seasons and not answer.opponent:
        lines.append("other seasons: " + ", ".join(map(str, answer.other_seasons)))
    lines.append(freshness_words(answer.freshness))
    return "\n".join(line for line in lines if line)


def no_matches_words(answer: ResultAnswer) -> str:
    """What an empty list of matches means."""
    if answer.opponent:
        where = f" in {answer.season}" if answer.season else ""
        return f"These clubs have never met{where} in the records."
    return f"No matches in {answer.season}."


def club_lines(answer: TeamAnswer) -> list[str]:
    """A club card (or what the name may mean) as lines of text, shared by the text and embed renderers."""
    if answer.card is None:
        if answer.ambiguous:
            return [
                f"'{answer.query}' could be several clubs:",
                *(f"  - {name}" for name in answer.candidates),
            ]
        return [not_found_words(answer.query, answer.candidates)]
    card = answer.card
    lines: list[str] = []
    if answer.entered_season is False:
        years = ", ".join(str(s.season) for s in card.seasons) or "none"
        lines.append(f"did not enter the {answer.season} qualification (seasons it played: {years})")
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


def tie_words(match: RoundMatch, when_words: When = plain_when) -> str:
    """A tie in one line, home first: 'A (L) 2-1 B (L)', with how it was decided and who went through."""
    home = side_words(match.home, match.home_from_fixture, match.home_league)
    away = side_words(match.away, match.away_from_fixture, match.away_league)
    undated = match.status == "played" and match.date is None and match.kickoff is None
    when = "date not given" if undated else when_words(match.date, match.kickoff)
    if match.status != "played":
        venue = f" at {match.venue}" if match.venue else ""
        return f"{when}: {home} v {away} — {match.status}{venue}"
    if match.decided_by == "forfeit":
        return f"{when}: {home} v {away} — {match.winner} won by forfeit"
    score = f"{match.home_score}-{match.away_score}" + (" a.e.t." if match.extra_time else "")
    if match.decided_by == "penalties":
        shootout = "score unknown" if match.penalties in (None, "unknown") else match.penalties
        if match.winner is None:
            return (
                f"{when}: {home} {score} {away} — on penalties ({shootout}): the source does not say who won"
            )
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
    for section, count in answer.not_named.items():
        if f"{section}_teams" not in answer.stated:
            lines.append(f"{section}: the source counts {counted(count, 'more club')} and does not name them")
    return lines


def qualifiers_headline(answer: QualifiersAnswer) -> str:
    """How many clubs are through, saying out loud how many more the source counts without naming."""
    named = counted(len(answer.qualifiers), "club")
    if not answer.not_named_total:
        return f"{answer.season} — {named} through to the tournament proper"
    return (
        f"{answer.season} — {named} named as through to the tournament proper, and "
        f"{answer.not_named_total} more that the source counts but does not name"
    )


@render_text.register
def _(answer: QualifiersAnswer) -> str:
    lines = [qualifiers_headline(answer)]
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
    lines = [f"{answer.season} — {counted(answer.clubs, 'club')}"]
    for heading, items in stats_sections(answer):
        lines += [f"{heading}:", *(f"  {item}" for item in items)]
    return "\n".join(lines)


_MARKS = {True: "✔ passed", False: "✘ failed", None: "? cannot tell"}


def eligibility_lines(answer: EligibleAnswer) -> tuple[str, list[str]]:
    """The headline, and a line per rule (mark, rule, why, how to fix), shared by text and embeds.

    For a named team the headline keeps two questions apart: was it eligible to enter the season, and did it
    qualify. Its route follows, then only the rules that decide its case; the others are one option away.
    """
    lines = []
    if answer.form == "team":
        verdict = {True: "eligible", False: "not eligible", None: "cannot tell if eligible"}[answer.eligible]
        outcomes = {
            "qualified": "qualified for the proper",
            "eliminated": f"did not qualify: {answer.standing}",
        }
        outcome = outcomes.get(answer.status, answer.standing)
        head = f"{answer.team}: {verdict} for the {answer.season} U.S. Open Cup — {outcome}"
        if answer.route:
            start = f", from round {answer.entry_round}" if answer.entry_round and not answer.berth else ""
            lines.append(f"route: {answer.route}" + (f": {answer.berth}" if answer.berth else "") + start)
    else:
        verdict = {True: "eligible", False: "not eligible", None: "cannot tell yet"}[answer.eligible]
        who = {"club": "this club", "league": "this league as a national league"}[answer.form]
        head = f"{who}: {verdict} for the {answer.season} U.S. Open Cup"
    said: set[str] = set()  # what a club's entry shows, shared by the rules it settles, is said once
    for check in answer.checks:
        mark = _MARKS[check.passed]
        if check.passed is None:
            mark = {"ongoing": "• kept over time", "conditional": "• if it applies"}.get(check.kind, mark)
        lines.append(f"{mark} [{check.rule}] {check.text}")
        if check.detail and not (check.settled_by_entry and check.detail in said):
            lines.append(f"    {check.detail}")
            said.add(check.detail)
        if check.fix:
            lines.append(f"    to fix: {check.fix}")
    if answer.omitted:
        lines.append(
            f"not listed ({counted(len(answer.omitted), 'rule')}): for other routes or only some clubs, "
            "kept over time, or not stated; /eligible club lists every rule"
        )
    if answer.deadlines and not (answer.form == "team" and answer.eligible):
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


def help_lines(answer: HelpAnswer) -> list[str]:
    """Every command with an example; for one command, each option with its limits too."""
    if answer.command is None:
        return [f"/{c.name} — {c.description}\n    e.g. {c.example}" for c in answer.commands]
    [line] = answer.commands
    lines = [f"/{line.name} — {line.description}"]
    for option in line.options:
        need = "required" if option.required else "optional"
        lines.append(f"  {option.name} ({need}): {option.description}; {option.limits}")
    lines.append(f"e.g. {line.example}")
    return lines


@render_text.register
def _(answer: HelpAnswer) -> str:
    return "\n".join(help_lines(answer))


def render_error(error: AnswerError) -> str:
    """A question that could not be answered, as text."""
    if error.candidates:
        return f"{error.message}\n" + "\n".join(f"  - {name}" for name in error.candidates)
    return error.message


def fixture_words(view: FixtureView) -> str:
    """A tie with its number, round and season, for a writing command's preview."""
    return f"#{view.number} · {view.season} round {view.round} · {tie_words(view)}"


@render_text.register
def _(answer: WriteAnswer) -> str:
    lines = [
        "applied" + (f" as revision {answer.revision}" if answer.revision else "")
        if answer.applied
        else f"preview (nothing changed yet) — {answer.confirm}"
    ]
    if answer.before is not None:
        lines.append("before: " + fixture_words(answer.before))
    if answer.fixture is not None:
        lines.append("after:  " + fixture_words(answer.fixture))
    lines += [f"  → {effect}" for effect in answer.effects]
    lines.append(f"by {answer.actor}")
    return "\n".join(lines)


@render_text.register
def _(answer: HistoryAnswer) -> str:
    if not answer.revisions:
        return "No changes by moderators yet."
    return "\n".join(
        f"#{line.id} · {line.at:%Y-%m-%d %H:%M} · {line.actor} · "
        + (f"fixture {line.fixture}: " if line.fixture is not None else "")
        + line.change
        + (f" — {line.why}" if line.why else "")
        for line in answer.revisions
    )
