"""`python -m bot check-data`: validate data/ and report what the sources say that the facts do not."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from bot.seasons.facts import SeasonFacts, Track


@dataclass
class SeasonReport:
    """The checks of one season: counts, real inconsistencies, and the source's own disagreements."""

    year: int
    counts: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    agreements: list[str] = field(default_factory=list)


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
    for track, count in Counter(team.track.value for team in facts.teams).items():
        report.counts[f"track {track}"] = count

    for fixture in facts.fixtures:
        for side in (fixture.home, fixture.away, fixture.winner):
            if side is not None and side not in names:
                report.errors.append(f"fixture {fixture.number} names '{side}', which has no entry")
        if fixture.status == "played" and fixture.winner not in (fixture.home, fixture.away):
            report.errors.append(f"fixture {fixture.number} ({fixture.home} v {fixture.away}) has no winner")
    for bye in facts.byes:
        if bye.team not in names:
            report.errors.append(f"a round-{bye.round} bye names '{bye.team}', which has no entry")

    rounds = sorted({fixture.round for fixture in facts.fixtures})
    winners: set[str] = set()
    gone: set[str] = set()
    for number in rounds:
        this_round = [f for f in facts.fixtures if f.round == number]
        sides = [side for f in this_round for side in (f.home, f.away) if side is not None]
        earlier = {f.number: f for f in facts.fixtures if f.round < number}
        for fixture in this_round:
            for source in (fixture.home_from_fixture, fixture.away_from_fixture):
                if source is not None and source not in earlier:
                    report.errors.append(
                        f"fixture {fixture.number} waits on fixture {source}, not an earlier tie"
                    )
        pending = [f for f in facts.fixtures if f.round == number - 1 and f.status != "played"]
        settled = not pending and all(f.home is not None and f.away is not None for f in this_round)
        for name, times in Counter(sides).items():
            if times > 1:
                report.errors.append(f"round {number}: '{name}' plays {times} times")
        for name in set(sides) & gone:
            report.errors.append(f"round {number}: '{name}' plays after being knocked out")
        new = {t.name for t in local if t.entry_round == number}
        expected = (
            (winners | {b.team for b in facts.byes if b.round == number - 1}) if number > rounds[0] else new
        )
        if not settled:  # a season in progress: known sides must still come from the round before
            possible = expected | {side for f in pending for side in (f.home, f.away) if side}
            if number > rounds[0] and not set(sides) <= possible:
                report.errors.append(f"round {number}: {sorted(set(sides) - possible)} did not come through")
        elif set(sides) != expected:
            missing, extra = sorted(expected - set(sides)), sorted(set(sides) - expected)
            report.errors.append(
                f"round {number}: entrants differ from the previous round's winners "
                f"and byes (missing {missing}, unexpected {extra})"
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
        (report.errors if finding.level == "error" else report.warnings).append(finding.message)
    return report


def render_report(reports: list[SeasonReport]) -> str:
    """The report as a person reads it."""
    lines: list[str] = []
    for report in reports:
        lines.append(f"== {report.year} ==")
        lines.append("  " + ", ".join(f"{name}: {count}" for name, count in report.counts.items()))
        lines += [f"  ok       {line}" for line in report.agreements]
        lines += [f"  WARNING  {line}" for line in report.warnings]
        lines += [f"  ERROR    {line}" for line in report.errors]
    errors = sum(len(report.errors) for report in reports)
    warnings = sum(len(report.warnings) for report in reports)
    lines.append(f"{len(reports)} seasons checked: {errors} errors, {warnings} warnings from the sources")
    return "\n".join(lines)
