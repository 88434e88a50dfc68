"""The delivery task: sends the outbox's notifications to Discord, each once per target, recorded as it goes.

Like `bot.client`, this is the Discord side of the core: it reads and records through `bot.store.outbox`,
builds the announcement with `bot.answers.follows`, renders it with `bot.render.announce`, and sends it by
REST (the guild's results channel, each following channel, each follower's DMs).

**The order, and what a kill costs.** A delivery is *claimed* (state `sending`, this worker, an attempt
counted; committed) before its message is sent, and *recorded* (`sent`, with the message id; committed) as
soon as Discord answers. Nothing is sent for a delivery that is not claimed, and a claim is a conditional
UPDATE (on PostgreSQL after `SELECT … FOR UPDATE SKIP LOCKED`), so two running bots (or a retried task) never
send the same delivery at once. A process killed between the send and the record leaves the delivery
`sending`; after the lease (`OUTBOX_LEASE_SECONDS`, by default `bot.store.outbox.LEASE`) another worker
takes it and sends it again; the alternative order (record first, then send) would instead lose that message
silently, which is worse for a result. The second send does not make a second message: each message
carries a nonce made from the delivery's id, which discord.py sends with `enforce_nonce`, and Discord gives
back the message already made with that nonce "in the past few minutes" instead of creating another. The
lease (a minute) keeps the second send well inside that time, and it is recorded with the first message's
id. Only a second send after Discord has forgotten the nonce (the store down for minutes between the two)
would show a duplicate, for the one message in flight at the kill.

**Several processes.** Every bot process runs this task over the one outbox, and whichever claims a
delivery sends it: a DM, and a channel post too, whatever shard holds the channel's guild. Sending a message
is a REST call, which needs the token and no gateway session, so the shard a guild is on does not matter
for posting; routing each channel post to the process holding its guild would only add a hop, and a post
would wait while that process is down. Rate limits: discord.py in each process keeps the per-route limits
Discord announces, and waits on any 429 (the global limit is the bot's, shared by its processes); a bot
whose processes together come near it sends its REST calls through one rate-limiting proxy
(`DISCORD_API_BASE`), as large bots do.

**Failures.** A target that cannot be reached (DMs closed: 50007; a channel deleted or the bot shut out:
404, 403) is marked `failing`, never deleted: the follower is told on their next command, moderators see it
in `/mod channel show`. Anything else (a 5xx, the network) is retried with backoff. Rate limits are
discord.py's to keep (it waits on 429s itself, per route, as Discord's headers say); DMs go out one at a
time with `dm_interval` between them (a queue, not a burst).

**Corrections.** A correction, undo or postponement of a tie edits the post already made for that tie to
that target (its message id is stored) and adds "corrected by …"; where the old post is gone, a new post
is made instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import os
import socket
import uuid
from typing import TYPE_CHECKING

import aiohttp
import discord
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.answers.follows import Announcement, announcement
from bot.render.announce import announcement_embed, ping_content
from bot.store.follows import role_pings
from bot.store.models import Delivery, Notification
from bot.store.outbox import (
    claim_due,
    earlier_post,
    expand_notifications,
    notification_of,
    record_failure,
    record_sent,
    release,
    renew_claim,
)

if TYPE_CHECKING:
    from bot.client import OpenCupBot

log = logging.getLogger(__name__)
Told = dict[int, tuple[Notification, Announcement]]  # a notification's id → it and its news
POLL_SECONDS = 2.0  # how often the outbox is looked at when nothing woke the task
DM_INTERVAL = 1.0  # seconds between two direct messages
CORRECTING = ("correction", "undo", "postponed")
UNREACHABLE = {50007, 50001, 50013, 10003, 10013}  # DMs closed, no access, no permission, no channel/user


def lasting(failure: discord.HTTPException) -> bool:
    """Whether a failure will not pass by itself: an unreachable target, or a message Discord refused."""
    return failure.code in UNREACHABLE or (400 <= failure.status < 500 and failure.status != 429)


class Deliverer:
    """The bot's delivery task: expand notifications, claim deliveries, send them, record them."""

    def __init__(
        self, bot: OpenCupBot, *, poll: float | None = None, dm_interval: float | None = None
    ) -> None:
        """A worker for `bot` with a name of its own (host, process, a random part)."""
        self.bot = bot
        self.poll = POLL_SECONDS if poll is None else poll
        self.dm_interval = DM_INTERVAL if dm_interval is None else dm_interval
        self.worker = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        seconds = bot.settings.outbox_lease_seconds  # None: the outbox's own default
        self.lease = dt.timedelta(seconds=seconds) if seconds is not None else None
        self.untold: set[int] = set()  # followers with failing DMs they were not told of yet
        self._task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()

    def start(self) -> None:
        """Start the task (once)."""
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="opencup-delivery")

    async def stop(self) -> None:
        """Stop the task; a delivery claimed and not recorded is taken again after the lease."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def wake(self) -> None:
        """Look at the outbox now (a change was just committed in this process)."""
        self._wake.set()

    async def _run(self) -> None:
        await self.bot.wait_until_ready()
        async with self.bot.store.session() as session:
            rows = await session.exec(
                select(Delivery.user_id).where(
                    col(Delivery.state) == "failing",
                    col(Delivery.told_at).is_(None),
                    col(Delivery.user_id).is_not(None),
                )
            )
            self.untold.update(user for user in rows.all() if user is not None)
        while True:
            try:
                busy = await self.step()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("the delivery task failed a round; it goes on")
                busy = False
            if not busy:
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self.poll)

    async def step(self) -> bool:
        """One round: expand new notifications, claim what is due, deliver it; whether anything was done."""
        async with self.bot.store.session() as session:
            expanded = await expand_notifications(session=session)
        async with self.bot.store.session() as session:
            claimed = await claim_due(session=session, worker=self.worker, lease=self.lease)
        told: Told = {}  # a notification's news is read once for the deliveries of one round
        for delivery in claimed:
            await self.deliver(delivery, told=told)
        return bool(expanded or claimed)

    async def deliver(self, delivery: Delivery, *, told: Told | None = None) -> None:
        """Send one claimed delivery (or edit the earlier post it corrects) and record what happened.

        `told` keeps each notification and its news for the other deliveries of the same round (a result
        followed by a thousand fans is read once, not a thousand times); a round is at most `claim_due`'s
        batch, so the standing it tells is never older than that batch's sending.
        """
        told = {} if told is None else told
        async with self.bot.store.session() as session:
            if not await renew_claim(
                session=session, delivery=delivery, worker=self.worker, lease=self.lease
            ):
                log.info("delivery %s was taken by another worker after its lease: left to it", delivery.id)
                return
            known = told.get(delivery.notification_id)
            if known is not None:
                notification = known[0]
            else:
                notification = await notification_of(session=session, delivery=delivery)
            earlier, waiting = (None, False)
            if notification.kind in CORRECTING:
                earlier, waiting = await earlier_post(
                    session=session, notification=notification, target=delivery.target
                )
            if waiting:  # the post it corrects is still on its way: after it
                await release(session=session, delivery=delivery, worker=self.worker)
                return
            if known is not None:
                news = known[1]
            else:
                news = await announcement(session, notification)
                told[delivery.notification_id] = (notification, news)
            roles = await self._roles(session, delivery, notification)
        corrected_by = notification.actor if earlier is not None else ""
        embed = announcement_embed(news, corrected_by=corrected_by)
        mentions = (  # the only mention a post may carry: the roles set for its clubs
            discord.AllowedMentions(everyone=False, users=False, roles=[discord.Object(id=r) for r in roles])
            if roles
            else discord.AllowedMentions.none()
        )
        try:
            message, edited = await self._send(delivery, earlier, embed, ping_content(roles), mentions)
        except discord.HTTPException as failure:
            await self._failed(delivery, failure, lasting=lasting(failure))
        except (aiohttp.ClientError, TimeoutError, OSError) as failure:
            await self._failed(delivery, failure, lasting=False)
        else:
            async with self.bot.store.session() as session:
                await record_sent(
                    session=session,
                    delivery_id=delivery.id or 0,
                    worker=self.worker,
                    message_id=message.id,
                    message_channel_id=message.channel.id,
                    edited=edited,
                )
        if delivery.user_id is not None and self.dm_interval:
            await asyncio.sleep(self.dm_interval)  # DMs are a queue, spaced: never a burst

    async def _roles(
        self, session: AsyncSession, delivery: Delivery, notification: Notification
    ) -> list[int]:
        """The roles a channel post pings: those the guild set for the clubs named (none in DMs)."""
        if delivery.guild_id is None:
            return []
        pings = await role_pings(session=session, guild_ids=[delivery.guild_id])
        guild = delivery.guild_id
        clubs = [club for club in (notification.home_id, notification.away_id) if club is not None]
        return sorted({pings[(guild, club)] for club in clubs if (guild, club) in pings})

    async def _send(
        self,
        delivery: Delivery,
        earlier: Delivery | None,
        embed: discord.Embed,
        content: str,
        mentions: discord.AllowedMentions,
    ) -> tuple[discord.Message | discord.PartialMessage, bool]:
        """Edit the earlier post (a correction), or send a new one; the message, and whether it was edited."""
        if earlier is not None and earlier.message_id and earlier.message_channel_id:
            channel = self.bot.get_partial_messageable(earlier.message_channel_id)
            try:
                edited = await channel.get_partial_message(earlier.message_id).edit(
                    content=content or None, embed=embed, allowed_mentions=mentions
                )
                return edited, True
            except discord.NotFound:
                log.info("delivery %s: the post it corrects is gone; posting anew", delivery.id)
        nonce = f"oc{delivery.id}"[:25]
        if delivery.user_id is not None:
            dm = await self.bot.create_dm(discord.Object(id=delivery.user_id))
            sent = await dm.send(embed=embed, allowed_mentions=discord.AllowedMentions.none(), nonce=nonce)
        else:
            assert delivery.channel_id is not None
            target = self.bot.get_partial_messageable(delivery.channel_id, guild_id=delivery.guild_id)
            sent = await target.send(
                content=content or None, embed=embed, allowed_mentions=mentions, nonce=nonce
            )
        return sent, False

    async def _failed(self, delivery: Delivery, failure: Exception, *, lasting: bool) -> None:
        code = getattr(failure, "code", 0)
        words = f"{type(failure).__name__} {code}: {failure}"[:300]
        async with self.bot.store.session() as session:
            state = await record_failure(
                session=session, delivery=delivery, worker=self.worker, error=words, lasting=lasting
            )
        log.warning("delivery %s to %s failed (%s): %s", delivery.id, delivery.target, state, words)
        if state == "failing" and delivery.user_id is not None:
            self.untold.add(delivery.user_id)
