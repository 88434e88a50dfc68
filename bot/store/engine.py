"""The async engine and sessions, schema migration, and first-use loading of data/.

An SQLite store survives faults: its schema is migrated in one transaction (a kill leaves the old schema or
the new one), processes that open it at the same time take turns (a lock file beside it), a damaged file is
named in a `DamagedStore` error, and `rebuild_sqlite` builds a new file from data/ and swaps it in.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import sqlite3
import sys
import threading
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager, closing, suppress
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from queue import SimpleQueue
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar, cast

from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import Connection, Dialect, Engine, make_url
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.pool import ConnectionPoolEntry
from sqlmodel.ext.asyncio.session import AsyncSession

import bot.store.processes  # noqa: F401  (its table, the running processes, is part of the schema)

if TYPE_CHECKING:
    from alembic.config import Config

    from bot.store.model import StoreModel

log = logging.getLogger(__name__)
T = TypeVar("T")
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
MIGRATION_LOCK = 7_202_410  # advisory-lock number: one process migrates a shared PostgreSQL at a time
_migrating = asyncio.Lock()  # Alembic keeps module-global state: one migration per process at a time
LOCK_POLL = 0.02  # seconds between attempts at a lock file another process holds
SIDECARS = ("-wal", "-shm", "-journal")  # SQLite's own files beside a database, which belong to it
REBUILD_COMMAND = "python -m bot rebuild"


class DamagedStore(Exception):
    """The SQLite file holding the store is not a database, or is damaged; data/ can rebuild it."""

    def __init__(self, path: Path, reason: str) -> None:
        """`path` is the file; `reason` what SQLite said about it."""
        super().__init__(path, reason)
        self.path = path
        self.reason = reason

    def __str__(self) -> str:
        return (
            f"The store {self.path} is damaged ({self.reason}): rebuild it from data/ with: {REBUILD_COMMAND}"
        )


class StoreInUse(Exception):
    """Another process has the SQLite store open, so its file cannot be replaced."""

    def __init__(self, path: Path) -> None:
        """`path` is the store's file."""
        super().__init__(path)
        self.path = path

    def __str__(self) -> str:
        return (
            f"The store {self.path} is open in another process (a running bot or a console): "
            f"stop it, then run {REBUILD_COMMAND} again."
        )


def sqlite_file(url: str) -> Path | None:
    """The file behind an SQLite `url`; None for PostgreSQL and for SQLite in memory."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    if parsed.query.get("uri") or str(parsed.database).startswith("file:"):
        return None  # an SQLite URI (shared memory and the like): not a plain file of ours
    return Path(str(parsed.database))


def _damage(error: BaseException) -> str | None:
    """What SQLite said, if `error` means the file is not a database or is corrupt; otherwise None."""
    cause = error.orig if isinstance(error, DBAPIError) else error
    if isinstance(cause, sqlite3.DatabaseError) and cause.sqlite_errorname.startswith(
        ("SQLITE_NOTADB", "SQLITE_CORRUPT")
    ):
        return str(cause)
    return None


def _quick_check(path: Path, *, read_only: bool) -> list[str]:
    target = path.resolve().as_uri() + ("?mode=ro" if read_only else "")
    with closing(sqlite3.connect(target, uri=True, timeout=30)) as connection:
        return [str(row[0]) for row in connection.execute("PRAGMA quick_check")]


def check_sqlite_file(path: Path) -> None:
    """Raise `DamagedStore` unless the file at `path` is absent, empty, or a sound SQLite database.

    Sound means SQLite can read it and `PRAGMA quick_check` finds nothing wrong (a millisecond for a store
    of this size). Random bytes and text are "not a database"; a cut file is "malformed". The file is read
    without writing, so nothing beside it (its write-ahead log, which a rebuild keeps with it) is changed;
    except when a process killed mid-transaction left a journal that must be rolled back first, which
    only a writer may do (as the store's own engine would next).
    """
    if not path.is_file() or path.stat().st_size == 0:
        return
    try:
        try:
            findings = _quick_check(path, read_only=True)
        except sqlite3.OperationalError as error:
            if not error.sqlite_errorname.startswith("SQLITE_READONLY"):  # e.g. SQLITE_READONLY_ROLLBACK
                raise
            findings = _quick_check(path, read_only=False)
    except sqlite3.DatabaseError as error:
        reason = _damage(error)
        if reason is None:
            raise
        raise DamagedStore(path, reason) from error
    if findings != ["ok"]:
        raise DamagedStore(path, findings[0])


if sys.platform == "win32":  # no flock: processes are not kept from opening a new store at the same time

    def _flock(fd: int, *, exclusive: bool) -> bool:
        return True

else:
    import fcntl

    def _flock(fd: int, *, exclusive: bool) -> bool:
        try:
            fcntl.flock(fd, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True


class FileLock:
    """An advisory lock (flock) on a small file beside the store.

    The kernel releases it when its holder closes it or dies, so a kill never leaves a stale lock; the file
    itself stays, empty, and means nothing on its own.
    """

    def __init__(self, path: Path) -> None:
        """A lock on `path` (created when first taken)."""
        self.path = path
        self._fd: int | None = None

    def try_acquire(self, *, exclusive: bool) -> bool:
        """Take the lock if no other holder prevents it; returns whether it is now held."""
        if self._fd is not None:
            return True
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        if not _flock(fd, exclusive=exclusive):
            os.close(fd)
            return False
        self._fd = fd
        return True

    async def acquire(self, *, exclusive: bool) -> None:
        """Take the lock, waiting (without blocking the event loop) while another process holds it."""
        while True:  # flock cannot be awaited: poll
            if self.try_acquire(exclusive=exclusive):
                return
            await asyncio.sleep(LOCK_POLL)

    def release(self) -> None:
        """Let go of the lock, if held."""
        if self._fd is not None:
            fd, self._fd = self._fd, None
            os.close(fd)


def in_use(path: Path) -> bool:
    """Whether some process has the SQLite store at `path` open (a bot, a console)."""
    users = users_lock(path)
    if users.try_acquire(exclusive=True):
        users.release()
        return False
    return True


def gate_lock(path: Path) -> FileLock:
    """The lock that one process at a time holds to create, migrate, load or replace the store at `path`."""
    return FileLock(Path(f"{path}-lock"))


def users_lock(path: Path) -> FileLock:
    """The lock that every process using the store at `path` holds shared, and `rebuild` exclusively."""
    return FileLock(Path(f"{path}-users"))


class _SQLiteDriver(Protocol):
    isolation_level: str | None


def in_one_transaction(connection: Connection, work: Callable[[Connection], None]) -> None:
    """Run `work` on `connection` in one transaction, DDL included, and commit it; roll back on error.

    Python's sqlite3 driver (and aiosqlite on it) begins a transaction only before INSERT, UPDATE and
    DELETE, so each CREATE TABLE would commit on its own and a kill half-way through a migration would leave
    tables without their `alembic_version`. On SQLite the driver's own transaction handling is switched
    off for this one transaction, which is opened with BEGIN IMMEDIATE (it takes the write lock at once);
    on PostgreSQL DDL is transactional anyway, and an advisory lock makes processes migrate in turn.
    """
    if connection.dialect.name == "sqlite":
        driver = cast(_SQLiteDriver, connection.connection.dbapi_connection)
        previous = driver.isolation_level
        driver.isolation_level = None  # (no transaction is open yet, so this commits nothing)
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
            work(connection)
            connection.commit()
        except BaseException:
            connection.rollback()
            raise
        finally:
            driver.isolation_level = previous
        return
    with connection.begin():
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        work(connection)


def migration_head() -> str | None:
    """The newest migration's revision id, read from the migration files without loading Alembic.

    None if the files do not make one line of migrations (then Alembic itself decides).
    """
    revisions: set[str] = set()
    parents: set[str] = set()
    for script in (MIGRATIONS / "versions").glob("*.py"):
        source = script.read_text(encoding="utf-8")
        revision = re.search(r"^revision\b[^=\n]*=\s*['\"]([^'\"]+)['\"]", source, re.MULTILINE)
        parent = re.search(r"^down_revision\b[^=\n]*=\s*['\"]([^'\"]+)['\"]", source, re.MULTILINE)
        if revision is None:
            return None
        revisions.add(revision.group(1))
        if parent is not None:
            parents.add(parent.group(1))
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def at_head(connection: Connection) -> bool:
    """Whether the database's schema is already at the newest migration (so Alembic need not be loaded)."""
    head = migration_head()
    if head is None or not inspect(connection).has_table("alembic_version"):
        return False
    stamped = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    return stamped == [head]


def alembic_config(url: str | None = None) -> Config:
    """An Alembic configuration pointing at the project's migrations."""
    from alembic.config import Config  # Alembic (and Mako) load only when a schema must change: ~11 MiB

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


class SQLiteWriter:
    """The writes' own connection to a SQLite file, kept open, and the one thread that uses it.

    aiosqlite hands every statement, fetch and cursor to its thread and back: a write of six statements
    costs a dozen hand-offs. A write transaction given to `run` costs one, and no pool checkout: its
    connection (same pragmas as the store's) is opened in the writer's thread when first needed and used
    by that thread only. Writes of this process run one after another there, never contending with each
    other for SQLite's write lock; other processes' writers are waited for (busy timeout) as before.

    The hand-off is a queue the thread reads and the caller's own future, settled from the thread through
    the caller's loop: no executor future chained to an asyncio one (a hand-off of nothing, measured here:
    26–65 µs of the loop's CPU, against 80–98 µs through an executor).
    """

    def __init__(self, engine: Engine) -> None:
        """A writer on `engine` (a synchronous engine on the store's file); its thread starts at once."""
        self.engine = engine
        self._jobs: SimpleQueue[_Job[Any] | None] = SimpleQueue()
        self._connection: Connection | None = None
        # A daemon: a process ending without closing its store is not held up by a thread waiting for
        # writes. A transaction cut off that way was never acknowledged, and SQLite rolls it back.
        self._thread = threading.Thread(target=self._serve, name="opencup-writer", daemon=True)
        self._thread.start()

    async def run(self, write: Callable[[Connection], T]) -> T:
        """Run `write` in one transaction in the writer's thread and commit it (roll back if it raises)."""
        loop = asyncio.get_running_loop()
        done: asyncio.Future[T] = loop.create_future()
        self._jobs.put(_Job(loop, done, write))
        return await done

    def _serve(self) -> None:
        while (job := self._jobs.get()) is not None:
            if job.done.cancelled():  # its caller gave up before it began (as an executor skips it)
                continue
            try:
                outcome, failed = self._transaction(job.write), False
            except BaseException as error:  # handed to the caller, whatever it is
                outcome, failed = error, True
            with suppress(RuntimeError):  # raised if the caller's loop is closed: nobody is waiting
                job.loop.call_soon_threadsafe(_settle, job.done, outcome, failed)
        self._close()

    def _transaction(self, write: Callable[[Connection], T]) -> T:
        """`write` in one transaction, committed (rolled back if it raises).

        The write's statements mostly run on the driver's own cursor (bot.store.driver), where SQLite's
        driver begins the transaction at the first change: so it is committed, or rolled back, on the
        driver's connection, without SQLAlchemy's transaction objects around it. A statement the write runs
        through SQLAlchemy itself opens SQLAlchemy's transaction on the same connection: then it is
        SQLAlchemy's commit (or rollback), which ends the driver's transaction too.
        """
        connection = self._connection
        if connection is None or connection.closed or connection.invalidated:
            connection = self._connection = self.engine.connect()
        driver = connection.connection.driver_connection
        if driver is None:  # pragma: no cover - an open connection always has one
            raise RuntimeError("the writer's connection has no driver connection")
        try:
            outcome = write(connection)
            if connection.in_transaction():
                connection.commit()
            else:
                _commit(driver, connection.dialect)
        except BaseException:
            if connection.in_transaction():
                connection.rollback()
            else:
                driver.rollback()
            raise
        return outcome

    def _close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None
        self.engine.dispose()

    async def close(self) -> None:
        """Close the connection (in its own thread, after the writes handed over) and end the thread."""
        self._jobs.put(None)
        await asyncio.to_thread(self._thread.join)


@dataclass(frozen=True)
class _Job(Generic[T]):
    """A write handed to the writer's thread: the caller's loop, the future it waits on, the write."""

    loop: asyncio.AbstractEventLoop
    done: asyncio.Future[T]
    write: Callable[[Connection], T]


def _commit(driver: Any, dialect: Dialect) -> None:
    """Commit on the driver's connection; a refusal comes out as SQLAlchemy's, as from `Connection.commit`."""
    try:
        driver.commit()
    except dialect.loaded_dbapi.Error as error:
        raise DBAPIError.instance(None, None, error, dialect.loaded_dbapi.Error, dialect=dialect) from error


def _settle(done: asyncio.Future[Any], outcome: Any, failed: bool) -> None:
    """In the caller's loop: hand the write's outcome to its future (unless the caller gave up waiting)."""
    if done.cancelled():
        return
    if failed:
        done.set_exception(outcome)
    else:
        done.set_result(outcome)


_WRITERS: weakref.WeakKeyDictionary[Engine, SQLiteWriter] = weakref.WeakKeyDictionary()


def sqlite_writer(engine: AsyncEngine) -> SQLiteWriter | None:
    """The writer (`SQLiteWriter`) on the same SQLite file as `engine` (None on other databases)."""
    if engine.dialect.name != "sqlite":
        return None
    writer = _WRITERS.get(engine.sync_engine)
    if writer is None:
        url = engine.url.set(drivername="sqlite")
        sync = create_engine(url, connect_args={"timeout": 5, "check_same_thread": False})
        event.listen(sync, "connect", _sqlite_pragmas)
        writer = _WRITERS[engine.sync_engine] = SQLiteWriter(sync)
    return writer


async def dispose_sqlite_writer(engine: AsyncEngine) -> None:
    """Close `engine`'s writer, if it has one."""
    writer = _WRITERS.pop(engine.sync_engine, None)
    if writer is not None:
        await writer.close()


# A forked process has none of its parent's threads: its writes start a writer of their own.
os.register_at_fork(after_in_child=_WRITERS.clear)


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


async def to_the_end(work: Awaitable[T]) -> T:
    """Await `work` to its end even if the caller is cancelled meanwhile; then the cancellation goes on.

    For what must not be cut off half-way: a commit whose outcome would be unknown, a connection whose
    return to the pool (its reset) would be abandoned.
    """
    task = asyncio.ensure_future(work)
    interrupted: asyncio.CancelledError | None = None
    while not task.done():
        try:
            await asyncio.wait((task,))  # (waiting is cancelled, never the work)
        except asyncio.CancelledError as error:
            interrupted = error
    if interrupted is not None:
        if not task.cancelled():
            task.exception()  # looked at: the caller's cancellation is what goes on
        raise interrupted
    return task.result()


class StoreSession(AsyncSession):
    """The store's sessions: sqlmodel's own, with a commit that is never cut off half-way."""

    async def commit(self) -> None:
        """Commit; a caller cancelled meanwhile is cancelled once the commit is over, never half-way.

        A task stopped at shutdown while it commits: the outcome is then the database's, and the connection
        is back in the pool in good order, instead of an abandoned reset logged as an error.
        """
        await to_the_end(super().commit())


IDLE_SESSIONS = 8  # unused sessions a store keeps to hand out again


class Store:
    """One database: its engine, its sessions, and the data/ it was loaded from."""

    def __init__(self, url: str, data_dir: Path) -> None:
        """Prepare a store for `url`, to be filled from `data_dir`."""
        self.url = url
        self.data_dir = data_dir
        self.path = sqlite_file(url)  # None on PostgreSQL
        self._users = users_lock(self.path) if self.path else None
        self.engine = make_engine(url)
        # Each session carries the data folder, so answers read files (the rules) from this store's own data/.
        self._info = {"data_dir": data_dir}
        self.sessions = async_sessionmaker(
            self.engine, class_=StoreSession, expire_on_commit=False, info=self._info
        )
        self._idle: list[AsyncSession] = []  # sessions that did nothing, handed out again (`session`)

    async def migrate(self) -> None:
        """Bring the schema to the newest migration, in one transaction.

        Raises `DamagedStore` if the SQLite file is damaged.
        """
        async with self._first_use():
            await self._upgrade()

    async def open(self) -> Store:
        """Migrate, and load data/ if the store does not hold this version of it yet.

        On an SQLite file, processes opening the store at the same time take turns, so one creates and
        loads it and the others find it ready. Raises `DamagedStore` if the file is damaged.
        """
        from bot.store.loader import ensure_loaded

        async with self._first_use():
            await self._upgrade()
            async with self.session() as session:
                await ensure_loaded(session, self.data_dir)
        return self

    async def _upgrade(self) -> None:
        def upgrade(connection: Connection) -> None:
            if at_head(connection):
                return
            from alembic import command

            config = alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, "head")

        async with _migrating, self.engine.connect() as connection:
            await connection.run_sync(in_one_transaction, upgrade)

    @asynccontextmanager
    async def _first_use(self) -> AsyncIterator[None]:
        """Around migrating and loading: on an SQLite file, one process at a time, and a damaged file named.

        The gate lock beside the file is held throughout; this process is marked as a user of the store
        (until `close`); the file is checked; and SQLite's word that the file is damaged becomes a
        `DamagedStore` naming it. PostgreSQL serialises with advisory locks instead.
        """
        if self.path is None or self._users is None:
            yield
            return
        gate = gate_lock(self.path)
        if not gate.try_acquire(exclusive=True):
            log.info(
                "another process is creating, migrating or loading the store %s: waiting for it", self.path
            )
            await gate.acquire(exclusive=True)
        try:
            await self._users.acquire(exclusive=False)  # no wait: only a rebuild (under the gate) excludes it
            await asyncio.to_thread(check_sqlite_file, self.path)
            try:
                yield
            except DBAPIError as error:
                reason = _damage(error)
                if reason is None:
                    raise
                raise DamagedStore(self.path, reason) from error
        finally:
            gate.release()

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A session; committed by whoever writes. It is not to be used after its `async with` block.

        A session that never began a transaction and holds no object (an answer made from the model in
        memory) has nothing to close, and is as good as new: it is kept (a few at most) and handed out
        again, with its `info` as a new one's (making one is a good part of such an answer). Any other is
        closed as `async with` closes it (transaction rolled back, objects let go) and never used again.
        """
        session = self._idle.pop() if self._idle else self.sessions()
        try:
            yield session
        finally:
            if session.in_transaction() or session.identity_map:  # (adding an object begins one)
                await session.__aexit__(None, None, None)  # closed to the end, even if cancelled meanwhile
            elif len(self._idle) < IDLE_SESSIONS:
                session.info.clear()
                session.info.update(self._info)
                self._idle.append(session)

    async def model(self) -> StoreModel:
        """The facts in memory at the store's version (bot.store.model), without a session when fresh."""
        from bot.store.model import model_of

        return await model_of(self.engine)

    async def version(self) -> int:
        """The store version now, which every cache of the store's facts is keyed on (bot.store.version)."""
        from bot.store.version import store_version

        async with self.session() as session:
            return await store_version(session)

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
        """Release every connection (and, on SQLite, this process's claim on the file)."""
        self._idle.clear()
        await dispose_sqlite_writer(self.engine)
        await self.engine.dispose()
        if self._users is not None:
            self._users.release()


@asynccontextmanager
async def open_store(url: str, data_dir: Path) -> AsyncIterator[Store]:
    """Open a store for the length of a `with` block and close it afterwards."""
    store = Store(url, data_dir)
    try:
        yield await store.open()
    finally:
        await store.close()


@dataclass(frozen=True)
class Rebuilt:
    """What `rebuild_sqlite` did: the store's file, where the old one was kept, and what was wrong with it."""

    path: Path
    kept: Path | None  # None when there was no old file
    damage: str | None  # None when the old file was sound (or absent)


def _remove_with_sidecars(path: Path) -> None:
    for name in (str(path), *(f"{path}{suffix}" for suffix in (*SIDECARS, "-lock", "-users"))):
        Path(name).unlink(missing_ok=True)


def _seal(path: Path) -> None:
    """Fold a closed store's write-ahead log into its file and flush it to disk, so the file stands alone."""
    with closing(sqlite3.connect(path)) as connection:
        connection.execute("PRAGMA journal_mode=DELETE")  # checkpoints the WAL and removes it
    with path.open("rb+") as file:
        os.fsync(file.fileno())


def _swap_in(path: Path, build: Path, *, damaged: bool) -> Path | None:
    """Move the store at `path` aside under a timestamped name, and `build` into its place.

    Returns the old file's new name, or None if there was none. SQLite's files beside it go with it.

    The old write-ahead log goes first: left beside the new file, SQLite would replay it into it. A kill
    between the steps leaves the old store, the old store as of its last checkpoint, no store (the next
    start builds one from data/), or the new store.
    """
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    kept = path.with_name(f"{path.name}-{'damaged' if damaged else 'old'}-{stamp}")
    number = 1
    while kept.exists():
        number += 1
        kept = path.with_name(f"{path.name}-{'damaged' if damaged else 'old'}-{stamp}-{number}")
    moved = False
    for suffix in SIDECARS:
        if Path(f"{path}{suffix}").exists():
            os.replace(f"{path}{suffix}", f"{kept}{suffix}")
            moved = True
    if path.exists():
        os.replace(path, kept)
        moved = True
    os.replace(build, path)
    if sys.platform != "win32":  # make the renames durable
        folder = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)
    return kept if moved else None


async def rebuild_sqlite(url: str, data_dir: Path) -> Rebuilt:
    """Build a new SQLite store from `data_dir` and swap it in for the one at `url`, keeping the old file.

    The new store is built beside the old one under another name, then moved into place, so a kill leaves
    either store, never a half-built one (nor the old file lost). Throughout, the gate lock keeps other
    processes from opening the store (they wait, then open the new one). Changing nothing, it raises
    `DataRefused` if data/ fails the checks of `check-data` (a store built from it would be empty or
    wrong), `StoreInUse` while another process has the store open, and ValueError if `url` is not an
    SQLite file.
    """
    from bot.store.loader import loadable_data

    path = sqlite_file(url)
    if path is None:
        raise ValueError(f"not an SQLite file: {make_url(url).render_as_string()}")
    await asyncio.to_thread(lambda: loadable_data(data_dir=data_dir))
    gate, users = gate_lock(path), users_lock(path)
    await gate.acquire(exclusive=True)
    try:
        if not users.try_acquire(exclusive=True):
            raise StoreInUse(path)
        try:
            try:
                await asyncio.to_thread(check_sqlite_file, path)
                damage = None
            except DamagedStore as found:
                damage = found.reason
            build = path.with_name(f"{path.name}-rebuild")
            _remove_with_sidecars(build)  # what a killed rebuild may have left
            try:
                fresh = Store(
                    make_url(url).set(database=str(build)).render_as_string(hide_password=False), data_dir
                )
                try:
                    await fresh.open()
                finally:
                    await fresh.close()
                await asyncio.to_thread(_seal, build)
                kept = _swap_in(path, build, damaged=damage is not None)
            finally:
                _remove_with_sidecars(build)
        finally:
            users.release()
    finally:
        gate.release()
    return Rebuilt(path=path, kept=kept, damage=damage)
