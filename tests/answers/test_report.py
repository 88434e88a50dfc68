"""Moderators' writes through the console: preview, apply, refusals, what follows, undo, history, races."""

from __future__ import annotations

import asyncio
import io
import json
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import col, select

import bot.answers.report as report_answers
from bot.answers.report import Refused, report
from bot.console import run_console
from bot.store.engine import Store
from bot.store.export import export_seasons
from bot.store.models import Fixture, Revision
from bot.store.version import store_version


async def console(store: Store, *lines: str, apply: bool = False, actor: str = "mod:alice") -> list[dict]:
    out = io.StringIO()
    await run_console(store, lines, as_json=True, out=out, apply=apply, actor=actor)
    return [json.loads(line) for line in out.getvalue().splitlines()]


async def fixture_of(store: Store, home: str, round_number: int) -> int:
    [reply] = await console(store, f"/round number:{round_number} season:2024")
    return next(m["fixture"] for m in reply["data"]["matches"] if m["home"] == home)


async def test_a_season_played_on_by_moderators(moderated: Store) -> None:
    """Round 3 results reported one by one fill round 4's sides; /path and /qualifiers follow at once."""
    folsom_r3 = await fixture_of(moderated, "FC Folsom", 3)
    [preview] = await console(moderated, f"/report fixture:{folsom_r3} score:5-3 season:2024")
    assert preview["ok"] and preview["data"]["applied"] is False and preview["data"]["revision"] is None
    assert (
        preview["data"]["before"]["status"] == "scheduled" and preview["data"]["fixture"]["home_score"] == 5
    )
    assert "FC Folsom goes through" in preview["data"]["effects"][0]
    [path] = await console(moderated, "/path team:FC Folsom season:2024")
    assert path["data"]["status"] == "alive"  # a preview changes nothing
    version = await _version(moderated)
    [done] = await console(moderated, f"/report fixture:{folsom_r3} score:5-3 season:2024", apply=True)
    assert done["data"]["applied"] is True and isinstance(done["data"]["revision"], int)
    assert await _version(moderated) > version
    [path] = await console(moderated, "/path team:FC Folsom season:2024")
    nxt = path["data"]["next_fixture"]
    assert path["data"]["status"] == "alive" and nxt["round"] == 4 and nxt["opponent"] is None
    assert path["data"]["freshness"]["entered_by"] == "mod:alice"
    # The other round-3 tie feeding Folsom's round-4 tie: a level score needs its shoot-out or winner.
    other = nxt["opponent_from_fixture"]
    [level] = await console(moderated, f"/report fixture:{other} score:1-1 season:2024", apply=True)
    assert level["ok"] is False and level["error"]["code"] == "bad_result"
    assert "penalties:" in level["error"]["message"]
    [shootout] = await console(
        moderated, f"/report fixture:{other} score:1-1 penalties:3-4 season:2024", apply=True
    )
    assert shootout["ok"], shootout
    [path] = await console(moderated, "/path team:FC Folsom season:2024")
    assert path["data"]["next_fixture"]["opponent"] == shootout["data"]["fixture"]["away"]
    final = path["data"]["next_fixture"]["fixture"]
    [won] = await console(moderated, f"/report fixture:{final} score:4-2 aet:true season:2024", apply=True)
    assert won["ok"], won
    assert any("qualifies for the tournament proper" in e for e in won["data"]["effects"])
    [path] = await console(moderated, "/path team:FC Folsom season:2024")
    assert path["data"]["status"] in ("qualified", "eliminated")
    [history] = await console(moderated, "/history season:2024")
    changes = [line["change"] for line in history["data"]["revisions"]]
    assert "score scheduled → 1-1 (3-4 pens)" in changes and "away side filled" in changes


async def test_refusals_say_what_to_write(moderated: Store) -> None:
    """Each result a moderator could get wrong silently is refused in one sentence, and nothing changes."""
    played = await fixture_of(moderated, "FC Folsom", 2)
    later = await fixture_of(moderated, "FC Folsom", 3)
    cases = {
        f"/report fixture:{played} score:3-0 season:2024": "result_exists",
        f"/report fixture:{later} score:2-1 penalties:4-3 season:2024": "bad_result",
        f"/report fixture:{later} score:1-1 penalties:3-3 season:2024": "bad_result",
        f"/report fixture:{later} forfeit:true season:2024": "bad_result",
        f"/report fixture:{later} score:2-1 winner:away season:2024": "bad_result",
        f"/report fixture:{later} score:2-1 winner:Azteca FC season:2024": "bad_result",
        "/report fixture:9999 score:1-0 season:2024": "not_found",
    }
    before = await _version(moderated)
    for line, code in cases.items():
        [reply] = await console(moderated, line, apply=True)
        assert reply["ok"] is False and reply["error"]["code"] == code, (line, reply)
    round4 = next(f for f in await _fixtures(moderated) if f.round == 4)
    [blocked] = await console(moderated, f"/report fixture:{round4.number} score:1-0 season:2024", apply=True)
    assert blocked["error"]["code"] == "depends_on_later_result"
    assert await _version(moderated) == before


async def test_overwrite_shows_who_entered_it_and_undo_puts_it_back(moderated: Store) -> None:
    """A result already entered needs overwrite:true; undo is a new revision that restores it."""
    played = await fixture_of(moderated, "FC Folsom", 2)
    [refused] = await console(moderated, f"/report fixture:{played} score:0-1 season:2024", apply=True)
    assert (
        "entered by importer" in refused["error"]["message"]
        and "overwrite:true" in refused["error"]["message"]
    )
    [done] = await console(
        moderated,
        f"/report fixture:{played} score:0-1 overwrite:true season:2024",
        apply=True,
        actor="mod:bob",
    )
    assert done["data"]["fixture"]["winner"] != done["data"]["before"]["winner"]
    [path] = await console(moderated, "/path team:FC Folsom season:2024")
    assert path["data"]["status"] == "eliminated"
    [undone] = await console(moderated, "/undo", apply=True, actor="mod:bob")
    assert undone["ok"] and undone["data"]["fixture"]["winner"] == done["data"]["before"]["winner"]
    [path] = await console(moderated, "/path team:FC Folsom season:2024")
    assert path["data"]["status"] == "alive"
    async with moderated.session() as session:
        revisions = (await session.exec(select(Revision).order_by(col(Revision.id)))).all()
    assert [r.undoes for r in revisions if r.fixture_number == played][-1] == done["data"]["revision"]


async def test_the_same_request_applies_once(moderated: Store) -> None:
    """Discord may deliver a confirmation twice: the request id makes the second a no-op."""
    later = await fixture_of(moderated, "FC Folsom", 3)
    async with moderated.session() as session:
        first = await report(
            session, fixture=later, score="2-0", season=2024, apply=True, actor="m", request="i1"
        )
    async with moderated.session() as session:
        again = await report(
            session,
            fixture=later,
            score="2-0",
            season=2024,
            apply=True,
            actor="m",
            request="i1",
            overwrite=True,
        )
    assert first.revision == again.revision
    async with moderated.session() as session:
        rows = (await session.exec(select(Revision))).all()
    # the result, and the round-4 side it fills: each once, however often the request came
    assert sorted(r.fixture_number or 0 for r in rows).count(later) == 1 and len(rows) == 2
    assert [r.request for r in rows].count("i1") == 1


async def test_two_moderators_at_once_one_applies(moderated: Store) -> None:
    """Two confirmations of one previewed version at the same moment: one applies, one changed_meanwhile."""
    later = await fixture_of(moderated, "FC Folsom", 3)

    async def confirm(score: str, actor: str) -> str:
        async with moderated.session() as session:
            try:
                await report(
                    session, fixture=later, score=score, season=2024, apply=True, actor=actor, version=0
                )
            except Refused as refused:
                return refused.code
            return "applied"

    outcomes = await asyncio.gather(confirm("2-0", "mod:a"), confirm("0-2", "mod:b"))
    assert sorted(outcomes) == ["applied", "changed_meanwhile"]
    async with moderated.session() as session:
        revisions = (await session.exec(select(Revision))).all()
        tie = (await session.exec(select(Fixture).where(Fixture.number == later))).first()
    assert len([r for r in revisions if r.fixture_number == later]) == 1
    assert tie is not None and tie.version == 1


async def test_a_new_season_by_hand(moderated: Store) -> None:
    [preview] = await console(moderated, "/season new year:2026")
    assert preview["data"]["applied"] is False
    [done] = await console(moderated, "/season new year:2026", apply=True)
    assert done["data"]["applied"] is True
    [again] = await console(moderated, "/season new year:2026", apply=True)
    assert again["error"]["code"] == "result_exists"


async def test_a_confirmation_finds_its_preview_worked_out_and_a_write_between_is_seen(
    moderated: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A result is worked out once for its preview and its confirmation; after a write, afresh."""
    worked: list[int] = []
    real = report_answers._result_changes

    def counted(*args: Any, **kwargs: Any) -> Any:
        worked.append(kwargs["tie"].number)
        return real(*args, **kwargs)

    monkeypatch.setattr(report_answers, "_result_changes", counted)
    tie = await fixture_of(moderated, "FC Folsom", 3)
    asked: dict[str, Any] = {"fixture": tie, "score": "2-1", "season": 2024, "overwrite": True}
    async with moderated.session() as session:
        preview = await report(session, **asked)
    assert preview.before is not None
    async with moderated.session() as session:
        done = await report(session, **asked, apply=True, version=preview.before.version)
    assert worked == [tie]  # the confirmation used the preview's plan
    assert done.applied and done.fixture is not None and done.fixture.home_score == 2
    assert done.effects == preview.effects and "FC Folsom goes through" in done.effects[0]
    async with moderated.session() as session:  # the store moved: the same question is worked out again
        again = await report(session, **asked)
    assert worked == [tie, tie]
    assert again.before is not None and again.before.status == "played" and again.before.home_score == 2
    for _ in range(2):  # a refused result is refused every time it is asked
        async with moderated.session() as session:
            with pytest.raises(Refused) as refused:
                await report(session, fixture=tie, score="1-1", season=2024, overwrite=True)
        assert refused.value.code == "bad_result"


async def _version(store: Store) -> int:
    async with store.session() as session:
        return await store_version(session)


async def _fixtures(store: Store) -> list[Fixture]:
    async with store.session() as session:
        return list((await session.exec(select(Fixture).where(col(Fixture.home_id).is_(None)))).all())


async def test_a_season_from_nothing(moderated: Store, tmp_path: Path) -> None:
    """/season new, a draw with a new club (asked for), a bye, a result, round 2 drawn 'winner of 1'."""
    steps = [
        "/season new year:2026",
        "/fixture round:1 home:folsom away:Brand New Athletic new_club:true date:2026-03-01 season:2026",
        "/bye round:1 team:holac season:2026",
        "/report fixture:1 score:0-0 winner:away season:2026",
        "/fixture round:2 home:Holac FC away:winner of 1 season:2026",
    ]
    for line in steps:
        [reply] = await console(moderated, line, apply=True)
        assert reply["ok"] and reply["data"]["applied"], (line, reply)
    [unknown] = await console(
        moderated, "/fixture round:1 home:folsom away:Nobody United season:2026", apply=True
    )
    assert unknown["error"]["code"] == "team_not_found" and "new_club:true" in unknown["error"]["message"]
    [missing] = await console(
        moderated, "/fixture round:2 home:folsom away:winner of 99 season:2026", apply=True
    )
    assert missing["error"]["code"] == "not_found"
    [round2] = await console(moderated, "/round number:2 season:2026")
    [tie] = round2["data"]["matches"]
    assert (tie["home"], tie["away"], tie["away_from_fixture"]) == ("Holac FC", "Brand New Athletic", 1)
    [round1] = await console(moderated, "/round number:1 season:2026")
    assert round1["data"]["byes"] == ["Holac FC"]
    [path] = await console(moderated, "/path team:brand new athletic season:2026")
    assert path["data"]["status"] == "alive" and path["data"]["next_fixture"]["opponent"] == "Holac FC"
    [history] = await console(moderated, "/history season:2026")
    assert len(history["data"]["revisions"]) >= 4
    # The season moderators made exports as data/ that passes check-data (byes, entries, draws agree).
    async with moderated.session() as session:
        [exported] = await export_seasons(session=session, out=tmp_path, years=[2026])
    assert exported.problems == [], exported.problems
    assert (tmp_path / "seasons" / "2026" / "fixtures.csv").is_file()


async def test_clashing_writes_at_once_are_settled_by_the_database(moderated: Store) -> None:
    """Two /season new for one year, and two draws taking the next fixture number, at the same moment."""

    async def write(line: str, actor: str) -> dict:
        [reply] = await console(moderated, line, apply=True, actor=actor)
        return reply

    seasons = await asyncio.gather(
        write("/season new year:2030", "mod:a"), write("/season new year:2030", "mod:b")
    )
    assert sorted(r["ok"] for r in seasons) == [False, True]
    refused = next(r for r in seasons if not r["ok"])
    assert refused["error"]["code"] in ("result_exists", "changed_meanwhile")
    draws = await asyncio.gather(
        write("/fixture round:1 home:folsom away:holac season:2030", "mod:a"),
        write("/fixture round:1 home:azteca away:harpos season:2030", "mod:b"),
    )
    for reply in draws:  # each is drawn, or refused in words: never an internal error, never a doubled number
        assert reply["ok"] or reply["error"]["code"] == "changed_meanwhile", reply
    [round1] = await console(moderated, "/round number:1 season:2030")
    numbers = [m["fixture"] for m in round1["data"]["matches"]]
    assert len(numbers) == len(set(numbers)) == sum(1 for r in draws if r["ok"])
