"""A damaged data/ is never loaded: the store keeps serving its last good version, and says why at ERROR.

Every case starts from a store loaded from a private copy of data/ (SQLite and PostgreSQL), damages the copy
the way a person or a failed copy would, reopens the store on it (as a bot start does), and then asks the
questions a fan would: the answers must be those of the good data.
"""

from __future__ import annotations

import asyncio
import logging
import shutil
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import pytest_asyncio
from sqlalchemy import func, text, update
from sqlmodel import select

import bot.__main__ as cli
from bot.answers.path import path
from bot.answers.qualifiers import qualifiers
from bot.settings import Settings
from bot.store.engine import Store
from bot.store.loader import ensure_loaded
from bot.store.models import Bye, Entry, Fixture, Season
from tests.conftest import BACKENDS, DATA, drop_database, fresh_database_url
from tests.store.test_store import store_on_copy

FIXTURES_2024 = "seasons/2024/fixtures.csv"


@dataclass
class Loaded:
    """A database loaded from `copy`, a private copy of data/ that a test may damage (and must restore)."""

    url: str
    copy: Path

    def restore(self) -> None:
        if self.copy.exists():
            shutil.rmtree(self.copy)
        shutil.copytree(DATA, self.copy)

    async def repair(self) -> None:
        """The committed data/ back in the copy, and in the store should a test have let damage in."""
        self.restore()
        await (await Store(self.url, self.copy).open()).close()


@pytest_asyncio.fixture(scope="module", params=BACKENDS)
async def loaded(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Loaded]:
    tmp = tmp_path_factory.mktemp(f"damaged-{request.param}")
    url = await fresh_database_url(request.param, tmp)
    store, copy = await store_on_copy(url, DATA, tmp)
    await store.close()
    yield Loaded(url, copy)
    await drop_database(url)


@dataclass
class Served:
    """What the store answers: the facts a damaged data/ would have changed."""

    seasons: list[int]
    fixtures: int
    entries: int
    byes: int
    folsom_2024: str
    qualifiers_2024: int
    qualifiers_2017: int


GOOD = Served(
    seasons=[2017, 2024],
    fixtures=98 + 46,
    entries=112 + 102,
    byes=67 + 8,
    folsom_2024="qualified",
    qualifiers_2024=14,
    qualifiers_2017=56,
)


async def served(store: Store) -> Served:
    async with store.session() as session:
        years = sorted((await session.exec(select(Season.year))).all())

        async def rows(table: type) -> int:
            return int(await session.scalar(select(func.count()).select_from(table)) or 0)

        counts = [await rows(table) for table in (Fixture, Entry, Bye)]
        folsom = await path(session, team="folsom", season=2024) if 2024 in years else None
        listed = {year: len((await qualifiers(session, season=year)).qualifiers) for year in years}
    return Served(
        seasons=years,
        fixtures=counts[0],
        entries=counts[1],
        byes=counts[2],
        folsom_2024=folsom.status if folsom else "no season",
        qualifiers_2024=listed.get(2024, 0),
        qualifiers_2017=listed.get(2017, 0),
    )


def cut_to_header(copy: Path) -> None:
    fixtures = copy / FIXTURES_2024
    fixtures.write_text(fixtures.read_text().split("\n", 1)[0] + "\n")


def cut_mid_line(copy: Path) -> None:
    fixtures = copy / FIXTURES_2024
    content = fixtures.read_bytes()
    end_of_a_middle_line = content.index(b"\n", len(content) // 2)
    fixtures.write_bytes(content[: end_of_a_middle_line - 30])  # well inside the line: fields are lost


def cut_inside_last_field(copy: Path) -> None:
    byes = copy / "seasons/2024/byes.csv"
    byes.write_bytes(byes.read_bytes()[:-4])  # "...,listed\n" becomes "...,lis": every field still there


def extra_field(copy: Path) -> None:
    teams = copy / "seasons/2024/teams.csv"
    teams.write_text(teams.read_text().replace("SF Vikings SC,", "SF Vikings, SC,", 1))


def byes_cut_to_header(copy: Path) -> None:
    byes = copy / "seasons/2024/byes.csv"
    byes.write_text(byes.read_text().split("\n", 1)[0] + "\n")


def season_toml_removed(copy: Path) -> None:
    (copy / "seasons/2024/season.toml").unlink()


def season_toml_without_rounds(copy: Path) -> None:
    toml = copy / "seasons/2024/season.toml"
    toml.write_text(toml.read_text().split("[[rounds]]", 1)[0])  # valid TOML, cut at a line's end


def season_folder_removed(copy: Path) -> None:
    shutil.rmtree(copy / "seasons/2017")


def data_dir_emptied(copy: Path) -> None:
    shutil.rmtree(copy)
    copy.mkdir()


def data_dir_missing(copy: Path) -> None:
    shutil.rmtree(copy)


# damage → (the file the ERROR names, the check it names)
DAMAGES: dict[str, tuple[Callable[[Path], None], str, str]] = {
    "fixtures cut to header": (cut_to_header, FIXTURES_2024, "[stated figures]"),
    "fixtures cut mid-line": (cut_mid_line, FIXTURES_2024, "[fields per line]"),
    "byes cut in the last field": (cut_inside_last_field, "seasons/2024/byes.csv", "[cut short]"),
    "a row with an extra field": (extra_field, "seasons/2024/teams.csv", "[fields per line]"),
    "byes cut to header": (byes_cut_to_header, "seasons/2024/byes.csv", "[stated figures]"),
    "season.toml removed": (season_toml_removed, "seasons/2024/season.toml", "[missing file]"),
    "season.toml cut before its rounds": (season_toml_without_rounds, "seasons/2024/season.toml", "[rounds]"),
    "a season folder removed": (season_folder_removed, "seasons/2017", "[season missing from data/]"),
    "data/ emptied": (data_dir_emptied, "seasons/2017", "[season missing from data/]"),
    "data/ missing": (data_dir_missing, "data", "[data folder]"),
}


def error_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        record.getMessage()
        for record in caplog.records
        if record.name == "bot.store.loader" and record.levelno == logging.ERROR
    ]


@pytest.mark.parametrize("damage", list(DAMAGES))
async def test_damaged_data_is_refused(loaded: Loaded, damage: str, caplog: pytest.LogCaptureFixture) -> None:
    """The store reopened on damaged data/ answers as before; the log names the file and the failed check."""
    harm, file, check = DAMAGES[damage]
    harm(loaded.copy)
    try:
        with caplog.at_level(logging.INFO, logger="bot.store.loader"):
            store = await Store(loaded.url, loaded.copy).open()
        try:
            assert await served(store) == GOOD
        finally:
            await store.close()
    finally:
        await loaded.repair()
    errors = error_lines(caplog)
    assert errors, "no ERROR logged"
    assert "not loaded" in errors[0] and "keeps serving" in errors[0]
    assert any(f"{file}: {check}" in line for line in errors), errors


async def test_committed_data_still_loads_and_a_repair_is_loaded(
    loaded: Loaded, caplog: pytest.LogCaptureFixture
) -> None:
    """The known source disagreements (413 against 418 goals) never block loading; after a refusal, data/
    that passes its checks again (here with one corrected score) is loaded on the next open."""
    with caplog.at_level(logging.INFO, logger="bot.store.loader"):
        store = await Store(loaded.url, loaded.copy).open()
        await store.close()
    assert error_lines(caplog) == []
    cut_to_header(loaded.copy)
    try:
        store = await Store(loaded.url, loaded.copy).open()
        await store.close()
        loaded.restore()
        fixtures = loaded.copy / FIXTURES_2024
        fixtures.write_text(
            fixtures.read_text().replace(
                ",FC Folsom,UPSL,Inter San Francisco,SFSFL,4,2,",
                ",FC Folsom,UPSL,Inter San Francisco,SFSFL,5,2,",
            )
        )
        store = await Store(loaded.url, loaded.copy).open()
        try:
            async with store.session() as session:
                scores = (
                    await session.exec(
                        select(Fixture.home_score, Fixture.away_score).where(
                            Fixture.round == 4, Fixture.home_score == 5
                        )
                    )
                ).all()
            assert scores == [(5, 2)]
            assert await served(store) == GOOD
        finally:
            await store.close()
    finally:
        await loaded.repair()


async def test_a_start_on_unchanged_data_does_not_parse_it_again(
    loaded: Loaded, monkeypatch: pytest.MonkeyPatch
) -> None:
    """data/ byte for byte the version the store loaded: the files are read and hashed, not parsed or checked
    again (a parse fails this test). One byte changed: data/ is parsed and checked again before a load."""
    await (await Store(loaded.url, loaded.copy).open()).close()  # the store holds this data/

    def parsed(*, data_dir: Path) -> None:
        raise AssertionError(f"{data_dir} parsed again")

    monkeypatch.setattr("bot.store.loader.check_data", parsed)
    store = await Store(loaded.url, loaded.copy).open()
    try:
        assert await served(store) == GOOD
    finally:
        await store.close()
    fixtures = loaded.copy / FIXTURES_2024
    fixtures.write_bytes(fixtures.read_bytes() + b"\n")
    changed = Store(loaded.url, loaded.copy)
    try:
        with pytest.raises(AssertionError, match="parsed again"):
            await changed.open()
    finally:
        await changed.close()
        monkeypatch.undo()
        await loaded.repair()


async def test_a_damaged_reload_in_a_running_process_keeps_the_store(
    loaded: Loaded, caplog: pytest.LogCaptureFixture
) -> None:
    """A reload through `ensure_loaded` on an open store (no new process) refuses the same way."""
    store = Store(loaded.url, loaded.copy)
    try:
        season_toml_removed(loaded.copy)
        async with store.session() as session:
            with caplog.at_level(logging.ERROR, logger="bot.store.loader"):
                assert await ensure_loaded(session, loaded.copy) is False
        assert await served(store) == GOOD
        assert any("seasons/2024/season.toml: [missing file]" in line for line in error_lines(caplog))
    finally:
        await store.close()
        await loaded.repair()


# check-data looks at the store too --------------------------------------------------------------------


def check_data(url: str, data: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    settings = Settings(_env_file=None, database_url=url, data_dir=data)
    original = cli.get_settings
    cli.get_settings = lambda: settings  # type: ignore[assignment]
    try:
        status = cli.main(["check-data"])
    finally:
        cli.get_settings = original
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    return status, captured.out + captured.err


async def test_check_data_compares_the_store(loaded: Loaded, capsys: pytest.CaptureFixture[str]) -> None:
    """A store that matches data/ checks clean; a result changed behind the bot's back is an error."""
    status, report = await asyncio.to_thread(check_data, loaded.url, loaded.copy, capsys)
    assert status == 0, report
    assert "store: 2024: 98 fixtures, as in data/" in report
    assert "store: 2017: 46 fixtures, as in data/" in report
    integrity = "PRAGMA integrity_check: ok" if loaded.url.startswith("sqlite") else "every table read"
    assert integrity in report

    store = Store(loaded.url, loaded.copy)
    try:
        async with store.session() as session:
            season = (await session.exec(select(Season).where(Season.year == 2024))).one()
            connection = await session.connection()
            await connection.execute(
                update(Fixture)
                .where(Fixture.season_id == season.id, Fixture.number == 1)
                .values(away_score=7)
            )
            await session.commit()
        status, report = await asyncio.to_thread(check_data, loaded.url, loaded.copy, capsys)
        assert status == 1
        assert (
            "store: [store facts] 2024: fixture 1 differs from data/ (away_score: store 7, data/ 1)" in report
        )
    finally:
        async with store.session() as session:
            connection = await session.connection()
            await connection.execute(
                update(Fixture).where(Fixture.number == 1, Fixture.away_score == 7).values(away_score=1)
            )
            await session.commit()
        await store.close()


async def test_check_data_names_a_season_only_the_store_has(
    loaded: Loaded, capsys: pytest.CaptureFixture[str]
) -> None:
    """A season the store serves but data/ lacks is an error of check-data, as it is of the loader."""
    season_folder_removed(loaded.copy)
    try:
        status, report = await asyncio.to_thread(check_data, loaded.url, loaded.copy, capsys)
    finally:
        loaded.restore()
    assert status == 1
    assert "seasons/2017: [season missing from data/]" in report


async def test_check_data_uses_amcheck_when_installed(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """On PostgreSQL with the amcheck extension, every B-tree index of the store is verified too."""
    url = await fresh_database_url("postgresql", tmp_path)
    try:
        store = Store(url, DATA)
        await store.open()
        async with store.engine.begin() as connection:
            await connection.execute(text("CREATE EXTENSION IF NOT EXISTS amcheck"))
        await store.close()
        status, report = await asyncio.to_thread(check_data, url, DATA, capsys)
        assert status == 0, report
        assert "amcheck: every index of the store verified" in report
    finally:
        await drop_database(url)


async def test_check_data_reports_a_corrupt_sqlite_store(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A SQLite file with a damaged page: PRAGMA integrity_check's findings are errors, not a traceback."""
    database = tmp_path / "corrupt.sqlite3"
    url = f"sqlite+aiosqlite:///{database}"
    store = Store(url, DATA)
    await store.open()
    async with store.engine.connect() as connection:
        page_size = (await connection.execute(text("PRAGMA page_size"))).scalar_one()
        root = (
            await connection.execute(
                text("SELECT rootpage FROM sqlite_master WHERE name = 'ix_fixture_round'")
            )
        ).scalar_one()
        await connection.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    await store.close()
    with database.open("r+b") as handle:  # scribble over the index's root page, past its page header
        handle.seek((root - 1) * page_size + 16)
        handle.write(b"\xa5" * (page_size - 32))
    status, report = await asyncio.to_thread(check_data, url, DATA, capsys)
    assert status == 1
    assert "store: [store integrity]" in report
