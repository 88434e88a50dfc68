"""/eligible team in Discord: a club that lost is eligible, did not qualify; only its route's rules show."""

from __future__ import annotations

import discord

from bot.client import OpenCupBot
from tests.support.loopback_discord import LoopbackDiscord
from tests.support.running_bot import embed_text


async def test_eligible_team_separates_eligible_from_qualified(
    live: tuple[LoopbackDiscord, OpenCupBot],
) -> None:
    """Holac FC: 'eligible', 'did not qualify', its deadline settled by entry; SC MesoAmerica: no deadline."""
    fake, _bot = live
    holac = await fake.slash("eligible team", {"name": "holac", "season": 2024})
    assert holac.accepted and not holac.ephemeral
    title = holac.embeds[0]["title"]
    assert title.startswith("Holac FC: eligible for the 2024 U.S. Open Cup") and "not eligible" not in title
    assert "did not qualify: out in round 2 (lost to Sharktopus Football Club)" in title
    text = embed_text(holac.embeds[0])
    assert "route: local qualifying" in text and "cannot tell" not in text
    assert "✔ passed [application-deadline]" in text and "application was accepted" in text
    assert holac.embeds[0]["color"] == discord.Colour.red().value  # its standing, as /path shows it
    meso = await fake.slash("eligible team", {"name": "SC MesoAmerica", "season": 2024})
    text = embed_text(meso.embeds[0])
    assert "eligible for the 2024 U.S. Open Cup — qualified for the proper" in text
    assert "application-deadline" not in text and "cannot tell" not in text
    assert "✔ passed [national-amateur-cup-winner]" in text
