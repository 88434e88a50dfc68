"""The moderators' answers as Discord embeds: a write previewed, confirmed, /history's pages, an import.

Every club name and note is user text: markdown in it is neutralised, and messages go out with mentions off.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import discord

from bot.answers.models import RoundMatch
from bot.answers.report import FixtureView, HistoryAnswer, HistoryLine, WriteAnswer
from bot.moderation import Preview

if TYPE_CHECKING:  # the file imports' machinery is loaded when a file is imported, not at start-up
    from bot.answers.imports import ImportAnswer, UndoImportAnswer
    from bot.moderation import FileAnswer
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


# The writes fans are told of (bot.store.writes puts their notifications in the outbox).
ANNOUNCED = frozenset({"report", "undo", "fixture", "bye"})


def announced_where(channel_id: int | None) -> str:
    """Where an applied write is announced: the server's results channel (if set) and the followers."""
    if channel_id is None:
        return "To the clubs' followers. This server has no results channel: `/mod channel set` names one."
    return f"In <#{channel_id}>, and to the clubs' followers (the posts follow within seconds)."


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


# ------------------------------------------------------------------ a whole file: import and its undo

FILE_SHAPES = {
    "fixtures": "a fixtures CSV",
    "teams": "a teams CSV",
    "byes": "a byes CSV",
    "season": "a season in the seed format",
}
FIELD_ROOM = 1024  # an embed field's value; with the description's 1,500 and notes' 500, under 6,000 in all
DESCRIPTION_ROOM = 1500
NOTES_ROOM = 500
LINE_ROOM = 300  # one listed line (a reason may quote a long value)


def listed(lines: list[str], *, room: int, what: str = "") -> str:
    """As many of `lines` as fit in `room` characters, then how many were left out ('… and 12 more lines')."""
    shown: list[str] = []
    used = 0
    for at, line in enumerate(lines):
        line = _clip(line, LINE_ROOM)
        more = f"… and {len(lines) - at} more" + (f" {what}" if what else "")
        reserve = len(more) + 1 if at < len(lines) - 1 else 0
        if used + len(line) + 1 + reserve > room:
            shown.append(more)
            break
        shown.append(line)
        used += len(line) + 1
    return "\n".join(shown)


def _bullets(effects: list[str]) -> list[str]:
    """The effects of an import, as a moderator on Discord reads them (the console's undo hint left out)."""
    return [f"• {_safe(effect)}" for effect in effects if not effect.startswith("undo all of it with")]


def _import_fields(embed: discord.Embed, answer: ImportAnswer) -> None:
    if answer.new_clubs:
        rows = []
        for club in answer.new_clubs:
            where = f" (line {club.line})" if club.line is not None else ""
            maybe = (
                "perhaps " + ", ".join(_safe(name) for name in club.proposals)
                if club.proposals
                else "no club of the records is close"
            )
            rows.append(f"**{_safe(club.name)}**{where} — {maybe}")
        state = "entered as new" if answer.new_clubs_confirmed else "not in the records"
        embed.add_field(
            name=f"New clubs: {len(answer.new_clubs)}, {state}",
            value=listed(rows, room=FIELD_ROOM, what="clubs"),
            inline=False,
        )
    if answer.conflicts:
        rows = []
        for conflict in answer.conflicts:
            where = f" (line {conflict.line})" if conflict.line is not None else ""
            when = f", {discord.utils.format_dt(conflict.entered_at, 'R')}" if conflict.entered_at else ""
            fate = "kept (overwrite replaces it)" if conflict.kept else "replaced"
            rows.append(
                f"#{conflict.fixture} {_safe(conflict.home or '?')} v {_safe(conflict.away or '?')}{where}: "
                f"the records have {_safe(conflict.store)} (by {_safe(conflict.entered_by)}{when}), "
                f"the file {_safe(conflict.file)} — {fate}"
            )
        embed.add_field(
            name=f"Results already entered, different in the file: {len(answer.conflicts)}",
            value=listed(rows, room=FIELD_ROOM, what="results"),
            inline=False,
        )
    if answer.not_understood:
        rows = [
            (f"line {problem.line}: " if problem.line is not None else "") + _safe(problem.why)
            for problem in answer.not_understood
        ]
        embed.add_field(
            name=f"Lines not understood: {len(answer.not_understood)}",
            value=listed(rows, room=FIELD_ROOM, what="lines"),
            inline=False,
        )
    if answer.notes:
        embed.add_field(
            name="Notes",
            value=listed([_safe(note) for note in answer.notes], room=NOTES_ROOM, what="notes"),
            inline=False,
        )


def _why_not(answer: ImportAnswer) -> str:
    """Why an import previewed cannot be confirmed, and what to do."""
    if answer.not_understood:
        return "Nothing can be imported while a line is not understood: correct the file and import it again."
    if answer.new_clubs and not answer.new_clubs_confirmed:
        return (
            "Names the records do not hold would be new clubs: write them as the records do (see the "
            "proposals), or import again with `new_clubs: True` to enter them all as new clubs."
        )
    return "Nothing to import: the records hold all of it already."


def import_embed(
    answer: ImportAnswer,
    *,
    pending_id: int | None = None,
    expires_at: dt.datetime | None = None,
    again: bool = False,
) -> discord.Embed:
    """An import's report: previewed (Confirm until `expires_at`), not possible as it is, or applied."""
    rows = f"{answer.rows} row{'' if answer.rows == 1 else 's'} read"
    shape = FILE_SHAPES.get(answer.kind, answer.kind)
    head = f"**{_safe(answer.file)}**: {shape} for {answer.season} — {rows}"
    if answer.applied and answer.batch:
        title, colour = f"Import — applied as {answer.batch}", discord.Colour.green()
        last = (
            f"{len(answer.revisions)} revisions. Take all of it back with `/mod import-undo "
            f"batch:{answer.batch}` (on the console: `python -m bot import-undo {answer.batch}`)."
        )
        if again or answer.already:  # the first application's answer is not kept: say what it made
            head = f"This was confirmed already; it was applied once, as {answer.batch}."
    elif answer.ready and pending_id is not None and expires_at is not None:
        title, colour = "Import — preview", discord.Colour.gold()
        last = (
            f"Nothing has changed yet. Confirm {discord.utils.format_dt(expires_at, 'R')} at the latest, "
            "or cancel."
        )
    else:
        title, colour = "Import — nothing to confirm", discord.Colour.light_grey()
        last = _why_not(answer)
    room = DESCRIPTION_ROOM - len(head) - len(last) - 4
    effects = "" if answer.already else listed(_bullets(answer.effects), room=room)
    embed = discord.Embed(
        title=_clip(title, 256),
        description=_clip("\n\n".join(part for part in (head, effects, last) if part), 4096),
        colour=colour,
    )
    _import_fields(embed, answer)
    footer = f"pending write {pending_id} · as {answer.actor}" if pending_id else f"by {answer.actor}"
    embed.set_footer(text=_clip(footer, 2048))
    return embed


def import_undo_embed(
    answer: UndoImportAnswer,
    *,
    pending_id: int | None = None,
    expires_at: dt.datetime | None = None,
    again: bool = False,
) -> discord.Embed:
    """Undoing a whole import: what it would put back (previewed), or what it did (applied)."""
    if answer.applied:
        title, colour = f"Import undone — {answer.undo_batch or answer.batch}", discord.Colour.green()
        head = f"Import {_safe(answer.batch)} ({answer.season}) was taken back:"
        if again or answer.already:
            head = f"This was confirmed already: import {_safe(answer.batch)} was taken back once."
        last = f"{len(answer.revisions)} revisions; none was deleted (`/mod history` lists them)."
    else:
        title, colour = "Undo an import — preview", discord.Colour.gold()
        head = f"Undoing import {_safe(answer.batch)} ({answer.season}) would:"
        when = discord.utils.format_dt(expires_at, "R") if expires_at is not None else "soon"
        last = f"Nothing has changed yet. Confirm {when} at the latest, or cancel."
    effects = "" if answer.already else listed(_bullets(answer.effects), room=3000)
    embed = discord.Embed(
        title=_clip(title, 256),
        description=_clip("\n\n".join(part for part in (head, effects, last) if part), 4096),
        colour=colour,
    )
    footer = f"pending write {pending_id} · as {answer.actor}" if pending_id else f"by {answer.actor}"
    embed.set_footer(text=_clip(footer, 2048))
    return embed


def file_embed(
    answer: FileAnswer,
    *,
    pending_id: int | None = None,
    expires_at: dt.datetime | None = None,
    again: bool = False,
) -> discord.Embed:
    """An import or the undo of one, previewed or applied."""
    from bot.answers.imports import ImportAnswer  # loaded with the first file imported, not at start-up

    if isinstance(answer, ImportAnswer):
        return import_embed(answer, pending_id=pending_id, expires_at=expires_at, again=again)
    return import_undo_embed(answer, pending_id=pending_id, expires_at=expires_at, again=again)
