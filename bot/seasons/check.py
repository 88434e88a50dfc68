"""`python -m bot check-data`: validate data/ and report what the sources say that the facts do not.

The loader runs the same checks before it touches the store (`check_data`): an error blocks loading, a
warning (a source that disagrees with itself, such as 413 stated goals against 418 counted) does not.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from bot.seasons.datafiles import DataSnapshot, read_data
from bot.seasons.facts import (
    FATE_NOT_SAID,
    WINNER_NOT_SAID,
    DecidedBy,
    FixtureFacts,
    FixtureStatus,
    SeasonFacts,
    TeamFacts,
    Track,
)
from bot.seasons.outcome import BadResult, Outcome, Side, settle_stored

_T = TypeVar("_T")
_CUT = "the file looks cut short: restore it (git checkout -- data/) or import the season again"


@dataclass(frozen=True)
class Problem:
    """An error: the file it is in (under data/), the check that found it, and what is wrong."""

    file: str  # "seasons/2024/fixtures.csv", "aliases.csv", a folder, or "store"
    check: str  # a short name: "fields per line", "stated figures", "entrants", ...
    detail: str

    def __str__(self) -> str:
        """The problem as one line: `file: [check] detail`."""
        return f"{self.file}: [{self.check}] {self.detail}"


@dataclass
class SeasonReport:
    """The checks of one season: counts, real inconsistencies, and the source's own disagreements."""

    year: int
    counts: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    agreements: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # the errors, each with its file and check

    def error(self, file: str, check: str, detail: str) -> None:
        """Record an error found in `file` of this season's folder by `check`."""
        self.errors.append(detail)
        self.problems.append(Problem(f"seasons/{self.year}/{file}", check, detail))


@dataclass
class Section:
    """A part of the report besides the seasons (data/ itself, the store): passed checks, notes, errors."""

    title: str
    passed: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


@dataclass
class DataReport:
    """The checks of one reading of data/: the problems of its files and folders, and each season's."""

    snapshot: DataSnapshot
    problems: list[Problem] = field(default_factory=list)
    seasons: list[SeasonReport] = field(default_factory=list)
    empty: bool = False  # the folder exists and is readable but holds no season

    @property
    def errors(self) -> list[Problem]:
        """Every error, of files and of seasons."""
        return self.problems + [problem for report in self.seasons for problem in report.problems]

    def section(self) -> Section:
        """The problems of data/'s files and folders, as a report section."""
        return Section(title=f"data/ ({self.snapshot.data_dir})", problems=list(self.problems))


def _relative(path: Path, data_dir: Path) -> str:
    try:
        return path.relative_to(data_dir).as_posix()
    except ValueError:
        return str(path)


def check_data(*, data_dir: Path) -> DataReport:
    """Read `data_dir` once and check it whole: its files can be read, and each season holds together."""
    if not data_dir.is_dir():
        what = "there is no such folder" if not data_dir.exists() else "this is not a folder"
        return DataReport(
            snapshot=DataSnapshot(data_dir=data_dir, version=""),
            problems=[
                Problem(
                    str(data_dir),
                    "data folder",
                    f"{what}: set DATA_DIR to the project's data/ folder (the one holding seasons/<year>/)",
                )
            ],
        )
    snapshot = read_data(data_dir=data_dir)
    report = DataReport(snapshot=snapshot)
    for failure in snapshot.errors:
        report.problems.append(Problem(_relative(failure.path, data_dir), failure.check, failure.detail))
    report.seasons = [check_season(facts) for facts in snapshot.seasons]
    if not snapshot.folders and not snapshot.errors:
        report.empty = True
        report.problems.append(
            Problem(
                str(data_dir),
                "data folder",
                "holds no seasons (no seasons/<year>/ folder): check that DATA_DIR names the project's "
                "data/ folder, or import a season with python -m bot import SEED",
            )
        )
    return report


def _compare(report: SeasonReport, what: str, stated: object, counted: int) -> None:
    if not isinstance(stated, int):
        return
    if stated == counted:
        report.agreements.append(f"{what}: {counted}, as the source states")
    else:
        report.warnings.append(f"{what}: the source states {stated}, the facts add up to {counted}")


def check_season(facts: SeasonFacts) -> SeasonReport:
    """Check one season's facts for consistency and against the figures its source states."""
    report = SeasonReport(year=facts.year)
    names = {team.name for team in facts.teams}
    local = [team for team in facts.teams if team.track is Track.LOCAL]
    played = [fixture for fixture in facts.fixtures if fixture.status == "played"]
    goals = sum((f.home_score or 0) + (f.away_score or 0) for f in played)
    report.counts = {
        "teams": len(facts.teams),
        "local teams": len(local),
        "rounds": len(facts.rounds),
        "fixtures": len(facts.fixtures),
        "goals": goals,
        "byes": len(facts.byes),
        "implied byes": sum(1 for bye in facts.byes if bye.source == "implied"),
        "level fixtures": sum(1 for f in played if f.decided_by == "penalties"),
        "forfeits": sum(1 for f in played if f.decided_by == "forfeit"),
    }
    undecided = [f for f in played if winner_not_said(f)]
    if undecided:
        report.counts["winner not said"] = len(undecided)
    for track, count in Counter(team.track.value for team in facts.teams).items():
        report.counts[f"track {track}"] = count

    _check_unique(report, facts)
    _check_against_nothing(report, facts, local)
    _check_rounds(report, facts)
    for fixture in facts.fixtures:
        for side in (fixture.home, fixture.away, fixture.winner):
            if side is not None and side not in names:
                report.error(
                    "fixtures.csv", "names", f"fixture {fixture.number} names '{side}', which has no entry"
                )
    _check_results(report, facts)
    for fixture in undecided:
        _gap(
            report,
            facts,
            fixture.source_line or f"fixture {fixture.number}",
            f"round {fixture.round}: fixture {fixture.number} ({fixture.home} v {fixture.away}) "
            f"{fixture.home_score}-{fixture.away_score}: the source does not say who went through",
        )
    for bye in facts.byes:
        if bye.team not in names:
            report.error(
                "byes.csv", "names", f"a round-{bye.round} bye names '{bye.team}', which has no entry"
            )
        later = any(bye.team in (f.home, f.away) and f.round > bye.round for f in facts.fixtures)
        if bye.source == "implied" and not later:
            report.error(
                "byes.csv",
                "byes",
                f"a round-{bye.round} bye for '{bye.team}' (implied by a later tie), but '{bye.team}' plays "
                "no later fixture: fixtures.csv looks cut short; restore it or import the season again",
            )

    rounds = sorted({fixture.round for fixture in facts.fixtures})
    winners: set[str] = set()
    gone: set[str] = set()
    skipped = _skipped_rounds(facts)
    fate_not_said = facts.stated.get(FATE_NOT_SAID)
    stopped = set(fate_not_said) if isinstance(fate_not_said, list) else set()
    for number in rounds:
        this_round = [f for f in facts.fixtures if f.round == number]
        counted = [f for f in this_round if f.status not in (FixtureStatus.ABANDONED, FixtureStatus.ANNULLED)]
        sides = [side for f in counted for side in (f.home, f.away) if side is not None]
        earlier = {f.number: f for f in facts.fixtures if f.round < number}
        for fixture in this_round:
            for source in (fixture.home_from_fixture, fixture.away_from_fixture):
                if source is not None and source not in earlier:
                    report.error(
                        "fixtures.csv",
                        "linked ties",
                        f"fixture {fixture.number} waits on fixture {source}, not an earlier tie",
                    )
        pending = [f for f in facts.fixtures if f.round == number - 1 and f.status != "played"]
        settled = not pending and all(f.home is not None and f.away is not None for f in this_round)
        for name, times in Counter(sides).items():
            if times > 1:
                report.error("fixtures.csv", "plays twice", f"round {number}: '{name}' plays {times} times")
        for name in set(sides) & gone:
            report.error(
                "fixtures.csv", "knocked out", f"round {number}: '{name}' plays after being knocked out"
            )
        new = {t.name for t in local if t.entry_round == number}
        expected = new
        if number > rounds[0]:
            byes_before = {b.team for b in facts.byes if b.round == number - 1}
            byes_now = {b.team for b in facts.byes if b.round == number}
            # Through the round before without a line there: a gap of the source (see below).
            carried = {name for name, gaps in skipped.items() if number - 1 in gaps}
            expected = (winners | byes_before | carried) - byes_now
        for name in sorted(expected - set(sides)):
            if number in skipped.get(name, ()):  # plays later: the source lacks its line in this round
                _gap(
                    report,
                    facts,
                    name,
                    f"round {number}: '{name}' has no line in round {number} but plays "
                    "later: the source does not say how it got through (a missing match, or an unlisted bye)",
                )
                expected.discard(name)
            elif name in stopped:
                _gap(
                    report,
                    facts,
                    name,
                    f"round {number}: '{name}' won the round before and has no later line: "
                    "the source does not say how far it went",
                )
                expected.discard(name)
        if not settled:  # a season in progress: known sides must still come from the round before
            possible = expected | {side for f in pending for side in (f.home, f.away) if side}
            if number > rounds[0] and not set(sides) <= possible:
                came = sorted(set(sides) - possible)
                report.error("fixtures.csv", "entrants", f"round {number}: {came} did not come through")
        elif set(sides) != expected:
            missing, extra = sorted(expected - set(sides)), sorted(set(sides) - expected)
            report.error(
                "fixtures.csv",
                "entrants",
                f"round {number}: entrants differ from the previous round's winners "
                f"and byes (missing {missing}, unexpected {extra})",
            )
        info = next((r for r in facts.rounds if r.number == number), None)
        if info is not None and settled:
            _compare(report, f"round {number} new teams", info.stated_new_teams, len(new))
            _compare(report, f"round {number} entrants", info.stated_entrants, len(sides))
        winners = {f.winner for f in facts.fixtures if f.round == number and f.winner}
        gone |= {
            side
            for f in facts.fixtures
            if f.round == number and f.winner
            for side in (f.home, f.away)
            if side is not None and side != f.winner
        }

    _compare(report, "teams in local qualifying", facts.stated.get("teams"), len(local))
    _compare(report, "matches", facts.stated.get("matches"), len(facts.fixtures))
    _compare(report, "goals", facts.stated.get("goals"), goals)
    _compare(report, "local qualifiers", facts.stated.get("local_qualifiers"), len(winners))
    _compare(
        report,
        "round 1 byes",
        facts.stated.get("round_1_byes"),
        sum(1 for bye in facts.byes if bye.round == 1 and bye.source == "listed"),
    )
    listed = facts.stated.get("qualifiers")
    if isinstance(listed, list):
        _compare(report, "qualifiers listed", len(winners), len(listed))
        if set(listed) != winners:
            report.warnings.append(
                f"the qualifiers list {sorted(set(listed) - winners)} differs from the last "
                f"round's winners {sorted(winners - set(listed))}"
            )
    for league in {team.league for team in facts.teams if team.track is Track.NATIONAL_LEAGUE}:
        members = [t for t in facts.teams if t.track is Track.NATIONAL_LEAGUE and t.league == league]
        _compare(report, f"{league} clubs", facts.stated.get(f"{league}_teams"), len(members))
        _compare(
            report,
            f"{league} division winners",
            facts.stated.get(f"{league}_division_winners"),
            sum(1 for t in members if "division winner" in t.berth),
        )
        _compare(
            report,
            f"{league} at-large berths",
            facts.stated.get(f"{league}_at_large"),
            sum(1 for t in members if "at-large" in t.berth),
        )
    for finding in facts.findings:
        if finding.level == "error":
            report.error("season.toml", "reader", finding.message)
        else:
            report.warnings.append(finding.message)
    return report


def winner_not_said(fixture: FixtureFacts) -> bool:
    """Whether a played fixture is one whose winner its source does not say.

    Level, no winner, and the note the reader writes for it (a moderator's result always has a winner).
    """
    return (
        fixture.status == FixtureStatus.PLAYED
        and fixture.winner is None
        and fixture.note == WINNER_NOT_SAID
        and fixture.home_score is not None
        and fixture.home_score == fixture.away_score
    )


def _skipped_rounds(facts: SeasonFacts) -> dict[str, set[int]]:
    """Per club, the rounds between two of its fixtures where it has neither a fixture nor a bye."""
    rounds: dict[str, set[int]] = {}
    for fixture in facts.fixtures:
        for side in (fixture.home, fixture.away):
            if side is not None:
                rounds.setdefault(side, set()).add(fixture.round)
    byes: dict[str, set[int]] = {}
    for bye in facts.byes:
        byes.setdefault(bye.team, set()).add(bye.round)
    return {
        name: gaps
        for name, played in rounds.items()
        if (gaps := set(range(min(played), max(played))) - played - byes.get(name, set()))
    }


def _gap(report: SeasonReport, facts: SeasonFacts, about: str, message: str) -> None:
    """A gap of the source, listed once: the reader's own finding when it names `about`, else `message`."""
    if any(about in finding.message and "does not say" in finding.message for finding in facts.findings):
        return
    report.warnings.append(f"the source's gap: {message}")


RESULT_RULE = "result rule"  # the check name of a played fixture that does not settle as stored
_BY_THE_RULE = "by the rule of the reader and /report"


def _check_results(report: SeasonReport, facts: SeasonFacts) -> None:
    """Every played fixture settled again by `settle`, the rule the seed reader and /report follow."""
    played = [fixture for fixture in facts.fixtures if fixture.status == FixtureStatus.PLAYED]
    wrong = 0
    for fixture in played:
        problem = result_problem(
            number=fixture.number,
            home=fixture.home,
            away=fixture.away,
            home_score=fixture.home_score,
            away_score=fixture.away_score,
            extra_time=fixture.extra_time,
            penalties=fixture.penalties,
            decided_by=fixture.decided_by,
            winner=fixture.winner,
            note=fixture.note,
        )
        if problem is not None:
            wrong += 1
            report.error("fixtures.csv", RESULT_RULE, problem)
    if played and not wrong:
        report.agreements.append(f"results: {len(played)} played fixtures settle as stored, {_BY_THE_RULE}")


def _stored_words(
    *,
    home_score: int | None,
    away_score: int | None,
    extra_time: bool,
    penalties: str | None,
    decided_by: str | None,
    winner: str | None,
) -> str:
    score = "no score" if home_score is None or away_score is None else f"{home_score}-{away_score}"
    parts = [score + (" after extra time" if extra_time else "")]
    parts.append(f"decided_by {decided_by}" if decided_by else "no decided_by")
    parts += [f"penalties {penalties}"] if penalties else []
    parts.append(f"winner {winner}" if winner else "no winner")
    return ", ".join(parts)


def _outcome_words(outcome: Outcome, winner: str) -> str:
    if outcome.decided_by is DecidedBy.FORFEIT:
        return f"a forfeit awarded to {winner}"
    if outcome.decided_by is DecidedBy.PENALTIES:
        shootout = "shoot-out score unknown" if outcome.penalties == "unknown" else outcome.penalties
        return f"a win for {winner} on penalties ({shootout})"
    if outcome.decided_by is DecidedBy.EXTRA_TIME:
        return f"a win for {winner} after extra time"
    return f"a win for {winner} in regulation"


def result_problem(
    *,
    number: int,
    home: str | None,
    away: str | None,
    home_score: int | None,
    away_score: int | None,
    extra_time: bool,
    penalties: str | None,
    decided_by: str | None,
    winner: str | None,
    note: str = "",
) -> str | None:
    """What is wrong with a played fixture's stored result, in a sentence saying what to write; None if right.

    The fixture is settled again from its stored fields by `settle_stored`, as the seed reader settles a
    line of its source (a level tie whose shoot-out score the source leaves unknown is right, once its
    winner is written, or when its `note` says that the source does not say who went through); its
    decided_by, penalties and winner must be what that gives. Sides and the winner are club names, as data/
    writes them.
    """
    tie = f"fixture {number} ({home or '?'} v {away or '?'})"
    if home is None or away is None:
        missing = "home" if home is None else "away"
        return f"{tie} is played, but its {missing} side is not known: write both sides, or status scheduled"
    stored = f"{tie} is stored as " + _stored_words(
        home_score=home_score,
        away_score=away_score,
        extra_time=extra_time,
        penalties=penalties,
        decided_by=decided_by,
        winner=winner,
    )
    if winner is not None and winner not in (home, away):
        return f"{stored}, and {winner} is neither side: write winner {home} or winner {away}"
    side: Side | None = None if winner is None else "home" if winner == home else "away"
    try:
        outcome = settle_stored(
            home_score=home_score,
            away_score=away_score,
            extra_time=extra_time,
            penalties=penalties,
            decided_by=decided_by,
            winner=side,
        )
    except BadResult as bad:
        return f"{stored}, which the result rule refuses: {bad}"
    if outcome.winner is None and note == WINNER_NOT_SAID:
        return None  # the source does not say who went through: a gap of the source, listed as such
    if outcome.winner is None:
        return (
            f"{stored}: level with no shoot-out score and no winner, who went through cannot be told: write "
            "winner (the side that played on), and the shoot-out score in penalties if it is known"
        )
    name = home if outcome.winner == "home" else away
    fixes: list[str] = []
    if decided_by != outcome.decided_by:
        fixes.append(f"decided_by {outcome.decided_by.value}")
    if penalties != outcome.penalties:
        fixes.append(f"penalties {outcome.penalties}" if outcome.penalties else "no penalties")
    if side != outcome.winner:
        fixes.append(f"winner {name}")
    if not fixes:
        return None
    return f"{stored}: {_BY_THE_RULE} that is {_outcome_words(outcome, name)}, so write {', '.join(fixes)}"


def _repeated(values: Iterable[_T]) -> list[tuple[_T, int]]:
    return [(value, times) for value, times in Counter(values).items() if times > 1]


def _check_unique(report: SeasonReport, facts: SeasonFacts) -> None:
    """Each fixture number, club, bye, round and league once: the store keys on them."""
    for number, times in _repeated(f.number for f in facts.fixtures):
        report.error(
            "fixtures.csv", "unique", f"fixture {number} appears {times} times: keep one line for it"
        )
    for name, times in _repeated(t.name for t in facts.teams):
        report.error("teams.csv", "unique", f"'{name}' appears {times} times: keep one line per club")
    for (number, team), times in _repeated((b.round, b.team) for b in facts.byes):
        report.error("byes.csv", "unique", f"the round-{number} bye of '{team}' appears {times} times")
    for number, times in _repeated(r.number for r in facts.rounds):
        report.error("season.toml", "unique", f"round {number} is listed {times} times")
    for abbreviation, times in _repeated(league.abbreviation for league in facts.leagues):
        report.error("season.toml", "unique", f"league {abbreviation} is listed {times} times")


def _stated_count(facts: SeasonFacts, key: str) -> int:
    value = facts.stated.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _check_against_nothing(report: SeasonReport, facts: SeasonFacts, local: list[TeamFacts]) -> None:
    """A file with no rows where the source states some: not the source's disagreement, but a file cut.

    Stated figures that differ from counts that are not zero stay warnings: sources disagree with
    themselves, and a season in progress has fewer matches than it will have.
    """
    matches = _stated_count(facts, "matches")
    if not facts.fixtures and (matches or facts.rounds):
        reasons = [f"the source states {matches} matches"] if matches else []
        reasons += [f"season.toml lists {len(facts.rounds)} rounds"] if facts.rounds else []
        report.error(
            "fixtures.csv", "stated figures", f"holds no fixtures, but {' and '.join(reasons)}: {_CUT}"
        )
    teams = _stated_count(facts, "teams")
    if teams and not local:
        report.error(
            "teams.csv",
            "stated figures",
            f"holds no club of local qualifying, but the source states {teams}: {_CUT}",
        )
    byes = _stated_count(facts, "round_1_byes")
    if byes and not any(bye.round == 1 for bye in facts.byes):
        report.error(
            "byes.csv", "stated figures", f"holds no round-1 bye, but the source states {byes}: {_CUT}"
        )
    for league in facts.leagues:
        clubs = _stated_count(facts, f"{league.abbreviation}_teams")
        members = [
            t for t in facts.teams if t.track is Track.NATIONAL_LEAGUE and t.league == league.abbreviation
        ]
        if clubs and not members:
            report.error(
                "teams.csv",
                "stated figures",
                f"holds no {league.abbreviation} club, but the source states {clubs}: {_CUT}",
            )


def _check_rounds(report: SeasonReport, facts: SeasonFacts) -> None:
    """Every round with fixtures is listed in season.toml; a listed round has fixtures once it is drawn.

    A round is still to be drawn when no later round has fixtures and the source does not yet name the
    season's qualifiers.
    """
    listed = sorted({r.number for r in facts.rounds})
    played = {f.round for f in facts.fixtures}
    unlisted = sorted(played - set(listed))
    if unlisted:
        report.error(
            "season.toml",
            "rounds",
            f"lists no round {', '.join(map(str, unlisted))}, though fixtures.csv has fixtures in it: {_CUT}",
        )
    if not facts.fixtures:
        return  # reported as a file with no fixtures
    qualifiers = facts.stated.get("qualifiers")
    over = isinstance(qualifiers, list) and bool(qualifiers)
    for number in listed:
        if number in played:
            continue
        if any(later > number for later in played):
            why = "later rounds have fixtures"
        elif over:
            why = "the source names the season's qualifiers, so every round was played"
        else:
            continue  # a round still to be drawn
        report.error(
            "fixtures.csv",
            "rounds",
            f"has no fixture of round {number}, which season.toml lists, and {why}: {_CUT}",
        )


def render_report(
    reports: list[SeasonReport], *, data: Section | None = None, store: Section | None = None
) -> str:
    """The report as a person reads it: data/'s own problems, the seasons, then the store."""
    lines: list[str] = []
    if data is not None and data.problems:
        lines.append(f"== {data.title} ==")
        lines += [f"  ERROR    {problem}" for problem in data.problems]
    for report in reports:
        lines.append(f"== {report.year} ==")
        lines.append("  " + ", ".join(f"{name}: {count}" for name, count in report.counts.items()))
        lines += [f"  ok       {line}" for line in report.agreements]
        lines += [f"  WARNING  {line}" for line in report.warnings]
        lines += [f"  ERROR    {problem}" for problem in report.problems]
    if store is not None and (store.passed or store.notes or store.problems):
        lines.append(f"== {store.title} ==")
        lines += [f"  ok       {line}" for line in store.passed]
        lines += [f"  note     {line}" for line in store.notes]
        lines += [f"  ERROR    {problem}" for problem in store.problems]
    sections = [section for section in (data, store) if section is not None]
    errors = sum(len(report.problems) for report in reports) + sum(len(s.problems) for s in sections)
    warnings = sum(len(report.warnings) for report in reports)
    lines.append(f"{len(reports)} seasons checked: {errors} errors, {warnings} warnings from the sources")
    return "\n".join(lines)
