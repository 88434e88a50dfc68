"""The moderators' writing commands: `/report`, `/undo`, `/history`, `/season new`.

Each previews first (the fixture before and after, who goes through, what follows) and applies only when
asked (`apply`), naming the fixture version it previewed. The writes themselves are `bot.store.writes`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, Field
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.answers.errors import AnswerError, BadOption, TeamNotFound
from bot.answers.lookup import find_season, find_team, season_years, snapshot
from bot.answers.models import RoundMatch
from bot.answers.round import round_match
from bot.seasons.outcome import BadResult, settle
from bot.store.models import Fixture, Revision, Season, Team
from bot.store.writes import (
    Side,
    WriteRefused,
    add_bye,
    change_fixture,
    create_season,
    schedule_fixture,
    undo_revision,
)
from bot.store.writes import new_club as new_club_named
from bot.store.writes import snapshot as fixture_snapshot

Status = Literal["played", "postponed", "abandoned", "annulled"]


class Refused(AnswerError):
    """A write that was not applied; its code says why (result_exists, changed_meanwhile, bad_result, …)."""

    def __init__(self, code: str, message: str) -> None:
        """Carry the refusal's code."""
        super().__init__(message)
        self.code = code


class FixtureView(RoundMatch):
    """A fixture as a writing command shows it: the round's view plus where it sits."""

    number: int
    round: int
    season: int
    version: int = 0


class WriteAnswer(BaseModel):
    """What a writing command did or would do."""

    applied: bool
    revision: int | None = None
    fixture: FixtureView | None = None
    before: FixtureView | None = None
    effects: list[str] = Field(default_factory=list)
    confirm: str = ""  # how to apply this preview
    actor: str = ""


class HistoryLine(BaseModel):
    """One revision, as `/history` shows it."""

    id: int
    at: dt.datetime | None
    actor: str
    fixture: int | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    why: str
    change: str = ""  # in words: 'score 2-1 → 2-2 (4-3 pens)'


class HistoryAnswer(BaseModel):
    """`/history`: revisions, newest first."""

    revisions: list[HistoryLine] = Field(default_factory=list)


async def _view(session: AsyncSession, fixture: Fixture) -> FixtureView:
    """`fixture` as the round answers show it, with its number, round, season and version."""
    held = await session.get(Season, fixture.season_id)
    if held is None:
        raise Refused("not_found", f"Fixture {fixture.number} belongs to no season in the records.")
    match = round_match(fixture, await snapshot(session, held))
    return FixtureView(
        **match.model_dump(),
        number=fixture.number,
        round=fixture.round,
        season=held.year,
        version=fixture.version,
    )


async def _find_fixture(
    session: AsyncSession, *, season: int | None, fixture: int | None, home: str | None, away: str | None
) -> Fixture:
    held = await find_season(session, season)  # by default the latest season
    query = select(Fixture).where(Fixture.season_id == held.id)
    if fixture is not None:
        found = (await session.exec(query.where(Fixture.number == fixture))).first()
        if found is None:
            raise Refused("not_found", f"The {held.year} season has no fixture {fixture}.")
        return found
    if not home or not away:
        raise BadOption("Name the tie: fixture:N, or home: and away: (the two clubs).")
    home_club, away_club = await find_team(session, home), await find_team(session, away)
    found = (
        await session.exec(query.where(Fixture.home_id == home_club.id, Fixture.away_id == away_club.id))
    ).first()
    if found is None:
        raise Refused(
            "not_found",
            f"No {held.year} tie has {home_club.name} at home to {away_club.name}: check home and away.",
        )
    return found


async def report(
    session: AsyncSession,
    *,
    fixture: int | None = None,
    home: str | None = None,
    away: str | None = None,
    score: str | None = None,
    aet: bool = False,
    penalties: str | None = None,
    forfeit: bool = False,
    winner: str | None = None,
    status: str = "played",
    date: dt.date | None = None,
    note: str = "",
    source: str = "",
    overwrite: bool = False,
    version: int | None = None,
    season: int | None = None,
    apply: bool = False,
    actor: str = "console",
    request: str | None = None,
) -> WriteAnswer:
    """Preview (or, with `apply`, record) the result of one tie."""
    tie = await _find_fixture(session, season=season, fixture=fixture, home=home, away=away)
    before = await _view(session, tie)
    if apply and version is not None and tie.version != version:
        # Checked first: what the fixture holds now (a result, a side filled) is not what was previewed.
        raise Refused(
            "changed_meanwhile",
            f"Fixture {tie.number} changed since it was previewed (version {version}): it is now "
            f"{_score_words(before)}, entered by {tie.entered_by or 'the importer'}. "
            "Look at it again before confirming.",
        )
    if tie.status == "played" and tie.winner_id is not None and not overwrite:
        raise Refused(
            "result_exists",
            f"Fixture {tie.number} already has a result ({_score_words(before)}, entered by "
            f"{tie.entered_by or 'the importer'}): add overwrite:true to replace it.",
        )
    changes = await _result_changes(
        session,
        tie=tie,
        score=score,
        aet=aet,
        penalties=penalties,
        forfeit=forfeit,
        winner=winner,
        status=status,
        date=date,
        note=note,
        source=source,
    )
    after_fixture = tie.model_copy(update=changes)
    after = await _view(session, after_fixture)
    answer = WriteAnswer(
        applied=False,
        before=before,
        fixture=after,
        actor=actor,
        effects=await _effects(session, tie, after_fixture),
    )
    answer.confirm = f"apply with --yes (or version:{tie.version})"
    if not apply:
        return answer
    expected = tie.version if version is None else version
    try:
        revision = await change_fixture(
            session=session,
            fixture=tie,
            expected_version=expected,
            changes=changes,
            actor=actor,
            why=note or "reported",
            request=request,
        )
    except WriteRefused as refused:
        raise Refused(refused.code, refused.message) from None
    fresh = await session.get(Fixture, tie.id)
    assert fresh is not None
    await session.refresh(fresh)
    return await _applied(session, answer, revision, fresh)


async def _applied(
    session: AsyncSession, answer: WriteAnswer, made: Revision, tie: Fixture | None = None
) -> WriteAnswer:
    """The preview turned into the answer of an applied write: its revision, and the tie as it now stands."""
    answer.applied, answer.revision, answer.confirm = True, made.id, ""
    if tie is not None:
        answer.fixture = await _view(session, tie)
    return answer


async def _result_changes(
    session: AsyncSession,
    *,
    tie: Fixture,
    score: str | None,
    aet: bool,
    penalties: str | None,
    forfeit: bool,
    winner: str | None,
    status: str,
    date: dt.date | None,
    note: str,
    source: str,
) -> dict[str, Any]:
    """The fixture's new fields for this result, or a refusal saying what to write instead."""
    changes: dict[str, Any] = {"note": note, "source_line": source or tie.source_line}
    if date is not None:
        changes["date"] = date
    if status != "played":
        return {
            **changes,
            "status": status,
            "home_score": None,
            "away_score": None,
            "winner_id": None,
            "decided_by": None,
            "penalties": None,
            "extra_time": False,
        }
    for named, feed in (("home", tie.home_from_fixture), ("away", tie.away_from_fixture)):
        if getattr(tie, f"{named}_id") is None:
            raise Refused(
                "depends_on_later_result" if feed else "bad_result",
                f"The {named} side is the winner of fixture {feed}, not known yet: report {feed} first."
                if feed
                else f"Fixture {tie.number} has no {named} side yet.",
            )
    side = await _winner_side(session, tie, winner)
    try:
        outcome = settle(score=score, extra_time=aet, penalties=penalties, forfeit=forfeit, winner=side)
    except BadResult as bad:
        raise Refused("bad_result", str(bad)) from None
    home_score = away_score = None
    if score is not None and not forfeit:
        home_text, _, away_text = score.replace("–", "-").partition("-")
        home_score, away_score = int(home_text), int(away_text)
    return {
        **changes,
        "status": "played",
        "home_score": home_score,
        "away_score": away_score,
        "extra_time": aet,
        "penalties": outcome.penalties,
        "decided_by": outcome.decided_by.value,
        "winner_id": tie.home_id if outcome.winner == "home" else tie.away_id,
    }


async def _winner_side(
    session: AsyncSession, tie: Fixture, winner: str | None
) -> Literal["home", "away"] | None:
    if not winner:
        return None
    if winner.lower() in ("home", "away"):
        return "home" if winner.lower() == "home" else "away"
    club = await find_team(session, winner)
    if club.id == tie.home_id:
        return "home"
    if club.id == tie.away_id:
        return "away"
    raise Refused("bad_result", f"{club.name} is not one of the two sides of fixture {tie.number}.")


def _score_words(view: FixtureView) -> str:
    if view.status != "played":
        return view.status
    if view.decided_by == "forfeit":
        return f"{view.winner} by forfeit"
    pens = (
        f" ({view.penalties} pens)"
        if view.penalties not in (None, "unknown")
        else (" (pens)" if view.decided_by == "penalties" else "")
    )
    return f"{view.home_score}-{view.away_score}{' a.e.t.' if view.extra_time else ''}{pens}"


async def _effects(session: AsyncSession, before: Fixture, after: Fixture) -> list[str]:
    """What follows from the change: who goes through, the later tie it fills, who qualifies or goes out."""
    effects: list[str] = []
    if after.winner_id == before.winner_id:
        return effects
    names = {
        team.id: team.name
        for team in (
            await session.exec(
                select(Team).where(
                    col(Team.id).in_([i for i in (after.home_id, after.away_id) if i is not None])
                )
            )
        ).all()
    }
    if after.winner_id is not None:
        effects.append(f"{names.get(after.winner_id)} goes through from fixture {after.number}")
        loser = after.away_id if after.winner_id == after.home_id else after.home_id
        effects.append(f"{names.get(loser)} is out in round {after.round}")
    linked = (
        await session.exec(
            select(Fixture).where(
                Fixture.season_id == after.season_id,
                (col(Fixture.home_from_fixture) == after.number)
                | (col(Fixture.away_from_fixture) == after.number),
            )
        )
    ).all()
    for later in linked:
        effects.append(
            f"fixture {later.number} (round {later.round}) gets its side: "
            f"{names.get(after.winner_id) if after.winner_id else 'to be decided'}"
        )
    last = max(
        (
            f.round
            for f in (await session.exec(select(Fixture).where(Fixture.season_id == after.season_id))).all()
        ),
        default=after.round,
    )
    if after.round == last and after.winner_id is not None and not linked:
        effects.append(f"{names.get(after.winner_id)} qualifies for the tournament proper")
    return effects


async def undo(
    session: AsyncSession,
    *,
    revision: int | None = None,
    apply: bool = False,
    actor: str = "console",
    request: str | None = None,
    force: bool = False,
) -> WriteAnswer:
    """Revert one revision (by default the actor's last), as a new revision."""
    query = select(Revision).where(Revision.kind == "fixture")
    query = (
        query.where(Revision.id == revision)
        if revision is not None
        else query.where(Revision.actor == actor, col(Revision.undoes).is_(None))
    )
    found = (await session.exec(query.order_by(col(Revision.id).desc()))).first()
    if found is None or found.fixture_id is None:
        raise Refused(
            "not_found",
            f"There is no revision {revision} to undo."
            if revision
            else f"{actor} has made no change to undo.",
        )
    tie = await session.get(Fixture, found.fixture_id)
    assert tie is not None
    later = (
        await session.exec(
            select(Revision).where(Revision.fixture_id == found.fixture_id, col(Revision.id) > found.id)
        )
    ).first()
    if later is not None and not force:
        raise Refused(
            "changed_meanwhile",
            f"Fixture {tie.number} changed again after revision {found.id} "
            f"(revision {later.id} by {later.actor}): add force:true to undo anyway.",
        )
    before = await _view(session, tie)
    restored = tie.model_copy(
        update={k: v for k, v in (found.before or {}).items() if k in fixture_snapshot(tie)}
    )
    answer = WriteAnswer(
        applied=False,
        before=before,
        fixture=await _view(session, restored),
        actor=actor,
        effects=await _effects(session, tie, restored),
        confirm="apply with --yes",
    )
    if not apply:
        return answer
    try:
        made = await undo_revision(session=session, revision=found, actor=actor, request=request)
    except WriteRefused as refused:
        raise Refused(refused.code, refused.message) from None
    await session.refresh(tie)
    return await _applied(session, answer, made, tie)


async def history(
    session: AsyncSession,
    *,
    fixture: int | None = None,
    team: str | None = None,
    season: int | None = None,
    by: str | None = None,
) -> HistoryAnswer:
    """The revisions (changes by people, not the loader's), newest first."""
    query = select(Revision).where(~col(Revision.actor).startswith("importer"))
    if season is not None or fixture is not None:
        held = await find_season(session, season if season is not None else (await season_years(session))[0])
        query = query.where(Revision.season_id == held.id)
    if fixture is not None:
        query = query.where(Revision.fixture_number == fixture)
    if by:
        query = query.where(Revision.actor == by)
    rows = (await session.exec(query.order_by(col(Revision.id).desc()).limit(50))).all()
    if team:
        club = await find_team(session, team)
        rows = [
            r for r in rows if club.id in {(r.after or {}).get("home_id"), (r.after or {}).get("away_id")}
        ]
    return HistoryAnswer(
        revisions=[
            HistoryLine(
                id=r.id or 0,
                at=r.at,
                actor=r.actor,
                fixture=r.fixture_number,
                before=r.before,
                after=r.after,
                why=r.why,
                change=_change_words(r.before, r.after),
            )
            for r in rows
        ]
    )


def _change_words(before: dict[str, Any] | None, after: dict[str, Any] | None) -> str:
    def words(state: dict[str, Any] | None) -> str:
        if not state:
            return "nothing"
        if state.get("status") not in (None, "played"):
            return str(state["status"])
        if state.get("home_score") is None:
            return "by forfeit" if state.get("decided_by") == "forfeit" else "no result"
        pens = state.get("penalties")
        shoot = f" ({pens} pens)" if pens not in (None, "unknown") else (" (pens)" if pens else "")
        aet = " a.e.t." if state.get("extra_time") else ""
        return f"{state['home_score']}-{state['away_score']}{aet}{shoot}"

    if before and after and words(before) == words(after):
        moved = [side for side in ("home", "away") if before.get(f"{side}_id") != after.get(f"{side}_id")]
        if moved:
            return f"{' and '.join(moved)} side filled"
    return f"score {words(before)} → {words(after)}"


async def season_new(
    session: AsyncSession,
    *,
    year: int,
    title: str = "",
    apply: bool = False,
    actor: str = "console",
    request: str | None = None,
) -> WriteAnswer:
    """Start a season by hand."""
    if year in await season_years(session):
        raise Refused("result_exists", f"The {year} season is already in the records.")
    answer = WriteAnswer(
        applied=False,
        actor=actor,
        effects=[f"a new {year} season, with no ties yet"],
        confirm="apply with --yes",
    )
    if apply:
        try:
            made = await create_season(
                session=session,
                year=year,
                title=title or f"{year} U.S. Open Cup qualification",
                actor=actor,
                request=request,
            )
        except WriteRefused as refused:
            raise Refused(refused.code, refused.message) from None
        return await _applied(session, answer, made)
    return answer


async def _side(session: AsyncSession, text: str, *, new_club: bool) -> Side:
    """'winner of 12' (or 'winner of fixture 12'), a club in the records, or (asked for) a new club."""
    words = text.lower().replace("fixture", "").split()
    if len(words) == 3 and words[:2] == ["winner", "of"] and words[2].isascii() and words[2].isdigit():
        return Side(from_fixture=int(words[2]))
    try:
        return Side(team=await find_team(session, text))
    except TeamNotFound as missing:
        if not new_club:
            hint = f" Did you mean {', '.join(missing.candidates)}?" if missing.candidates else ""
            raise TeamNotFound(
                f"No club called '{text}' is in the records.{hint} If it is a new club, add new_club:true.",
                candidates=missing.candidates,
            ) from None
        return Side(team=await new_club_named(session=session, name=text.strip()))


async def fixture_new(
    session: AsyncSession,
    *,
    round: int,
    home: str,
    away: str,
    date: dt.date | None = None,
    kickoff: str | None = None,
    venue: str = "",
    new_club: bool = False,
    season: int | None = None,
    apply: bool = False,
    actor: str = "console",
    request: str | None = None,
) -> WriteAnswer:
    """Preview (or, with `apply`, draw) a tie of a season's round."""
    held = await find_season(session, season)
    when = None
    if kickoff:
        try:
            when = dt.datetime.fromisoformat(kickoff)
        except ValueError:
            raise BadOption(
                f"kickoff is a time with its zone, e.g. 2024-03-19T19:30-05:00, not '{kickoff}'."
            ) from None
        if when.tzinfo is None:
            raise BadOption("kickoff needs its time zone, e.g. 2024-03-19T19:30-05:00 or ...Z for UTC.")
    sides = (await _side(session, home, new_club=new_club), await _side(session, away, new_club=new_club))
    if sides[0].team is not None and sides[1].team is not None and sides[0].team.id == sides[1].team.id:
        raise Refused("bad_result", "A club cannot play itself: name two different clubs.")
    for side in sides:
        if (
            side.from_fixture is not None
            and (
                await session.exec(
                    select(Fixture).where(Fixture.season_id == held.id, Fixture.number == side.from_fixture)
                )
            ).first()
            is None
        ):
            raise Refused("not_found", f"The {held.year} season has no fixture {side.from_fixture}.")
    names = [s.team.name if s.team else f"winner of fixture {s.from_fixture}" for s in sides]
    answer = WriteAnswer(
        applied=False,
        actor=actor,
        confirm="apply with --yes",
        effects=[
            f"{held.year} round {round}: {names[0]} v {names[1]}"
            + (f" on {date.isoformat()}" if date else "")
        ],
    )
    if not apply:
        await session.rollback()  # a new club made for the preview is not kept
        return answer
    try:
        made = await schedule_fixture(
            session=session,
            season=held,
            round_number=round,
            sides=sides,
            date=date,
            kickoff=when,
            venue=venue,
            actor=actor,
            request=request,
        )
    except WriteRefused as refused:
        raise Refused(refused.code, refused.message) from None
    tie = await session.get(Fixture, made.fixture_id)
    assert tie is not None
    return await _applied(session, answer, made, tie)


async def bye(
    session: AsyncSession,
    *,
    round: int,
    team: str,
    season: int | None = None,
    apply: bool = False,
    actor: str = "console",
    request: str | None = None,
) -> WriteAnswer:
    """Preview (or, with `apply`, record) a club's bye through a round."""
    held = await find_season(session, season)
    club = await find_team(session, team)
    answer = WriteAnswer(
        applied=False,
        actor=actor,
        confirm="apply with --yes",
        effects=[f"{club.name} goes through {held.year} round {round} without playing"],
    )
    if apply:
        try:
            made = await add_bye(
                session=session, season=held, round_number=round, team=club, actor=actor, request=request
            )
        except WriteRefused as refused:
            raise Refused(refused.code, refused.message) from None
        return await _applied(session, answer, made)
    return answer
