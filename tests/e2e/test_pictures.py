"""The pictures end to end: /bracket's pages and /path's picture, through the loopback Discord, real data."""

from __future__ import annotations

import io

from PIL import Image

from bot.render import paging
from tests.support.running_bot import shown_buttons


def height(data: bytes) -> int:
    assert data.startswith(b"\x89PNG")
    return Image.open(io.BytesIO(data)).height


async def test_bracket_sends_every_page_of_a_long_round_in_one_message(live) -> None:
    """/bracket round:1 season:2024: three pictures (11 ties, 10 ties, 67 byes), each in its own embed."""
    fake, bot = live
    first = await fake.slash("bracket", {"round": 1, "season": 2024}, followups=1)
    [sent] = first.followups
    names = [file.filename for file in sent.files]
    assert names == [f"round-2024-1-page{n}.png" for n in (1, 2, 3)]
    assert [embed["image"]["url"] for embed in sent.embeds] == [f"attachment://{name}" for name in names]
    assert [embed["title"] for embed in sent.embeds] == [
        f"2024 · First Qualifying Round · page {n} of 3" for n in (1, 2, 3)
    ]
    footers = [embed["footer"]["text"] for embed in sent.embeds]
    assert footers[0].startswith("ties 1–11 of 21 · 67 byes listed on page 3")
    assert footers[2].startswith("21 ties on pages 1–2 · 67 byes")
    assert all(height(file.data) <= 2100 for file in sent.files)  # one picture was 3,648 px
    assert len({file.data for file in sent.files}) == 3
    misses, hits = bot.pictures.misses, bot.pictures.hits
    again = await fake.slash("bracket", {"round": 1, "season": 2024}, followups=1)
    assert [file.data for file in again.followups[0].files] == [file.data for file in sent.files]
    assert (bot.pictures.misses, bot.pictures.hits) == (misses, hits + 3)


async def test_a_round_of_more_than_ten_pages_goes_on_in_a_second_message(live, monkeypatch) -> None:
    """Two ties a page: 11 pages of ties and one of byes, sent 10 + 2 (Discord allows 10 files a message)."""
    fake, _bot = live
    monkeypatch.setattr(paging, "TIES_PER_PAGE", 2)
    response = await fake.slash("bracket", {"round": 1, "season": 2024}, followups=2)
    assert [len(sent.files) for sent in response.followups] == [10, 2]
    assert [len(sent.embeds) for sent in response.followups] == [10, 2]
    last = response.followups[1]
    assert last.embeds[-1]["title"].endswith("page 12 of 12")
    assert last.embeds[-1]["image"]["url"] == f"attachment://{last.files[-1].filename}"


async def test_round_embeds_turn_through_the_same_pages_as_the_pictures(live) -> None:
    """/round 1: page 1 of 3 points to the byes, page 3 lists them, as /bracket's pictures do."""
    fake, _bot = live
    asked = await fake.slash("round", {"number": 1, "season": 2024})
    [embed] = asked.embeds
    assert "page 1/3" in embed["footer"]["text"] and "67 byes listed on page 3" in embed["description"]
    buttons = {button["label"]: button for button in asked.components[0]["components"]}
    await fake.press(asked, custom_id=buttons["▶"]["custom_id"])
    third = await fake.press(asked, custom_id=shown_buttons(asked)["▶"])  # the buttons of page 2
    assert "page 3/3" in third.embeds[0]["footer"]["text"]
    assert "Byes (67)" in third.embeds[0]["description"] and "Yinz United" in third.embeds[0]["description"]


async def test_path_picture_of_a_club_that_qualified_directly(live) -> None:
    """/path team:SC MesoAmerica picture:true: the embed and the route's picture, one rung and a banner."""
    fake, _bot = live
    response = await fake.slash("path", {"team": "SC MesoAmerica", "picture": True}, followups=1)
    [sent] = response.followups
    assert sent.embeds[0]["title"].startswith("SC MesoAmerica")
    assert sent.embeds[0]["image"]["url"] == f"attachment://{sent.files[0].filename}"
    assert height(sent.files[0].data) < 800
