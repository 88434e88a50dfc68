"""Following clubs, rendered: the announcement embed posted to channels and DMs, and the follow answers.

Importing this module registers the text renderers of `/follow`, `/unfollow` and `/following` (the console
and the Discord cog both import it). Club names and notes are user text: markdown is neutralised, and the
only mention an announcement may carry is the role a guild's moderators set for the club.
"""

from __future__ import annotations

import datetime as dt

import discord

from bot.answers.follows import Announcement, FollowAnswer, FollowingAnswer
from bot.render.text import render_text
from bot.store.pending import aware

TITLES = {
    "result": "Result",
    "correction": "Result corrected",
    "undo": "Result withdrawn",
    "postponed": "Postponed",
    "drawn": "New tie",
    "bye": "Bye",
}
COLOURS = {"correction": discord.Colour.orange(), "undo": discord.Colour.orange()}


def _safe(text: str) -> str:
    return discord.utils.escape_markdown(text)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _when(kickoff: dt.datetime | None, date: dt.date | None) -> str:
    if kickoff is not None:
        return discord.utils.format_dt(aware(kickoff), "f")
    return date.isoformat() if date is not None else ""


def score_line(news: Announcement) -> str:
    """'FC Folsom 2-1 Valley 559 FC (a.e.t.) — FC Folsom go through', or the tie's state."""
    home, away = _safe(news.home or "to be decided"), _safe(news.away or "to be decided")
    if news.kind == "bye":
        return f"**{home}** goes through round {news.round} without playing"
    if news.home_score is None or news.status not in ("", "played"):
        state = f" — {news.status}" if news.status and news.status != "scheduled" else ""
        return f"**{home}** v **{away}**{state}"
    line = f"**{home}** {news.home_score}-{news.away_score} **{away}**"
    if news.extra_time:
        line += " (a.e.t.)"
    if news.decided_by == "penalties":
        line += f", {news.penalties or 'score unknown'} on penalties"
    elif news.decided_by == "forfeit":
        line += ", by forfeit"
    if news.winner:
        line += f" — {_safe(news.winner)} go through"
    return line


def announcement_embed(news: Announcement, *, corrected_by: str = "") -> discord.Embed:
    """The announcement as an embed: the tie, the score and how, who goes through, each club's next step."""
    where = " · ".join(
        part
        for part in (
            str(news.season) if news.season else "",
            f"round {news.round}" if news.round else "",
            f"fixture {news.fixture}" if news.fixture else "",
        )
        if part
    )
    embed = discord.Embed(
        title=_clip(f"{TITLES.get(news.kind, 'News')} · {where}", 256),
        description=_clip(score_line(news), 4096),
        colour=COLOURS.get(news.kind, discord.Colour.blue()),
    )
    if news.kind in ("drawn", "postponed") and (news.kickoff or news.date):
        embed.add_field(name="Kick-off", value=_when(news.kickoff, news.date), inline=False)
    if news.kind == "undo":
        embed.add_field(name="Withdrawn", value="The result posted before was taken back.", inline=False)
    for club in news.clubs[:4]:
        value = club.standing or "no standing known"
        if club.next_kickoff is not None:
            value += f" · kick-off {_when(club.next_kickoff, None)}"
        embed.add_field(name=_clip(club.team, 256), value=_clip(_safe(value), 1024), inline=False)
    if news.note:
        embed.add_field(name="Note", value=_clip(_safe(news.note), 1024), inline=False)
    footer = f"corrected by {corrected_by}" if corrected_by else f"entered by {news.actor}"
    embed.set_footer(text=_clip(footer, 2048))
    return embed


def ping_content(role_ids: list[int]) -> str:
    """The message text that pings the guild's roles for the clubs (empty when none is set)."""
    return " ".join(f"<@&{role}>" for role in role_ids)


@render_text.register
def _(answer: FollowAnswer) -> str:
    where = "in your direct messages" if answer.where == "dm" else f"in <#{answer.channel_id}>"
    if answer.action == "unfollow":
        if not answer.changed:
            return f"You were not following {answer.team}."
        return f"You no longer follow {answer.team}."
    if not answer.changed:
        return f"You already follow {answer.team} {where}."
    return f"You now follow {answer.team}: its results will be sent {where}."


@render_text.register
def _(answer: FollowingAnswer) -> str:
    if not answer.clubs:
        return "You follow no club yet: /follow team:<club> to get its results."
    lines = []
    for club in answer.clubs:
        where = "DMs" if club.where == "dm" else f"<#{club.channel_id}>"
        lines.append(f"{club.team} ({where}): {club.standing or 'no standing known'}")
    return "\n".join(lines)
