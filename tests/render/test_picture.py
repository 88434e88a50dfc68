"""The pictures: valid small PNGs, readable on a phone, deterministic, cached."""

from __future__ import annotations

import datetime as dt
import io
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from discord.utils import escape_markdown
from PIL import Image, ImageStat

from bot.answers import standing
from bot.answers.models import MatchLine, PathAnswer, RoundAnswer, RoundMatch
from bot.answers.path import path
from bot.answers.round import round_fixtures
from bot.render import paging, picture
from bot.render.embed import discord_when, render_pages
from bot.render.picture import PictureCache, face, fit_text, path_png, round_png, text_height
from bot.render.text import tie_words
from bot.store.engine import Store

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
ONE_MIB = 1024 * 1024
LONG_NAME = ("Sociedad Deportiva Atlético Ñandú Łódź O’Brien Fútbol Club " * 3)[:120]
SAVE_TO = os.environ.get("PICTURES_DIR")  # set it to keep the pictures and look at them


# ------------------------------------------------------------------------------------------------ answers

FOURTH_ROUND = [
    ("UDA Soccer", "UPSL", 1, 2, "Azteca FC", "CPL"),
    ("Valhalla FC", "OVPL", 1, 3, "Chicago House AC", "MWPL"),
    ("NoVa FC", "EPSL", 0, 1, "Christos FC", "MSSL"),
    ("FC America CFL Spurs", "UPSL", 4, 1, "Leg-AZ World FC", "UPSL"),
    ("Foro SC", "UPSL", 4, 0, "Alamo City Soccer Club", "UPSL"),
    ("Tennessee Tempo FC", "UPSL", 2, 4, "South Carolina United Heat", "UPSL"),
    ("New York Pancyprian-Freedoms", "EPSL", 1, 3, "Brockton FC United", "UPSL"),
    ("Vereinigung Erzgebirge", "USLP", 0, 0, "New Jersey Alliance FC", "UPSL"),
    ("Miami United FC", "USSL", 3, 1, "City Soccer FC", "USSL"),
    ("FC Folsom", "UPSL", 4, 2, "Inter San Francisco", "SFSFL"),
    ("Irvine Zeta FC", "UPSL", 3, 1, "Temecula FC", "NISAN"),
]


def played(number: int, home: str, hl: str, hs: int | None, as_: int | None, away: str, al: str, **more):
    winner = more.pop("winner", None)
    if winner is None and hs is not None and as_ is not None and hs != as_:
        winner = home if hs > as_ else away
    return RoundMatch(
        fixture=number,
        date=more.pop("date", dt.date(2023, 11, 18)),
        home=home,
        away=away,
        home_league=hl,
        away_league=al,
        home_score=hs,
        away_score=as_,
        decided_by=more.pop("decided_by", "regulation"),
        winner=winner,
        **more,
    )


def fourth_round() -> RoundAnswer:
    matches = []
    for offset, (home, hl, hs, as_, away, al) in enumerate(FOURTH_ROUND):
        number = 88 + offset
        if home == "Vereinigung Erzgebirge":
            match = played(
                number,
                home,
                hl,
                hs,
                as_,
                away,
                al,
                decided_by="penalties",
                penalties="unknown",
                winner=home,
                date=dt.date(2023, 11, 19),
            )
        else:
            match = played(number, home, hl, hs, as_, away, al)
        matches.append(match)
    return RoundAnswer(
        season=2024,
        round=4,
        round_name="Fourth Qualifying Round",
        dates="November 18–19, 2023",
        rounds_in_season=4,
        matches=matches,
    )


CLUB_WORDS = [
    "Atlético",
    "Łódź",
    "Café",
    "Máquina",
    "United",
    "Rovers",
    "O’Brien",
    "Athletic",
    "City",
    "Real",
]


def big_round() -> RoundAnswer:
    """44 ties, every way of deciding one, Unicode names and one 120-character name."""
    matches = []
    for index in range(44):
        number = 22 + index
        home = f"{CLUB_WORDS[index % 10]} {CLUB_WORDS[(index * 3 + 1) % 10]} FC {index}"
        away = LONG_NAME if index == 5 else f"Club {CLUB_WORDS[(index * 7 + 2) % 10]} SC {index}"
        if index % 11 == 3:
            match = played(
                number,
                home,
                "UPSL",
                1,
                1,
                away,
                "USSL",
                decided_by="penalties",
                penalties="3-4",
                winner=away,
                extra_time=True,
            )
        elif index % 11 == 7:
            match = played(number, home, "UPSL", None, None, away, "EPSL", decided_by="forfeit", winner=home)
        elif index % 11 == 9:
            match = played(number, home, "NISAN", 2, 1, away, "APL", decided_by="extra_time", extra_time=True)
        elif index % 11 == 5:
            match = played(number, home, "UPSL", 1, 1, away, "CPL", decided_by="abandoned")
        else:
            goals = index % 4, (index * 5) % 3
            match = played(number, home, "UPSL", goals[0] + (goals[0] == goals[1]), goals[1], away, "CPL")
        matches.append(match)
    return RoundAnswer(
        season=2024,
        round=2,
        round_name="Second Qualifying Round",
        dates="September 30–October 1, 2023",
        rounds_in_season=4,
        matches=matches,
        byes=["Bye Club One", "Bye Club Two"],
    )


def round_in_progress() -> RoundAnswer:
    """Round 4 of 2024 while round 3 is still being played: sides are 'winner of fixture N'."""
    matches = [
        played(88, "UDA Soccer", "UPSL", 1, 2, "Azteca FC", "CPL"),
        RoundMatch(
            fixture=89,
            date=dt.date(2023, 11, 18),
            home=None,
            home_from_fixture=75,
            away="Chicago House AC",
            away_league="MWPL",
            status="scheduled",
            venue="Community Field",
        ),
        RoundMatch(
            fixture=90,
            date=dt.date(2023, 11, 19),
            home=None,
            home_from_fixture=77,
            away=None,
            away_from_fixture=78,
            status="scheduled",
        ),
        RoundMatch(
            fixture=91,
            date=None,
            home="Miami United FC",
            home_league="USSL",
            away=None,
            away_from_fixture=80,
            status="postponed",
        ),
        played(
            92,
            "FC Folsom",
            "UPSL",
            2,
            2,
            "Inter San Francisco",
            "SFSFL",
            decided_by="penalties",
            penalties="4-3",
            winner="FC Folsom",
        ),
    ]
    return RoundAnswer(
        season=2024,
        round=4,
        round_name="Fourth Qualifying Round",
        dates="November 18–19, 2023",
        rounds_in_season=4,
        matches=matches,
    )


def line(number: int, rnd: int, opponent: str | None, gf: int | None, ga: int | None, **more) -> MatchLine:
    won = more.pop("won", None if gf is None or ga is None or gf == ga else gf > ga)
    names = {1: "First", 2: "Second", 3: "Third", 4: "Fourth"}
    return MatchLine(
        fixture=number,
        round=rnd,
        round_name=f"{names[rnd]} Qualifying Round",
        date=more.pop("date", dt.date(2023, 9, 10) + dt.timedelta(days=21 * (rnd - 1))),
        opponent=opponent,
        opponent_league=more.pop("opponent_league", "UPSL"),
        league="UPSL",
        home=more.pop("home", rnd % 2 == 0),
        goals_for=gf,
        goals_against=ga,
        decided_by=more.pop("decided_by", "regulation" if gf is not None else None),
        penalties=more.pop("penalties", None),
        won=won,
        season=2024,
        **more,
    )


def qualified_path() -> PathAnswer:
    return PathAnswer(
        team="FC Folsom",
        season=2024,
        name_in_season="FC Folsom",
        status="qualified",
        route="local qualifying",
        track="local",
        league="UPSL",
        entry_round=1,
        rounds_in_season=4,
        rounds_left=0,
        matches=[
            line(14, 1, "BattleBorn FC", 3, 2, opponent_league="NISAN"),
            line(62, 2, "UC Davis Club Soccer", 2, 1, opponent_league="WCSA"),
            line(85, 3, "Valley 559 FC", 2, 2, decided_by="penalties", penalties="5-4", won=True),
            line(97, 4, "Inter San Francisco", 4, 2, opponent_league="SFSFL"),
        ],
    )


def eliminated_path() -> PathAnswer:
    return PathAnswer(
        team="Houston FC",
        season=2024,
        status="eliminated",
        route="local qualifying",
        track="local",
        league="USSL",
        entry_round=2,
        byes=[1],
        rounds_in_season=4,
        rounds_left=0,
        eliminated_in_round=2,
        eliminated_by="Athletic Katy FC",
        matches=[line(22, 2, "Athletic Katy FC", 3, 4, opponent_league="USSL", home=True)],
    )


def alive_path() -> PathAnswer:
    nxt = line(
        97,
        4,
        None,
        None,
        None,
        opponent_from_fixture=84,
        status="scheduled",
        venue="Community Field",
        opponent_league="",
        date=dt.date(2023, 11, 19),
    )
    return PathAnswer(
        team="Aromas Café FC",
        season=2024,
        name_in_season="Aromas Cafe",
        status="alive",
        route="local qualifying",
        track="local",
        league="UPSL",
        entry_round=1,
        rounds_in_season=4,
        rounds_left=1,
        next_fixture=nxt,
        possible_opponents=["Sharktopus Football Club", "Inter San Francisco"],
        matches=[
            line(14, 1, "La Máquina FC", 3, 2),
            line(62, 2, "Łódź Polonia SC", 1, 1, decided_by="penalties", penalties="unknown", won=True),
            line(85, 3, "Valley 559 FC", None, None, decided_by="forfeit", won=True),
        ],
    )


ROUNDS = {"round_11": fourth_round, "round_44": big_round, "round_in_progress": round_in_progress}
PATHS = {"path_qualified": qualified_path, "path_eliminated": eliminated_path, "path_alive": alive_path}


# ------------------------------------------------------------------------------------------------ helpers


def opened(data: bytes) -> Image.Image:
    assert data.startswith(PNG_SIGNATURE)
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def keep(name: str, data: bytes) -> None:
    if SAVE_TO:
        Path(SAVE_TO).mkdir(parents=True, exist_ok=True)
        (Path(SAVE_TO) / f"{name}.png").write_bytes(data)


@pytest.fixture
def builtin_font() -> Iterator[None]:
    """Draw with Pillow's own font, as on a machine without DejaVu."""
    saved = picture.FONT_DIRS
    picture.FONT_DIRS = ()
    picture.reset_fonts()
    yield
    picture.FONT_DIRS = saved
    picture.reset_fonts()


# ---------------------------------------------------------------------------------------------- the PNGs


@pytest.mark.parametrize("name", sorted(ROUNDS))
def test_a_round_is_a_small_phone_width_png(name: str) -> None:
    start = time.perf_counter()
    data = round_png(ROUNDS[name]())
    elapsed = time.perf_counter() - start
    keep(name, data)
    image = opened(data)
    assert image.format == "PNG"
    assert image.width == picture.WIDTH <= 1200
    assert 600 <= image.height <= picture.MAX_HEIGHT
    assert len(data) < ONE_MIB
    assert elapsed < 5  # generous: ~0.15 s for 44 ties on a laptop


@pytest.mark.parametrize("name", sorted(PATHS))
def test_a_path_is_a_small_phone_width_png(name: str) -> None:
    data = path_png(PATHS[name]())
    keep(name, data)
    image = opened(data)
    assert image.width == picture.WIDTH
    assert 500 <= image.height <= 3000
    assert len(data) < ONE_MIB


def test_each_tie_adds_height_and_a_long_round_is_cut_into_pages() -> None:
    """44 ties: three pages of 15, 15 and 14, each about as tall as 15 ties, none past the cap."""
    eleven = opened(round_png(fourth_round()))
    pages = [opened(round_png(big_round(), page)) for page in (1, 2, 3)]
    assert [len(page.matches) for page in picture.round_pages(big_round())] == [15, 15, 14]
    assert all(eleven.height < page.height <= picture.MAX_HEIGHT for page in pages)
    assert max(page.height for page in pages) < 2 * eleven.height
    with pytest.raises(ValueError, match="has 3 page"):
        round_png(big_round(), 4)


def test_a_huge_round_leaves_nothing_out() -> None:
    """120 ties: every tie on some page, no page over 16 ties or over the height cap."""
    huge = big_round()
    huge.matches = [m.model_copy(update={"fixture": i}) for i in range(3) for m in huge.matches][:120]
    pages = picture.round_pages(huge)
    assert [m for page in pages for m in page.matches] == huge.matches
    assert len(pages) == 8 and all(len(page.matches) == 15 for page in pages)
    assert opened(round_png(huge, 8)).height <= picture.MAX_HEIGHT


def test_the_tallest_possible_page_stays_under_the_cap() -> None:
    """16 ties, each label on a row of its own (a long winner beside a.e.t. and pens): under MAX_HEIGHT."""
    long_winner = [
        played(i, LONG_NAME, "UPSL", 1, 1, f"B {i}", "USSL", decided_by="penalties", penalties="10-11",
               extra_time=True, winner=LONG_NAME)
        for i in range(16)
    ]  # fmt: skip
    answer = RoundAnswer(season=2024, round=1, matches=long_winner)
    assert all(picture._tie(m, picture.REGULAR).note_row for m in long_winner)
    assert len(picture.round_pages(answer)) == 1
    assert opened(round_png(answer)).height <= picture.MAX_HEIGHT


def test_the_label_moves_under_the_clubs_when_it_would_cut_the_winner() -> None:
    answer = fourth_round()
    ties = {tie.match.fixture: tie for tie in (picture._tie(m, picture.REGULAR) for m in answer.matches)}
    shootout = ties[95]  # Vereinigung Erzgebirge won on penalties, score unknown
    assert shootout.note == "pens, score unknown" and shootout.note_row
    assert ties[88].note == "" and not ties[88].note_row


def test_labels_say_how_a_tie_was_decided() -> None:
    by_number = {m.fixture: picture._tie_note(m) for m in big_round().matches}
    assert by_number[25] == "a.e.t., 4-3 pens"  # away won 4-3: the winner's score first
    assert by_number[29] == "forfeit"
    assert by_number[31] == "a.e.t."
    assert by_number[22] == "" and by_number[27] == "abandoned"
    assert {picture._tie_note(m) for m in round_in_progress().matches} == {"", "4-3 pens"}


def test_unknown_sides_and_footer_counts() -> None:
    answer = round_in_progress()
    assert picture._side(answer.matches[2], home=False) == ("Winner of fixture 78", "", "unknown")
    [page] = picture.round_pages(answer)
    assert picture.round_footer(page) == "5 ties (2 played, 3 to play) · 0 byes"
    first, _, last = picture.round_pages(big_round())
    assert picture.round_footer(first) == "ties 1–15 of 44 · 2 byes listed on page 3"
    assert picture.round_footer(last) == "ties 31–44 of 44 · 2 byes"


def test_the_ladder_has_entry_byes_ties_and_the_next_tie() -> None:
    steps = picture._path_steps(eliminated_path())
    assert [step.kicker.split(" · ")[0] for step in steps] == ["Entry", "Round 1", "Second Qualifying Round"]
    assert steps[-1].badge == "L 3-4"
    alive = picture._path_steps(alive_path())
    assert alive[-1].title == "v winner of fixture 84" and alive[-1].badge == "scheduled"
    assert "Sharktopus Football Club or Inter San Francisco" in alive[-1].note
    assert alive[3].badge == "W" and alive[3].note == "won by forfeit"
    assert picture._status(eliminated_path())[:2] == (
        "Out in round 2 (lost to Athletic Katy FC)",
        "Second Qualifying Round: 3-4",
    )
    assert picture._status(alive_path())[0] == "Alive · 1 more win to reach the proper"


def test_a_club_that_did_not_enter_still_gets_a_picture() -> None:
    answer = PathAnswer(team="Nobody FC", season=2024, status="not_entered", other_seasons=[2017])
    image = opened(path_png(answer))
    assert image.width == picture.WIDTH


# ----------------------------------------------------------------------------------------- readability


def test_the_type_is_large_for_the_width() -> None:
    assert text_height(face(picture.NAME_SIZE)) >= 24
    assert text_height(face(picture.SMALL_SIZE, bold=True), "Hx") >= 20
    assert picture.SMALL_SIZE >= 28 and picture.WIDTH <= 1200


@pytest.mark.parametrize("draw", [lambda: round_png(fourth_round()), lambda: path_png(qualified_path())])
def test_the_picture_is_not_blank(draw) -> None:
    image = opened(draw()).convert("RGB")
    colours = image.getcolors(maxcolors=1 << 16)
    assert colours is not None and len(colours) >= 16
    assert max(ImageStat.Stat(image).stddev) > 10


def test_a_long_name_is_cut_with_an_ellipsis_to_fit() -> None:
    of = face(picture.NAME_SIZE, bold=True)
    fitted = fit_text(LONG_NAME, of, 500)
    assert fitted.endswith("…") and len(fitted) < len(LONG_NAME)
    assert of.length(fitted) <= 500
    assert fit_text("FC Folsom", of, 500) == "FC Folsom"


def test_nothing_overflows_a_card() -> None:
    """A 120-character name on both sides of a tie: the margins and the score column stay clean."""
    match = played(1, LONG_NAME, "UPSL", 12, 11, LONG_NAME + " B", "EPSL")
    answer = RoundAnswer(season=2024, round=1, round_name=LONG_NAME, matches=[match])
    image = opened(round_png(answer)).convert("RGB")
    top = 168 + 42 + 16
    card_bottom = top + 2 * picture.REGULAR.pad + 2 * picture.REGULAR.line
    background = image.getpixel((picture.WIDTH - 2, 20))  # the palette may shift a colour by a shade
    card = image.getpixel((picture.WIDTH - picture.MARGIN - 30, top + 4))
    assert max(abs(a - b) for a, b in zip(card, picture.CARD, strict=True)) <= 3
    right_margin = image.crop((picture.WIDTH - picture.MARGIN + 1, 12, picture.WIDTH, image.height))
    assert right_margin.getcolors() == [(right_margin.width * right_margin.height, background)]
    name_end = picture._columns(match)[1]
    score_left = picture.WIDTH - picture.MARGIN - picture.CARD_PAD_X - picture.SCORE_W
    gap = image.crop((int(name_end) + 1, top + 4, score_left, card_bottom - 4))
    assert gap.getcolors() == [(gap.width * gap.height, card)]


def test_unicode_names_keep_their_letters() -> None:
    of = face(picture.NAME_SIZE)
    assert picture.clean("La Máquina FC · Łódź O’Brien", of) in (
        "La Máquina FC · Łódź O’Brien",  # DejaVu: every letter as written
        "La Maquina FC · Lodz O’Brien",  # Pillow's font: folded, never a box
    )


def test_invisible_characters_are_dropped_not_boxed() -> None:
    assert picture.clean("Foro\u200b SC\n\tUnited\u00ad", face(picture.NAME_SIZE)) == "Foro SC United"


def test_without_system_fonts_the_builtin_font_draws_folded_text(builtin_font: None) -> None:
    of = face(picture.NAME_SIZE)
    assert of.font.getname()[0] == "Aileron"
    assert picture.clean("La Máquina FC Łódź 中", of) == "La Maquina FC Lodz ?"
    fitted = fit_text(LONG_NAME, of, 400)
    assert fitted.endswith("…") and of.length(fitted) <= 400 and fitted.isascii() is False
    data = round_png(big_round())
    keep("round_44_builtin_font", data)
    assert len(data) < ONE_MIB and text_height(of) >= 24


# ------------------------------------------------------------------------------- determinism and caching


def test_the_same_answer_gives_the_same_bytes() -> None:
    assert round_png(round_in_progress()) == round_png(round_in_progress())
    assert path_png(alive_path()) == path_png(alive_path())


def test_the_cache_draws_once_per_data_version() -> None:
    cache = PictureCache(maxsize=64)
    answer = fourth_round()
    calls = []

    def draw() -> bytes:
        calls.append(1)
        return round_png(answer)

    first = cache.get_or_draw(PictureCache.round_key(answer, "v1"), draw)
    second = cache.get_or_draw(PictureCache.round_key(answer, "v1"), draw)
    assert second == first and len(calls) == 1
    assert (cache.hits, cache.misses) == (1, 1)
    cache.get_or_draw(PictureCache.round_key(answer, "v2"), draw)
    assert len(calls) == 2 and (cache.hits, cache.misses) == (1, 2)


def test_the_cache_helpers_and_keys() -> None:
    cache = PictureCache()
    path = qualified_path()
    assert cache.path_png(path, "v1") == cache.path_png(path, "v1")
    assert (cache.hits, cache.misses) == (1, 1)
    assert PictureCache.path_key(path, "v1") == ("path", "v1", "FC Folsom", 2024)
    assert PictureCache.round_key(fourth_round(), "v1") == ("round", "v1", 2024, 4, 1)
    assert PictureCache.path_key(path, "v1") in cache and len(cache) == 1


def test_the_cache_forgets_the_least_recently_used() -> None:
    cache = PictureCache(maxsize=2)
    for name in ("a", "b"):
        cache.get_or_draw(("k", name), lambda name=name: name.encode())
    cache.get_or_draw(("k", "a"), lambda: b"never")  # "a" is now the most recent
    cache.get_or_draw(("k", "c"), lambda: b"c")
    assert ("k", "b") not in cache and ("k", "a") in cache and len(cache) == 2
    assert cache.get_or_draw(("k", "a"), lambda: b"never") == b"a"
    cache.clear()
    assert len(cache) == 0


# ----------------------------------------------------------- issue 9: pages, badges, dates, status words


@pytest.fixture
def drawn_text(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every line of text the pictures draw from now on (what a reader sees, without reading pixels)."""
    seen: list[str] = []
    original = picture._text

    def record(draw, xy, text, of, fill, anchor="lm") -> None:  # type: ignore[no-untyped-def]
        seen.append(text)
        original(draw, xy, text, of, fill, anchor)

    monkeypatch.setattr(picture, "_text", record)
    return seen


async def real_round(store: Store, number: int, season: int) -> RoundAnswer:
    async with store.session() as session:
        return await round_fixtures(session, number=number, season=season)


async def real_path(store: Store, team: str, season: int) -> PathAnswer:
    async with store.session() as session:
        return await path(session, team=team, season=season)


async def test_a_club_that_qualified_directly_played_no_qualifying_rounds(store: Store) -> None:
    """SC MesoAmerica (National Amateur Cup winner) played none; FC Folsom (local) had four to play."""
    direct = await real_path(store, "SC MesoAmerica", 2024)
    assert direct.track == "amateur_cup" and direct.matches == []
    words = picture.path_header_line(direct)
    assert "qualifying round" in words and "4" not in words and "no qualifying rounds" in words
    assert picture.path_header_line(await real_path(store, "FC Folsom", 2024)) == (
        "UPSL · 4 qualifying rounds to the proper"
    )
    national = qualified_path().model_copy(update={"track": "national_league", "matches": []})
    assert "no qualifying rounds" in picture.path_header_line(national)
    assert picture.path_header_line(PathAnswer(team="X", season=2024, status="not_entered")) == ""
    keep("path_sc_mesoamerica", path_png(direct))


def test_a_shootout_badge_says_it_was_won_on_penalties() -> None:
    """'W 2-2 (4-3 pens)' when the shoot-out score is known (from the club's side), else 'W 2-2 (pens)'."""
    shootout = {"decided_by": "penalties", "won": True}
    assert picture.badge(line(1, 1, "A", 2, 2, penalties="4-3", **shootout)) == "W 2-2 (4-3 pens)"
    assert picture.badge(line(1, 1, "A", 2, 2, penalties="unknown", **shootout)) == "W 2-2 (pens)"
    assert picture.badge(line(1, 1, "A", 2, 2, penalties=None, **shootout)) == "W 2-2 (pens)"
    lost = line(1, 1, "A", 1, 1, decided_by="penalties", penalties="3-4", won=False)
    assert picture.badge(lost) == "L 1-1 (3-4 pens)"
    assert picture.badge(line(1, 1, "A", 3, 2)) == "W 3-2"
    assert picture.badge(line(1, 1, "A", None, None, decided_by="forfeit", won=True)) == "W"
    steps = picture._path_steps(qualified_path())
    assert [step.badge for step in steps[1:]] == ["W 3-2", "W 2-1", "W 2-2 (5-4 pens)", "W 4-2"]


async def test_a_real_shootout_winner_shows_pens_on_its_badges(store: Store) -> None:
    """Vereinigung Erzgebirge won rounds 3 and 4 on penalties (scores not in the source)."""
    answer = await real_path(store, "Vereinigung Erzgebirge", 2024)
    badges = [step.badge for step in picture._path_steps(answer) if step.badge]
    assert badges == ["W 3-0", "W 1-1 (pens)", "W 0-0 (pens)"]
    keep("path_shootout_winner", path_png(answer))


def test_a_tie_card_shows_the_date_and_leagues_not_a_fixture_number(drawn_text: list[str]) -> None:
    """Round 4, 2024: 'Sat' over 'Nov 18' at each card's left, each club's league beside it, no '#88'."""
    round_png(fourth_round())
    assert not [text for text in drawn_text if text.startswith("#")]
    assert drawn_text.count("Sat") == 10 and drawn_text.count("Nov 18") == 10 and "Nov 19" in drawn_text
    for league in ("UPSL", "CPL", "OVPL", "MWPL", "EPSL", "MSSL", "USLP", "USSL", "SFSFL", "NISAN"):
        assert league in drawn_text
    assert picture.tie_date(fourth_round().matches[0]) == ("Sat", "Nov 18")
    assert picture.tie_date(round_in_progress().matches[3]) == ("", "TBD")


async def test_every_real_club_name_is_drawn_in_full_beside_its_league(
    store: Store, drawn_text: list[str]
) -> None:
    """The date column takes room from names: still no name of either season is cut, nor its league lost."""
    for season, rounds in ((2024, (1, 2, 3, 4)), (2017, (1, 2))):
        for number in rounds:
            answer = await real_round(store, number, season)
            for page in picture.round_pages(answer):
                drawn_text.clear()
                picture._round_image(answer, page)  # the text only: no need to compress a PNG
                for match in page.matches:
                    for name, league in ((match.home, match.home_league), (match.away, match.away_league)):
                        assert name in drawn_text, (season, number, name)
                        assert not league or league in drawn_text, (season, number, name, league)
                assert not [text for text in drawn_text if text.endswith("…")], (season, number)


async def test_round_one_of_2024_is_three_phone_sized_pages_with_its_byes_listed(
    store: Store, drawn_text: list[str]
) -> None:
    """21 ties and 67 byes: 11 ties, 10 ties, then the byes by name; each page under 2,100 px (was 3,648)."""
    answer = await real_round(store, 1, 2024)
    pages = picture.round_pages(answer)
    assert [(len(p.matches), len(p.byes)) for p in pages] == [(11, 0), (10, 0), (0, 67)]
    heights = []
    for page in pages:
        data = round_png(answer, page.number)
        keep(f"round_2024_1_page{page.number}", data)
        heights.append(opened(data).height)
    assert all(height <= 2100 for height in heights), heights
    assert set(answer.byes) <= set(drawn_text)  # every club with a bye, by name
    assert "67 byes: through to round 2 without playing" in drawn_text
    assert "ties 1–11 of 21 · 67 byes listed on page 3" in drawn_text
    assert "September 9–10, 2023 · round 1 of 4 · page 2 of 3" in drawn_text


async def test_byes_that_fit_are_listed_under_the_last_ties(store: Store, drawn_text: list[str]) -> None:
    """2017's round 1: 28 ties and 8 byes, two pages of 14 ties, the byes under the second."""
    answer = await real_round(store, 1, 2017)
    pages = picture.round_pages(answer)
    assert [(len(p.matches), len(p.byes)) for p in pages] == [(14, 0), (14, 8)]
    round_png(answer, 2)
    assert "MF 10" in drawn_text and "8 byes: through to round 2 without playing" in drawn_text


def test_the_page_split() -> None:
    """Fewest pages of at most 16 ties, even sizes; byes under the last ties when they fit, else alone."""
    assert [len(run) for run in paging.even_split(21, 16)] == [11, 10]
    assert [len(run) for run in paging.even_split(44, 16)] == [15, 15, 14]
    assert [len(run) for run in paging.even_split(16, 16)] == [16]
    assert [len(run) for run in paging.even_split(17, 16)] == [9, 8]
    assert paging.even_split(0, 16) == []

    def shape(ties: int, byes: int) -> list[tuple[int, int]]:
        answer = RoundAnswer(
            season=2024,
            round=1,
            matches=[played(i, f"H{i}", "", 1, 0, f"A{i}", "") for i in range(ties)],
            byes=[f"Bye {i:03}" for i in range(byes)],
        )
        pages = paging.round_pages(answer)
        assert all(p.count == len(pages) for p in pages)
        assert [m for p in pages for m in p.matches] == answer.matches
        assert [b for p in pages for b in p.byes] == answer.byes
        return [(len(p.matches), len(p.byes)) for p in pages]

    assert shape(0, 0) == [(0, 0)]
    assert shape(15, 6) == [(15, 6)]  # one tie's room left: six names
    assert shape(15, 7) == [(15, 0), (0, 7)]
    assert shape(0, 200) == [(0, 67), (0, 67), (0, 66)]  # no empty page of ties first
    spread = RoundAnswer(season=2024, round=4, rounds_in_season=4, byes=[f"Bye {i:03}" for i in range(200)])
    pages = paging.round_pages(spread)
    assert [(p.first_bye, p.byes_spread) for p in pages] == [(1, True), (68, True), (135, True)]
    heading = picture.byes_heading(spread, pages[1])
    assert heading == "Byes 68–134 of 200: through to the proper without playing"
    assert f"**Byes 135–200 of 200:** {pages[2].byes[0]}" in (render_pages(spread)[2].description or "")
    assert shape(28, 8) == [(14, 0), (14, 8)]


async def test_the_embed_pages_are_the_picture_pages(store: Store) -> None:
    """/round's embeds and /bracket's pictures cut a round in the same places."""
    for season, number in ((2024, 1), (2024, 2), (2017, 1), (2024, 4)):
        answer = await real_round(store, number, season)
        pages = picture.round_pages(answer)
        embeds = render_pages(answer)
        assert len(embeds) == len(pages)
        for page, embed in zip(pages, embeds, strict=True):
            text = embed.description or ""
            lines = {escape_markdown(tie_words(match, discord_when)) for match in answer.matches}
            shown = [line for line in text.splitlines() if line in lines]
            assert shown == [escape_markdown(tie_words(match, discord_when)) for match in page.matches]
            assert (page.byes and f"Byes ({len(page.byes)})" in text) or not page.byes
            if len(pages) > 1:
                assert f"page {page.number}/{len(pages)}" in (embed.footer.text or "")
    first, _, byes = render_pages(await real_round(store, 1, 2024))
    assert "67 byes listed on page 3" in (first.description or "")
    assert "Arlington SA" in (byes.description or "") and "Yinz United" in (byes.description or "")


def test_the_cache_keeps_each_page_apart() -> None:
    cache = PictureCache()
    answer = big_round()
    assert PictureCache.round_key(answer, "v1", 2) == ("round", "v1", 2024, 2, 2)
    first, second = cache.round_png(answer, "v1", 1), cache.round_png(answer, "v1", 2)
    assert first != second and (cache.hits, cache.misses) == (0, 2)
    assert cache.round_png(answer, "v1", 2) == second and (cache.hits, cache.misses) == (1, 2)


def test_the_banner_takes_its_words_from_standing() -> None:
    """Item 16: the picture says a club's standing in the same words as every other renderer."""
    eliminated = eliminated_path()
    assert picture._status(eliminated)[0].lower() == standing.eliminated_words(eliminated).lower()
    direct = qualified_path().model_copy(update={"track": "amateur_cup", "berth": "2023 NAC winner"})
    assert picture._status(direct)[1] == standing.qualified_how(direct) == "2023 NAC winner"
    assert picture._status(qualified_path())[1] == standing.qualified_how(qualified_path())
    alive = alive_path()
    assert standing.wins_left_words(alive.rounds_left) in picture._status(alive)[0]
    assert standing.side_words(None, 84) in picture._status(alive)[1]
    nobody = PathAnswer(team="Nobody FC", season=2024, status="not_entered", other_seasons=[2017])
    assert picture._status(nobody)[0].lower() == standing.not_entered_words(nobody).lower()
