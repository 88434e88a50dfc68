"""No answer is stale after a write, and a command that arrives late is deferred, never lost."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

import bot.client as client_module
from bot.answers.report import fixture_new, report
from bot.client import OpenCupBot
from bot.store.engine import Store
from bot.store.model import current_model
from tests.support.loopback_discord import LoopbackDiscord
from tests.support.running_bot import embed_text, running, shown_buttons

DEFERRED = 5  # DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE


@pytest_asyncio.fixture
async def moderated_live(moderated: Store) -> AsyncIterator[tuple[LoopbackDiscord, OpenCupBot]]:
    """The production bot on the in-progress store."""
    async with running(moderated) as pair:
        yield pair


async def _text(fake: LoopbackDiscord, command: str, options: dict[str, object]) -> str:
    response = await fake.slash(command, options)
    assert response.accepted, response.error
    return "\n".join(embed_text(embed) for embed in response.embeds)


async def test_every_answer_follows_a_result_at_once(
    moderated_live: tuple[LoopbackDiscord, OpenCupBot], moderated: Store
) -> None:
    """A result written in the bot's process shows at once in every answer that depends on it.

    Each command is asked before (so its answer is cached) and straight after the write.
    """
    fake, bot = moderated_live
    async with moderated.session() as session:
        season = (await current_model(session)).seasons[2024]
    tie = next(f for f in season.fixtures if f.round == 3 and f.home_id and f.away_id)
    home, away = season.name(tie.home_id), season.name(tie.away_id)
    assert home and away
    asked = {
        "path": {"team": home, "season": 2024},
        "round": {"number": 3, "season": 2024},
        "result": {"team": home, "opponent": away},
        "team": {"name": home},
    }
    before = {name: await _text(fake, name, options) for name, options in asked.items()}
    assert all("6-7" not in text for text in before.values())

    async with bot.store.session() as session:  # as a moderator's command in the bot would
        await report(session, fixture=tie.number, score="6-7", season=2024, apply=True, actor="mod:here")

    after = {name: await _text(fake, name, options) for name, options in asked.items()}
    for name, text in after.items():
        assert text != before[name], f"/{name} is stale after the write"
    assert all("6-7" in after[name] for name in ("path", "result", "round"))  # the home side lost
    assert "still alive" in before["team"] and "still alive" not in after["team"]


@pytest.mark.parametrize(
    ("command", "options"),
    [
        ("path", {"team": "folsom", "season": 2024}),
        ("round", {"number": 1, "season": 2024}),  # paged: the page turner rides on the follow-up
        ("path", {"team": "no such club at all", "season": 2024}),  # the error, too
        ("path", {"team": "folsom", "season": 2024, "picture": True}),  # heavy work defers anyway
    ],
)
async def test_a_late_command_is_deferred_then_answered(
    live: tuple[LoopbackDiscord, OpenCupBot],
    monkeypatch: pytest.MonkeyPatch,
    command: str,
    options: dict[str, object],
) -> None:
    """A command reaching its handler past the lateness mark is deferred first, then answered by follow-up."""
    fake, _bot = live
    monkeypatch.setattr(client_module, "LATE_AFTER", 0.0)  # every command counts as late
    response = await fake.slash(command, options)
    assert response.accepted and response.type == DEFERRED
    [answer] = await response.wait_followups(1)
    assert answer.embeds or answer.content


async def test_a_club_added_elsewhere_is_found_and_offered(
    moderated_live: tuple[LoopbackDiscord, OpenCupBot], moderated: Store
) -> None:
    """A club a moderator adds from the console (another process) is found within a second, and offered."""
    fake, _bot = moderated_live
    assert not [c for c in await fake.autocomplete("path", "team", "zephyr") if "Zephyr" in c["name"]]
    writer = Store(moderated.url, moderated.data_dir)
    try:
        async with writer.session() as session:
            await fixture_new(
                session, round=5, home="Zephyr Rovers FC", away="winner of 1", season=2024, new_club=True,
                apply=True, actor="mod:elsewhere",
            )  # fmt: skip
    finally:
        await writer.close()
    for _ in range(30):  # another process's write is seen within a second (RECHECK_AFTER)
        response = await fake.slash("path", {"team": "zephyr rovers", "season": 2024})
        if response.embeds:
            break
        await asyncio.sleep(0.05)
    assert "Zephyr Rovers FC" in embed_text(response.embeds[0])
    offered = await fake.autocomplete("path", "team", "zephyr")
    assert [c["value"] for c in offered] == ["Zephyr Rovers FC"]


async def test_a_page_turned_after_a_result_shows_it(
    moderated_live: tuple[LoopbackDiscord, OpenCupBot], moderated: Store
) -> None:
    """A page button asks again: the pages of an answer sent before a write show the write."""
    fake, bot = moderated_live
    async with moderated.session() as session:
        season = (await current_model(session)).seasons[2024]
    tie = [f for f in season.fixtures if f.round == 3 and f.home_id and f.away_id][-1]  # on the last page
    asked = await fake.slash("round", {"number": 3, "season": 2024})
    assert "page 1/2" in asked.embeds[0]["footer"]["text"]
    home = season.name(tie.home_id)
    turned = await fake.press(asked, shown_buttons(asked)["▶"])
    assert f"{home} (" in embed_text(turned.embeds[0]) and "6-7" not in embed_text(turned.embeds[0])
    await fake.press(asked, shown_buttons(asked)["◀"])

    async with bot.store.session() as session:  # a moderator enters the result meanwhile
        await report(session, fixture=tie.number, score="6-7", season=2024, apply=True, actor="mod:here")

    again = await fake.press(asked, shown_buttons(asked)["▶"])
    assert "6-7" in embed_text(again.embeds[0])


async def test_qualifiers_and_eligibility_follow_the_last_round_at_once(
    moderated_live: tuple[LoopbackDiscord, OpenCupBot], moderated: Store
) -> None:
    """The last round's result puts its winner among the qualifiers and in its /eligible standing, at once."""
    fake, bot = moderated_live
    async with moderated.session() as session:
        season = (await current_model(session)).seasons[2024]
    tie = next(f for f in season.fixtures if f.round == 3 and f.home_id and f.away_id)
    [final] = season.fed_by[tie.number]  # the last qualifying round's tie its winner goes on to
    other = final.home_from_fixture if final.away_from_fixture == tie.number else final.away_from_fixture
    assert final.round == season.last_round and other is not None
    winner = season.name(tie.away_id)
    assert winner
    asked = {"qualifiers": {"season": 2024}, "eligible team": {"name": winner, "season": 2024}}
    before = {name: await _text(fake, name, options) for name, options in asked.items()}
    assert winner not in before["qualifiers"]

    async with bot.store.session() as session:  # the round-3 ties, then the last round's
        for number, score in ((tie.number, "0-1"), (other, "1-0")):
            await report(session, fixture=number, score=score, season=2024, apply=True, actor="mod:here")
        won = "0-2" if final.away_from_fixture == tie.number else "2-0"
        await report(session, fixture=final.number, score=won, season=2024, apply=True, actor="mod:here")

    after = {name: await _text(fake, name, options) for name, options in asked.items()}
    assert winner in after["qualifiers"]
    assert after["eligible team"] != before["eligible team"], "/eligible team is stale after the write"
