"""The tables of a season article: the schedule, the clubs by state and league, the national-league tracks.

Each function reads one section's lines and returns what it holds, with the messages of what it could not
read; the reader turns those into findings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_TABLE_ROW = re.compile(r"^\|(.*)\|\s*$")
TEAM_WITH_TAG = re.compile(r"^(?P<name>.+?)\s*\((?P<tag>[^()]+)\)$")
_STATED_TEAMS = re.compile(r"\((?P<count>\d+) teams\)")


def cells(line: str) -> list[str] | None:
    """The cells of a table row, None for any other line (and for a header's rule line)."""
    row = _TABLE_ROW.match(line)
    if not row:
        return None
    found = [cell.strip() for cell in row.group(1).split("|")]
    if all(re.fullmatch(r":?-*:?", cell) for cell in found):
        return None
    return found


def initials(league_name: str) -> str:
    """'Premier Development League' → 'PDL'."""
    return "".join(word[0] for word in league_name.split() if word[:1].isupper())


@dataclass
class ScheduleRow:
    """One row of the schedule table."""

    round_text: str
    dates: str | None
    new_teams: int | None
    entrants: int | None
    line: str


def schedule_rows(lines: list[str]) -> list[ScheduleRow]:
    """The rows of a schedule table: round, match day, new teams, entrants."""
    header: list[str] | None = None
    rows: list[ScheduleRow] = []
    for line in lines:
        found = cells(line)
        if found is None:
            continue
        if header is None:
            header = [cell.lower() for cell in found]
            continue
        row = dict(zip(header, found, strict=False))
        new, entrants = row.get("new teams", ""), row.get("entrants", "")
        rows.append(
            ScheduleRow(
                round_text=row.get("round", ""),
                dates=row.get("match day"),
                new_teams=int(new) if new.isdigit() else None,
                entrants=int(entrants) if entrants.isdigit() else None,
                line=line,
            )
        )
    return rows


@dataclass
class StateTable:
    """The table of clubs by state and league: who plays in which league (and state, where it says)."""

    states: int | None = None
    leagues: dict[str, list[str]] = field(default_factory=dict)
    club_states: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def state_table(lines: list[str], prose: str) -> StateTable:
    """Read the clubs-by-state-and-league table; rows it cannot read are problems, not silence."""
    table = StateTable()
    states = re.search(r"total of (\d+) states", prose)
    if states:
        table.states = int(states.group(1))
    state = ""
    unreadable = 0
    for line in lines:
        found = cells(line)
        if found is None or len(found) < 3:
            continue
        first, second, third = found[0], found[1], found[2]
        if second.lower() == "states":
            continue
        if third.isdigit():
            state = second
            if not second:
                unreadable += 1
            continue
        if first.isdigit() and second and third:
            teams = [name.strip() for name in third.split(",") if name.strip()]
            table.leagues.setdefault(second, []).extend(teams)
            if len(teams) != int(first):
                table.problems.append(
                    f"state/league table: '{second}' says {first} teams but names {len(teams)}"
                )
            for team in teams:
                if state:
                    table.club_states[team] = state
            continue
        table.problems.append(f"state/league table: row cannot be read: {line}")
    if unreadable:
        table.problems.append(
            f"state/league table: {unreadable} state names are missing, so clubs' states are unknown"
        )
    return table


@dataclass
class NationalEntry:
    """A club of a national league's track, with its group (division winners, at-large, playoffs)."""

    name: str
    group: str
    division: str
    state: str


@dataclass
class NationalLeague:
    """A national league's section: its name, what it states, and its clubs."""

    name: str
    abbreviation: str
    stated: dict[str, int] = field(default_factory=dict)
    entries: list[NationalEntry] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def national_league(heading: str, lines: list[str], prose: str) -> NationalLeague:
    """Read a national league's section: division winners and at-large berths, as tables or lists."""
    name = re.sub(r"\s*\(.*?\)\s*", "", heading).strip()
    league = NationalLeague(name=name, abbreviation=initials(name))
    stated = _STATED_TEAMS.search(heading)
    if stated:
        league.stated["teams"] = int(stated.group("count"))
    lower = prose.lower()
    for pattern, label in (
        (r"(\w+) division winners", "division_winners"),
        (r"(\w+) at[- ]large", "at_large"),
    ):
        found = re.search(pattern, lower)
        count = _number(found.group(1)) if found else None
        if count is not None:
            league.stated[label] = count
    group = ""
    header: list[str] | None = None
    for line in lines:
        found_cells = cells(line)
        if found_cells is not None:
            if found_cells[0] and not any(found_cells[1:]):
                group, header = found_cells[0], None
            elif header is None:
                header = [cell.lower() for cell in found_cells]
            else:
                row = dict(zip(header, found_cells, strict=False))
                division = next((value for key, value in row.items() if "division" in key), "")
                league.entries.append(
                    NationalEntry(row.get("club", ""), group, division, row.get("state", ""))
                )
            continue
        bullet = re.match(r"^-\s+(.+)$", line)
        if bullet:
            tagged = TEAM_WITH_TAG.match(bullet.group(1).strip())
            club, state = (tagged.group("name"), tagged.group("tag")) if tagged else (bullet.group(1), "")
            league.entries.append(NationalEntry(club.strip(), group, "", state))
        elif line and not line.endswith(".") and len(line.split()) <= 4:
            group = line
        elif line and not line.endswith("."):
            league.problems.append(f"{name}: line not understood: {line}")
    return league


def berth(league: str, group: str, division: str) -> str:
    """How a national-league club earned its place, in words: 'PDL Great Lakes division winner'."""
    words = group.lower()
    if "winner" in words:
        return f"{league} {division} division winner" if division else f"{league} division winner"
    if "large" in words:
        return f"{league} at-large berth"
    if "playoff" in words:
        return f"{league} playoff berth"
    return f"{league} {group}".strip()


_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
}  # fmt: skip


def _number(word: str) -> int | None:
    word = word.lower().strip()
    return int(word) if word.isdigit() else _NUMBER_WORDS.get(word)
