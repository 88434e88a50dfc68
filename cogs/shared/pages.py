"""◀ ▶ page buttons that hold nothing in memory: each press asks the question again and shows one page.

A long answer (/round, /qualifiers, /history…) is sent as its first page with two buttons. Each button's
custom_id carries who asked, the page it shows and the question itself (the command-table key and its
options, as the console would write them): ``opencup:pg:<asker>:<page>:<question>``. A press is a
`discord.ui.DynamicItem` registered once at start-up (`OpenCupBot.setup_hook`), so nothing is kept per
message: no view, no pages, no timer. The question is answered again through the command table (its options
checked as any typed option is), from the answer cache of the store version, and the page is cut from it.
Buttons therefore keep working after any number of other answers, and after a restart; and a page shown
after a result was entered shows the result.

A question too long for a custom_id (a club name near 100 characters) is kept in a small bounded table in
memory and the button carries its key instead; such a button says "expired" once the key is gone (after a
restart, or after :data:`LONG_QUESTIONS_KEPT` newer ones).
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections import OrderedDict
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, quote, unquote, urlencode

import discord
from pydantic import BaseModel

from bot.answers.commands import COMMANDS, written
from bot.answers.errors import AnswerError
from bot.client import LATE_AFTER
from bot.render.embed import error_text, rendered_pages
from bot.render.menus import (
    CUSTOM_ID_PREFIX,
    EXPIRED_MENU,
    claim,
    press_failures,
    tell,
)
from cogs.shared.moderators import allowed as moderator_allowed

if TYPE_CHECKING:
    from bot.client import OpenCupBot

log = logging.getLogger(__name__)

PAGE_PREFIX = f"{CUSTOM_ID_PREFIX}pg:"
REFUSAL = "Only the person who asked can turn these pages."
LONG_QUESTIONS_KEPT = 1024  # questions too long for a custom_id, kept by key (the newest)
CUSTOM_ID_LENGTH = 100  # Discord's limit
# What the Discord face passes to an answer function beside the command's options.
FACE_ARGUMENTS: Mapping[str, Mapping[str, Any]] = {"help": {"discord_only": True}}

LAYOUTS_KEPT = 256  # button layouts kept for reuse (a stopped view holds no state)

_LONG: OrderedDict[str, str] = OrderedDict()
_LAYOUTS: OrderedDict[tuple[str, int, int, int], discord.ui.View] = OrderedDict()


class Question:
    """A command and its options, as a short text that can ride in a custom_id and be asked again."""

    def __init__(self, key: str, /, **options: Any) -> None:
        """`key` is the command table's ("round", "eligible team"); options that are None are left out."""
        if key not in COMMANDS:
            raise KeyError(f"no command {key!r} in the command table")
        self.command = key
        self.options = {name: written(value) for name, value in options.items() if value is not None}

    def text(self) -> str:
        """``round?number=2&season=2024``: the command and its options, percent-encoded."""
        return quote(self.command, safe="") + "?" + urlencode(sorted(self.options.items()), quote_via=quote)

    @classmethod
    def read(cls, text: str) -> Question:
        """The question a button carries (ValueError if it is not one: a forged or damaged custom_id)."""
        command, _, query = text.partition("?")
        pairs = parse_qsl(query, keep_blank_values=True, strict_parsing=bool(query))
        question = cls.__new__(cls)
        question.command, question.options = unquote(command), dict(pairs)
        if question.command not in COMMANDS:
            raise ValueError(f"no command {question.command!r}")
        return question

    async def answer(self, bot: OpenCupBot) -> BaseModel:
        """Ask it again (checked as typed options are; cached per store version like every answer)."""
        command = COMMANDS[self.command]
        if command.writes:
            raise ValueError(f"/{self.command} writes: a page button never asks it")
        arguments = command.arguments(self.options)
        async with bot.store.session() as session:
            return await command.answer(session, **arguments, **FACE_ARGUMENTS.get(self.command, {}))


def _carried(question: Question, owner: int) -> str:
    """The question as the buttons carry it: itself, or the key of a long one kept in memory."""
    text = question.text()
    if len(f"{PAGE_PREFIX}{owner}:9999:{text}") <= CUSTOM_ID_LENGTH:
        return text
    key = "~" + hashlib.blake2b(text.encode(), digest_size=8).hexdigest()
    _LONG[key] = text
    _LONG.move_to_end(key)
    while len(_LONG) > LONG_QUESTIONS_KEPT:
        _LONG.popitem(last=False)
    return key


def _question_of(carried: str) -> Question | None:
    """The question a button carries; None when it was a long one no longer kept."""
    if carried.startswith("~"):
        text = _LONG.get(carried)
        return Question.read(text) if text is not None else None
    return Question.read(carried)


class PageButton(
    discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]],
    template=re.escape(PAGE_PREFIX) + r"(?P<owner>[0-9]{1,20}):(?P<page>[0-9]{1,4}):(?P<question>.+)",
):
    """◀ or ▶: shows page `page` of the answer to `question`, for `owner` only."""

    def __init__(self, *, owner: int, page: int, carried: str, label: str, disabled: bool = False) -> None:
        """A button to page `page` (0-based) of the question carried."""
        super().__init__(
            discord.ui.Button(
                label=label,
                style=discord.ButtonStyle.secondary,
                custom_id=f"{PAGE_PREFIX}{owner}:{page}:{carried}",
                disabled=disabled,
            )
        )
        self.owner, self.page, self.carried = owner, page, carried

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction,
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> PageButton:
        """The button pressed (claimed at once, so the catch-all for stale menus leaves it alone)."""
        claim(interaction)  # before any await: see bot/render/menus.py
        label = item.label if isinstance(item, discord.ui.Button) else None
        return cls(
            owner=int(match["owner"]), page=int(match["page"]), carried=match["question"], label=label or ""
        )

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        """Only the person who asked turns the pages; anyone else is told so, privately."""
        if interaction.user.id == self.owner:
            return True
        await tell(interaction, REFUSAL)
        return False

    async def callback(self, interaction: discord.Interaction) -> None:
        """Ask the question again and show the page; every failure gets one private sentence."""
        async with press_failures(interaction, f"page press ({self.carried[:100]})"):
            try:
                question = _question_of(self.carried)
                if question is None:
                    await tell(interaction, EXPIRED_MENU)
                    return
                if COMMANDS[question.command].for_moderators and not await moderator_allowed(interaction):
                    return  # a moderators' answer (/mod history): checked at each press, as any act of theirs
                answer = await question.answer(interaction.client)  # type: ignore[arg-type]
                pages = rendered_pages(answer)
                page = min(self.page, len(pages) - 1)
                late = (discord.utils.utcnow() - interaction.created_at).total_seconds() >= LATE_AFTER
                buttons = page_buttons(
                    question, owner=self.owner, page=page, count=len(pages), carried=self.carried
                )
                if late:  # a press that waited: acknowledge it first, then edit the message
                    await interaction.response.defer()
                    await interaction.edit_original_response(embed=pages[page], view=buttons)
                else:
                    await interaction.response.edit_message(embed=pages[page], view=buttons)
            except (AnswerError, ValueError) as refused:
                log.info("page press refused (user %s): %s", interaction.user.id, refused)
                text = error_text(refused) if isinstance(refused, AnswerError) else EXPIRED_MENU
                await tell(interaction, text)


def page_buttons(
    question: Question, *, owner: int, page: int, count: int, carried: str | None = None
) -> discord.ui.View:
    """The ◀ ▶ buttons of page `page` of `count`, as a layout only.

    The view is stopped before it is sent, so discord.py keeps nothing of it; presses reach
    :class:`PageButton`, registered with the bot. Being only a layout, the same one serves every message
    that shows the same buttons (the last :data:`LAYOUTS_KEPT` are kept).
    """
    carried = carried if carried is not None else _carried(question, owner)
    key = (carried, owner, page, count)
    layout = _LAYOUTS.get(key)
    if layout is not None:
        _LAYOUTS.move_to_end(key)
        return layout
    layout = discord.ui.View(timeout=None)
    layout.add_item(
        PageButton(owner=owner, page=max(page - 1, 0), carried=carried, label="◀", disabled=page == 0)
    )
    layout.add_item(
        PageButton(
            owner=owner, page=min(page + 1, count - 1), carried=carried, label="▶", disabled=page >= count - 1
        )
    )
    layout.stop()
    _LAYOUTS[key] = layout
    if len(_LAYOUTS) > LAYOUTS_KEPT:
        _LAYOUTS.popitem(last=False)
    return layout
