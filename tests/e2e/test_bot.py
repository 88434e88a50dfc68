"""The production bot, on the real discord.py client, against the loopback Discord and the real data."""

from __future__ import annotations

import asyncio
import logging
import sys

import discord
import pytest

import bot.client as client_module
from bot.client import OpenCupBot, run_bot, serve
from bot.settings import Settings
from bot.store.engine import Store
from bot.store.model import held_model
from tests.support.loopback_discord import FakeGuild, LoopbackDiscord, snowflake_on_shard
from tests.support.running_bot import embed_text, running, shown_buttons

NO_MENTIONS = {"parse": []}


async def test_login_ready_and_synced_commands(live) -> None:
    """The bot logs in, gets READY, and syncs /path and /result with descriptions and autocomplete."""
    fake, bot = live
    assert bot.is_ready() and bot.failed_extensions == {}
    synced = {command["name"]: command for command in fake.synced_commands[None]}
    assert {"path", "result", "team", "round", "qualifiers", "stats", "help", "bracket"} <= set(synced)
    path = synced["path"]
    assert path["description"].startswith("A club's route")
    options = {option["name"]: option for option in path["options"]}
    assert options["team"]["required"] and options["team"]["autocomplete"]
    assert options["team"]["description"] and options["season"]["description"]
    assert not options["season"].get("required")
    result_options = {option["name"] for option in synced["result"]["options"]}
    assert result_options == {"team", "opponent", "season"}


async def test_path_folsom_embed(live) -> None:
    """`/path team:folsom season:2024` answers within 3 s with an embed saying FC Folsom qualified."""
    fake, _bot = live
    response = await fake.slash("path", {"team": "folsom", "season": 2024})
    assert response.accepted and response.elapsed < 3
    [embed] = response.embeds
    assert embed["title"].startswith("FC Folsom — 2024")
    assert "Qualified for the tournament proper" in embed["description"]
    assert embed["color"] == discord.Colour.green().value
    assert [field["name"] for field in embed["fields"]] == [
        "First Qualifying Round · 2024",
        "Second Qualifying Round · 2024",
        "Third Qualifying Round · 2024",
        "Fourth Qualifying Round · 2024",
    ]
    assert "BattleBorn FC" in embed["fields"][0]["value"] and "3-2" in embed["fields"][0]["value"]
    # The footer names the season's source by its title and who entered the facts, in a fan's words; the
    # time is the embed's timestamp (Discord shows it in each reader's zone). No hashed file name.
    assert embed["footer"]["text"] == "2024 U.S. Open Cup qualification · imported from the season's article"
    assert embed["timestamp"].startswith("2026-11-22")
    assert response.allowed_mentions == NO_MENTIONS and not response.ephemeral


async def test_result_round_trip(live) -> None:
    """`/result` for a club's season and head to head across a rename."""
    fake, _bot = live
    season = await fake.slash("result", {"team": "Holac FC"})
    text = embed_text(season.embeds[0])
    assert "Holac FC — 2024 results" in text and "won on penalties (score unknown)" in text
    h2h = await fake.slash("result", {"team": "azteca", "opponent": "harpo's fc"})
    text = embed_text(h2h.embeds[0])
    assert "Azteca FC v Harpos FC — head to head" in text and "2 meetings" in text


async def test_autocomplete(live) -> None:
    """Autocomplete: at most 25 labelled choices, best first, answered from memory."""
    fake, _bot = live
    choices = await fake.autocomplete("path", focused="team", value="fol")
    assert choices[0] == {"name": "FC Folsom · UPSL · 2024", "value": "FC Folsom"}
    everyone = await fake.autocomplete("path", focused="team", value="")
    assert len(everyone) == 25
    miami = await fake.autocomplete("result", focused="opponent", value="miami")
    names = [choice["value"] for choice in miami]
    assert {"Miami United FC", "Hodler Miami FC", "Miami Soccer Academy"} <= set(names)
    assert all(1 <= len(choice["name"]) <= 100 for choice in miami)


async def test_autocomplete_just_after_a_start_waits_for_the_clubs(
    moderated: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The model is read while the gateway connects; an autocomplete that comes first waits for the read."""
    if moderated.engine.dialect.name == "postgresql":
        pytest.skip("on PostgreSQL the store listener's first refresh reads the model at start as well")
    read = OpenCupBot.refresh_team_index

    async def slow_read(self: OpenCupBot) -> None:
        await asyncio.sleep(0.3)  # a store slow to answer at start
        await read(self)

    monkeypatch.setattr(OpenCupBot, "refresh_team_index", slow_read)
    async with running(moderated) as (fake, _bot):
        assert held_model(moderated.engine) is None  # READY came before the read ended
        choices = await fake.autocomplete("path", focused="team", value="fol")
    assert choices[0]["value"] == "FC Folsom", choices


async def test_ambiguous_name_offers_a_menu_and_the_pick_answers(live) -> None:
    """'miami' is several clubs: an ephemeral menu; picking Miami United FC answers /path for it."""
    fake, _bot = live
    asked = await fake.slash("path", {"team": "miami", "season": 2024})
    assert asked.ephemeral and "could be several clubs" in asked.content
    [row] = asked.components
    [menu] = row["components"]
    labels = [option["label"] for option in menu["options"]]
    assert "Miami United FC" in labels and "Hodler Miami FC" in labels
    picked = await fake.press(asked, custom_id=menu["custom_id"], values=["Miami United FC"])
    [embed] = picked.embeds
    assert embed["title"].startswith("Miami United FC — 2024")
    assert "Qualified" in embed["description"]
    await fake.wait_until(lambda: asked.edits)
    assert "You picked **Miami United FC**" in asked.edits[-1]["content"]


async def test_someone_else_cannot_pick(live) -> None:
    """Only the person who asked may use the pick menu."""
    fake, _bot = live
    asked = await fake.slash("path", {"team": "austin"})
    menu = asked.components[0]["components"][0]
    other = fake.users[1]
    refused = await fake.press(asked, custom_id=menu["custom_id"], values=["Austin Thunder"], user=other)
    assert refused.ephemeral and "someone else" in refused.content


async def test_team_card_and_candidates(live) -> None:
    """`/team` shows a club card publicly; an ambiguous name lists the clubs, only to the asker."""
    fake, _bot = live
    card = await fake.slash("team", {"name": "harpos"})
    [embed] = card.embeds
    assert embed["title"] == "Harpos FC" and "Harpo's FC" in embed["description"] and not card.ephemeral
    several = await fake.slash("team", {"name": "austin", "season": 2024})
    assert several.ephemeral and "Austin Thunder" in several.embeds[0]["description"]
    choices = await fake.autocomplete("team", focused="name", value="harpo")
    assert choices[0]["value"] == "Harpos FC"


async def test_round_pages_turn_only_for_the_asker(live) -> None:
    """/round 2 (44 ties) comes in pages; the asker turns them, someone else cannot."""
    fake, _bot = live
    asked = await fake.slash("round", {"number": 2, "season": 2024})
    [embed] = asked.embeds
    assert (
        embed["title"].startswith("2024 · Second Qualifying Round") and "page 1/" in embed["footer"]["text"]
    )
    buttons = {button["label"]: button for button in asked.components[0]["components"]}
    assert buttons["◀"].get("disabled") and not buttons["▶"].get("disabled")
    turned = await fake.press(asked, custom_id=buttons["▶"]["custom_id"])
    assert turned.type == 7 and "page 2/" in turned.embeds[0]["footer"]["text"]
    refused = await fake.press(asked, custom_id=shown_buttons(asked)["▶"], user=fake.users[1])
    assert refused.ephemeral and "Only the person who asked" in refused.content
    assert "page 2/" in asked.message.embeds[0]["footer"]["text"]  # the refused press changed nothing
    back = await fake.press(asked, custom_id=shown_buttons(asked)["◀"])
    assert back.type == 7 and "page 1/" in back.embeds[0]["footer"]["text"]


async def test_qualifiers_stats_and_help(live) -> None:
    """/qualifiers, /stats and /help answer in Discord within the limits."""
    fake, _bot = live
    qualified = await fake.slash("qualifiers", {"season": 2024})
    text = embed_text(qualified.embeds[0])
    assert "FC Folsom" in text and "beat Inter San Francisco in round 4" in text
    # The professional entrants the source counts but does not name are said out loud, not left out.
    assert qualified.embeds[0]["title"] == (
        "2024 — 14 clubs named as through to the tournament proper, and 16 more that the source counts "
        "but does not name"
    )
    counted = await fake.slash("stats", {"season": 2024})
    assert "112 clubs" in embed_text(counted.embeds[0])
    helped = await fake.slash("help")
    assert helped.ephemeral and "/path team:folsom season:2024" in embed_text(helped.embeds[0])


async def test_bracket_picture_is_deferred_cached_and_attached(live) -> None:
    """/bracket defers, then sends the round as a PNG; asking again draws nothing new."""
    fake, bot = live
    first = await fake.slash("bracket", {"round": 4, "season": 2024}, followups=1)
    assert first.type == 5  # deferred: drawing may take longer than Discord's 3 seconds
    [sent] = first.followups
    [png] = sent.files
    assert png.filename == "round-2024-4.png" and png.data.startswith(b"\x89PNG") and png.size < 1024 * 1024
    assert sent.embeds[0]["image"]["url"] == "attachment://round-2024-4.png"
    misses = bot.pictures.misses
    again = await fake.slash("bracket", {"round": 4, "season": 2024}, followups=1)
    assert again.followups[0].files[0].data == png.data
    assert bot.pictures.misses == misses and bot.pictures.hits >= 1
    missing = await fake.slash("bracket", {"round": 9, "season": 2024})
    assert missing.ephemeral and "no round 9" in missing.content


async def test_path_with_a_picture(live) -> None:
    """/path picture:true answers with the embed and the route as an attached picture."""
    fake, _bot = live
    response = await fake.slash("path", {"team": "folsom", "season": 2024, "picture": True}, followups=1)
    [sent] = response.followups
    assert sent.embeds[0]["title"].startswith("FC Folsom") and sent.files[0].data.startswith(b"\x89PNG")


@pytest.mark.parametrize(
    ("season", "club", "rival"), [(2017, "Azteca FC", "Harpo's FC"), (2024, "Azteca FC", "Harpos FC")]
)
async def test_every_command_answers_on_both_seasons(live, season: int, club: str, rival: str) -> None:
    """Each command answers on the 2017 and the 2024 data in Discord, inside Discord's limits."""
    fake, _bot = live
    asks = [
        ("path", {"team": club, "season": season}),
        ("result", {"team": club, "season": season}),
        ("result", {"team": club, "opponent": rival}),
        ("team", {"name": club, "season": season}),
        ("round", {"number": 1, "season": season}),
        ("qualifiers", {"season": season}),
        ("stats", {"season": season}),
    ]
    for name, options in asks:
        response = await fake.slash(name, options)
        assert response.accepted and response.embeds and not response.ephemeral, (name, options)
        assert str(season) in embed_text(response.embeds[0]) or name == "result", (name, options)
    drawn = await fake.slash("bracket", {"round": 2, "season": season}, followups=1)
    assert drawn.followups[0].files[0].data.startswith(b"\x89PNG")


async def test_eligible_in_discord(live) -> None:
    """/eligible club, league and team answer in Discord; a bad date is a friendly error."""
    fake, _bot = live
    club = await fake.slash(
        "eligible club",
        {
            "division": "open",
            "league_teams": 3,
            "matches_per_team": 12,
            "owned_by_higher_pro": False,
            "applied_on": "2023-07-15",
            "season": 2024,
        },
    )
    text = embed_text(club.embeds[0])
    assert club.ephemeral and "not eligible" in text and "[league-size]" in text and "to fix:" in text
    league = await fake.slash("eligible league", {"teams": 49, "season": 2024})
    assert "not eligible" in embed_text(league.embeds[0])
    team = await fake.slash("eligible team", {"name": "michigan bucks", "season": 2017})
    assert "national-league track: PDL Great Lakes division winner" in embed_text(team.embeds[0])
    bad = await fake.slash("eligible club", {"division": "open", "applied_on": "July 31"})
    assert bad.ephemeral and "YYYY-MM-DD" in bad.content


async def test_unknown_team_is_a_friendly_ephemeral_error(live) -> None:
    """A club that is not there: an ephemeral 'not in the records' with a suggestion; a typo still answers."""
    fake, _bot = live
    response = await fake.slash("path", {"team": "Folsom Lake FC"})
    assert response.ephemeral
    assert "No club called 'Folsom Lake FC'" in response.content and "FC Folsom" in response.content
    nothing = await fake.slash("path", {"team": "Manchester United"})
    assert nothing.ephemeral and "No club called" in nothing.content
    typo = await fake.slash("path", {"team": "Sharktopis"})
    assert typo.embeds[0]["title"].startswith("Sharktopus Football Club")


async def test_mentions_are_never_parsed(live) -> None:
    """A team name with @everyone and a role mention pings no one."""
    fake, _bot = live
    response = await fake.slash("path", {"team": "@everyone <@&123> **bold**"})
    assert response.ephemeral and response.allowed_mentions == NO_MENTIONS
    assert "\\*\\*bold\\*\\*" in response.content
    assert fake.mention_log and all(entry.allowed_mentions == NO_MENTIONS for entry in fake.mention_log)


async def test_a_crash_inside_a_command_gets_a_friendly_reply(live, monkeypatch, caplog) -> None:
    """An unexpected exception is logged with the interaction's details; the user is told, kindly."""
    fake, _bot = live

    async def broken(*_args, **_kwargs):
        raise RuntimeError("boom")

    # load_extension runs a fresh copy of the module: patch the one the bot loaded.
    monkeypatch.setattr(sys.modules["cogs.path"], "path", broken)
    with caplog.at_level(logging.ERROR, logger="bot.client"):
        response = await fake.slash("path", {"team": "folsom"})
    assert response.ephemeral and response.content == client_module.SOMETHING_WENT_WRONG
    assert any("command path failed" in record.getMessage() and record.exc_info for record in caplog.records)


async def test_sync_only_when_commands_change(store: Store) -> None:
    """A second start with the same commands does not sync again; guild sync when GUILD_IDS is set."""
    async with running(store) as (fake, bot):
        assert bot.synced_scopes == ["global"] and len(fake.sync_calls) == 1
    async with running(store, fresh_discord=False) as (fake, bot):
        assert bot.synced_scopes == [] and fake.sync_calls == []
    guild = FakeGuild(name="test server")
    async with running(store, guild_ids=[guild.id], guilds=[guild], fresh_discord=False) as (fake, bot):
        assert bot.synced_scopes == [f"guild {guild.id}"]
        assert {command["name"] for command in fake.synced_commands[guild.id]} >= {"path", "result"}


async def test_two_shards(store: Store) -> None:
    """Auto-sharding: two shards from GET /gateway/bot, each with its guild, both answering."""
    guilds = [
        FakeGuild(name="east", id=snowflake_on_shard(0, 2)),
        FakeGuild(name="west", id=snowflake_on_shard(1, 2)),
    ]
    async with running(store, shards=2, guilds=guilds) as (fake, bot):
        assert bot.shard_count == 2 and sorted(bot.shards) == [0, 1]
        assert sorted(identify["shard"][0] for identify in fake.identifies) == [0, 1]
        for guild in guilds:
            response = await fake.slash("path", {"team": "holac"}, guild=guild)
            assert response.embeds[0]["title"].startswith("Holac FC")


async def test_broken_extension_is_logged_and_the_rest_load(store: Store, monkeypatch, caplog) -> None:
    """A cog that fails to load is logged with its traceback; the others still answer."""
    names = client_module.extension_names()
    monkeypatch.setattr(client_module, "extension_names", lambda: ["cogs.does_not_exist", *names])
    with caplog.at_level(logging.ERROR, logger="bot.client"):
        async with running(store) as (fake, bot):
            assert list(bot.failed_extensions) == ["cogs.does_not_exist"]
            response = await fake.slash("path", {"team": "folsom"})
            assert response.embeds
    assert any("cogs.does_not_exist" in record.getMessage() and record.exc_info for record in caplog.records)


async def test_invalid_token(store: Store) -> None:
    """A refused token raises LoginFailure at login."""
    async with LoopbackDiscord(invalid_token=True):
        with pytest.raises(discord.LoginFailure):
            await serve(Settings(discord_token="not-a-token"), store=store)


def test_run_turns_a_refused_token_into_one_line(monkeypatch, capsys) -> None:
    """`run` with a refused token prints one clear line naming DISCORD_TOKEN and exits 1."""

    async def refused(_settings):
        raise discord.LoginFailure("Improper token has been passed.")

    monkeypatch.setattr(client_module, "serve", refused)
    assert run_bot(Settings(discord_token="x")) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "DISCORD_TOKEN" in err and "Traceback" not in err
