"""The `live` bot every end-to-end test talks to (a fresh loopback Discord, the shared loaded store)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.client import OpenCupBot
from bot.store.engine import Store
from tests.support.loopback_discord import LoopbackDiscord
from tests.support.running_bot import running


@pytest.fixture
async def live(store: Store) -> AsyncIterator[tuple[LoopbackDiscord, OpenCupBot]]:
    """The production bot, logged in to a new loopback Discord."""
    async with running(store) as pair:
        yield pair
