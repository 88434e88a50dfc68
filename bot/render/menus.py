"""Menus (discord.py views) the bot sends, and the answer every press on them gets, live or not.

Every custom_id the bot sends starts with :data:`CUSTOM_ID_PREFIX`.  A live menu *claims* each press that
discord.py hands it (first thing in :meth:`AskerMenu.interaction_check`, before anything can suspend); a press
carrying the prefix that no live menu claimed — the menu timed out, was used already, was sent before a
restart, or the press was forged — is answered with :data:`EXPIRED_MENU` by the bot's catch-all listener
(`OpenCupBot.on_interaction`).  discord.py creates the menu's task before it dispatches the ``interaction``
event, and asyncio runs tasks in the order they were created, so the claim is always made first.  Every
menu the bot sends must therefore claim its presses: derive it from :class:`AskerMenu` (or call
:func:`claim` first thing in its ``interaction_check``), or the catch-all would answer them a second time.

A menu stays live its timeout after its last use; and so that a burst of questions cannot keep hundreds of
menus (their pages, their messages) in memory, at most :data:`MAX_LIVE_MENUS` take presses at once: when
one more is sent, the least recently used expires at once, just as its timeout would have ended it.

An interaction Discord has forgotten (an initial answer after its 3 seconds is refused with 404, code 10062
"Unknown interaction") cannot be answered at all: :func:`forgotten` recognises the refusal and
:func:`log_forgotten` notes it in one WARNING line, with no traceback and no second reply.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import weakref
from collections.abc import AsyncIterator
from typing import Any, ClassVar, cast

import discord

log = logging.getLogger(__name__)

CUSTOM_ID_PREFIX = "opencup:"
EXPIRED_MENU = "This menu has expired. Ask your question again to get a fresh one."
EXPIRED_PLACEHOLDER = "This menu has expired: ask again"
MENU_FAILED = "Something went wrong on our side with this menu. It has been logged; please ask again."
UNKNOWN_INTERACTION = 10062  # Discord's code for an interaction it no longer knows
RESPONSE_WINDOW = 3.0  # seconds Discord waits for an interaction's first answer
_CLAIMED = "opencup:claimed"  # the key in Interaction.extras that a live menu sets
MAX_LIVE_MENUS = 50  # menus taking presses at once; beyond that the oldest expires at once (memory)


def claim(interaction: discord.Interaction) -> None:
    """Mark a press as taken by a live menu, so that the catch-all leaves it alone."""
    interaction.extras[_CLAIMED] = True


def claimed(interaction: discord.Interaction) -> bool:
    """Whether a live menu took this press."""
    return bool(interaction.extras.get(_CLAIMED))


def forgotten(error: BaseException) -> bool:
    """Whether `error` is Discord refusing an answer because the interaction is unknown (expired)."""
    return isinstance(error, discord.NotFound) and error.code == UNKNOWN_INTERACTION


def interaction_data(interaction: discord.Interaction) -> dict[str, Any]:
    """The interaction's raw ``data`` (empty for a ping)."""
    return cast(dict[str, Any], interaction.data or {})


def what_was_asked(interaction: discord.Interaction) -> str:
    """The command (``/path``) or the component (``press on opencup:pick``) an interaction is about."""
    command = interaction.command
    if command is not None:
        return f"/{command.qualified_name}"
    data = interaction_data(interaction)
    if "custom_id" in data:
        return f"press on {data['custom_id']}"
    if "name" in data:
        return f"/{data['name']}"
    return interaction.type.name


def log_forgotten(interaction: discord.Interaction) -> None:
    """One WARNING line for an interaction Discord forgot before it was answered; nothing is sent."""
    age = (discord.utils.utcnow() - interaction.created_at).total_seconds()
    log.warning(
        "interaction expired before it was answered: %s by user %s, %.1f s old "
        "(Discord waits %g s); no reply sent",
        what_was_asked(interaction),
        interaction.user.id,
        age,
        RESPONSE_WINDOW,
    )


async def tell(interaction: discord.Interaction, text: str) -> None:
    """One private sentence in answer to an interaction (a follow-up if it was answered already).

    Discord refusing it is logged, never raised: an interaction it forgot is one WARNING line.
    """
    try:
        if interaction.response.is_done():
            await interaction.followup.send(text, ephemeral=True)
        else:
            await interaction.response.send_message(text, ephemeral=True)
    except discord.HTTPException as failure:
        if forgotten(failure):
            log_forgotten(interaction)
        else:
            log.warning("could not answer %s: %s", what_was_asked(interaction), failure)


@contextlib.asynccontextmanager
async def press_failures(interaction: discord.Interaction, what: str) -> AsyncIterator[None]:
    """Around the work of a press or a submitted form (`what` names it in the log); nothing escapes.

    An interaction Discord forgot is one WARNING line, another refused answer one more, and any other failure
    is logged whole and the presser told, privately, that it went wrong (`MENU_FAILED`).
    """
    try:
        yield
    except discord.HTTPException as failure:
        if forgotten(failure):
            log_forgotten(interaction)
        else:
            log.warning("%s: Discord refused the answer: %s", what, failure)
    except Exception:
        log.exception("%s failed (user %s)", what, interaction.user.id)
        await tell(interaction, MENU_FAILED)


class AskerMenu(discord.ui.View):
    """A menu that only the person who asked may use; it claims every press and greys out when it expires.

    Subclasses give their items custom_ids starting with :data:`CUSTOM_ID_PREFIX`, set :attr:`refusal`
    (what someone else is told), and set :attr:`message` once the menu is sent, so that it can be greyed out.
    """

    refusal = "This menu belongs to someone else's question."
    # Every menu made, the least recently used first, so that no more than MAX_LIVE_MENUS take presses at
    # once: the bot holds each one (its pages, its message) until it expires, and a burst of questions
    # would otherwise keep all their menus for their whole timeout. Weak: a menu never sent is not kept.
    _made: ClassVar[weakref.WeakValueDictionary[int, AskerMenu]] = weakref.WeakValueDictionary()
    _numbers: ClassVar[itertools.count[int]] = itertools.count()
    _expiring: ClassVar[set[asyncio.Task[None]]] = set()

    def __init__(self, *, owner_id: int, timeout: float) -> None:
        """A menu for user `owner_id` that stays live `timeout` seconds after its last use.

        It expires sooner if MAX_LIVE_MENUS menus used more recently are taking presses meanwhile.
        """
        super().__init__(timeout=timeout)
        self.owner_id = owner_id
        self.message: discord.InteractionMessage | discord.WebhookMessage | None = None
        self._number = next(AskerMenu._numbers)
        AskerMenu._made[self._number] = self
        AskerMenu.make_room(room_for=1)  # this one, about to be sent

    def _used(self) -> None:
        """Put the menu last in the order in which menus expire early (the least recently used first)."""
        AskerMenu._made.pop(self._number, None)
        self._number = next(AskerMenu._numbers)
        AskerMenu._made[self._number] = self

    @staticmethod
    def live() -> list[AskerMenu]:
        """The menus taking presses now (sent, and neither expired nor stopped), least recently used first."""
        return [menu for menu in list(AskerMenu._made.values()) if menu.is_dispatching()]

    @staticmethod
    def make_room(*, room_for: int = 0) -> None:
        """Expire the least recently used menus, as a timeout would, leaving room for `room_for` more.

        (At most MAX_LIVE_MENUS take presses once it returns and that many more are sent.)
        """
        for number, menu in list(AskerMenu._made.items()):
            if menu.is_finished():
                AskerMenu._made.pop(number, None)
        live = AskerMenu.live()
        for menu in live[: max(0, len(live) + room_for - MAX_LIVE_MENUS)]:
            menu.expire()

    def expire(self) -> None:
        """End the menu now as its timeout would: it stops taking presses, leaves the bot, and goes grey."""
        if self.is_finished():
            return
        self.stop()
        try:
            task = asyncio.get_running_loop().create_task(
                self.on_timeout(), name=f"opencup-menu-expired-{self.id}"
            )
        except RuntimeError:  # no event loop (a menu made outside the bot): nothing to grey out
            return
        AskerMenu._expiring.add(task)
        task.add_done_callback(AskerMenu._expiring.discard)

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        """Claim the press; only the person who asked may use the menu (anyone else is told so)."""
        claim(interaction)  # before any await: the catch-all listener runs after this task's first step
        if interaction.user.id != self.owner_id:
            await interaction.response.send_message(self.refusal, ephemeral=True)
            return False
        self._used()
        return True

    async def on_timeout(self) -> None:
        """Grey every item out, so that an expired menu says so instead of looking live."""
        for item in self.children:
            if isinstance(item, discord.ui.Button):
                item.disabled = True
            elif isinstance(item, discord.ui.Select):
                item.disabled = True
                item.placeholder = EXPIRED_PLACEHOLDER
        if self.message is not None:
            with contextlib.suppress(discord.HTTPException):  # the message may have been deleted meanwhile
                await self.message.edit(view=self)

    async def on_error(
        self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item[Any], /
    ) -> None:
        """An expired press is one warning line; any other failure is logged and the user told kindly."""
        if forgotten(error):
            log_forgotten(interaction)
            return
        log.error(
            "menu %s failed on %s (user %s)",
            type(self).__name__,
            what_was_asked(interaction),
            interaction.user.id,
            exc_info=error,
        )
        if not interaction.response.is_done():
            with contextlib.suppress(discord.HTTPException):
                await interaction.response.send_message(MENU_FAILED, ephemeral=True)
