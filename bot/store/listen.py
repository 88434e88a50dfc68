"""Hearing the other processes' writes: LISTEN on the store's change channel, over a connection of its own.

Every write notifies `CHANGES_CHANNEL` in its own transaction (`bot.store.version`), so PostgreSQL sends the
notice when the write commits. A `StoreListener` holds one asyncpg connection outside SQLAlchemy's pool (a
pooled connection would be handed to others, and its LISTEN with it) and passes each notice on as a `Change`.

Notices sent while no connection listens are lost for good: PostgreSQL keeps none for a listener to come.
So after every (re)connection the listener first passes on a `Change` with no version, "anything may have
changed": the process then refreshes everything it caches, and what was written during the gap is seen.
A connection is also pinged while idle, so a link that died silently (a host gone, a NAT timeout) is found
out within `ping_every` seconds, not when TCP gives up. Reconnecting backs off from `first_retry` to
`most_retry` seconds, and starts again from `first_retry` once a connection works.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy.engine import make_url

from bot.store.version import CHANGES_CHANNEL

log = logging.getLogger(__name__)
FIRST_RETRY = 0.5  # seconds before the first attempt to listen again after losing the connection
MOST_RETRY = 15.0  # the longest wait between two attempts
PING_EVERY = 5.0  # seconds: how often an idle listening connection is checked
CONNECT_TIMEOUT = 10.0
_LOST = (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError)


@dataclass(frozen=True)
class Change:
    """What was heard: a write that made store `version`, or (version None) anything, notices were missed."""

    version: int | None
    what: str

    def merged(self, later: Change) -> Change:
        """One change standing for this one and `later` (heard before it was handled)."""
        if self.version is None or later.version is None:
            return Change(None, "everything")
        return Change(
            max(self.version, later.version), later.what if later.version > self.version else self.what
        )


def connect_args(url: str) -> dict[str, Any]:
    """The connection arguments asyncpg takes for a SQLAlchemy `postgresql+asyncpg://` URL.

    Only what names the server and the login is taken over (and `ssl`): the URL's other query options are
    SQLAlchemy's, which asyncpg would take for server settings.
    """
    parsed = make_url(url)
    args: dict[str, Any] = {
        "user": parsed.username,
        "password": parsed.password,
        "host": parsed.host,
        "port": parsed.port,
        "database": parsed.database,
    }
    for key in ("host", "ssl"):
        value = parsed.query.get(key) or (parsed.query.get("sslmode") if key == "ssl" else None)
        if isinstance(value, str) and value:
            args[key] = value
    return {key: value for key, value in args.items() if value is not None}


def parse_notice(payload: str) -> Change:
    """A notice's payload as a `Change`; one that cannot be read counts as "anything may have changed"."""
    try:
        data = json.loads(payload)
        return Change(int(data["version"]), str(data.get("what", "")))
    except (ValueError, TypeError, KeyError):
        log.warning("a notice on %s could not be read (%r): refreshing everything", CHANGES_CHANNEL, payload)
        return Change(None, "unreadable notice")


class StoreListener:
    """One process's ear on the store: LISTEN, reconnect after a drop, and pass each `Change` on, in order.

    `on_change` runs for one change at a time; notices heard meanwhile are merged into the next call, so a
    burst of writes costs one refresh, not one per write.
    """

    def __init__(
        self,
        url: str,
        *,
        on_change: Callable[[Change], Awaitable[None]],
        name: str = "opencup listen",
        first_retry: float = FIRST_RETRY,
        most_retry: float = MOST_RETRY,
        ping_every: float = PING_EVERY,
    ) -> None:
        """A listener on the PostgreSQL store at `url`; `name` is its connection's application_name."""
        self.url = url
        self.on_change = on_change
        self.name = name[:63]  # PostgreSQL keeps 63 bytes of an application_name
        self.first_retry = first_retry
        self.most_retry = most_retry
        self.ping_every = ping_every
        self.heard = 0  # notices received
        self.connections = 0  # connections that reached LISTEN (the first, then each reconnection)
        self._listening = False
        self._waiting: Change | None = None
        self._arrived = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []

    @property
    def listening(self) -> bool:
        """Whether a connection is LISTENing now."""
        return self._listening

    def start(self) -> None:
        """Start listening (once), in tasks of their own."""
        if not self._tasks:
            self._tasks = [
                asyncio.create_task(self._listen(), name="opencup-listen"),
                asyncio.create_task(self._pass_on(), name="opencup-listen-changes"),
            ]

    async def stop(self) -> None:
        """Stop listening and close the connection."""
        tasks, self._tasks = self._tasks, []
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def _heard(self, change: Change) -> None:
        self._waiting = change if self._waiting is None else self._waiting.merged(change)
        self._arrived.set()

    def _notice(self, _connection: object, _pid: int, _channel: str, payload: str) -> None:
        self.heard += 1
        self._heard(parse_notice(payload))

    async def _pass_on(self) -> None:
        while True:
            await self._arrived.wait()
            self._arrived.clear()
            change, self._waiting = self._waiting, None
            if change is None:
                continue
            try:
                await self.on_change(change)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("refreshing after %s failed; the next change refreshes again", change)

    async def _listen(self) -> None:
        delay = self.first_retry
        while True:
            try:
                connection: asyncpg.Connection = await asyncpg.connect(
                    **connect_args(self.url),
                    timeout=CONNECT_TIMEOUT,
                    server_settings={"application_name": self.name},
                )
            except _LOST as error:
                log.warning(
                    "cannot listen for the store's changes (%s); trying again in %.1f s", error, delay
                )
                await asyncio.sleep(delay)
                delay = min(delay * 2, self.most_retry)
                continue
            try:
                await self._hold(connection)
            except _LOST as error:
                if self._listening:  # it worked until now: back off from the start again
                    delay = self.first_retry
                log.warning(
                    "the store's change channel was lost (%s); listening again in %.1f s", error, delay
                )
            finally:
                self._listening = False
                connection.terminate()
            await asyncio.sleep(delay)
            delay = min(delay * 2, self.most_retry)

    async def _hold(self, connection: asyncpg.Connection) -> None:
        """LISTEN on `connection` until it is lost; raises what lost it."""
        lost = asyncio.Event()
        connection.add_termination_listener(lambda _connection: lost.set())
        await connection.add_listener(CHANGES_CHANNEL, self._notice)
        self._listening = True
        self.connections += 1
        again = self.connections > 1
        log.info(
            "%s for the store's changes on %s", "listening again" if again else "listening", CHANGES_CHANNEL
        )
        # What was written while nothing listened was not heard: everything may have changed.
        self._heard(Change(None, "reconnected" if again else "started listening"))
        while not lost.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(lost.wait(), self.ping_every)
            if not lost.is_set():
                await asyncio.wait_for(connection.fetchval("SELECT 1"), self.ping_every)
        raise ConnectionResetError("the server closed the connection")
