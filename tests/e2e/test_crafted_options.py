"""Crafted option values (Discord's client would never send them) get a friendly refusal, never an answer."""

from __future__ import annotations

import pytest

from bot.answers.commands import COMMANDS
from bot.answers.errors import BadOption
from bot.client import OpenCupBot
from tests.support.loopback_discord import ABSENT, LoopbackDiscord

# (command, valid options to type the interaction with, the values a forger puts in instead, what is said)
CRAFTED = [
    ("team", {"name": "folsom"}, {"name": 123}, "'name' takes a club's name, and 123 is not one."),
    ("team", {"name": "folsom"}, {"name": None}, "'name' takes a club's name, and None is not one."),
    (
        "team",
        {"name": "folsom"},
        {"name": ["folsom"]},
        "'name' takes a club's name, and ['folsom'] is not one.",
    ),
    ("path", {"team": "folsom"}, {"team": None}, "'team' takes a club's name, and None is not one."),
    ("path", {"team": "folsom"}, {"team": "fol\nsom"}, "'team' cannot hold control characters"),
    ("round", {"number": 1}, {"number": "3"}, "'number' takes a round number, and '3' is not one."),
    ("round", {"number": 1}, {"number": True}, "'number' takes a round number, and True is not one."),
    ("round", {"number": 1}, {"number": 2.5}, "'number' takes a round number, and 2.5 is not one."),
    ("path", {"team": "folsom", "season": 2024}, {"season": 2**31}, "'season' is from 1914 to 2100"),
    ("path", {"team": "folsom", "season": 2024}, {"season": -(2**63)}, "'season' is from 1914 to 2100"),
    (
        "eligible club",
        {"division": "open", "applied_on": "2023-07-01"},
        {"applied_on": 20230701},
        "'applied_on' takes a date, YYYY-MM-DD, and 20230701 is not one.",
    ),
    (
        "eligible club",
        {"division": "open", "league_teams": 4},
        {"league_teams": "3"},
        "'league_teams' takes a whole number, and '3' is not one.",
    ),
    (
        "eligible league",
        {"teams": 4},
        {"teams": False},
        "'teams' takes a whole number, and False is not one.",
    ),
    ("help", {"command": "path"}, {"command": "drop table"}, "'command' is one of"),
]


@pytest.mark.parametrize(("command", "options", "forged", "said"), CRAFTED)
async def test_crafted_values_are_refused_kindly(
    live: tuple[LoopbackDiscord, OpenCupBot],
    command: str,
    options: dict[str, object],
    forged: dict[str, object],
    said: str,
) -> None:
    """Each value of the wrong kind or out of range: an ephemeral refusal that names the option, no answer."""
    fake, _bot = live
    response = await fake.slash(command, options, forged=forged)
    shown = response.content.replace("\\", "")  # Discord shows escaped markdown without the backslashes
    assert response.ephemeral and said in shown, shown
    assert not response.embeds and "Something went wrong" not in shown


def test_every_option_of_the_table_is_checked_for_its_kind() -> None:
    """No option lets a value of another kind through: a number for text, text for a number or a yes/no."""
    wrong = {str: 7, int: "7", bool: "yes"}
    for command in COMMANDS.values():
        for option in command.options:
            value = wrong.get(option.kind, 20230701)
            with pytest.raises(BadOption, match="takes"):
                option.check(value)


@pytest.mark.parametrize(
    ("command", "options", "left_out"),
    [
        ("path", {"team": "folsom"}, "team"),
        ("round", {"number": 2}, "number"),
        ("eligible club", {"division": "open"}, "division"),
    ],
)
async def test_a_missing_required_option_is_a_friendly_refusal(
    live: tuple[LoopbackDiscord, OpenCupBot], command: str, options: dict[str, object], left_out: str
) -> None:
    """An interaction without a required option is told what is missing, not 'something went wrong'."""
    fake, _bot = live
    response = await fake.slash(command, options, forged={left_out: ABSENT})
    shown = response.content.replace("\\", "")
    assert response.ephemeral and f"/{command} needs '{left_out}'" in shown, shown
    assert "Something went wrong" not in shown
