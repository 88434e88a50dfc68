"""What the bot keeps of Discord (issue 12): the guilds it is in, not their messages or members.

The bot answers interactions, which carry the user, member and channel they concern; it reads no message
and no member list. So it asks only for the guilds intent, and keeps no message even when Discord sends
some (discord.py keeps the last 1,000 by default).
"""

from __future__ import annotations

from datetime import UTC, datetime

import discord

from tests.support.loopback_discord import new_snowflake

SENT = 30


def message(channel_id: int, guild_id: int, author: dict[str, object], number: int) -> dict[str, object]:
    """A MESSAGE_CREATE payload: someone talking in the guild's channel."""
    return {
        "id": str(new_snowflake()),
        "channel_id": str(channel_id),
        "guild_id": str(guild_id),
        "type": 0,
        "author": author,
        "member": {"roles": [], "joined_at": datetime.now(UTC).isoformat(), "deaf": False, "mute": False},
        "content": f"message {number} about the Open Cup",
        "embeds": [],
        "components": [],
        "attachments": [],
        "mentions": [],
        "mention_roles": [],
        "mention_everyone": False,
        "pinned": False,
        "tts": False,
        "timestamp": datetime.now(UTC).isoformat(),
        "edited_timestamp": None,
        "flags": 0,
    }


async def test_the_bot_asks_for_guilds_only_and_keeps_no_messages(live) -> None:
    fake, bot = live
    assert [identify["intents"] for identify in fake.identifies] == [discord.Intents(guilds=True).value]
    guild = fake.guilds[0]
    channel, author = guild.channels[0], fake.users[0].payload()
    for number in range(SENT):
        sent = message(channel.id, guild.id, author, number)
        await fake.dispatch("MESSAGE_CREATE", sent, guild_id=guild.id)
    # The gateway delivers in order: once a command sent after the messages is answered, they were read.
    answered = await fake.slash("help")
    assert answered.embeds
    assert len(bot.cached_messages) == 0
    seen = bot.get_guild(guild.id)
    assert seen is not None and seen.get_member(fake.users[0].id) is None
