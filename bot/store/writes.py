"""Writes to the facts: keyword-only data functions, one transaction each.

Each records the change, its `Revision` (before, after, actor, when, why, the request it came from) and a new
store version together, so a result that is committed is audited and seen by every cache, and one that is
not left no trace. A confirmation names the fixture version it previewed: if the fixture changed in between
(another moderator), nothing is applied. A request id already recorded is not applied again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import bindparam, insert, update
from sqlalchemy import select as core_select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.names import normalise
from bot.seasons.facts import FixtureStatus
from bot.store.driver import rows, run
from bot.store.engine import sqlite_writer
from bot.store.model import TeamRecord, detached, note_write
from bot.store.models import (
    Bye,
    Entry,
    Fixture,
    FixtureUpdate,
    Notification,
    Revision,
    Round,
    Season,
    Team,
    built,
    stored_id,
    table_of,
    utcnow,
)
from bot.store.version import bump_version, bump_version_on

T = TypeVar("T")
FIXTURES = table_of(Fixture)
REVISIONS = table_of(Revision)
NOTIFICATIONS = table_of(Notification)

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

# The statements of the hot path that do not vary, built once.
_LINKED = core_select(FIXTURES).where(
    FIXTURES.c.season_id == bindparam("season"),
    (FIXTURES.c.home_from_fixture == bindparam("number"))
    | (FIXTURES.c.away_from_fixture == bindparam("number")),
)
_INSERT_REVISION = insert(REVISIONS).returning(REVISIONS.c.id)
# The outbox: a notification for fans, written in the same transaction as the change it tells of.
_NOTIFY_KEYS = ("revision_id", "season_id", "fixture_id", "kind", "home_id", "away_id", "actor", "created_at")
_INSERT_NOTIFICATION = insert(NOTIFICATIONS).values(expanded=False)
# The result's UPDATE, one per set of fields a change names (a handful in all), made when first needed.
_RESULT_UPDATES: dict[frozenset[str], Any] = {}
_FILL_SIDE = {
    side: update(FIXTURES)
    .where(FIXTURES.c.id == bindparam("later_id"))
    .values({side: bindparam("winner"), "version": FIXTURES.c.version + 1})
    for side in SIDE_FIELDS
}


@dataclass(frozen=True)
class Side:
    """One side of a tie being drawn: a club, or the winner of an earlier fixture."""

    team: Team | TeamRecord | None = None
    from_fixture: int | None = None


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


async def _already(session: AsyncSession, request: str | None) -> Revision | None:
    if request is None:
        return None
    return (await session.exec(select(Revision).where(Revision.request == request))).first()


async def change_fixture(
    *,
    session: AsyncSession,
    fixture: Fixture,
    expected_version: int,
    changes: FixtureUpdate,
    actor: str,
    why: str = "",
    request: str | None = None,
    undoes: int | None = None,
) -> Revision:
    """Apply `changes` to `fixture` if it is still at `expected_version`; commit it with its revision.

    The version check is the UPDATE's own WHERE clause, so of two moderators confirming at once exactly one
    applies and the other is refused with `changed_meanwhile`. A request already applied returns its
    revision again instead of applying twice (looked for only when the UPDATE or the revision's insert is
    refused: a request applied before has moved the version on, or holds the unique request id). Sides
    filled by this result ("winner of fixture N") follow in the same transaction, each with a revision of
    its own. This is the moderators' hot path: a few Core statements in one transaction of their own
    (`in_one_transaction`), and the model in memory patched afterwards instead of read back.
    """
    fixture_id = stored_id(fixture)
    before = snapshot(fixture)
    values: dict[str, Any] = {
        **changes.model_dump(exclude_unset=True),
        "entered_by": actor,
        "entered_at": utcnow(),
    }

    notice = {
        "season_id": fixture.season_id,
        "fixture_id": fixture_id,
        "kind": notification_kind(before, values, undoes=undoes),
        "home_id": fixture.home_id,
        "away_id": fixture.away_id,
        "actor": actor,
        "created_at": values["entered_at"],
    }

    def write(connection: Connection) -> tuple[Revision, list[Fixture]] | None:
        moved = run(
            connection,
            _result_update(frozenset(values)),
            {
                **{f"new_{name}": value for name, value in values.items()},
                "fixture_id": fixture_id,
                "expected": expected_version,
            },
        )
        if moved.rowcount != 1:
            return None  # changed meanwhile: nothing was written
        version = bump_version_on(connection)
        winner_id = values.get("winner_id", fixture.winner_id)
        filled, side_revisions = _fill_linked_sides(
            connection, fixture=fixture, winner_id=winner_id, actor=actor, version=version
        )
        row: dict[str, Any] = {
            "season_id": fixture.season_id,
            "fixture_id": fixture_id,
            "fixture_number": fixture.number,
            "kind": "fixture",
            "before": before,
            "after": {**before, **{name: _plain(value) for name, value in values.items()}},
            "actor": actor,
            "at": utcnow(),
            "why": why,
            "request": request,
            "undoes": undoes,
            "store_version": version,
            "batch": None,
        }
        # Every revision of this write, in order: the result's own last, so its id is the newest (a plain
        # /undo takes it). A request id used before refuses the whole transaction.
        for revision_row in [*side_revisions, row]:
            made = run(connection, _INSERT_REVISION, revision_row, keys=list(revision_row))
        revision_id = made.fetchall()[0][0]
        run(connection, _INSERT_NOTIFICATION, {**notice, "revision_id": revision_id}, keys=_NOTIFY_KEYS)
        return built(Revision, {"id": revision_id, **row}), filled

    conflict = f"Fixture {fixture.number} changed meanwhile"
    try:
        done = await in_one_transaction(session, write)
    except IntegrityError:  # the request id is there already: applied a moment ago, perhaps elsewhere
        return await _clash(session, request=request, conflict=conflict)
    if done is None:
        again = await _already(session, request)  # this very request, applied before (delivered twice)
        if again is not None:
            return again
        now = await session.get(Fixture, fixture_id, populate_existing=True)  # the change that won
        who = f" by {now.entered_by or 'the importer'}" if now is not None else ""
        raise WriteRefused(
            "changed_meanwhile",
            f"Fixture {fixture.number} changed since it was previewed (version {expected_version}){who}: "
            "look at it again before confirming.",
        )
    revision, filled = done
    changed = detached(fixture, **values, version=expected_version + 1)
    note_write(session, version=revision.store_version, fixtures=[changed, *filled])
    return revision


def notification_kind(before: dict[str, Any], values: dict[str, Any], *, undoes: int | None) -> str:
    """What fans are told a change to a tie is: an undo, a postponement, a correction, or a new result."""
    if undoes is not None:
        return "undo"
    if values.get("status") == FixtureStatus.POSTPONED:
        return "postponed"
    had_result = before.get("home_score") is not None or before.get("winner_id") is not None
    return "correction" if had_result else "result"


def _result_update(fields: frozenset[str]) -> Any:
    """The UPDATE setting `fields` (bound as new_<name>) of fixture `fixture_id` if at version `expected`."""
    statement = _RESULT_UPDATES.get(fields)
    if statement is None:
        statement = _RESULT_UPDATES[fields] = (
            update(FIXTURES)
            .where(FIXTURES.c.id == bindparam("fixture_id"), FIXTURES.c.version == bindparam("expected"))
            .values(
                {
                    **{name: bindparam(f"new_{name}") for name in sorted(fields)},
                    "version": FIXTURES.c.version + 1,
                }
            )
        )
    return statement


async def in_one_transaction(session: AsyncSession, write: Callable[[Connection], T]) -> T:
    """Run `write` on a connection of its own, in one transaction, and commit it (roll back if it raises).

    On SQLite the whole transaction runs in the store's writer thread, on its own connection to the same
    file (`sqlite_writer`): one hand-off instead of one per statement, fetch and cursor. Elsewhere it runs
    on a connection of the async engine. Either way it never sees the caller's session (or its uncommitted
    work): what it returns is what was committed.
    """
    engine = session.bind
    if not isinstance(engine, AsyncEngine):
        raise RuntimeError("a write needs a session bound to an engine (Store.session())")
    writer = sqlite_writer(engine)
    if writer is not None:
        return await writer.run(write)
    async with engine.begin() as connection:
        return await connection.run_sync(write)


def _fill_linked_sides(
    connection: Connection, *, fixture: Fixture, winner_id: int | None, actor: str, version: int
) -> tuple[list[Fixture], list[dict[str, Any]]]:
    """Put the winner of `fixture` into every later tie drawn as 'winner of fixture N' (or take it out).

    Returns the ties as they now stand, and their revisions (rows to insert).
    """
    linked = rows(connection, _LINKED, {"season": fixture.season_id, "number": fixture.number})
    filled: list[Fixture] = []
    revisions: list[dict[str, Any]] = []
    for found in linked:
        side = "home_id" if found["home_from_fixture"] == fixture.number else "away_id"
        if found[side] == winner_id:
            continue
        before = {name: _plain(found[name]) for name in RESULT_FIELDS + SIDE_FIELDS}
        run(connection, _FILL_SIDE[side], {"later_id": found["id"], "winner": winner_id})
        later = now = built(Fixture, {**found, side: winner_id, "version": found["version"] + 1})
        filled.append(now)
        revisions.append(
            {
                "season_id": later.season_id,
                "fixture_id": stored_id(later),
                "fixture_number": later.number,
                "kind": "fixture",
                "before": before,
                "after": snapshot(now),
                "actor": actor,
                "at": utcnow(),
                "why": f"the winner of fixture {fixture.number} takes this side",
                "request": None,
                "undoes": None,
                "store_version": version,
                "batch": None,
            }
        )
    return filled, revisions


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
    try:
        await session.flush()
    except IntegrityError:  # started by another process a moment ago
        return await _clash(session, request=request, conflict=f"The {year} season was started meanwhile")
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
    return await _commit(
        session, revision, request=request, conflict=f"The {year} season was started meanwhile"
    )


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
    changes = FixtureUpdate.model_validate(
        {name: revision.before[name] for name in RESULT_FIELDS if name not in ("entered_by", "entered_at")}
    )
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


async def schedule_fixture(
    *,
    session: AsyncSession,
    season: Season,
    round_number: int,
    sides: tuple[Side, Side],
    date: dt.date | None,
    kickoff: dt.datetime | None,
    venue: str,
    actor: str,
    request: str | None = None,
) -> Revision:
    """Draw a tie: the round is created if new, a club not yet in the season gets an entry."""
    done = await _already(session, request)
    if done is not None:
        return done
    season_id = stored_id(season)
    try:  # a clash of unique keys with a draw made a moment ago: the round, an entry, or the number
        if (
            await session.exec(
                select(Round).where(Round.season_id == season_id, Round.number == round_number)
            )
        ).first() is None:
            session.add(Round(season_id=season_id, number=round_number, name=f"Round {round_number}"))
        entries = [
            await _enter(session, season_id=season_id, team=side.team, round_number=round_number, actor=actor)
            for side in sides
            if side.team is not None
        ]
        winners = {  # a side drawn as the winner of a tie already played is that club from the start
            f.number: f.winner_id
            for f in (await session.exec(select(Fixture).where(Fixture.season_id == season_id))).all()
        }
        numbers = list(winners)
        fixture = Fixture(
            season_id=season_id,
            number=max(numbers, default=0) + 1,
            round=round_number,
            date=date,
            kickoff=kickoff.astimezone(dt.UTC) if kickoff is not None else None,  # SQLite keeps no offset
            home_id=sides[0].team.id if sides[0].team else winners.get(sides[0].from_fixture or 0),
            away_id=sides[1].team.id if sides[1].team else winners.get(sides[1].from_fixture or 0),
            home_from_fixture=sides[0].from_fixture,
            away_from_fixture=sides[1].from_fixture,
            status=FixtureStatus.SCHEDULED,
            venue=venue,
            entered_by=actor,
            entered_at=utcnow(),
        )
        session.add(fixture)
        await session.flush()
    except IntegrityError:
        return await _clash(
            session, request=request, conflict=f"Another round {round_number} tie was drawn meanwhile"
        )
    return await _record(
        session,
        kind="fixture",
        season_id=season_id,
        fixture=fixture,
        before=None,
        after=snapshot(fixture),
        actor=actor,
        why="drawn",
        request=request,
        entries=entries,
    )


async def add_bye(
    *,
    session: AsyncSession,
    season: Season,
    round_number: int,
    team: Team | TeamRecord,
    actor: str,
    request: str | None = None,
) -> Revision:
    """A club goes through `round_number` without playing."""
    done = await _already(session, request)
    if done is not None:
        return done
    season_id, team_id = stored_id(season), stored_id(team)
    exists = await session.exec(
        select(Bye).where(Bye.season_id == season_id, Bye.round == round_number, Bye.team_id == team_id)
    )
    if exists.first() is not None:
        raise WriteRefused("result_exists", f"{team.name} already has a bye in round {round_number}.")
    entry = await _enter(  # the club plays from the next round
        session, season_id=season_id, team=team, round_number=round_number + 1, actor=actor
    )
    session.add(Bye(season_id=season_id, round=round_number, team_id=team_id, source=f"entered by {actor}"))
    return await _record(
        session,
        kind="bye",
        season_id=season_id,
        fixture=None,
        before=None,
        after={"round": round_number, "team": team.name, "team_id": team_id},
        actor=actor,
        why="a bye",
        request=request,
        entries=[entry],
    )


async def new_club(*, session: AsyncSession, name: str) -> Team:
    """A club the records have never held (only when a moderator asks for one: `new_club:true`)."""
    team = Team(name=name, key=normalise(name))
    session.add(team)
    await session.flush()
    return team


async def _enter(
    session: AsyncSession, *, season_id: int, team: Team | TeamRecord, round_number: int, actor: str
) -> Revision | None:
    """Give `team` an entry in the season (local qualifying, from this round) if it has none.

    Returns the entry's revision, for `_record` to write with the change that made the entry (same actor,
    same store version, same transaction); None if the club was already in the season.
    """
    team_id = stored_id(team)
    entered = await session.exec(select(Entry).where(Entry.season_id == season_id, Entry.team_id == team_id))
    if entered.first() is not None:
        return None
    entry = Entry(season_id=season_id, team_id=team_id, name_in_season=team.name, entry_round=round_number)
    session.add(entry)
    return Revision(
        season_id=season_id,
        kind="entry",
        before=None,
        # team_id is how a reload knows a moderator made this entry (loader._moderated reads it).
        after={
            "team_id": team_id,
            "team": team.name,
            "name_in_season": entry.name_in_season,
            "entry_round": entry.entry_round,
            "track": entry.track,
        },
        actor=actor,
        at=utcnow(),
        why=f"{team.name} enters the season in round {round_number}",
    )


async def _record(
    session: AsyncSession,
    *,
    kind: str,
    season_id: int,
    fixture: Fixture | None,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    actor: str,
    why: str,
    request: str | None,
    entries: Sequence[Revision | None] = (),
) -> Revision:
    """Write the revision and the new store version, and commit the whole change.

    `entries` are the revisions of entries this change made (see `_enter`): written with it, at the same
    store version, and without its request (a request id names one revision, the change itself).
    """
    version = await bump_version(session)
    for made in entries:
        if made is not None:
            made.store_version = version
            session.add(made)
    revision = Revision(
        season_id=season_id,
        fixture_id=stored_id(fixture) if fixture is not None else None,
        fixture_number=fixture.number if fixture is not None else None,
        kind=kind,
        before=before,
        after=after,
        actor=actor,
        at=utcnow(),
        why=why,
        request=request,
        store_version=version,
    )
    session.add(revision)
    conflict = "Someone made a clashing change meanwhile"
    if kind in ("fixture", "bye"):  # a tie drawn, a bye: the clubs' fans hear of it (same transaction)
        try:
            await session.flush()  # the revision's id, which keys its notification
        except IntegrityError:
            return await _clash(session, request=request, conflict=conflict)
        home = fixture.home_id if fixture is not None else (after or {}).get("team_id")
        session.add(
            Notification(
                revision_id=stored_id(revision),
                season_id=season_id,
                fixture_id=stored_id(fixture) if fixture is not None else None,
                kind="drawn" if fixture is not None else "bye",
                home_id=home,
                away_id=fixture.away_id if fixture is not None else None,
                actor=actor,
                created_at=revision.at,
            )
        )
    return await _commit(session, revision, request=request, conflict=conflict)


async def _commit(
    session: AsyncSession, revision: Revision, *, request: str | None, conflict: str
) -> Revision:
    """Commit a write; a clash with one committed a moment ago by another process is settled by the database.

    The same request already applied returns its revision (Discord may deliver a confirmation twice);
    any other clash of unique keys (a season started twice, two ties given the same number) is refused with
    `changed_meanwhile`, and nothing of this write is kept.
    """
    try:
        await session.commit()
    except IntegrityError:
        return await _clash(session, request=request, conflict=conflict)
    return revision  # its id was given at the flush, and nothing of it expires on commit


async def _clash(session: AsyncSession, *, request: str | None, conflict: str) -> Revision:
    """After a unique key refused this write: the same request's revision, or `changed_meanwhile`."""
    await session.rollback()
    again = await _already(session, request)
    if again is not None:
        return again
    raise WriteRefused("changed_meanwhile", f"{conflict}: look again, then try once more.")
