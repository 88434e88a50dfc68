"""A loopback Discord: a fake REST API and gateway on 127.0.0.1 that the real discord.py client talks to.

The server speaks enough of Discord's API v10 for a bot built on ``discord.ext.commands`` and
``discord.app_commands`` to log in, sync its commands, connect one or more gateway shards, receive
interactions and answer them, with the payload shapes Discord uses.  Every answer the bot gives is
recorded, and Discord's documented limits are enforced: a breach is answered the way Discord answers it
(HTTP 400 ``{"code": 50035, "message": "Invalid Form Body", "errors": {...}}`` and the like) *and* recorded
in :attr:`LoopbackDiscord.violations`, which a test should expect to be empty.

Usage::

    async with LoopbackDiscord(guilds=[FakeGuild(name="Folsom")], users=[FakeUser(name="fan")]) as fake:
        bot = MyBot(intents=discord.Intents.default(), guild_ready_timeout=0.1)
        async with fake.run(bot):                     # login, connect, wait for on_ready; close on exit
            resp = await fake.slash("team show", {"team": "folsom", "season": 2024})
            assert resp.type == 4 and "Folsom" in resp.content
            assert resp.allowed_mentions == {"parse": []}
            choices = await fake.autocomplete("team show", focused="team", value="fol")
            picked = await fake.press(resp, custom_id="season-select", values=["2024"])
        assert fake.violations == []

Entering the context starts the server and patches discord.py (``discord.http.Route.BASE``,
``DiscordWebSocket.DEFAULT_GATEWAY``, and ``Client.before_identify_hook`` so that shards after the first
identify at once instead of 5 s apart); leaving it restores them and stops the server.  Pass
``patch=False`` and use :meth:`LoopbackDiscord.patch_discord` to control the patching yourself.
Start the bot with ``guild_ready_timeout`` low (0.1) or every start waits the default 2 s.

The public API of :class:`LoopbackDiscord`:

* construction: ``guilds``, ``users`` (the first of each is the default for pushed interactions),
  ``bot_user`` (its id is also the application id), ``shards`` (what ``GET /gateway/bot`` recommends),
  ``max_concurrency`` (the ``session_start_limit.max_concurrency`` it announces: how many shards may
  identify at once, 1 for most bots), ``token`` (``None`` accepts any token; otherwise only that one),
  ``invalid_token=True`` (refuse every token: ``GET /users/@me`` answers 401 and ``login`` raises
  ``discord.LoginFailure``),
  ``outage`` (routes such as ``{"GET /users/@me": 503}`` answered with that 5xx status and Discord's body
  ``{"code": 0, "message": "503: Service Unavailable"}``, as during an outage: discord.py raises
  ``DiscordServerError`` at once for 503, and ``GatewayNotFound`` for ``GET /gateway/bot``, but retries 500,
  502, 504 and 524 five times with 1 + 2n s sleeps, so a fast test uses 503),
  ``response_deadline`` (3 s), ``attachment_size_limit`` (sent as ``attachment_size_limit`` in every
  interaction), ``privileged_intents`` (False: closes the gateway with 4014 when they are asked for),
  ``patch``, ``fast_identify``, ``nonce_window`` (120 s: how long a message's nonce with ``enforce_nonce``
  gets that message back instead of a new one, as Discord does "for the past few minutes"; the messages so
  given back are in ``nonce_replays``), ``rate_limits`` (per-route limits such as
  ``{"POST /users/@me/channels": (5, 1.0)}``, per major parameter, in fixed windows: a request over one is
  answered 429 with ``retry_after`` and ``global`` in the body and ``Retry-After``, ``X-RateLimit-*`` and
  ``Via`` headers, as Discord does; those within get ``X-RateLimit-*`` headers; ``rate_limited`` and
  ``rate_accepted`` record them).  The world is made of :class:`FakeGuild` (channels, roles, members),
  :class:`FakeChannel`, :class:`FakeRole` and :class:`FakeUser` (``dms_open=False`` refuses DMs with
  50007); :func:`snowflake_on_shard` makes a guild id that lands on a chosen shard.
* running a bot: ``async with fake.run(bot):`` logs it in, starts ``bot.connect(reconnect=False)``,
  waits for its ``on_ready``, and on exit closes it and waits for it to stop (a crash of the bot
  surfaces in whatever the test is waiting for); ``await fake.wait_ready()`` waits for READY on every
  shard, and ``fake.ready_shards()`` tells which are READY now (whichever process holds them);
  ``fake.adopt_tree(tree)`` records an unsynced tree's commands as if synced.
* driving it: ``await fake.slash(path, options, user=, guild=, channel=, followups=)`` returns an
  :class:`InteractionResponse`; ``await fake.autocomplete(path, focused=, value=, options=)`` returns the
  choices; ``await fake.press(message_or_response, custom_id=, values=)`` clicks a button or picks from a
  select; crafted interactions, as a modified client could send them: ``slash(..., forged=)`` (option
  values), ``autocomplete(..., tamper=)`` (any change to the ``data``), ``press(..., forged=)`` (missing or
  disabled components, values not offered); ``await fake.submit_modal(response, {custom_id: text})``;
  the ``push_*`` variants push without waiting and ``await fake.response_to(interaction)`` collects the
  answer; ``await fake.redeliver(interaction)`` dispatches one again (a gateway replay: still one
  interaction, answered once); ``await fake.dispatch(event, data)`` sends any other gateway event.
* what was recorded: ``synced_commands`` (``None`` = global, else guild id → stored command list),
  ``sync_calls``, ``interactions``, ``messages`` (channel and DM messages), ``sent`` (every message the bot
  created, interaction answers included), ``mention_log`` (the ``allowed_mentions`` of every message sent
  or edited), ``identifies``, ``presences``, ``requests``, ``rejections`` (every 4xx the fake answered),
  ``unhandled`` (requests to routes the fake does not know), ``errors`` (bugs in the fake itself),
  ``violations``; ``take_violations()`` returns and clears them; ``assert_clean()`` fails on violations,
  unhandled requests or fake errors; ``await fake.wait_until(predicate)`` and
  ``await fake.wait_for_message(...)`` wait for asynchronous effects.

The limits enforced (each breach → a :class:`Violation`):

* messages (interaction answers, follow-ups, edits, channel and DM messages): content ≤ 2,000; ≤ 10
  embeds; embed title ≤ 256, description ≤ 4,096, ≤ 25 fields, field name 1–256, field value 1–1,024,
  footer text ≤ 2,048, author name ≤ 256, 6,000 characters over all embeds; ≤ 5 action rows, ≤ 5 buttons or
  one select per row, custom_id 1–100 and unique, button label ≤ 80, select options 1–25, option
  label/value 1–100, description ≤ 100, placeholder ≤ 150; ≤ 40 components with the components-v2 flag and
  no content/embeds beside them; ≤ 10 files each within ``attachment_size_limit``; ``allowed_mentions``
  well formed; no empty new message (code 50006).
* autocomplete: ≤ 25 choices, name 1–100, string value ≤ 100, values of the option's type.
* command sync: names 1–32 lower-case word characters (context menus: 1–32 of anything),
  descriptions 1–100 (context menus: empty), ≤ 25 options, ≤ 25 choices, choice name 1–100, string value
  ≤ 100, unique names, required options before optional ones, sub-command nesting, no choices with
  autocomplete, ≤ 100 slash + 15 user + 15 message commands, ≤ 8,000 characters per command.
* interactions: one initial response (a second one → 400 code 40060 "Interaction has already been
  acknowledged."); the initial response within ``response_deadline`` of the push (late → 404 code 10062
  "Unknown interaction", as Discord answers); only the response types valid for the interaction type;
  follow-ups and edits only after the initial response and within the 15-minute token lifetime; an
  interaction never answered counts once its deadline has passed.

Routes served (under ``/api/v10``): ``GET /users/@me``, ``GET /users/{id}``, ``POST /users/@me/channels``,
``GET /oauth2/applications/@me``, ``GET /gateway``, ``GET /gateway/bot``, ``GET|PUT|POST
/applications/{app}/commands`` and ``/applications/{app}/guilds/{guild}/commands``, ``POST
/interactions/{id}/{token}/callback`` (JSON or multipart with ``payload_json`` and ``files[n]``; answered
with the ``with_response`` body), ``POST /webhooks/{app}/{token}``, ``GET|PATCH|DELETE
/webhooks/{app}/{token}/messages/{@original|id}``, ``GET /channels/{id}``, ``POST /channels/{id}/typing``,
``POST /channels/{id}/messages``, ``GET|PATCH|DELETE /channels/{id}/messages/{id}``, ``GET /guilds/{id}``,
``GET /guilds/{id}/members/{id}``; uploaded files (the bot's, and those a test attaches to an option) are
served back at their attachment URLs; the gateway is
``ws://127.0.0.1:PORT/gateway`` (HELLO, IDENTIFY → READY + one GUILD_CREATE per guild of the shard,
heartbeat ACKs, member chunk requests, presence updates recorded).  Errors about unknown things (user,
channel, guild, message: Discord's 10013/10003/10004/10008) are rejections, not violations, unless they
concern an interaction token.

Not supported: RESUME (answered with an invalid session, so the client identifies afresh), voice,
presences beyond recording them, rate limits (no ``X-RateLimit`` headers are sent, nothing is throttled),
zlib/zstd transport compression (frames go out as plain text, which discord.py accepts), reactions,
threads, user/role/channel/mentionable selects, context-menu invocations, message/user installs,
entitlements, polls beyond passing them through, and any route not listed above (answered 404 and listed
in ``unhandled``).
"""

# ruff: noqa: ASYNC109 - the waiting helpers take a timeout argument so that tests read naturally.

from __future__ import annotations

import asyncio
import contextlib
import copy
import itertools
import json
import logging
import re
import secrets
import socket
import time
import traceback
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, NamedTuple

import discord
import discord.gateway
import discord.http
import yarl
from aiohttp import WSMsgType, web

__all__ = [
    "DEFAULT_PERMISSIONS",
    "FakeChannel",
    "FakeGuild",
    "FakeRole",
    "FakeUser",
    "InteractionResponse",
    "LoopbackDiscord",
    "LoopbackTimeout",
    "MentionRecord",
    "Problem",
    "PushedInteraction",
    "SentMessage",
    "SyncCall",
    "UploadedFile",
    "Violation",
    "check_choices",
    "check_commands",
    "check_message",
    "check_modal",
    "new_snowflake",
    "snowflake_on_shard",
]

log = logging.getLogger("loopback_discord")

API_PREFIX = "/api/v10"
DISCORD_EPOCH_MS = 1_420_070_400_000
TOKEN_LIFETIME = 15 * 60.0

# Permission bits (https://discord.com/developers/docs/topics/permissions).
ADD_REACTIONS = 1 << 6
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
EMBED_LINKS = 1 << 14
ATTACH_FILES = 1 << 15
READ_MESSAGE_HISTORY = 1 << 16
USE_EXTERNAL_EMOJIS = 1 << 18
USE_APPLICATION_COMMANDS = 1 << 31
SEND_MESSAGES_IN_THREADS = 1 << 38
DEFAULT_PERMISSIONS = (
    ADD_REACTIONS
    | VIEW_CHANNEL
    | SEND_MESSAGES
    | EMBED_LINKS
    | ATTACH_FILES
    | READ_MESSAGE_HISTORY
    | USE_EXTERNAL_EMOJIS
    | USE_APPLICATION_COMMANDS
    | SEND_MESSAGES_IN_THREADS
)

# Message flags.
FLAG_SUPPRESS_EMBEDS = 1 << 2
FLAG_EPHEMERAL = 1 << 6
FLAG_LOADING = 1 << 7
FLAG_COMPONENTS_V2 = 1 << 15

# Gateway intents that need approval in the developer portal.
INTENT_GUILD_MEMBERS = 1 << 1
PRIVILEGED_INTENTS = INTENT_GUILD_MEMBERS | (1 << 8) | (1 << 15)

# Interaction types and the initial responses Discord accepts for each.
PING, APPLICATION_COMMAND, MESSAGE_COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT = 1, 2, 3, 4, 5
ALLOWED_RESPONSES: dict[int, frozenset[int]] = {
    APPLICATION_COMMAND: frozenset({4, 5, 9}),
    MESSAGE_COMPONENT: frozenset({4, 5, 6, 7, 9}),
    AUTOCOMPLETE: frozenset({8}),
    MODAL_SUBMIT: frozenset({4, 5, 6, 7}),
}

_sequence = itertools.count(1)


def new_snowflake() -> int:
    """A fresh, unique snowflake stamped with the current time."""
    millis = int(time.time() * 1000) - DISCORD_EPOCH_MS
    return (millis << 22) | (next(_sequence) & 0x3FFFFF)


def snowflake_on_shard(shard_id: int, shard_count: int) -> int:
    """A fresh snowflake that, used as a guild id, lands on ``shard_id`` of ``shard_count``."""
    base = new_snowflake()
    millis = base >> 22
    millis += (shard_id - millis) % shard_count
    return (millis << 22) | (base & 0x3FFFFF)


def _iso(moment: datetime) -> str:
    return moment.isoformat()


def _now() -> datetime:
    return datetime.now(UTC)


def _dumps(data: Any) -> str:
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False)


def _json(data: Any, status: int = 200) -> web.Response:
    # discord.py only decodes a body whose Content-Type is exactly "application/json" (no charset).
    return web.Response(body=_dumps(data).encode(), status=status, content_type="application/json")


# --------------------------------------------------------------------------------------------------
# The world the fake serves


@dataclass(eq=False)
class FakeUser:
    """A Discord user; ``dms_open=False`` makes DMs to them fail with code 50007."""

    name: str = "tester"
    id: int = field(default_factory=new_snowflake)
    global_name: str | None = None
    bot: bool = False
    dms_open: bool = True

    def payload(self) -> dict[str, Any]:
        """The user object Discord sends."""
        data: dict[str, Any] = {
            "id": str(self.id),
            "username": self.name,
            "discriminator": "0",
            "global_name": self.global_name,
            "avatar": None,
            "avatar_decoration_data": None,
            "banner": None,
            "accent_color": None,
            "public_flags": 0,
            "flags": 0,
        }
        if self.bot:
            data["bot"] = True
        return data


@dataclass(eq=False)
class FakeChannel:
    """A guild channel (type 0 text, 2 voice, 4 category, 5 announcement)."""

    name: str = "general"
    id: int = field(default_factory=new_snowflake)
    type: int = 0
    topic: str | None = None
    position: int = 0
    parent_id: int | None = None

    def payload(self, guild_id: int, permissions: int | None = None) -> dict[str, Any]:
        """The channel object Discord sends; ``permissions`` is added for interaction payloads."""
        data: dict[str, Any] = {
            "id": str(self.id),
            "type": self.type,
            "guild_id": str(guild_id),
            "name": self.name,
            "position": self.position,
            "permission_overwrites": [],
            "parent_id": None if self.parent_id is None else str(self.parent_id),
            "nsfw": False,
            "flags": 0,
        }
        if self.type in (0, 5):
            data.update(topic=self.topic, last_message_id=None, rate_limit_per_user=0)
        elif self.type == 2:
            data.update(
                bitrate=64000, user_limit=0, rtc_region=None, last_message_id=None, rate_limit_per_user=0
            )
        if permissions is not None:
            data["permissions"] = str(permissions)
        return data


@dataclass(eq=False)
class FakeRole:
    """A guild role."""

    name: str = "member"
    id: int = field(default_factory=new_snowflake)
    permissions: int = 0
    position: int = 1
    color: int = 0

    def payload(self) -> dict[str, Any]:
        """The role object Discord sends."""
        return {
            "id": str(self.id),
            "name": self.name,
            "permissions": str(self.permissions),
            "position": self.position,
            "color": self.color,
            "colors": {"primary_color": self.color, "secondary_color": None, "tertiary_color": None},
            "hoist": False,
            "managed": False,
            "mentionable": False,
            "icon": None,
            "unicode_emoji": None,
            "flags": 0,
        }


@dataclass(eq=False)
class FakeGuild:
    """A guild; ``member_ids=None`` makes every user of the fake a member."""

    name: str = "Loopback Guild"
    id: int = field(default_factory=new_snowflake)
    channels: list[FakeChannel] = field(default_factory=lambda: [FakeChannel()])
    roles: list[FakeRole] = field(default_factory=list)
    member_ids: list[int] | None = None
    member_roles: dict[int, list[int]] = field(default_factory=dict)
    owner_id: int | None = None
    locale: str = "en-US"
    features: list[str] = field(default_factory=list)
    everyone_permissions: int = DEFAULT_PERMISSIONS

    def everyone_payload(self) -> dict[str, Any]:
        """The @everyone role (its id is the guild's)."""
        role = FakeRole(name="@everyone", id=self.id, permissions=self.everyone_permissions, position=0)
        return role.payload()

    def permissions_for(self, user_id: int) -> int:
        """The member's guild-level permissions: @everyone plus their roles."""
        value = self.everyone_permissions
        wanted = set(self.member_roles.get(user_id, []))
        for role in self.roles:
            if role.id in wanted:
                value |= role.permissions
        return value

    def channel(self, channel_id: int) -> FakeChannel | None:
        """The channel with that id, if it is in this guild."""
        return next((c for c in self.channels if c.id == channel_id), None)


@dataclass(eq=False)
class UploadedFile:
    """A file the bot uploaded (multipart ``files[n]``), or one a test attaches to an option."""

    filename: str
    data: bytes
    content_type: str | None = None
    description: str | None = None
    index: int = 0

    @property
    def size(self) -> int:
        """The size in bytes."""
        return len(self.data)


# --------------------------------------------------------------------------------------------------
# Records


class Problem(NamedTuple):
    """One breach found by a validator: where (a key path), Discord's error code, and its message."""

    path: tuple[str | int, ...]
    code: str
    message: str

    def __str__(self) -> str:
        where = ".".join(str(p) for p in self.path) or "(body)"
        return f"{where}: {self.message} [{self.code}]"


@dataclass
class Violation:
    """A breach of Discord's rules by the bot, as the fake saw it."""

    kind: str
    route: str
    message: str
    errors: dict[str, Any] | None = None

    def __str__(self) -> str:
        return f"[{self.kind}] {self.route}: {self.message}"


@dataclass
class SyncCall:
    """One bulk overwrite of commands: ``scope`` is None for global, else the guild id."""

    scope: int | None
    payload: list[dict[str, Any]]
    accepted: bool


@dataclass
class MentionRecord:
    """The ``allowed_mentions`` sent with one message creation or edit (None when absent)."""

    source: str
    message_id: int | None
    allowed_mentions: dict[str, Any] | None


@dataclass
class RecordedRequest:
    """A request the fake received."""

    method: str
    path: str
    query: str
    status: int = 0
    at: float = field(default_factory=time.monotonic)  # when it arrived (the monotonic clock)
    agent: str = ""  # its User-Agent (discord.py's names the library; a script's is aiohttp's)


@dataclass(eq=False)
class SentMessage:
    """A message the bot created: an interaction answer, a follow-up, or a channel or DM message."""

    id: int
    channel_id: int
    source: str
    author: dict[str, Any]
    guild_id: int | None = None
    content: str = ""
    embeds: list[dict[str, Any]] = field(default_factory=list)
    components: list[dict[str, Any]] = field(default_factory=list)
    attachments: list[dict[str, Any]] = field(default_factory=list)
    files: list[UploadedFile] = field(default_factory=list)
    flags: int = 0
    allowed_mentions: dict[str, Any] | None = None
    interaction: PushedInteraction | None = None
    message_type: int = 0
    application_id: int | None = None
    webhook_id: int | None = None
    raw: dict[str, Any] = field(default_factory=dict)
    timestamp: datetime = field(default_factory=_now)
    edited_timestamp: datetime | None = None
    edits: list[dict[str, Any]] = field(default_factory=list)
    deleted: bool = False

    @property
    def ephemeral(self) -> bool:
        """Whether only the invoking user sees it."""
        return bool(self.flags & FLAG_EPHEMERAL)

    @property
    def loading(self) -> bool:
        """Whether it is still the "is thinking…" placeholder of a deferred interaction."""
        return bool(self.flags & FLAG_LOADING)

    def iter_components(self) -> Iterator[dict[str, Any]]:
        """Every component, depth first (rows, their children, containers, accessories)."""
        yield from _walk_components(self.components)

    def find_component(self, custom_id: str) -> dict[str, Any] | None:
        """The component with that custom_id, if any."""
        return next((c for c in self.iter_components() if c.get("custom_id") == custom_id), None)

    @property
    def custom_ids(self) -> list[str]:
        """The custom_ids of the interactive components."""
        return [c["custom_id"] for c in self.iter_components() if "custom_id" in c]

    def payload(self) -> dict[str, Any]:
        """The message object as Discord returns it."""
        data: dict[str, Any] = {
            "id": str(self.id),
            "channel_id": str(self.channel_id),
            "type": self.message_type,
            "author": self.author,
            "content": self.content,
            "embeds": copy.deepcopy(self.embeds),
            "components": copy.deepcopy(self.components),
            "attachments": copy.deepcopy(self.attachments),
            "mentions": [],
            "mention_roles": [],
            "mention_everyone": False,
            "pinned": False,
            "tts": False,
            "timestamp": _iso(self.timestamp),
            "edited_timestamp": None if self.edited_timestamp is None else _iso(self.edited_timestamp),
            "flags": self.flags,
        }
        if self.application_id is not None:
            data["application_id"] = str(self.application_id)
        if self.webhook_id is not None:
            data["webhook_id"] = str(self.webhook_id)
        inter = self.interaction
        if inter is not None:
            meta: dict[str, Any] = {
                "id": str(inter.id),
                "type": inter.type,
                "user": inter.user.payload(),
                "authorizing_integration_owners": inter.payload.get("authorizing_integration_owners", {}),
            }
            if inter.command is not None:
                meta["name"] = inter.command_path
                meta["command_type"] = inter.command.get("type", 1)
            if inter.target is not None:
                meta["interacted_message_id"] = str(inter.target.id)
            data["interaction_metadata"] = meta
        return data


@dataclass(eq=False)
class PushedInteraction:
    """An interaction the fake pushed to the bot, and everything the bot did with its token."""

    id: int
    token: str
    type: int
    payload: dict[str, Any]
    shard_id: int
    pushed_at: float
    user: FakeUser
    guild: FakeGuild | None
    channel_id: int
    command: dict[str, Any] | None = None
    command_path: str = ""
    focused_type: int | None = None
    target: SentMessage | None = None
    responses: list[InteractionResponse] = field(default_factory=list)
    followups: list[SentMessage] = field(default_factory=list)
    edits: list[dict[str, Any]] = field(default_factory=list)
    original: SentMessage | None = None
    deadline_flagged: bool = False

    @property
    def initial(self) -> InteractionResponse | None:
        """The accepted initial response, if any."""
        return next((r for r in self.responses if r.accepted), None)

    @property
    def responded(self) -> bool:
        """Whether an initial response was accepted."""
        return self.initial is not None


@dataclass(eq=False)
class InteractionResponse:
    """One ``POST /interactions/{id}/{token}/callback`` from the bot (accepted or not)."""

    interaction: PushedInteraction
    type: int
    data: dict[str, Any]
    files: list[UploadedFile]
    elapsed: float
    accepted: bool = False
    error: dict[str, Any] | None = None
    message: SentMessage | None = None
    _fake: LoopbackDiscord | None = field(default=None, repr=False)

    @property
    def content(self) -> str | None:
        """The content of the callback data (None when absent, e.g. a deferral)."""
        return self.data.get("content")

    @property
    def embeds(self) -> list[dict[str, Any]]:
        """The embeds of the callback data."""
        return self.data.get("embeds") or []

    @property
    def components(self) -> list[dict[str, Any]]:
        """The components of the callback data (for a modal: its fields)."""
        return self.data.get("components") or []

    @property
    def flags(self) -> int:
        """The message flags of the callback data."""
        return int(self.data.get("flags") or 0)

    @property
    def ephemeral(self) -> bool:
        """Whether the answer is ephemeral (flag 64)."""
        return bool(self.flags & FLAG_EPHEMERAL)

    @property
    def allowed_mentions(self) -> dict[str, Any] | None:
        """The callback's ``allowed_mentions`` (None when absent)."""
        return self.data.get("allowed_mentions")

    @property
    def choices(self) -> list[dict[str, Any]]:
        """The autocomplete choices (type 8)."""
        return self.data.get("choices") or []

    @property
    def followups(self) -> list[SentMessage]:
        """The follow-up messages sent with the interaction's token so far."""
        return self.interaction.followups

    @property
    def edits(self) -> list[dict[str, Any]]:
        """The edits made with the interaction's token so far (payloads)."""
        return self.interaction.edits

    async def wait_followups(self, count: int = 1, timeout: float = 5.0) -> list[SentMessage]:
        """Wait until at least ``count`` follow-ups were sent; return them all."""
        if self._fake is None:
            raise RuntimeError("this response is not attached to a LoopbackDiscord")
        await self._fake.wait_until(
            lambda: len(self.interaction.followups) >= count,
            timeout=timeout,
            what=f"{count} follow-up(s) to interaction {self.interaction.id}",
        )
        return self.interaction.followups


class LoopbackTimeout(AssertionError):
    """The bot did not do what a test waited for in time."""


class _Rejected(Exception):
    """Raised by a handler to answer with a Discord error (and, with ``kind``, record a violation)."""

    def __init__(
        self,
        status: int,
        code: int,
        message: str,
        *,
        errors: dict[str, Any] | None = None,
        kind: str | None = None,
        detail: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.errors = errors
        self.kind = kind
        self.detail = detail

    def body(self) -> dict[str, Any]:
        data: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.errors:
            data["errors"] = self.errors
        return data


def _errors_tree(problems: Iterable[Problem]) -> dict[str, Any]:
    """Discord's nested ``errors`` object for a list of problems."""
    root: dict[str, Any] = {}
    for problem in problems:
        node = root
        for key in problem.path:
            node = node.setdefault(str(key), {})
        node.setdefault("_errors", []).append({"code": problem.code, "message": problem.message})
    return root


def _invalid_form(problems: Sequence[Problem], kind: str) -> _Rejected:
    detail = "; ".join(str(p) for p in problems)
    return _Rejected(400, 50035, "Invalid Form Body", errors=_errors_tree(problems), kind=kind, detail=detail)


# --------------------------------------------------------------------------------------------------
# Validators (public so tests can use them on payloads directly)

Path = tuple[str | int, ...]


def _check_str(
    problems: list[Problem], path: Path, value: Any, *, hi: int, lo: int = 0, required: bool = False
) -> int:
    """Check a string's length; return the length (0 when absent or not a string)."""
    if value is None:
        if required:
            problems.append(Problem(path, "BASE_TYPE_REQUIRED", "This field is required"))
        return 0
    if not isinstance(value, str):
        problems.append(Problem(path, "BASE_TYPE_STRING", "Must be a string."))
        return 0
    length = len(value)
    if length > hi or length < lo:
        if lo:
            problems.append(
                Problem(path, "BASE_TYPE_BAD_LENGTH", f"Must be between {lo} and {hi} in length.")
            )
        else:
            problems.append(Problem(path, "BASE_TYPE_MAX_LENGTH", f"Must be {hi} or fewer in length."))
    return length


def _check_list(problems: list[Problem], path: Path, value: Any, *, hi: int, lo: int = 0) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        problems.append(Problem(path, "BASE_TYPE_ARRAY", "Must be an array."))
        return []
    if len(value) > hi:
        problems.append(Problem(path, "BASE_TYPE_MAX_LENGTH", f"Must be {hi} or fewer in length."))
    elif len(value) < lo:
        problems.append(Problem(path, "BASE_TYPE_MIN_LENGTH", f"Must be {lo} or more in length."))
    return value


def _check_int(problems: list[Problem], path: Path, value: Any, *, lo: int, hi: int) -> None:
    if value is None:
        return
    if not isinstance(value, int) or isinstance(value, bool):
        problems.append(Problem(path, "NUMBER_TYPE_COERCE", f"Value {value!r} is not int."))
    elif not lo <= value <= hi:
        problems.append(
            Problem(path, "NUMBER_TYPE_MAX" if value > hi else "NUMBER_TYPE_MIN", f"Must be {lo}–{hi}.")
        )


def check_embeds(embeds: Any, path: Path = ("embeds",)) -> list[Problem]:
    """Discord's embed limits: ≤ 10 embeds, per-field lengths, ≤ 25 fields, 6,000 characters in all."""
    problems: list[Problem] = []
    items = _check_list(problems, path, embeds, hi=10)
    total = 0
    for index, embed in enumerate(items):
        here = (*path, index)
        if not isinstance(embed, dict):
            problems.append(Problem(here, "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType"))
            continue
        total += _check_str(problems, (*here, "title"), embed.get("title"), hi=256)
        total += _check_str(problems, (*here, "description"), embed.get("description"), hi=4096)
        _check_int(problems, (*here, "color"), embed.get("color"), lo=0, hi=0xFFFFFF)
        fields = _check_list(problems, (*here, "fields"), embed.get("fields"), hi=25)
        for number, item in enumerate(fields):
            where = (*here, "fields", number)
            if not isinstance(item, dict):
                problems.append(
                    Problem(where, "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType")
                )
                continue
            total += _check_str(problems, (*where, "name"), item.get("name"), lo=1, hi=256, required=True)
            total += _check_str(problems, (*where, "value"), item.get("value"), lo=1, hi=1024, required=True)
        footer = embed.get("footer")
        if isinstance(footer, dict):
            total += _check_str(
                problems, (*here, "footer", "text"), footer.get("text"), lo=1, hi=2048, required=True
            )
        author = embed.get("author")
        if isinstance(author, dict):
            total += _check_str(
                problems, (*here, "author", "name"), author.get("name"), lo=1, hi=256, required=True
            )
    if total > 6000:
        problems.append(Problem(path, "MAX_EMBED_SIZE_EXCEEDED", "Embed size exceeds maximum size of 6000"))
    return problems


def _walk_components(components: Any) -> Iterator[dict[str, Any]]:
    if not isinstance(components, list):
        return
    for component in components:
        if not isinstance(component, dict):
            continue
        yield component
        yield from _walk_components(component.get("components"))
        for key in ("accessory", "component"):
            child = component.get(key)
            if isinstance(child, dict):
                yield from _walk_components([child])


_SELECT_TYPES = frozenset({3, 5, 6, 7, 8})


def _check_interactive(
    problems: list[Problem], path: Path, component: dict[str, Any], seen: set[str]
) -> None:
    kind = component.get("type")
    custom_id = component.get("custom_id")
    if kind == 2:
        style = component.get("style")
        if style == 5:
            if not component.get("url"):
                problems.append(Problem((*path, "url"), "BASE_TYPE_REQUIRED", "A link button needs a url"))
            if custom_id is not None:
                problems.append(
                    Problem((*path, "custom_id"), "COMPONENT_INVALID", "A link button has no custom_id")
                )
            custom_id = None
        elif style != 6:
            _check_str(problems, (*path, "custom_id"), custom_id, lo=1, hi=100, required=True)
        _check_str(problems, (*path, "label"), component.get("label"), hi=80)
        if style not in (1, 2, 3, 4, 5, 6):
            problems.append(
                Problem((*path, "style"), "BASE_TYPE_CHOICES", "Value must be one of (1, 2, 3, 4, 5, 6).")
            )
        if style != 6 and not component.get("label") and not component.get("emoji"):
            problems.append(
                Problem(path, "BUTTON_COMPONENT_LABEL_OR_EMOJI_REQUIRED", "A button needs a label or emoji")
            )
    elif kind in _SELECT_TYPES:
        _check_str(problems, (*path, "custom_id"), custom_id, lo=1, hi=100, required=True)
        _check_str(problems, (*path, "placeholder"), component.get("placeholder"), hi=150)
        _check_int(problems, (*path, "min_values"), component.get("min_values"), lo=0, hi=25)
        _check_int(problems, (*path, "max_values"), component.get("max_values"), lo=1, hi=25)
        low, high = component.get("min_values", 1), component.get("max_values", 1)
        if isinstance(low, int) and isinstance(high, int) and low > high:
            problems.append(
                Problem(
                    (*path, "min_values"), "SELECT_COMPONENT_MIN_VALUES_GREATER", "min_values > max_values"
                )
            )
        if kind == 3:
            options = _check_list(problems, (*path, "options"), component.get("options"), lo=1, hi=25)
            if component.get("options") is None:
                problems.append(Problem((*path, "options"), "BASE_TYPE_REQUIRED", "This field is required"))
            values: set[Any] = set()
            for number, option in enumerate(options):
                where = (*path, "options", number)
                if not isinstance(option, dict):
                    problems.append(Problem(where, "DICT_TYPE_CONVERT", "Only dictionaries may be used"))
                    continue
                _check_str(problems, (*where, "label"), option.get("label"), lo=1, hi=100, required=True)
                _check_str(problems, (*where, "value"), option.get("value"), lo=1, hi=100, required=True)
                _check_str(problems, (*where, "description"), option.get("description"), hi=100)
                if option.get("value") in values:
                    problems.append(
                        Problem(
                            (*where, "value"), "SELECT_COMPONENT_OPTION_VALUE_DUPLICATED", "Duplicate value"
                        )
                    )
                values.add(option.get("value"))
            if isinstance(high, int) and options and high > len(options):
                problems.append(
                    Problem(
                        (*path, "max_values"),
                        "SELECT_COMPONENT_MAX_VALUES_EXCEEDED",
                        "max_values exceeds the number of options",
                    )
                )
    elif kind == 4:
        _check_str(problems, (*path, "custom_id"), custom_id, lo=1, hi=100, required=True)
        _check_str(problems, (*path, "label"), component.get("label"), hi=45)
        _check_str(problems, (*path, "placeholder"), component.get("placeholder"), hi=100)
        _check_str(problems, (*path, "value"), component.get("value"), hi=4000)
        _check_int(problems, (*path, "min_length"), component.get("min_length"), lo=0, hi=4000)
        _check_int(problems, (*path, "max_length"), component.get("max_length"), lo=1, hi=4000)
    if isinstance(custom_id, str):
        if custom_id in seen:
            problems.append(
                Problem(
                    (*path, "custom_id"),
                    "COMPONENT_CUSTOM_ID_DUPLICATED",
                    "Component custom id cannot be duplicated",
                )
            )
        seen.add(custom_id)


def check_components(components: Any, flags: int = 0, path: Path = ("components",)) -> list[Problem]:
    """Discord's component limits (action rows of buttons/selects, or components v2 with the flag)."""
    problems: list[Problem] = []
    seen: set[str] = set()
    if flags & FLAG_COMPONENTS_V2:
        items = _check_list(problems, path, components, hi=40)
        count = 0

        def visit(nodes: list[Any], here: Path) -> None:
            nonlocal count
            for index, node in enumerate(nodes):
                if not isinstance(node, dict):
                    continue
                count += 1
                where = (*here, index)
                _check_interactive(problems, where, node, seen)
                if isinstance(node.get("components"), list):
                    visit(node["components"], (*where, "components"))
                for key in ("accessory", "component"):
                    if isinstance(node.get(key), dict):
                        count += 1
                        _check_interactive(problems, (*where, key), node[key], seen)

        visit(items, path)
        if count > 40:
            problems.append(
                Problem(
                    path,
                    "COMPONENT_MAX_TOTAL_COMPONENTS_EXCEEDED",
                    "Must be 40 or fewer components in total.",
                )
            )
        return problems
    rows = _check_list(problems, path, components, hi=5)
    for index, row in enumerate(rows):
        here = (*path, index)
        if not isinstance(row, dict) or row.get("type") != 1:
            problems.append(
                Problem(
                    (*here, "type"), "COMPONENT_LAYOUT_INVALID", "Top-level components must be action rows"
                )
            )
            continue
        children = _check_list(problems, (*here, "components"), row.get("components"), lo=1, hi=5)
        kinds = [c.get("type") for c in children if isinstance(c, dict)]
        if any(k in _SELECT_TYPES or k == 4 for k in kinds) and len(kinds) > 1:
            problems.append(
                Problem(
                    (*here, "components"),
                    "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
                    "The specified component exceeds the maximum width",
                )
            )
        for number, child in enumerate(children):
            if isinstance(child, dict):
                _check_interactive(problems, (*here, "components", number), child, seen)
    return problems


def check_allowed_mentions(value: Any, path: Path = ("allowed_mentions",)) -> list[Problem]:
    """The shape rules of ``allowed_mentions`` (``parse`` values, parse/list exclusivity, ≤ 100 ids)."""
    problems: list[Problem] = []
    if value is None:
        return problems
    if not isinstance(value, dict):
        return [Problem(path, "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType")]
    parse = value.get("parse") or []
    for index, item in enumerate(parse):
        if item not in ("roles", "users", "everyone"):
            problems.append(
                Problem(
                    (*path, "parse", index),
                    "BASE_TYPE_CHOICES",
                    "Value must be one of ('roles', 'users', 'everyone').",
                )
            )
    for key in ("users", "roles"):
        listed = value.get(key)
        if listed and key in parse:
            problems.append(
                Problem(
                    (*path, "parse"),
                    "ALLOWED_MENTIONS_PARSE_EXCLUSIVE",
                    f'parse:["{key}"] and {key}: [ids...] are mutually exclusive.',
                )
            )
        _check_list(problems, (*path, key), listed, hi=100)
    return problems


def check_message(
    data: Mapping[str, Any],
    files: Sequence[UploadedFile] = (),
    *,
    new: bool = True,
    size_limit: int | None = None,
) -> list[Problem]:
    """Every limit on a message body (content, embeds, components, allowed_mentions, files).

    ``new`` also applies the rule that a new message may not be empty; the empty-message breach is reported
    with code ``EMPTY_MESSAGE`` and an empty path.
    """
    problems: list[Problem] = []
    if not isinstance(data, Mapping):
        return [Problem((), "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType")]
    flags = data.get("flags") or 0
    _check_str(problems, ("content",), data.get("content"), hi=2000)
    problems += check_embeds(data.get("embeds"))
    problems += check_components(data.get("components"), flags)
    problems += check_allowed_mentions(data.get("allowed_mentions"))
    if flags & FLAG_COMPONENTS_V2 and (data.get("content") or data.get("embeds")):
        problems.append(
            Problem(
                ("flags",),
                "MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2",
                "The 'content' and 'embeds' fields cannot be used when using MessageFlags.IS_COMPONENTS_V2",
            )
        )
    if len(files) > 10:
        problems.append(Problem(("files",), "BASE_TYPE_MAX_LENGTH", "Must be 10 or fewer in length."))
    for upload in files:
        if size_limit is not None and upload.size > size_limit:
            problems.append(
                Problem(
                    ("files", upload.index),
                    "FILE_TOO_LARGE",
                    f"{upload.filename} is {upload.size} bytes; the limit is {size_limit}",
                )
            )
    if new and not (
        data.get("content")
        or data.get("embeds")
        or data.get("components")
        or files
        or data.get("sticker_ids")
        or data.get("poll")
    ):
        problems.append(Problem((), "EMPTY_MESSAGE", "Cannot send an empty message"))
    return problems


def check_choices(
    data: Mapping[str, Any], option_type: int | None = 3, path: Path = ("data",)
) -> list[Problem]:
    """Autocomplete answer limits: ≤ 25 choices, name 1–100, value of the option's type (string ≤ 100)."""
    problems: list[Problem] = []
    choices = data.get("choices") if isinstance(data, Mapping) else None
    if choices is None:
        return [Problem((*path, "choices"), "BASE_TYPE_REQUIRED", "This field is required")]
    items = _check_list(problems, (*path, "choices"), choices, hi=25)
    for index, choice in enumerate(items):
        _check_choice(problems, (*path, "choices", index), choice, option_type)
    return problems


def _check_choice(problems: list[Problem], path: Path, choice: Any, option_type: int | None) -> None:
    if not isinstance(choice, dict):
        problems.append(Problem(path, "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType"))
        return
    _check_str(problems, (*path, "name"), choice.get("name"), lo=1, hi=100, required=True)
    value = choice.get("value")
    if option_type in (4, 10):
        numeric = isinstance(value, int | float) and not isinstance(value, bool)
        if not numeric or (option_type == 4 and not isinstance(value, int)):
            problems.append(
                Problem(
                    (*path, "value"),
                    "NUMBER_TYPE_COERCE",
                    f"Value {value!r} is not {'int' if option_type == 4 else 'a number'}.",
                )
            )
        elif abs(value) > 2**53:
            problems.append(Problem((*path, "value"), "NUMBER_TYPE_MAX", "Must be within ±2^53."))
    else:
        _check_str(problems, (*path, "value"), value, hi=100, required=True)


def check_modal(data: Mapping[str, Any], path: Path = ("data",)) -> list[Problem]:
    """Modal limits: title 1–45, custom_id 1–100, 1–5 components, text inputs within their limits."""
    problems: list[Problem] = []
    _check_str(problems, (*path, "title"), data.get("title"), lo=1, hi=45, required=True)
    _check_str(problems, (*path, "custom_id"), data.get("custom_id"), lo=1, hi=100, required=True)
    items = _check_list(problems, (*path, "components"), data.get("components"), lo=1, hi=5)
    seen: set[str] = set()
    for index, component in enumerate(_walk_components(items)):
        if component.get("type") == 18:
            _check_str(
                problems,
                (*path, "components", index, "label"),
                component.get("label"),
                lo=1,
                hi=45,
                required=True,
            )
        else:
            _check_interactive(problems, (*path, "components", index), component, seen)
    return problems


_COMMAND_NAME = re.compile(r"^[-_'\w\u0900-\u097F\u0E00-\u0E7F]{1,32}$")
_COMMAND_LIMITS = {1: 100, 2: 15, 3: 15}


def _check_name(problems: list[Problem], path: Path, name: Any) -> int:
    if not isinstance(name, str) or not _COMMAND_NAME.match(name) or name != name.lower():
        problems.append(
            Problem(
                path,
                "APPLICATION_COMMAND_INVALID_NAME",
                f"Command name is invalid: {name!r} (1–32 lower-case word characters)",
            )
        )
    return len(name) if isinstance(name, str) else 0


def _check_options(problems: list[Problem], path: Path, options: Any, depth: int) -> int:
    """Check a list of command options; return the characters they count towards the 8,000 total."""
    items = _check_list(problems, path, options, hi=25)
    total = 0
    names: set[str] = set()
    kinds = [o.get("type") for o in items if isinstance(o, dict)]
    nested = [k in (1, 2) for k in kinds]
    if any(nested) and not all(nested):
        problems.append(
            Problem(
                path,
                "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
                "Sub-commands cannot be mixed with other options",
            )
        )
    optional_seen = False
    for index, option in enumerate(items):
        here = (*path, index)
        if not isinstance(option, dict):
            problems.append(Problem(here, "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType"))
            continue
        kind = option.get("type")
        name = option.get("name")
        total += _check_name(problems, (*here, "name"), name)
        total += _check_str(
            problems, (*here, "description"), option.get("description"), lo=1, hi=100, required=True
        )
        if name in names:
            problems.append(
                Problem(
                    (*here, "name"),
                    "APPLICATION_COMMAND_OPTIONS_DUPLICATE_NAME",
                    "Option names must be unique",
                )
            )
        names.add(name)
        if kind not in range(1, 12):
            problems.append(Problem((*here, "type"), "BASE_TYPE_CHOICES", "Value must be one of 1–11."))
            continue
        if kind == 2 and depth > 0:
            problems.append(
                Problem(
                    (*here, "type"),
                    "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
                    "Sub-command groups cannot be nested",
                )
            )
        if kind == 1 and depth > 1:
            problems.append(
                Problem(
                    (*here, "type"),
                    "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
                    "Sub-commands nest at most inside one group",
                )
            )
        if kind == 2:
            children = option.get("options") or []
            if any(isinstance(c, dict) and c.get("type") != 1 for c in children):
                problems.append(
                    Problem(
                        (*here, "options"),
                        "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
                        "A group holds only sub-commands",
                    )
                )
            total += _check_options(problems, (*here, "options"), children, depth + 1)
            continue
        if kind == 1:
            children = option.get("options") or []
            if any(isinstance(c, dict) and c.get("type") in (1, 2) for c in children):
                problems.append(
                    Problem(
                        (*here, "options"),
                        "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
                        "A sub-command holds no sub-commands",
                    )
                )
            total += _check_options(problems, (*here, "options"), children, max(depth + 1, 2))
            continue
        if option.get("required"):
            if optional_seen:
                problems.append(
                    Problem(
                        (*here, "required"),
                        "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                        "Required options must be placed before non-required options",
                    )
                )
        else:
            optional_seen = True
        choices = option.get("choices")
        if choices is not None:
            if kind not in (3, 4, 10):
                problems.append(
                    Problem(
                        (*here, "choices"),
                        "APPLICATION_COMMAND_OPTION_CHOICES_INVALID",
                        "Only string, integer and number options have choices",
                    )
                )
            if option.get("autocomplete"):
                problems.append(
                    Problem(
                        (*here, "autocomplete"),
                        "APPLICATION_COMMAND_OPTION_AUTOCOMPLETE_CHOICES",
                        "Autocomplete cannot be combined with choices",
                    )
                )
            for number, choice in enumerate(_check_list(problems, (*here, "choices"), choices, hi=25)):
                _check_choice(problems, (*here, "choices", number), choice, kind)
                if isinstance(choice, dict):
                    total += len(str(choice.get("name", ""))) + len(str(choice.get("value", "")))
        if option.get("autocomplete") and kind not in (3, 4, 10):
            problems.append(
                Problem(
                    (*here, "autocomplete"),
                    "APPLICATION_COMMAND_OPTION_AUTOCOMPLETE_INVALID",
                    "Only string, integer and number options autocomplete",
                )
            )
        _check_int(problems, (*here, "min_length"), option.get("min_length"), lo=0, hi=6000)
        _check_int(problems, (*here, "max_length"), option.get("max_length"), lo=1, hi=6000)
    return total


def check_commands(commands: Any) -> list[Problem]:
    """The limits on a bulk command overwrite (``PUT .../commands``)."""
    problems: list[Problem] = []
    if not isinstance(commands, list):
        return [Problem((), "BASE_TYPE_ARRAY", "Must be an array.")]
    counts: dict[int, int] = {}
    names: set[tuple[int, str]] = set()
    for index, command in enumerate(commands):
        here: Path = (index,)
        if not isinstance(command, dict):
            problems.append(Problem(here, "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType"))
            continue
        kind = command.get("type", 1)
        counts[kind] = counts.get(kind, 0) + 1
        name = command.get("name")
        if kind == 1:
            total = _check_name(problems, (*here, "name"), name)
            total += _check_str(
                problems, (*here, "description"), command.get("description"), lo=1, hi=100, required=True
            )
            total += _check_options(problems, (*here, "options"), command.get("options"), 0)
            if total > 8000:
                problems.append(
                    Problem(here, "APPLICATION_COMMAND_TOO_LARGE", "Command exceeds maximum size (8000)")
                )
        elif kind in (2, 3):
            _check_str(problems, (*here, "name"), name, lo=1, hi=32, required=True)
            if command.get("description"):
                problems.append(
                    Problem(
                        (*here, "description"),
                        "APPLICATION_COMMAND_CONTEXT_MENU_DESCRIPTION",
                        "Context menu commands have no description",
                    )
                )
            if command.get("options"):
                problems.append(
                    Problem(
                        (*here, "options"),
                        "APPLICATION_COMMAND_CONTEXT_MENU_OPTIONS",
                        "Context menu commands have no options",
                    )
                )
        else:
            problems.append(
                Problem((*here, "type"), "BASE_TYPE_CHOICES", "Value must be one of (1, 2, 3, 4).")
            )
            continue
        if (kind, name) in names:
            problems.append(
                Problem(
                    (*here, "name"),
                    "APPLICATION_COMMANDS_DUPLICATE_NAME",
                    f"Application command names must be unique: {name!r}",
                )
            )
        names.add((kind, name))
    for kind, limit in _COMMAND_LIMITS.items():
        if counts.get(kind, 0) > limit:
            problems.append(
                Problem(
                    (),
                    "APPLICATION_COMMAND_MAX_COUNT",
                    f"Maximum number of type-{kind} application commands reached ({limit})",
                )
            )
    return problems


# --------------------------------------------------------------------------------------------------
# The gateway side


class _GatewaySession:
    """One websocket connection (one shard) from the bot."""

    def __init__(self, ws: web.WebSocketResponse) -> None:
        self.ws = ws
        self.seq = 0
        self.session_id = secrets.token_hex(16)
        self.shard: tuple[int, int] | None = None
        self.identify: dict[str, Any] | None = None
        self.intents = 0
        self.ready = False
        self.lock = asyncio.Lock()

    @property
    def shard_id(self) -> int:
        return self.shard[0] if self.shard else 0

    @property
    def shard_count(self) -> int:
        return self.shard[1] if self.shard else 1

    async def send(self, payload: dict[str, Any]) -> None:
        async with self.lock:
            await self.ws.send_str(_dumps(payload))

    async def dispatch(self, event: str, data: Any) -> None:
        async with self.lock:
            self.seq += 1
            await self.ws.send_str(_dumps({"op": 0, "t": event, "s": self.seq, "d": data}))


async def _instant_identify(self: discord.Client, shard_id: int | None, *, initial: bool = False) -> None:
    """Stand-in for ``Client.before_identify_hook``: no 5 s pause between shards."""


_DEFAULT: Any = object()
_active_patch: LoopbackDiscord | None = None


ABSENT = object()  # a forged value that leaves the option out of the interaction altogether


def _leaf_options(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The value-carrying options of a command's ``data``, inside any subcommand groups."""
    options: list[dict[str, Any]] = data.get("options") or []
    while options and options[0].get("type") in (1, 2):
        options = options[0].get("options") or []
    return options


class LoopbackDiscord:
    """A fake Discord on 127.0.0.1 for the real discord.py client; see the module docstring."""

    def __init__(
        self,
        *,
        guilds: Sequence[FakeGuild] | None = None,
        users: Sequence[FakeUser] | None = None,
        bot_user: FakeUser | None = None,
        owner: FakeUser | None = None,
        shards: int = 1,
        token: str | None = None,
        invalid_token: bool = False,
        outage: Mapping[str, int] | None = None,
        response_deadline: float = 3.0,
        attachment_size_limit: int = 10 * 1024 * 1024,
        privileged_intents: bool = True,
        heartbeat_interval: float = 41.25,
        patch: bool = True,
        fast_identify: bool = True,
        rate_limits: Mapping[str, tuple[int, float]] | None = None,
        max_concurrency: int = 1,
        nonce_window: float = 120.0,
    ) -> None:
        self.users: list[FakeUser] = list(users) if users is not None else [FakeUser()]
        self.guilds: list[FakeGuild] = list(guilds) if guilds is not None else [FakeGuild()]
        self.bot_user = bot_user or FakeUser(name="Loopback Bot", bot=True)
        self.bot_user.bot = True
        self.owner = owner or (self.users[0] if self.users else FakeUser(name="owner"))
        self.application_id = self.bot_user.id
        self.shard_count = shards
        self.max_concurrency = max_concurrency  # shards that may identify at once (GET /gateway/bot)
        # A message created with a nonce and enforce_nonce (discord.py sends both whenever a nonce is given)
        # is unique per author for "the past few minutes", as Discord documents: the same nonce again within
        # `nonce_window` seconds gets the message already made back, and no new one. Two minutes is the
        # short end of "a few"; `nonce_replays` records each message so given back.
        self.nonce_window = nonce_window
        self._nonces: dict[str, tuple[float, SentMessage]] = {}
        self.nonce_replays: list[SentMessage] = []
        self.token = token
        self.invalid_token = invalid_token
        self.outage = dict(outage or {})
        # Per-route rate limits, as Discord keeps them: {"POST /users/@me/channels": (limit, per seconds)}.
        self.rate_limits = dict(rate_limits or {})
        self._rate_buckets: dict[str, list[float]] = {}  # bucket → [window's reset (loop time), remaining]
        self.rate_limited: list[str] = []  # every 429 answered: "METHOD route (major parameter)"
        self.rate_accepted: dict[str, list[float]] = {}  # bucket → loop times of the requests it let through
        if any(not 500 <= status <= 599 for status in self.outage.values()):
            raise ValueError(f"an outage answers with a 5xx status, not {self.outage}")
        self.response_deadline = response_deadline
        self.attachment_size_limit = attachment_size_limit
        self.privileged_intents = privileged_intents
        self.heartbeat_interval = heartbeat_interval
        self.fast_identify = fast_identify
        self._auto_patch = patch
        for guild in self.guilds:
            if guild.owner_id is None:
                guild.owner_id = self.owner.id

        # Recordings.
        self.synced_commands: dict[int | None, list[dict[str, Any]]] = {}
        self.sync_calls: list[SyncCall] = []
        self.interactions: list[PushedInteraction] = []
        self.messages: list[SentMessage] = []
        self.sent: list[SentMessage] = []
        self.mention_log: list[MentionRecord] = []
        self.identifies: list[dict[str, Any]] = []
        self.presences: list[dict[str, Any]] = []
        self.requests: list[RecordedRequest] = []
        self.rejections: list[str] = []
        self.unhandled: list[str] = []
        self.errors: list[str] = []
        self._violations: list[Violation] = []

        self._interactions_by_id: dict[int, PushedInteraction] = {}
        self._interactions_by_token: dict[str, PushedInteraction] = {}
        self._messages_by_id: dict[int, SentMessage] = {}
        self._dm_channels: dict[int, int] = {}
        self._uploads: dict[str, UploadedFile] = {}
        self._sessions: list[_GatewaySession] = []
        self._shard_sessions: dict[int, _GatewaySession] = {}
        self._waiters: list[tuple[Callable[[], bool], asyncio.Future[None]]] = []
        self._bot_task: asyncio.Task[None] | None = None
        self._runner: web.AppRunner | None = None
        self._port: int | None = None
        self._exit_stack: contextlib.ExitStack | None = None
        self._joined_at = _now()

    # ---------------------------------------------------------------- lifecycle

    @property
    def port(self) -> int:
        """The TCP port the fake listens on (after ``start``)."""
        if self._port is None:
            raise RuntimeError("the loopback Discord is not started")
        return self._port

    @property
    def root(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_base(self) -> str:
        """What ``discord.http.Route.BASE`` is patched to."""
        return f"{self.root}{API_PREFIX}"

    @property
    def gateway_url(self) -> str:
        """The websocket URL of the gateway."""
        return f"ws://127.0.0.1:{self.port}/gateway"

    async def start(self) -> None:
        """Start serving on 127.0.0.1 on a free port."""
        if self._runner is not None:
            return
        app = web.Application(middlewares=[self._middleware], client_max_size=1024**3)
        self._add_routes(app)
        runner = web.AppRunner(app, handle_signals=False, access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        self._port = sock.getsockname()[1]
        site = web.SockSite(runner, sock)
        await site.start()
        self._runner = runner

    async def stop(self) -> None:
        """Close any gateway connection still open and stop the server."""
        for session in list(self._sessions):
            if not session.ws.closed:
                await session.ws.close(code=1001, message=b"loopback Discord stopping")
        for _, future in self._waiters:
            if not future.done():
                future.cancel()
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    async def __aenter__(self) -> LoopbackDiscord:
        await self.start()
        if self._auto_patch:
            self._exit_stack = contextlib.ExitStack()
            try:
                self._exit_stack.enter_context(self.patch_discord())
            except BaseException:
                await self.stop()
                raise
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        try:
            if self._exit_stack is not None:
                stack, self._exit_stack = self._exit_stack, None
                stack.close()
        finally:
            await self.stop()

    @contextlib.contextmanager
    def patch_discord(self) -> Iterator[None]:
        """Point discord.py at this fake (REST base, gateway URL, instant shard identify); undo on exit."""
        global _active_patch
        if _active_patch is not None and _active_patch is not self:
            raise RuntimeError("another LoopbackDiscord already patches discord.py")
        route_base = discord.http.Route.BASE
        gateway = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
        hook = discord.Client.__dict__["before_identify_hook"]
        _active_patch = self
        discord.http.Route.BASE = self.api_base
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(self.gateway_url)
        if self.fast_identify:
            discord.Client.before_identify_hook = _instant_identify  # type: ignore[method-assign]
        try:
            yield
        finally:
            discord.http.Route.BASE = route_base
            discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = gateway
            discord.Client.before_identify_hook = hook  # type: ignore[method-assign]
            _active_patch = None

    @contextlib.asynccontextmanager
    async def run(
        self, bot: discord.Client, *, token: str = "fake-token", timeout: float = 10.0
    ) -> AsyncIterator[discord.Client]:
        """Log ``bot`` in, connect it, wait for its ``on_ready``; on exit close it and wait for it to stop."""
        try:
            await bot.login(token)
        except BaseException:
            await bot.close()
            raise
        task = asyncio.create_task(bot.connect(reconnect=False), name="loopback-discord-bot")
        self._bot_task = task
        failed = False
        try:
            ready = asyncio.create_task(bot.wait_until_ready())
            done, _ = await asyncio.wait({ready, task}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
            if ready not in done:
                ready.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await ready
                if task in done:
                    task.result()
                    raise RuntimeError("the bot stopped before it became ready")
                raise LoopbackTimeout(f"the bot was not ready within {timeout:g}s")
            yield bot
        except BaseException:
            failed = True
            raise
        finally:
            self._bot_task = None
            await bot.close()
            try:
                await asyncio.wait_for(task, timeout)
            except Exception:
                if not failed:
                    raise

    def ready_shards(self) -> set[int]:
        """The shards that have a READY gateway session now (from any number of bot processes)."""
        return {
            shard
            for shard, session in self._shard_sessions.items()
            if session.ready and not session.ws.closed
        }

    async def wait_ready(self, timeout: float = 5.0) -> None:
        """Wait until every shard the bot asked for has identified and been sent READY and its guilds."""

        def all_ready() -> bool:
            ready = [s for s in self._sessions if s.ready]
            return bool(ready) and all(i in self._shard_sessions for i in range(ready[0].shard_count))

        await self.wait_until(all_ready, timeout=timeout, what="the gateway to be READY on every shard")

    # ---------------------------------------------------------------- waiting

    async def wait_until(
        self, predicate: Callable[[], bool], *, timeout: float = 5.0, what: str = "a condition"
    ) -> None:
        """Wait until ``predicate()`` holds (re-checked whenever the fake records something)."""
        if predicate():
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        entry = (predicate, future)
        self._waiters.append(entry)
        watched: set[asyncio.Future[Any]] = {future}
        bot_task = self._bot_task
        if bot_task is not None and not bot_task.done():
            watched.add(bot_task)
        try:
            done, _ = await asyncio.wait(watched, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        finally:
            self._waiters.remove(entry)
            if not future.done():
                future.cancel()
        if future in done:
            future.result()
            return
        if bot_task is not None and bot_task in done:
            error = None if bot_task.cancelled() else bot_task.exception()
            raise RuntimeError(f"the bot stopped while the test waited for {what}") from error
        raise LoopbackTimeout(f"timed out after {timeout:g}s waiting for {what}")

    def _notify(self) -> None:
        for predicate, future in list(self._waiters):
            if future.done():
                continue
            try:
                if predicate():
                    future.set_result(None)
            except Exception as exc:
                future.set_exception(exc)

    async def wait_for_message(
        self,
        predicate: Callable[[SentMessage], bool] | None = None,
        *,
        channel_id: int | None = None,
        count: int = 1,
        timeout: float = 5.0,
    ) -> list[SentMessage]:
        """Wait for ``count`` channel/DM messages (optionally in one channel, matching ``predicate``)."""

        def matching() -> list[SentMessage]:
            return [
                m
                for m in self.messages
                if (channel_id is None or m.channel_id == channel_id) and (predicate is None or predicate(m))
            ]

        await self.wait_until(
            lambda: len(matching()) >= count, timeout=timeout, what=f"{count} channel message(s)"
        )
        return matching()

    # ---------------------------------------------------------------- violations

    def _violation(self, kind: str, route: str, message: str, errors: dict[str, Any] | None = None) -> None:
        violation = Violation(kind, route, message, errors)
        log.warning("Discord rule broken: %s", violation)
        self._violations.append(violation)

    def _sweep_deadlines(self) -> None:
        if not self.interactions:
            return
        now = time.monotonic()
        for inter in self.interactions:
            if inter.deadline_flagged or inter.responses or now - inter.pushed_at <= self.response_deadline:
                continue
            inter.deadline_flagged = True
            self._violation(
                "no-response",
                f"interaction {inter.id}",
                f"no initial response within {self.response_deadline:g}s"
                f" (interaction type {inter.type} {inter.command_path})".replace(" )", ")"),
            )

    @property
    def violations(self) -> list[Violation]:
        """Every breach of Discord's rules so far (unanswered interactions count once overdue)."""
        self._sweep_deadlines()
        return self._violations

    def take_violations(self) -> list[Violation]:
        """Return the violations so far and clear them (for tests that provoke one on purpose)."""
        taken = list(self.violations)
        self._violations.clear()
        return taken

    def assert_clean(self) -> None:
        """Fail if the bot broke a rule, called an unknown route, or the fake itself hit a bug."""
        problems = [str(v) for v in self.violations]
        problems += [f"unhandled route: {u}" for u in self.unhandled]
        problems += [f"loopback error: {e}" for e in self.errors]
        if problems:
            raise AssertionError("loopback Discord saw problems:\n  " + "\n  ".join(problems))

    # ---------------------------------------------------------------- HTTP plumbing

    def _add_routes(self, app: web.Application) -> None:
        api = API_PREFIX
        app.router.add_get("/gateway", self._gateway)
        app.router.add_get("/attachments/{channel_id}/{attachment_id}/{filename}", self._get_attachment)
        routes: list[tuple[str, str, Callable[[web.Request], Any]]] = [
            ("GET", "/users/@me", self._get_me),
            ("POST", "/users/@me/channels", self._create_dm),
            ("GET", "/users/{user_id}", self._get_user),
            ("GET", "/oauth2/applications/@me", self._get_application),
            ("GET", "/applications/@me", self._get_application),
            ("GET", "/gateway", self._get_gateway),
            ("GET", "/gateway/bot", self._get_gateway_bot),
            ("GET", "/applications/{app_id}/commands", self._get_commands),
            ("PUT", "/applications/{app_id}/commands", self._put_commands),
            ("POST", "/applications/{app_id}/commands", self._post_command),
            ("GET", "/applications/{app_id}/guilds/{guild_id}/commands", self._get_commands),
            ("PUT", "/applications/{app_id}/guilds/{guild_id}/commands", self._put_commands),
            ("POST", "/applications/{app_id}/guilds/{guild_id}/commands", self._post_command),
            ("POST", "/interactions/{interaction_id}/{token}/callback", self._interaction_callback),
            ("POST", "/webhooks/{app_id}/{token}", self._webhook_execute),
            ("GET", "/webhooks/{app_id}/{token}/messages/{message_id}", self._webhook_message),
            ("PATCH", "/webhooks/{app_id}/{token}/messages/{message_id}", self._webhook_message),
            ("DELETE", "/webhooks/{app_id}/{token}/messages/{message_id}", self._webhook_message),
            ("GET", "/channels/{channel_id}", self._get_channel),
            ("POST", "/channels/{channel_id}/typing", self._typing),
            ("POST", "/channels/{channel_id}/messages", self._create_message),
            ("GET", "/channels/{channel_id}/messages/{message_id}", self._channel_message),
            ("PATCH", "/channels/{channel_id}/messages/{message_id}", self._channel_message),
            ("DELETE", "/channels/{channel_id}/messages/{message_id}", self._channel_message),
            ("GET", "/guilds/{guild_id}", self._get_guild),
            ("GET", "/guilds/{guild_id}/members/{user_id}", self._get_member),
        ]
        for method, path, handler in routes:
            app.router.add_route(method, api + path, handler)
        app.router.add_route("*", "/{tail:.*}", self._unknown_route)

    @web.middleware
    async def _middleware(
        self, request: web.Request, handler: Callable[[web.Request], Any]
    ) -> web.StreamResponse:
        record = RecordedRequest(
            request.method, request.path, request.query_string, agent=request.headers.get("User-Agent", "")
        )
        self.requests.append(record)
        token = request.match_info.get("token")
        path = request.path.replace(token, "{token}") if token else request.path
        route = f"{request.method} {path}"
        down = self.outage.get(f"{request.method} {request.path.removeprefix(API_PREFIX)}")
        if down is not None:  # an outage the test asked for: answered before anything else, as Discord does
            reason = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}.get(
                down, "Server Error"
            )
            record.status = down
            self._notify()  # a test may be waiting for the failures to add up
            return _json({"code": 0, "message": f"{down}: {reason}"}, status=down)
        try:
            if self._needs_auth(request.path) and not self._authorized(request):
                raise _Rejected(401, 0, "401: Unauthorized")
            limited = self._rate_limit(request)
            if limited is not None and limited.status == 429:
                record.status = 429
                return limited
            response = await handler(request)
            if limited is not None:
                response.headers.update(
                    {k: v for k, v in limited.headers.items() if k.startswith(("X-RateLimit", "Via"))}
                )
        except _Rejected as rejected:
            self.rejections.append(f"{route} → {rejected.status} {rejected.code} {rejected.message}")
            if rejected.kind is not None:
                self._violation(rejected.kind, route, rejected.detail or rejected.message, rejected.errors)
            self._notify()
            response = _json(rejected.body(), status=rejected.status)
        except web.HTTPException:
            raise
        except Exception as exc:
            # Never answer 5xx: discord.py retries those with sleeps. Record it as a bug in the fake.
            self.errors.append(f"{route}: {exc!r}\n{traceback.format_exc()}")
            log.exception("loopback Discord failed on %s", route)
            response = _json({"code": 0, "message": f"loopback Discord error: {exc!r}"}, status=400)
        record.status = response.status
        return response

    def _rate_limit(self, request: web.Request) -> web.Response | None:
        """Discord's per-route limit for a route the test limited: None for others.

        A request over the limit gets 429 with ``retry_after`` (seconds, a float) and ``global: false`` in
        its JSON body, and ``Retry-After``, ``X-RateLimit-*`` and ``Via`` headers (discord.py takes a 429
        without ``Via`` for a Cloudflare ban); one within it gets an empty response whose ``X-RateLimit-*``
        headers the caller adds to the real answer (discord.py waits before a bucket runs dry). Windows are
        fixed, as Discord's are, and the bucket is per route and major parameter (channel, guild, webhook).
        """
        resource = request.match_info.route.resource
        template = resource.canonical.removeprefix(API_PREFIX) if resource is not None else request.path
        limit = self.rate_limits.get(f"{request.method} {template}")
        if limit is None:
            return None
        allowed, per = limit
        major = next(
            (request.match_info[k] for k in ("channel_id", "guild_id", "app_id") if k in request.match_info),
            "",
        )
        bucket = f"{request.method} {template} {major}".strip()
        now = asyncio.get_running_loop().time()
        state = self._rate_buckets.get(bucket)
        if state is None or now >= state[0]:
            state = self._rate_buckets[bucket] = [now + per, float(allowed)]
        reset_after = max(0.0, state[0] - now)
        headers = {
            "X-RateLimit-Limit": str(allowed),
            "X-RateLimit-Reset": f"{time.time() + reset_after:.3f}",
            "X-RateLimit-Reset-After": f"{reset_after:.3f}",
            "X-RateLimit-Bucket": f"{abs(hash(template)) % 16**12:012x}",
            "Via": "1.1 google",
        }
        if state[1] <= 0:
            self.rate_limited.append(bucket)
            body = {
                "message": "You are being rate limited.",
                "retry_after": round(reset_after, 3),
                "global": False,
            }
            headers |= {
                "X-RateLimit-Remaining": "0",
                "X-RateLimit-Scope": "user",
                "Retry-After": str(max(1, int(reset_after + 0.999))),
            }
            limited = _json(body, status=429)
            limited.headers.update(headers)
            return limited
        state[1] -= 1
        self.rate_accepted.setdefault(bucket, []).append(now)
        return web.Response(headers={**headers, "X-RateLimit-Remaining": str(int(state[1]))})

    @staticmethod
    def _needs_auth(path: str) -> bool:
        if not path.startswith(API_PREFIX + "/"):
            return False
        rest = path[len(API_PREFIX) :]
        return not rest.startswith(("/interactions/", "/webhooks/"))

    def _token_ok(self, token: str | None) -> bool:
        return bool(token) and not self.invalid_token and (self.token is None or token == self.token)

    def _authorized(self, request: web.Request) -> bool:
        header = request.headers.get("Authorization", "")
        return header.startswith("Bot ") and self._token_ok(header[4:])

    async def _unknown_route(self, request: web.Request) -> web.Response:
        self.unhandled.append(f"{request.method} {request.path_qs}")
        raise _Rejected(404, 0, "404: Not Found")

    async def _read_body(self, request: web.Request) -> tuple[Any, list[UploadedFile]]:
        """The JSON body, or ``payload_json`` plus ``files[n]`` of a multipart/form-data body."""
        try:
            if request.content_type == "multipart/form-data":
                form = await request.post()
                raw = form.get("payload_json")
                if isinstance(raw, web.FileField):
                    raw = raw.file.read().decode()
                body = json.loads(raw) if raw else {}
                files: list[UploadedFile] = []
                for name, value in form.items():
                    match = re.fullmatch(r"files\[(\d+)\]", name)
                    if match and isinstance(value, web.FileField):
                        files.append(
                            UploadedFile(
                                filename=value.filename,
                                data=value.file.read(),
                                content_type=value.content_type,
                                index=int(match.group(1)),
                            )
                        )
                return body, files
            text = await request.text()
            return (json.loads(text) if text else {}), []
        except ValueError as exc:
            raise _Rejected(
                400, 50109, "The request body contains invalid JSON.", kind="invalid-json", detail=str(exc)
            ) from None

    def _check_app(self, request: web.Request) -> None:
        if request.match_info.get("app_id") != str(self.application_id):
            raise _Rejected(
                403,
                50001,
                "Missing Access",
                kind="wrong-application",
                detail=f"application id {request.match_info.get('app_id')} is not {self.application_id}",
            )

    # ---------------------------------------------------------------- identity and gateway info

    def _bot_user_payload(self) -> dict[str, Any]:
        data = self.bot_user.payload()
        data.update(bot=True, verified=True, mfa_enabled=False, locale="en-US", email=None)
        return data

    async def _get_me(self, request: web.Request) -> web.Response:
        return _json(self._bot_user_payload())

    async def _get_application(self, request: web.Request) -> web.Response:
        return _json(
            {
                "id": str(self.application_id),
                "name": self.bot_user.name,
                "icon": None,
                "description": "",
                "summary": "",
                "type": None,
                "bot": self.bot_user.payload(),
                "bot_public": True,
                "bot_require_code_grant": False,
                "verify_key": secrets.token_hex(32),
                "flags": (1 << 23) | (1 << 19) | (1 << 15),
                "owner": self.owner.payload(),
                "team": None,
                "redirect_uris": [],
                "interactions_endpoint_url": None,
                "approximate_guild_count": len(self.guilds),
                "integration_types_config": {"0": {}},
            }
        )

    async def _get_gateway(self, request: web.Request) -> web.Response:
        return _json({"url": self.gateway_url})

    async def _get_gateway_bot(self, request: web.Request) -> web.Response:
        return _json(
            {
                "url": self.gateway_url,
                "shards": self.shard_count,
                "session_start_limit": {
                    "total": 1000,
                    "remaining": 999,
                    "reset_after": 14_400_000,
                    "max_concurrency": self.max_concurrency,
                },
            }
        )

    # ---------------------------------------------------------------- gateway

    def shard_of(self, guild_id: int, shard_count: int | None = None) -> int:
        """Which shard a guild belongs to: ``(guild_id >> 22) % shard_count``."""
        count = shard_count or self._current_shard_count()
        return (guild_id >> 22) % count

    def _current_shard_count(self) -> int:
        for session in self._shard_sessions.values():
            return session.shard_count
        return self.shard_count

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=0)
        try:
            await ws.prepare(request)
        except ConnectionResetError:  # the client went away before the handshake's answer (a bot closing)
            return web.Response(status=499)  # not a fault of either side; aiohttp drops the connection
        session = _GatewaySession(ws)
        self._sessions.append(session)
        try:
            await session.send(
                {
                    "op": 10,
                    "s": None,
                    "t": None,
                    "d": {"heartbeat_interval": int(self.heartbeat_interval * 1000)},
                }
            )
            async for message in ws:
                if message.type is WSMsgType.TEXT:
                    try:
                        payload = json.loads(message.data)
                    except ValueError:
                        await ws.close(code=4002, message=b"Error while decoding payload.")
                        break
                    await self._on_gateway_payload(session, payload)
                elif message.type is WSMsgType.BINARY:
                    self.errors.append("the client sent a binary gateway frame (not supported)")
                    await ws.close(code=4002, message=b"Error while decoding payload.")
                    break
        except ConnectionResetError:
            pass  # the client went away while the fake was answering it
        except Exception as exc:
            self.errors.append(f"gateway: {exc!r}\n{traceback.format_exc()}")
        finally:
            if self._shard_sessions.get(session.shard_id) is session:
                del self._shard_sessions[session.shard_id]
            self._sessions.remove(session)
            self._notify()
        return ws

    async def _on_gateway_payload(self, session: _GatewaySession, payload: dict[str, Any]) -> None:
        op = payload.get("op")
        data = payload.get("d")
        if op == 1:
            await session.send({"op": 11, "s": None, "t": None, "d": None})
        elif op == 2:
            await self._on_identify(session, data or {})
        elif op == 3:
            self.presences.append(data)
            self._notify()
        elif op == 6:
            await session.send({"op": 9, "s": None, "t": None, "d": False})
        elif op == 8:
            await self._on_request_members(session, data or {})
        elif op == 4:
            pass
        else:
            self.errors.append(f"gateway: unexpected opcode {op}")

    async def _on_identify(self, session: _GatewaySession, data: dict[str, Any]) -> None:
        ws = session.ws
        if session.identify is not None:
            await ws.close(code=4005, message=b"Already authenticated.")
            return
        if not self._token_ok(data.get("token")):
            self.rejections.append("gateway IDENTIFY → 4004 Authentication failed.")
            await ws.close(code=4004, message=b"Authentication failed.")
            return
        shard = data.get("shard")
        if shard is not None:
            valid = (
                isinstance(shard, list)
                and len(shard) == 2
                and all(isinstance(x, int) for x in shard)
                and 0 <= shard[0] < shard[1]
            )
            if not valid:
                await ws.close(code=4010, message=b"Invalid shard.")
                return
        intents = data.get("intents")
        if not isinstance(intents, int):
            await ws.close(code=4013, message=b"Invalid intent(s).")
            return
        if intents & PRIVILEGED_INTENTS and not self.privileged_intents:
            await ws.close(code=4014, message=b"Disallowed intent(s).")
            return
        session.identify = data
        session.shard = (shard[0], shard[1]) if shard is not None else None
        session.intents = intents
        self.identifies.append({**data, "token": "<redacted>"})
        guilds = [g for g in self.guilds if self.shard_of(g.id, session.shard_count) == session.shard_id]
        ready: dict[str, Any] = {
            "v": 10,
            "user": self._bot_user_payload(),
            "guilds": [{"id": str(g.id), "unavailable": True} for g in guilds],
            "session_id": session.session_id,
            "session_type": "normal",
            "resume_gateway_url": self.gateway_url,
            "application": {"id": str(self.application_id), "flags": (1 << 23) | (1 << 19) | (1 << 15)},
            "private_channels": [],
            "presences": [],
            "relationships": [],
            "guild_join_requests": [],
            "geo_ordered_rtc_regions": ["us-west"],
            "user_settings": {},
            "auth": {},
        }
        if session.shard is not None:
            ready["shard"] = list(session.shard)
        await session.dispatch("READY", ready)
        for guild in guilds:
            await session.dispatch("GUILD_CREATE", self._guild_create_payload(guild, intents))
        session.ready = True
        self._shard_sessions[session.shard_id] = session
        self._notify()

    async def _on_request_members(self, session: _GatewaySession, data: dict[str, Any]) -> None:
        guild = self._guild(int(data.get("guild_id", 0)))
        if guild is None:
            return
        members = self._members_of(guild)
        query = data.get("query")
        wanted = {int(x) for x in data.get("user_ids") or []}
        if wanted:
            members = [u for u in members if u.id in wanted]
        elif query:
            members = [u for u in members if u.name.lower().startswith(str(query).lower())]
        limit = data.get("limit") or 0
        if limit:
            members = members[:limit]
        chunk: dict[str, Any] = {
            "guild_id": str(guild.id),
            "members": [self._member_payload(guild, u) for u in members],
            "chunk_index": 0,
            "chunk_count": 1,
            "not_found": [str(x) for x in wanted - {u.id for u in members}],
        }
        if data.get("nonce"):
            chunk["nonce"] = data["nonce"]
        await session.dispatch("GUILD_MEMBERS_CHUNK", chunk)

    async def dispatch(self, event: str, data: Any, *, guild_id: int | None = None) -> None:
        """Send a gateway DISPATCH to the shard of ``guild_id`` (shard 0 when None)."""
        session = self._session_for(guild_id)
        await session.dispatch(event, data)

    def _session_for(self, guild_id: int | None) -> _GatewaySession:
        shard_id = 0 if guild_id is None else self.shard_of(guild_id)
        session = self._shard_sessions.get(shard_id)
        if session is None or session.ws.closed:
            raise RuntimeError(
                f"no gateway session is READY on shard {shard_id}: start the bot with fake.run(bot) first"
            )
        return session

    # ---------------------------------------------------------------- the world as payloads

    def _guild(self, guild_id: int) -> FakeGuild | None:
        return next((g for g in self.guilds if g.id == guild_id), None)

    def _user(self, user_id: int) -> FakeUser | None:
        if user_id == self.bot_user.id:
            return self.bot_user
        return next((u for u in self.users if u.id == user_id), None)

    def _members_of(self, guild: FakeGuild) -> list[FakeUser]:
        if guild.member_ids is None:
            return list(self.users)
        return [u for u in self.users if u.id in guild.member_ids]

    def _member_payload(
        self, guild: FakeGuild, user: FakeUser, *, with_user: bool = True, permissions: int | None = None
    ) -> dict[str, Any]:
        data: dict[str, Any] = {
            "roles": [str(r) for r in guild.member_roles.get(user.id, [])],
            "nick": None,
            "avatar": None,
            "banner": None,
            "joined_at": _iso(self._joined_at),
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "pending": False,
            "flags": 0,
            "communication_disabled_until": None,
        }
        if with_user:
            data["user"] = user.payload()
        if permissions is not None:
            data["permissions"] = str(permissions)
        return data

    def _guild_create_payload(self, guild: FakeGuild, intents: int) -> dict[str, Any]:
        members = [self._member_payload(guild, self.bot_user)]
        if intents & INTENT_GUILD_MEMBERS:
            members += [self._member_payload(guild, u) for u in self._members_of(guild)]
        text = next((c for c in guild.channels if c.type == 0), None)
        return {
            "id": str(guild.id),
            "name": guild.name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "banner": None,
            "description": None,
            "owner_id": str(guild.owner_id),
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "nsfw_level": 0,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "premium_progress_bar_enabled": False,
            "preferred_locale": guild.locale,
            "features": list(guild.features),
            "system_channel_id": None if text is None else str(text.id),
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "public_updates_channel_id": None,
            "safety_alerts_channel_id": None,
            "vanity_url_code": None,
            "max_members": 500_000,
            "max_video_channel_users": 25,
            "max_stage_video_channel_users": 50,
            "roles": [guild.everyone_payload(), *(r.payload() for r in guild.roles)],
            "emojis": [],
            "stickers": [],
            "soundboard_sounds": [],
            "joined_at": _iso(self._joined_at),
            "large": False,
            "unavailable": False,
            "lazy": True,
            "member_count": len(self._members_of(guild)) + 1,
            "members": members,
            "channels": [c.payload(guild.id) for c in guild.channels],
            "threads": [],
            "presences": [],
            "voice_states": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "embedded_activities": [],
            "application_command_counts": {},
        }

    def dm_channel_id(self, user: FakeUser | int) -> int:
        """The id of the DM channel between the bot and ``user`` (created on first use)."""
        user_id = user.id if isinstance(user, FakeUser) else int(user)
        if user_id not in self._dm_channels:
            self._dm_channels[user_id] = new_snowflake()
        return self._dm_channels[user_id]

    def _dm_payload(self, user: FakeUser) -> dict[str, Any]:
        return {
            "id": str(self.dm_channel_id(user)),
            "type": 1,
            "last_message_id": None,
            "flags": 0,
            "recipients": [user.payload()],
        }

    def _locate_channel(
        self, channel_id: int
    ) -> tuple[FakeGuild | None, FakeChannel | None, FakeUser | None]:
        """(guild, channel, None) for a guild channel; (None, None, user) for a DM; all None if unknown."""
        for guild in self.guilds:
            channel = guild.channel(channel_id)
            if channel is not None:
                return guild, channel, None
        for user_id, dm_id in self._dm_channels.items():
            if dm_id == channel_id:
                return None, None, self._user(user_id)
        return None, None, None

    def dms_to(self, user: FakeUser | int) -> list[SentMessage]:
        """The DMs the bot sent to ``user``."""
        user_id = user.id if isinstance(user, FakeUser) else int(user)
        channel_id = self._dm_channels.get(user_id)
        return [m for m in self.messages if m.channel_id == channel_id]

    # ---------------------------------------------------------------- REST: users, channels, guilds

    async def _get_user(self, request: web.Request) -> web.Response:
        user = self._user(int(request.match_info["user_id"]))
        if user is None:
            raise _Rejected(404, 10013, "Unknown User")
        return _json(user.payload())

    async def _create_dm(self, request: web.Request) -> web.Response:
        body, _ = await self._read_body(request)
        user = self._user(int(body.get("recipient_id", 0)))
        if user is None:
            raise _Rejected(404, 10013, "Unknown User")
        return _json(self._dm_payload(user))

    async def _get_channel(self, request: web.Request) -> web.Response:
        guild, channel, user = self._locate_channel(int(request.match_info["channel_id"]))
        if guild is not None and channel is not None:
            return _json(channel.payload(guild.id))
        if user is not None:
            return _json(self._dm_payload(user))
        raise _Rejected(404, 10003, "Unknown Channel")

    async def _typing(self, request: web.Request) -> web.Response:
        _, channel, user = self._locate_channel(int(request.match_info["channel_id"]))
        if channel is None and user is None:
            raise _Rejected(404, 10003, "Unknown Channel")
        return web.Response(status=204)

    async def _get_guild(self, request: web.Request) -> web.Response:
        guild = self._guild(int(request.match_info["guild_id"]))
        if guild is None:
            raise _Rejected(404, 10004, "Unknown Guild")
        data = self._guild_create_payload(guild, 0)
        for key in (
            "members",
            "channels",
            "threads",
            "presences",
            "voice_states",
            "joined_at",
            "large",
            "member_count",
        ):
            data.pop(key, None)
        return _json(data)

    async def _get_member(self, request: web.Request) -> web.Response:
        guild = self._guild(int(request.match_info["guild_id"]))
        if guild is None:
            raise _Rejected(404, 10004, "Unknown Guild")
        user_id = int(request.match_info["user_id"])
        user = (
            self.bot_user
            if user_id == self.bot_user.id
            else next((u for u in self._members_of(guild) if u.id == user_id), None)
        )
        if user is None:
            raise _Rejected(404, 10007, "Unknown Member")
        return _json(self._member_payload(guild, user))

    async def _get_attachment(self, request: web.Request) -> web.Response:
        upload = self._uploads.get(request.match_info["attachment_id"])
        if upload is None:
            raise _Rejected(404, 0, "404: Not Found")
        return web.Response(body=upload.data, content_type=upload.content_type or "application/octet-stream")

    # ---------------------------------------------------------------- REST: commands

    def _scope(self, request: web.Request) -> int | None:
        self._check_app(request)
        raw = request.match_info.get("guild_id")
        if raw is None:
            return None
        guild_id = int(raw)
        if self._guild(guild_id) is None:
            raise _Rejected(404, 10004, "Unknown Guild")
        return guild_id

    def _store_commands(self, scope: int | None, payload: list[dict[str, Any]]) -> list[dict[str, Any]]:
        previous = {(c.get("type", 1), c["name"]): c for c in self.synced_commands.get(scope, [])}
        stored: list[dict[str, Any]] = []
        for command in payload:
            entry = copy.deepcopy(command)
            entry.setdefault("type", 1)
            old = previous.get((entry["type"], entry["name"]))
            entry["id"] = old["id"] if old else str(new_snowflake())
            entry["application_id"] = str(self.application_id)
            entry["version"] = str(new_snowflake())
            entry.setdefault("description", "")
            entry.setdefault("default_member_permissions", None)
            entry.setdefault("nsfw", False)
            if scope is not None:
                entry["guild_id"] = str(scope)
            else:
                entry.setdefault("dm_permission", True)
                entry.setdefault("contexts", None)
                entry.setdefault("integration_types", [0])
            stored.append(entry)
        return stored

    async def _get_commands(self, request: web.Request) -> web.Response:
        return _json(self.synced_commands.get(self._scope(request), []))

    async def _put_commands(self, request: web.Request) -> web.Response:
        scope = self._scope(request)
        payload, _ = await self._read_body(request)
        problems = check_commands(payload)
        self.sync_calls.append(SyncCall(scope, payload if isinstance(payload, list) else [], not problems))
        if problems:
            raise _invalid_form(problems, "command-sync")
        self.synced_commands[scope] = self._store_commands(scope, payload)
        self._notify()
        return _json(self.synced_commands[scope])

    async def _post_command(self, request: web.Request) -> web.Response:
        scope = self._scope(request)
        command, _ = await self._read_body(request)
        problems = check_commands([command])
        if problems:
            raise _invalid_form([p._replace(path=p.path[1:]) for p in problems], "command-sync")
        existing = self.synced_commands.get(scope, [])
        key = (command.get("type", 1), command.get("name"))
        others = [c for c in existing if (c.get("type", 1), c["name"]) != key]
        if len(others) == len(existing):
            counts = sum(1 for c in existing if c.get("type", 1) == key[0])
            if counts >= _COMMAND_LIMITS.get(key[0], 100):
                raise _Rejected(
                    400, 30032, "Maximum number of application commands reached", kind="command-sync"
                )
        stored = self._store_commands(scope, [*existing, command])
        self.synced_commands[scope] = stored
        self._notify()
        created = next(c for c in stored if (c["type"], c["name"]) == key)
        return _json(created, status=201 if len(others) == len(existing) else 200)

    def adopt_tree(
        self, tree: discord.app_commands.CommandTree[Any], *, guild: FakeGuild | int | None = None
    ) -> list[dict[str, Any]]:
        """Record ``tree``'s commands as already synced (for a bot that does not sync on start)."""
        scope = guild.id if isinstance(guild, FakeGuild) else guild
        target = None if scope is None else discord.Object(id=scope)
        payload = [command.to_dict(tree) for command in tree.get_commands(guild=target)]
        problems = check_commands(payload)
        if problems:
            raise ValueError("the tree breaks Discord's command limits: " + "; ".join(map(str, problems)))
        self.synced_commands[scope] = self._store_commands(scope, payload)
        return self.synced_commands[scope]

    def command(self, path: str, *, guild: FakeGuild | int | None = None) -> dict[str, Any]:
        """The synced definition at ``path`` ("team" or "team show"), guild scope first, then global."""
        top, _, leaf, _ = self._find_command(path, guild.id if isinstance(guild, FakeGuild) else guild)
        return leaf if leaf is not None else top

    def _find_command(
        self, path: str, guild_id: int | None
    ) -> tuple[dict[str, Any], int | None, dict[str, Any] | None, list[str]]:
        """(top-level command, its scope, the leaf sub-command or None, the path's names)."""
        names = path.split()
        if not names:
            raise ValueError("an empty command path")
        scopes: list[int | None] = [guild_id, None] if guild_id is not None else [None]
        for scope in scopes:
            for command in self.synced_commands.get(scope, []):
                if command.get("type", 1) == 1 and command["name"] == names[0]:
                    node: dict[str, Any] = command
                    leaf: dict[str, Any] | None = None
                    for name in names[1:]:
                        child = next(
                            (
                                o
                                for o in node.get("options") or []
                                if o.get("type") in (1, 2) and o["name"] == name
                            ),
                            None,
                        )
                        if child is None:
                            raise ValueError(f"/{path}: {name!r} is not a sub-command of /{command['name']}")
                        node = leaf = child
                    if any(o.get("type") in (1, 2) for o in node.get("options") or []):
                        raise ValueError(f"/{path} is a group; name one of its sub-commands")
                    return command, scope, leaf, names
        known = sorted({c["name"] for s in scopes for c in self.synced_commands.get(s, [])})
        raise ValueError(
            f"/{names[0]} was never synced (synced: {known}); sync it or use fake.adopt_tree(tree)"
        )

    # ---------------------------------------------------------------- pushing interactions

    def _pick_user(self, user: Any) -> FakeUser:
        if user is None:
            if not self.users:
                raise ValueError("the fake has no users")
            return self.users[0]
        if isinstance(user, FakeUser):
            return user
        found = self._user(int(getattr(user, "id", user)))
        if found is None:
            raise ValueError(f"unknown user {user!r}")
        return found

    def _pick_guild(self, guild: Any) -> FakeGuild | None:
        if guild is _DEFAULT:
            return self.guilds[0] if self.guilds else None
        if guild is None:
            return None
        if isinstance(guild, FakeGuild):
            return guild
        found = self._guild(int(getattr(guild, "id", guild)))
        if found is None:
            raise ValueError(f"unknown guild {guild!r}")
        return found

    def _pick_channel(self, guild: FakeGuild | None, channel: Any, user: FakeUser) -> int:
        if guild is None:
            return self.dm_channel_id(user)
        if channel is None:
            found = next((c for c in guild.channels if c.type in (0, 5)), None)
            if found is None:
                raise ValueError(f"guild {guild.name!r} has no text channel")
            return found.id
        channel_id = channel.id if isinstance(channel, FakeChannel) else int(getattr(channel, "id", channel))
        if guild.channel(channel_id) is None:
            raise ValueError(f"channel {channel_id} is not in guild {guild.name!r}")
        return channel_id

    def _interaction_payload(
        self,
        kind: int,
        data: dict[str, Any],
        *,
        user: FakeUser,
        guild: FakeGuild | None,
        channel_id: int,
        locale: str,
        permissions: int | None,
        app_permissions: int | None,
        message: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "id": str(new_snowflake()),
            "application_id": str(self.application_id),
            "type": kind,
            "token": "aW50ZXJhY3Rpb246" + secrets.token_urlsafe(64),
            "version": 1,
            "data": data,
            "locale": locale,
            "app_permissions": str(DEFAULT_PERMISSIONS if app_permissions is None else app_permissions),
            "entitlements": [],
            "entitlement_sku_ids": [],
            "attachment_size_limit": self.attachment_size_limit,
        }
        if guild is not None:
            perms = guild.permissions_for(user.id) if permissions is None else permissions
            channel = guild.channel(channel_id)
            assert channel is not None
            payload.update(
                guild_id=str(guild.id),
                guild={"id": str(guild.id), "locale": guild.locale, "features": list(guild.features)},
                guild_locale=guild.locale,
                member=self._member_payload(guild, user, permissions=perms),
                channel_id=str(channel_id),
                channel=channel.payload(guild.id, permissions=perms),
                authorizing_integration_owners={"0": str(guild.id)},
                context=0,
            )
        else:
            payload.update(
                user=user.payload(),
                channel_id=str(channel_id),
                channel=self._dm_payload(user),
                authorizing_integration_owners={"0": "0"},
                context=1,
            )
        if message is not None:
            payload["message"] = message
        return payload

    async def push_interaction(
        self,
        payload: dict[str, Any],
        *,
        user: FakeUser,
        guild: FakeGuild | None,
        channel_id: int,
        command: dict[str, Any] | None = None,
        command_path: str = "",
        focused_type: int | None = None,
        target: SentMessage | None = None,
    ) -> PushedInteraction:
        """Push a ready-made INTERACTION_CREATE payload to the shard of its guild; return its record."""
        session = self._session_for(guild.id if guild is not None else None)
        inter = PushedInteraction(
            id=int(payload["id"]),
            token=payload["token"],
            type=payload["type"],
            payload=payload,
            shard_id=session.shard_id,
            pushed_at=time.monotonic(),
            user=user,
            guild=guild,
            channel_id=channel_id,
            command=command,
            command_path=command_path,
            focused_type=focused_type,
            target=target,
        )
        self.interactions.append(inter)
        self._interactions_by_id[inter.id] = inter
        self._interactions_by_token[inter.token] = inter
        await session.dispatch("INTERACTION_CREATE", payload)
        return inter

    async def redeliver(self, inter: PushedInteraction) -> None:
        """Dispatch ``inter`` to the bot again, as the gateway may deliver an event twice (a replay).

        It stays one interaction: one initial response in all, on the same token, recorded on ``inter``.
        """
        session = self._session_for(inter.guild.id if inter.guild is not None else None)
        await session.dispatch("INTERACTION_CREATE", inter.payload)

    async def response_to(
        self, inter: PushedInteraction, *, followups: int = 0, timeout: float = 5.0
    ) -> InteractionResponse:
        """Wait for the bot's initial response to ``inter`` (and ``followups`` follow-ups); return it."""
        try:
            await self.wait_until(
                lambda: bool(inter.responses),
                timeout=timeout,
                what=f"a response to interaction {inter.id} {inter.command_path}".rstrip(),
            )
        except LoopbackTimeout:
            self._sweep_deadlines()
            raise
        response = inter.responses[0]
        if followups:
            await response.wait_followups(followups, timeout=timeout)
        return response

    @staticmethod
    def _is_role(value: Any, guild: FakeGuild | None) -> bool:
        if isinstance(value, FakeRole):
            return True
        if isinstance(value, FakeUser) or guild is None:
            return False
        raw = int(getattr(value, "id", value))
        return raw == guild.id or any(r.id == raw for r in guild.roles)

    def _resolve_value(
        self, option: dict[str, Any], value: Any, guild: FakeGuild | None, resolved: dict[str, dict[str, Any]]
    ) -> Any:
        """The wire value of one option, filling ``resolved`` for users, channels, roles, attachments."""
        name, kind = option["name"], option["type"]
        where = f"option {name!r}"
        if kind == 3:
            if not isinstance(value, str):
                raise ValueError(f"{where} is a string option, got {value!r}")
            if "min_length" in option and len(value) < option["min_length"]:
                raise ValueError(f"{where} is shorter than {option['min_length']}")
            if "max_length" in option and len(value) > option["max_length"]:
                raise ValueError(f"{where} is longer than {option['max_length']}")
        elif kind == 4:
            if not isinstance(value, int) or isinstance(value, bool):
                raise ValueError(f"{where} is an integer option, got {value!r}")
        elif kind == 10:
            if not isinstance(value, int | float) or isinstance(value, bool):
                raise ValueError(f"{where} is a number option, got {value!r}")
            value = float(value)
        elif kind == 5:
            if not isinstance(value, bool):
                raise ValueError(f"{where} is a boolean option, got {value!r}")
        elif kind == 6 or (kind == 9 and not self._is_role(value, guild)):
            user = self._pick_user(value)
            resolved.setdefault("users", {})[str(user.id)] = user.payload()
            if guild is not None and (user is self.bot_user or user in self._members_of(guild)):
                member = self._member_payload(
                    guild, user, with_user=False, permissions=guild.permissions_for(user.id)
                )
                resolved.setdefault("members", {})[str(user.id)] = member
            return str(user.id)
        elif kind in (8, 9):
            if guild is None:
                raise ValueError(f"{where}: roles exist only in guilds")
            role_id = value.id if isinstance(value, FakeRole) else int(value)
            roles = {guild.id: guild.everyone_payload(), **{r.id: r.payload() for r in guild.roles}}
            if role_id not in roles:
                raise ValueError(f"{where}: role {role_id} is not in guild {guild.name!r}")
            resolved.setdefault("roles", {})[str(role_id)] = roles[role_id]
            return str(role_id)
        elif kind == 7:
            if guild is None:
                raise ValueError(f"{where}: channel options need a guild")
            channel_id = value.id if isinstance(value, FakeChannel) else int(value)
            channel = guild.channel(channel_id)
            if channel is None:
                raise ValueError(f"{where}: channel {channel_id} is not in guild {guild.name!r}")
            if option.get("channel_types") and channel.type not in option["channel_types"]:
                raise ValueError(
                    f"{where}: channel type {channel.type} is not one of {option['channel_types']}"
                )
            payload = channel.payload(guild.id, permissions=guild.everyone_permissions)
            resolved.setdefault("channels", {})[str(channel.id)] = payload
            return str(channel.id)
        elif kind == 11:
            if not isinstance(value, UploadedFile):
                raise ValueError(f"{where} is an attachment option; pass an UploadedFile")
            attachment_id = new_snowflake()
            resolved.setdefault("attachments", {})[str(attachment_id)] = {
                "id": str(attachment_id),
                "filename": value.filename,
                "size": value.size,
                "url": f"{self.root}/attachments/0/{attachment_id}/{value.filename}",
                "proxy_url": f"{self.root}/attachments/0/{attachment_id}/{value.filename}",
                "content_type": value.content_type or "application/octet-stream",
                "ephemeral": True,
            }
            self._uploads[str(attachment_id)] = value  # served at its URL, as Discord's CDN serves it
            return str(attachment_id)
        else:
            raise ValueError(f"{where} has unsupported type {kind}")
        if kind in (3, 4, 10):
            choices = option.get("choices")
            if choices and value not in [c["value"] for c in choices]:
                raise ValueError(
                    f"{where}: {value!r} is not one of its choices {[c['value'] for c in choices]}"
                )
            if kind != 3:
                if "min_value" in option and value < option["min_value"]:
                    raise ValueError(f"{where}: {value!r} is below {option['min_value']}")
                if "max_value" in option and value > option["max_value"]:
                    raise ValueError(f"{where}: {value!r} is above {option['max_value']}")
        return value

    def _command_data(
        self,
        path: str,
        options: Mapping[str, Any] | None,
        guild: FakeGuild | None,
        *,
        focused: str | None = None,
        focused_value: str = "",
    ) -> tuple[dict[str, Any], dict[str, Any], int | None]:
        """The ``data`` of a slash-command (or autocomplete) interaction, typed by the synced definition."""
        top, scope, leaf, names = self._find_command(path, guild.id if guild else None)
        definitions: list[dict[str, Any]] = (leaf or top).get("options") or []
        given = dict(options or {})
        known = {o["name"]: o for o in definitions}
        for name in [*given, *([focused] if focused else [])]:
            if name not in known:
                raise ValueError(f"/{path} has no option {name!r} (it has {sorted(known)})")
        resolved: dict[str, dict[str, Any]] = {}
        built: list[dict[str, Any]] = []
        focused_type: int | None = None
        for option in definitions:
            name = option["name"]
            if name == focused:
                if not option.get("autocomplete"):
                    raise ValueError(f"/{path} option {name!r} does not autocomplete")
                focused_type = option["type"]
                built.append(
                    {"type": option["type"], "name": name, "value": str(focused_value), "focused": True}
                )
            elif name in given:
                wire = self._resolve_value(option, given[name], guild, resolved)
                built.append({"type": option["type"], "name": name, "value": wire})
            elif option.get("required") and focused is None:
                raise ValueError(f"/{path} needs its required option {name!r}")
        nested = built
        node = top
        chain: list[dict[str, Any]] = []
        for name in names[1:]:
            node = next(o for o in node.get("options") or [] if o["name"] == name)
            chain.append(node)
        for node in reversed(chain):
            nested = [{"type": node["type"], "name": node["name"], "options": nested}]
        data: dict[str, Any] = {"id": top["id"], "name": top["name"], "type": 1, "options": nested}
        if scope is not None:
            data["guild_id"] = str(scope)
        if resolved:
            data["resolved"] = resolved
        return data, top, focused_type

    async def push_slash(
        self,
        path: str,
        options: Mapping[str, Any] | None = None,
        *,
        user: Any = None,
        guild: Any = _DEFAULT,
        channel: Any = None,
        locale: str = "en-US",
        permissions: int | None = None,
        app_permissions: int | None = None,
        forged: Mapping[str, Any] | None = None,
    ) -> PushedInteraction:
        """Push a slash-command interaction without waiting for the answer.

        ``forged`` replaces option values after they were typed and checked against the synced definition,
        as a client that forges its interaction could (Discord's own client enforces types and limits; a
        bot must not rely on it); a forged value of ``ABSENT`` leaves the option out, required or not.
        """
        forged = forged or {}
        who = self._pick_user(user)
        where = self._pick_guild(guild)
        channel_id = self._pick_channel(where, channel, who)
        data, top, _ = self._command_data(path, options, where)
        leaves = _leaf_options(data)
        for option in list(leaves):  # what a forged interaction carries: nothing checked it
            if forged.get(option["name"], None) is ABSENT:
                leaves.remove(option)  # even a required option
            elif option["name"] in forged:
                option["value"] = forged[option["name"]]
        payload = self._interaction_payload(
            APPLICATION_COMMAND,
            data,
            user=who,
            guild=where,
            channel_id=channel_id,
            locale=locale,
            permissions=permissions,
            app_permissions=app_permissions,
        )
        return await self.push_interaction(
            payload, user=who, guild=where, channel_id=channel_id, command=top, command_path=path
        )

    async def slash(
        self,
        path: str,
        options: Mapping[str, Any] | None = None,
        *,
        user: Any = None,
        guild: Any = _DEFAULT,
        channel: Any = None,
        locale: str = "en-US",
        permissions: int | None = None,
        app_permissions: int | None = None,
        followups: int = 0,
        timeout: float = 5.0,
        forged: Mapping[str, Any] | None = None,
    ) -> InteractionResponse:
        """Invoke ``/path`` with ``options`` as ``user`` in ``guild`` (None = a DM) and return the answer.

        Option values are typed against the synced definition: str, int, float, bool, a FakeUser / user
        id, a FakeChannel / channel id, a FakeRole / role id, or an UploadedFile.
        """
        inter = await self.push_slash(
            path,
            options,
            user=user,
            guild=guild,
            channel=channel,
            locale=locale,
            permissions=permissions,
            app_permissions=app_permissions,
            forged=forged,
        )
        return await self.response_to(inter, followups=followups, timeout=timeout)

    async def push_autocomplete(
        self,
        path: str,
        focused: str,
        value: str = "",
        options: Mapping[str, Any] | None = None,
        *,
        user: Any = None,
        guild: Any = _DEFAULT,
        channel: Any = None,
        locale: str = "en-US",
        tamper: Callable[[dict[str, Any]], None] | None = None,
    ) -> PushedInteraction:
        """Push an autocomplete interaction (``focused`` being typed as ``value``) without waiting.

        ``tamper`` is called with the interaction's ``data`` once it was built and checked against the synced
        definition, to change it as a modified client could (rename the command, move or drop the focus):
        the bot must still answer with choices (type 8), never with a message.
        """
        who = self._pick_user(user)
        where = self._pick_guild(guild)
        channel_id = self._pick_channel(where, channel, who)
        data, top, focused_type = self._command_data(
            path, options, where, focused=focused, focused_value=value
        )
        if tamper is not None:
            tamper(data)
        payload = self._interaction_payload(
            AUTOCOMPLETE,
            data,
            user=who,
            guild=where,
            channel_id=channel_id,
            locale=locale,
            permissions=None,
            app_permissions=None,
        )
        return await self.push_interaction(
            payload,
            user=who,
            guild=where,
            channel_id=channel_id,
            command=top,
            command_path=path,
            focused_type=focused_type,
        )

    async def autocomplete(
        self,
        path: str,
        focused: str,
        value: str = "",
        options: Mapping[str, Any] | None = None,
        *,
        user: Any = None,
        guild: Any = _DEFAULT,
        channel: Any = None,
        locale: str = "en-US",
        timeout: float = 5.0,
        tamper: Callable[[dict[str, Any]], None] | None = None,
    ) -> list[dict[str, Any]]:
        """Type ``value`` into option ``focused`` of ``/path``; return the choices the bot offered."""
        inter = await self.push_autocomplete(
            path,
            focused,
            value,
            options,
            user=user,
            guild=guild,
            channel=channel,
            locale=locale,
            tamper=tamper,
        )
        response = await self.response_to(inter, timeout=timeout)
        return response.choices

    async def push_press(
        self,
        message: SentMessage | InteractionResponse,
        custom_id: str,
        values: Sequence[str] | None = None,
        *,
        user: Any = None,
        locale: str = "en-US",
        forged: Mapping[str, Any] | None = None,
    ) -> PushedInteraction:
        """Push a component interaction (button click or select choice) without waiting.

        ``forged`` (a mapping, possibly empty) sends the press although Discord's client would not: the
        component may be missing from the message or disabled, and the values need not be offered or
        counted right; its entries then replace fields of the interaction's ``data`` (``custom_id``,
        ``values``, ``component_type``), e.g. ``{"values": []}``.  A press on a missing component goes out
        as a button unless ``values`` or ``component_type`` say otherwise.  Discord documents no promise
        that its servers refuse such presses, so a bot must answer them sensibly.
        """
        target = message.message if isinstance(message, InteractionResponse) else message
        if target is None:
            raise ValueError("that response created no message to press on")
        if target.deleted:
            raise ValueError(f"message {target.id} was deleted")
        component = target.find_component(custom_id)
        if forged is not None:
            select = values is not None or "values" in forged
            sent: dict[str, Any] = {
                "custom_id": custom_id,
                "component_type": (component or {}).get("type", 3 if select else 2),
            }
            if values is not None:
                sent["values"] = list(values)
            sent.update(forged)
            return await self._push_component(target, sent, user=user, locale=locale)
        if component is None:
            raise ValueError(
                f"message {target.id} has no component {custom_id!r} (it has {target.custom_ids})"
            )
        if component.get("disabled"):
            raise ValueError(f"component {custom_id!r} is disabled")
        kind = component.get("type")
        data: dict[str, Any] = {"custom_id": custom_id, "component_type": kind}
        if kind == 2:
            if values is not None:
                raise ValueError(f"{custom_id!r} is a button; it takes no values")
        elif kind == 3:
            if values is None:
                raise ValueError(f"{custom_id!r} is a select; pass values=[...]")
            offered = [o.get("value") for o in component.get("options") or []]
            unknown = [v for v in values if v not in offered]
            if unknown:
                raise ValueError(f"{custom_id!r} does not offer {unknown} (it offers {offered})")
            low, high = component.get("min_values", 1), component.get("max_values", 1)
            if not low <= len(values) <= high:
                raise ValueError(f"{custom_id!r} takes {low}–{high} values, got {len(values)}")
            data["values"] = list(values)
        else:
            raise NotImplementedError(f"pressing component type {kind} is not supported")
        return await self._push_component(target, data, user=user, locale=locale)

    async def _push_component(
        self, target: SentMessage, data: dict[str, Any], *, user: Any, locale: str
    ) -> PushedInteraction:
        inter_user = target.interaction.user if user is None and target.interaction is not None else None
        who = inter_user or self._pick_user(user)
        guild, _, _ = self._locate_channel(target.channel_id)
        payload = self._interaction_payload(
            MESSAGE_COMPONENT,
            data,
            user=who,
            guild=guild,
            channel_id=target.channel_id,
            locale=locale,
            permissions=None,
            app_permissions=None,
            message=target.payload(),
        )
        return await self.push_interaction(
            payload, user=who, guild=guild, channel_id=target.channel_id, target=target
        )

    async def press(
        self,
        message: SentMessage | InteractionResponse,
        custom_id: str,
        values: Sequence[str] | None = None,
        *,
        user: Any = None,
        locale: str = "en-US",
        followups: int = 0,
        timeout: float = 5.0,
        forged: Mapping[str, Any] | None = None,
    ) -> InteractionResponse:
        """Click button ``custom_id`` (or choose ``values`` in that select) ; return the answer."""
        inter = await self.push_press(message, custom_id, values, user=user, locale=locale, forged=forged)
        return await self.response_to(inter, followups=followups, timeout=timeout)

    async def submit_modal(
        self,
        response: InteractionResponse,
        values: Mapping[str, str],
        *,
        user: Any = None,
        locale: str = "en-US",
        followups: int = 0,
        timeout: float = 5.0,
    ) -> InteractionResponse:
        """Fill in and submit the modal the bot opened with ``response`` (type 9); return the answer.

        ``values`` replace what fields hold; a field not named keeps its pre-filled ``value``, as in Discord.
        """
        if response.type != 9 or not response.accepted:
            raise ValueError("that response did not open a modal")
        modal = response.data
        remaining = dict(values)
        submitted: list[dict[str, Any]] = []

        def text_input(component: dict[str, Any]) -> dict[str, Any]:
            custom_id = component["custom_id"]
            # A field the user leaves alone is submitted with the text it was opened with (its `value`).
            text = remaining.pop(custom_id, str(component.get("value") or ""))
            required = component.get("required", True)
            if required and not text:
                raise ValueError(f"modal field {custom_id!r} is required")
            low, high = component.get("min_length", 0), component.get("max_length", 4000)
            if text and not low <= len(text) <= high:
                raise ValueError(f"modal field {custom_id!r} must be {low}–{high} characters long")
            return {"type": 4, "custom_id": custom_id, "value": text}

        for component in modal.get("components") or []:
            if component.get("type") == 1:
                inputs = [text_input(c) for c in component.get("components") or [] if c.get("type") == 4]
                submitted.append({"type": 1, "components": inputs})
            elif component.get("type") == 18 and (component.get("component") or {}).get("type") == 4:
                submitted.append({"type": 18, "component": text_input(component["component"])})
        if remaining:
            raise ValueError(f"the modal has no fields {sorted(remaining)}")
        source = response.interaction
        who = self._pick_user(user) if user is not None else source.user
        data = {"custom_id": modal["custom_id"], "components": submitted}
        message = source.target.payload() if source.target is not None else None
        payload = self._interaction_payload(
            MODAL_SUBMIT,
            data,
            user=who,
            guild=source.guild,
            channel_id=source.channel_id,
            locale=locale,
            permissions=None,
            app_permissions=None,
            message=message,
        )
        inter = await self.push_interaction(
            payload, user=who, guild=source.guild, channel_id=source.channel_id, target=source.target
        )
        return await self.response_to(inter, followups=followups, timeout=timeout)

    # ---------------------------------------------------------------- messages

    def _attachments_for(
        self,
        message: SentMessage,
        data: Mapping[str, Any],
        files: list[UploadedFile],
        *,
        keep: list[dict[str, Any]],
    ) -> None:
        """Apply ``data['attachments']`` and uploaded ``files`` to ``message``."""
        by_index = {f.index: f for f in files}
        listed = data.get("attachments")
        result: list[dict[str, Any]] = []
        uploads: list[UploadedFile] = []
        if listed is None:
            result = list(keep)
            pairs = [(f, None) for f in files]
        else:
            existing = {a["id"]: a for a in keep}
            pairs = []
            for entry in listed:
                raw_id = str(entry.get("id"))
                if raw_id in existing:
                    result.append(existing[raw_id])
                elif raw_id.isdigit() and int(raw_id) in by_index:
                    pairs.append((by_index[int(raw_id)], entry))
        for upload, entry in pairs:
            if entry is not None and entry.get("description"):
                upload.description = entry["description"]
            attachment_id = str(new_snowflake())
            url = f"{self.root}/attachments/{message.channel_id}/{attachment_id}/{upload.filename}"
            attachment = {
                "id": attachment_id,
                "filename": upload.filename,
                "size": upload.size,
                "url": url,
                "proxy_url": url,
                "content_type": upload.content_type or "application/octet-stream",
            }
            if upload.description:
                attachment["description"] = upload.description
            self._uploads[attachment_id] = upload
            result.append(attachment)
            uploads.append(upload)
        message.attachments = result
        message.files = [
            *[f for f in message.files if any(a["filename"] == f.filename for a in result)],
            *uploads,
        ]

    def _create_sent(
        self,
        *,
        source: str,
        channel_id: int,
        data: Mapping[str, Any],
        files: list[UploadedFile],
        interaction: PushedInteraction | None,
        message_type: int = 0,
        extra_flags: int = 0,
    ) -> SentMessage:
        guild, _, _ = self._locate_channel(channel_id)
        webhook = interaction is not None
        message = SentMessage(
            id=new_snowflake(),
            channel_id=channel_id,
            source=source,
            author=self.bot_user.payload(),
            guild_id=None if guild is None else guild.id,
            content=str(data.get("content") or ""),
            embeds=[{"type": "rich", **e} for e in data.get("embeds") or []],
            components=copy.deepcopy(data.get("components") or []),
            flags=int(data.get("flags") or 0) | extra_flags,
            allowed_mentions=data.get("allowed_mentions"),
            interaction=interaction,
            message_type=message_type,
            application_id=self.application_id if webhook else None,
            webhook_id=self.application_id if webhook else None,
            raw=dict(data),
        )
        self._attachments_for(message, data, files, keep=[])
        self._messages_by_id[message.id] = message
        self.sent.append(message)
        if not extra_flags & FLAG_LOADING:  # the "is thinking…" placeholder carries no mentions
            self.mention_log.append(MentionRecord(source, message.id, data.get("allowed_mentions")))
        return message

    def _edit_sent(
        self,
        message: SentMessage,
        data: Mapping[str, Any],
        files: list[UploadedFile],
        *,
        source: str,
        replace: bool = False,
    ) -> None:
        """Apply an edit (PATCH, UPDATE_MESSAGE, or the first follow-up after a deferral when ``replace``)."""
        if replace or "content" in data:
            message.content = str(data.get("content") or "")
        if replace or "embeds" in data:
            message.embeds = [{"type": "rich", **e} for e in data.get("embeds") or []]
        if replace or "components" in data:
            message.components = copy.deepcopy(data.get("components") or [])
        if "flags" in data and data["flags"] is not None:
            editable = FLAG_SUPPRESS_EMBEDS | FLAG_COMPONENTS_V2
            message.flags = (message.flags & ~editable) | (int(data["flags"]) & editable)
        if replace or "attachments" in data or files:
            self._attachments_for(message, data, files, keep=[] if replace else message.attachments)
        if "allowed_mentions" in data:
            message.allowed_mentions = data["allowed_mentions"]
        message.flags &= ~FLAG_LOADING
        message.edited_timestamp = None if replace else _now()
        message.edits.append(dict(data))
        self.mention_log.append(MentionRecord(source, message.id, data.get("allowed_mentions")))

    def _check_new_message(
        self, data: Any, files: list[UploadedFile], *, prefix: Path = (), kind: str = "message-limits"
    ) -> None:
        if not isinstance(data, dict):
            raise _invalid_form(
                [Problem(prefix, "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType")], kind
            )
        self._raise_problems(
            check_message(data, files, new=True, size_limit=self.attachment_size_limit), prefix, kind
        )

    def _check_edit(
        self, data: Any, files: list[UploadedFile], *, prefix: Path = (), kind: str = "message-limits"
    ) -> None:
        if not isinstance(data, dict):
            raise _invalid_form(
                [Problem(prefix, "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType")], kind
            )
        self._raise_problems(
            check_message(data, files, new=False, size_limit=self.attachment_size_limit), prefix, kind
        )

    @staticmethod
    def _raise_problems(problems: list[Problem], prefix: Path, kind: str) -> None:
        if any(p.code == "FILE_TOO_LARGE" for p in problems):
            detail = "; ".join(str(p) for p in problems if p.code == "FILE_TOO_LARGE")
            raise _Rejected(413, 40005, "Request entity too large", kind="file-too-large", detail=detail)
        if any(p.code == "EMPTY_MESSAGE" for p in problems):
            raise _Rejected(
                400,
                50006,
                "Cannot send an empty message",
                kind="empty-message",
                detail="Cannot send an empty message",
            )
        if problems:
            raise _invalid_form([p._replace(path=(*prefix, *p.path)) for p in problems], kind)

    async def _create_message(self, request: web.Request) -> web.Response:
        channel_id = int(request.match_info["channel_id"])
        _, channel, user = self._locate_channel(channel_id)
        if channel is None and user is None:
            raise _Rejected(404, 10003, "Unknown Channel")
        if user is not None and not user.dms_open:
            raise _Rejected(403, 50007, "Cannot send messages to this user")
        body, files = await self._read_body(request)
        self._check_new_message(body, files)
        nonce = str(body["nonce"]) if body.get("nonce") and body.get("enforce_nonce") else None
        now = asyncio.get_running_loop().time()
        made = self._nonces.get(nonce) if nonce is not None else None
        if made is not None and now - made[0] < self.nonce_window:  # that message, not a second one
            self.nonce_replays.append(made[1])
            self._notify()
            return _json(made[1].payload())
        message = self._create_sent(
            source="channel", channel_id=channel_id, data=body, files=files, interaction=None
        )
        if nonce is not None:
            self._nonces[nonce] = (now, message)
        self.messages.append(message)
        self._notify()
        return _json(message.payload())

    async def _channel_message(self, request: web.Request) -> web.Response:
        channel_id = int(request.match_info["channel_id"])
        message = self._messages_by_id.get(int(request.match_info["message_id"]))
        if message is None or message.channel_id != channel_id or message.deleted or message.ephemeral:
            raise _Rejected(404, 10008, "Unknown Message")
        if request.method == "GET":
            return _json(message.payload())
        if request.method == "DELETE":
            message.deleted = True
            self._notify()
            return web.Response(status=204)
        body, files = await self._read_body(request)
        self._check_edit(body, files)
        self._edit_sent(message, body, files, source="channel-edit")
        self._notify()
        return _json(message.payload())

    # ---------------------------------------------------------------- interactions: callback, webhooks

    async def _interaction_callback(self, request: web.Request) -> web.Response:
        inter = self._interactions_by_id.get(int(request.match_info["interaction_id"]))
        if inter is None or inter.token != request.match_info["token"]:
            raise _Rejected(
                404,
                10062,
                "Unknown interaction",
                kind="unknown-interaction",
                detail="no such interaction id/token",
            )
        body, files = await self._read_body(request)
        elapsed = time.monotonic() - inter.pushed_at
        kind = body.get("type") if isinstance(body, dict) else None
        data = (body.get("data") if isinstance(body, dict) else None) or {}
        response = InteractionResponse(
            inter, kind if isinstance(kind, int) else -1, data, files, elapsed, _fake=self
        )
        already = inter.responded
        inter.responses.append(response)
        try:
            if already:
                raise _Rejected(
                    400,
                    40060,
                    "Interaction has already been acknowledged.",
                    kind="double-response",
                    detail=f"a second initial response (type {kind}) to interaction {inter.id}",
                )
            if elapsed > self.response_deadline:
                raise _Rejected(
                    404,
                    10062,
                    "Unknown interaction",
                    kind="late-response",
                    detail=f"initial response after {elapsed:.3f}s (limit {self.response_deadline:g}s)",
                )
            allowed = ALLOWED_RESPONSES.get(inter.type, frozenset())
            if kind not in allowed:
                problem = Problem(
                    ("type",),
                    "INTERACTION_RESPONSE_TYPE_INVALID",
                    f"Response type {kind!r} is not valid for interaction type {inter.type}"
                    f" (valid: {sorted(allowed)})",
                )
                raise _invalid_form([problem], "response-type")
            if kind in (4, 7):
                (self._check_new_message if kind == 4 else self._check_edit)(data, files, prefix=("data",))
            elif kind == 5:
                extra = set(data) - {"flags"}
                if extra:
                    raise _invalid_form(
                        [
                            Problem(("data", k), "INTERACTION_DEFERRED_DATA", "A deferral carries only flags")
                            for k in sorted(extra)
                        ],
                        "message-limits",
                    )
            elif kind == 8:
                self._raise_problems(check_choices(data, inter.focused_type), (), "autocomplete-limits")
            elif kind == 9:
                self._raise_problems(check_modal(data), (), "modal-limits")
        except _Rejected as rejected:
            response.error = rejected.body()
            raise
        response.accepted = True
        message = self._apply_response(inter, kind, data, files)
        response.message = message
        self._notify()
        body_out: dict[str, Any] = {
            "interaction": {
                "id": str(inter.id),
                "type": inter.type,
                "activity_instance_id": None,
                "response_message_id": None if message is None else str(message.id),
                "response_message_loading": kind == 5,
                "response_message_ephemeral": bool(message is not None and message.ephemeral),
            }
        }
        if message is not None and kind in (4, 5, 7):
            body_out["resource"] = {"type": kind, "message": message.payload()}
        return _json(body_out)

    def _apply_response(
        self, inter: PushedInteraction, kind: int, data: dict[str, Any], files: list[UploadedFile]
    ) -> SentMessage | None:
        message_type = 20 if inter.type == APPLICATION_COMMAND else 0
        if kind == 4:
            inter.original = self._create_sent(
                source="callback",
                channel_id=inter.channel_id,
                data=data,
                files=files,
                interaction=inter,
                message_type=message_type,
            )
            return inter.original
        if kind == 5:
            flags = int(data.get("flags") or 0) & FLAG_EPHEMERAL
            placeholder = {"content": "", "flags": flags}
            inter.original = self._create_sent(
                source="callback",
                channel_id=inter.channel_id,
                data=placeholder,
                files=[],
                interaction=inter,
                message_type=message_type,
                extra_flags=FLAG_LOADING,
            )
            return inter.original
        if kind in (6, 7):
            inter.original = inter.target
            if kind == 7 and inter.target is not None:
                self._edit_sent(inter.target, data, files, source="callback-update")
            return inter.target
        return None

    def _interaction_for_webhook(self, request: web.Request) -> PushedInteraction:
        if request.match_info["app_id"] != str(self.application_id):
            raise _Rejected(
                404,
                10015,
                "Unknown Webhook",
                kind="unknown-webhook",
                detail=f"webhook id {request.match_info['app_id']} is not the application",
            )
        inter = self._interactions_by_token.get(request.match_info["token"])
        if inter is None:
            raise _Rejected(
                404, 10015, "Unknown Webhook", kind="unknown-webhook", detail="no interaction has that token"
            )
        if not inter.responded:
            raise _Rejected(
                404,
                10015,
                "Unknown Webhook",
                kind="followup-before-response",
                detail=f"interaction {inter.id} used its token before an initial response",
            )
        if time.monotonic() - inter.pushed_at > TOKEN_LIFETIME:
            raise _Rejected(
                401,
                50027,
                "Invalid Webhook Token",
                kind="token-expired",
                detail="the interaction token lives 15 minutes",
            )
        return inter

    async def _webhook_execute(self, request: web.Request) -> web.Response:
        inter = self._interaction_for_webhook(request)
        body, files = await self._read_body(request)
        self._check_new_message(body, files)
        original = inter.original
        initial = inter.initial
        if original is not None and original.loading and initial is not None and initial.type == 5:
            # The first follow-up after "is thinking…" replaces the placeholder.
            self._edit_sent(original, body, files, source="followup", replace=True)
            message = original
        else:
            message = self._create_sent(
                source="followup", channel_id=inter.channel_id, data=body, files=files, interaction=inter
            )
        inter.followups.append(message)
        self._notify()
        if request.query.get("wait") in ("1", "true", "True"):
            return _json(message.payload())
        return web.Response(status=204)

    async def _webhook_message(self, request: web.Request) -> web.Response:
        inter = self._interaction_for_webhook(request)
        raw_id = request.match_info["message_id"]
        if raw_id == "@original":
            message = inter.original
        else:
            wanted = int(raw_id) if raw_id.isdigit() else -1
            candidates = [m for m in [inter.original, *inter.followups] if m is not None]
            message = next((m for m in candidates if m.id == wanted), None)
        if message is None or message.deleted:
            raise _Rejected(
                404,
                10008,
                "Unknown Message",
                kind="unknown-message",
                detail=f"{request.method} of message {raw_id} of interaction {inter.id}",
            )
        if request.method == "GET":
            return _json(message.payload())
        if request.method == "DELETE":
            message.deleted = True
            self._notify()
            return web.Response(status=204)
        body, files = await self._read_body(request)
        self._check_edit(body, files)
        self._edit_sent(message, body, files, source="edit")
        inter.edits.append(dict(body))
        self._notify()
        return _json(message.payload())
