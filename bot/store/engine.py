"""The async engine and sessions, schema migration, and first-use loading of data/."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import event, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.pool import ConnectionPoolEntry
from sqlmodel.ext.asyncio.session import AsyncSession

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
MIGRATION_LOCK = 7_202_410  # advisory-lock number: one process migrates a shared PostgreSQL at a time
_migrating = asyncio.Lock()  # Alembic keeps module-global state: one migration per process at a time


def alembic_config(url: str | None = None) -> Config:
    """An Alembic configuration pointing at the project's migrations."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if url:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def _sqlite_pragmas(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def make_engine(url: str) -> AsyncEngine:
    """An async engine for `url`; SQLite gets WAL, foreign keys and a busy timeout."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url, connect_args={"timeout": 5})
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    return create_async_engine(url, pool_pre_ping=True)


class Store:
    """One database: its engine, its sessions, and the data/ it was loaded from."""

    def __init__(self, url: str, data_dir: Path) -> None:
        """Prepare a store for `url`, to be filled from `data_dir`."""
        self.url = url
        self.data_dir = data_dir
        self.engine = make_engine(url)
        # Each session carries the data folder, so answers read files (the rules) from this store's own data/.
        self.sessions = async_sessionmaker(
            self.engine, class_=AsyncSession, expire_on_commit=False, info={"data_dir": data_dir}
        )

    async def migrate(self) -> None:
        """Bring the schema to the newest migration."""

        def upgrade(connection: Connection) -> None:
            config = alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, "head")

        async with _migrating, self.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                await connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
            await connection.run_sync(upgrade)

    async def open(self) -> Store:
        """Migrate, and load data/ if the store does not hold this version of it yet."""
        from bot.store.loader import ensure_loaded

        await self.migrate()
        async with self.session() as session:
            await ensure_loaded(session, self.data_dir)
        return self

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A session; committed by whoever writes."""
        async with self.sessions() as session:
            yield session

    async def get_meta(self, key: str) -> str | None:
        """A small fact about the store (see `StoreMeta`)."""
        from bot.store.models import StoreMeta

        async with self.session() as session:
            row = await session.get(StoreMeta, key)
            return row.value if row else None

    async def set_meta(self, key: str, value: str) -> None:
        """Record a small fact about the store."""
        from bot.store.models import StoreMeta

        async with self.session() as session:
            await session.merge(StoreMeta(key=key, value=value))
            await session.commit()

    async def close(self) -> None:
        """Release every connection."""
        await self.engine.dispose()


@asynccontextmanager
async def open_store(url: str, data_dir: Path) -> AsyncIterator[Store]:
    """Open a store for the length of a `with` block and close it afterwards."""
    store = Store(url, data_dir)
    try:
        yield await store.open()
    finally:
        await store.close()
