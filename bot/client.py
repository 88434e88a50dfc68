"""The discord.py bot: loads the cogs, opens the store, syncs commands when they changed, handles errors.

The gateway first, the store beside it. Importing this module costs discord.py and the settings only: the
store, the answers, the renderers and the cogs (SQLAlchemy, SQLModel, the answer models: about a second of
CPU on a small machine) are imported in a thread while the bot logs in and connects, then the store is
opened and the cogs loaded (`OpenCupBot.loaded`). Whatever Discord delivers meanwhile waits for that and
is then answered as usual: a command or an autocomplete in the tree's check, a button press through
`WaitForStart`, any other interaction by hearing it again once the cogs listen.
"""

from __future__ import annotations

import asyncio
import gc
import hashlib
import importlib
import json
import logging
import pkgutil
import re
import sys
import weakref
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

import aiohttp
import discord
import yarl
from discord import app_commands
from discord.ext import commands

import cogs
from bot.answers.errors import AmbiguousTeam, AnswerError, BadOption
from bot.render.menus import (
    CUSTOM_ID_PREFIX,
    EXPIRED_MENU,
    claimed,
    forgotten,
    interaction_data,
    log_forgotten,
    what_was_asked,
)
from bot.settings import Settings

if TYPE_CHECKING:
    from bot.delivery import Deliverer
    from bot.names import TeamIndex
    from bot.processes import Cluster
    from bot.render.picture import PictureCache
    from bot.store.engine import Store

# What the store side needs, imported in a thread while the gateway connects (`OpenCupBot._load`).
STORE_SIDE = (
    "bot.store.engine",
    "bot.store.model",
    "bot.answers.commands",
    "bot.answers.lookup",
    "bot.render.embed",
    "bot.render.picture",
    "bot.delivery",
    "bot.processes",
    "cogs.shared.pages",
    "cogs.shared.moderators",
)

log = logging.getLogger(__name__)

# The bot whose shard is being connected in this task (`OpenCupBot.launch_shard`).
_CONNECTING: ContextVar[OpenCupBot | None] = ContextVar("opencup_connecting", default=None)


class _ClosedWhileConnecting(logging.Filter):
    """discord.py's "Failed to connect ... Retrying", when the bot was closed meanwhile, is dropped.

    A start that fails (a damaged store) closes the bot, and with it the HTTP session a shard may be
    connecting through at that moment: that connection fails, and nothing is tried again (`launch_shard`).
    It is the close, not a fault, and is not logged as an error with a traceback.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        """Whether to keep `record`."""
        connecting = _CONNECTING.get()
        closed = connecting is not None and connecting.is_closed()
        return not (closed and str(record.msg).startswith("Failed to connect"))


logging.getLogger("discord.shard").addFilter(_ClosedWhileConnecting())
SOMETHING_WENT_WRONG = (
    "Something went wrong on our side while answering. It has been logged; please try again."
)
NOT_A_COMMAND = (
    "That command is not one of mine (any more): type / to see the current ones, or ask /help. "
    "If Discord keeps offering it, reload Discord (Ctrl+R)."
)
PICK_TIMEOUT = 180.0  # seconds the pick-a-club menu stays live; then it goes grey


def extension_names() -> list[str]:
    """Every cog module in `cogs/` (packages and `_private` modules are helpers, not extensions)."""
    return sorted(
        f"{cogs.__name__}.{module.name}"
        for module in pkgutil.iter_modules(cogs.__path__)
        if not module.ispkg and not module.name.startswith("_")
    )


def unwrap(error: BaseException) -> BaseException:
    """The project's own error inside discord.py's wrappers (transformer and invoke errors)."""
    if isinstance(error, app_commands.CommandInvokeError):
        return error.original
    if isinstance(error, app_commands.TransformerError) and error.__cause__ is not None:
        return error.__cause__
    return error


async def respond(
    interaction: discord.Interaction, **message: Any
) -> discord.InteractionMessage | discord.WebhookMessage | None:
    """Reply to an interaction whether or not it has been answered yet; return the message sent, if known."""
    if interaction.response.is_done():
        return await interaction.followup.send(**message, wait=True)
    callback = await interaction.response.send_message(**message)
    return callback.resource if isinstance(callback.resource, discord.InteractionMessage) else None


LATE_AFTER = 2.0  # seconds after its creation past which a command is deferred before it is answered


async def defer_if_late(interaction: discord.Interaction) -> bool:
    """Defer a command that reaches its handler late, so its answer can follow after Discord's 3 s.

    Discord forgets an interaction not answered within 3 seconds of its creation (the time in its
    snowflake); one that has already waited 2 (a burst, a pause) is deferred at once, and `respond` then
    sends the answer as the follow-up. Returns whether it deferred.
    """
    if interaction.response.is_done():
        return False
    waited = (discord.utils.utcnow() - interaction.created_at).total_seconds()
    if waited < LATE_AFTER:
        return False
    log.info("%s arrived %.1f s after it was made: deferred", what_was_asked(interaction), waited)
    await interaction.response.defer(thinking=True)
    return True


async def defer(interaction: discord.Interaction) -> None:
    """Defer before heavy work (a picture, a long answer), unless the interaction is already deferred."""
    if not interaction.response.is_done():
        await interaction.response.defer(thinking=True)


def leaf_options(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The value-carrying options of a command interaction's data, inside any subcommand (group)."""
    options: list[dict[str, Any]] = data.get("options") or []
    while options and options[0].get("type") in (1, 2):
        options = options[0].get("options") or []
    return options


def unanswerable_autocomplete(interaction: discord.Interaction) -> str | None:
    """Why an autocomplete interaction cannot get choices, or None when its command's autocomplete can.

    The reasons (a stale or forged client): an unknown command, no focused option, or the focus on an option
    that has no autocomplete.
    """
    data = interaction_data(interaction)
    command = interaction.command
    if not isinstance(command, app_commands.Command):
        return f"no command {str(data.get('name'))[:50]!r}"
    focused = [str(option.get("name")) for option in leaf_options(data) if option.get("focused")]
    if len(focused) != 1:
        return f"/{command.qualified_name} with {len(focused)} focused options"
    parameter = next((p for p in command.parameters if p.display_name == focused[0]), None)
    if parameter is None or not parameter.autocomplete:
        return f"/{command.qualified_name} option {focused[0][:50]!r}, which has no autocomplete"
    return None


async def no_choices(interaction: discord.Interaction) -> None:
    """Answer an autocomplete with an empty choice list (the only answer Discord takes besides choices)."""
    if interaction.response.is_done():
        return
    try:
        await interaction.response.autocomplete([])
    except discord.HTTPException as failure:
        if forgotten(failure):
            log_forgotten(interaction)
        else:
            log.warning("could not answer %s with no choices: %s", what_was_asked(interaction), failure)


def _missing(interaction: discord.Interaction) -> BadOption | None:
    """The refusal for a required option a (crafted) interaction left out, worded as the console words it."""
    from bot.answers.commands import COMMANDS

    command = interaction.command
    spec = COMMANDS.get(command.qualified_name) if command is not None else None
    return spec.missing(set(vars(interaction.namespace))) if spec is not None else None


class OpenCupTree(app_commands.CommandTree["OpenCupBot"]):
    """The command tree, with one error handler for every command."""

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        """Let every command through (deferred first if late), and an autocomplete that can get choices.

        Either waits first for the bot's start to finish (its commands are loaded then). An autocomplete
        that cannot get choices (an unknown command or option) is answered with none.
        """
        await self.client.loaded()
        if interaction.type is discord.InteractionType.application_command:
            await defer_if_late(interaction)
            return True
        if interaction.type is not discord.InteractionType.autocomplete:
            return True
        reason = unanswerable_autocomplete(interaction)
        if reason is None:
            return True
        log.info("autocomplete for %s answered with no choices (user %s)", reason, interaction.user.id)
        await no_choices(interaction)
        return False

    async def on_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError, /
    ) -> None:
        """Turn typed errors into friendly ephemeral replies; log anything else and say so.

        An autocomplete is only ever answered with choices (none); an interaction Discord has forgotten (it
        was not answered within 3 s) is one WARNING line and no second reply.
        """
        cause = unwrap(error)
        if forgotten(cause):
            log_forgotten(interaction)
            return
        if interaction.type is discord.InteractionType.autocomplete:
            log.error("autocomplete for %s failed", what_was_asked(interaction), exc_info=cause)
            await no_choices(interaction)
            return
        try:
            await self._explain(interaction, cause)
        except discord.HTTPException as failure:
            if forgotten(failure):
                log_forgotten(interaction)
            else:
                log.exception("could not tell the user what went wrong with %s", what_was_asked(interaction))

    async def _explain(self, interaction: discord.Interaction, cause: BaseException) -> None:
        """Tell the user what went wrong (offer a menu when the club was ambiguous)."""
        from bot.render.embed import error_text

        if isinstance(cause, AmbiguousTeam) and isinstance(interaction.command, app_commands.Command):
            await self._offer_choice(interaction, interaction.command, cause)
        elif isinstance(cause, AnswerError):
            await respond(interaction, content=error_text(cause), ephemeral=True)
        elif isinstance(cause, app_commands.CheckFailure):
            await respond(interaction, content="You can't use this command here.", ephemeral=True)
        elif isinstance(cause, app_commands.CommandSignatureMismatch) and (missing := _missing(interaction)):
            log.info(
                "%s arrived without a required option (user %s)",
                what_was_asked(interaction),
                interaction.user.id,
            )
            await respond(interaction, content=error_text(missing), ephemeral=True)
        elif isinstance(cause, app_commands.CommandNotFound | app_commands.CommandSignatureMismatch):
            log.info("%s is not a command (user %s)", what_was_asked(interaction), interaction.user.id)
            await respond(interaction, content=NOT_A_COMMAND, ephemeral=True)
        else:
            options = interaction_data(interaction)
            log.error(
                "command %s failed (user %s, guild %s, channel %s, options %s)",
                getattr(interaction.command, "qualified_name", "?"),
                interaction.user.id,
                interaction.guild_id,
                interaction.channel_id,
                json.dumps(options.get("options", []))[:500],
                exc_info=cause,
            )
            await respond(interaction, content=SOMETHING_WENT_WRONG, ephemeral=True)

    async def _offer_choice(
        self,
        interaction: discord.Interaction,
        command: app_commands.Command[Any, ..., Any],
        error: AmbiguousTeam,
    ) -> None:
        from bot.render.embed import TeamPicker, error_text

        namespace = interaction.namespace

        async def answer_with(picked: discord.Interaction, team: str) -> None:
            # Namespace answers None for any attribute, so copy.copy cannot clone it: build one by hand.
            chosen = app_commands.Namespace.__new__(app_commands.Namespace)
            chosen.__dict__.update({k: (team if v == error.query else v) for k, v in vars(namespace).items()})
            try:
                # discord.py has no public "invoke with these options"; this is what the tree itself calls.
                await command._invoke_with_namespace(picked, chosen)
            except Exception as failure:
                await self.on_error(picked, failure)  # type: ignore[arg-type]
            try:
                closed = f"You picked **{team}**."
                if picker.message is not None:
                    await picker.message.edit(content=closed, view=None)
                else:
                    await interaction.edit_original_response(content=closed, view=None)
            except discord.HTTPException:
                log.debug("the pick menu could not be closed", exc_info=True)

        asker, candidates = interaction.user.id, error.candidates
        picker = TeamPicker(owner_id=asker, candidates=candidates, on_pick=answer_with, timeout=PICK_TIMEOUT)
        self.client.open_views.add(picker)
        picker.message = await respond(interaction, content=error_text(error), view=picker, ephemeral=True)


class OpenCupBot(commands.AutoShardedBot):
    """The Open Cup Bot."""

    def __init__(self, settings: Settings, *, store: Store | None = None, **options: Any) -> None:
        """A bot for `settings`; tests may hand in a `store` and discord.py options."""
        # What the bot keeps of Discord: it answers interactions, which carry the user, member and channel
        # they need; it never reads a message, a member list or a voice state. So only the guilds intent
        # (guilds, their channels and roles), no message cache (discord.py keeps the last 1,000 messages
        # of every channel it sees by default), and no member cache.
        options.setdefault("intents", discord.Intents(guilds=True))
        options.setdefault("max_messages", None)
        options.setdefault("member_cache_flags", discord.MemberCacheFlags.none())
        options.setdefault("chunk_guilds_at_startup", False)
        if settings.shard_count is not None:  # one of several processes: SHARD_COUNT, SHARD_IDS held here
            options.setdefault("shard_count", settings.shard_count)
            options.setdefault("shard_ids", settings.shard_ids or None)
        super().__init__(
            command_prefix=commands.when_mentioned,
            help_command=None,
            allowed_mentions=discord.AllowedMentions.none(),
            tree_cls=OpenCupTree,
            **options,
        )
        self.settings = settings
        self._owns_store = store is None  # a store handed in belongs to the caller, who closes it
        self.failed_extensions: dict[str, BaseException] = {}
        self.synced_scopes: list[str] = []
        self.open_views: weakref.WeakSet[discord.ui.View] = weakref.WeakSet()  # stopped on close
        self._model_read: asyncio.Task[None] | None = None  # the start-up read of the model (setup_hook)
        self._loading: asyncio.Task[None] | None = None  # the start's store side (setup_hook → _load)
        self._load_failure: BaseException | None = None
        self._stopping: asyncio.Task[None] | None = None  # the close a failed start began
        self._assembled = False
        self.press_items: tuple[type[discord.ui.DynamicItem[Any]], ...] = ()  # registered once loaded
        self.store: Store
        self.pictures: PictureCache
        self.deliverer: Deliverer
        self.cluster: Cluster  # other processes on the store: their writes heard, this one recorded
        self._start_index: TeamIndex
        if store is not None:  # the caller has the store side imported already: nothing to wait for
            self._assemble(store)

    def _assemble(self, store: Store | None) -> None:
        """Make the bot's store-side parts: its store (unless handed one), pictures, outbox, processes."""
        from bot.delivery import Deliverer
        from bot.names import TeamIndex
        from bot.processes import Cluster
        from bot.render.picture import PictureCache
        from bot.store.engine import Store

        self.store = store or Store(self.settings.resolved_database_url(), self.settings.data_dir)
        self._start_index = TeamIndex()
        self.pictures = PictureCache()
        self.deliverer = Deliverer(self)
        self.cluster = Cluster(self)
        self._assembled = True

    async def setup_hook(self) -> None:
        """Begin the start's store side (`_load`) and return, so the gateway connects meanwhile.

        With SHARD_IDS the shards wait for it before they identify (they take turns through the store).
        """
        self.add_dynamic_items(WaitForStart)  # presses that come before the cogs are loaded wait for them
        self._loading = asyncio.create_task(self._load(), name="opencup-start")

    async def _load(self) -> None:
        """Open the store, load every cog (a broken one is only logged), sync commands if they changed.

        The store side's modules are imported in a thread first (the event loop keeps the handshake with
        Discord going). The store's model (and its team index) is read in a task of its own: autocomplete
        waits for the read (`model_read`); an answer reads the model itself, after it. A failure ends the
        bot (`serve` raises it), as a store that cannot be opened did before the gateway was connected.
        """
        try:
            if not self._assembled:
                await asyncio.to_thread(_import_store_side)
                self._assemble(None)
            await self.store.open()
            self._model_read = asyncio.create_task(self._read_model(), name="opencup-read-model")
            from bot.store.model import freeze_after_loads, settle_memory
            from cogs.shared.moderators import BUTTONS as MODERATOR_BUTTONS  # Confirm, Cancel, Correct
            from cogs.shared.pages import PageButton  # a face's item; imported here, as the cogs are loaded

            await self.load_cogs()
            await self.sync_commands()
            self.deliverer.start()  # following clubs: the outbox's delivery task (bot.delivery)
            await self.cluster.start()  # several processes: hear every write, record this one (bot.processes)
            self.press_items = (PageButton, *MODERATOR_BUTTONS)
            self.remove_dynamic_items(WaitForStart)  # in the same step: a press meets one or the other
            self.add_dynamic_items(PageButton)  # page buttons hold nothing per message: registered once
            self.add_dynamic_items(*MODERATOR_BUTTONS)  # they carry a pending write's id, kept in the store
            freeze_after_loads()  # from now on, and for what start-up made: no long pauses of the collector
            settle_memory()
        except Exception as failure:
            self._load_failure = failure
            log.debug("the bot's start failed; it stops", exc_info=True)
            self._stopping = asyncio.create_task(self.close(), name="opencup-stop-after-failed-start")
            # Not raised here (no one awaits this task): `loaded`, and so `serve`, raise it.

    async def loaded(self) -> None:
        """Wait until the start's store side is done: the store open, the cogs loaded, commands synced.

        Raises what made it fail (the bot is stopping then).
        """
        loading = self._loading
        if loading is not None and not loading.done():
            await asyncio.shield(loading)
        if self._load_failure is not None:
            raise self._load_failure

    @property
    def is_loaded(self) -> bool:
        """Whether the start's store side is done (successfully)."""
        return self._loading is not None and self._loading.done() and self._load_failure is None

    async def wait_until_ready(self) -> None:
        """Wait until the gateway is ready and the start's store side is done."""
        await super().wait_until_ready()
        await self.loaded()

    async def load_cogs(self) -> None:
        """Load every cog in `cogs/`; one that fails is logged and recorded, and the others still load."""
        for name in extension_names():
            try:
                await self.load_extension(name)
            except Exception as failure:
                self.failed_extensions[name] = failure
                log.exception("extension %s failed to load; the others still load", name)

    async def _read_model(self) -> None:
        try:
            await self.refresh_team_index()
        except Exception:  # the store opened: each answer reads the model again, and says what failed
            log.exception("the store's model could not be read at start; answers read it themselves")

    async def model_read(self) -> None:
        """Wait for the read of the store's model that start-up began, if it is still under way."""
        reading = self._model_read
        if reading is not None and not reading.done():
            await asyncio.shield(reading)

    async def refresh_team_index(self) -> None:
        """Read the store's model (and so its team index) now, e.g. after a write made elsewhere."""
        from bot.answers.lookup import current_team_index

        async with self.store.session() as session:
            self._start_index = await current_team_index(session)

    @property
    def team_index(self) -> TeamIndex:
        """The team index of the newest model this process has read, for autocomplete (no database read).

        Every answer reads the store version first, so after any question the index is the store's own;
        a name typed into a command is resolved against the store's index of that moment, not this one.
        """
        from bot.names import TeamIndex
        from bot.store.model import held_model

        if not self._assembled:
            return TeamIndex()
        model = held_model(self.store.engine)
        return model.index if model is not None else self._start_index

    def command_payload(self, guild: discord.abc.Snowflake | None) -> list[dict[str, Any]]:
        """What a sync would send for `guild` (or globally)."""
        return [command.to_dict(self.tree) for command in self.tree.get_commands(guild=guild)]

    async def sync_commands(self) -> None:
        """Sync to each guild in GUILD_IDS (instant) or globally, only when the command set changed.

        The moderators' /mod group is a command of each guild in MOD_GUILD_IDS alone (fans elsewhere never
        see it): such a guild not in GUILD_IDS is synced with its own commands only.
        """
        if not self.settings.holds_first_shard():
            log.info("commands are synced by the process holding shard 0, not this one")
            return
        guild_ids = self.settings.guild_ids
        guilds: list[discord.abc.Snowflake | None] = [discord.Object(id=g) for g in guild_ids]
        moderated = [discord.Object(id=g) for g in self.settings.mod_guild_ids if g not in guild_ids]
        for guild in [*(guilds or [None]), *moderated]:
            if guild is not None and guild.id in guild_ids:
                self.tree.copy_global_to(guild=guild)
            payload = json.dumps(self.command_payload(guild), sort_keys=True)
            digest = hashlib.sha256(payload.encode()).hexdigest()
            scope = f"guild {guild.id}" if guild is not None else "global"
            key = f"command_hash:{self.application_id}:{scope}"
            if await self.store.get_meta(key) == digest:
                log.info("commands unchanged for %s: not syncing", scope)
                continue
            await self.tree.sync(guild=guild)
            await self.store.set_meta(key, digest)
            self.synced_scopes.append(scope)
            log.info("synced %d commands to %s", len(json.loads(payload)), scope)

    async def launch_shard(self, gateway: yarl.URL, shard_id: int, *, initial: bool = False) -> None:
        """Connect one shard, unless the bot is closed (discord.py would try again every 5 s, for ever)."""
        if self.is_closed():
            return
        connecting = _CONNECTING.set(self)  # seen by `_ClosedWhileConnecting` if the close cuts it off
        try:
            await super().launch_shard(gateway, shard_id, initial=initial)
        finally:
            _CONNECTING.reset(connecting)

    async def connect(self, *, reconnect: bool = True) -> None:
        """Connect the shards and run until closed; a shard that connected after the close is closed too.

        A start that fails (a damaged store) closes the bot while the gateway may still be connecting. The
        connection being made then either fails (its HTTP session is closed), and is not tried again
        (`launch_shard`), or succeeds, and is not yet among those the close closed: it is closed here,
        instead of staying open with its heartbeat thread beating into a stopped event loop.
        """
        try:
            await super().connect(reconnect=reconnect)
        finally:
            if self.is_closed():
                for shard in self.shards.values():
                    if not shard.is_closed():
                        await shard.disconnect()

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        """With SHARD_IDS, wait for the shard's turn to identify among all the processes; else as usual."""
        if self.settings.shard_ids:
            await self.loaded()  # the turns are taken through the store
            await self.cluster.identify_turn(shard_id)
        else:
            await super().before_identify_hook(shard_id, initial=initial)

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        """Tell whoever pressed one of this bot's menus that no live menu took to ask again (ephemerally).

        Such a menu expired, was used already or was sent before a restart, or the press was forged.
        Anything that arrives before the start is done is heard again once it is (the cogs listen then).
        """
        if not self.is_loaded:
            try:
                await self.loaded()
            except Exception:
                return  # the start failed: the bot is stopping
            self.dispatch("interaction", interaction)
            return
        if interaction.type is not discord.InteractionType.component:
            return
        custom_id = str(interaction_data(interaction).get("custom_id", ""))
        if not custom_id.startswith(CUSTOM_ID_PREFIX) or claimed(interaction):
            return
        if interaction.response.is_done():
            return
        log.info("press on %r, which no live menu holds (user %s)", custom_id[:100], interaction.user.id)
        try:
            await interaction.response.send_message(EXPIRED_MENU, ephemeral=True)
        except discord.HTTPException as failure:
            if forgotten(failure):
                log_forgotten(interaction)
            else:
                log.warning("could not say that a menu expired: %s", failure)

    async def close(self) -> None:
        """Stop open menus, log out, then release the store if it is the bot's own."""
        for view in list(self.open_views):
            view.stop()
        loading = self._loading
        if loading is not None and not loading.done() and loading is not asyncio.current_task():
            loading.cancel()
            await asyncio.gather(loading, return_exceptions=True)
        if not self._assembled:
            await super().close()
            return
        from bot.store.model import freeze_after_loads

        freeze_after_loads(False)  # what was frozen is the collector's again (tests run many bots in turn)
        gc.unfreeze()
        if self._model_read is not None:
            self._model_read.cancel()
        try:
            await self.cluster.stop()
            await self.deliverer.stop()
            await super().close()
        finally:
            if self._owns_store:
                await self.store.close()


async def serve(settings: Settings, **options: Any) -> None:
    """Log in and run until closed; the store is closed on the way out (also when the login fails)."""
    # The bot never joins a voice channel: discord.py's warnings about missing voice libraries are noise.
    discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False
    if settings.discord_api_base:  # REST through a proxy in front of Discord (several processes share it)
        discord.http.Route.BASE = settings.discord_api_base.rstrip("/")
    if settings.discord_gateway_url:  # where shards connect when SHARD_COUNT is set
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.discord_gateway_url)
    async with OpenCupBot(settings, **options) as bot:
        await bot.start(settings.discord_token or "")
        await bot.loaded()  # raises what made the start fail (a damaged store): the start stopped the bot


def _import_store_side() -> None:
    """Import the store side's modules (run in a thread at start; see the module's docstring)."""
    for name in STORE_SIDE:
        importlib.import_module(name)


class WaitForStart(
    discord.ui.DynamicItem[discord.ui.Item[Any]],
    template=re.escape(CUSTOM_ID_PREFIX) + r".*",
):
    """Any of this bot's buttons pressed before its start is done: waits for it, then is that button.

    Registered only until the start is done, when the real buttons (`OpenCupBot.press_items`) replace it.
    """

    @classmethod
    async def from_custom_id(  # type: ignore[override]  # it answers with the loaded bot's own button
        cls,
        interaction: discord.Interaction[discord.Client],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> discord.ui.DynamicItem[Any]:
        """The button as the loaded bot knows it, once the start is done.

        Any other (a menu from before the restart) does nothing here: `OpenCupBot.on_interaction` says that it
        expired.
        """
        bot = interaction.client
        if not isinstance(bot, OpenCupBot):
            raise TypeError("a press for another client")
        await bot.loaded()
        custom_id = str(getattr(item, "custom_id", None) or "")
        for real in bot.press_items:
            found = real.__discord_ui_compiled_template__.fullmatch(custom_id)  # the class's own template
            if found is not None:
                made: discord.ui.DynamicItem[Any] = await real.from_custom_id(interaction, item, found)
                return made
        return cls(item)  # does nothing when pressed


TOKEN_REFUSED = (
    "Discord refused the token in DISCORD_TOKEN: copy a fresh one from the developer portal "
    "(Applications → your app → Bot → Reset Token)."
)
INTENT_REFUSED = "Discord refused an intent this bot asked for; enable it in the developer portal."


def startup_failure(error: BaseException) -> str | None:
    """One line naming why the bot could not reach or log in to Discord, or None for any other error.

    The causes: the token refused, a privileged intent refused, Discord unavailable (a 5xx answer, or no
    gateway to connect to), Discord rate-limiting the login, and no network (the connection itself failed).
    """
    if isinstance(error, discord.LoginFailure):
        return TOKEN_REFUSED
    if isinstance(error, discord.PrivilegedIntentsRequired):
        return INTENT_REFUSED
    if isinstance(error, discord.DiscordServerError | discord.GatewayNotFound):
        # GatewayNotFound carries, as its cause, the answer Discord gave when asked where its gateway is.
        answer = error if isinstance(error, discord.HTTPException) else error.__cause__
        status = f" (HTTP {answer.status})" if isinstance(answer, discord.HTTPException) else ""
        return f"Discord is unavailable{status}: try again later (https://discordstatus.com)."
    if isinstance(error, discord.HTTPException) and error.status == 429:
        return "Discord is rate-limiting this bot's logins (HTTP 429): wait a while before starting again."
    if isinstance(error, aiohttp.ClientError | TimeoutError):
        return f"Cannot reach Discord (no network?): {str(error) or type(error).__name__}."
    return None


def run_bot(settings: Settings) -> int:
    """Run the bot until it is stopped; returns the exit status.

    A failure to reach or log in to Discord is one line on stderr naming the cause, and the status 1;
    its traceback goes to the log at DEBUG. Logging goes to stderr at LOG_LEVEL while the bot runs.
    """
    level = logging.getLevelName(settings.log_level.upper())
    level = level if isinstance(level, int) else logging.INFO
    handler = logging.StreamHandler()
    handler.setLevel(level)
    root = logging.getLogger()
    root_level = root.level
    discord.utils.setup_logging(handler=handler, level=level)
    try:
        asyncio.run(serve(settings))
    except KeyboardInterrupt:
        return 0
    except Exception as error:
        reason = startup_failure(error)
        if reason is None:
            raise
        log.debug("the bot could not reach or log in to Discord", exc_info=True)
        print(reason, file=sys.stderr)
        return 1
    finally:
        root.removeHandler(handler)
        root.setLevel(root_level)
    return 0
