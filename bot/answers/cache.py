"""Answers cached per store version: the same question at the same version is answered once.

Answers are pure functions of the store's model (`bot.store.model`), so an answer keyed by the question (its
function and typed options) and the store version is never stale: a write or a reload moves the version and
the whole cache is dropped. The cache is bounded (least recently used answers go first). Answers are shared
between callers: faces render them and must not change them.
"""

from __future__ import annotations

import functools
import weakref
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, Concatenate, ParamSpec, TypeVar, cast

from sqlalchemy.engine import Engine
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.store.model import current_model

P = ParamSpec("P")
T = TypeVar("T")
LIMIT = 256  # answers kept per store (3–35 KiB each at 20 seasons: a few MiB at most)


@dataclass
class AnswerCache:
    """One store's cached answers, all of one store version."""

    version: int = -1
    answers: OrderedDict[Hashable, Any] = field(default_factory=OrderedDict)
    hits: int = 0
    misses: int = 0

    def at(self, version: int) -> AnswerCache:
        """The cache, emptied first if the store has moved to another version."""
        if version != self.version:
            self.answers.clear()
            self.version = version
        return self

    def get(self, key: Hashable) -> Any | None:
        """The answer kept for `key`, if any (and mark it as recently used)."""
        found = self.answers.get(key)
        if found is None:
            self.misses += 1
            return None
        self.answers.move_to_end(key)
        self.hits += 1
        return found

    def put(self, key: Hashable, answer: Any) -> None:
        """Keep `answer`, dropping the least recently used one when full."""
        self.answers[key] = answer
        if len(self.answers) > LIMIT:
            self.answers.popitem(last=False)


_CACHES: weakref.WeakKeyDictionary[Engine, AnswerCache] = weakref.WeakKeyDictionary()


def answer_cache(session: AsyncSession) -> AnswerCache:
    """The cache of the store `session` belongs to (for tests and benchmarks)."""
    return _CACHES.setdefault(session.get_bind(), AnswerCache())  # type: ignore[arg-type]


def cached(
    answer: Callable[Concatenate[AsyncSession, P], Awaitable[T]],
) -> Callable[Concatenate[AsyncSession, P], Awaitable[T]]:
    """Cache a read-only answer function per (function, options, store version)."""

    @functools.wraps(answer)
    async def wrapper(session: AsyncSession, /, *args: P.args, **options: P.kwargs) -> T:
        model = await current_model(session)
        key = (answer.__module__, answer.__qualname__, args, tuple(sorted(options.items())))
        try:
            hash(key)
        except TypeError:  # an option that cannot be a key: answer it afresh
            return await answer(session, *args, **options)
        cache = answer_cache(session).at(model.version)
        found = cache.get(key)
        if found is not None:
            return cast(T, found)
        made = await answer(session, *args, **options)
        if cache.version == model.version:
            cache.put(key, made)
        return made

    return wrapper
