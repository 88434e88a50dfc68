"""Files in and out on Discord (issue 13, item 5): `/mod import`, `/mod import-undo`, `/mod export`.

End to end through the loopback Discord, on SQLite and PostgreSQL, in the world of test_moderators (two
guilds that take results, one of fans). A 2027 season that does not exist yet comes in as four attached
CSV files (teams, byes, the draw, then its results), each previewed privately and applied on Confirm; the
export attaches the season's files, which are the imported ones with the results in.
"""

from __future__ import annotations

import io
import logging
import zipfile
from typing import Any

import pytest
from sqlmodel import select

from bot.seasons.upload import MAX_UPLOAD_BYTES
from bot.store.models import Revision
from tests.e2e import test_moderators
from tests.e2e.test_moderators import World, buttons, delivered_again, forged_press, pendings, revisions
from tests.store.test_csv_import import BYES, DRAW, RESULTS, TEAMS
from tests.support.loopback_discord import FakeUser, InteractionResponse, SentMessage, UploadedFile
from tests.support.running_bot import embed_text

NEW = 2027
world = test_moderators.world  # the fixture: the bot in two guilds that take results and one of fans


async def mod_files(
    world: World, command: str, options: dict[str, Any] | None = None, *, user: FakeUser | None = None
) -> InteractionResponse:
    """`/mod <command>` in the home guild, answered after a deferral (the answer is `.message`)."""
    return await world.fake.slash(
        f"mod {command}", options, user=user or world.alice, guild=world.home, followups=1
    )


async def previewed(
    world: World, name: str, data: bytes, *, user: FakeUser | None = None, **options: Any
) -> SentMessage:
    """`/mod import` of `data` attached as `name` (season 2027 unless said): the private report."""
    given = {"file": UploadedFile(name, data), "season": NEW, **options}
    asked = await mod_files(world, "import", given, user=user)
    assert asked.type == 5 and asked.ephemeral  # deferred at once, privately
    assert asked.message is not None and asked.message.ephemeral and not asked.message.loading
    return asked.message


async def press(world: World, message: SentMessage, label: str = "Confirm") -> SentMessage:
    """Press `label` on a preview; the preview once the bot has edited it."""
    edits = len(message.edits)
    pressed = await world.fake.press(message, buttons(message)[label])
    await world.fake.wait_until(lambda: len(message.edits) > edits, what=f"the preview edited after {label}")
    assert pressed.type in (6, 7)
    return message


def batch_of(message: SentMessage) -> str:
    """The batch an applied import's message names (its title: 'Import — applied as import-1a2b3c4d')."""
    title = message.embeds[0]["title"]
    assert "applied as import-" in title, title
    return str(title.rsplit(" ", 1)[1])


async def years(world: World) -> set[int]:
    """The seasons the store holds."""
    return set((await world.store.model()).seasons)


async def test_a_season_imported_file_by_file_is_exported_as_the_same_files(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    """Preview writes nothing; new clubs wait for new_clubs; Confirm applies once (delivered twice, too);
    the export attaches the files imported, the draw now holding its results."""
    caplog.set_level(logging.INFO)
    before = await revisions(world.store)
    teams = await previewed(world, "teams.csv", TEAMS)
    shown = embed_text(teams.embeds[0])
    assert "teams.csv" in shown and "6 rows read" in shown and "New clubs: 3, not in the records" in shown
    assert "**Folsom Gold SC** (line 4) — perhaps" in shown and "new_clubs: True" in shown
    assert buttons(teams) == {} and await pendings(world.store) == []  # nothing to confirm

    teams = await previewed(world, "teams.csv", TEAMS, new_clubs=True)
    assert "Import — preview" in teams.embeds[0]["title"] and set(buttons(teams)) == {"Confirm", "Cancel"}
    assert await revisions(world.store) == before and NEW not in await years(world)
    [kept] = await pendings(world.store)
    assert kept.kind == "import" and kept.upload == TEAMS.decode() and kept.arguments["new_clubs"] == "true"
    applied = await press(world, teams)
    teams_batch = batch_of(applied)
    assert f"/mod import-undo batch:{teams_batch}" in embed_text(applied.embeds[0])
    assert buttons(applied) == {} and NEW in await years(world)

    await press(world, await previewed(world, "byes.csv", BYES))

    draw = await previewed(world, "draw.csv", DRAW)
    assert "5 ties drawn" in embed_text(draw.embeds[0])
    edits = len(draw.edits)
    inter = await world.fake.push_press(draw, buttons(draw)["Confirm"])
    await world.fake.redeliver(inter)  # the gateway delivers the same press twice
    await world.fake.response_to(inter)
    await world.fake.wait_until(lambda: len(draw.edits) > edits, what="the draw applied")
    await delivered_again(caplog, 1)
    assert len(inter.responses) == 1
    async with world.store.session() as session:
        [first] = (await session.exec(select(Revision).where(Revision.request == str(inter.id)))).all()
        batch = (await session.exec(select(Revision).where(Revision.batch == first.batch))).all()
    assert first.batch == batch_of(draw) and len(batch) == 5  # five ties, one batch

    results = await previewed(world, "results.csv", RESULTS)
    assert "4 results entered" in embed_text(results.embeds[0])
    await press(world, results)
    assert "Placer United" in await world.fan_asks("path", {"team": "Roseville Rangers", "season": NEW})

    exported = await mod_files(world, "export", {"season": NEW})
    message = exported.message
    assert message is not None and message.ephemeral
    files = {upload.filename: upload.data for upload in message.files}
    assert list(files) == ["season.toml", "teams.csv", "fixtures.csv", "byes.csv"]
    assert (files["teams.csv"], files["byes.csv"], files["fixtures.csv"]) == (TEAMS, BYES, RESULTS)
    assert "`fixtures.csv`" in message.content
    assert [row.state for row in await pendings(world.store)] == ["applied"] * 4


async def test_a_restart_between_preview_and_confirm_imports_once_and_undo_takes_it_back(
    world: World,
) -> None:
    """The file waits in the store: a new bot confirms it once; a preview the store has overtaken is not
    applied; /mod undo of one of its revisions names import-undo; /mod import-undo takes the batch back."""
    result = b"number,home,away,home_score,away_score\n85,FC Folsom,Valley 559 FC,2,1\n"
    mine = await previewed(world, "results.csv", result, season=2024)
    theirs = await previewed(world, "results.csv", result, season=2024, user=world.bob)
    assert "1 result entered" in embed_text(mine.embeds[0])
    before = await revisions(world.store)
    confirm = buttons(mine)["Confirm"]
    await world.stop()
    await world.start()
    applied = await press(world, mine)
    batch = batch_of(applied)
    after = await revisions(world.store)
    assert after == before + 2  # the result, and the later tie's side it fills: one batch
    assert "FC Folsom (UPSL) 2-1 Valley 559 FC" in await world.fan_asks(
        "round", {"number": 3, "season": 2024}
    )
    again = await forged_press(world, applied, confirm, user=world.alice, guild=world.home)
    assert again.type == 7 and "This was confirmed already" in embed_text(again.embeds[0])
    assert batch in again.embeds[0]["title"] and await revisions(world.store) == after

    overtaken = await press(world, theirs)  # bob's preview showed a result the store now holds
    assert overtaken.embeds[0]["title"] == "Not applied"
    assert "The records changed since the preview, so nothing was imported" in embed_text(overtaken.embeds[0])
    assert await revisions(world.store) == after

    async with world.store.session() as session:
        one = (await session.exec(select(Revision).where(Revision.batch == batch))).first()
    assert one is not None
    refused = await world.fake.slash("mod undo", {"revision": one.id}, user=world.alice, guild=world.home)
    assert f"import-undo {batch}" in (refused.content or "")

    undo = await mod_files(world, "import-undo", {"batch": batch})
    assert undo.message is not None
    assert "Undo an import — preview" in undo.message.embeds[0]["title"]
    assert await revisions(world.store) == after
    done = await press(world, undo.message)
    assert "Import undone" in done.embeds[0]["title"]
    assert (await world.store.model()).seasons[2024].by_number[85].status == "scheduled"
    states = sorted(row.state for row in await pendings(world.store))
    assert states == ["applied", "applied", "refused"]


async def test_files_that_cannot_be_imported_are_refused_and_nothing_is_kept(world: World) -> None:
    """A fan; a file over the limit (named); a file that is not text; lines not understood (shown, with a
    count of those left out, and no Confirm): each refused privately, nothing kept or written."""
    before = await revisions(world.store)
    fan = await world.fake.slash(
        "mod import",
        {"file": UploadedFile("teams.csv", TEAMS), "season": NEW},
        user=world.fan,
        guild=world.home,
    )
    assert fan.type == 4 and fan.ephemeral and "moderator role" in (fan.content or "")

    big = await mod_files(world, "import", {"file": UploadedFile("big.csv", b"x" * (MAX_UPLOAD_BYTES + 1))})
    assert big.message is not None and big.message.ephemeral
    assert big.message.content == (
        "big.csv is 1.0 MiB, and an import takes at most 1 MiB: split it (one file per round, say) and "
        "import each part."
    )
    picture = await mod_files(world, "import", {"file": UploadedFile("logo.png", b"\x89PNG\r\n\x1a\n\x00")})
    assert picture.message is not None and "is not a text file" in picture.message.content

    bad = TEAMS.decode().replace("FC Folsom,,UPSL,,local,1,,", "FC Folsom,,UPSL,,local,first,,")
    bad += "".join(f"Club {n},,UPSL,,nowhere,1,,\n" for n in range(80))
    shown = await previewed(world, "teams.csv", bad.encode(), new_clubs=True)
    text = embed_text(shown.embeds[0])
    assert "Import — nothing to confirm" in text and "Lines not understood: 81" in text
    assert "line 2: " in text and "first" in text and "more lines" in text
    assert buttons(shown) == {}
    assert await pendings(world.store) == [] and await revisions(world.store) == before


async def test_an_export_too_big_for_separate_files_comes_zipped_or_is_refused(world: World) -> None:
    """The latest season by default; files over the interaction's attachment limit: one zip; the zip over
    it too: a sentence naming the limit and the console."""
    files = (await mod_files(world, "export")).message
    assert files is not None
    whole = {upload.filename: upload.data for upload in files.files}
    assert "fixtures.csv" in whole and "The 2024 season" in files.content
    world.fake.attachment_size_limit = max(len(data) for data in whole.values()) - 1
    zipped = (await mod_files(world, "export", {"season": 2024})).message
    assert zipped is not None and [upload.filename for upload in zipped.files] == ["opencup-2024.zip"]
    with zipfile.ZipFile(io.BytesIO(zipped.files[0].data)) as archive:
        assert {name.rsplit("/", 1)[1]: archive.read(name) for name in archive.namelist()} == whole
    world.fake.attachment_size_limit = 1024
    refused = (await mod_files(world, "export", {"season": 2024})).message
    assert refused is not None and refused.files == []
    assert "more than the 1 KiB this server lets the bot attach" in refused.content
    assert "python -m bot export --season 2024" in refused.content
