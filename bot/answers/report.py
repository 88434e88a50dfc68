"""The moderators' writing commands: `/report`, `/undo`, `/history`, `/season new`.

Each previews first (the fixture before and after, who goes through, what follows) and applies only when
asked (`apply`), naming the fixture version it previewed. The writes themselves are `bot.store.writes`.
"""

from __future__ import annotations

import datetime as dt
import weakref
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

from pydantic import Field
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.answers.errors import AnswerError, BadOption, TeamNotFound
from bot.answers.lookup import (
    SeasonSnapshot,
    StoreModel,
    current_model,
    find_season,
    find_team,
    find_team_in,
    season_in,
    season_years,
)
from bot.answers.models import RoundMatch
from bot.answers.round import match_fields
from bot.modelbase import Deferred
from bot.seasons.facts import FixtureStatus
from bot.seasons.outcome import BadResult, settle
from bot.store.model import model_after
from bot.store.models import Fixture, FixtureUpdate, Revision
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


class WriteAnswer(Deferred):
    """What a writing command did or would do."""

    applied: bool
    revision: int | None = None
    fixture: FixtureView | None = None
    before: FixtureView | None = None
    effects: list[str] = Field(default_factory=list)
    confirm: str = ""  # how to apply this preview
    actor: str = ""


class HistoryLine(Deferred):
    """One revision, as `/history` shows it."""

    id: int
    at: dt.datetime | None
    actor: str
    fixture: int | None  # the fixture's number; None for a change to a season, an entry or a bye
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    why: str
    change: str = ""  # in words: 'score 2-1 → 2-2 (4-3 pens)', 'entry: Brand New FC from round 2'
    kind: str = "fixture"  # what changed: fixture / entry / bye / season


class HistoryAnswer(Deferred):
    """`/history`: revisions, newest first."""

    revisions: list[HistoryLine] = Field(default_factory=list)


def fixture_view(view: SeasonSnapshot, fixture: Fixture) -> FixtureView:
    """`fixture` as the round answers show it, with its number, round, season and version."""
    return FixtureView(
        **match_fields(fixture, view),
        number=fixture.number,
        round=fixture.round,
        season=view.season.year,
        version=fixture.version,
    )


def _season_of(model: StoreModel, fixture: Fixture) -> SeasonSnapshot:
    for view in model.seasons.values():
        if view.season.id == fixture.season_id:
            return view
    raise Refused("not_found", f"Fixture {fixture.number} belongs to no season in the records.")


async def _now(session: AsyncSession, fixture: Fixture, version: int) -> tuple[SeasonSnapshot, Fixture]:
    """The season of `fixture` and the fixture itself, as they stand after the write of `version`."""
    view = _season_of(await model_after(session, version), fixture)
    return view, view.by_number.get(fixture.number, fixture)


def _find_fixture(
    model: StoreModel, *, season: int | None, fixture: int | None, home: str | None, away: str | None
) -> tuple[SeasonSnapshot, Fixture]:
    view = season_in(model, season)  # by default the latest season
    held = view.season
    if fixture is not None:
        found = view.by_number.get(fixture)
        if found is None:
            raise Refused("not_found", f"The {held.year} season has no fixture {fixture}.")
        return view, found
    if not home or not away:
        raise BadOption("Name the tie: fixture:N, or home: and away: (the two clubs).")
    home_club, away_club = find_team_in(model, home), find_team_in(model, away)
    for tie in view.fixtures:
        if tie.home_id == home_club.id and tie.away_id == away_club.id:
            return view, tie
    raise Refused(
        "not_found",
        f"No {held.year} tie has {home_club.name} at home to {away_club.name}: check home and away.",
    )


class _Asked(NamedTuple):
    """What a /report names: the tie, and the result."""

    season: int | None
    fixture: int | None
    home: str | None
    away: str | None
    score: str | None
    aet: bool
    penalties: str | None
    forfeit: bool
    winner: str | None
    status: str
    date: dt.date | None
    note: str
    source: str


@dataclass(frozen=True)
class _Plan:
    """A result worked out against one model: the tie, before and after, and what follows from it."""

    tie: Fixture
    before: FixtureView
    result: FixtureUpdate | AnswerError  # the fixture's new fields, or why the result is refused
    after: FixtureView | None
    effects: tuple[str, ...]


class _Plans:
    """The results last worked out against the model held, by what was asked (at most `KEPT`).

    A confirmation asks what its preview asked, a moment later: unless the store moved meanwhile (another
    model), its plan is found here instead of worked out again. Plans of an older model are dropped.
    """

    KEPT = 64

    def __init__(self) -> None:
        """No plans yet."""
        self.model: weakref.ref[StoreModel] | None = None
        self.plans: dict[_Asked, _Plan] = {}

    def of(self, model: StoreModel) -> dict[_Asked, _Plan]:
        """The plans worked out against `model` (none, when another model was held before)."""
        if self.model is None or self.model() is not model:
            self.model, self.plans = weakref.ref(model), {}
        return self.plans


_PLANS = _Plans()


def _planned(model: StoreModel, asked: _Asked) -> _Plan:
    """The plan of `asked` against `model`: kept from a moment ago, or worked out now (and kept)."""
    plans = _PLANS.of(model)
    plan = plans.get(asked)
    if plan is not None:
        return plan
    view, tie = _find_fixture(
        model, season=asked.season, fixture=asked.fixture, home=asked.home, away=asked.away
    )
    before = fixture_view(view, tie)
    try:
        changes = _result_changes(
            model,
            tie=tie,
            score=asked.score,
            aet=asked.aet,
            penalties=asked.penalties,
            forfeit=asked.forfeit,
            winner=asked.winner,
            status=asked.status,
            date=asked.date,
            note=asked.note,
            source=asked.source,
        )
    except AnswerError as refused:  # raised in its turn, after the checks that come first; not kept
        return _Plan(tie, before, refused, None, ())
    after = tie.model_copy(update=changes.model_dump(exclude_unset=True))
    plan = _Plan(tie, before, changes, fixture_view(view, after), tuple(_effects(view, tie, after)))
    if len(plans) >= _Plans.KEPT:
        del plans[next(iter(plans))]
    plans[asked] = plan
    return plan


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
    # Applying with no previewed version takes the fixture's version from the model: read it afresh. A
    # preview, or a confirmation naming its version, may use a model read moments ago (RECHECK_AFTER):
    # the UPDATE's version check refuses a confirmation that another process's write made stale.
    asked = _Asked(
        season, fixture, home, away, score, aet, penalties, forfeit, winner, status, date, note, source
    )
    plan = _planned(await current_model(session, fresh=apply and version is None), asked)
    if apply and version is not None and plan.tie.version != version:
        # The model read moments ago may be the one behind (a write elsewhere): look again before refusing.
        plan = _planned(await current_model(session, fresh=True), asked)
    tie, before = plan.tie, plan.before
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
    if isinstance(plan.result, AnswerError):
        raise plan.result
    answer = WriteAnswer(
        applied=False, before=before, fixture=plan.after, actor=actor, effects=list(plan.effects)
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
            changes=plan.result,
            actor=actor,
            why=note or "reported",
            request=request,
        )
    except WriteRefused as refused:
        raise Refused(refused.code, refused.message) from None
    return await _applied(session, answer, revision, tie)


async def _applied(
    session: AsyncSession, answer: WriteAnswer, made: Revision, tie: Fixture | None = None
) -> WriteAnswer:
    """The preview turned into the answer of an applied write: its revision, and the tie as it now stands."""
    answer.applied, answer.revision, answer.confirm = True, made.id, ""
    if tie is not None:
        answer.fixture = fixture_view(*await _now(session, tie, made.store_version))
    return answer


def _result_changes(
    model: StoreModel,
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
) -> FixtureUpdate:
    """The fixture's new fields for this result, or a refusal saying what to write instead."""
    kept: dict[str, Any] = {"note": note, "source_line": source or tie.source_line}
    if date is not None:
        kept["date"] = date
    state = FixtureStatus(status)
    if state != FixtureStatus.PLAYED:
        if score is not None or penalties is not None or forfeit or winner:
            raise Refused(
                "bad_result",
                f"A {state.value} tie has no result: drop score:, penalties:, forfeit: and winner:, "
                "or report it with status:played.",
            )
        cleared = dict.fromkeys(("home_score", "away_score", "winner_id", "decided_by", "penalties"))
        return FixtureUpdate.model_validate({**kept, **cleared, "status": state, "extra_time": False})
    for named, feed in (("home", tie.home_from_fixture), ("away", tie.away_from_fixture)):
        if getattr(tie, f"{named}_id") is None:
            raise Refused(
                "depends_on_later_result" if feed else "bad_result",
                f"The {named} side is the winner of fixture {feed}, not known yet: report {feed} first."
                if feed
                else f"Fixture {tie.number} has no {named} side yet.",
            )
    side = _winner_side(model, tie, winner)
    try:
        outcome = settle(score=score, extra_time=aet, penalties=penalties, forfeit=forfeit, winner=side)
    except BadResult as bad:
        raise Refused("bad_result", str(bad)) from None
    home_score = away_score = None
    if score is not None and not forfeit:
        home_text, _, away_text = score.replace("–", "-").partition("-")
        home_score, away_score = int(home_text), int(away_text)
    return FixtureUpdate.model_validate(
        {
            **kept,
            "status": FixtureStatus.PLAYED,
            "home_score": home_score,
            "away_score": away_score,
            "extra_time": aet,
            "penalties": outcome.penalties,
            "decided_by": outcome.decided_by,
            "winner_id": tie.home_id if outcome.winner == "home" else tie.away_id,
        }
    )


def _winner_side(model: StoreModel, tie: Fixture, winner: str | None) -> Literal["home", "away"] | None:
    if not winner:
        return None
    if winner.lower() in ("home", "away"):
        return "home" if winner.lower() == "home" else "away"
    club = find_team_in(model, winner)
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


def _effects(view: SeasonSnapshot, before: Fixture, after: Fixture) -> list[str]:
    """What follows from the change: who goes through, the later tie it fills, who qualifies or goes out."""
    effects: list[str] = []
    if after.winner_id == before.winner_id:
        return effects
    names = {team_id: view.teams[team_id].name for team_id in (after.home_id, after.away_id) if team_id}
    if after.winner_id is not None:
        effects.append(f"{names.get(after.winner_id)} goes through from fixture {after.number}")
        loser = after.away_id if after.winner_id == after.home_id else after.home_id
        effects.append(f"{names.get(loser or 0)} is out in round {after.round}")
    linked = view.fed_by.get(after.number, ())
    for later in linked:
        effects.append(
            f"fixture {later.number} (round {later.round}) gets its side: "
            f"{names.get(after.winner_id) if after.winner_id else 'to be decided'}"
        )
    if after.round == view.last_round and after.winner_id is not None and not linked:
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
        if revision is not None  # an import's own changes are undone as a whole (import-undo)
        else query.where(
            Revision.actor == actor, col(Revision.undoes).is_(None), col(Revision.batch).is_(None)
        )
    )
    found = (await session.exec(query.order_by(col(Revision.id).desc()))).first()
    if found is not None and found.batch is not None:
        raise Refused(
            "bad_result",
            f"Revision {found.id} belongs to import {found.batch}: undo the whole import "
            f"(/mod import-undo batch:{found.batch}, or python -m bot import-undo {found.batch}).",
        )
    if found is None or found.fixture_id is None:
        raise Refused(
            "not_found",
            f"There is no revision {revision} to undo."
            if revision
            else f"{actor} has made no change to undo.",
        )
    model = await current_model(session, fresh=True)
    held = next((v for v in model.seasons.values() if v.season.id == found.season_id), None)
    tie = held.by_number.get(found.fixture_number or 0) if held is not None else None
    if held is None or tie is None:
        raise Refused("not_found", f"The fixture of revision {found.id} is no longer in the records.")
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
    played_later = [f.number for f in held.fed_by.get(tie.number, ()) if f.status == "played"]
    restored = tie.model_copy(
        update={k: v for k, v in (found.before or {}).items() if k in fixture_snapshot(tie)}
    )
    if played_later and restored.winner_id != tie.winner_id and not force:
        raise Refused(
            "depends_on_later_result",
            f"Fixture {played_later[0]} has been played by the winner of fixture {tie.number}: undoing "
            f"revision {found.id} changes who was in it. Add force:true to undo anyway.",
        )
    answer = WriteAnswer(
        applied=False,
        before=fixture_view(held, tie),
        fixture=fixture_view(held, restored),
        actor=actor,
        effects=_effects(held, tie, restored),
        confirm="apply with --yes",
    )
    if not apply:
        return answer
    try:
        made = await undo_revision(session=session, revision=found, actor=actor, request=request)
    except WriteRefused as refused:
        raise Refused(refused.code, refused.message) from None
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
    query = query.order_by(col(Revision.id).desc())
    rows = list((await session.exec(query if team else query.limit(50))).all())
    if team:  # a club's changes are found in the revisions' contents: the newest 50 of them are kept
        club = await find_team(session, team)

        def concerns(revision: Revision) -> bool:
            """Whether `revision` touches the club: a tie it plays, its entry or its bye."""
            states = [state for state in (revision.before, revision.after) if state]
            if revision.kind == "bye":
                return any(
                    state.get("team_id") == club.id
                    or ("team_id" not in state and state.get("team") == club.name)
                    for state in states
                )
            keys = ("team_id",) if revision.kind == "entry" else ("home_id", "away_id")
            return any(state.get(key) == club.id for state in states for key in keys)

        rows = [r for r in rows if concerns(r)]
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
                change=_change_words(r.before, r.after, kind=r.kind),
                kind=r.kind,
            )
            for r in rows[:50]
        ]
    )


def _change_words(
    before: dict[str, Any] | None, after: dict[str, Any] | None, *, kind: str = "fixture"
) -> str:
    """A revision's change in words, by what it changed (a fixture, an entry, a bye, a season)."""
    if kind == "entry":  # 'entry: Brand New FC from round 2'
        state = after or before or {}
        name = state.get("team") or state.get("name_in_season") or f"club {state.get('team_id')}"
        if before and after:
            moved = [
                f"{key} {before.get(key)} → {after.get(key)}"
                for key in after
                if before.get(key) != after.get(key)
            ]
            return f"entry of {name}: {', '.join(moved) or 'unchanged'}"
        told = f"entry{'' if after else ' taken back'}: {name}"
        if state.get("entry_round") is not None:
            told += f" from round {state['entry_round']}"
        return told + (f" ({state['track']})" if state.get("track") not in (None, "local") else "")
    if kind == "season":
        state = after or before or {}
        return f"season {state.get('year')} started" + (f": {state['title']}" if state.get("title") else "")
    if kind == "bye":
        state = after or before or {}
        gone = "" if after else " taken back"
        return f"bye{gone}: {state.get('team')} through round {state.get('round')}"
    if before is None and after is not None:
        return "drawn" + (f" for {after['date']}" if after.get("date") else "")

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
        filled = [side for side in moved if after.get(f"{side}_id") is not None]
        emptied = [side for side in moved if after.get(f"{side}_id") is None]
        said = [f"{' and '.join(filled)} side filled"] if filled else []
        said += [f"{' and '.join(emptied)} side to be decided again"] if emptied else []
        if said:
            return "; ".join(said)
    change = f"score {words(before)} → {words(after)}"
    if before and after and before.get("date") != after.get("date"):
        change += f"; date {before.get('date') or 'none'} → {after.get('date') or 'none'}"
    return change


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
    await current_model(session, fresh=True)  # a writer sees the store as it is now (its lookups reuse it)
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
    await current_model(session, fresh=True)  # a writer sees the store as it is now (its lookups reuse it)
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
    await current_model(session, fresh=True)  # a writer sees the store as it is now (its lookups reuse it)
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
