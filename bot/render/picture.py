"""Answers as PNG pictures made to be read on a phone: a round's ties as cards, a club's route as a ladder.

A round comes in pages of at most 16 ties (the pages of its embed, from `bot.render.paging`), so that no
picture is taller than two or three phone screens; its byes are listed by name on the last page.

Discord shows an attached image about 400 px wide on a phone. The canvas is 1080 px wide (a scale of about
0.37) and no text is smaller than 28 px (about 10 px on the phone); club names are 40 px (about 15 px, the
size of body text in the app) and scores 46 px bold.

Nothing here knows about Discord or the store: functions take an answer and return PNG bytes. The output
depends only on the answer (no clock, no randomness), so the same answer always gives the same bytes and
`PictureCache` can hand back a stored picture.

Pillow is imported when the first picture is drawn (or its first font is measured), not with this module:
a bot that is never asked for a picture never loads it. Drawing tells the C allocator to give big buffers
back once freed (`return_big_blocks`), so that drawing leaves no tens of MiB behind.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from bot.answers.models import MatchLine, PathAnswer, RoundAnswer, RoundMatch
from bot.answers.standing import (
    counted,
    eliminated_words,
    not_entered_words,
    not_said_words,
    qualified_how,
    side_words,
    wins_left_words,
)
from bot.render.paging import RoundPage, byes_elsewhere, round_pages
from bot.render.text import score_words

if TYPE_CHECKING:  # Pillow itself is imported when the first picture is drawn: most bots never draw one
    from PIL import Image, ImageDraw, ImageFont

__all__ = [
    "BIG_BLOCK",
    "MAX_HEIGHT",
    "WIDTH",
    "Face",
    "PictureCache",
    "badge",
    "byes_heading",
    "face",
    "fit_text",
    "path_header_line",
    "path_png",
    "reset_fonts",
    "return_big_blocks",
    "round_footer",
    "round_header_line",
    "round_pages",
    "round_png",
    "text_height",
    "tie_date",
]

# ---------------------------------------------------------------------------------------------- geometry

WIDTH = 1080  # px; shown ~400 px wide on a phone
MAX_HEIGHT = 3700  # px; no page of a round is taller: 16 ties, each with its label on a row of its own
MARGIN = 28  # px between the canvas edge and the cards
CARD_PAD_X = 22  # px between a card's edge and its text
SCORE_W = 86  # px: the column holding a tie's scores, at the card's right
RADIUS = 16

NAME_SIZE = 40  # club names
SMALL_SIZE = 28  # the smallest text drawn anywhere
SCORE_SIZE = 46
TITLE_SIZE = 56

# A dark palette (slate), which sits well in Discord's dark theme and still reads on the light one.
BG = (15, 23, 42)
CARD = (30, 41, 59)
SPINE = (71, 85, 105)
TEXT = (241, 245, 249)
DIM = (148, 163, 184)  # losers, leagues, dates: 5.7:1 on CARD
WIN = (34, 197, 94)
LOSS = (248, 113, 113)
PENDING = (56, 189, 248)
UNKNOWN_SIDE = (125, 211, 252)
AMBER = (251, 191, 36)
ACCENT = (220, 38, 38)  # the cup's red, in the header stripe

# ------------------------------------------------------------------------------------------------- fonts

# Pillow's built-in scalable font (Aileron, `ImageFont.load_default(size=...)`) has little beyond ASCII:
# it would draw 'La Máquina FC' and 'Aromas Café FC' (both in the 2024 data) with empty boxes. So DejaVu
# Sans Condensed (Debian's fonts-dejavu-core, on most machines; wide Unicode cover, a real bold, narrow
# enough for long club names) is used when it is there; when it is not, the built-in font is used with
# accents folded away ('é' -> 'e', 'ł' -> 'l') and a stroke for bold. Nothing is ever downloaded.
FONT_DIRS: tuple[str, ...] = (
    "/usr/share/fonts/truetype/dejavu",
    "/usr/share/fonts/dejavu",
    "/usr/share/fonts/TTF",
    "/usr/share/fonts/truetype",
    "/usr/local/share/fonts",
    "/Library/Fonts",
    "C:/Windows/Fonts",
)
FONT_FILES: dict[bool, tuple[str, ...]] = {
    False: ("DejaVuSansCondensed.ttf", "DejaVuSans.ttf"),
    True: ("DejaVuSansCondensed-Bold.ttf", "DejaVuSans-Bold.ttf"),
}
_FOLD = str.maketrans(
    {
        "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ß": "ss", "æ": "ae", "Æ": "AE",
        "œ": "oe", "Œ": "OE", "þ": "th", "ı": "i", "’": "'", "‘": "'", "“": '"', "”": '"', "–": "-",
        "—": "-", "…": "...", "·": "-",
    }
)  # fmt: skip


@dataclass(frozen=True, eq=False)
class Face:
    """A font at one size; `stroke` thickens it into a bold when the font has no bold cut."""

    font: ImageFont.FreeTypeFont | ImageFont.ImageFont
    size: int
    bold: bool
    stroke: int = 0

    def length(self, text: str) -> float:
        """How wide `text` is drawn, in px (stroke included)."""
        return self.font.getlength(text) + (2 * self.stroke if text else 0)

    def covers(self, char: str) -> bool:
        """Whether the font has a glyph for `char` (rather than its empty box)."""
        return _covers(self.bold, char)


@lru_cache(maxsize=4)
def _font_path(bold: bool) -> str | None:
    """The system TrueType file for this weight, or None to use Pillow's built-in font."""
    for folder in FONT_DIRS:
        for name in FONT_FILES[bold]:
            path = Path(folder) / name
            if path.is_file():
                return str(path)
    return None


def _load(size: int, bold: bool) -> tuple[ImageFont.FreeTypeFont | ImageFont.ImageFont, int]:
    """A font and the stroke that makes it bold."""
    from PIL import ImageFont

    path = _font_path(bold)
    if path is not None:
        try:
            return ImageFont.truetype(path, size, layout_engine=ImageFont.Layout.BASIC), 0
        except OSError:
            pass
    stroke = max(1, size // 28) if bold else 0
    try:
        return ImageFont.load_default(size=size), stroke
    except (OSError, ImportError):  # Pillow without FreeType: the small bitmap font, the last resort
        return ImageFont.load_default(), 0


@lru_cache(maxsize=64)
def face(size: int, bold: bool = False) -> Face:
    """The face used for text of `size` px: the same helper draws and measures, so what fits, fits."""
    font, stroke = _load(size, bold)
    return Face(font=font, size=size, bold=bold, stroke=stroke)


@lru_cache(maxsize=4096)
def _covers(bold: bool, char: str) -> bool:
    """Whether `char` has a glyph of its own: its mask differs from that of a character no font has."""
    probe = face(SMALL_SIZE, bold).font
    if char.isspace():
        return True
    return _mask(probe, char) != _mask(probe, "\uffff")


def _mask(font: ImageFont.FreeTypeFont | ImageFont.ImageFont, char: str) -> tuple[tuple[int, int], bytes]:
    """A glyph's bitmap, to compare glyphs."""
    mask = font.getmask(char)
    return mask.size, bytes(mask)


def reset_fonts() -> None:
    """Forget the fonts found, after FONT_DIRS changed (tests use this to draw with the built-in font)."""
    _font_path.cache_clear()
    face.cache_clear()
    _covers.cache_clear()


def text_height(of: Face, sample: str = "ÁHgjy") -> int:
    """The height in px of a line of text in `of`, ascenders to descenders."""
    _, top, _, bottom = of.font.getbbox(sample, stroke_width=of.stroke)
    return int(bottom - top)


def clean(text: str, of: Face) -> str:
    """`text` on one line, with every character the font lacks folded to a near one ('é' -> 'e') or '?'."""
    text = " ".join(unicodedata.normalize("NFC", text).split())
    text = "".join(char for char in text if unicodedata.category(char) not in ("Cc", "Cf"))  # zero-width
    if all(of.covers(char) for char in text):
        return text
    out = []
    for char in text:
        if of.covers(char):
            out.append(char)
            continue
        folded = char.translate(_FOLD)
        if folded == char:
            folded = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
        out.append(folded if folded and all(of.covers(c) for c in folded) else "?")
    return "".join(out)


def fit_text(text: str, of: Face, max_width: float) -> str:
    """`text` cleaned, cut with an ellipsis where needed so it is at most `max_width` px wide in `of`."""
    text = clean(text, of)
    if of.length(text) <= max_width:
        return text
    ellipsis = "…" if of.covers("…") else "..."
    low, high = 0, len(text)  # the longest prefix that fits, with the ellipsis, by bisection
    while low < high:
        middle = (low + high + 1) // 2
        if of.length(text[:middle].rstrip() + ellipsis) <= max_width:
            low = middle
        else:
            high = middle - 1
    cut = text[:low].rstrip(" -·,(")
    return cut + ellipsis if cut else (ellipsis if of.length(ellipsis) <= max_width else "")


# ----------------------------------------------------------------------------------------------- drawing

# The fonts are shared, and FreeType faces are not safe to use from two threads at once (a bot may draw in
# `asyncio.to_thread`): drawing takes the lock, ~30 ms for 44 ties; quantising and compressing do not.
_DRAWING = threading.Lock()


def _mix(colour: tuple[int, int, int], under: tuple[int, int, int], amount: float) -> tuple[int, int, int]:
    """`colour` laid over `under` at `amount` opacity."""
    return tuple(round(c * amount + u * (1 - amount)) for c, u in zip(colour, under, strict=True))  # type: ignore[return-value]


def _text(
    draw: ImageDraw.ImageDraw,
    xy: tuple[float, float],
    text: str,
    of: Face,
    fill: tuple[int, int, int],
    anchor: str = "lm",
) -> None:
    """Draw one line of (already fitted) text."""
    if not text:
        return
    draw.text(xy, text, font=of.font, fill=fill, anchor=anchor, stroke_width=of.stroke, stroke_fill=fill)


def _pill(
    draw: ImageDraw.ImageDraw,
    right: float,
    middle: float,
    text: str,
    colour: tuple[int, int, int],
    under: tuple[int, int, int] = CARD,
    size: int = SMALL_SIZE,
) -> float:
    """A rounded label ending at x=`right`, centred on y=`middle`; returns its left edge."""
    of = face(size, bold=True)
    width = of.length(text) + 28
    height = size + 14
    box = (right - width, middle - height / 2, right, middle + height / 2)
    draw.rounded_rectangle(box, radius=height / 2, fill=_mix(colour, under, 0.22))
    _text(draw, (right - width / 2, middle), text, of, colour, anchor="mm")
    return right - width


def pill_width(text: str, size: int = SMALL_SIZE) -> float:
    """How wide `_pill` draws `text`."""
    return face(size, bold=True).length(text) + 28


BIG_BLOCK = 1 << 20  # bytes: glibc's malloc is told to map blocks this big apart, and unmap them when freed
_M_MMAP_THRESHOLD = -3  # mallopt's parameter number, from glibc's <malloc.h>


@lru_cache(maxsize=1)
def return_big_blocks() -> bool:
    """Have the C allocator give freed blocks of BIG_BLOCK or more back to the system; whether it was told.

    A canvas holds up to 1080 × 3700 px (16 MB of pixels), and quantising and PNG coding add a few MB more.
    glibc's malloc maps the first such block apart and unmaps it when freed, but then raises its threshold,
    so that the next ones come from its heaps (one per drawing thread) and stay there once freed: a bot
    that had drawn a few pictures held 20–100 MiB more for good. A fixed threshold keeps each big block
    mapped apart and returned when freed. With another C library nothing is done.
    """
    try:
        if not (os.confstr("CS_GNU_LIBC_VERSION") or "").startswith("glibc"):
            return False
        import ctypes

        return bool(ctypes.CDLL("libc.so.6").mallopt(_M_MMAP_THRESHOLD, BIG_BLOCK))
    except (AttributeError, OSError, ValueError):  # no confstr, no such name or library, no mallopt
        return False


def _canvas(height: int) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    """A blank picture `height` px tall, and a pen to draw on it."""
    from PIL import Image, ImageDraw

    return_big_blocks()
    image = Image.new("RGB", (WIDTH, height), BG)
    return image, ImageDraw.Draw(image)


def _png(image: Image.Image) -> bytes:
    """The image as a compact PNG with a 64-colour palette (flat colours and anti-aliased text need no more).

    Fast octree quantising and zlib's default level: a 44-tie round is ~270 KB in ~0.1 s. Median-cut and
    `optimize=True` save only ~10% more and take ten times as long.
    """
    from PIL import Image

    palette = image.quantize(colors=64, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    buffer = io.BytesIO()
    palette.save(buffer, format="PNG", compress_level=6)
    return buffer.getvalue()


def _day(date: dt.date | None, weekday: bool = False) -> str:
    """'Nov 18, 2023' (or 'Sat Nov 18, 2023'); portable, unlike strftime's %-d."""
    if date is None:
        return ""
    text = f"{date:%b} {date.day}, {date.year}"
    return f"{date:%a} {text}" if weekday else text


def _header(
    draw: ImageDraw.ImageDraw, kicker: str, title: str, lines: Iterable[tuple[str, tuple[int, int, int]]]
) -> int:
    """The red stripe, a small kicker, a big title and detail lines; returns the y below it."""
    draw.rectangle((0, 0, WIDTH, 11), fill=ACCENT)
    inner = WIDTH - 2 * MARGIN
    small_bold = face(SMALL_SIZE, bold=True)
    _text(draw, (MARGIN, 52), fit_text(kicker.upper(), small_bold, inner), small_bold, DIM)
    big = face(TITLE_SIZE, bold=True)
    _text(draw, (MARGIN, 112), fit_text(title, big, inner), big, TEXT)
    y = 168
    detail = face(30)
    for line, colour in lines:
        _text(draw, (MARGIN, y), fit_text(line, detail, inner), detail, colour)
        y += 42
    return y + 6


# ------------------------------------------------------------------------------------------------ rounds


@dataclass(frozen=True)
class _RoundScale:
    """The sizes of a round's tie cards."""

    name: int
    score: int
    line: int  # px per club line; a card holds two
    pad: int  # px above and below the lines
    gap: int  # px between cards
    note_row: int = 50  # px of the extra row for a label that does not fit beside the winner


REGULAR = _RoundScale(name=NAME_SIZE, score=SCORE_SIZE, line=58, pad=14, gap=12)
FOOTER_H = 96
HEADER_TOP = 168 + 42 + 6 + 10  # px: where a round's first card starts, under its one detail line
BYE_SIZE = 30  # the names of clubs with a bye
BYE_ROW = 44  # px per row of names
BYE_HEAD = 54  # px of the heading row of the byes
BYE_PAD = 16  # px above and below the names, inside their card
BYE_COLUMNS = 2
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class _Tie:
    """A tie and how its card is laid out."""

    match: RoundMatch
    note: str  # the label: 'a.e.t.', '4-3 pens', 'forfeit', or ''
    note_row: bool  # the label sits on a row of its own, under the clubs (it would squeeze the name)
    height: int  # px, without the gap


def _date_width() -> float:
    """The width of the date column at a card's left: the widest day a month can give, 'Sep 30'."""
    of = face(SMALL_SIZE, bold=True)
    return max(of.length(f"{month} 30") for month in _MONTHS)


def _columns(match: RoundMatch) -> tuple[float, float]:
    """Where club names start, and where they (with any label) must end, in a tie's card."""
    name_x = MARGIN + CARD_PAD_X + _date_width() + 18
    right = WIDTH - MARGIN - CARD_PAD_X
    if match.status == "played":
        return name_x, right - SCORE_W - 12
    return name_x, right - pill_width(match.status) - 20


def tie_date(match: RoundMatch) -> tuple[str, str]:
    """The date at a tie card's left, on two lines beside the two clubs: ('Sat', 'Sep 9'), or ('', 'TBD')."""
    if match.date is None:
        return "", "TBD"
    return f"{match.date:%a}", f"{match.date:%b} {match.date.day}"


def _note_line(match: RoundMatch) -> int:
    """Which club line (0 home, 1 away) carries the label: the winner's, else the home club's."""
    return 1 if match.winner is not None and match.winner == match.away and match.away is not None else 0


def _tie(match: RoundMatch, scale: _RoundScale) -> _Tie:
    """Lay out one tie: the label goes beside the winner unless that would cut the winner's name."""
    note = _tie_note(match)
    base = 2 * scale.pad + 2 * scale.line
    if not note:
        return _Tie(match, "", False, base)
    name_x, right_edge = _columns(match)
    label, league, state = _side(match, home=_note_line(match) == 0)
    small = face(SMALL_SIZE)
    needed = face(scale.name, bold=state == "won").length(clean(label, face(scale.name)))
    needed += (small.length(clean(league, small)) + 14 if league else 0) + 14 + pill_width(note)
    row = needed > right_edge - name_x
    return _Tie(match, note, row, base + (scale.note_row if row else 0))


def _tie_note(match: RoundMatch) -> str:
    """How a played tie was decided, for the label beside the winner: '4-3 pens', 'a.e.t.', 'forfeit'."""
    how = match.decided_by or ""
    if match.status != "played":
        return ""
    if how == "penalties":
        shootout = match.penalties
        if shootout in (None, "", "unknown"):
            pens = "pens, score unknown"
        else:
            home, _, away = shootout.partition("-")
            if _note_line(match) == 1:
                home, away = away, home  # the winner's side first, as it sits on the winner's line
            pens = f"{home}-{away} pens"
        return f"a.e.t., {pens}" if match.extra_time else pens
    if how in ("forfeit", "walkover"):
        return how
    if how == "extra_time" or match.extra_time:
        return "a.e.t."
    if how and how != "regulation":
        return how.replace("_", " ")
    return ""


def _capital(text: str) -> str:
    """`text` with its first letter in capitals, the rest as written ('winner of…' -> 'Winner of…')."""
    return text[:1].upper() + text[1:]


def _side(match: RoundMatch, home: bool) -> tuple[str, str, str]:
    """One side of a tie: (label, league, state), state being won / lost / even / unknown."""
    name = match.home if home else match.away
    league = match.home_league if home else match.away_league
    source = match.home_from_fixture if home else match.away_from_fixture
    if name is None:
        return _capital(side_words(None, source)), "", "unknown"
    if match.status != "played" or match.winner is None or match.winner not in (match.home, match.away):
        return name, league, "even"
    return name, league, "won" if match.winner == name else "lost"


def _draw_tie(draw: ImageDraw.ImageDraw, tie: _Tie, top: int, scale: _RoundScale) -> None:
    """One tie as a card: its date, the two clubs stacked (home first), scores or its state at the right."""
    match = tie.match
    left, right = MARGIN, WIDTH - MARGIN
    bottom = top + tie.height
    draw.rounded_rectangle((left, top, right, bottom), radius=RADIUS, fill=CARD)
    small, small_bold = face(SMALL_SIZE), face(SMALL_SIZE, bold=True)
    middles = [top + scale.pad + scale.line / 2, top + scale.pad + scale.line * 1.5]
    name_x, right_edge = _columns(match)
    weekday, day = tie_date(match)
    if weekday:
        _text(draw, (left + CARD_PAD_X, middles[0]), weekday, small, DIM)
        _text(draw, (left + CARD_PAD_X, middles[1]), day, small_bold, DIM)
    else:
        _text(draw, (left + CARD_PAD_X, top + scale.pad + scale.line), day, small_bold, DIM)

    played = match.status == "played"
    if not played:
        colour = AMBER if match.status == "postponed" else PENDING
        _pill(draw, right - CARD_PAD_X, top + scale.pad + scale.line, match.status, colour)
    note_colour = AMBER if "pens" in tie.note else DIM
    if tie.note_row:
        row_middle = top + scale.pad + 2 * scale.line + scale.note_row / 2 - 4
        _pill(draw, name_x + pill_width(tie.note), row_middle, tie.note, note_colour)

    scores = (match.home_score, match.away_score)
    for index, home in enumerate((True, False)):
        label, league, state = _side(match, home)
        middle = middles[index]
        limit = right_edge
        if tie.note and not tie.note_row and index == _note_line(match):
            limit = _pill(draw, right_edge, middle, tie.note, note_colour) - 14
        if state == "won":
            line_top, line_bottom = middle - scale.line / 2 + 8, middle + scale.line / 2 - 8
            draw.rounded_rectangle((left, line_top, left + 7, line_bottom), radius=3, fill=WIN)
        name_face = face(scale.name, bold=state == "won")
        colour = {"won": TEXT, "lost": DIM, "even": TEXT, "unknown": UNKNOWN_SIDE}[state]
        _draw_name(draw, name_x, middle, label, league, name_face, colour, limit - name_x, keep_league=True)
        score = scores[index]
        if played and score is not None:
            score_face = face(scale.score, bold=state != "lost")
            _text(
                draw,
                (right - CARD_PAD_X, middle),
                str(score),
                score_face,
                DIM if state == "lost" else TEXT,
                "rm",
            )


def _draw_name(
    draw: ImageDraw.ImageDraw,
    x: float,
    middle: float,
    name: str,
    league: str,
    name_face: Face,
    colour: tuple[int, int, int],
    room: float,
    keep_league: bool = False,
) -> None:
    """A club's name and its league in small grey capitals.

    When both do not fit, a tie card (`keep_league`) cuts the name, since the league is how a fan places
    an unknown club; a rung of a club's route drops the league of a long-named opponent instead.
    """
    small = face(SMALL_SIZE)
    tag = clean(league, small)
    tag_w = small.length(tag) + 14 if tag else 0
    too_long = name_face.length(clean(name, name_face)) + tag_w > room
    if tag and ((too_long and not keep_league) or room - tag_w < room * 0.45):
        tag, tag_w = "", 0  # the name comes first, or the league would leave too little of it
    if too_long and tag:  # a slightly smaller name before an ellipsis
        smaller = face(name_face.size - 4, bold=name_face.bold)
        if smaller.length(clean(name, smaller)) + tag_w <= room:
            name_face = smaller
    text = fit_text(name, name_face, room - tag_w)
    _text(draw, (x, middle), text, name_face, colour)
    if tag:
        baseline = middle + text_height(name_face, "H") / 2
        _text(draw, (x + name_face.length(text) + 14, baseline), tag, small, DIM, anchor="ls")


def byes_heading(answer: RoundAnswer, page: RoundPage) -> str:
    """What the names under it are: '67 byes: through to round 2 without playing'."""
    if answer.round < answer.rounds_in_season:
        onward = f"round {answer.round + 1}"
    else:
        onward = "the proper" if answer.rounds_in_season else "the next round"
    what = counted(page.byes_in_round, "bye")
    if page.byes_spread:
        what = f"Byes {page.first_bye}–{page.first_bye + len(page.byes) - 1} of {page.byes_in_round}"
    return f"{what}: through to {onward} without playing"


def _byes_height(page: RoundPage) -> int:
    """The height of the card listing a page's byes (0 when it lists none)."""
    if not page.byes:
        return 0
    rows = -(-len(page.byes) // BYE_COLUMNS)
    return 2 * BYE_PAD + BYE_HEAD + rows * BYE_ROW


def _draw_byes(draw: ImageDraw.ImageDraw, answer: RoundAnswer, page: RoundPage, top: int) -> None:
    """The page's byes as a card: a heading, then the names in columns, read down (they are sorted)."""
    left, right = MARGIN, WIDTH - MARGIN
    draw.rounded_rectangle((left, top, right, top + _byes_height(page)), radius=RADIUS, fill=CARD)
    head = face(SMALL_SIZE, bold=True)
    inner = right - left - 2 * CARD_PAD_X
    head_y = top + BYE_PAD + BYE_HEAD / 2 - 4
    _text(draw, (left + CARD_PAD_X, head_y), fit_text(byes_heading(answer, page), head, inner), head, DIM)
    rows = -(-len(page.byes) // BYE_COLUMNS)
    gap = 24
    width = (inner - gap * (BYE_COLUMNS - 1)) / BYE_COLUMNS
    of = face(BYE_SIZE)
    for index, name in enumerate(page.byes):
        column, row = divmod(index, rows)
        x = left + CARD_PAD_X + column * (width + gap)
        y = top + BYE_PAD + BYE_HEAD + row * BYE_ROW + BYE_ROW / 2
        _text(draw, (x, y), fit_text(name, of, width), of, TEXT)


def round_header_line(answer: RoundAnswer, page: RoundPage) -> str:
    """The line under a round's title: its dates, which round of how many, which page of how many."""
    bits = [answer.dates or "dates not known"]
    if answer.rounds_in_season:
        bits.append(f"round {answer.round} of {answer.rounds_in_season}")
    if page.count > 1:
        bits.append(f"page {page.number} of {page.count}")
    return " · ".join(bits)


def round_footer(page: RoundPage) -> str:
    """A page's foot: which ties it shows, how many are still to play, and where the byes are listed."""
    played = sum(1 for match in page.matches if match.status == "played")
    if page.count == 1 or page.ties_in_round == 0:
        ties = counted(page.ties_in_round, "tie")
    elif page.matches:
        ties = f"ties {page.first_tie}–{page.last_tie} of {page.ties_in_round}"
    else:
        ties = f"{counted(page.ties_in_round, 'tie')} on " + (
            "page 1" if page.byes_page == 2 else f"pages 1–{page.byes_page - 1}"
        )
    if played < len(page.matches):
        ties += f" ({played} played, {len(page.matches) - played} to play)"
    return f"{ties} · {byes_elsewhere(page) or counted(page.byes_in_round, 'bye')}"


def _round_image(answer: RoundAnswer, page: RoundPage) -> Image.Image:
    """One page of a round's picture (see `round_png`)."""
    top = HEADER_TOP
    ties = [_tie(match, REGULAR) for match in page.matches]
    body = sum(tie.height + REGULAR.gap for tie in ties)
    byes_h = _byes_height(page)
    empty_h = 80 if not ties and not byes_h else 0
    height = top + body + (byes_h + REGULAR.gap if byes_h else 0) + empty_h + FOOTER_H
    image, draw = _canvas(height)
    title = answer.round_name or f"Round {answer.round}"
    detail = [(round_header_line(answer, page), DIM)]
    _header(draw, f"{answer.season} U.S. Open Cup qualifying", title, detail)

    y = top
    for tie in ties:
        _draw_tie(draw, tie, y, REGULAR)
        y += tie.height + REGULAR.gap
    if byes_h:
        _draw_byes(draw, answer, page, y)
        y += byes_h + REGULAR.gap
    of = face(NAME_SIZE)
    if empty_h:
        _text(draw, (MARGIN, y + 30), "No ties drawn yet", of, DIM)
        y += empty_h
    footer = face(30)
    _text(draw, (MARGIN, y + 40), fit_text(round_footer(page), footer, WIDTH - 2 * MARGIN), footer, DIM)
    return image


def round_png(answer: RoundAnswer, page: int = 1) -> bytes:
    """Page `page` (from 1) of a round as a PNG for a phone; `round_pages` says how many there are.

    The pages are those of the round's embed (`bot.render.paging`): at most 16 ties each, the byes
    listed under the last ties or on a page of their own. Each card: the day the tie was played at the
    left; home club above away club, each with its league; the winner in bold white with a green bar,
    the loser in grey; scores in a column at the right (a tie not played shows 'scheduled' /
    'postponed' there); a label beside the winner (or, if it would cut the name, on a row below) for
    penalties ('4-3 pens', winner first, or 'pens, score unknown'), 'a.e.t.' or 'forfeit'. A side not
    known yet reads 'Winner of fixture N'. The header names the season, round, dates and page; the
    footer says which ties the page shows, how many are to play, and where the byes are listed.
    """
    pages = round_pages(answer)
    if not 1 <= page <= len(pages):
        raise ValueError(f"round {answer.round} of {answer.season} has {len(pages)} page(s), not page {page}")
    with _DRAWING:
        image = _round_image(answer, pages[page - 1])
    return _png(image)


# ------------------------------------------------------------------------------------------------- paths


@dataclass
class _Step:
    """One rung of a club's ladder."""

    kicker: str  # small grey line above: round, date, home/away
    title: str  # the opponent, or what happened
    tag: str = ""  # the opponent's league, beside the title
    note: str = ""  # a third line: how it was decided, who it may be
    note_colour: tuple[int, int, int] = DIM
    badge: str = ""  # at the right: 'W 2-1', 'L 3-4', 'scheduled'
    colour: tuple[int, int, int] = DIM  # of the node and badge
    filled: bool = False  # the node: filled for a result, hollow otherwise
    icon: str = ""  # 'check', 'cross' or ''
    dim_title: bool = False


LADDER_X = MARGIN + 26  # the spine
NODE_R = 20
STEP_GAP = 14
STEP_PAD = 14
KICKER_H = 38
TITLE_H = 52
NOTE_H = 38


def _step_height(step: _Step) -> int:
    """A rung's card height."""
    return 2 * STEP_PAD + KICKER_H + TITLE_H + (NOTE_H if step.note else 0)


def badge(line: MatchLine) -> str:
    """The result at a rung's right, from the club's side: 'W 2-1', 'L 3-4', 'W 2-2 (4-3 pens)', 'W'.

    A shoot-out shows its score when the records have it ('W 2-2 (4-3 pens)'), else just that there was
    one ('W 2-2 (pens)'): a bare 'W 2-2' would read as a win from a draw. A forfeit has no score.
    """
    if line.status != "played":
        return line.status
    forfeit = line.decided_by in ("forfeit", "walkover")
    score = "" if forfeit or line.goals_for is None else f" {line.goals_for}-{line.goals_against}"
    if line.decided_by == "penalties" and score:
        known = line.penalties not in (None, "", "unknown")
        score += f" ({line.penalties} pens)" if known else " (pens)"
    if line.won is True:
        return f"W{score}"
    if line.won is False:
        return f"L{score}"
    return f"D{score}" if score else "–"


def _match_step(line: MatchLine, possible: list[str] | None = None) -> _Step:
    """A tie from the club's side as a rung."""
    where = "home" if line.home else "away"
    bits = [line.round_name or f"Round {line.round}"]
    if line.date:
        bits.append(_day(line.date, weekday=line.status != "played"))
    bits.append(where)
    opponent = side_words(line.opponent, line.opponent_from_fixture)
    step = _Step(
        kicker=" · ".join(bits), title=f"v {opponent}", tag=line.opponent_league if line.opponent else ""
    )
    step.badge = badge(line)
    if line.status != "played":
        step.colour = AMBER if line.status == "postponed" else PENDING
        extra = []
        if line.opponent is None and possible:
            extra.append(" or ".join(possible))
        if line.venue:
            extra.append(f"at {line.venue}")
        step.note = " · ".join(extra)
        return step
    if line.won is True:
        step.colour, step.filled, step.icon = WIN, True, "check"
    elif line.won is False:
        step.colour, step.filled, step.icon = LOSS, True, "cross"
    else:
        step.colour, step.filled = DIM, True
    if line.decided_by not in (None, "regulation") or line.extra_time:
        step.note = score_words(line)
        step.note_colour = AMBER if line.decided_by == "penalties" else DIM
    return step


def _path_steps(answer: PathAnswer) -> list[_Step]:
    """The rungs: entry, byes and ties in round order, then the next tie if it is not among them."""
    steps: list[_Step] = []
    if answer.status == "not_entered":
        return steps
    route = answer.route or "entered"
    if answer.track in (None, "local"):
        note = f"first tie in round {answer.entry_round}" if answer.entry_round else ""
    else:
        note = " · ".join(bit for bit in (answer.berth, answer.qualified_by) if bit)
    steps.append(_Step(kicker="Entry", title=route[:1].upper() + route[1:], tag=answer.league, note=note))
    rungs: list[tuple[int, int, _Step]] = []
    rungs += [
        (number, 0, _Step(kicker=f"Round {number}", title="Bye: through without playing", dim_title=True))
        for number in answer.byes
    ]
    shown = {line.fixture for line in answer.matches}
    nxt = answer.next_fixture
    for line in answer.matches:
        possible = answer.possible_opponents if nxt is not None and line.fixture == nxt.fixture else None
        rungs.append((line.round, 1, _match_step(line, possible)))
    if nxt is not None and nxt.fixture not in shown:
        rungs.append((nxt.round, 1, _match_step(nxt, answer.possible_opponents)))
    steps += [step for _, _, step in sorted(rungs, key=lambda rung: (rung[0], rung[1]))]
    return steps


def _status(answer: PathAnswer) -> tuple[str, str, tuple[int, int, int]]:
    """The banner at the foot of the ladder: headline, detail and colour, in the words of `standing`."""
    if answer.status == "qualified":
        return "Qualified for the tournament proper", qualified_how(answer), WIN
    if answer.status == "eliminated":
        lost = [line for line in answer.matches if line.won is False]
        how = f"{lost[0].round_name or f'Round {lost[0].round}'}: {score_words(lost[0])}" if lost else ""
        return _capital(eliminated_words(answer)), how, LOSS
    if answer.status == "not_entered":
        others = ", ".join(map(str, answer.other_seasons))
        return _capital(not_entered_words(answer)), f"other seasons: {others}" if others else "", DIM
    if answer.status == "unknown":
        return "The source does not say", not_said_words(answer), DIM
    wins = wins_left_words(answer.rounds_left)
    headline = f"Alive · {wins}" if wins else "Alive"
    nxt = answer.next_fixture
    if nxt is not None:
        opponent = side_words(nxt.opponent, nxt.opponent_from_fixture)
        when = f" · {_day(nxt.date, weekday=True)}" if nxt.date else ""
        return headline, f"next: round {nxt.round} v {opponent}{when}", PENDING
    return headline, "awaiting the draw for the next round", PENDING


def path_header_line(answer: PathAnswer) -> str:
    """The line under the club's name: its league, and how many qualifying rounds stood before the proper.

    Only a club in local qualifying plays those rounds; a club with a direct berth (a national league's,
    the National Amateur Cup's, a league title's, a professional club's) plays none.
    """
    if answer.status == "not_entered":
        return ""
    if answer.track in (None, "local"):
        rounds = (
            f"{counted(answer.rounds_in_season, 'qualifying round')} to the proper"
            if answer.rounds_in_season
            else ""
        )
    else:
        rounds = "straight into the proper: no qualifying rounds to play"
    return " · ".join(bit for bit in (answer.league, rounds) if bit) or answer.route


def _largest_bold(text: str, sizes: tuple[int, ...], room: float) -> Face:
    """The largest bold face of `sizes` in which `text` fits `room` px (the smallest if none does)."""
    for size in sizes:
        if face(size, bold=True).length(clean(text, face(size, bold=True))) <= room:
            return face(size, bold=True)
    return face(sizes[-1], bold=True)


def _draw_node(draw: ImageDraw.ImageDraw, middle: float, step: _Step) -> None:
    """The circle on the spine, with a tick or a cross for a result."""
    box = (LADDER_X - NODE_R, middle - NODE_R, LADDER_X + NODE_R, middle + NODE_R)
    if step.filled:
        draw.ellipse(box, fill=step.colour)
    else:
        draw.ellipse(box, fill=BG, outline=step.colour, width=5)
    x, y = LADDER_X, middle
    if step.icon == "check":
        draw.line([(x - 9, y + 1), (x - 3, y + 8), (x + 10, y - 7)], fill=BG, width=5, joint="curve")
    elif step.icon == "cross":
        draw.line([(x - 7, y - 7), (x + 7, y + 7)], fill=BG, width=5)
        draw.line([(x - 7, y + 7), (x + 7, y - 7)], fill=BG, width=5)


def _draw_step(draw: ImageDraw.ImageDraw, top: int, step: _Step) -> None:
    """A rung's card beside its node."""
    left, right = LADDER_X + NODE_R + 22, WIDTH - MARGIN
    bottom = top + _step_height(step)
    draw.rounded_rectangle((left, top, right, bottom), radius=RADIUS, fill=CARD)
    x = left + CARD_PAD_X
    small = face(SMALL_SIZE)
    kicker_y = top + STEP_PAD + KICKER_H / 2
    title_y = top + STEP_PAD + KICKER_H + TITLE_H / 2
    limit: float = right - CARD_PAD_X
    if step.badge:
        limit = _pill(draw, right - CARD_PAD_X, title_y, step.badge, step.colour, size=34) - 16
    _text(draw, (x, kicker_y), fit_text(step.kicker, small, right - CARD_PAD_X - x), small, DIM)
    title_face = face(NAME_SIZE, bold=step.filled and step.icon == "check")
    _draw_name(draw, x, title_y, step.title, step.tag, title_face, DIM if step.dim_title else TEXT, limit - x)
    if step.note:
        note_y = title_y + TITLE_H / 2 + NOTE_H / 2
        _text(draw, (x, note_y), fit_text(step.note, small, right - CARD_PAD_X - x), small, step.note_colour)
    _draw_node(draw, (top + bottom) / 2, step)


def _path_image(answer: PathAnswer) -> Image.Image:
    """A club's picture (see `path_png`)."""
    lines: list[tuple[str, tuple[int, int, int]]] = []
    if answer.name_in_season and answer.name_in_season != answer.team:
        lines.append((f"playing as {answer.name_in_season}", DIM))
    summary = path_header_line(answer)
    if summary:
        lines.append((summary, DIM))
    top = 168 + 42 * len(lines) + 6 + 14
    steps = _path_steps(answer)
    banner_h = 150
    height = top + sum(_step_height(step) + STEP_GAP for step in steps) + banner_h + 2 * MARGIN
    image, draw = _canvas(height)
    _header(draw, f"{answer.season} U.S. Open Cup qualifying", answer.team, lines)

    y = top
    middles = []
    for step in steps:
        middles.append(y + _step_height(step) / 2)
        y += _step_height(step) + STEP_GAP
    banner_top = y + 8
    if middles:
        draw.line([(LADDER_X, middles[0]), (LADDER_X, banner_top)], fill=SPINE, width=6)
    y = top
    for step in steps:
        _draw_step(draw, y, step)
        y += _step_height(step) + STEP_GAP

    headline, detail, colour = _status(answer)
    box = (MARGIN, banner_top, WIDTH - MARGIN, banner_top + banner_h - 10)
    draw.rounded_rectangle(box, radius=RADIUS, fill=_mix(colour, BG, 0.2), outline=colour, width=4)
    inner = WIDTH - 2 * MARGIN - 2 * CARD_PAD_X
    big = _largest_bold(headline, (44, 40, 36, 32), inner)
    middle = (box[1] + box[3]) / 2
    head_y = middle - 22 if detail else middle
    _text(draw, (MARGIN + CARD_PAD_X, head_y), fit_text(headline, big, inner), big, colour)
    if detail:
        of = face(32)
        _text(draw, (MARGIN + CARD_PAD_X, middle + 30), fit_text(detail, of, inner), of, TEXT)
    return image


def path_png(answer: PathAnswer) -> bytes:
    """A club's route through a season as a PNG ladder, for a phone.

    Top to bottom: the club and its route; its entry; each bye and tie in round order (opponent and
    league, date, home or away; a green W or red L badge with the score from the club's side; how it was
    decided when not in 90 minutes); a tie still to play with its date and possible opponents; and a
    banner: qualified, eliminated in round N by X, or alive with the next tie.
    """
    with _DRAWING:
        image = _path_image(answer)
    return _png(image)


# ------------------------------------------------------------------------------------------------- cache

CacheKey = tuple[Hashable, ...]


class PictureCache:
    """Drawn pictures kept by (kind, data version, identity), dropping the least recently used.

    The data version is whatever string the caller has for the state of the facts (the cache knows
    nothing of the store): when the facts change, so does the version, and old pictures just age out.
    Two requests missing at once may both draw; the drawing happens outside the lock so that a slow
    draw never holds up a hit. At most `maxsize` pictures are kept, and at most `max_bytes` of them (a
    page of a round is 40–120 KB): the newest picture is always kept, whatever its size.
    """

    def __init__(self, maxsize: int = 64, max_bytes: int = 4 << 20) -> None:
        self.maxsize = maxsize
        self.max_bytes = max_bytes
        self.hits = 0
        self.misses = 0
        self._items: OrderedDict[CacheKey, bytes] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    @staticmethod
    def key(kind: str, version: str, *identity: Hashable) -> CacheKey:
        """A cache key: what is drawn, from which data, of what."""
        return (kind, version, *identity)

    @classmethod
    def round_key(cls, answer: RoundAnswer, version: str, page: int = 1) -> CacheKey:
        """The key of one page of a round's picture (each page is a picture of its own)."""
        return cls.key("round", version, answer.season, answer.round, page)

    @classmethod
    def path_key(cls, answer: PathAnswer, version: str) -> CacheKey:
        """The key of a club's ladder."""
        return cls.key("path", version, answer.team, answer.season)

    def get_or_draw(self, key: CacheKey, draw: Callable[[], bytes]) -> bytes:
        """The picture stored under `key`, or `draw()`'s, stored."""
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
                self.hits += 1
                return found
            self.misses += 1
        picture = draw()
        with self._lock:
            self._bytes += len(picture) - len(self._items.get(key, b""))
            self._items[key] = picture
            self._items.move_to_end(key)
            while len(self._items) > self.maxsize or (len(self._items) > 1 and self._bytes > self.max_bytes):
                self._bytes -= len(self._items.popitem(last=False)[1])
        return picture

    def round_png(self, answer: RoundAnswer, version: str, page: int = 1) -> bytes:
        """`round_png(answer, page)`, drawn once per data version."""
        return self.get_or_draw(self.round_key(answer, version, page), lambda: round_png(answer, page))

    def path_png(self, answer: PathAnswer, version: str) -> bytes:
        """`path_png(answer)`, drawn once per data version."""
        return self.get_or_draw(self.path_key(answer, version), lambda: path_png(answer))

    def clear(self) -> None:
        """Forget every picture (the counters stay)."""
        with self._lock:
            self._items.clear()
            self._bytes = 0

    def __len__(self) -> int:
        return len(self._items)

    @property
    def size(self) -> int:
        """The bytes of the pictures kept."""
        return self._bytes

    def __contains__(self, key: object) -> bool:
        return key in self._items
