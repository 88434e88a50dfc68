"""The store version: one number, bumped in the same transaction as every write to the facts.

Everything cached from the store (the team index, answers, pictures) is keyed on it, so no answer is stale
after a write. This module is the one place the version is read and bumped.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.store.driver import run
from bot.store.models import StoreMeta

STORE_VERSION_KEY = "store_version"
# In a session's info while it holds a version bump it has not committed (cleared at its commit or
# rollback by bot.store.model, which then reads the version again).
WRITING = "opencup_writing"
_BUMP = text(
    "UPDATE storemeta SET value = CAST(CAST(value AS INTEGER) + 1 AS VARCHAR) WHERE key = :key "
    "RETURNING value"
)
_FIRST = text("INSERT INTO storemeta (key, value) VALUES (:key, '1')")


async def store_version(session: AsyncSession) -> int:
    """The store's version now (0 for a store that has never been written)."""
    connection = await session.connection()  # read the row itself, never a copy the session holds
    value = (
        await connection.execute(select(col(StoreMeta.value)).where(StoreMeta.key == STORE_VERSION_KEY))
    ).scalar_one_or_none()
    return int(value) if value is not None else 0


async def bump_version(session: AsyncSession) -> int:
    """Raise the version by one inside the caller's transaction and return the new number.

    The row is updated in place (an UPDATE takes the row's write lock on PostgreSQL, and SQLite's writer
    lock), so two writers committing at once get two different versions, never the same one twice.
    """
    session.info[WRITING] = True
    connection = await session.connection()
    return await connection.run_sync(bump_version_on)


def bump_version_on(connection: Connection) -> int:
    """`bump_version` on a synchronous connection, inside its transaction (the writes' one-hand-off path)."""
    updated = run(connection, _BUMP, {"key": STORE_VERSION_KEY}).fetchall()
    if not updated:
        run(connection, _FIRST, {"key": STORE_VERSION_KEY})
        return 1
    return int(updated[0][0])
