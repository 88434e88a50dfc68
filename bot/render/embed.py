"""Answers as Discord embeds, and the views that go with them (the pick-a-club menu)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import singledispatch

import discord
from pydantic import BaseModel

from bot.answers.errors import AnswerError
from bot.answers.models import Freshness, MatchLine, PathAnswer, ResultAnswer, TeamAnswer
from bot.render.text import club_lines, freshness_words, render_text, score_words, status_words

COLOURS = {
    "qualified": discord.Colour.green(),
    "eliminated": discord.Colour.red(),
    "alive": discord.Colour.blue(),
    "not_entered": discord.Colour.light_grey(),
}
MAX_FIELDS = 25


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _safe(text: str) -> str:
    """User-visible text with Discord markdown neutralised (club names and queries are user text)."""
    return discord.utils.escape_markdown(text)


def _match_field(line: MatchLine) -> tuple[str, str]:
    when = line.date.strftime("%b %-d, %Y") if line.date else "date unknown"
    outcome = {True: "✅ won", False: "❌ lost", None: "⏳"}[line.won]
    league = f" ({line.opponent_league})" if line.opponent_league else ""
    where = "home" if line.home else "away"
    name = f"{line.round_name}" + (f" · {line.season}" if line.season else "")
    value = f"{when} · {where} v **{_safe(line.opponent or 'TBD')}**{league}\n{score_words(line)} · {outcome}"
    return _clip(name, 256), _clip(value, 1024)


def _footer(embed: discord.Embed, season: int | None, fresh: Freshness) -> None:
    prefix = f"{season} season · " if season else ""
    embed.set_footer(text=_clip(prefix + freshness_words(fresh), 2048))
    if fresh.entered_at is not None:
        embed.timestamp = fresh.entered_at


def _add_matches(embed: discord.Embed, matches: list[MatchLine]) -> None:
    shown = matches if len(matches) <= MAX_FIELDS else matches[-(MAX_FIELDS - 1) :]
    if len(shown) < len(matches):
        embed.add_field(
            name="Earlier matches", value=f"{len(matches) - len(shown)} more not shown", inline=False
        )
    for line in shown:
        name, value = _match_field(line)
        embed.add_field(name=name, value=value, inline=False)


@singledispatch
def render_embed(answer: BaseModel) -> discord.Embed:
    """Any answer as an embed (plain text inside, for answers without a dedicated layout)."""
    return discord.Embed(description=_clip(render_text(answer), 4096))


@render_embed.register
def _(answer: PathAnswer) -> discord.Embed:
    embed = discord.Embed(
        title=_clip(f"{answer.team} — {answer.season} Open Cup qualification", 256),
        description=_clip(_path_description(answer), 4096),
        colour=COLOURS.get(answer.status, discord.Colour.default()),
    )
    _add_matches(embed, answer.matches)
    _footer(embed, answer.season, answer.freshness)
    return embed


def _path_description(answer: PathAnswer) -> str:
    lines = [f"**{_safe(status_words(answer).capitalize())}**"]
    if answer.status != "not_entered":
        parts = [answer.route, answer.league]
        if answer.entry_round:
            parts.append(f"entered in round {answer.entry_round}")
        lines.append(" · ".join(part for part in parts if part))
    lines += [f"Bye in round {number}" for number in answer.byes]
    if answer.rounds_left:
        lines.append(f"Rounds left to the proper: {answer.rounds_left}")
    if answer.other_seasons:
        lines.append("Other seasons: " + ", ".join(map(str, answer.other_seasons)))
    return "\n".join(lines)


@render_embed.register
def _(answer: ResultAnswer) -> discord.Embed:
    if answer.opponent:
        title = f"{answer.team} v {answer.opponent} — head to head"
        won = sum(1 for line in answer.matches if line.won)
        description = f"{len(answer.matches)} meetings · {answer.team} won {won}"
    else:
        title = f"{answer.team} — {answer.season} results"
        description = f"{len(answer.matches)} matches"
        if answer.other_seasons:
            description += " · other seasons: " + ", ".join(map(str, answer.other_seasons))
    embed = discord.Embed(title=_clip(title, 256), description=description, colour=discord.Colour.blurple())
    _add_matches(embed, answer.matches)
    if not answer.matches:
        embed.add_field(name="No matches", value="These clubs have not met in the records.", inline=False)
    _footer(embed, answer.season, answer.freshness)
    return embed


@render_embed.register
def _(answer: TeamAnswer) -> discord.Embed:
    if answer.card is None:
        title = "Several clubs match" if answer.ambiguous else "No such club"
        colour = discord.Colour.gold() if answer.ambiguous else discord.Colour.light_grey()
    else:
        title, colour = answer.card.name, discord.Colour.blurple()
    body = "\n".join(_safe(line) for line in club_lines(answer))
    embed = discord.Embed(title=_clip(title, 256), description=_clip(body, 4096), colour=colour)
    if answer.season:
        embed.set_footer(text=f"{answer.season} season")
    return embed


def error_text(error: AnswerError) -> str:
    """A typed error as a short, friendly message (markdown neutralised: it quotes what the user typed)."""
    text = _safe(error.message)
    if error.candidates and error.code != "ambiguous_team":
        text += "\n" + "\n".join(f"• {_safe(name)}" for name in error.candidates[:10])
    return _clip(text, 2000)


Pick = Callable[[discord.Interaction, str], Awaitable[None]]


class TeamPicker(discord.ui.View):
    """An ephemeral menu of candidate clubs; only the person who asked may pick."""

    def __init__(self, *, owner_id: int, candidates: list[str], on_pick: Pick, timeout: float = 180) -> None:
        """Offer `candidates` (at most 25) to user `owner_id`; `on_pick` answers with the chosen club."""
        super().__init__(timeout=timeout)
        self.owner_id = owner_id
        self.on_pick = on_pick
        options = [discord.SelectOption(label=_clip(name, 100), value=name[:100]) for name in candidates[:25]]
        self.menu: discord.ui.Select[TeamPicker] = discord.ui.Select(
            placeholder="Pick the club you meant", options=options, custom_id="opencup:pick"
        )
        self.menu.callback = self._picked
        self.add_item(self.menu)

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        """Only the person who asked may pick."""
        if interaction.user.id != self.owner_id:
            await interaction.response.send_message(
                "This menu belongs to someone else's question.", ephemeral=True
            )
            return False
        return True

    async def _picked(self, interaction: discord.Interaction) -> None:
        self.stop()
        await self.on_pick(interaction, self.menu.values[0])
