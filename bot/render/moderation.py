"""The moderators' answers as Discord embeds: a write's preview, its confirmation, and /history's pages.

Every club name and note is user text: markdown in it is neutralised, and messages go out with mentions off.
"""

from __future__ import annotations

import datetime as dt

import discord

from bot.answers.models import RoundMatch
from bot.answers.report import FixtureView, HistoryAnswer, HistoryLine, WriteAnswer
from bot.moderation import Preview
from bot.render.embed import discord_when, render_pages
from bot.render.text import tie_words

HISTORY_LINES_PER_PAGE = 10
TITLES = {
    "report": "Result",
    "undo": "Undo",
    "fixture": "New tie",
    "bye": "Bye",
    "season new": "New season",
}


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _safe(text: str) -> str:
    return discord.utils.escape_markdown(text)


def _tie(match: RoundMatch) -> str:
    return _safe(tie_words(match, discord_when))


def _where(view: FixtureView) -> str:
    return f"#{view.number} · {view.season} round {view.round}"


def _lines(answer: WriteAnswer, *, before: str, after: str) -> list[str]:
    lines: list[str] = []
    if answer.before is not None:
        lines.append(f"**{before}** {_where(answer.before)}\n{_tie(answer.before)}")
    if answer.fixture is not None:
        lines.append(f"**{after}** {_where(answer.fixture)}\n{_tie(answer.fixture)}")
    lines += [f"→ {_safe(effect)}" for effect in answer.effects]
    return lines


def preview_embed(preview: Preview, *, pending_id: int, expires_at: dt.datetime) -> discord.Embed:
    """A write previewed: before and after, what follows, who entered a result it replaces, until when."""
    answer = preview.answer
    title = TITLES.get(preview.kind, preview.kind)
    if preview.replaces is not None:
        title = "Overwrite a result"
    lines: list[str] = []
    if preview.replaces is not None:
        when = f" {discord.utils.format_dt(preview.replaces.at, 'R')}" if preview.replaces.at else ""
        lines.append(
            f"⚠️ This tie already has a result, entered by **{_safe(preview.replaces.by)}**{when}. "
            "**Overwrite** replaces it."
        )
    lines += _lines(answer, before="Now", after="After")
    lines.append(
        f"Nothing has changed yet. Confirm {discord.utils.format_dt(expires_at, 'R')} at the latest, "
        "or cancel."
    )
    embed = discord.Embed(
        title=_clip(f"{title} — preview", 256),
        description=_clip("\n\n".join(lines), 4096),
        colour=discord.Colour.orange() if preview.replaces else discord.Colour.gold(),
    )
    embed.set_footer(text=_clip(f"pending write {pending_id} · as {answer.actor}", 2048))
    return embed


def applied_embed(answer: WriteAnswer, *, kind: str, again: bool = False) -> discord.Embed:
    """A write applied: the tie as fans now see it in /round and /path, and what followed."""
    lines = []
    if answer.fixture is not None:
        lines.append(f"**Fans now see** {_where(answer.fixture)}\n{_tie(answer.fixture)}")
    lines += [f"→ {_safe(effect)}" for effect in answer.effects]
    if again:
        lines.insert(0, "This was confirmed already; it was applied once.")
    lines.append(f"Undo it with `/mod undo revision:{answer.revision}`.")
    embed = discord.Embed(
        title=_clip(f"{TITLES.get(kind, kind)} — applied as revision {answer.revision}", 256),
        description=_clip("\n\n".join(lines), 4096),
        colour=discord.Colour.green(),
    )
    embed.set_footer(text=_clip(f"by {answer.actor}", 2048))
    return embed


def closed_embed(title: str, text: str, *, colour: discord.Colour | None = None) -> discord.Embed:
    """A preview that ended without a write: cancelled, expired or refused, and why."""
    return discord.Embed(
        title=_clip(title, 256),
        description=_clip(_safe(text), 4096),
        colour=colour or discord.Colour.light_grey(),
    )


def history_line(line: HistoryLine) -> str:
    """One revision of /history: '`#12` <time> · mod:alice · fixture 88: score 1-2 → 2-2 — why'."""
    when = discord.utils.format_dt(line.at, "f") if line.at is not None else "?"
    where = f"fixture {line.fixture}: " if line.fixture is not None else ""
    why = f" — {_safe(line.why)}" if line.why else ""
    return _clip(f"`#{line.id}` {when} · **{_safe(line.actor)}** · {where}{_safe(line.change)}{why}", 400)


@render_pages.register
def _(answer: HistoryAnswer) -> list[discord.Embed]:
    lines = [history_line(line) for line in answer.revisions] or ["No changes by moderators yet."]
    chunks = [lines[at : at + HISTORY_LINES_PER_PAGE] for at in range(0, len(lines), HISTORY_LINES_PER_PAGE)]
    pages = []
    for number, chunk in enumerate(chunks, 1):
        embed = discord.Embed(
            title="Changes by moderators, newest first",
            description=_clip("\n".join(chunk), 4096),
            colour=discord.Colour.dark_gold(),
        )
        paged = f" · page {number}/{len(chunks)}" if len(chunks) > 1 else ""
        embed.set_footer(text=f"{len(answer.revisions)} changes{paged} · undo one with /mod undo revision:N")
        pages.append(embed)
    return pages
