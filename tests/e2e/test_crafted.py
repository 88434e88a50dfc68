"""Crafted and late interactions (issue 10, items 6–8), against the production bot on the loopback Discord.

Every autocomplete gets choices (type 8), never a message; every press on a component the bot sent gets an
answer, live or not; an interaction Discord has forgotten is one WARNING line, with no second reply.
"""

from __future__ import annotations

import asyncio
import copy
import logging
from collections.abc import Callable
from typing import Any

import pytest

import bot.client as client_module
from bot.render.menus import CUSTOM_ID_PREFIX, EXPIRED_MENU
from tests.support.loopback_discord import InteractionResponse, LoopbackDiscord, new_snowflake
from tests.support.running_bot import shown_buttons

OURS = ("bot", "cogs", "discord", "asyncio")  # the loggers the bot (and what runs it) writes to


def tracebacks(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Every record logged with a traceback, by the bot or by what runs it."""
    return [r.getMessage() for r in caplog.records if r.exc_info and r.name.startswith(OURS)]


async def logged(
    caplog: pytest.LogCaptureFixture, wanted: Callable[[logging.LogRecord], bool], what: str
) -> logging.LogRecord:
    """Wait for a log record (the bot's last act on an expired interaction is to log it)."""
    for _ in range(250):
        found = [record for record in caplog.records if wanted(record)]
        if found:
            return found[0]
        await asyncio.sleep(0.02)
    raise AssertionError(f"never logged: {what}")


def expired_warning(record: logging.LogRecord) -> bool:
    """The bot's line about an interaction Discord no longer knows."""
    return record.name.startswith("bot") and record.levelno == logging.WARNING and "expired" in record.msg


# ------------------------------------------------------------------ item 6: autocomplete


def rename_command(data: dict[str, Any]) -> None:
    """A command this bot does not have (a stale client, or a forged one)."""
    data["name"] = "no_such_command"


def drop_focus(data: dict[str, Any]) -> None:
    """No option is being typed."""
    for option in data["options"]:
        option.pop("focused", None)


def focus_season(data: dict[str, Any]) -> None:
    """The focus on `season`, which has no autocomplete (a focused value is sent as the text typed)."""
    for option in data["options"]:
        option["focused"] = option["name"] == "season"
        if option["focused"]:
            option["value"] = str(option["value"])


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(rename_command, id="unknown-command"),
        pytest.param(drop_focus, id="no-focused-option"),
        pytest.param(focus_season, id="option-without-autocomplete"),
    ],
)
async def test_crafted_autocomplete_gets_an_empty_choice_list(
    live: tuple[LoopbackDiscord, Any], tamper: Callable[[dict[str, Any]], None], caplog
) -> None:
    fake, _bot = live
    inter = await fake.push_autocomplete("path", "team", "fol", {"season": 2024}, tamper=tamper)
    response = await fake.response_to(inter)
    assert response.type == 8 and response.accepted and response.choices == []
    assert len(inter.responses) == 1
    assert tracebacks(caplog) == []


async def test_an_unknown_command_is_told_kindly_without_a_traceback(live, caplog) -> None:
    fake, _bot = live
    known = await fake.push_slash("path", {"team": "folsom"})
    await fake.response_to(known)
    payload = copy.deepcopy(known.payload)  # the same interaction, for a command this bot does not have
    payload.update(id=str(new_snowflake()), token=f"{payload['token']}-stale")
    payload["data"]["name"] = "no_such_command"
    where = {"user": known.user, "guild": known.guild, "channel_id": known.channel_id}
    stale = await fake.push_interaction(payload, **where, command_path="no_such_command")
    response = await fake.response_to(stale)
    assert response.ephemeral and response.content == client_module.NOT_A_COMMAND
    assert tracebacks(caplog) == []


async def test_ordinary_autocomplete_still_offers_clubs(live) -> None:
    fake, _bot = live
    choices = await fake.autocomplete("path", "team", "folsom", {"season": 2024})
    assert choices and "Folsom" in choices[0]["value"]


# ------------------------------------------------------------------ item 7: presses


async def ask_ambiguous(fake: LoopbackDiscord) -> tuple[InteractionResponse, str]:
    """/path for 'miami' (several clubs): the ephemeral pick menu and its custom_id."""
    asked = await fake.slash("path", {"team": "miami", "season": 2024})
    [row] = asked.components
    [menu] = row["components"]
    return asked, menu["custom_id"]


@pytest.mark.parametrize("values", [[], ["Chelsea FC"]], ids=["no-club", "a-club-not-offered"])
async def test_a_forged_pick_is_refused_and_the_menu_stays_live(live, values: list[str], caplog) -> None:
    fake, _bot = live
    asked, menu = await ask_ambiguous(fake)
    refused = await fake.press(asked, menu, forged={"values": values})
    assert refused.ephemeral and "Pick one of the clubs" in (refused.content or "")
    picked = await fake.press(asked, menu, ["Miami United FC"])
    assert picked.embeds[0]["title"].startswith("Miami United FC — 2024")
    assert tracebacks(caplog) == []


async def test_a_second_pick_on_a_used_menu_is_told_to_ask_again(live) -> None:
    fake, _bot = live
    asked, menu = await ask_ambiguous(fake)
    await fake.press(asked, menu, ["Miami United FC"])
    await fake.wait_until(lambda: bool(asked.edits), what="the used menu closed")
    again = await fake.press(asked, menu, ["Hodler Miami FC"], forged={})  # a double click, landing late
    assert again.type == 4 and again.ephemeral and again.content == EXPIRED_MENU


async def test_the_pick_menu_greys_out_when_it_expires(live, monkeypatch) -> None:
    fake, _bot = live
    monkeypatch.setattr(client_module, "PICK_TIMEOUT", 0.3, raising=False)
    asked, menu = await ask_ambiguous(fake)
    await fake.wait_until(lambda: bool(asked.edits), what="the expired menu greyed out")
    [greyed] = asked.message.components[0]["components"]
    assert greyed["disabled"] and "expired" in greyed["placeholder"]
    with pytest.raises(ValueError, match="disabled"):
        await fake.press(asked, menu, ["Miami United FC"])  # Discord's client would not send it
    late = await fake.press(asked, menu, ["Miami United FC"], forged={})  # a modified client would
    assert late.ephemeral and late.content == EXPIRED_MENU


async def test_presses_on_menus_that_are_gone_or_forged_are_told_to_ask_again(live) -> None:
    fake, _bot = live
    asked = await fake.slash("round", {"number": 2, "season": 2024})
    buttons = {button["label"]: button["custom_id"] for button in asked.components[0]["components"]}
    turned = await fake.press(asked, buttons["▶"])
    assert turned.type == 7 and "page 2/" in turned.embeds[0]["footer"]["text"]
    for sideways in ("opencup:page:sideways", "opencup:pg:1:2:round?number=2", "opencup:pg:x:y:z"):
        forged = await fake.press(asked, shown_buttons(asked)["▶"], forged={"custom_id": sideways})
        assert forged.ephemeral and forged.content == EXPIRED_MENU  # not a button of that message
    assert "page 2/" in asked.message.embeds[0]["footer"]["text"]
    picked, menu = await ask_ambiguous(fake)  # a pick menu that is used, then pressed again
    await fake.press(picked, menu, ["Miami United FC"])
    again = await fake.press(picked, menu, ["Hodler Miami FC"], forged={})
    assert again.ephemeral and again.content == EXPIRED_MENU
    await ask_ambiguous(fake)
    sent = [custom_id for message in fake.sent for custom_id in message.custom_ids]
    assert len(sent) == 3 and all(custom_id.startswith(CUSTOM_ID_PREFIX) for custom_id in sent)


async def test_many_presses_at_once_on_a_live_menu_are_each_answered_once(live) -> None:
    fake, _bot = live
    asked = await fake.slash("round", {"number": 2, "season": 2024})
    next_id = next(b["custom_id"] for b in asked.components[0]["components"] if b["label"] == "▶")
    pushed = [await fake.push_press(asked, next_id) for _ in range(6)]
    for inter in pushed:
        await fake.response_to(inter)
    assert all(len(inter.responses) == 1 and inter.initial.type == 7 for inter in pushed)
    # the running() fixture's assert_clean() also fails on any second answer (code 40060)


# ------------------------------------------------------------------ item 8: expired interactions


@pytest.mark.parametrize(
    "team",
    [
        pytest.param("folsom", id="its-answer"),
        pytest.param("no such club anywhere", id="an-error-reply"),
        pytest.param("miami", id="a-pick-menu"),
    ],
)
async def test_an_expired_command_is_one_warning_and_no_second_reply(live, team: str, caplog) -> None:
    fake, _bot = live
    fake.response_deadline = 0.0  # every first answer now comes after Discord has forgotten the interaction
    with caplog.at_level(logging.INFO):
        inter = await fake.push_slash("path", {"team": team, "season": 2024})
        warning = await logged(caplog, expired_warning, "the expired interaction")
    assert len(inter.responses) == 1 and not inter.responded  # the one late answer; no second try
    assert [v.kind for v in fake.take_violations()] == ["late-response"]
    assert "/path" in warning.getMessage() and str(inter.user.id) in warning.getMessage()
    assert warning.exc_info is None and tracebacks(caplog) == []
    loud = [r for r in caplog.records if r.levelno >= logging.WARNING and r.name.startswith(OURS)]
    assert loud == [warning]


@pytest.mark.parametrize("menu", ["pages", "used-pick-menu"])
async def test_an_expired_press_is_one_warning_and_no_second_reply(live, menu: str, caplog) -> None:
    fake, _bot = live
    if menu == "pages":
        asked = await fake.slash("round", {"number": 2, "season": 2024})
        next_id = next(b["custom_id"] for b in asked.components[0]["components"] if b["label"] == "▶")
    else:  # a press the catch-all answers: a pick menu used already
        asked, next_id = await ask_ambiguous(fake)
        await fake.press(asked, next_id, ["Miami United FC"])
        await fake.wait_until(lambda: bool(asked.edits), what="the used menu closed")
    fake.response_deadline = 0.0
    late_click = {} if menu == "used-pick-menu" else None  # the used menu is gone: a late double click
    with caplog.at_level(logging.INFO):
        inter = await fake.push_press(asked, next_id, forged=late_click)
        warning = await logged(caplog, expired_warning, "the expired press")
    assert len(inter.responses) == 1 and not inter.responded
    assert [v.kind for v in fake.take_violations()] == ["late-response"]
    assert warning.exc_info is None and tracebacks(caplog) == []
