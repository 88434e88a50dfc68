"""Writes to the facts: keyword-only data functions, one transaction each.

Each records the change, its `Revision` (before, after, actor, when, why, the request it came from) and a new
store version together, so a result that is committed is audited and seen by every cache, and one that is
not left no trace. A confirmation names the fixture version it previewed: if the fixture changed in between
(another moderator), nothing is applied. A request id already recorded is not applied again.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.store.models import Fixture, Revision, Season, stored_id, utcnow
from bot.store.version import bump_version

# The fields of a fixture that a result changes; a revision's before and after hold exactly these.
RESULT_FIELDS = (
    "home_score",
    "away_score",
    "extra_time",
    "penalties",
    "decided_by",
    "winner_id",
    "status",
    "date",
    "note",
    "source_line",
    "entered_by",
    "entered_at",
)
SIDE_FIELDS = ("home_id", "away_id")


class WriteRefused(Exception):
    """A write that was not applied, with a code for scripts and a sentence for people."""

    def __init__(self, code: str, message: str) -> None:
        """Carry the refusal's code and message."""
        super().__init__(message)
        self.code = code
        self.message = message


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def snapshot(fixture: Fixture, fields: tuple[str, ...] = RESULT_FIELDS + SIDE_FIELDS) -> dict[str, Any]:
    """A fixture's changeable fields as JSON-ready values (what a revision keeps)."""
    return {name: _plain(getattr(fixture, name)) for name in fields}


def _typed(name: str, value: Any) -> Any:
    """A snapshot value back in the column's type (dates and times were kept as ISO text)."""
    if value is None:
        return None
    if name == "date":
        return dt.date.fromisoformat(value)
    if name == "entered_at":
        return dt.datetime.fromisoformat(value)
    return value


async def _already(session: AsyncSession, request: str | None) -> Revision | None:
    if request is None:
        return None
    return (await session.exec(select(Revision).where(Revision.request == request))).first()


async def change_fixture(
    *,
    session: AsyncSession,
    fixture: Fixture,
    expected_version: int,
    changes: dict[str, Any],
    actor: str,
    why: str = "",
    request: str | None = None,
    undoes: int | None = None,
) -> Revision:
    """Apply `changes` to `fixture` if it is still at `expected_version`; commit it with its revision.

    The version check is the UPDATE's own WHERE clause, so of two moderators confirming at once exactly one
    applies and the other is refused with `changed_meanwhile`. A request already applied returns its
    revision again instead of applying twice. Sides filled by this result ("winner of fixture N") follow in
    the same transaction, each with a revision of its own.
    """
    done = await _already(session, request)
    if done is not None:
        return done
    fixture_id = stored_id(fixture)
    before = snapshot(fixture)
    stamped = {**changes, "entered_by": actor, "entered_at": utcnow()}
    values = {
        name: _typed(name, value) if isinstance(value, str) else value for name, value in stamped.items()
    }
    moved = await session.exec(
        update(Fixture)
        .where(col(Fixture.id) == fixture_id, col(Fixture.version) == expected_version)
        .values(**values, version=col(Fixture.version) + 1)
    )
    if moved.rowcount != 1:
        number = fixture.number  # read before the rollback expires the row
        await session.rollback()
        raise WriteRefused(
            "changed_meanwhile",
            f"Fixture {number} changed since it was previewed (version {expected_version}): "
            "look at it again before confirming.",
        )
    version = await bump_version(session)
    after = {**before, **{name: _plain(value) for name, value in values.items()}}
    revision = Revision(
        season_id=fixture.season_id,
        fixture_id=fixture_id,
        fixture_number=fixture.number,
        kind="fixture",
        before=before,
        after=after,
        actor=actor,
        at=utcnow(),
        why=why,
        request=request,
        undoes=undoes,
        store_version=version,
    )
    session.add(revision)
    await _fill_linked_sides(
        session,
        fixture=fixture,
        winner_id=values.get("winner_id", fixture.winner_id),
        actor=actor,
        version=version,
    )
    try:
        await session.commit()
    except IntegrityError:  # the same request, applied by another process a moment ago
        await session.rollback()
        again = await _already(session, request)
        if again is None:
            raise
        return again
    await session.refresh(revision)
    return revision


async def _fill_linked_sides(
    session: AsyncSession, *, fixture: Fixture, winner_id: int | None, actor: str, version: int
) -> None:
    """Put the winner of `fixture` into every later tie drawn as 'winner of fixture N' (or take it out)."""
    linked = (
        await session.exec(
            select(Fixture).where(
                Fixture.season_id == fixture.season_id,
                (col(Fixture.home_from_fixture) == fixture.number)
                | (col(Fixture.away_from_fixture) == fixture.number),
            )
        )
    ).all()
    for later in linked:
        side = "home_id" if later.home_from_fixture == fixture.number else "away_id"
        if getattr(later, side) == winner_id:
            continue
        before = snapshot(later)
        setattr(later, side, winner_id)
        later.version += 1
        session.add(later)
        session.add(
            Revision(
                season_id=later.season_id,
                fixture_id=stored_id(later),
                fixture_number=later.number,
                kind="fixture",
                before=before,
                after=snapshot(later),
                actor=actor,
                at=utcnow(),
                why=f"the winner of fixture {fixture.number} takes this side",
                store_version=version,
            )
        )


async def create_season(
    *, session: AsyncSession, year: int, title: str, actor: str, request: str | None = None
) -> Revision:
    """Start a season by hand (its ties and byes follow with their own writes)."""
    done = await _already(session, request)
    if done is not None:
        return done
    if (await session.exec(select(Season).where(Season.year == year))).first() is not None:
        raise WriteRefused("result_exists", f"The {year} season is already in the records.")
    season = Season(year=year, title=title, source=f"entered by {actor}", imported_at=utcnow())
    session.add(season)
    await session.flush()
    version = await bump_version(session)
    revision = Revision(
        season_id=stored_id(season),
        kind="season",
        before=None,
        after={"year": year, "title": title},
        actor=actor,
        at=utcnow(),
        why="a new season",
        request=request,
        store_version=version,
    )
    session.add(revision)
    await session.commit()
    await session.refresh(revision)
    return revision


async def undo_revision(
    *, session: AsyncSession, revision: Revision, actor: str, why: str = "", request: str | None = None
) -> Revision:
    """Put back what `revision` changed, as a new revision (nothing is ever deleted)."""
    if revision.kind != "fixture" or revision.fixture_id is None or revision.before is None:
        raise WriteRefused(
            "bad_result", f"Revision {revision.id} is not a change to a result; it cannot be undone here."
        )
    fixture = await session.get(Fixture, revision.fixture_id)
    if fixture is None:
        raise WriteRefused("not_found", f"The fixture of revision {revision.id} is no longer in the records.")
    changes = {
        name: revision.before[name] for name in RESULT_FIELDS if name not in ("entered_by", "entered_at")
    }
    return await change_fixture(
        session=session,
        fixture=fixture,
        expected_version=fixture.version,
        changes=changes,
        actor=actor,
        why=why or f"undo of revision {revision.id}",
        request=request,
        undoes=stored_id(revision),
    )
