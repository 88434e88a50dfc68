"""The store version: one number, bumped in the same transaction as every write to the facts.

Everything cached from the store (the team index, answers, pictures) is keyed on it, so no answer is stale
after a write. This module is the one place the version is read and bumped.

On PostgreSQL the bump also notifies the channel `CHANGES_CHANNEL` (`pg_notify`, in the same transaction, so
the notice goes out when the write commits and never for one rolled back): every bot process listens there
(`bot.store.listen`) and refreshes what it caches at once, instead of finding out at its next question.
"""

from __future__ import annotations

import json

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
CHANGES_CHANNEL = "opencup_store"  # the one channel every write notifies and every bot process listens on
_NOTIFY = text("SELECT pg_notify(:channel, :payload)")


async def store_version(session: AsyncSession) -> int:
    """The store's version now (0 for a store that has never been written)."""
    connection = await session.connection()  # read the row itself, never a copy the session holds
    value = (
        await connection.execute(select(col(StoreMeta.value)).where(StoreMeta.key == STORE_VERSION_KEY))
    ).scalar_one_or_none()
    return int(value) if value is not None else 0


async def bump_version(session: AsyncSession, *, what: str = "facts") -> int:
    """Raise the version by one inside the caller's transaction and return the new number.

    The row is updated in place (an UPDATE takes the row's write lock on PostgreSQL, and SQLite's writer
    lock), so two writers committing at once get two different versions, never the same one twice.
    `what` names the change in the notice other processes hear (see `bump_version_on`).
    """
    session.info[WRITING] = True
    connection = await session.connection()
    return await connection.run_sync(bump_version_on, what=what)


def bump_version_on(connection: Connection, *, what: str = "facts") -> int:
    """`bump_version` on a synchronous connection, inside its transaction (the writes' one-hand-off path).

    On PostgreSQL it notifies `CHANGES_CHANNEL` with `{"version": N, "what": what}`; PostgreSQL sends the
    notice when the transaction commits, after the change is visible to every other connection.
    """
    updated = run(connection, _BUMP, {"key": STORE_VERSION_KEY}).fetchall()
    if updated:
        version = int(updated[0][0])
    else:
        run(connection, _FIRST, {"key": STORE_VERSION_KEY})
        version = 1
    if connection.dialect.name == "postgresql":
        notice = json.dumps({"version": version, "what": what})
        run(connection, _NOTIFY, {"channel": CHANGES_CHANNEL, "payload": notice})
    return version
