"""Answers as plain text, for the console (and any medium without embeds)."""

from __future__ import annotations

from functools import singledispatch

from pydantic import BaseModel

from bot.answers.errors import AnswerError
from bot.answers.models import Freshness, MatchLine, PathAnswer, ResultAnswer, TeamAnswer

_HOW = {
    "regulation": "",
    "extra_time": " a.e.t.",
    "forfeit": " by forfeit",
    "walkover": " by walkover",
    "abandoned": " (abandoned)",
    "annulled": " (annulled)",
    "replayed": " (replayed)",
}


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


def match_words(line: MatchLine) -> str:
    """One tie in a line: round, date, venue, opponent and outcome."""
    when = line.date.strftime("%b %-d, %Y") if line.date else "date unknown"
    where = "home" if line.home else "away"
    outcome = {True: "W", False: "L", None: "-"}[line.won]
    league = f" ({line.opponent_league})" if line.opponent_league else ""
    return f"{line.round_name} · {when} · {outcome} v {line.opponent}{league} ({where}) {score_words(line)}"


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
    if answer.next_fixture:
        return f"alive: next {match_words(answer.next_fixture)}"
    return "alive: awaiting the draw"


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


def render_error(error: AnswerError) -> str:
    """A question that could not be answered, as text."""
    if error.candidates:
        return f"{error.message}\n" + "\n".join(f"  - {name}" for name in error.candidates)
    return error.message
