"""The schema check on open: an up-to-date store opens without loading Alembic; the head agrees with it."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from alembic.script import ScriptDirectory

from bot.store.engine import alembic_config, migration_head
from tests.conftest import DATA, ROOT


def test_the_head_read_from_the_files_is_alembics() -> None:
    """The newest migration, read without Alembic, is the head Alembic itself finds."""
    assert migration_head() == ScriptDirectory.from_config(alembic_config()).get_current_head()


def test_an_up_to_date_store_opens_without_alembic(tmp_path: Path) -> None:
    """A second open of a store (already at the newest migration) never imports Alembic (nor Mako)."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'store.sqlite3'}"
    script = textwrap.dedent(
        f"""
        import asyncio, sys
        from pathlib import Path
        from bot.store.engine import Store

        async def main() -> None:
            store = await Store({url!r}, Path({str(DATA)!r})).open()
            await store.close()
            print("alembic" in sys.modules, "mako" in sys.modules)

        asyncio.run(main())
        """
    )

    def opened() -> str:
        done = subprocess.run(
            [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120, check=True
        )
        return done.stdout.strip()

    assert opened() == "True True"  # a new store: Alembic creates the schema
    assert opened() == "False False"  # at the head: nothing to do, nothing loaded
