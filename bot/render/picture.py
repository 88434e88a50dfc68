"""Answers as PNG pictures made to be read on a phone: a round's ties as cards, a club's route as a ladder.

Discord shows an attached image about 400 px wide on a phone. The canvas is 1080 px wide (a scale of about
0.37) and no text is smaller than 28 px (about 10 px on the phone); club names are 40 px (about 15 px, the
size of body text in the app) and scores 46 px bold.

Nothing here knows about Discord or the store: functions take an answer and return PNG bytes. The output
depends only on the answer (no clock, no randomness), so the same answer always gives the same bytes and
`PictureCache` can hand back a stored picture.
"""

from __future__ import annotations

import datetime as dt
import io
import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from bot.answers.models import MatchLine, PathAnswer, RoundAnswer, RoundMatch
from bot.render.text import score_words

__all__ = [
    "MAX_HEIGHT",
    "WIDTH",
    "Face",
    "PictureCache",
    "face",
    "fit_text",
    "path_png",
    "reset_fonts",
    "round_png",
    "text_height",
]

# ---------------------------------------------------------------------------------------------- geometry

WIDTH = 1080  # px; shown ~400 px wide on a phone
MAX_HEIGHT = 8000  # px; a round never grows taller than this (see `_round_plan`)
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
DIM = (148, 163, 184)  # losers, leagues, fixture numbers: 5.7:1 on CARD
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


def _png(image: Image.Image) -> bytes:
    """The image as a compact PNG with a 64-colour palette (flat colours and anti-aliased text need no more).

    Fast octree quantising and zlib's default level: a 44-tie round is ~270 KB in ~0.1 s. Median-cut and
    `optimize=True` save only ~10% more and take ten times as long.
    """
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
COMPACT = _RoundScale(name=34, score=38, line=48, pad=10, gap=8)
FOOTER_H = 96


@dataclass(frozen=True)
class _Tie:
    """A tie and how its card is laid out."""

    match: RoundMatch
    note: str  # the label: 'a.e.t.', '4-3 pens', 'forfeit', or ''
    note_row: bool  # the label sits on a row of its own, under the clubs (it would squeeze the name)
    height: int  # px, without the gap


def _columns(match: RoundMatch) -> tuple[float, float]:
    """Where club names start, and where they (with any label) must end, in a tie's card."""
    small, small_bold = face(SMALL_SIZE), face(SMALL_SIZE, bold=True)
    name_x = MARGIN + CARD_PAD_X + small.length("#000") + 20
    right = WIDTH - MARGIN - CARD_PAD_X
    if match.status == "played":
        return name_x, right - SCORE_W - 12
    block = max(small_bold.length(_when(match)), pill_width(match.status))
    return name_x, right - block - 20


def _when(match: RoundMatch) -> str:
    """A tie's day, as shown in place of the score while it is not played: 'Sat Oct 21'."""
    return _day(match.date, weekday=True).rsplit(",", 1)[0] if match.date else "date to be set"


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


def _round_plan(answer: RoundAnswer, top: int) -> tuple[_RoundScale, list[_Tie], int]:
    """The card size, the ties to draw and how many are left out, keeping to MAX_HEIGHT px.

    One column, always: at ~400 px on a phone a second column would halve the room for club names (most
    would be cut), while a tall picture only needs scrolling, which phones do well. 44 ties (2024's
    second round) fit at the regular size (~7,200 px); bigger rounds get compact cards (34 px names, up to
    ~60 ties); past that, the last card says how many ties are not drawn.
    """
    room = MAX_HEIGHT - top - FOOTER_H
    for scale in (REGULAR, COMPACT):
        ties = [_tie(match, scale) for match in answer.matches]
        if sum(tie.height + scale.gap for tie in ties) <= room:
            return scale, ties, 0
    room -= 2 * COMPACT.pad + 2 * COMPACT.line + COMPACT.gap  # the "and N more" card
    shown: list[_Tie] = []
    for tie in ties:
        room -= tie.height + COMPACT.gap
        if room < 0:
            break
        shown.append(tie)
    return COMPACT, shown, len(ties) - len(shown)


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


def _side(match: RoundMatch, home: bool) -> tuple[str, str, str]:
    """One side of a tie: (label, league, state), state being won / lost / even / unknown."""
    name = match.home if home else match.away
    league = match.home_league if home else match.away_league
    source = match.home_from_fixture if home else match.away_from_fixture
    if name is None:
        return (f"Winner of fixture {source}" if source else "To be decided"), "", "unknown"
    if match.status != "played" or match.winner is None or match.winner not in (match.home, match.away):
        return name, league, "even"
    return name, league, "won" if match.winner == name else "lost"


def _draw_tie(draw: ImageDraw.ImageDraw, tie: _Tie, top: int, scale: _RoundScale) -> None:
    """One tie as a card: fixture number, the two clubs stacked (home first), scores or date at the right."""
    match = tie.match
    left, right = MARGIN, WIDTH - MARGIN
    bottom = top + tie.height
    draw.rounded_rectangle((left, top, right, bottom), radius=RADIUS, fill=CARD)
    small, small_bold = face(SMALL_SIZE), face(SMALL_SIZE, bold=True)
    middles = [top + scale.pad + scale.line / 2, top + scale.pad + scale.line * 1.5]
    name_x, right_edge = _columns(match)
    _text(draw, (left + CARD_PAD_X, top + scale.pad + scale.line), f"#{match.fixture}", small, DIM)

    played = match.status == "played"
    if not played:
        _text(draw, (right - CARD_PAD_X, middles[0]), _when(match), small_bold, TEXT, anchor="rm")
        colour = AMBER if match.status == "postponed" else PENDING
        _pill(draw, right - CARD_PAD_X, middles[1], match.status, colour)
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
        _draw_name(draw, name_x, middle, label, league, name_face, colour, limit - name_x)
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
) -> None:
    """A club's name and, if it fits beside a name of fair length, its league in small grey capitals."""
    small = face(SMALL_SIZE)
    tag = clean(league, small)
    tag_w = small.length(tag) + 14 if tag else 0
    if tag and name_face.length(clean(name, name_face)) + tag_w > room and room - tag_w < room * 0.6:
        tag, tag_w = "", 0  # a long name matters more than its league
    text = fit_text(name, name_face, room - tag_w)
    _text(draw, (x, middle), text, name_face, colour)
    if tag:
        baseline = middle + text_height(name_face, "H") / 2
        _text(draw, (x + name_face.length(text) + 14, baseline), tag, small, DIM, anchor="ls")


def _round_image(answer: RoundAnswer) -> Image.Image:
    """A round's picture (see `round_png`)."""
    of_rounds = f" · round {answer.round} of {answer.rounds_in_season}" if answer.rounds_in_season else ""
    lines = [(f"{answer.dates or 'dates not known'}{of_rounds}", DIM)]
    top = 168 + 42 * len(lines) + 6 + 10
    scale, ties, hidden = _round_plan(answer, top)
    more_h = 2 * scale.pad + 2 * scale.line
    body = sum(tie.height + scale.gap for tie in ties) + (more_h + scale.gap if hidden else 0)
    empty_h = 0 if answer.matches else 80
    image = Image.new("RGB", (WIDTH, top + body + empty_h + FOOTER_H), BG)
    draw = ImageDraw.Draw(image)
    _header(
        draw, f"{answer.season} U.S. Open Cup qualifying", answer.round_name or f"Round {answer.round}", lines
    )

    y = top
    for tie in ties:
        _draw_tie(draw, tie, y, scale)
        y += tie.height + scale.gap
    of = face(NAME_SIZE)
    if hidden:
        box = (MARGIN, y, WIDTH - MARGIN, y + more_h)
        draw.rounded_rectangle(box, radius=RADIUS, outline=SPINE, width=3)
        more = f"… and {hidden} more tie{'s' if hidden != 1 else ''}: ask for this round as text"
        _text(draw, (WIDTH / 2, (box[1] + box[3]) / 2), fit_text(more, of, WIDTH - 4 * MARGIN), of, DIM, "mm")
        y += more_h + scale.gap
    if not answer.matches:
        _text(draw, (MARGIN, y + 30), "No ties drawn yet", of, DIM)
        y += empty_h
    footer = face(30)
    _text(draw, (MARGIN, y + 40), fit_text(_round_footer(answer), footer, WIDTH - 2 * MARGIN), footer, DIM)
    return image


def _round_footer(answer: RoundAnswer) -> str:
    """'11 ties · 0 byes', with how many are still to play."""
    count = len(answer.matches)
    words = f"{count} tie{'s' if count != 1 else ''}"
    played = sum(1 for match in answer.matches if match.status == "played")
    if played < count:
        words += f" ({played} played, {count - played} to play)"
    byes = len(answer.byes)
    return f"{words} · {byes} bye{'s' if byes != 1 else ''}"


def round_png(answer: RoundAnswer) -> bytes:
    """A round's ties as a PNG, one card per tie, for a phone.

    Each card: the fixture number; home club above away club, each with its league; the winner in bold
    white with a green bar, the loser in grey; scores in a column at the right (a tie not played shows its
    day and 'scheduled' / 'postponed' there); a label beside the winner (or, if it would cut the name, on a
    row below) for penalties ('4-3 pens', winner first, or 'pens, score unknown'), 'a.e.t.' or
    'forfeit'. A side not known yet reads 'Winner of fixture N'. The header names the season, round and
    dates; the footer counts ties (played, to play) and byes.
    """
    with _DRAWING:
        image = _round_image(answer)
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


def _match_step(line: MatchLine, possible: list[str] | None = None) -> _Step:
    """A tie from the club's side as a rung."""
    where = "home" if line.home else "away"
    bits = [line.round_name or f"Round {line.round}"]
    if line.date:
        bits.append(_day(line.date, weekday=line.status != "played"))
    bits.append(where)
    opponent = line.opponent or (
        f"winner of fixture {line.opponent_from_fixture}" if line.opponent_from_fixture else "to be decided"
    )
    step = _Step(
        kicker=" · ".join(bits), title=f"v {opponent}", tag=line.opponent_league if line.opponent else ""
    )
    if line.status != "played":
        step.badge, step.colour = line.status, AMBER if line.status == "postponed" else PENDING
        extra = []
        if line.opponent is None and possible:
            extra.append(" or ".join(possible))
        if line.venue:
            extra.append(f"at {line.venue}")
        step.note = " · ".join(extra)
        return step
    forfeit = line.decided_by in ("forfeit", "walkover")
    score = "" if forfeit or line.goals_for is None else f" {line.goals_for}-{line.goals_against}"
    if line.won is True:
        step.badge, step.colour, step.filled, step.icon = f"W{score}", WIN, True, "check"
    elif line.won is False:
        step.badge, step.colour, step.filled, step.icon = f"L{score}", LOSS, True, "cross"
    else:
        step.badge, step.colour, step.filled = f"D{score}" if score else "–", DIM, True
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
    """The banner at the foot of the ladder: headline, detail and colour."""
    if answer.status == "qualified":
        how = (
            "through local qualifying" if answer.track in (None, "local") else (answer.berth or answer.route)
        )
        return "Qualified for the tournament proper", how, WIN
    if answer.status == "eliminated":
        round_words = f"in round {answer.eliminated_in_round}" if answer.eliminated_in_round else ""
        by = f"by {answer.eliminated_by}" if answer.eliminated_by else ""
        return f"Eliminated {round_words}".strip(), by, LOSS
    if answer.status == "not_entered":
        return f"Did not enter the {answer.season} qualification", "", DIM
    left = answer.rounds_left
    wins = f" · {left} more win{'s' if left != 1 else ''} to the proper" if left else ""
    nxt = answer.next_fixture
    if nxt is not None:
        opponent = nxt.opponent or (
            f"winner of fixture {nxt.opponent_from_fixture}" if nxt.opponent_from_fixture else "to be decided"
        )
        when = f" · {_day(nxt.date, weekday=True)}" if nxt.date else ""
        return f"Alive{wins}", f"next: round {nxt.round} v {opponent}{when}", PENDING
    return f"Alive{wins}", "awaiting the draw for the next round", PENDING


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
    limit = right - CARD_PAD_X
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
    if answer.status != "not_entered":
        bits = [answer.league]
        if answer.rounds_in_season:
            bits.append(f"{answer.rounds_in_season} qualifying rounds to the proper")
        lines.append((" · ".join(bit for bit in bits if bit) or answer.route, DIM))
    top = 168 + 42 * len(lines) + 6 + 14
    steps = _path_steps(answer)
    banner_h = 150
    height = top + sum(_step_height(step) + STEP_GAP for step in steps) + banner_h + 2 * MARGIN
    image = Image.new("RGB", (WIDTH, height), BG)
    draw = ImageDraw.Draw(image)
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
    big = face(44, bold=True)
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
    draw never holds up a hit.
    """

    def __init__(self, maxsize: int = 64) -> None:
        self.maxsize = maxsize
        self.hits = 0
        self.misses = 0
        self._items: OrderedDict[CacheKey, bytes] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def key(kind: str, version: str, *identity: Hashable) -> CacheKey:
        """A cache key: what is drawn, from which data, of what."""
        return (kind, version, *identity)

    @classmethod
    def round_key(cls, answer: RoundAnswer, version: str) -> CacheKey:
        """The key of a round's picture."""
        return cls.key("round", version, answer.season, answer.round)

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
            self._items[key] = picture
            self._items.move_to_end(key)
            while len(self._items) > self.maxsize:
                self._items.popitem(last=False)
        return picture

    def round_png(self, answer: RoundAnswer, version: str) -> bytes:
        """`round_png(answer)`, drawn once per data version."""
        return self.get_or_draw(self.round_key(answer, version), lambda: round_png(answer))

    def path_png(self, answer: PathAnswer, version: str) -> bytes:
        """`path_png(answer)`, drawn once per data version."""
        return self.get_or_draw(self.path_key(answer, version), lambda: path_png(answer))

    def clear(self) -> None:
        """Forget every picture (the counters stay)."""
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, key: object) -> bool:
        return key in self._items
