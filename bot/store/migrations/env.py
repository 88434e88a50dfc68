"""Alembic environment: runs on a connection the store hands over, or on DATABASE_URL from the CLI.

Either way the whole upgrade is one transaction (`in_one_transaction`: on SQLite, DDL included), which
Alembic joins rather than opening its own; so a kill leaves the old schema or the new one.
"""

import asyncio

from alembic import context
from sqlmodel import SQLModel

from bot.store import models, processes  # noqa: F401  (registers the tables)
from bot.store.engine import in_one_transaction, make_engine

target_metadata = SQLModel.metadata


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_online(url: str) -> None:
    engine = make_engine(url)
    async with engine.connect() as connection:
        await connection.run_sync(in_one_transaction, _run)
    await engine.dispose()


connection = context.config.attributes.get("connection")
if connection is not None:
    _run(connection)
elif context.is_offline_mode():
    context.configure(url=context.config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata)
    with context.begin_transaction():
        context.run_migrations()
else:
    asyncio.run(_run_online(context.config.get_main_option("sqlalchemy.url")))
