"""Options on Discord come from the command table: limits hold even against forged interactions."""

from __future__ import annotations

import pytest

from tests.support.running_bot import embed_text


async def test_synced_limits_come_from_the_table(live) -> None:
    """The synced /round, /path and /eligible club carry the table's limits and choices."""
    fake, _bot = live
    synced = {command["name"]: command for command in fake.synced_commands[None]}
    number = next(o for o in synced["round"]["options"] if o["name"] == "number")
    assert (number["min_value"], number["max_value"], number["required"]) == (1, 20, True)
    team = next(o for o in synced["path"]["options"] if o["name"] == "team")
    assert team["max_length"] == 100 and team["autocomplete"] is True
    club = next(o for o in synced["eligible"]["options"] if o["name"] == "club")
    division = next(o for o in club["options"] if o["name"] == "division")
    assert [choice["value"] for choice in division["choices"]] == ["open", "pro"]


@pytest.mark.parametrize(
    ("command", "options", "forged", "said"),
    [
        (
            "path",
            {"team": "folsom", "season": 2024},
            {"season": 10**20},
            "'season' is from 1914",
        ),
        ("round", {"number": 1, "season": 2024}, {"number": 0}, "'number' is from 1 to 20, not 0."),
        ("team", {"name": "folsom"}, {"name": "x" * 500}, "'name' is at most 100 characters long."),
        (
            "eligible club",
            {"division": "open", "league_teams": 4},
            {"league_teams": -5},
            "'league_teams' is from 0 to 10000, not -5.",
        ),
        ("eligible club", {"division": "open"}, {"division": "semi-pro"}, "'division' is one of open, pro"),
    ],
)
async def test_forged_values_get_the_consoles_friendly_refusal(
    live, command: str, options: dict[str, object], forged: dict[str, object], said: str
) -> None:
    """Values outside the table's limits, which Discord's client would never send, are refused kindly."""
    fake, _bot = live
    response = await fake.slash(command, options, forged=forged)
    assert response.ephemeral and said in response.content.replace("\\", "")  # as Discord shows it
    assert "Something went wrong" not in response.content


async def test_help_covers_every_command_and_explains_one(live) -> None:
    """/help lists /bracket too; /help command:path gives its options, limits and an example."""
    fake, _bot = live
    listing = embed_text((await fake.slash("help")).embeds[0])
    assert "/bracket" in listing and "/eligible club" in listing
    one = await fake.slash("help", {"command": "path"})
    text = embed_text(one.embeds[0])
    assert one.ephemeral and "team" in text and "is from 1914 to 2100" in text
    assert "/path team:folsom season:2024" in text
