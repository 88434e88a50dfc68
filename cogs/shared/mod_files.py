"""`/mod import`, `/mod import-undo` and `/mod export`: whole files in and seasons out, on Discord.

An import is checked without writing (`bot.answers.imports.import_file`), its report shown privately, and,
when it can be applied, kept as a pending write that holds the file's text: its Confirm
(`cogs.shared.moderators.confirm`) imports the file again from the store — once, after a restart too — if
it would still do what the preview showed. The undo of a whole import is previewed and confirmed the same way.
An export attaches the season's data/ files, or the one zip when they do not fit within what the
interaction allows (ten files, each within its `attachment_size_limit`).

Who may use them is checked by the /mod cog before any of this runs, and again by every button.
"""

from __future__ import annotations

import io
import logging
import unicodedata
from typing import TYPE_CHECKING

import aiohttp
import discord

from bot.answers.lookup import season_in
from bot.answers.report import Refused
from bot.client import respond
from bot.moderation import FilePreview, actor_name, preview_import, preview_import_undo
from bot.render.moderation import file_embed
from bot.store.models import stored_id
from bot.store.pending import aware, create_pending
from cogs.shared.moderators import show_preview

if TYPE_CHECKING:
    from bot.answers.imports import ExportAnswer
    from bot.client import OpenCupBot

log = logging.getLogger(__name__)

MIB = 1024 * 1024
MOST_FILES = 10  # attachments a message may carry
NOT_FETCHED = "The file could not be fetched from Discord: attach it again."


def _bot(interaction: discord.Interaction) -> OpenCupBot:
    return interaction.client  # type: ignore[return-value]


async def _defer(interaction: discord.Interaction) -> None:
    """Answer "thinking…" privately at once: reading a file and checking it against the store takes time."""
    if not interaction.response.is_done():
        await interaction.response.defer(ephemeral=True, thinking=True)


def shown_name(filename: str) -> str:
    """A file's name as a message shows it: no control characters, markdown neutralised, not too long."""
    clean = "".join(ch for ch in filename if unicodedata.category(ch)[0] != "C").strip()
    clean = clean if len(clean) <= 60 else clean[:59] + "…"
    return discord.utils.escape_markdown(clean) or "the file"


def size_words(size: int) -> str:
    """A size as people read it: '1.5 MiB', '30 KiB', '512 bytes'."""
    if size >= MIB:
        return f"{size / MIB:.1f} MiB"
    if size >= 1024:
        return f"{-(-size // 1024)} KiB"
    return f"{size} bytes"


def too_large(filename: str, size: int) -> Refused | None:
    """The refusal of an attachment bigger than an import takes (before it is downloaded), if it is."""
    from bot.seasons.upload import MAX_UPLOAD_BYTES, MAX_UPLOAD_WORDS

    if size <= MAX_UPLOAD_BYTES:
        return None
    return Refused(
        "file_too_large",
        f"{shown_name(filename)} is {size_words(size)}, and an import takes at most {MAX_UPLOAD_WORDS}: "
        "split it (one file per round, say) and import each part.",
    )


async def _keep(interaction: discord.Interaction, preview: FilePreview) -> None:
    """Keep a preview that can be confirmed as a pending write, and show it with Confirm / Cancel."""
    assert interaction.guild_id is not None  # the cog's check refuses direct messages
    async with _bot(interaction).store.session() as session:
        pending = await create_pending(
            session=session,
            kind=preview.kind,
            guild_id=interaction.guild_id,
            channel_id=interaction.channel_id,
            actor_id=interaction.user.id,
            actor=preview.answer.actor,
            arguments=preview.arguments,
            expected_version=None,
            upload=preview.upload,
        )
    assert pending.expires_at is not None
    embed = file_embed(preview.answer, pending_id=stored_id(pending), expires_at=aware(pending.expires_at))
    await show_preview(interaction, pending, embed)


async def send_import_preview(
    interaction: discord.Interaction,
    file: discord.Attachment,
    *,
    season: int | None,
    new_clubs: bool,
    overwrite: bool,
) -> None:
    """Check an attached file against the store and show the report; Confirm / Cancel if it can be applied.

    A file that cannot be imported at all (too big, not text, of no known shape) is refused, raised as the
    `Refused` it is: the bot's error handler says it, privately.
    """
    await _defer(interaction)
    refused = too_large(file.filename, file.size)
    if refused is not None:
        raise refused
    try:
        content = await file.read()
    except (TimeoutError, discord.HTTPException, aiohttp.ClientError) as failure:
        log.warning("the attachment %s could not be fetched: %s", file.id, failure)
        raise Refused("bad_file", NOT_FETCHED) from None
    async with _bot(interaction).store.session() as session:
        preview = await preview_import(
            session,
            content=content,
            filename=file.filename,
            season=season,
            new_clubs=new_clubs,
            overwrite=overwrite,
            actor=actor_name(interaction.user.name),
        )
    answer = preview.answer
    from bot.answers.imports import ImportAnswer

    assert isinstance(answer, ImportAnswer)
    log.info(
        "import of %s (%d bytes) previewed by %s: %s",
        file.filename[:80],
        len(content),
        interaction.user.id,
        "ready" if answer.ready else "nothing to confirm",
    )
    if not answer.ready:  # lines not understood, new clubs not confirmed, or nothing to change: no Confirm
        await respond(interaction, embed=file_embed(answer), ephemeral=True)
        return
    await _keep(interaction, preview)


async def send_import_undo_preview(interaction: discord.Interaction, batch: str) -> None:
    """Preview taking back the whole import `batch`, with Confirm / Cancel."""
    await _defer(interaction)
    async with _bot(interaction).store.session() as session:
        preview = await preview_import_undo(session, batch=batch, actor=actor_name(interaction.user.name))
    await _keep(interaction, preview)


def export_reply(exported: ExportAnswer, *, limit: int) -> tuple[str, list[discord.File]]:
    """The words and the attachments of an export: the files, or the one zip, or why neither fits."""
    year = exported.season
    fits = len(exported.files) <= MOST_FILES and all(file.size <= limit for file in exported.files)
    if fits:
        names = ", ".join(f"`{file.name}`" for file in exported.files)
        text = f"The {year} season as the files of `data/seasons/{year}/`: {names}."
        files = [discord.File(io.BytesIO(file.content), filename=file.name) for file in exported.files]
    elif exported.zip_size <= limit:
        text = (
            f"The {year} season's files do not fit here one by one (this server takes attachments up to "
            f"{size_words(limit)}), so they come as one zip, `{exported.zip_name}`."
        )
        files = [discord.File(io.BytesIO(exported.zip_content), filename=exported.zip_name)]
    else:
        text = (
            f"The {year} season is {size_words(exported.zip_size)} even zipped, more than the "
            f"{size_words(limit)} this server lets the bot attach: export it on the console instead "
            f"(`python -m bot export --season {year}`)."
        )
        files = []
    if exported.problems:
        count = len(exported.problems)
        first = discord.utils.escape_markdown(exported.problems[0])
        first = first if len(first) <= 300 else first[:299] + "…"
        text += f" check-data finds {count} problem{'s' if count != 1 else ''} in it (the first: {first})."
    return text, files


async def send_export(interaction: discord.Interaction, season: int | None) -> None:
    """Attach a season of the store (by default the latest) as data/ files, privately."""
    await _defer(interaction)
    bot = _bot(interaction)
    year = season if season is not None else season_in(await bot.store.model(), None).season.year
    async with bot.store.session() as session:
        from bot.answers.imports import export_season

        exported = await export_season(session, season=year)
    text, files = export_reply(exported, limit=interaction.filesize_limit)
    log.info(
        "season %s exported by %s: %s", year, interaction.user.id, [file.filename for file in files] or "none"
    )
    if files:
        await respond(interaction, content=text, files=files, ephemeral=True)
    else:
        await respond(interaction, content=text, ephemeral=True)
