"""Paged answers do not pile up in the bot's memory (issue 12, item 5).

Each page turner the bot sends is kept (its pages, its message) for as long as it takes presses. Asked
many paged questions in a row, the bot used to keep every turner for its whole timeout; now at most
MAX_LIVE_MENUS take presses at once, the least recently used expiring (greyed out, as a timeout leaves
it) as new ones are sent. An expired turner leaves discord.py's view store and is freed.
"""

from __future__ import annotations

import gc
import sys
import weakref

import discord

import bot.render.menus as menus

LIMIT = 8  # live menus allowed in this test (the bot's own limit is far higher)
ASKED = 30  # paged answers asked for, one after another


def stored_views(bot: discord.Client) -> list[discord.ui.View]:
    """The views discord.py holds for the bot's messages (what keeps a menu alive between presses)."""
    store = bot._connection._view_store  # type: ignore[attr-defined]
    return list(store._synced_message_views.values())


async def test_many_paged_answers_keep_a_bounded_number_of_views(live, monkeypatch) -> None:
    fake, bot = live
    monkeypatch.setattr(menus, "MAX_LIVE_MENUS", LIMIT, raising=False)
    before = len(stored_views(bot))
    answers = []
    menus_seen: list[weakref.ref[discord.ui.View]] = []
    most = 0
    for _ in range(ASKED):
        asked = await fake.slash("round", {"number": 2, "season": 2024})
        assert "page 1/" in asked.embeds[0]["footer"]["text"] and asked.components
        answers.append(asked)
        views = stored_views(bot)
        most = max(most, len(views) - before)
        menus_seen += [weakref.ref(view) for view in views if isinstance(view, menus.AskerMenu)]
        del views
    assert most <= LIMIT, f"{most} views held for {ASKED} paged answers (at most {LIMIT} expected)"

    # The older turners expired as a timeout ends them: greyed out, so that none looks live.
    expired, kept = answers[:-LIMIT], answers[-LIMIT:]
    await fake.wait_until(lambda: all(asked.edits for asked in expired), what="the expired menus greyed out")
    for asked in expired:
        assert all(button.get("disabled") for button in asked.edits[-1]["components"][0]["components"])
    assert not any(asked.edits for asked in kept)
    # The newest ones still turn.
    for asked in (kept[0], kept[-1]):
        buttons = {button["label"]: button for button in asked.components[0]["components"]}
        turned = await fake.press(asked, custom_id=buttons["▶"]["custom_id"])
        assert turned.type == 7 and "page 2/" in turned.embeds[0]["footer"]["text"]

    # Paged answers that time out soon (a short timeout, set here) take the place of the last ones, the
    # least recently used first (kept[0], just turned, goes after kept[1]), then time out too: every menu
    # leaves the view store and is freed.
    monkeypatch.setattr(sys.modules["cogs.shared.replies"], "PAGE_TIMEOUT", 0.2)
    short = [await fake.slash("round", {"number": 2, "season": 2024})]
    await fake.wait_until(lambda: bool(kept[1].edits), what="the least recently used menu greyed out")
    assert not kept[0].edits
    short += [await fake.slash("round", {"number": 2, "season": 2024}) for _ in range(LIMIT - 1)]
    await fake.wait_until(
        lambda: all(asked.edits for asked in kept + short) and len(stored_views(bot)) == before,
        what="every menu greyed out and gone from the view store",
    )
    gc.collect()
    assert [ref for ref in menus_seen if ref() is not None] == []
