"""A reload of data/ merges into the store around moderators' changes (issue 11, "The truth model").

Each test starts from a store loaded from a private copy of data/ (SQLite and PostgreSQL), simulates a
moderator's write the way the write path makes one (the change, a Revision by a moderator and a new store
version, in one transaction), changes the copy of data/, and reloads.
"""

from __future__ import annotations

import asyncio
import logging
import shutil
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import func
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.answers.lookup import current_team_index
from bot.answers.models import Freshness
from bot.answers.path import path
from bot.seasons.datafiles import read_all
from bot.store.engine import Store
from bot.store.loader import merge_seasons, reload_data
from bot.store.models import Entry, Fixture, Revision, Season, Team, utcnow
from bot.store.version import bump_version, store_version
from bot.store.writes import snapshot
from cogs.shared.pictures import data_version as picture_key
from tests.conftest import DATA
from tests.store.test_data_validation import check_data

FIXTURES_2024 = "seasons/2024/fixtures.csv"
# Fixture 1 of 2024 as data/ has it, and fixture 2: the lines a test changes.
FIXTURE_1 = "1,1,2023-09-09,SF Vikings SC,SFSFL,Inter San Francisco,SFSFL,0,1,regulation,"
FIXTURE_2 = "2,1,2023-09-09,DCFC,DCPL,MoCo 1776 FC,UPSL,1,0,regulation,"


def private_data(tmp_path: Path, *, without: tuple[int, ...] = ()) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(DATA, copy)
    for year in without:
        shutil.rmtree(copy / "seasons" / str(year))
    return copy


def change_line(copy: Path, old: str, new: str) -> None:
    fixtures = copy / FIXTURES_2024
    text = fixtures.read_text()
    assert text.count(old) == 1
    fixtures.write_text(text.replace(old, new))


async def season_of(session: AsyncSession, year: int) -> Season:
    return (await session.exec(select(Season).where(Season.year == year))).one()


async def fixture_of(session: AsyncSession, year: int, number: int) -> Fixture:
    season = await season_of(session, year)
    return (
        await session.exec(select(Fixture).where(Fixture.season_id == season.id, Fixture.number == number))
    ).one()


async def moderator_edit(store: Store, *, number: int, away_score: int, actor: str) -> tuple[int, int]:
    """A moderator's result for a 2024 fixture, written as the write path writes one; returns the ids."""
    async with store.session() as session:
        fixture = await fixture_of(session, 2024, number)
        before = snapshot(fixture)
        fixture.away_score = away_score
        fixture.entered_by, fixture.entered_at = actor, utcnow()
        fixture.version += 1
        session.add(fixture)
        version = await bump_version(session)
        revision = Revision(
            season_id=fixture.season_id,
            fixture_id=fixture.id,
            fixture_number=number,
            kind="fixture",
            before=before,
            after=snapshot(fixture),
            actor=actor,
            at=utcnow(),
            why="the referee's report",
            store_version=version,
        )
        session.add(revision)
        await session.commit()
        return fixture.id, revision.id  # type: ignore[return-value]


async def test_a_reload_merges_around_moderator_edits(
    empty_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    """After a moderator's edit, a new season imported into data/ loads; the edit and its revision stay
    (same row ids); data/ disagreeing with the moderator is reported, not applied; a data/ change to a
    fixture no moderator touched is applied in place."""
    copy = private_data(tmp_path, without=(2017,))
    store = await Store(empty_url, copy).open()
    try:
        async with store.session() as session:
            ids_before = dict(
                (await session.exec(select(Fixture.number, Fixture.id).where(Fixture.round > 0))).all()
            )
        edited_id, revision_id = await moderator_edit(store, number=1, away_score=3, actor="mod:alice")
        async with store.session() as session:
            version_before = await store_version(session)

        shutil.copytree(DATA / "seasons" / "2017", copy / "seasons" / "2017")  # a new season in data/
        change_line(copy, FIXTURE_1, FIXTURE_1.replace(",0,1,regulation,", ",0,2,regulation,"))
        change_line(copy, FIXTURE_2, FIXTURE_2.replace(",1,0,regulation,", ",2,0,regulation,"))
        with caplog.at_level(logging.INFO, logger="bot.store.loader"):
            async with store.session() as session:
                report = await reload_data(session=session, data_dir=copy)
        assert report.loaded and not report.refused
        merged = {season.year: season for season in report.seasons}
        assert merged[2017].new and len(merged[2017].added) == 46
        assert merged[2024].added == [] and merged[2024].kept == []
        assert merged[2024].changed == [2] and merged[2024].untouched == 96
        [disagreement] = report.disagreements
        assert (disagreement.season, disagreement.fixture) == (2024, 1)
        assert disagreement.data == {"away_score": 2} and disagreement.store == {"away_score": 3}
        assert disagreement.entered_by == "mod:alice"
        warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
        assert any("2024 fixture 1" in line and "mod:alice" in line for line in warnings), warnings
        assert any("2024: 0 fixtures added, 1 changed (2)" in r.getMessage() for r in caplog.records)

        async with store.session() as session:
            assert report.store_version is not None and report.store_version > version_before
            assert await store_version(session) == report.store_version
            edited = await fixture_of(session, 2024, 1)
            assert (edited.id, edited.home_score, edited.away_score) == (edited_id, 0, 3)
            assert edited.entered_by == "mod:alice"
            revision = await session.get(Revision, revision_id)
            assert (
                revision is not None and revision.actor == "mod:alice" and revision.after["away_score"] == 3
            )
            season_2024 = await season_of(session, 2024)
            ids_after = dict(
                (
                    await session.exec(
                        select(Fixture.number, Fixture.id).where(Fixture.season_id == season_2024.id)
                    )
                ).all()
            )
            assert ids_after == ids_before  # merged in place, never deleted and inserted again
            applied = await fixture_of(session, 2024, 2)
            assert (applied.home_score, applied.away_score, applied.version) == (2, 0, 1)
            by_loader = (await session.exec(select(Revision).where(Revision.fixture_id == applied.id))).one()
            assert by_loader.actor.startswith("importer") and by_loader.before["home_score"] == 1
            assert by_loader.after["home_score"] == 2 and by_loader.store_version == report.store_version
            assert await session.scalar(select(func.count()).select_from(Revision)) == 2
            answer = await path(session, team="Harpo's FC", season=2017)  # the new season answers
            assert answer.season == 2017 and answer.status in ("qualified", "eliminated")
            again = await reload_data(session=session, data_dir=copy)
            assert not again.loaded  # this data/ is merged: nothing to do

        status, listed = await asyncio.to_thread(check_data, empty_url, copy, capsys)
        assert status == 0, listed
        assert (
            "disagreement: 2024 fixture 1: data/ says away_score 2; the store says away_score 3 "
            "(entered by mod:alice, which stands)" in listed
        ), listed
    finally:
        await store.close()


async def test_a_season_made_in_the_store_survives_and_caches_follow_writes(
    empty_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A season moderators started (in the store only) survives a reload of a changed data/; a write
    changes the store version, and with it the team index and the pictures' cache key."""
    copy = private_data(tmp_path)
    store = await Store(empty_url, copy).open()
    fake: Any = SimpleNamespace(client=SimpleNamespace(store=store))
    fresh = Freshness(entered_at=utcnow(), entered_by="importer")
    try:
        async with store.session() as session:
            index_before = await current_team_index(session)
        key_before = await picture_key(fake, fresh)
        assert index_before.match("Brand New FC").team is None

        async with store.session() as session:  # /season new, and a new club entered: one write
            season = Season(
                year=2031, title="2031 qualification", source="entered by mod:bob", imported_at=utcnow()
            )
            club = Team(name="Brand New FC", key="brand new fc")
            session.add_all([season, club])
            await session.flush()
            session.add(Entry(season_id=season.id, team_id=club.id, name_in_season=club.name, entry_round=1))
            version = await bump_version(session)
            made = Revision(
                season_id=season.id,
                kind="season",
                after={"year": 2031, "title": season.title},
                actor="mod:bob",
                at=utcnow(),
                store_version=version,
            )
            session.add(made)
            await session.commit()
            made_id = made.id

        async with store.session() as session:
            index_after = await current_team_index(session)
        assert index_after is not index_before
        assert index_after.match("Brand New FC").team == "Brand New FC"
        assert await picture_key(fake, fresh) != key_before

        change_line(copy, FIXTURE_2, FIXTURE_2.replace(",1,0,regulation,", ",2,0,regulation,"))
        async with store.session() as session:
            report = await reload_data(session=session, data_dir=copy)
            assert report.loaded and not report.refused
            assert report.kept_seasons == [2031]
            assert (await season_of(session, 2031)).source == "entered by mod:bob"
            assert (await session.get(Revision, made_id)) is not None
            assert (await fixture_of(session, 2024, 2)).home_score == 2
            assert (await current_team_index(session)).match("Brand New FC").team == "Brand New FC"

            # A fixture that data/ no longer has is kept (and counted), never deleted: merged directly,
            # since data/ without it would fail its checks, and rolled back.
            seasons = [facts for facts in read_all(copy) if facts.year == 2024]
            seasons[0].fixtures = [f for f in seasons[0].fixtures if f.number != 98]
            kept = await merge_seasons(session=session, seasons=seasons, rules=[])
            assert kept.seasons[0].kept == [98] and kept.store_version is None  # nothing changed
            assert (await fixture_of(session, 2024, 98)).home_score == 3
            await session.rollback()

        status, listed = await asyncio.to_thread(check_data, empty_url, copy, capsys)
        assert status == 0, listed
        assert "2031: in the store only (moderators made or changed it)" in listed
    finally:
        await store.close()
