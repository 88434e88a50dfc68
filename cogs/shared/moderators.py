"""The moderators on Discord: who may write (checked at every act), and previews confirmed by button.

Every moderator command, button and form is checked here, server-side, at the moment it acts: the guild is
one of MOD_GUILD_IDS and the member holds one of MOD_ROLE_IDS (or Manage Server when none are set), as
`bot.moderation.may_write` decides. A refusal is an ephemeral sentence naming what failed, and one log line;
nothing is written. `default_permissions` on the /mod group only hides it from others; it is never the check.

A writing command answers with a preview and Confirm / Cancel buttons (Overwrite when it replaces a result).
The previewed write is a `PendingWrite` row in the store, and the buttons carry only its id (`DynamicItem`s
registered at start-up), so a bot restarted between the preview and the confirmation still confirms. A
confirmation applies what was previewed, at the version previewed, once: the press that claims the pending
write lends it its interaction id as the idempotency key (bot.store.pending).
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands

from bot.answers.commands import COMMANDS
from bot.answers.errors import AnswerError
from bot.answers.report import WriteAnswer
from bot.client import respond
from bot.moderation import (
    FILE_KINDS,
    HOW,
    CorrectionForm,
    NotAllowed,
    actor_name,
    answer_when_applied,
    apply_pending,
    correction_arguments,
    correction_form,
    may_write,
    preview_write,
)
from bot.render.embed import error_text
from bot.render.menus import (
    CUSTOM_ID_PREFIX,
    claim,
    press_failures,
    tell,
    what_was_asked,
)
from bot.render.moderation import (
    ANNOUNCED,
    announced_where,
    applied_embed,
    closed_embed,
    file_embed,
    preview_embed,
)
from bot.store.guilds import guild_setting
from bot.store.models import PendingWrite, stored_id
from bot.store.pending import (
    PENDING,
    aware,
    claim_pending,
    create_pending,
    expired,
    finish_pending,
    get_pending,
)

if TYPE_CHECKING:
    from bot.client import OpenCupBot
    from bot.moderation import FileAnswer

log = logging.getLogger(__name__)

MOD_PREFIX = f"{CUSTOM_ID_PREFIX}mod:"
FORM_PREFIX = f"{MOD_PREFIX}form:"  # a correction form's custom_id: opencup:mod:form:<season>:<number>
NO_SUCH_PREVIEW = "This preview is not one the bot knows (any more): run the command again."
NOT_YOURS = "This preview belongs to another moderator: only they can confirm or cancel it."
OTHER_SERVER = "This preview was made in another server: confirm it there."
EXPIRED = "This preview expired after 15 minutes, and nothing was changed: run the command again."
CANCELLED = "Cancelled: nothing was changed."
_FORM = re.compile(re.escape(FORM_PREFIX) + r"(?P<season>[0-9]{4}):(?P<number>[0-9]{1,5})")


# ------------------------------------------------------------------ who may write


def _bot(interaction: discord.Interaction) -> OpenCupBot:
    return interaction.client  # type: ignore[return-value]


def refusal(interaction: discord.Interaction) -> NotAllowed | None:
    """Why the member behind `interaction` may not use a moderator's command here, or None if they may."""
    member = interaction.user
    # The role ids the interaction itself carries: Discord's word at this moment, whatever the caches hold.
    roles = list(member._roles) if isinstance(member, discord.Member) else []
    return may_write(
        guild_id=interaction.guild_id,
        role_ids=roles,
        manage_guild=interaction.guild_id is not None and interaction.permissions.manage_guild,
        settings=_bot(interaction).settings,
    )


def log_refused(interaction: discord.Interaction, why: str) -> None:
    """The one log line of a refused moderator's act."""
    log.warning(
        "moderators only: %s refused (user %s, guild %s): %s",
        what_was_asked(interaction),
        interaction.user.id,
        interaction.guild_id,
        why,
    )


class NotAModeratorHere(app_commands.CheckFailure, AnswerError):
    """The cog check's refusal: the bot's error handler says its sentence, ephemerally."""

    code = "not_allowed"

    def __init__(self, refused: NotAllowed) -> None:
        """Carry the refusal's sentence and which condition failed."""
        AnswerError.__init__(self, refused.message)
        self.reason = refused.reason


def require_moderator(interaction: discord.Interaction) -> None:
    """Raise `NotAModeratorHere` (and log it) unless the member may use the moderators' commands here."""
    refused = refusal(interaction)
    if refused is not None:
        log_refused(interaction, refused.reason)
        raise NotAModeratorHere(refused)


async def allowed(interaction: discord.Interaction) -> bool:
    """Whether a press or form may act; if not, the member is told why, ephemerally, and it is logged."""
    refused = refusal(interaction)
    if refused is None:
        return True
    log_refused(interaction, refused.reason)
    await tell(interaction, refused.message)
    return False


# ------------------------------------------------------------------ previews


async def send_preview(interaction: discord.Interaction, kind: str, arguments: dict[str, str]) -> None:
    """Preview writing command `kind`, keep it as a pending write, and show it with Confirm / Cancel.

    A refusal of the command itself (a bad score, a tie that does not exist) is raised as the answer error
    it is; the caller's error handler says it.
    """
    if interaction.guild_id is None:  # checked already; a pending write belongs to a guild
        raise NotAModeratorHere(refusal(interaction) or NotAllowed("direct_message", "Not in a server."))
    actor = actor_name(interaction.user.name)
    bot = _bot(interaction)
    async with bot.store.session() as session:
        preview = await preview_write(session, kind=kind, arguments=arguments, actor=actor)
        pending = await create_pending(
            session=session,
            kind=kind,
            guild_id=interaction.guild_id,
            channel_id=interaction.channel_id,
            actor_id=interaction.user.id,
            actor=actor,
            arguments=preview.arguments,
            expected_version=preview.expected_version,
        )
    assert pending.expires_at is not None
    embed = preview_embed(preview, pending_id=stored_id(pending), expires_at=aware(pending.expires_at))
    buttons = preview_buttons(stored_id(pending), overwrite=preview.replaces is not None)
    _grey_when_expired(interaction, pending)  # before the answer: a bot closing meanwhile stops it too
    await respond(interaction, embed=embed, view=buttons, ephemeral=True)


async def show_preview(interaction: discord.Interaction, pending: PendingWrite, embed: discord.Embed) -> None:
    """Show a write previewed elsewhere (an import), kept as `pending`: privately, with Confirm / Cancel."""
    _grey_when_expired(interaction, pending)
    buttons = preview_buttons(stored_id(pending), overwrite=False)
    await respond(interaction, embed=embed, view=buttons, ephemeral=True)


TOKEN_MARGIN = 10.0  # seconds before an interaction token's 15 minutes end that its preview is greyed out
_EXPIRING: dict[int, set[asyncio.Task[None]]] = {}  # by the id of the bot that showed the preview


def _grey_when_expired(interaction: discord.Interaction, pending: PendingWrite) -> None:
    """Grey the preview out as its time runs out (while its token can still edit it).

    Only while this process runs: after a restart, a press on an expired preview is refused and greys it then.
    """
    assert pending.created_at is not None and pending.expires_at is not None
    if interaction.client.is_closed():
        return
    lifetime = (aware(pending.expires_at) - aware(pending.created_at)).total_seconds()
    delay = lifetime - TOKEN_MARGIN if lifetime > TOKEN_MARGIN else lifetime
    task = asyncio.get_running_loop().create_task(
        _expire_later(interaction, stored_id(pending), delay), name=f"opencup-pending-{pending.id}-expiry"
    )
    timers = _EXPIRING.setdefault(id(interaction.client), set())
    timers.add(task)
    task.add_done_callback(timers.discard)


async def _expire_later(interaction: discord.Interaction, pending_id: int, delay: float) -> None:
    await asyncio.sleep(delay)
    try:
        async with _bot(interaction).store.session() as session:
            if not await finish_pending(session=session, pending_id=pending_id, state="expired"):
                return  # confirmed, cancelled or being applied meanwhile
        view = preview_buttons(pending_id, overwrite=False, disabled=True)
        await interaction.edit_original_response(embed=closed_embed("Expired", EXPIRED), view=view)
    except discord.HTTPException as failure:
        log.info("pending write %s expired; its preview could not be greyed out: %s", pending_id, failure)
    except Exception:
        log.exception("pending write %s: expiry failed", pending_id)


def stop_expiry_timers(bot: discord.Client) -> None:
    """Stop the timers that grey `bot`'s previews out (it is closing; presses still check expiry)."""
    for task in _EXPIRING.pop(id(bot), set()):
        task.cancel()


def _layout(*items: discord.ui.Item[Any]) -> discord.ui.View:
    """Items as a layout only: stopped before it is sent, so discord.py keeps nothing of it in memory."""
    view = discord.ui.View(timeout=None)
    for item in items:
        view.add_item(item)
    view.stop()
    return view


def preview_buttons(pending_id: int, *, overwrite: bool, disabled: bool = False) -> discord.ui.View:
    """Confirm (or Overwrite) and Cancel for pending write `pending_id`."""
    return _layout(
        PendingButton("overwrite" if overwrite else "confirm", pending_id, disabled=disabled),
        PendingButton("cancel", pending_id, disabled=disabled),
    )


def _applied_buttons(kind: str, answer: WriteAnswer | FileAnswer) -> discord.ui.View | None:
    """A "Correct" button under a result just entered, opening the tie's correction form."""
    if kind != "report" or not isinstance(answer, WriteAnswer) or answer.fixture is None:
        return None
    return _layout(CorrectButton(answer.fixture.season, answer.fixture.number))


def _applied_embed(answer: WriteAnswer | FileAnswer, *, kind: str, again: bool) -> discord.Embed:
    """A write applied: a tie's (or a season's) change, or a whole file's."""
    if isinstance(answer, WriteAnswer):
        return applied_embed(answer, kind=kind, again=again)
    return file_embed(answer, again=again or answer.already)


# ------------------------------------------------------------------ the buttons


_STYLES = {
    "confirm": ("Confirm", discord.ButtonStyle.success),
    "overwrite": ("Overwrite", discord.ButtonStyle.danger),
    "cancel": ("Cancel", discord.ButtonStyle.secondary),
}


class PendingButton(
    discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]],
    template=re.escape(MOD_PREFIX) + r"(?P<action>confirm|overwrite|cancel):(?P<pending>[0-9]{1,18})",
):
    """Confirm, Overwrite or Cancel of one pending write, by its id (nothing else is in the custom_id)."""

    def __init__(self, action: str, pending_id: int, *, disabled: bool = False) -> None:
        """The `action` button of pending write `pending_id`."""
        label, style = _STYLES[action]
        super().__init__(
            discord.ui.Button(
                label=label,
                style=style,
                custom_id=f"{MOD_PREFIX}{action}:{pending_id}",
                disabled=disabled,
            )
        )
        self.action, self.pending_id = action, pending_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> PendingButton:
        """The button pressed (claimed at once, so the catch-all for stale menus leaves it alone)."""
        claim(interaction)  # before any await: see bot/render/menus.py
        return cls(match["action"], int(match["pending"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        """Confirm or cancel, once the presser is checked; any failure gets one private sentence."""
        async with press_failures(interaction, f"pending write {self.pending_id}: {self.action}"):
            if self.action == "cancel":
                await cancel(interaction, self.pending_id)
            else:
                await confirm(interaction, self.pending_id)


class CorrectButton(
    discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]],
    template=re.escape(MOD_PREFIX) + r"correct:(?P<season>[0-9]{4}):(?P<number>[0-9]{1,5})",
):
    """The Correct button under a result: opens the tie's correction form, filled as the store holds it."""

    def __init__(self, season: int, number: int) -> None:
        """The Correct button of fixture `number` of `season`."""
        super().__init__(
            discord.ui.Button(
                label="Correct",
                style=discord.ButtonStyle.secondary,
                custom_id=f"{MOD_PREFIX}correct:{season}:{number}",
            )
        )
        self.season, self.number = season, number

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> CorrectButton:
        """The button pressed (claimed at once)."""
        claim(interaction)  # before any await: see bot/render/menus.py
        return cls(int(match["season"]), int(match["number"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        """Open the correction form, to moderators only."""
        async with press_failures(interaction, f"correct {self.season}/{self.number}"):
            try:
                if not await allowed(interaction):
                    return
                form = correction_form(
                    await _bot(interaction).store.model(), season=self.season, number=self.number
                )
                await interaction.response.send_modal(correction_modal(form))
            except AnswerError as refused:
                await tell(interaction, error_text(refused))


BUTTONS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (PendingButton, CorrectButton)


# ------------------------------------------------------------------ confirm and cancel


async def _pending_of(interaction: discord.Interaction, pending_id: int) -> PendingWrite | None:
    """The presser's own pending write; None (after saying so, and logging it) if it is not theirs."""
    async with _bot(interaction).store.session() as session:
        pending = await get_pending(session=session, pending_id=pending_id)
    problem = (
        NO_SUCH_PREVIEW
        if pending is None
        else OTHER_SERVER
        if pending.guild_id != interaction.guild_id
        else NOT_YOURS
        if pending.actor_id != interaction.user.id
        else None
    )
    if problem is None:
        return pending
    log_refused(interaction, f"pending write {pending_id}: {problem}")
    await tell(interaction, problem)
    return None


async def _close(
    interaction: discord.Interaction, pending: PendingWrite, title: str, text: str, *, grey: bool
) -> None:
    """Show on the preview itself why it ended (its buttons greyed, or gone)."""
    view = preview_buttons(stored_id(pending), overwrite=False, disabled=True) if grey else None
    embed = closed_embed(title, text)
    if interaction.response.is_done():
        await interaction.edit_original_response(embed=embed, view=view)
    else:
        await interaction.response.edit_message(embed=embed, view=view)


async def cancel(interaction: discord.Interaction, pending_id: int) -> None:
    """Drop a pending write (its buttons go away); nothing is written."""
    if not await allowed(interaction):
        return
    pending = await _pending_of(interaction, pending_id)
    if pending is None:
        return
    async with _bot(interaction).store.session() as session:
        dropped = await finish_pending(session=session, pending_id=pending_id, state="cancelled")
        now = await get_pending(session=session, pending_id=pending_id)
    if dropped or (now is not None and now.state == "cancelled"):
        await _close(interaction, pending, "Cancelled", CANCELLED, grey=False)
        return
    await _already_over(interaction, now or pending)


async def confirm(interaction: discord.Interaction, pending_id: int) -> None:
    """Apply a pending write, once, if the presser may, it is theirs, it has not expired and is unchanged."""
    if not await allowed(interaction):
        return
    pending = await _pending_of(interaction, pending_id)
    if pending is None:
        return
    request = str(interaction.id)
    bot = _bot(interaction)
    async with bot.store.session() as session:
        if pending.state == PENDING and pending.finished_request is None and expired(pending):
            await finish_pending(session=session, pending_id=pending_id, state="expired")
            pending = await get_pending(session=session, pending_id=pending_id) or pending
        if pending.state != PENDING:
            if pending.finished_request == request:
                log.info("interaction %s delivered again: it was handled already", request)
                return
            await _already_over(interaction, pending)
            return
        claimed = await claim_pending(session=session, pending_id=pending_id, request=request)
        mine = claimed.pending is not None and claimed.pending.finished_request == request
        if not claimed.claimed and (claimed.request == request or mine):
            # This very interaction, delivered again: being handled, or handled (finished) just now.
            log.info("interaction %s delivered again: it is being handled already", request)
            return
        if claimed.request is None:
            await _already_over(interaction, claimed.pending or pending)
            return
        await interaction.response.defer()  # the write and its answer follow (an edit of the preview)
        try:
            answer = await apply_pending(session, pending, request=claimed.request)
        except AnswerError as refused:
            await finish_pending(session=session, pending_id=pending_id, state="refused")
            log.info("pending write %s not applied: %s", pending_id, refused.message)
            await _close(interaction, pending, "Not applied", refused.message, grey=False)
            return
        await finish_pending(
            session=session, pending_id=pending_id, state="applied", revision_id=answer.revision
        )
        setting = await guild_setting(session=session, guild_id=pending.guild_id)
    log.info("pending write %s applied as revision %s by %s", pending_id, answer.revision, pending.actor)
    embed = _applied_embed(answer, kind=pending.kind, again=not claimed.claimed)
    if pending.kind in ANNOUNCED:
        channel = setting.results_channel_id if setting is not None else None
        embed.add_field(name="Announced", value=announced_where(channel), inline=False)
    await interaction.edit_original_response(embed=embed, view=_applied_buttons(pending.kind, answer))


async def _already_over(interaction: discord.Interaction, pending: PendingWrite) -> None:
    """A press on a preview that is no longer pending: show how it ended."""
    if pending.state == "applied" and pending.revision_id is not None:
        async with _bot(interaction).store.session() as session:
            answer = await answer_when_applied(session, pending)
        if answer is not None:
            await interaction.response.edit_message(
                embed=_applied_embed(answer, kind=pending.kind, again=True),
                view=_applied_buttons(pending.kind, answer),
            )
            return
    words = {
        "cancelled": ("Cancelled", CANCELLED),
        "expired": ("Expired", EXPIRED),
        "refused": (
            "Not applied",
            "This preview was confirmed already and could not be applied: run the command again to see "
            + ("how things stand now." if pending.kind in FILE_KINDS else "the tie as it is now."),
        ),
    }
    title, text = words.get(pending.state, ("Already confirmed", "This preview was confirmed already."))
    await _close(interaction, pending, title, text, grey=pending.state == "expired")


# ------------------------------------------------------------------ the correction form


FORM_FIELDS = {  # custom_id: (label, the /report option whose limit the field takes; none for "how")
    "score": ("Score, home first (e.g. 2-1)", "score"),
    "penalties": ("Shoot-out, home first (e.g. 4-3), if any", "penalties"),
    "how": ("How: regulation, aet, forfeit, postponed…", ""),
    "winner": ("Winner: home or away (forfeit, level)", "winner"),
    "note": ("Note: why it changed", "note"),
}


def correction_modal(form: CorrectionForm) -> discord.ui.Modal:
    """The correction form of a tie as a modal (five fields at most, each within the table's limits)."""
    modal = discord.ui.Modal(title=form.title, custom_id=f"{FORM_PREFIX}{form.season}:{form.number}")
    for custom_id, (label, option_name) in FORM_FIELDS.items():
        option = COMMANDS["report"].option(option_name)
        longest = option.max_length if option is not None else max(len(word) for word in HOW)
        modal.add_item(
            discord.ui.TextInput(
                label=label,
                custom_id=custom_id,
                default=getattr(form, custom_id) or None,
                required=False,
                max_length=longest,
                style=discord.TextStyle.paragraph if custom_id == "note" else discord.TextStyle.short,
            )
        )
    modal.stop()  # answered by the /mod cog's listener, from the custom_id alone (a restart loses nothing)
    return modal


def _submitted(interaction: discord.Interaction) -> dict[str, str]:
    """The text of each field of a submitted form."""
    found: dict[str, str] = {}
    data: dict[str, Any] = dict(interaction.data or {})
    for row in data.get("components") or []:
        inputs = row.get("components") or ([row["component"]] if row.get("component") else [])
        for field in inputs:
            if isinstance(field, dict) and isinstance(field.get("custom_id"), str):
                found[field["custom_id"]] = str(field.get("value") or "")
    return found


def is_correction(interaction: discord.Interaction) -> bool:
    """Whether an interaction is a submitted correction form."""
    data: dict[str, Any] = dict(interaction.data or {})
    return interaction.type is discord.InteractionType.modal_submit and str(
        data.get("custom_id", "")
    ).startswith(FORM_PREFIX)


async def submit_correction(interaction: discord.Interaction) -> None:
    """A submitted correction form: checked, then previewed as /report for that tie, to be confirmed."""
    data: dict[str, Any] = dict(interaction.data or {})
    found = _FORM.fullmatch(str(data.get("custom_id", "")))
    async with press_failures(interaction, "correction form"):
        try:
            if not await allowed(interaction):
                return
            if found is None:
                await tell(interaction, NO_SUCH_PREVIEW)
                return
            arguments = correction_arguments(
                season=int(found["season"]), number=int(found["number"]), fields=_submitted(interaction)
            )
            await send_preview(interaction, "report", arguments)
        except AnswerError as refused:
            await tell(interaction, error_text(refused))
