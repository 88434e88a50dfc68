"""CSV (and seed-format) files into the store and seasons out of it: preview, apply once, conflicts, undo.

Every test runs on SQLite and PostgreSQL (the `moderated` and `store` fixtures): a 2027 season that does
not exist yet is imported as a teams CSV, a byes CSV and a draw, then its results; the export gives the
imported files back byte for byte.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import pytest
from sqlmodel import col, func, select

from bot.answers.imports import export_season, import_file, import_undo
from bot.answers.report import Refused, undo
from bot.console import run_console
from bot.seasons.datafiles import read_aliases
from bot.seasons.upload import MAX_UPLOAD_BYTES
from bot.store.engine import Store
from bot.store.model import current_model
from bot.store.models import Entry, Revision, Season, Team
from tests.conftest import DATA, SEED_2017

HEADER = (
    "number,round,date,home,home_league,away,away_league,home_score,away_score,decided_by,extra_time,"
    "penalties,winner,status,note,source_line,home_from_fixture,away_from_fixture,venue,kickoff\n"
)
# Clubs of the records (FC Folsom, Valley 559 FC, Elk Grove Blues from 2024) and three new ones.
TEAMS = (
    b"name,also_written,league,state,track,entry_round,berth,qualified_by\n"
    b"FC Folsom,,UPSL,,local,1,,\n"
    b"Valley 559 FC,,UPSL,,local,1,,\n"
    b"Folsom Gold SC,Gold SC; Folsom Gold,UPSL,CA,local,1,,\n"
    b"Elk Grove Blues,,UPSL,,local,1,,\n"
    b"Roseville Rangers,,UPSL,,local,2,,\n"
    b"Placer United,,NPSL,CA,local,2,,\n"
)
BYES = b"round,team,source\n1,Roseville Rangers,listed\n1,Placer United,listed\n"
DRAW = (
    HEADER + "1,1,2026-09-12,FC Folsom,UPSL,Valley 559 FC,UPSL,,,,,,,scheduled,,,,,Folsom Field,"
    "2026-09-12T19:00:00Z\n"
    "2,1,2026-09-12,Folsom Gold SC,UPSL,Elk Grove Blues,UPSL,,,,,,,scheduled,,,,,,\n"
    "3,2,2026-10-10,,,Placer United,NPSL,,,,,,,scheduled,,,1,,,\n"
    "4,2,2026-10-10,Roseville Rangers,UPSL,,,,,,,,,scheduled,,,,2,,\n"
    "5,3,2026-11-07,,,,,,,,,,,scheduled,,,3,4,,\n"
).encode()
RESULTS = (
    HEADER
    + "1,1,2026-09-12,FC Folsom,UPSL,Valley 559 FC,UPSL,2,1,regulation,,,FC Folsom,played,,,,,Folsom Field,"
    "2026-09-12T19:00:00Z\n"
    "2,1,2026-09-12,Folsom Gold SC,UPSL,Elk Grove Blues,UPSL,1,1,penalties,,4-3,Folsom Gold SC,played,,,,,,\n"
    "3,2,2026-10-10,FC Folsom,,Placer United,NPSL,0,2,regulation,,,Placer United,played,,,1,,,\n"
    "4,2,2026-10-10,Roseville Rangers,UPSL,Folsom Gold SC,,3,2,extra_time,yes,,Roseville Rangers,played,"
    ",,,2,,\n"
    "5,3,2026-11-07,Placer United,,Roseville Rangers,,,,,,,,scheduled,,,3,4,,\n"
).encode()


async def _import(store: Store, content: bytes, name: str, season: int | None = 2027, **options: object):
    async with store.session() as session:
        return await import_file(session, content=content, filename=name, season=season, **options)


async def _count(store: Store, model: type) -> int:
    async with store.session() as session:
        return (await session.exec(select(func.count()).select_from(model))).one()


async def _console(store: Store, *lines: str) -> list[dict]:
    out = io.StringIO()
    await run_console(store, lines, as_json=True, out=out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


async def _season_2027(store: Store) -> list[str]:
    """Import the teams, byes and draw of 2027 (new clubs confirmed); returns the three batches."""
    batches = []
    for content, name in ((TEAMS, "teams.csv"), (BYES, "byes.csv"), (DRAW, "draw.csv")):
        done = await _import(store, content, name, apply=True, new_clubs=True, actor="mod:alice")
        assert done.applied and done.batch, done
        batches.append(done.batch)
    return batches


async def test_a_draw_then_results_then_export_gives_the_files_back(moderated: Store) -> None:
    """Preview writes nothing; apply writes once (the same request twice: once); export = the files."""
    version, revisions = await moderated.version(), await _count(moderated, Revision)
    preview = await _import(moderated, TEAMS, "teams.csv")
    assert preview.applied is False and preview.new_season and preview.rows == 6
    assert [club.name for club in preview.new_clubs] == [
        "Folsom Gold SC",
        "Roseville Rangers",
        "Placer United",
    ]
    assert preview.entries_added == 6 and not preview.ready  # the new clubs are not confirmed yet
    assert (await moderated.version(), await _count(moderated, Revision)) == (version, revisions)
    assert 2027 not in (await moderated.model()).seasons

    applied = await _import(
        moderated, TEAMS, "teams.csv", apply=True, new_clubs=True, request="interaction-1", actor="mod:alice"
    )
    assert applied.applied and not applied.already and applied.batch
    assert await moderated.version() == version + 1  # one store version for the whole batch
    again = await _import(
        moderated, TEAMS, "teams.csv", apply=True, new_clubs=True, request="interaction-1", actor="mod:alice"
    )
    assert again.already and again.batch == applied.batch and again.revisions == applied.revisions
    assert await moderated.version() == version + 1
    async with moderated.session() as session:
        batch = (await session.exec(select(Revision).where(Revision.batch == applied.batch))).all()
        assert sorted(r.id for r in batch) == applied.revisions and len(batch) == 7  # the season, 6 entries
        assert {r.store_version for r in batch} == {version + 1} and {r.actor for r in batch} == {"mod:alice"}
        assert [r.request for r in batch].count("interaction-1") == 1
        assert (
            await session.exec(select(func.count()).select_from(Season).where(Season.year == 2027))
        ).one() == 1

    for content, name in ((BYES, "byes.csv"), (DRAW, "draw.csv")):
        done = await _import(moderated, content, name, apply=True, actor="mod:alice")
        assert done.applied, done
    [path] = await _console(moderated, "/path team:Roseville Rangers season:2027")
    assert path["data"]["status"] == "alive" and path["data"]["byes"] == [1]  # the model sees the import

    results = await _import(moderated, RESULTS, "results.csv", apply=True, actor="mod:bob")
    assert results.applied and results.results == 4 and results.sides_filled == 4 and not results.conflicts
    [path] = await _console(moderated, "/path team:Placer United season:2027")
    assert [m["won"] for m in path["data"]["matches"]] == [True, None]
    assert path["data"]["next_fixture"]["opponent"] == "Roseville Rangers"

    async with moderated.session() as session:
        exported = await export_season(session, season=2027)
    files = exported.contents()
    assert exported.problems == []
    assert files["teams.csv"] == TEAMS and files["byes.csv"] == BYES
    assert files["fixtures.csv"] == RESULTS  # the draw plus the results, byte for byte
    assert [f.name for f in exported.files] == ["season.toml", "teams.csv", "fixtures.csv", "byes.csv"]
    with zipfile.ZipFile(io.BytesIO(exported.zip_content)) as archive:
        assert archive.read("seasons/2027/fixtures.csv") == RESULTS
        assert sorted(archive.namelist()) == sorted(f"seasons/2027/{name}" for name in files)
    data = exported.model_dump(mode="json")
    assert data["zip_name"] == "opencup-2027.zip" and "content" not in data["files"][0]

    again = await _import(moderated, RESULTS, "results.csv")
    assert again.unchanged == 5 and not again.ready, again and "nothing to import" in again.effects[-1]


async def test_a_result_a_moderator_entered_is_kept_unless_overwritten(moderated: Store) -> None:
    """The file's round 3 of 2024 against a result Alice reported: hers stands, the rest goes in."""
    [alice] = await _console_apply(moderated, "/report fixture:85 score:1-2 season:2024")
    assert alice["ok"], alice
    with (DATA / "seasons" / "2024" / "fixtures.csv").open(newline="") as source:
        round_3 = [row for row in csv.DictReader(source) if row["round"] == "3"]
    columns = ["number", "home", "away", "home_score", "away_score", "decided_by", "penalties", "winner"]
    lines = [",".join(columns)] + [",".join(row[c] for c in columns) for row in round_3]
    content = ("\n".join(lines) + "\n").encode()

    preview = await _import(moderated, content, "round3.csv", season=2024)
    assert preview.results == len(round_3) - 1 and preview.not_understood == []
    [conflict] = preview.conflicts
    assert (conflict.fixture, conflict.home, conflict.away) == (85, "FC Folsom", "Valley 559 FC")
    assert conflict.store == "1-2" and conflict.file == "5-3" and conflict.entered_by == "mod:alice"
    assert conflict.kept and conflict.line == 21

    done = await _import(moderated, content, "round3.csv", season=2024, apply=True, actor="mod:bob")
    assert done.applied and done.sides_filled > 0
    model = await moderated.model()
    view = model.seasons[2024]
    assert view.by_number[85].home_score == 1 and view.by_number[85].entered_by == "mod:alice"
    assert view.by_number[66].winner_id == model.team_named("Brockton FC United").id  # type: ignore[union-attr]
    assert view.by_number[66].entered_by == "mod:bob"
    later = view.fed_by[85][0]
    valley = model.team_named("Valley 559 FC")
    assert valley is not None and valley.id in (later.home_id, later.away_id)  # Alice's winner goes on

    overwrite = await _import(moderated, content, "round3.csv", season=2024, overwrite=True)
    assert overwrite.ready and [c.kept for c in overwrite.conflicts] == [False] and overwrite.results == 1
    # Fixture 85's winner changes, and its round-4 tie has not been played: the tie follows.
    replaced = await _import(
        moderated, content, "round3.csv", season=2024, overwrite=True, apply=True, actor="mod:bob"
    )
    assert replaced.applied and replaced.sides_filled == 1
    view = (await moderated.model()).seasons[2024]
    assert view.by_number[85].home_score == 5 and view.by_number[85].entered_by == "mod:bob"

    # Once the round-4 tie FC Folsom went on to is played, a file that changes who won 85 is not understood.
    later = view.fed_by[85][0]
    [played] = await _console_apply(moderated, f"/report fixture:{later.number} score:2-0 season:2024")
    assert played["ok"], played
    flip = b"number,home_score,away_score,decided_by\n85,1,2,regulation\n"
    refused = await _import(moderated, flip, "flip.csv", season=2024, overwrite=True)
    [problem] = refused.not_understood
    assert problem.line == 2 and f"fixture {later.number}, which that winner went on to play" in problem.why
    assert not refused.ready


async def _console_apply(store: Store, line: str) -> list[dict]:
    out = io.StringIO()
    await run_console(store, [line], as_json=True, out=out, apply=True, actor="mod:alice")
    return [json.loads(text) for text in out.getvalue().splitlines()]


async def test_new_clubs_are_listed_with_proposals_and_must_be_confirmed(moderated: Store) -> None:
    """'Folsom FC' is not how the records write FC Folsom: it is listed, with FC Folsom proposed."""
    draw = (
        b"round,home,away,date\n"
        b"1,Folsom FC,Valley 559 FC,2026-09-12\n"
        b"1,Davis Legacy SC,Sacramento Brand New FC,2026-09-12\n"
    )
    preview = await _import(moderated, draw, "draw.csv")
    proposals = {club.name: club.proposals for club in preview.new_clubs}
    assert proposals["Folsom FC"][0] == "FC Folsom"
    assert proposals["Davis Legacy SC"] == ["Davis Legacy"]  # a 2017 club
    assert proposals["Sacramento Brand New FC"] == []
    assert [club.line for club in preview.new_clubs] == [2, 3, 3]
    teams = await _count(moderated, Team)
    with pytest.raises(Refused) as refused:
        await _import(moderated, draw, "draw.csv", apply=True)
    assert refused.value.code == "new_clubs" and "Folsom FC (perhaps FC Folsom)" in refused.value.message
    assert await _count(moderated, Team) == teams and 2027 not in (await moderated.model()).seasons

    fixed = draw.replace(b"Folsom FC", b"FC Folsom").replace(b"Davis Legacy SC", b"Davis Legacy")
    preview = await _import(moderated, fixed, "draw.csv")
    assert [club.name for club in preview.new_clubs] == ["Sacramento Brand New FC"]
    done = await _import(moderated, fixed, "draw.csv", apply=True, new_clubs=True)
    assert done.applied and done.fixtures_added == 2 and await _count(moderated, Team) == teams + 1
    view = (await moderated.model()).seasons[2027]
    assert [(f.number, f.round, f.status) for f in view.fixtures] == [
        (1, 1, "scheduled"),
        (2, 1, "scheduled"),
    ]
    assert {e.name_in_season: e.entry_round for e in view.entries.values()} == {
        "FC Folsom": 1,
        "Valley 559 FC": 1,
        "Davis Legacy": 1,
        "Sacramento Brand New FC": 1,
    }


async def test_lines_not_understood_are_listed_and_nothing_is_applied(moderated: Store) -> None:
    """Each line that is wrong says which and why, in one sentence; the import applies none of them."""
    content = (
        b"number,round,home,away,home_score,away_score,winner,date,penalties\n"
        b"85,3,FC Folsom,Valley 559 FC,2,1,,,\n"  # 2: right
        b"66,3,FC Folsom,Valley 559 FC,2,1,,,\n"  # 3: not the tie's clubs
        b"67,3,Sharktopus Football Club,Inter San Francisco,2,2,,,\n"  # 4: level, no winner
        b"68,3,United German Hungarians,Vereinigung Erzgebirge,3,1,Vereinigung Erzgebirge,,\n"  # 5
        b"69,x,Harbor City FC,FC America CFL Spurs,0,1,,,\n"  # 6: round
        b"70,3,Leg-AZ World FC,Florida Premier FC,4,0,,21/10/2023,\n"  # 7: date
        b"71,3,Miami United FC,Miami Soccer Academy,4,-1,,,\n"  # 8: score
        b"72,3,Athletic Katy FC,Foro SC,1,0,\n"  # 9: fields
        b"73,3,Austin Thunder,Alamo City Soccer Club,1,2,,,4-3\n"  # 10: shoot-out after a win
        b"85,3,FC Folsom,Valley 559 FC,2,1,,,\n"  # 11: twice
    )
    revisions = await _count(moderated, Revision)
    preview = await _import(moderated, content, "results.csv", season=2024)
    lines = {problem.line: problem.why for problem in preview.not_understood}
    assert sorted(lines) == [3, 4, 5, 6, 7, 8, 9, 10, 11], lines
    assert "fixture 66 is CD Faialense v Brockton FC United" in lines[3] and "redraw" in lines[3]
    assert "level" in lines[4] and "winner" in lines[4]
    assert "3-1 says the home side won" in lines[5]
    assert "round 'x'" in lines[6] and "YYYY-MM-DD" in lines[7] and "away score '-1'" in lines[8]
    assert "7 fields where the header has 9" in lines[9] and "shoot-out" in lines[10]
    assert "fixture 85 is in the file already on line 2" in lines[11]
    assert all(why.count(". ") == 0 and why.endswith(".") for why in lines.values()), lines
    assert not preview.ready and preview.results == 1
    with pytest.raises(Refused) as refused:
        await _import(moderated, content, "results.csv", season=2024, apply=True)
    assert refused.value.code == "not_understood" and "9 lines of results.csv were not understood" in (
        refused.value.message
    )
    assert await _count(moderated, Revision) == revisions
    unknown = await _import(
        moderated, b"number,round,home_score,away_score\n500,3,1,0\n", "r.csv", season=2024
    )
    [problem] = unknown.not_understood
    assert (
        problem.line == 2
        and "fixture 500 is not in the records" in problem.why
        and "home side" in problem.why
    )


@pytest.mark.parametrize(
    ("content", "name", "season", "code", "words"),
    [
        (b"x" * (MAX_UPLOAD_BYTES + 1), "big.csv", 2027, "file_too_large", "at most 1 MiB"),
        (b"round,team\n1,\xff\xfe\n", "byes.csv", 2027, "bad_file", "not UTF-8 text"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "picture.png", 2027, "bad_file", "not a text file"),
        (b"", "draw.csv", 2027, "bad_file", "is empty"),
        (b" \n\n", "draw.csv", 2027, "bad_file", "is empty"),
        (HEADER.encode(), "draw.csv", 2027, "bad_file", "no lines of data"),
        (b"colour,size\nred,3\n", "sizes.csv", 2027, "bad_file", "names none of data/'s columns"),
        (
            b"Dear moderators,\nplease find the draw attached.\n",
            "letter.txt",
            2027,
            "bad_file",
            "neither a CSV",
        ),
        (b"round,team\n1,FC Folsom\n", "byes.csv", None, "bad_file", "name the season"),
        (b"round,team\n1,FC Folsom\n", "byes.csv", 1850, "bad_file", "from 1914 to 2100"),
    ],
)
async def test_files_that_cannot_be_imported_are_refused_whole(
    store: Store, content: bytes, name: str, season: int | None, code: str, words: str
) -> None:
    """Too big, not text, empty, or of no known shape: one friendly sentence, and nothing read."""
    with pytest.raises(Refused) as refused:
        await _import(store, content, name, season=season)
    assert refused.value.code == code and words in refused.value.message, refused.value.message
    assert "\n" not in refused.value.message and len(refused.value.message) < 400


async def test_the_store_s_own_files_import_as_no_change(store: Store) -> None:
    """data/'s 2024 files, imported into the store loaded from them, change nothing (read-only)."""
    for name, rows in (("fixtures.csv", 98), ("teams.csv", 112), ("byes.csv", 67)):
        content = (DATA / "seasons" / "2024" / name).read_bytes()
        preview = await _import(store, content, name, season=2024)
        assert preview.rows == rows and preview.unchanged == rows, preview
        assert not preview.ready and not preview.new_clubs and not preview.not_understood


async def test_an_import_is_undone_as_a_whole_when_nothing_depends_on_it(moderated: Store) -> None:
    """The draw cannot go while its results stand; the results go first, then the draw; nothing is deleted."""
    *_entries_and_byes, draw_batch = await _season_2027(moderated)
    results = await _import(moderated, RESULTS, "results.csv", apply=True, actor="mod:bob")
    async with moderated.session() as session:  # /undo leaves an import's changes to the import's undo
        with pytest.raises(Refused) as refused:
            await undo(session, actor="mod:bob")
        assert refused.value.code == "not_found"
        imported = (await session.exec(select(Revision).where(Revision.batch == results.batch))).first()
        assert imported is not None
        with pytest.raises(Refused) as refused:
            await undo(session, revision=imported.id, actor="mod:bob", apply=True)
        assert f"belongs to import {results.batch}" in refused.value.message
    with pytest.raises(Refused) as refused:
        await _undo(moderated, draw_batch, apply=True)
    assert refused.value.code == "depends_on_later_result" and "Fixture 1 changed after import" in (
        refused.value.message
    )
    preview = await _undo(moderated, results.batch or "")
    assert "fixture 1: 2-1 → scheduled" in preview.effects and preview.applied is False
    revisions, version = await _count(moderated, Revision), await moderated.version()
    undone = await _undo(moderated, results.batch or "", apply=True, request="undo-1")
    assert undone.applied and undone.undo_batch == f"{results.batch}-undo"
    assert await moderated.version() == version + 1
    assert await _count(moderated, Revision) == revisions + len(undone.revisions)
    twice = await _undo(moderated, results.batch or "", apply=True, request="undo-1")
    assert twice.already and twice.revisions == undone.revisions
    with pytest.raises(Refused) as refused:
        await _undo(moderated, results.batch or "", apply=True, request="undo-2")
    assert refused.value.code == "result_exists"
    view = (await moderated.model()).seasons[2027]
    assert all(f.status == "scheduled" and f.winner_id is None for f in view.fixtures)
    assert view.by_number[5].home_id is None and view.by_number[3].home_id is None  # sides wait again

    # A tie a moderator draws on the winner of an imported tie keeps the draw in place.
    [drawn] = await _console_apply(moderated, "/fixture round:4 home:winner of 5 away:FC Folsom season:2027")
    assert drawn["ok"], drawn
    with pytest.raises(Refused) as refused:
        await _undo(moderated, draw_batch, apply=True)
    assert "Fixture 6 was drawn with the winner of fixture 5" in refused.value.message
    assert (await _import(moderated, DRAW, "draw.csv")).unchanged == 5  # nothing was undone


async def _undo(store: Store, batch: str, **options: object):
    async with store.session() as session:
        return await import_undo(session, batch=batch, actor="mod:carol", **options)  # type: ignore[arg-type]


async def test_undoing_a_whole_new_season_leaves_it_empty_and_its_history_whole(moderated: Store) -> None:
    """Draw, byes and entries go (new clubs with them), last first; the season and every revision stay."""
    batches = await _season_2027(moderated)
    before = await _count(moderated, Revision)
    teams = await _count(moderated, Team)
    with pytest.raises(Refused) as refused:
        await _undo(moderated, batches[0], apply=True)  # the entries: the draw plays their clubs
    assert "plays fixture" in refused.value.message or "bye" in refused.value.message
    made = 0
    for batch in reversed(batches):
        done = await _undo(moderated, batch, apply=True)
        made += len(done.revisions)
    assert await _count(moderated, Revision) == before + made
    assert await _count(moderated, Team) == teams - 3  # the three new clubs leave with their entries
    view = (await moderated.model()).seasons[2027]
    assert not view.fixtures and not view.entries and not view.byes
    async with moderated.session() as session:
        exported = await export_season(session, season=2027)
        assert exported.contents()["fixtures.csv"] == HEADER.encode()
        kinds = (
            await session.exec(
                select(Revision.kind, Revision.before, Revision.after).where(
                    col(Revision.batch) == f"{batches[0]}-undo"
                )
            )
        ).all()
        assert {kind for kind, _b, _a in kinds} == {"entry"} and all(after is None for _k, _b, after in kinds)
    # The same files again: a new batch into the season that stayed.
    again = await _import(moderated, TEAMS, "teams.csv", apply=True, new_clubs=True)
    assert again.applied and not again.new_season and again.entries_added == 6


async def test_a_seed_season_into_an_empty_store_exports_as_data_holds_it(
    empty_url: str, tmp_path: Path, seeds: Path
) -> None:
    """The 2017 seed imported into a store with no seasons gives data/'s own 2017 files back."""
    (tmp_path / "data").mkdir()
    store = await Store(empty_url, tmp_path / "data").open()
    try:
        content = (seeds / SEED_2017).read_bytes()
        rules = read_aliases(DATA)
        async with store.session() as session:
            preview = await import_file(session, content=content, filename=SEED_2017, aliases=rules)
            assert preview.kind == "season" and preview.season == 2017 and len(preview.new_clubs) == 102
            with pytest.raises(Refused):
                await import_file(session, content=content, filename=SEED_2017, season=2024, aliases=rules)
            done = await import_file(
                session, content=content, filename=SEED_2017, aliases=rules, apply=True, new_clubs=True
            )
            assert done.applied and done.fixtures_added == 46 and done.byes_added == 8
        async with store.session() as session:
            exported = (await export_season(session, season=2017)).contents()
        for name in ("teams.csv", "fixtures.csv", "byes.csv"):
            assert exported[name] == (DATA / "seasons" / "2017" / name).read_bytes(), name
        toml = (DATA / "seasons" / "2017" / "season.toml").read_text().splitlines()
        mine = exported["season.toml"].decode().splitlines()
        differ = [a for a, b in zip(toml, mine, strict=True) if a != b]
        assert len(differ) == 1 and differ[0].startswith("imported_at")
        async with store.session() as session:
            entries = (await session.exec(select(func.count()).select_from(Entry))).one()
            assert entries == 102 and (await current_model(session)).seasons[2017].last_round == 2
    finally:
        await store.close()
