"""Shared fixtures: the seeds, data/, and a loaded store on each backend (SQLite, PostgreSQL)."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from sqlalchemy import make_url, text
from sqlalchemy.ext.asyncio import create_async_engine

from bot.store.engine import Store

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"
DATA = ROOT / "data"
SEED_2024 = "000_789a3d893517aefb.txt"
SEED_2017 = "001_40227375bb590b15.txt"
BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="session")
def seeds() -> Path:
    """The seed documents beside the project; tests that need them skip, saying why, when absent."""
    if not (SEEDS / SEED_2024).is_file():
        pytest.skip(f"the seed documents are not at {SEEDS} (../shared is absent)")
    return SEEDS


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """The project's committed data/."""
    return DATA


def postgres_url() -> str | None:
    """The PostgreSQL server to test against; required when OPENCUP_REQUIRE_POSTGRES is set (as in CI)."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url and os.environ.get("OPENCUP_REQUIRE_POSTGRES"):
        pytest.fail(
            "TEST_DATABASE_URL is not set but OPENCUP_REQUIRE_POSTGRES is: the PostgreSQL lane must run"
        )
    return url


async def fresh_database_url(backend: str, tmp: Path) -> str:
    """A URL for an empty database on `backend` (a new file, or a new PostgreSQL database)."""
    if backend == "sqlite":
        return f"sqlite+aiosqlite:///{tmp / f'opencup-{uuid.uuid4().hex[:8]}.sqlite3'}"
    server = postgres_url()
    if not server:
        pytest.skip("no PostgreSQL server: set TEST_DATABASE_URL (.ci/postgres.sh start sets one up)")
    name = f"opencup_test_{uuid.uuid4().hex[:10]}"
    admin = create_async_engine(server, isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        await connection.execute(text(f'CREATE DATABASE "{name}"'))
    await admin.dispose()
    return make_url(server).set(database=name).render_as_string(hide_password=False)


async def drop_database(url: str) -> None:
    """Remove a PostgreSQL test database made by `fresh_database_url` (SQLite files go with tmp)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        return
    admin = create_async_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        await connection.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
    await admin.dispose()


@pytest_asyncio.fixture(scope="session", params=BACKENDS)
async def store(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Store]:
    """A store loaded from data/ on first use, on each backend; shared by read-only tests."""
    url = await fresh_database_url(request.param, tmp_path_factory.mktemp(request.param))
    opened = Store(url, DATA)
    await opened.open()
    yield opened
    await opened.close()
    await drop_database(url)


@pytest_asyncio.fixture(params=BACKENDS)
async def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """An empty database on each backend, for tests that write."""
    url = await fresh_database_url(request.param, tmp_path)
    yield url
    await drop_database(url)


@pytest_asyncio.fixture(scope="session")
async def moderated_templates(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[dict[str, str]]:
    """The `moderated` store as first built on each backend, copied for every test that asks for one.

    Built once (a SQLite file; a PostgreSQL database used as a template): copying it is a fraction of the
    time loading data/ takes, and every test still gets a store of its own.
    """
    templates: dict[str, str] = {}
    templates["folder"] = str(tmp_path_factory.mktemp("moderated-template"))
    yield templates
    for backend, url in templates.items():
        if backend == "postgresql":
            await drop_database(url)


async def _moderated_copy(templates: dict[str, str], backend: str, folder: Path, tmp_path: Path) -> str:
    """A new database holding the moderated store (built into the template on first use)."""
    if backend not in templates:
        url = await fresh_database_url(backend, Path(templates["folder"]))
        built = await Store(url, folder).open()
        await built.close()
        templates[backend] = url
    template = templates[backend]
    if backend == "sqlite":
        copy = tmp_path / f"moderated-{uuid.uuid4().hex[:8]}.sqlite3"
        shutil.copyfile(make_url(template).database or "", copy)
        return f"sqlite+aiosqlite:///{copy}"
    server = postgres_url()
    assert server is not None
    name = f"opencup_test_{uuid.uuid4().hex[:10]}"
    admin = create_async_engine(server, isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        await connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{make_url(template).database}"'))
    await admin.dispose()
    return make_url(server).set(database=name).render_as_string(hide_password=False)


@pytest_asyncio.fixture(params=BACKENDS)
async def moderated(
    request: pytest.FixtureRequest, moderated_templates: dict[str, str], data_dir: Path, tmp_path: Path
) -> AsyncIterator[Store]:
    """A writable store on each backend: 2017 as played, 2024 cut back to after round 2 (round 3 drawn,
    round 4 drawn as 'winner of N'), for tests of moderators' writes. Each test has its own copy."""
    from bot.seasons.datafiles import read_season, write_season
    from tests.support.season_in_progress import cut_after_round

    backend = request.param
    if backend == "postgresql" and not postgres_url():
        pytest.skip("no PostgreSQL server: set TEST_DATABASE_URL (.ci/postgres.sh start sets one up)")
    folder = tmp_path / "data"
    shutil.copytree(data_dir, folder)
    cut = cut_after_round(read_season(folder / "seasons" / "2024"), 2)
    shutil.rmtree(folder / "seasons" / "2024")
    write_season(cut, folder)
    url = await _moderated_copy(moderated_templates, backend, folder, tmp_path)
    store = await Store(url, folder).open()
    yield store
    await store.close()
    await drop_database(url)
