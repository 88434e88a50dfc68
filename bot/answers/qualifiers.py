"""`/qualifiers [season]`: every club that reached the tournament proper, and by which route."""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.answers.cache import cached
from bot.answers.lookup import find_season, snapshot
from bot.answers.matches import freshness, match_line
from bot.answers.models import Qualifier, QualifiersAnswer
from bot.answers.path import ROUTES
from bot.seasons.facts import UNNAMED_PREFIX, Track

_ORDER = ["local", "national_league", "amateur_cup", "league_champion", "professional"]


@cached
async def qualifiers(session: AsyncSession, *, season: int | None = None) -> QualifiersAnswer:
    """The clubs through to the proper in `season` (by default the latest), local qualifiers first."""
    view = await snapshot(session, await find_season(session, season))
    last = view.last_round
    found: list[Qualifier] = []
    deciding = [
        f for f in view.fixtures if f.round == last and f.winner_id is not None and f.status == "played"
    ]
    for fixture in deciding:
        winner = fixture.winner_id
        assert winner is not None
        found.append(
            Qualifier(
                team=view.name(winner) or "",
                route=ROUTES["local"],
                track=Track.LOCAL,
                league=view.entries[winner].league if winner in view.entries else "",
                deciding=match_line(fixture, winner, view),
            )
        )
    for entry in view.entries.values():
        if entry.track != "local":
            found.append(
                Qualifier(
                    team=entry.name_in_season,
                    route=ROUTES.get(entry.track, entry.track),
                    track=entry.track,
                    league=entry.league,
                    berth=entry.berth,
                    detail=entry.qualified_by,
                )
            )
    found.sort(key=lambda q: (_ORDER.index(q.track) if q.track in _ORDER else 99, q.league, q.berth, q.team))
    stated = {
        key: value
        for key, value in view.season.stated.items()
        if isinstance(value, int) and (key.endswith("_teams") or key == "local_qualifiers")
    }
    return QualifiersAnswer(
        season=view.season.year,
        qualifiers=found,
        stated=stated,
        not_named=_not_named(view.season.stated, found),
        freshness=freshness(deciding, view),
    )


def _not_named(stated: dict[str, object], found: list[Qualifier]) -> dict[str, int]:
    """Clubs the source counts as through but never names: a national league's shortfall, unnamed sections."""
    missing: dict[str, int] = {}
    for key, value in stated.items():
        if not isinstance(value, int):
            continue
        if key.startswith(UNNAMED_PREFIX):
            missing[key.removeprefix(UNNAMED_PREFIX)] = value
        elif key.endswith("_teams") and key != "local_teams":
            league = key.removesuffix("_teams")
            named = sum(1 for q in found if q.track == "national_league" and q.league == league)
            if value > named:
                missing[league] = value - named
    return missing
