"""`/stats [season]`: clubs by state and by league, with what the source states."""

from __future__ import annotations

from collections import Counter

from pydantic import Field
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.answers.cache import cached
from bot.answers.lookup import current_model, season_in
from bot.modelbase import Deferred


class Count(Deferred):
    """A label and how many clubs it covers."""

    label: str
    name: str = ""
    clubs: int


class StatsAnswer(Deferred):
    """How a season's clubs spread over states and leagues."""

    season: int
    clubs: int
    by_league: list[Count] = Field(default_factory=list)
    by_state: list[Count] = Field(default_factory=list)
    state_unknown: int = 0
    stated_states: int | None = None


@cached
async def stats(session: AsyncSession, *, season: int | None = None) -> StatsAnswer:
    """Counts of `season`'s clubs by league and by state (unknown states counted, not guessed)."""
    view = season_in(await current_model(session), season)
    names = view.leagues
    leagues = Counter(entry.league or "unknown" for entry in view.entries.values())
    states = Counter(entry.state for entry in view.entries.values() if entry.state)
    stated = view.season.stated.get("states")
    return StatsAnswer(
        season=view.season.year,
        clubs=len(view.entries),
        by_league=[
            Count(label=label, name=names.get(label, ""), clubs=n) for label, n in leagues.most_common()
        ],
        by_state=[Count(label=label, clubs=n) for label, n in states.most_common()],
        state_unknown=sum(1 for entry in view.entries.values() if not entry.state),
        stated_states=stated if isinstance(stated, int) else None,
    )
