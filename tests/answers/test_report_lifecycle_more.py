"""A season from nothing through the console: postponed then played, abandoned then replayed, undo; and the
entries a moderator's /fixture or /bye makes, each a revision of its own."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest_asyncio
from sqlmodel import col, select

from bot.answers.report import fixture_new, history
from bot.store.engine import Store
from bot.store.export import export_seasons
from bot.store.loader import reload_data
from bot.store.models import Entry, Revision, Season
from bot.store.version import store_version
from tests.answers.test_report import console

CLUBS = ("Alpha FC", "Beta FC", "Gamma FC", "Delta FC")


@pytest_asyncio.fixture
async def from_nothing(empty_url: str, tmp_path: Path) -> AsyncIterator[Store]:
    """A store opened on an empty data/: no season, no club."""
    folder = tmp_path / "data"
    folder.mkdir()
    store = await Store(empty_url, folder).open()
    yield store
    await store.close()


async def _drawn(store: Store) -> None:
    """2026 by hand: Alpha v Beta (1) and Gamma v Delta (2) in round 1, their winners in round 2 (3)."""
    for line in (
        "/season new year:2026",
        "/fixture round:1 home:Alpha FC away:Beta FC new_club:true date:2026-03-01 season:2026",
        "/fixture round:1 home:Gamma FC away:Delta FC new_club:true date:2026-03-01 season:2026",
        "/fixture round:2 home:winner of 1 away:winner of 2 season:2026",
    ):
        [reply] = await console(store, line, apply=True)
        assert reply["ok"] and reply["data"]["applied"], (line, reply)


async def standing(store: Store) -> dict[str, Any]:
    """What /path, /round and /qualifiers say of 2026, in short: each club's state and next tie, round 2's
    sides, the qualifiers."""
    seen: dict[str, Any] = {}
    for club in CLUBS:
        [reply] = await console(store, f"/path team:{club} season:2026")
        assert reply["ok"], reply
        data = reply["data"]
        nxt = data["next_fixture"]
        seen[club] = (
            data["status"],
            nxt and (nxt["fixture"], nxt["status"], nxt["date"], nxt["won"], nxt["opponent"]),
            data["eliminated_by"],
        )
    [round1] = await console(store, "/round number:1 season:2026")
    seen["round 1"] = [(m["fixture"], m["status"], m["date"], m["winner"]) for m in round1["data"]["matches"]]
    [round2] = await console(store, "/round number:2 season:2026")
    [final] = round2["data"]["matches"]
    seen["round 2"] = (final["home"], final["away"], final["home_from_fixture"], final["away_from_fixture"])
    [through] = await console(store, "/qualifiers season:2026")
    seen["qualifiers"] = [q["team"] for q in through["data"]["qualifiers"]]
    return seen


async def _history_of(store: Store, number: int) -> list[dict[str, Any]]:
    [reply] = await console(store, f"/history fixture:{number} season:2026")
    assert reply["ok"], reply
    lines: list[dict[str, Any]] = reply["data"]["revisions"]
    return lines


async def test_postponed_then_played_abandoned_then_replayed_and_undone(from_nothing: Store) -> None:
    store = from_nothing
    await _drawn(store)
    drawn = await standing(store)
    assert drawn == {
        "Alpha FC": ("alive", (1, "scheduled", "2026-03-01", None, "Beta FC"), None),
        "Beta FC": ("alive", (1, "scheduled", "2026-03-01", None, "Alpha FC"), None),
        "Gamma FC": ("alive", (2, "scheduled", "2026-03-01", None, "Delta FC"), None),
        "Delta FC": ("alive", (2, "scheduled", "2026-03-01", None, "Gamma FC"), None),
        "round 1": [(1, "scheduled", "2026-03-01", None), (2, "scheduled", "2026-03-01", None)],
        "round 2": (None, None, 1, 2),
        "qualifiers": [],
    }

    # Postponed, with its new date: a preview changes nothing; applied, the tie is still to come, on 8 March.
    postpone = "/report fixture:1 status:postponed date:2026-03-08 season:2026"
    [preview] = await console(store, postpone)
    assert preview["ok"] and preview["data"]["applied"] is False
    shown = preview["data"]["fixture"]
    assert (shown["status"], shown["date"]) == ("postponed", "2026-03-08")
    assert await standing(store) == drawn
    [postponed] = await console(store, postpone, apply=True)
    assert postponed["ok"] and postponed["data"]["applied"], postponed
    assert postponed["data"]["effects"] == []  # nobody goes through a postponed tie
    now = await standing(store)
    assert now["Alpha FC"] == ("alive", (1, "postponed", "2026-03-08", None, "Beta FC"), None)
    assert now["Beta FC"] == ("alive", (1, "postponed", "2026-03-08", None, "Alpha FC"), None)
    assert now["round 1"][0] == (1, "postponed", "2026-03-08", None)
    assert now["round 2"] == (None, None, 1, 2) and now["qualifiers"] == []

    # Then played: a postponed tie holds no result, so no overwrite is needed; Alpha goes on to fixture 3.
    [played] = await console(store, "/report fixture:1 score:2-1 season:2026", apply=True)
    assert played["ok"], played
    assert played["data"]["fixture"]["date"] == "2026-03-08"  # the new date stays
    assert "Alpha FC goes through from fixture 1" in played["data"]["effects"]
    now = await standing(store)
    assert now["Alpha FC"] == ("alive", (3, "scheduled", None, None, None), None)
    assert now["Beta FC"] == ("eliminated", None, "Alpha FC")
    assert now["round 1"][0] == (1, "played", "2026-03-08", "Alpha FC")
    assert now["round 2"] == ("Alpha FC", None, 1, 2) and now["qualifiers"] == []

    # Abandoned: not decided yet, for both clubs, and Alpha may still meet either.
    [abandoned] = await console(
        store, "/report fixture:2 status:abandoned note:floodlights failed season:2026", apply=True
    )
    assert abandoned["ok"], abandoned
    now = await standing(store)
    for club, other in (("Gamma FC", "Delta FC"), ("Delta FC", "Gamma FC")):
        assert now[club] == ("alive", (2, "abandoned", "2026-03-01", None, other), None)
    assert now["round 1"][1] == (2, "abandoned", "2026-03-01", None)
    assert now["round 2"] == ("Alpha FC", None, 1, 2) and now["qualifiers"] == []
    [alpha] = await console(store, "/path team:Alpha FC season:2026")
    assert sorted(alpha["data"]["possible_opponents"]) == ["Delta FC", "Gamma FC"]
    after_abandoned = now

    # Replayed: the result goes in over the abandoned tie (no overwrite needed), Delta goes through.
    [replay] = await console(store, "/report fixture:2 score:0-3 note:replayed season:2026", apply=True)
    assert replay["ok"], replay
    assert replay["data"]["before"]["status"] == "abandoned"
    assert replay["data"]["fixture"]["winner"] == "Delta FC"
    now = await standing(store)
    assert now["Delta FC"] == ("alive", (3, "scheduled", None, None, "Alpha FC"), None)
    assert now["Gamma FC"] == ("eliminated", None, "Delta FC")
    assert now["Alpha FC"] == ("alive", (3, "scheduled", None, None, "Delta FC"), None)
    assert now["round 2"] == ("Alpha FC", "Delta FC", 1, 2) and now["qualifiers"] == []
    after_replay = now

    # /history of fixture 2, newest first: the replay's result, then the abandonment, then the draw.
    lines = await _history_of(store, 2)
    assert [line["id"] for line in lines] == sorted((line["id"] for line in lines), reverse=True)
    assert [(line["kind"], line["change"]) for line in lines[:2]] == [
        ("fixture", "score abandoned → 0-3"),
        ("fixture", "score scheduled → abandoned"),
    ]
    assert lines[0]["id"] == replay["data"]["revision"] and lines[1]["id"] == abandoned["data"]["revision"]
    assert (lines[0]["before"]["status"], lines[0]["after"]["status"]) == ("abandoned", "played")
    assert lines[0]["why"] == "replayed" and lines[1]["why"] == "floodlights failed"
    assert lines[2]["before"] is None and lines[2]["after"]["status"] == "scheduled"

    # Undo of the replay's result: back to abandoned, and round 2's side back to "winner of 2".
    [undo_preview] = await console(store, f"/undo revision:{replay['data']['revision']}")
    assert undo_preview["ok"] and undo_preview["data"]["fixture"]["status"] == "abandoned"
    assert await standing(store) == after_replay  # a preview changes nothing
    [undone] = await console(store, f"/undo revision:{replay['data']['revision']}", apply=True)
    assert undone["ok"] and undone["data"]["applied"], undone
    assert undone["data"]["fixture"]["status"] == "abandoned" and undone["data"]["fixture"]["winner"] is None
    assert await standing(store) == after_abandoned
    [newest, *_] = await _history_of(store, 2)
    assert newest["id"] == undone["data"]["revision"] and newest["change"] == "score 0-3 → abandoned"
    [round2_history, *_] = await _history_of(store, 3)
    assert round2_history["change"] == "away side to be decided again"

    # Replayed again, and round 2 decided on penalties: Alpha qualifies.
    [again] = await console(store, "/report fixture:2 score:0-3 season:2026", apply=True)
    [final] = await console(store, "/report fixture:3 score:2-2 penalties:4-2 season:2026", apply=True)
    assert again["ok"] and final["ok"], (again, final)
    now = await standing(store)
    assert now["qualifiers"] == ["Alpha FC"] and now["Alpha FC"][0] == "qualified"
    assert now["Delta FC"] == ("eliminated", None, "Alpha FC")


async def test_undo_by_default_takes_back_the_last_result(from_nothing: Store) -> None:
    """The result's own revision is the actor's last, not the round-2 side it filled in the same write."""
    store = from_nothing
    await _drawn(store)
    [played] = await console(store, "/report fixture:1 score:2-1 season:2026", apply=True)
    assert played["ok"], played
    [undone] = await console(store, "/undo", apply=True)
    assert undone["ok"], undone
    assert undone["data"]["fixture"]["number"] == 1 and undone["data"]["fixture"]["winner"] is None
    [round2] = await console(store, "/round number:2 season:2026")
    assert round2["data"]["matches"][0]["home"] is None


async def _revisions(store: Store, year: int) -> list[Revision]:
    async with store.session() as session:
        season = (await session.exec(select(Season).where(Season.year == year))).one()
        return list(
            (
                await session.exec(
                    select(Revision).where(Revision.season_id == season.id).order_by(col(Revision.id))
                )
            ).all()
        )


async def _team_ids(store: Store) -> dict[str, int]:
    async with store.session() as session:
        return {entry.name_in_season: entry.team_id for entry in (await session.exec(select(Entry))).all()}


async def test_entries_made_by_a_draw_or_a_bye_are_revisions(from_nothing: Store) -> None:
    store = from_nothing
    [season] = await console(store, "/season new year:2026", apply=True)
    assert season["ok"], season
    async with store.session() as session:
        drawn = await fixture_new(
            session,
            round=1,
            home="Alpha FC",
            away="Beta FC",
            new_club=True,
            season=2026,
            apply=True,
            actor="mod:alice",
            request="draw-1",
        )
    async with store.session() as session:
        version = await store_version(session)
    ids = await _team_ids(store)
    _, *made = await _revisions(store, 2026)  # after the season's own revision
    assert [(r.kind, r.request) for r in made] == [("entry", None), ("entry", None), ("fixture", "draw-1")]
    assert made[-1].id == drawn.revision
    assert [r.after for r in made[:2]] == [
        {"team_id": ids[name], "team": name, "name_in_season": name, "entry_round": 1, "track": "local"}
        for name in ("Alpha FC", "Beta FC")
    ]
    for revision in made:  # one write: one actor, one store version, no fixture of their own for the entries
        assert (revision.actor, revision.store_version) == ("mod:alice", version)
    assert [(r.fixture_id, r.before) for r in made[:2]] == [(None, None), (None, None)]
    async with store.session() as session:  # the same request again: nothing new, not even an entry
        again = await fixture_new(
            session,
            round=1,
            home="Alpha FC",
            away="Beta FC",
            season=2026,
            apply=True,
            actor="mod:alice",
            request="draw-1",
        )
    assert again.revision == drawn.revision and len(await _revisions(store, 2026)) == 4

    [listed] = await console(store, "/history season:2026")
    lines = listed["data"]["revisions"]
    assert [(line["kind"], line["fixture"], line["change"]) for line in lines] == [
        ("fixture", 1, "drawn"),
        ("entry", None, "entry: Beta FC from round 1"),
        ("entry", None, "entry: Alpha FC from round 1"),
        ("season", None, "season 2026 started: 2026 U.S. Open Cup qualification"),
    ]

    # 2027: a bye for Alpha (new to 2027: it enters in round 2), then Alpha v Beta in round 2 (only Beta new).
    for line in (
        "/season new year:2027",
        "/bye round:1 team:Alpha FC season:2027",
        "/fixture round:2 home:Alpha FC away:Beta FC season:2027",
    ):
        [reply] = await console(store, line, apply=True, actor="mod:bob")
        assert reply["ok"] and reply["data"]["applied"], (line, reply)
    _, bye_entry, bye, beta_entry, tie = await _revisions(store, 2027)
    assert (bye_entry.kind, bye.kind, beta_entry.kind, tie.kind) == ("entry", "bye", "entry", "fixture")
    assert bye_entry.after is not None and beta_entry.after is not None
    assert (bye_entry.after["team"], bye_entry.after["entry_round"]) == ("Alpha FC", 2)
    assert (beta_entry.after["team"], beta_entry.after["entry_round"]) == ("Beta FC", 2)
    assert bye_entry.store_version == bye.store_version and beta_entry.store_version == tie.store_version
    assert bye.store_version < tie.store_version and {r.actor for r in (bye_entry, beta_entry)} == {"mod:bob"}
    async with store.session() as session:
        alpha = await history(session, team="Alpha FC", season=2027)
    assert [(line.kind, line.change) for line in alpha.revisions] == [
        ("fixture", "drawn"),
        ("bye", "bye: Alpha FC through round 1"),
        ("entry", "entry: Alpha FC from round 2"),
    ]


async def test_a_reload_keeps_an_entry_a_moderator_made(from_nothing: Store) -> None:
    """data/ that disagrees with an entry made by /fixture is a disagreement, not applied over it."""
    store = from_nothing
    await _drawn(store)
    async with store.session() as session:
        [exported] = await export_seasons(session=session, out=store.data_dir, years=[2026])
    assert exported.problems == [], exported.problems
    teams = store.data_dir / "seasons" / "2026" / "teams.csv"
    text = teams.read_text()
    assert text.count("Alpha FC,,,,local,1,,") == 1
    teams.write_text(text.replace("Alpha FC,,,,local,1,,", "Alpha FC,,,CA,local,1,,"))
    async with store.session() as session:
        report = await reload_data(session=session, data_dir=store.data_dir)
    assert report.loaded, report
    [disagreement] = report.disagreements
    assert disagreement.subject == "the entry of Alpha FC" and disagreement.entered_by == "mod:alice"
    assert (disagreement.data, disagreement.store) == ({"state": "CA"}, {"state": ""})
    async with store.session() as session:
        entry = (await session.exec(select(Entry).where(Entry.name_in_season == "Alpha FC"))).one()
    assert entry.state == ""


def test_history_text_names_a_fixture_only_where_there_is_one() -> None:
    """A season, entry or bye revision reads without 'fixture None'; a result names its fixture."""
    import datetime as dt

    from bot.answers.report import HistoryAnswer, HistoryLine
    from bot.render.text import render_text

    at = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)
    text = render_text(
        HistoryAnswer(
            revisions=[
                HistoryLine(
                    id=3, at=at, actor="mod:a", fixture=7, before=None, after=None, why="", change="x"
                ),
                HistoryLine(
                    id=2, at=at, actor="mod:a", fixture=None, before=None, after=None, why="", change="bye: Y"
                ),
            ]
        )
    )
    assert "fixture None" not in text
    assert "fixture 7: x" in text and "mod:a · bye: Y" in text
