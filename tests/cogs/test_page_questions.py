"""The question a page button carries: read back exactly, checked like typed options, never a write."""

from __future__ import annotations

import datetime as dt

import pytest

import cogs.shared.pages as pages
from bot.answers.errors import BadOption
from cogs.shared.pages import PAGE_PREFIX, Question


def test_every_kind_of_option_reads_back_the_same() -> None:
    asked = Question(
        "eligible club",
        division="open",
        league_teams=8,
        owned_by_higher_pro=False,
        applied_on=dt.date(2024, 1, 31),
        season=None,  # left out
    )
    again = Question.read(asked.text())
    assert again.command == "eligible club" and again.options == asked.options
    assert "season" not in again.options
    assert pages.COMMANDS[again.command].arguments(again.options) == {
        "division": "open",
        "league_teams": 8,
        "owned_by_higher_pro": False,
        "applied_on": dt.date(2024, 1, 31),
    }


@pytest.mark.parametrize("name", ["Harpo's FC", "A&B=C?d%20:e", "Club Atlético Ñandú", "x" * 40])
def test_names_with_any_characters_survive(name: str) -> None:
    asked = Question("eligible team", name=name, season=2024)
    assert Question.read(asked.text()).options == {"name": name, "season": "2024"}


@pytest.mark.parametrize("text", ["nosuch?x=1", "round?number", "round?%zz=1&&", "", "?"])
def test_a_damaged_question_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        Question.read(text)


def test_options_are_checked_as_typed_ones() -> None:
    question = Question.read("round?number=999&season=2024")
    with pytest.raises(BadOption):
        pages.COMMANDS[question.command].arguments(question.options)


async def test_a_writing_command_is_never_asked_by_a_button() -> None:
    question = Question.read("report?fixture=1&score=1-0")
    with pytest.raises(ValueError, match="writes"):
        await question.answer(None)  # type: ignore[arg-type]  # refused before the bot is used


def test_a_long_question_rides_as_a_key_while_it_is_kept(monkeypatch) -> None:
    monkeypatch.setattr(pages, "_LONG", type(pages._LONG)())
    monkeypatch.setattr(pages, "LONG_QUESTIONS_KEPT", 3)
    long = Question("eligible team", name="N" * 90, season=2024)
    carried = pages._carried(long, owner=123456789012345678)
    assert carried.startswith("~") and len(f"{PAGE_PREFIX}123456789012345678:9999:{carried}") <= 100
    found = pages._question_of(carried)
    assert found is not None and found.options == long.options
    short = Question("round", number=2, season=2024)
    assert pages._carried(short, owner=1) == short.text()  # short ones ride whole
    for other in range(3):
        pages._carried(Question("eligible team", name=f"{other}" * 90), owner=1)
    assert pages._question_of(carried) is None  # pushed out: the button then says it expired


async def test_a_button_layout_is_a_stopped_view_shared_by_equal_messages() -> None:
    question = Question("round", number=2, season=2024)
    first = pages.page_buttons(question, owner=7, page=1, count=3)
    assert first.is_finished()  # discord.py keeps nothing of a stopped view it sends
    assert pages.page_buttons(question, owner=7, page=1, count=3) is first
    other = pages.page_buttons(question, owner=8, page=1, count=3)
    assert other is not first
    [row] = other.to_components()
    ids = [(c["custom_id"], c.get("disabled", False)) for c in row["components"]]
    text = question.text()
    assert ids == [(f"{PAGE_PREFIX}8:0:{text}", False), (f"{PAGE_PREFIX}8:2:{text}", False)]
    [row] = pages.page_buttons(question, owner=8, page=2, count=3).to_components()
    assert [c.get("disabled", False) for c in row["components"]] == [False, True]
