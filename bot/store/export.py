"""`python -m bot export`: the store written back to data/, season by season.

The store is the truth at run time; data/ is the reviewed, version-controlled form of its facts. Export is
the inverse of loading: a season exported and loaded into a fresh store exports to the same bytes again,
and a store loaded from data/ and not changed since exports data/ exactly as it was.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.seasons.check import check_season
from bot.seasons.datafiles import holds_season, write_season
from bot.seasons.facts import (
    ByeFacts,
    DecidedBy,
    Finding,
    FixtureFacts,
    FixtureStatus,
    LeagueFacts,
    RoundFacts,
    SeasonFacts,
    TeamFacts,
    Track,
)
from bot.store.loader import alias_seasons, as_utc
from bot.store.models import Bye, Entry, Fixture, League, Round, Season, Team, TeamAlias, stored_id

# What data/ holds beside the seasons, which the store does not: copied as they are to another folder.
CURATED = ("aliases.csv", "rules")


class SeasonNotInStore(LookupError):
    """The season asked for is not in the store."""

    def __init__(self, year: int, known: list[int]) -> None:
        """`year` was asked for; `known` are the seasons the store holds."""
        held = ", ".join(map(str, known)) if known else "none yet"
        super().__init__(f"there is no {year} season in the store (it holds: {held})")
        self.year = year


async def stored_years(*, session: AsyncSession) -> list[int]:
    """Every season the store holds, oldest first."""
    return sorted((await session.exec(select(Season.year))).all())


async def season_facts(*, session: AsyncSession, year: int) -> SeasonFacts:
    """The season `year` as the store holds it, in the shape data/ keeps (raises `SeasonNotInStore`).

    Rows come out in the order a load puts them in (clubs, leagues and byes as data/ listed them, fixtures
    by number), so that a store loaded from data/ gives data/ back byte for byte. Each club's entry gets
    back the spellings its season's data/ wrote (the aliases that the loader records with their seasons).
    """
    season = (await session.exec(select(Season).where(Season.year == year))).first()
    if season is None:
        raise SeasonNotInStore(year, await stored_years(session=session))
    season_id = stored_id(season)
    entries = (
        await session.exec(select(Entry).where(Entry.season_id == season_id).order_by(col(Entry.id)))
    ).all()
    fixtures = (
        await session.exec(
            select(Fixture).where(Fixture.season_id == season_id).order_by(col(Fixture.number))
        )
    ).all()
    byes = (
        await session.exec(
            select(Bye).where(Bye.season_id == season_id).order_by(col(Bye.round), col(Bye.id))
        )
    ).all()
    names = {entry.team_id: entry.name_in_season for entry in entries}
    club_ids = set(names) | {
        club
        for fixture in fixtures
        for club in (fixture.home_id, fixture.away_id, fixture.winner_id)
        if club is not None
    }
    club_ids |= {bye.team_id for bye in byes}
    for team in (await session.exec(select(Team).where(col(Team.id).in_(club_ids - set(names))))).all():
        names[stored_id(team)] = team.name  # a club with no entry this season (not one a load makes)
    spellings: dict[int, list[str]] = {team_id: [] for team_id in names}
    aliases = await session.exec(
        select(TeamAlias).where(col(TeamAlias.team_id).in_(list(names))).order_by(col(TeamAlias.id))
    )
    for alias in aliases.all():
        seasons = alias_seasons(alias.source) or {}
        if year in seasons and alias.alias != names[alias.team_id]:
            spellings[alias.team_id].append(alias.alias)

    def name(team_id: int | None) -> str | None:
        return None if team_id is None else names[team_id]

    rounds = (
        await session.exec(select(Round).where(Round.season_id == season_id).order_by(col(Round.number)))
    ).all()
    leagues = (
        await session.exec(select(League).where(League.season_id == season_id).order_by(col(League.id)))
    ).all()
    return SeasonFacts(
        year=season.year,
        title=season.title,
        source=season.source,
        imported_at=as_utc(season.imported_at),
        stated=season.stated,
        rounds=[
            RoundFacts(
                number=item.number,
                name=item.name,
                dates=item.dates,
                stated_new_teams=item.stated_new_teams,
                stated_entrants=item.stated_entrants,
            )
            for item in rounds
        ],
        leagues=[LeagueFacts(abbreviation=league.abbreviation, name=league.name) for league in leagues],
        teams=[
            TeamFacts(
                name=entry.name_in_season,
                also_written=spellings[entry.team_id],
                league=entry.league,
                state=entry.state,
                track=Track(entry.track),
                entry_round=entry.entry_round,
                berth=entry.berth,
                qualified_by=entry.qualified_by,
            )
            for entry in entries
        ],
        fixtures=[
            FixtureFacts(
                number=fixture.number,
                round=fixture.round,
                date=fixture.date,
                kickoff=as_utc(fixture.kickoff),
                home=name(fixture.home_id),
                away=name(fixture.away_id),
                home_from_fixture=fixture.home_from_fixture,
                away_from_fixture=fixture.away_from_fixture,
                venue=fixture.venue,
                home_league=fixture.home_league,
                away_league=fixture.away_league,
                home_score=fixture.home_score,
                away_score=fixture.away_score,
                decided_by=DecidedBy(fixture.decided_by) if fixture.decided_by else None,
                extra_time=fixture.extra_time,
                penalties=fixture.penalties,
                winner=name(fixture.winner_id),
                status=FixtureStatus(fixture.status),
                source_line=fixture.source_line,
                note=fixture.note,
            )
            for fixture in fixtures
        ],
        byes=[ByeFacts(round=bye.round, team=names[bye.team_id], source=bye.source) for bye in byes],
        findings=[Finding.model_validate(finding) for finding in season.findings],
    )


@dataclass
class Exported:
    """What export did with one season: the folder, and whether it was written, left as it was, or not."""

    year: int
    folder: Path
    written: bool = False  # False: the folder already held exactly these files, or the season failed checks
    problems: list[str] = field(default_factory=list)  # why it was not written: the checks it fails


async def export_seasons(
    *, session: AsyncSession, out: Path, years: list[int] | None = None
) -> list[Exported]:
    """Write the store's seasons (`years`, or all) to `out/seasons/<year>/`; returns what became of each.

    Each season folder is swapped in whole (see `write_season`), and one that already holds exactly the
    exported files is left untouched. A season whose facts fail the checks of `check-data` is not written
    (the bot would refuse to load such a data/): its problems are returned instead. Raises
    `SeasonNotInStore` for a year the store does not hold, before writing anything.
    """
    wanted = years if years is not None else await stored_years(session=session)
    seasons = [await season_facts(session=session, year=year) for year in wanted]
    done = []
    for facts in seasons:
        folder = out / "seasons" / str(facts.year)
        errors = check_season(facts).problems
        if errors:
            done.append(Exported(facts.year, folder, problems=[str(problem) for problem in errors]))
            continue
        unchanged = holds_season(facts, out)
        write_season(facts, out)
        done.append(Exported(facts.year, folder, written=not unchanged))
    return done


def copy_curated(*, data_dir: Path, out: Path) -> list[Path]:
    """Copy what data/ holds beside the seasons (aliases.csv, rules/) from `data_dir` into `out`.

    The store does not hold these files, yet a data/ folder needs them to load into the same answers; each
    file is replaced in one step (written beside, then renamed). Returns the files copied.
    """
    if out.resolve() == data_dir.resolve():
        return []
    copied = []
    for name in CURATED:
        source = data_dir / name
        files = sorted(path for path in source.rglob("*") if path.is_file()) if source.is_dir() else [source]
        for path in files:
            if not path.is_file():
                continue
            target = out / path.relative_to(data_dir)
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(f".{target.name}.partial")
            shutil.copyfile(path, partial)
            os.replace(partial, target)
            copied.append(target)
    return copied
