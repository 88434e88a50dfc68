"""Answers as Discord embeds, and the views that go with them (the pick-a-club menu)."""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from functools import singledispatch

import discord
from pydantic import BaseModel

from bot.answers.commands import HelpAnswer
from bot.answers.eligible import EligibleAnswer
from bot.answers.errors import AnswerError
from bot.answers.models import (
    Freshness,
    MatchLine,
    PathAnswer,
    QualifiersAnswer,
    ResultAnswer,
    RoundAnswer,
    TeamAnswer,
)
from bot.answers.standing import counted
from bot.answers.stats import StatsAnswer
from bot.render.menus import CUSTOM_ID_PREFIX, AskerMenu
from bot.render.paging import byes_elsewhere, round_pages
from bot.render.text import (
    club_lines,
    eligibility_lines,
    freshness_words,
    no_matches_words,
    qualifier_words,
    qualifiers_headline,
    render_text,
    score_words,
    stated_words,
    stats_sections,
    status_words,
    tie_words,
)

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


def discord_when(date: dt.date | None, kickoff: dt.datetime | None) -> str:
    """A kick-off as a Discord timestamp (each reader sees their own time zone); a bare date as it is."""
    if kickoff is not None:
        return discord.utils.format_dt(kickoff, "f")
    return date.strftime("%b %-d, %Y") if date else "date to be set"


def _match_field(line: MatchLine) -> tuple[str, str]:
    when = discord_when(line.date, line.kickoff)
    outcome = {True: "✅ won", False: "❌ lost", None: "⏳"}[line.won]
    league = f" ({line.opponent_league})" if line.opponent_league else ""
    where = "home" if line.home else "away"
    name = f"{line.round_name}" + (f" · {line.season}" if line.season else "")
    value = f"{when} · {where} v **{_safe(line.opponent or 'TBD')}**{league}\n{score_words(line)} · {outcome}"
    return _clip(name, 256), _clip(value, 1024)


def _footer(embed: discord.Embed, fresh: Freshness, *, extra: str = "") -> None:
    """The season's source and who entered its newest fact; Discord shows the time, in the reader's zone."""
    words = " · ".join(part for part in (extra, freshness_words(fresh, when=False)) if part)
    if words:
        embed.set_footer(text=_clip(words, 2048))
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
    _footer(embed, answer.freshness)
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
        embed.add_field(name="No matches", value=no_matches_words(answer), inline=False)
    _footer(embed, answer.freshness)
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
NOT_OFFERED = "Pick one of the clubs in the menu, or ask again with more of the club's name."


class TeamPicker(AskerMenu):
    """An ephemeral menu of candidate clubs; only the person who asked may pick; it goes grey on expiry."""

    def __init__(self, *, owner_id: int, candidates: list[str], on_pick: Pick, timeout: float = 180) -> None:
        """Offer `candidates` (at most 25) to user `owner_id`; `on_pick` answers with the chosen club."""
        super().__init__(owner_id=owner_id, timeout=timeout)
        self.on_pick = on_pick
        options = [discord.SelectOption(label=_clip(name, 100), value=name[:100]) for name in candidates[:25]]
        self.menu: discord.ui.Select[TeamPicker] = discord.ui.Select(
            placeholder="Pick the club you meant", options=options, custom_id=f"{CUSTOM_ID_PREFIX}pick"
        )
        # discord.py supports setting an item's callback per instance; its stubs declare only a method.
        self.menu.callback = self._picked  # type: ignore[method-assign]
        self.add_item(self.menu)

    async def _picked(self, interaction: discord.Interaction) -> None:
        values = self.menu.values
        offered = {option.value for option in self.menu.options}
        if len(values) != 1 or values[0] not in offered:  # a forged press: the menu stays live
            await interaction.response.send_message(NOT_OFFERED, ephemeral=True)
            return
        self.stop()
        await self.on_pick(interaction, values[0])


LINES_PER_PAGE = 12


def _pages(
    title: str, lines: list[str], *, colour: discord.Colour, footer: str, fresh: Freshness | None = None
) -> list[discord.Embed]:
    """Long answers as pages of at most LINES_PER_PAGE lines (each page well inside the embed limits)."""
    chunks = [lines[at : at + LINES_PER_PAGE] for at in range(0, len(lines), LINES_PER_PAGE)] or [[]]
    pages = []
    for number, chunk in enumerate(chunks, 1):
        embed = discord.Embed(
            title=_clip(title, 256), description=_clip("\n".join(chunk), 4096), colour=colour
        )
        page = f" · page {number}/{len(chunks)}" if len(chunks) > 1 else ""
        embed.set_footer(text=_clip(footer + page, 2048))
        if fresh is not None and fresh.entered_at is not None:
            embed.timestamp = fresh.entered_at  # shown beside the footer, in each reader's own time zone
        pages.append(embed)
    return pages


def _names_in_lines(prefix: str, names: list[str], width: int = 300) -> list[str]:
    lines, current = [], prefix
    for name in names:
        piece = _safe(name)
        if len(current) + len(piece) + 2 > width:
            lines.append(current.rstrip(", "))
            current = ""
        current += piece + ", "
    lines.append(current.rstrip(", "))
    return lines


@singledispatch
def render_pages(answer: BaseModel) -> list[discord.Embed]:
    """An answer as one or more embeds (pages)."""
    return [render_embed(answer)]


_RENDERED: OrderedDict[int, tuple[BaseModel, list[discord.Embed]]] = OrderedDict()
RENDERED_KEPT = 64  # each keeps its answer alive too (about 5 KiB with its pages)


def rendered_pages(answer: BaseModel) -> list[discord.Embed]:
    """`render_pages(answer)`, rendered once per answer object and shared: callers must not change them.

    Answers are cached per store version (bot.answers.cache), so the same question gets the same answer
    object, and its embeds are built once. The answer is kept with its pages, so an id is never mistaken.
    """
    key = id(answer)
    kept = _RENDERED.get(key)
    if kept is not None and kept[0] is answer:
        _RENDERED.move_to_end(key)
        return kept[1]
    pages = render_pages(answer)
    _RENDERED[key] = (answer, pages)
    if len(_RENDERED) > RENDERED_KEPT:
        _RENDERED.popitem(last=False)
    return pages


@render_pages.register
def _(answer: RoundAnswer) -> list[discord.Embed]:
    title = f"{answer.season} · {answer.round_name}" + (f" ({answer.dates})" if answer.dates else "")
    footer = " · ".join((counted(len(answer.matches), "tie"), freshness_words(answer.freshness, when=False)))
    embeds = []
    for page in round_pages(answer):  # the pages of the round's pictures: page 2 here is page 2 of /bracket
        lines = [_safe(tie_words(match, discord_when)) for match in page.matches]
        if page.byes:
            last = page.first_bye + len(page.byes) - 1
            heading = f"Byes {page.first_bye}–{last} of {page.byes_in_round}" if page.byes_spread else ""
            lines += _names_in_lines(f"**{heading or f'Byes ({len(page.byes)})'}:** ", list(page.byes))
        elif byes_elsewhere(page):
            lines.append(f"_{byes_elsewhere(page)}_")
        paged = footer + (f" · page {page.number}/{page.count}" if page.count > 1 else "")
        colour = discord.Colour.blurple()
        embeds += _pages(title, ["\n".join(lines)], colour=colour, footer=paged, fresh=answer.freshness)
    return embeds


@render_pages.register
def _(answer: QualifiersAnswer) -> list[discord.Embed]:
    lines: list[str] = []
    route = None
    for item in answer.qualifiers:
        if item.route != route:
            route = item.route
            lines.append(f"**{_safe(route.capitalize())}**")
        lines.append("• " + _safe(qualifier_words(item)))
    lines += [f"_{_safe(line)}_" for line in stated_words(answer)]
    title = qualifiers_headline(answer)
    footer = freshness_words(answer.freshness, when=False)
    return _pages(title, lines, colour=discord.Colour.green(), footer=footer, fresh=answer.freshness)


@render_pages.register
def _(answer: StatsAnswer) -> list[discord.Embed]:
    lines = [f"**{counted(answer.clubs, 'club')}**"]
    for heading, items in stats_sections(answer):
        lines += [f"**{heading.capitalize()}**", *(f"• {_safe(item)}" for item in items)]
    return _pages(
        f"{answer.season} · where the clubs come from",
        lines,
        colour=discord.Colour.teal(),
        footer=f"{answer.season} season",
    )


@render_pages.register
def _(answer: HelpAnswer) -> list[discord.Embed]:
    if answer.command is not None:
        [line] = answer.commands
        lines = [line.description]
        lines += [
            f"**{o.name}**{'' if o.required else ' (optional)'} — {o.description}; {o.limits}"
            for o in line.options
        ]
        lines.append(f"`{line.example}`")
    else:
        lines = [f"**/{c.name}** — {c.description}\n`{c.example}`" for c in answer.commands]
    return _pages(
        f"/{answer.command}" if answer.command else "Open Cup Bot — what you can ask",
        lines,
        colour=discord.Colour.blurple(),
        footer="Club names can be typed loosely: folsom, inter sf, harpo's",
    )


@render_pages.register
def _(answer: EligibleAnswer) -> list[discord.Embed]:
    head, lines = eligibility_lines(answer)
    colour = {True: discord.Colour.green(), False: discord.Colour.red(), None: discord.Colour.gold()}[
        answer.eligible
    ]
    if answer.form == "team":  # a named team's colour is its standing, as in /path: eligible is in words
        colour = COLOURS.get(answer.status, colour)
    return _pages(head, [_safe(line) for line in lines], colour=colour, footer=f"{answer.season} rules")
