"""Imports into the store, and their undo: a file's rows matched to the store, then written as one batch.

`plan_import` matches an `Upload` (bot.seasons.upload) to the store's model without writing: each club's
name to a club (a spelling the records hold, compared without case, accents or punctuation; anything else
is a new club, with the clubs the team index proposes), each line to a fixture (by number, or by its two
clubs), and says what would change. `apply_import` writes that plan in one transaction: the season if it
is new, the new clubs, entries, rounds, fixtures, results, sides that follow from results ("winner of
fixture N"), byes; every change a `Revision` sharing one `batch`, and one store version for the whole.

The rules a moderator relies on:
- A result already in the store (a tie played, abandoned or annulled) is never replaced unless the import
  is told to overwrite: it is reported as a conflict and kept. A line without a result never changes a tie
  that has one.
- A line's two clubs must be the tie's two clubs; a side that is "winner of fixture N" must be that
  winner. A line that says otherwise is not understood, and nothing is applied while any line is not.
- An import's revisions name their fixture by season and number, not by row id, so that taking a tie back
  (an undo) deletes its row and keeps every revision.

`undo_batch` takes a whole batch back as one new batch of revisions: results and entries it changed are
put back; fixtures, entries, byes, spellings and clubs it created are removed. It refuses, saying why,
when anything done since depends on the batch: a later change to one of its ties, entries or byes (unless
that change was itself an import undone since), a tie drawn since on "winner of" one of its ties, a club
it entered that plays a tie it did not draw. A season the batch started stays (empty): a season's
revisions belong to it, and revisions are never deleted.
"""

from __future__ import annotations

import datetime as dt
import io
import secrets
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import delete, func, or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.names import AliasRule, fold, normalise
from bot.seasons.check import check_season, result_problem
from bot.seasons.datafiles import render_season
from bot.seasons.facts import DecidedBy, FixtureStatus, RoundFacts, Track
from bot.seasons.outcome import BadResult, settle_stored
from bot.seasons.upload import FixtureRow, LineProblem, Upload
from bot.store.export import season_facts
from bot.store.loader import as_utc
from bot.store.model import SeasonSnapshot, StoreModel
from bot.store.models import (
    Bye,
    Entry,
    Fixture,
    Follow,
    League,
    Revision,
    Round,
    Season,
    Team,
    TeamAlias,
    stored_id,
    utcnow,
)
from bot.store.version import bump_version
from bot.store.writes import WriteRefused

# The fields of a fixture an import may set, as its revisions keep them (with who entered it, and when).
FIELDS = (
    "round", "date", "kickoff", "home_id", "away_id", "home_from_fixture", "away_from_fixture",
    "home_league", "away_league", "home_score", "away_score", "extra_time", "penalties", "decided_by",
    "winner_id", "status", "venue", "note", "source_line",
)  # fmt: skip
KEPT = (*FIELDS, "entered_by", "entered_at")
ENTRY_FIELDS = ("name_in_season", "league", "state", "track", "entry_round", "berth", "qualified_by")
NO_RESULT = (FixtureStatus.SCHEDULED, FixtureStatus.POSTPONED)  # how a tie stands before it has a result
UNDONE = "-undo"  # the batch of an undo is the batch it takes back, with this after it
_SIDES = ("home", "away")
_CLUB_FIELDS = ("home_id", "away_id", "winner_id")
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # every file of a zip dated alike, so a season zips to the same bytes


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, DecidedBy | FixtureStatus | Track):
        return value.value
    return value


def has_result(status: FixtureStatus | str | None) -> bool:
    """Whether a tie in this status has a result a moderator (or data/) entered: played, abandoned, …."""
    return status is not None and FixtureStatus(status) not in NO_RESULT


def result_words(values: dict[str, Any], names: dict[int, str] | None = None) -> str:
    """How a tie stands, in a few words: '2-1 a.e.t.', '1-1 (4-3 pens)', 'X by forfeit', 'scheduled'."""
    status = values.get("status")
    if status is None or FixtureStatus(status) != FixtureStatus.PLAYED:
        return FixtureStatus(status).value if status is not None else "no result"
    winner = values.get("winner_id")
    if values.get("decided_by") in (DecidedBy.FORFEIT, DecidedBy.WALKOVER, "forfeit", "walkover"):
        who = (names or {}).get(winner, "the winner") if isinstance(winner, int) else "the winner"
        return f"{who} by forfeit"
    if values.get("home_score") is None:
        return "played, no score"
    words = f"{values['home_score']}-{values['away_score']}"
    words += " a.e.t." if values.get("extra_time") else ""
    pens = values.get("penalties")
    return words + (f" ({pens} pens)" if pens not in (None, "unknown") else " (pens)" if pens else "")


@dataclass
class NewClub:
    """A name the records do not hold: a club the import would add, with the clubs it may be instead."""

    ref: int  # negative: stands for the club until it is written
    name: str
    line: int | None
    proposals: list[str] = field(default_factory=list)


@dataclass
class EntryPlan:
    """An entry the import adds (before None) or changes, and spellings it adds for the club."""

    ref: int
    values: dict[str, Any]  # ENTRY_FIELDS
    line: int | None
    before: dict[str, Any] | None = None
    aliases: list[str] = field(default_factory=list)
    from_teams: bool = False  # made from a teams line (not only because a tie or a bye names the club)


@dataclass
class FixturePlan:
    """A fixture the import adds (stored None) or changes, with the values it will hold."""

    number: int
    values: dict[str, Any]  # FIELDS; clubs as refs
    line: int | None = None
    stored: Fixture | None = None
    row: FixtureRow | None = None  # the line it comes from (None: only a side that follows a result)
    winner_named: int | None = None  # the club the line names as winner (a ref), if it names one
    home_named: int | None = None  # the clubs the line names for its sides (refs), if it names them
    away_named: int | None = None
    filled: list[str] = field(default_factory=list)  # sides that follow from results
    conflict: Conflict | None = None


@dataclass
class Conflict:
    """A line whose result differs from the one the store holds."""

    number: int
    line: int | None
    home: str | None
    away: str | None
    store: str
    file: str
    entered_by: str
    entered_at: dt.datetime | None
    overwritten: bool


@dataclass
class ByePlan:
    """A bye the import adds."""

    ref: int
    round: int
    source: str
    line: int | None


@dataclass
class ImportPlan:
    """What an import would do to the store; nothing of it is written until `apply_import`."""

    upload: Upload
    year: int
    view: SeasonSnapshot | None  # the season as the store holds it (None: a new season)
    names: dict[int, str] = field(default_factory=dict)  # ref → the club as this import writes it
    new_clubs: list[NewClub] = field(default_factory=list)
    entries: dict[int, EntryPlan] = field(default_factory=dict)
    fixtures: dict[int, FixturePlan] = field(default_factory=dict)
    byes: list[ByePlan] = field(default_factory=list)
    rounds: list[RoundFacts] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    unchanged: int = 0  # lines that change nothing
    kept: int = 0  # lines without a result, on ties that have one
    problems: list[LineProblem] = field(default_factory=list)

    @property
    def new_season(self) -> bool:
        """Whether the import starts the season."""
        return self.view is None

    def changes(self) -> int:
        """How many things the import would write (0: it would change nothing)."""
        return (
            int(self.new_season) + len(self.entries) + len(self.fixtures) + len(self.byes) + len(self.rounds)
        )

    def count(self) -> dict[str, int]:
        """The changes by what they are, as a report gives them."""
        fixtures = list(self.fixtures.values())
        results = [
            f
            for f in fixtures
            if f.stored is not None
            and f.row is not None
            and f.row.carries_result
            and has_result(f.values["status"])
        ]
        return {
            "entries_added": sum(1 for e in self.entries.values() if e.before is None),
            "entries_changed": sum(1 for e in self.entries.values() if e.before is not None),
            "fixtures_added": sum(1 for f in fixtures if f.stored is None),
            "results": len(results),
            "fixtures_changed": sum(
                1 for f in fixtures if f.stored is not None and f.row is not None and f not in results
            ),
            "sides_filled": sum(len(f.filled) for f in fixtures),
            "byes_added": len(self.byes),
            "rounds_added": len(self.rounds),
        }


class _Ambiguous(Exception):
    """A name the records write for several clubs."""

    def __init__(self, name: str, clubs: list[str]) -> None:
        super().__init__(
            f"{name} is how the records write several clubs ({', '.join(clubs[:4])}): write the one you "
            "mean as the records name it."
        )


class _Clubs:
    """The clubs an import's names stand for: a spelling the records hold, or a new club (a negative ref)."""

    def __init__(
        self, model: StoreModel, view: SeasonSnapshot | None, plan: ImportPlan, rules: Sequence[AliasRule]
    ) -> None:
        self.model, self.plan = model, plan
        # data/aliases.csv: each rule says two spellings are one club (in its season, or in any)
        self.curated: dict[str, set[str]] = {}
        for rule in rules:
            if rule.season in (None, plan.year):
                alias, target = fold(rule.alias), fold(rule.target)
                self.curated.setdefault(alias, set()).add(target)
                self.curated.setdefault(target, set()).add(alias)
        self.spellings: dict[str, set[int]] = {}
        for team_id, team in model.teams.items():
            self.spellings.setdefault(fold(team.name), set()).add(team_id)
        for team_id, names in model.aliases.items():
            for name in names:
                self.spellings.setdefault(fold(name), set()).add(team_id)
        self.in_season = {fold(e.name_in_season): t for t, e in view.entries.items()} if view else {}
        self.new: dict[str, NewClub] = {}
        if view is not None:
            plan.names.update({team_id: view.name(team_id) or "" for team_id in view.entries})

    def known(self, name: str, also: Sequence[str] = ()) -> int | None:
        """The one club in the records written `name` (or one of `also`), else None."""
        spellings = [fold(spelling) for spelling in (name, *also)]
        spellings += [partner for key in spellings for partner in sorted(self.curated.get(key, ()))]
        for key in spellings:
            if key in self.in_season:
                return self.in_season[key]
        for key in spellings:
            found = self.spellings.get(key, set())
            if len(found) > 1:  # a club called so beats one that was once written so
                named = {team_id for team_id in found if fold(self.model.teams[team_id].name) == key}
                found = named if len(named) == 1 else found
            if len(found) == 1:
                return next(iter(found))
            if found:
                raise _Ambiguous(name, sorted(self.model.teams[team_id].name for team_id in found))
        if fold(name) in self.new:
            return self.new[fold(name)].ref
        return None

    def resolve(self, name: str, line: int | None, also: Sequence[str] = ()) -> int:
        """The club `name` stands for; a name the records do not hold is a new club (once per spelling)."""
        found = self.known(name, also)
        if found is not None:
            self.plan.names.setdefault(found, name)
            return found
        club = NewClub(ref=-(len(self.new) + 1), name=name, line=line, proposals=self._proposals(name))
        self.new[fold(name)] = club
        self.plan.new_clubs.append(club)
        self.plan.names[club.ref] = name
        return club.ref

    def _proposals(self, name: str) -> list[str]:
        found = self.model.index.match(name)
        ranked = [found.team] if found.team else found.candidates or found.suggestions
        return ranked[:5]

    def spelled(self, ref: int) -> set[str]:
        """Every spelling the records hold for club `ref`, exactly as written."""
        if ref < 0:
            return set()
        return {self.model.teams[ref].name, *self.model.aliases.get(ref, ())}


def _values(fixture: Fixture) -> dict[str, Any]:
    """A stored fixture's FIELDS (times as aware UTC: SQLite hands them back naive)."""
    values = {name: getattr(fixture, name) for name in FIELDS}
    values["kickoff"] = as_utc(values["kickoff"])
    return values


def _blank(number_round: int) -> dict[str, Any]:
    """A new tie's values before its line's are put in."""
    return {
        "round": number_round,
        "date": None,
        "kickoff": None,
        "home_id": None,
        "away_id": None,
        "home_from_fixture": None,
        "away_from_fixture": None,
        "home_league": "",
        "away_league": "",
        "home_score": None,
        "away_score": None,
        "extra_time": False,
        "penalties": None,
        "decided_by": None,
        "winner_id": None,
        "status": FixtureStatus.SCHEDULED,
        "venue": "",
        "note": "",
        "source_line": "",
    }


def plan_import(
    model: StoreModel, upload: Upload, *, overwrite: bool = False, aliases: Sequence[AliasRule] = ()
) -> ImportPlan:
    """Match `upload` to the store's `model` and say what importing it would change; writes nothing.

    `aliases` are data/'s curated spellings: a name one of them joins to a club of the records is that club.
    """
    view = model.seasons.get(upload.year)
    plan = ImportPlan(upload=upload, year=upload.year, view=view, problems=list(upload.problems))
    clubs = _Clubs(model, view, plan, aliases)
    _plan_teams(plan, clubs)
    _plan_fixtures(plan, clubs, overwrite=overwrite)
    _plan_byes(plan, clubs)
    held = set(view.rounds) if view is not None else set()
    used = {f.values["round"] for f in plan.fixtures.values()} | {bye.round for bye in plan.byes}
    listed = {item.number: item for item in upload.rounds()}
    wanted = set(listed) if upload.kind == "season" else used
    plan.rounds = [
        listed.get(number, RoundFacts(number=number, name=f"Round {number}"))
        for number in sorted(wanted - held)
    ]
    return plan


def _entry_of(plan: ImportPlan, ref: int) -> dict[str, Any] | None:
    if ref in plan.entries:
        return plan.entries[ref].values
    if plan.view is not None and ref in plan.view.entries:
        entry = plan.view.entries[ref]
        return {name: getattr(entry, name) for name in ENTRY_FIELDS}
    return None


def _ensure_entry(plan: ImportPlan, ref: int, *, round_number: int, league: str, line: int | None) -> None:
    """Enter a club a tie or a bye names into the season, from the round it first plays (local track)."""
    planned = plan.entries.get(ref)
    if planned is not None:
        if planned.before is None and not planned.from_teams:
            current = planned.values["entry_round"]
            planned.values["entry_round"] = min(current, round_number) if current else round_number
            planned.values["league"] = planned.values["league"] or league
        return
    if _entry_of(plan, ref) is not None:
        return
    plan.entries[ref] = EntryPlan(
        ref=ref,
        line=line,
        values={
            "name_in_season": plan.names[ref],
            "league": league,
            "state": "",
            "track": Track.LOCAL,
            "entry_round": round_number,
            "berth": "",
            "qualified_by": "",
        },
    )


def _plan_teams(plan: ImportPlan, clubs: _Clubs) -> None:
    seen: dict[int, int | None] = {}
    for row in plan.upload.teams:
        try:
            ref = clubs.resolve(row.name, row.line, row.also_written or ())
        except _Ambiguous as ambiguous:
            plan.problems.append(LineProblem(line=row.line, why=str(ambiguous)))
            continue
        if ref in seen:
            where = f" (line {seen[ref]})" if seen[ref] is not None else ""
            plan.problems.append(
                LineProblem(
                    line=row.line,
                    why=f"{row.name} is a club listed already{where}: keep one line per club.",
                )
            )
            continue
        seen[ref] = row.line
        known = clubs.spelled(ref)
        aliases = [s for s in row.also_written or () if s not in known and s != row.name]
        current = _entry_of(plan, ref)
        if current is None:
            values = {
                "name_in_season": row.name,
                "league": "",
                "state": "",
                "track": Track.LOCAL,
                "entry_round": None,
                "berth": "",
                "qualified_by": "",
                **row.values,
            }
            plan.entries[ref] = EntryPlan(
                ref=ref, values=values, line=row.line, aliases=aliases, from_teams=True
            )
            continue
        wanted = {**current, **row.values, "name_in_season": row.name}
        if wanted == current and not aliases:
            plan.unchanged += 1
            continue
        plan.entries[ref] = EntryPlan(
            ref=ref, values=wanted, line=row.line, before=current, aliases=aliases, from_teams=True
        )


def _plan_byes(plan: ImportPlan, clubs: _Clubs) -> None:
    held = {(bye.round, bye.team_id) for bye in plan.view.byes} if plan.view is not None else set()
    seen: set[tuple[int, int]] = set()
    for row in plan.upload.byes:
        try:
            ref = clubs.resolve(row.team, row.line)
        except _Ambiguous as ambiguous:
            plan.problems.append(LineProblem(line=row.line, why=str(ambiguous)))
            continue
        key = (row.round, ref)
        if key in seen:
            plan.problems.append(
                LineProblem(line=row.line, why=f"the round-{row.round} bye of {row.team} is listed twice.")
            )
            continue
        seen.add(key)
        if key in held:
            plan.unchanged += 1
            continue
        _ensure_entry(plan, ref, round_number=row.round + 1, league="", line=row.line)
        plan.byes.append(ByePlan(ref=ref, round=row.round, source=row.source, line=row.line))


def _winner_ref(clubs: _Clubs, row: FixtureRow, home: int | None, away: int | None) -> int | None:
    """The club the line names as winner: one of its sides as written, or a club of the records.

    None when it names none, or names a side by the word 'home' or 'away' (settled with the sides).
    """
    if row.winner is None or row.winner.lower() in _SIDES:
        return None
    for side, ref in ((row.home, home), (row.away, away)):
        if side is not None and fold(side) == fold(row.winner):
            return ref
    found = clubs.known(row.winner)
    return found if found is not None else 0  # 0: no club at all (never a side)


def _plan_fixtures(plan: ImportPlan, clubs: _Clubs, *, overwrite: bool) -> None:
    view = plan.view
    stored = dict(view.by_number) if view is not None else {}
    numbers_given = {row.number for row in plan.upload.fixtures if row.number is not None}
    next_number = max(set(stored) | numbers_given, default=0) + 1
    candidates: dict[int, FixturePlan] = {}
    lines: dict[int, int | None] = {}
    for row in plan.upload.fixtures:

        def problem(why: str, row: FixtureRow = row) -> None:
            plan.problems.append(LineProblem(line=row.line, why=why))

        try:
            home = clubs.resolve(row.home, row.line) if row.home is not None else None
            away = clubs.resolve(row.away, row.line) if row.away is not None else None
            winner_named = _winner_ref(clubs, row, home, away)
        except _Ambiguous as ambiguous:
            problem(str(ambiguous))
            continue
        tie: Fixture | None = None
        if row.number is not None:
            tie = stored.get(row.number)
        elif home is not None and away is not None:
            tie = next(
                (
                    f
                    for f in stored.values()
                    if f.home_id == home and f.away_id == away and row.round in (None, f.round)
                ),
                None,
            )
        number = tie.number if tie is not None else row.number
        if number is not None and number in lines:
            where = f" on line {lines[number]}" if lines[number] is not None else ""
            problem(f"fixture {number} is in the file already{where}: keep one line per tie.")
            continue
        if tie is None:
            if row.round is None:
                problem("it is a tie the records do not hold, and a new tie needs its round.")
                continue
            if home is not None and home == away:
                problem(f"{row.home} cannot play itself: name two different clubs.")
                continue
            missing = [
                side
                for side, ref in (("home", home), ("away", away))
                if ref is None and row.values.get(f"{side}_from_fixture") is None
            ]
            if missing:
                problem(
                    f"fixture {row.number} is not in the records, and a new tie needs its "
                    f"{missing[0]} side (a club, or {missing[0]}_from_fixture for 'winner of fixture N')."
                )
                continue
            if number is None:
                number, next_number = next_number, next_number + 1
            values = _blank(row.round)
            values.update({key: value for key, value in row.values.items()})
            values.update({"home_id": home, "away_id": away})
            for side, ref in (("home", home), ("away", away)):
                if ref is not None:
                    _ensure_entry(
                        plan, ref, round_number=row.round, league=values[f"{side}_league"], line=row.line
                    )
        else:
            values = _values(tie)
            wrong = [
                side
                for side, ref in (("home", home), ("away", away))
                if ref is not None and getattr(tie, f"{side}_id") not in (None, ref)
            ]
            moved = [
                side
                for side in _SIDES
                if f"{side}_from_fixture" in row.values
                and row.values[f"{side}_from_fixture"] != getattr(tie, f"{side}_from_fixture")
            ]
            if wrong or moved or (row.round is not None and row.round != tie.round):
                held = f"{plan.names.get(tie.home_id or 0) or _pending(tie, 'home')} v " + (
                    plan.names.get(tie.away_id or 0) or _pending(tie, "away")
                )
                problem(
                    f"fixture {tie.number} is {held} in round {tie.round} in the records, and the line "
                    "says otherwise: correct the line, or redraw the tie with /fixture."
                )
                continue
            if not row.carries_result and has_result(tie.status):
                plan.kept += 1  # a line of the draw does not touch a tie that has its result
                lines[tie.number] = row.line
                continue
            values.update(row.values)
        assert number is not None  # a new tie was given the next free number
        lines[number] = row.line
        candidates[number] = FixturePlan(
            number=number,
            values=values,
            line=row.line,
            stored=tie,
            row=row,
            winner_named=winner_named,
            home_named=home,
            away_named=away,
        )
    _settle(plan, stored, candidates, overwrite=overwrite)


def _pending(fixture: Fixture, side: str) -> str:
    feeder = getattr(fixture, f"{side}_from_fixture")
    return f"the winner of fixture {feeder}" if feeder is not None else "?"


def _settle(
    plan: ImportPlan, stored: dict[int, Fixture], candidates: dict[int, FixturePlan], *, overwrite: bool
) -> None:
    """Round by round: sides that follow from results, each result settled by the rule, what changes."""
    every = {number: _values(fixture) for number, fixture in stored.items()}
    every.update({number: plan_.values for number, plan_ in candidates.items()})
    winners = {number: values["winner_id"] for number, values in every.items()}
    for number in sorted(every, key=lambda n: (every[n]["round"], n)):
        values = every[number]
        tie = stored.get(number)
        candidate = candidates.get(number)
        line = candidate.line if candidate is not None else None
        trouble: list[str] = []
        filled: list[str] = []
        for side in _SIDES:
            feeder = values[f"{side}_from_fixture"]
            if feeder is None:
                continue
            if feeder not in every or every[feeder]["round"] >= values["round"]:
                if candidate is None or candidate.row is None:
                    continue  # the store's own draw: not this import's to judge
                trouble.append(f"its {side} side is the winner of fixture {feeder}, which is no earlier tie.")
                continue
            winner = winners.get(feeder)
            named = _named(candidate, side)
            if named is not None and named != winner:
                who = plan.names.get(winner, "not known yet") if winner is not None else "not known yet"
                trouble.append(
                    f"its {side} side is the winner of fixture {feeder}, who is {who}, "
                    f"not {getattr(candidate.row, side) if candidate and candidate.row else '?'}."
                )
                continue
            if winner is not None and values[f"{side}_id"] != winner:
                if tie is not None and has_result(tie.status) and values[f"{side}_id"] is not None:
                    feeder_line = candidates[feeder].line if feeder in candidates else None
                    plan.problems.append(
                        LineProblem(
                            line=feeder_line,
                            why=f"it changes who won fixture {feeder}, and fixture {number}, which that "
                            "winner went on to play, has its result already: correct that tie first.",
                        )
                    )
                    continue
                if candidate is None:  # a tie of the store whose side follows from this import's result
                    candidate = candidates[number] = FixturePlan(
                        number=number, values=dict(values), stored=tie
                    )
                    values = every[number] = candidate.values
                values[f"{side}_id"] = winner
                filled.append(side)
        if candidate is not None and candidate.row is not None and not trouble:
            trouble += _settle_result(plan, candidate)
        if trouble:
            plan.problems += [LineProblem(line=line, why=why) for why in trouble]
            candidates.pop(number, None)
            every[number] = _values(tie) if tie is not None else values
            winners[number] = every[number]["winner_id"]
            continue
        assert candidate is None or candidate.values is values
        if candidate is None:
            continue
        candidate.filled = filled
        before = _values(tie) if tie is not None else None
        if before is not None and before == values:
            if candidate.row is not None:
                plan.unchanged += 1
            candidates.pop(number)
            continue
        if (
            tie is not None
            and candidate.row is not None
            and candidate.row.carries_result
            and has_result(tie.status)
        ):
            conflict = Conflict(
                number=number,
                line=line,
                home=plan.names.get(tie.home_id or 0),
                away=plan.names.get(tie.away_id or 0),
                store=_differences(before or {}, values, plan.names, store=True),
                file=_differences(before or {}, values, plan.names, store=False),
                entered_by=tie.entered_by or "the importer",
                entered_at=tie.entered_at,
                overwritten=overwrite,
            )
            plan.conflicts.append(conflict)
            if not overwrite:
                candidates.pop(number)
                every[number] = _values(tie)
                winners[number] = tie.winner_id
                continue
            candidate.conflict = conflict
        winners[number] = values["winner_id"]
    plan.fixtures = dict(sorted(candidates.items()))


def _named(candidate: FixturePlan | None, side: str) -> int | None:
    """The club the line names for `side` (a ref), when the line names one."""
    if candidate is None:
        return None
    named: int | None = getattr(candidate, f"{side}_named")
    return named


def _differences(before: dict[str, Any], after: dict[str, Any], names: dict[int, str], *, store: bool) -> str:
    """A result as one side of a conflict gives it: its words, and any other field that differs."""
    state = before if store else after
    words = result_words(state, names)
    others = [
        name
        for name in FIELDS
        if name
        not in ("home_score", "away_score", "extra_time", "penalties", "decided_by", "winner_id", "status")
        and before.get(name) != after.get(name)
    ]
    extra = [f"{name} {_plain(state.get(name)) or '(none)'}" for name in others]
    return words + (f" ({', '.join(extra)})" if extra else "")


def _settle_result(plan: ImportPlan, candidate: FixturePlan) -> list[str]:
    """Settle a line's played result by the rule of /report, filling what it leaves blank; the troubles."""
    row = candidate.row
    values = candidate.values
    if row is None or not row.carries_result or values["status"] != FixtureStatus.PLAYED:
        if row is not None and row.carries_result and values["status"] != FixtureStatus.PLAYED:
            for name in ("home_score", "away_score", "winner_id", "penalties"):
                values[name] = None
            values["extra_time"] = False
        return []
    home, away = values["home_id"], values["away_id"]
    if home is None or away is None:
        missing = "home" if home is None else "away"
        return [f"fixture {candidate.number} is played, but its {missing} side is not known yet."]
    side: Literal["home", "away"] | None = None
    named = candidate.winner_named
    if row.winner is not None and row.winner.lower() in _SIDES:
        side = "home" if row.winner.lower() == "home" else "away"
        named = home if side == "home" else away
    elif row.winner is not None and named not in (home, away):
        return [f"its winner {row.winner} is neither side of the tie."]
    elif named is not None:
        side = "home" if named == home else "away"
    given = {name for name in ("decided_by", "penalties") if row.values.get(name) is not None}
    for name in {"decided_by", "penalties"} - given:
        values[name] = None  # left blank (or out): the rule fills it in
    try:
        outcome = settle_stored(
            home_score=values["home_score"],
            away_score=values["away_score"],
            extra_time=bool(values["extra_time"]),
            penalties=values["penalties"],
            decided_by=values["decided_by"],
            winner=side,
        )
    except BadResult as bad:
        return [f"fixture {candidate.number}: {bad}"]
    if outcome.winner is None:
        return [
            f"fixture {candidate.number} is level with no shoot-out score and no winner: "
            "write the winner (and the shoot-out score, if it is known)."
        ]
    if "decided_by" not in given:
        values["decided_by"] = outcome.decided_by
    if "penalties" not in given:
        values["penalties"] = outcome.penalties
    if named is None:
        values["winner_id"] = home if outcome.winner == "home" else away
    else:
        values["winner_id"] = named
    names = plan.names
    problem = result_problem(
        number=candidate.number,
        home=names.get(home),
        away=names.get(away),
        home_score=values["home_score"],
        away_score=values["away_score"],
        extra_time=bool(values["extra_time"]),
        penalties=values["penalties"],
        decided_by=DecidedBy(values["decided_by"]) if values["decided_by"] else None,
        winner=names.get(values["winner_id"]),
    )
    return [problem.replace(" is stored as ", " is written as ").rstrip(".") + "."] if problem else []


@dataclass
class Applied:
    """The revisions a batch made; `already` when the request had been applied before (nothing new)."""

    revisions: list[Revision]
    already: bool = False

    @property
    def batch(self) -> str | None:
        """The batch id."""
        return self.revisions[0].batch if self.revisions else None


def new_batch() -> str:
    """A fresh batch id: short enough to type (`python -m bot import-undo import-1a2b3c4d`)."""
    return f"import-{secrets.token_hex(4)}"


async def batch_of_request(session: AsyncSession, request: str | None) -> list[Revision]:
    """The revisions of the batch that `request` applied, oldest first (none: it was not applied)."""
    if request is None:
        return []
    first = (await session.exec(select(Revision).where(Revision.request == request))).first()
    if first is None or first.batch is None:
        return [first] if first is not None else []
    return await batch_revisions(session, first.batch)


async def batch_revisions(session: AsyncSession, batch: str) -> list[Revision]:
    """Every revision of `batch`, oldest first."""
    rows = await session.exec(select(Revision).where(Revision.batch == batch).order_by(col(Revision.id)))
    return list(rows.all())


def _snapshot(values: dict[str, Any], ids: dict[int, int], **more: Any) -> dict[str, Any]:
    """A fixture's values as a revision keeps them: JSON-ready, clubs by their ids in the store."""
    kept = {
        name: (_team(ids, value) if name in _CLUB_FIELDS else _plain(value))
        for name, value in values.items()
        if name in KEPT
    }
    return {**kept, **{name: _plain(value) for name, value in more.items()}}


def _team(ids: dict[int, int], ref: Any) -> int | None:
    if ref is None:
        return None
    return ids.get(ref, ref) if ref < 0 else int(ref)


def _stored(fixture: Fixture) -> dict[str, Any]:
    values = {name: getattr(fixture, name) for name in KEPT}
    values["kickoff"], values["entered_at"] = as_utc(values["kickoff"]), as_utc(values["entered_at"])
    return values


async def apply_import(
    *, session: AsyncSession, plan: ImportPlan, actor: str, request: str | None = None
) -> Applied:
    """Write `plan` in one transaction, every change a revision of one new batch; returns the revisions.

    The first revision carries `request`: the same request applied again (or at the same moment by another
    process) gives back the batch it applied instead of applying twice. A tie changed since the plan was
    made, or a season, club or number taken meanwhile, refuses the whole (`changed_meanwhile`).
    """
    done = await batch_of_request(session, request)
    if done:
        return Applied(done, already=True)
    batch = new_batch()
    now = utcnow()
    upload = plan.upload
    source = upload.filename.replace(";", ",")
    revisions: list[Revision] = []

    def revise(kind: str, season_id: int, why: str, **values: Any) -> None:
        revisions.append(
            Revision(season_id=season_id, kind=kind, actor=actor, at=now, why=why, batch=batch, **values)
        )

    try:
        if plan.view is None:
            facts = upload.season
            season = Season(
                year=plan.year,
                title=facts.title if facts else f"{plan.year} U.S. Open Cup qualification",
                source=facts.source if facts else f"{source} (imported by {actor})",
                imported_at=now,
                stated=dict(facts.stated) if facts else {},
                findings=[finding.model_dump() for finding in facts.findings] if facts else [],
            )
            session.add(season)
            await session.flush()
            season_id = stored_id(season)
            revise(
                "season",
                season_id,
                f"a new season, imported from {source}",
                before=None,
                after={"year": plan.year, "title": season.title},
            )
            for league in facts.leagues if facts else []:
                session.add(League(season_id=season_id, abbreviation=league.abbreviation, name=league.name))
        else:
            season_id = stored_id(plan.view.season)
        for item in plan.rounds:
            session.add(Round(season_id=season_id, **item.model_dump()))
        made = {club.ref: Team(name=club.name, key=normalise(club.name)) for club in plan.new_clubs}
        session.add_all(made.values())
        await session.flush()
        ids = {ref: stored_id(team) for ref, team in made.items()}
        for ref, entry in plan.entries.items():
            team_id = _team(ids, ref)
            assert team_id is not None
            for alias in entry.aliases:
                session.add(
                    TeamAlias(
                        team_id=team_id, alias=alias, key=normalise(alias), source=f"{plan.year} {source}"
                    )
                )
            shown = {name: _plain(value) for name, value in entry.values.items()}
            name = plan.names.get(ref, entry.values["name_in_season"])
            if entry.before is None:
                session.add(Entry(season_id=season_id, team_id=team_id, **entry.values))
                after = {
                    "team_id": team_id,
                    "team": name,
                    **shown,
                    "new_club": ref < 0,
                    "aliases": entry.aliases,
                }
                revise("entry", season_id, f"{name} enters the season (import)", before=None, after=after)
                continue
            await session.exec(
                update(Entry)
                .where(col(Entry.season_id) == season_id, col(Entry.team_id) == team_id)
                .values(**entry.values)
            )
            before = {"team_id": team_id, "team": name, **{k: _plain(v) for k, v in entry.before.items()}}
            after = {"team_id": team_id, "team": name, **shown}
            if entry.aliases:
                after["aliases"] = entry.aliases
            revise("entry", season_id, f"the entry of {name} (import)", before=before, after=after)
        for number, fixture in plan.fixtures.items():
            values = {
                name: _team(ids, value) if name in _CLUB_FIELDS else value
                for name, value in fixture.values.items()
            }
            stamp = {"entered_by": actor, "entered_at": now} if fixture.row is not None else {}
            why = _why(fixture)
            if fixture.stored is None:
                session.add(
                    Fixture.model_validate({"season_id": season_id, "number": number, **values, **stamp})
                )
                revise(
                    "fixture",
                    season_id,
                    why,
                    fixture_number=number,
                    before=None,
                    after=_snapshot({**values, **stamp}, ids),
                )
                continue
            tie = fixture.stored
            moved = await session.exec(
                update(Fixture)
                .where(col(Fixture.id) == tie.id, col(Fixture.version) == tie.version)
                .values(**values, **stamp, version=col(Fixture.version) + 1)
            )
            if moved.rowcount != 1:
                raise WriteRefused(
                    "changed_meanwhile",
                    f"Fixture {number} changed while the import was being checked: nothing was imported; "
                    "check the file again.",
                )
            before = _stored(tie)
            revise(
                "fixture",
                season_id,
                why,
                fixture_number=number,
                before=_snapshot(before, ids),
                after=_snapshot({**before, **values, **stamp}, ids),
            )
        for bye in plan.byes:
            team_id = _team(ids, bye.ref)
            assert team_id is not None
            session.add(Bye(season_id=season_id, round=bye.round, team_id=team_id, source=bye.source))
            name = plan.names.get(bye.ref, "")
            after = {"round": bye.round, "team": name, "team_id": team_id, "source": bye.source}
            revise("bye", season_id, "a bye (import)", before=None, after=after)
        await session.flush()
        await _commit_batch(session, revisions, request=request)
    except (WriteRefused, IntegrityError) as refused:
        return await _refused_batch(
            session,
            refused,
            request=request,
            conflict=(
                f"Someone changed the {plan.year} season while the import was being applied (a season, "
                "club, entry or fixture number taken meanwhile): nothing was imported; check the file again."
            ),
        )
    return Applied(revisions)


def _why(fixture: FixturePlan) -> str:
    if fixture.row is None:
        sides = " and ".join(fixture.filled)
        return f"its {sides} side follows from a result (import)"
    if fixture.stored is None:
        return "drawn (import)"
    if fixture.conflict is not None:
        return "result replaced (import, overwrite)"
    return "reported (import)" if fixture.row.carries_result else "changed (import)"


@dataclass
class UndoPlan:
    """What taking a batch back would do; refused (with `WriteRefused`) when something depends on it."""

    batch: str
    season_id: int
    revisions: list[Revision]
    effects: list[str] = field(default_factory=list)
    delete_fixtures: list[Fixture] = field(default_factory=list)
    restore_fixtures: list[tuple[Fixture, dict[str, Any], Revision]] = field(default_factory=list)
    delete_entries: list[tuple[Entry, Revision]] = field(default_factory=list)
    restore_entries: list[tuple[Entry, dict[str, Any], Revision]] = field(default_factory=list)
    delete_byes: list[tuple[Bye, Revision]] = field(default_factory=list)
    delete_aliases: list[tuple[int, str]] = field(default_factory=list)
    delete_clubs: list[int] = field(default_factory=list)
    created: dict[int, Revision] = field(default_factory=dict)  # fixture number → the revision that drew it
    season_started: bool = False


def _depends(message: str) -> WriteRefused:
    return WriteRefused("depends_on_later_result", message)


async def plan_undo(*, session: AsyncSession, batch: str) -> UndoPlan:
    """What undoing `batch` would do, read from the store now; raises `WriteRefused` when it cannot be."""
    revisions = await batch_revisions(session, batch)
    if not revisions:
        raise WriteRefused("not_found", f"There is no import batch '{batch[:40]}' in the records.")
    if batch.endswith(UNDONE):
        raise WriteRefused("bad_result", f"{batch} is itself the undo of an import: it cannot be undone.")
    if await batch_revisions(session, batch + UNDONE):
        raise WriteRefused("result_exists", f"Import {batch} has been undone already.")
    season_id = revisions[0].season_id
    assert season_id is not None
    first = min(stored_id(revision) for revision in revisions)
    later_rows = (
        await session.exec(
            select(Revision)
            .where(Revision.season_id == season_id, col(Revision.id) > first)
            .order_by(col(Revision.id))
        )
    ).all()
    undone = {
        row.batch.removesuffix(UNDONE) for row in later_rows if row.batch and row.batch.endswith(UNDONE)
    }
    later = [
        row
        for row in later_rows
        if row.batch != batch and (row.batch is None or row.batch.removesuffix(UNDONE) not in undone)
    ]
    plan = UndoPlan(batch=batch, season_id=season_id, revisions=revisions)
    fixtures = {
        f.number: f for f in (await session.exec(select(Fixture).where(Fixture.season_id == season_id))).all()
    }

    def later_change(number: int) -> Revision | None:
        return next((r for r in later if r.kind == "fixture" and r.fixture_number == number), None)

    def refuse_later(number: int, revision: Revision) -> WriteRefused:
        return _depends(
            f"Fixture {number} changed after import {batch} (revision {revision.id} by {revision.actor}, "
            f"{revision.why or 'a change'}): undo or correct that first; nothing was undone."
        )

    for revision in revisions:
        number = revision.fixture_number
        if revision.kind == "season":
            plan.season_started = True
        elif revision.kind == "fixture" and number is not None:
            change = later_change(number)
            if change is not None:
                raise refuse_later(number, change)
            tie = fixtures.get(number)
            if tie is None:
                raise WriteRefused(
                    "not_found", f"Fixture {number} of import {batch} is no longer in the records."
                )
            if revision.before is None:
                plan.created[number] = revision
                plan.delete_fixtures.append(tie)
            else:
                plan.restore_fixtures.append((tie, revision.before, revision))
    removed = set(plan.created)
    for tie in fixtures.values():
        if tie.number in removed:
            continue
        for side in _SIDES:
            feeder = getattr(tie, f"{side}_from_fixture")
            if feeder in removed:
                raise _depends(
                    f"Fixture {tie.number} was drawn with the winner of fixture {feeder}, which import "
                    f"{batch} drew: take fixture {tie.number} back first; nothing was undone."
                )
    for tie in plan.delete_fixtures:
        held = (await session.exec(select(Revision.id).where(Revision.fixture_id == tie.id))).first()
        if held is not None:  # its row cannot go without that revision: never delete revisions
            raise _depends(
                f"Fixture {tie.number} has a change of its own (revision {held}) after import {batch}: "
                "nothing was undone; correct the tie by hand instead."
            )
    kept_ids = {stored_id(f) for n, f in fixtures.items() if n not in removed}
    await _plan_entries(session, plan, later, fixtures, kept_ids)
    plan.effects = _undo_effects(plan, fixtures)
    return plan


async def _plan_entries(
    session: AsyncSession,
    plan: UndoPlan,
    later: list[Revision],
    fixtures: dict[int, Fixture],
    kept_ids: set[int],
) -> None:
    season_id, batch = plan.season_id, plan.batch
    later_entries = {
        state.get("team_id")
        for r in later
        if r.kind == "entry"
        for state in (r.before, r.after)
        if isinstance(state, dict)
    }
    later_byes = {
        (state.get("round"), state.get("team_id"))
        for r in later
        if r.kind == "bye"
        for state in (r.before, r.after)
        if isinstance(state, dict)
    }
    byes = {
        (b.round, b.team_id): b
        for b in (await session.exec(select(Bye).where(Bye.season_id == season_id))).all()
    }
    removed_byes: set[int] = set()
    for revision in plan.revisions:
        after = revision.after or {}
        if revision.kind != "bye":
            continue
        key = (after.get("round"), after.get("team_id"))
        if key in later_byes:
            raise _depends(
                f"The round-{key[0]} bye of {after.get('team')} changed after import {batch}: "
                "nothing was undone."
            )
        bye = byes.get(key)  # type: ignore[arg-type]
        if bye is not None:
            plan.delete_byes.append((bye, revision))
            removed_byes.add(stored_id(bye))
    entries = {
        e.team_id: e for e in (await session.exec(select(Entry).where(Entry.season_id == season_id))).all()
    }
    for revision in plan.revisions:
        if revision.kind != "entry":
            continue
        after = revision.after or {}
        team_id = after.get("team_id")
        if not isinstance(team_id, int):
            raise WriteRefused("not_found", f"Revision {revision.id} names no club: it cannot be undone.")
        entry = entries.get(team_id)
        name = after.get("team") or after.get("name_in_season")
        if team_id in later_entries:
            raise _depends(
                f"The entry of {name} changed after import {batch}: undo that first; nothing was undone."
            )
        if entry is None:
            raise WriteRefused("not_found", f"The entry of {name} is no longer in the records.")
        if revision.before is not None:
            plan.restore_entries.append((entry, revision.before, revision))
            continue
        playing = [
            f.number
            for f in fixtures.values()
            if stored_id(f) in kept_ids and team_id in (f.home_id, f.away_id, f.winner_id)
        ]
        if playing:
            raise _depends(
                f"{name} plays fixture {playing[0]}, which import {batch} did not draw: take that tie back "
                "first (or keep the import); nothing was undone."
            )
        if any(bye.team_id == team_id and stored_id(bye) not in removed_byes for bye in byes.values()):
            raise _depends(f"{name} has a bye that import {batch} did not enter: nothing was undone.")
        plan.delete_entries.append((entry, revision))
        plan.delete_aliases += [(team_id, alias) for alias in after.get("aliases") or []]
        if after.get("new_club") and await _club_unused(session, team_id, season_id, set(plan.created)):
            plan.delete_clubs.append(team_id)


async def _club_unused(session: AsyncSession, team_id: int, season_id: int, removed: set[int]) -> bool:
    """Whether a club an import created is held by nothing but that import (then it goes with it)."""
    elsewhere = await session.exec(
        select(func.count()).select_from(Entry).where(Entry.team_id == team_id, Entry.season_id != season_id)
    )
    if elsewhere.one():
        return False
    ties = await session.exec(
        select(Fixture.season_id, Fixture.number).where(
            or_(
                col(Fixture.home_id) == team_id,
                col(Fixture.away_id) == team_id,
                col(Fixture.winner_id) == team_id,
            )
        )
    )
    if any(held != season_id or number not in removed for held, number in ties.all()):
        return False
    follows = await session.exec(select(func.count()).select_from(Follow).where(Follow.team_id == team_id))
    return not follows.one()


def _undo_effects(plan: UndoPlan, fixtures: dict[int, Fixture]) -> list[str]:
    effects: list[str] = []
    for tie in plan.delete_fixtures:
        effects.append(f"fixture {tie.number} (round {tie.round}) is taken back")
    for tie, before, _revision in plan.restore_fixtures:
        now = result_words(_stored(tie))
        then = result_words(before)
        effects.append(
            f"fixture {tie.number}: {now} → {then}" if now != then else f"fixture {tie.number} is put back"
        )
    for entry, _revision in plan.delete_entries:
        effects.append(f"the entry of {entry.name_in_season} is taken back")
    for entry, _before, _revision in plan.restore_entries:
        effects.append(f"the entry of {entry.name_in_season} is put back")
    for bye, revision in plan.delete_byes:
        effects.append(f"the round-{bye.round} bye of {(revision.after or {}).get('team')} is taken back")
    if plan.delete_clubs:
        effects.append(
            f"{len(plan.delete_clubs)} club{'s' if len(plan.delete_clubs) != 1 else ''} the import added "
            "leave the records"
        )
    if plan.season_started:
        effects.append("the season the import started stays in the records (a season is never deleted)")
    return effects


async def apply_undo(
    *, session: AsyncSession, plan: UndoPlan, actor: str, request: str | None = None
) -> Applied:
    """Take the batch back in one transaction, as new revisions of the batch `<batch>-undo`."""
    done = await batch_of_request(session, request)
    if done:
        return Applied(done, already=True)
    now = utcnow()
    batch = plan.batch + UNDONE
    revisions: list[Revision] = []

    def revise(kind: str, undoes: Revision, **values: Any) -> None:
        revisions.append(
            Revision(
                season_id=plan.season_id,
                kind=kind,
                actor=actor,
                at=now,
                why=f"undo of import {plan.batch}",
                batch=batch,
                undoes=undoes.id,
                **values,
            )
        )

    try:
        for bye, revision in plan.delete_byes:
            await session.exec(delete(Bye).where(col(Bye.id) == bye.id))
            revise("bye", revision, before=revision.after, after=None)
        for tie, before, revision in plan.restore_fixtures:
            values = {name: before[name] for name in KEPT if name in before}
            restored = Fixture.model_validate(
                {**_stored(tie), **values, "number": tie.number, "season_id": tie.season_id}
            )
            moved = await session.exec(
                update(Fixture)
                .where(col(Fixture.id) == tie.id, col(Fixture.version) == tie.version)
                .values(**{name: getattr(restored, name) for name in KEPT}, version=col(Fixture.version) + 1)
            )
            if moved.rowcount != 1:
                raise WriteRefused(
                    "changed_meanwhile",
                    f"Fixture {tie.number} changed meanwhile: nothing was undone; look again.",
                )
            revise(
                "fixture",
                revision,
                fixture_number=tie.number,
                before=_snapshot(_stored(tie), {}),
                after=_snapshot(_stored(restored), {}),
            )
        for tie in sorted(plan.delete_fixtures, key=lambda f: (-f.round, -f.number)):
            gone = await session.exec(
                delete(Fixture).where(col(Fixture.id) == tie.id, col(Fixture.version) == tie.version)
            )
            if gone.rowcount != 1:
                raise WriteRefused(
                    "changed_meanwhile",
                    f"Fixture {tie.number} changed meanwhile: nothing was undone; look again.",
                )
            revise(
                "fixture",
                plan.created[tie.number],
                fixture_number=tie.number,
                before=_snapshot(_stored(tie), {}),
                after=None,
            )
        for entry, before, revision in plan.restore_entries:
            values = {name: before[name] for name in ENTRY_FIELDS if name in before}
            await session.exec(update(Entry).where(col(Entry.id) == entry.id).values(**values))
            current = {name: _plain(getattr(entry, name)) for name in ENTRY_FIELDS}
            revise(
                "entry",
                revision,
                before={"team_id": entry.team_id, "team": (revision.after or {}).get("team"), **current},
                after={"team_id": entry.team_id, "team": (revision.after or {}).get("team"), **values},
            )
        for entry, revision in plan.delete_entries:
            await session.exec(delete(Entry).where(col(Entry.id) == entry.id))
            revise("entry", revision, before=revision.after, after=None)
        for team_id, alias in plan.delete_aliases:
            await session.exec(
                delete(TeamAlias).where(col(TeamAlias.team_id) == team_id, col(TeamAlias.alias) == alias)
            )
        for team_id in plan.delete_clubs:
            await session.exec(delete(Team).where(col(Team.id) == team_id))
        await _commit_batch(session, revisions, request=request)
    except (WriteRefused, IntegrityError) as refused:
        return await _refused_batch(
            session,
            refused,
            request=request,
            conflict=(f"Import {plan.batch} changed meanwhile (undone elsewhere?): nothing was undone."),
        )
    return Applied(revisions)


async def _commit_batch(session: AsyncSession, revisions: list[Revision], *, request: str | None) -> None:
    """Commit a batch's changes and revisions, all at one new store version (the request on the first)."""
    version = await bump_version(session)
    for revision in revisions:
        revision.store_version = version
    if revisions:
        revisions[0].request = request
    session.add_all(revisions)
    await session.commit()


async def _refused_batch(
    session: AsyncSession, refused: WriteRefused | IntegrityError, *, request: str | None, conflict: str
) -> Applied:
    """After a batch's transaction failed: the same request applied a moment ago, or the refusal."""
    await session.rollback()
    again = await batch_of_request(session, request)
    if again:
        return Applied(again, already=True)
    if isinstance(refused, WriteRefused):
        raise refused
    raise WriteRefused("changed_meanwhile", conflict) from None


@dataclass
class SeasonFiles:
    """One season of the store as its data/ files, and the checks of `check-data` it fails (if any)."""

    year: int
    files: dict[str, bytes]  # file name → content, as `python -m bot export` writes them
    problems: list[str] = field(default_factory=list)  # why data/ holding these files would not load

    def zipped(self) -> bytes:
        """The files as one zip (see `season_zip`)."""
        return season_zip(self.files, year=self.year)


async def season_files(*, session: AsyncSession, year: int) -> SeasonFiles:
    """One season of the store as its data/ files, exactly as `python -m bot export` writes them.

    Raises `SeasonNotInStore` for a season the store does not hold. Unlike `export`, a season that fails
    the checks still gives its files (a person may want to see them), with the problems beside.
    """
    facts = await season_facts(session=session, year=year)
    problems = [str(problem) for problem in check_season(facts).problems]
    return SeasonFiles(year=year, files=render_season(facts), problems=problems)


def season_zip(files: dict[str, bytes], *, year: int) -> bytes:
    """A season's files as one zip, in the folder data/ keeps them in (`seasons/<year>/…`).

    The same files always zip to the same bytes (every entry dated alike), so a zip can be compared.
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            info = zipfile.ZipInfo(f"seasons/{year}/{name}", date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, content)
    return buffer.getvalue()
