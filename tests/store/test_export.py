"""`python -m bot export`: the store written back to data/, and loaded again, is an identity (issue 11).

On SQLite and PostgreSQL: a store loaded from the committed data/ exports it byte for byte; an export
loaded into a fresh store exports the same bytes again; and so does a store holding moderators' changes
and a season they made, whose answers the fresh store gives too.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import shutil
from pathlib import Path

import pytest
from sqlmodel import select

import bot.__main__ as cli
from bot.answers.path import path
from bot.answers.round import round_fixtures
from bot.seasons.check import check_data
from bot.settings import Settings
from bot.store.engine import Store
from bot.store.export import copy_curated, export_seasons, season_facts
from bot.store.models import Bye, Entry, Fixture, Revision, Round, Season, Team, utcnow
from bot.store.version import bump_version
from tests.conftest import DATA, drop_database, fresh_database_url
from tests.store.test_merge import moderator_edit


def run(url: str, data: Path, args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """`python -m bot ARGS` with the store at `url` and DATA_DIR `data`; status, stdout, stderr."""
    settings = Settings(_env_file=None, database_url=url, data_dir=data)
    original = cli.get_settings
    cli.get_settings = lambda: settings  # type: ignore[assignment]
    try:
        status = cli.main(args)
    finally:
        cli.get_settings = original
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    return status, captured.out, captured.err


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under `folder`, by its path inside it, with its bytes."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes() for path in folder.rglob("*") if path.is_file()
    }


async def another_database(url: str, tmp_path: Path) -> str:
    return await fresh_database_url("sqlite" if url.startswith("sqlite") else "postgresql", tmp_path)


async def test_export_gives_the_committed_data_back(
    empty_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Exporting a store loaded from the committed data/ changes nothing in place and reproduces it in
    another folder byte for byte; loading that export into a fresh store exports the same bytes again."""
    committed = tree(DATA)
    copy = tmp_path / "data"
    shutil.copytree(DATA, copy)
    status, out, err = await asyncio.to_thread(run, empty_url, copy, ["export"], capsys)
    assert status == 0, err
    assert f"2017 → {copy / 'seasons' / '2017'} (unchanged)" in out
    assert f"2024 → {copy / 'seasons' / '2024'} (unchanged)" in out
    assert tree(copy) == committed

    fixtures = copy / "seasons/2024/fixtures.csv"  # a person's edit that fails the checks: not overwritten
    fixtures.write_text(fixtures.read_text().split("\n", 1)[0] + "\n")
    damaged = tree(copy)
    status, out, err = await asyncio.to_thread(run, empty_url, copy, ["export"], capsys)
    assert status == 1 and "Nothing exported" in err and "holds changes the store could not load" in err
    assert tree(copy) == damaged
    shutil.copyfile(DATA / "seasons/2024/fixtures.csv", fixtures)

    first = tmp_path / "first"
    status, out, err = await asyncio.to_thread(run, empty_url, copy, ["export", "--out", str(first)], capsys)
    assert status == 0, err
    assert tree(first) == committed  # seasons, and aliases.csv and rules/ carried along

    status, out, err = await asyncio.to_thread(run, empty_url, copy, ["export", "--season", "1999"], capsys)
    assert status == 1
    assert "Nothing exported: there is no 1999 season in the store (it holds: 2017, 2024)." in err

    fresh = await another_database(empty_url, tmp_path)
    try:
        second = tmp_path / "second"
        status, out, err = await asyncio.to_thread(
            run, fresh, first, ["export", "--season", "2024", "--out", str(second)], capsys
        )
        assert status == 0, err
        assert out.splitlines()[0] == f"2024 → {second / 'seasons' / '2024'}"
        exported_2024 = {
            name: content for name, content in committed.items() if name.startswith("seasons/2024/")
        }
        assert {
            f"seasons/{name}": content for name, content in tree(second / "seasons").items()
        } == exported_2024
    finally:
        await drop_database(fresh)


async def moderators_season(store: Store) -> None:
    """A season started by moderators: two ties of round 1 (one decided on penalties, one to be played at
    a set time), a round-2 tie waiting on fixture 2, and a club with a round-1 bye."""
    async with store.session() as session:
        season = Season(
            year=2031, title="2031 qualification", source="entered by mod:bob", imported_at=utcnow()
        )
        session.add(season)
        folsom = (await session.exec(select(Team).where(Team.name == "FC Folsom"))).one()
        clubs = [Team(name=name, key=name.lower()) for name in ("Alpha Athletic", "Beta United", "Delta FC")]
        echo = Team(name="Echo SC", key="echo sc")
        session.add_all([*clubs, echo])
        await session.flush()
        alpha, beta, delta = clubs
        assert season.id is not None
        for team, entry_round in ((alpha, 1), (beta, 1), (folsom, 1), (delta, 1), (echo, 2)):
            session.add(
                Entry(season_id=season.id, team_id=team.id, name_in_season=team.name, entry_round=entry_round)
            )
        session.add_all(
            [
                Round(season_id=season.id, number=1, name="Round 1"),
                Round(season_id=season.id, number=2, name="Round 2"),
                Bye(season_id=season.id, round=1, team_id=echo.id, source="entered by mod:bob"),
            ]
        )
        common = {"season_id": season.id, "entered_by": "mod:bob", "entered_at": utcnow()}
        session.add_all(
            [
                Fixture(
                    number=1,
                    round=1,
                    date=dt.date(2030, 9, 6),
                    home_id=alpha.id,
                    away_id=beta.id,
                    home_score=1,
                    away_score=1,
                    penalties="4-3",
                    decided_by="penalties",
                    winner_id=alpha.id,
                    status="played",
                    note="reported from the ground",
                    **common,
                ),
                Fixture(
                    number=2,
                    round=1,
                    date=dt.date(2030, 9, 7),
                    kickoff=dt.datetime(
                        2030, 9, 8, 0, 30, tzinfo=dt.UTC
                    ),  # 19:30 at UTC-5: the store keeps UTC
                    home_id=folsom.id,
                    away_id=delta.id,
                    venue="Lembi Park",
                    status="scheduled",
                    **common,
                ),
                Fixture(
                    number=3,
                    round=2,
                    home_id=alpha.id,
                    home_from_fixture=1,
                    away_from_fixture=2,
                    status="scheduled",
                    **common,
                ),
            ]
        )
        version = await bump_version(session)
        session.add(
            Revision(
                season_id=season.id,
                kind="season",
                after={"year": 2031, "title": season.title},
                actor="mod:bob",
                at=utcnow(),
                store_version=version,
            )
        )
        await session.commit()


async def test_export_of_moderators_changes_round_trips(empty_url: str, tmp_path: Path) -> None:
    """A store with a moderator's result and a season made by moderators exports data/ that passes its
    checks; a fresh store loaded from it answers the same and exports the same bytes again."""
    store = await Store(empty_url, DATA).open()
    fresh_url = await another_database(empty_url, tmp_path)
    fresh: Store | None = None
    try:
        await moderator_edit(store, number=1, away_score=3, actor="mod:alice")
        await moderators_season(store)
        first = tmp_path / "first"
        async with store.session() as session:
            done = await export_seasons(session=session, out=first)
            made = await season_facts(session=session, year=2031)
        copy_curated(data_dir=DATA, out=first)
        assert [(item.year, item.written, item.problems) for item in done] == [
            (2017, True, []),
            (2024, True, []),
            (2031, True, []),
        ]
        assert not check_data(data_dir=first).errors
        assert (first / "seasons/2017/fixtures.csv").read_bytes() == (
            DATA / "seasons/2017/fixtures.csv"
        ).read_bytes()
        assert (
            "\n1,1,2023-09-09,SF Vikings SC,SFSFL,Inter San Francisco,SFSFL,0,3,"
            in (first / "seasons/2024/fixtures.csv").read_text()
        )
        assert made.fixtures[1].kickoff == dt.datetime(2030, 9, 8, 0, 30, tzinfo=dt.UTC)  # aware, in UTC
        assert "2030-09-08T00:30:00Z" in (first / "seasons/2031/fixtures.csv").read_text()

        fresh = await Store(fresh_url, first).open()
        second = tmp_path / "second"
        async with fresh.session() as session:
            await export_seasons(session=session, out=second)
        copy_curated(data_dir=first, out=second)
        assert tree(second) == tree(first)

        for team, year in (
            ("Alpha Athletic", 2031),
            ("FC Folsom", 2031),
            ("Echo SC", 2031),
            ("Harpos FC", 2024),
        ):
            async with store.session() as session, fresh.session() as other:
                here = (await path(session, team=team, season=year)).model_dump(exclude={"freshness"})
                there = (await path(other, team=team, season=year)).model_dump(exclude={"freshness"})
            assert here == there, team
        for year, number in ((2031, 1), (2031, 2), (2024, 1)):
            async with store.session() as session, fresh.session() as other:
                here = (await round_fixtures(session, season=year, number=number)).model_dump(
                    exclude={"freshness"}
                )
                there = (await round_fixtures(other, season=year, number=number)).model_dump(
                    exclude={"freshness"}
                )
            assert here == there, (year, number)
    finally:
        await store.close()
        if fresh is not None:
            await fresh.close()
        await drop_database(fresh_url)
