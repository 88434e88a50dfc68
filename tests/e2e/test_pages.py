"""Page buttons hold nothing per message: they turn after any number of answers, and after a restart.

Each ◀ ▶ button carries who asked, the page and the question (cogs/shared/pages.py); a press asks again.
"""

from __future__ import annotations

import discord
import pytest

import cogs.shared.pages as pages_module
from bot.client import OpenCupBot
from bot.render.menus import MENU_FAILED
from bot.settings import Settings
from bot.store.engine import Store
from tests.support.loopback_discord import FakeGuild, FakeUser, LoopbackDiscord
from tests.support.running_bot import APPLICATION, forget_synced_commands, shown_buttons

ASKED = 60  # paged answers asked one after another (more than any number of menus once kept live)


def held_for_messages(bot: discord.Client) -> int:
    """What discord.py holds per message to dispatch presses (views and their items)."""
    store = bot._connection._view_store  # type: ignore[attr-defined]
    return len(store._synced_message_views) + sum(len(items) for items in store._views.values())


def footer(asked) -> str:  # type: ignore[no-untyped-def]
    return str(asked.message.embeds[0]["footer"]["text"])


async def test_many_paged_answers_keep_nothing_and_all_still_turn(live) -> None:
    fake, bot = live
    before = held_for_messages(bot)
    answers = [await fake.slash("round", {"number": 2, "season": 2024}) for _ in range(ASKED)]
    assert held_for_messages(bot) == before  # nothing per message, however many were sent
    assert all("page 1/" in footer(asked) and not asked.edits for asked in answers)  # none greyed out
    for asked in (answers[0], answers[ASKED // 2], answers[-1]):
        turned = await fake.press(asked, shown_buttons(asked)["▶"])
        assert turned.type == 7 and "page 2/" in footer(asked)
        back = await fake.press(asked, shown_buttons(asked)["◀"])
        assert back.type == 7 and "page 1/" in footer(asked)
    assert held_for_messages(bot) == before


async def test_the_last_page_disables_the_next_button_and_the_first_the_previous(live) -> None:
    fake, _bot = live
    asked = await fake.slash("round", {"number": 1, "season": 2024})  # 3 pages
    shown = {c["label"]: c for c in asked.message.iter_components() if "label" in c}
    assert shown["◀"].get("disabled") and not shown["▶"].get("disabled")
    for page in (2, 3):
        await fake.press(asked, shown_buttons(asked)["▶"])
        assert f"page {page}/3" in footer(asked)
    shown = {c["label"]: c for c in asked.message.iter_components() if "label" in c}
    assert shown["▶"].get("disabled") and not shown["◀"].get("disabled")
    assert len({c["custom_id"] for c in shown.values()}) == 2  # custom_ids stay unique in the message


async def test_pages_turn_after_a_restart_and_only_for_the_asker(store: Store) -> None:
    await forget_synced_commands(store)
    async with LoopbackDiscord(
        guilds=[FakeGuild(name="Open Cup fans")],
        users=[FakeUser(name="fan"), FakeUser(name="other fan")],
        bot_user=APPLICATION,
    ) as fake:
        first = OpenCupBot(Settings(), store=store, guild_ready_timeout=0.1)
        async with fake.run(first):
            asked = await fake.slash("qualifiers", {"season": 2024})
            help_asked = await fake.slash("help", {})
            assert "page 1/" in footer(asked)
        second = OpenCupBot(Settings(), store=store, guild_ready_timeout=0.1)  # the bot restarted
        async with fake.run(second):
            turned = await fake.press(asked, shown_buttons(asked)["▶"])
            assert turned.type == 7 and "page 2/" in footer(asked)
            refused = await fake.press(asked, shown_buttons(asked)["◀"], user=fake.users[1])
            assert refused.ephemeral and "Only the person who asked" in (refused.content or "")
            assert "page 2/" in footer(asked)
            if "▶" in shown_buttons(help_asked):  # /help, answered to the asker only, turns too
                await fake.press(help_asked, shown_buttons(help_asked)["▶"])
                assert "page 2/" in footer(help_asked)
        fake.assert_clean()


async def test_a_press_that_fails_is_logged_and_the_presser_told_privately(
    live, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Something unforeseen breaks while a page is drawn: one private sentence, the failure logged whole."""
    fake, _bot = live
    asked = await fake.slash("round", {"number": 2, "season": 2024})

    def broken(_answer: object) -> list[discord.Embed]:
        raise RuntimeError("a page that cannot be drawn")

    monkeypatch.setattr(pages_module, "rendered_pages", broken)
    pressed = await fake.press(asked, shown_buttons(asked)["▶"])
    assert pressed.ephemeral and pressed.content == MENU_FAILED
    [failed] = [r for r in caplog.records if "page press" in r.getMessage() and r.exc_info]
    assert "failed (user" in failed.getMessage() and "a page that cannot be drawn" in str(failed.exc_info[1])
