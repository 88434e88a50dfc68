"""The lines of a round that are not prose: match lines, date lines and bye lists, parsed without context.

Pure functions of one line. A match line is `Home FC (UPSL) 2-1 Away SC (EPSL)`: tags optional, the score
written with a hyphen or an en dash, forfeits as `W-L`, `L-W (forfeit)` or `2-0 (forfeit)`, notes such as
`(a.e.t.)` or `(4-3 p)` after the score or at the end. A sentence is never a match line: both sides must
look like club names, so "X beat Y 4–3 on penalties after a 2–2 draw." is left to the prose reader.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

MONTHS = {
    name: number
    for number, name in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ],
        1,
    )
}
_MONTH_ABBREVIATIONS = {name[:3]: number for name, number in MONTHS.items()} | {"sept": 9}
_WEEKDAY = r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s+)?"
_MONTH = r"(?P<month>[a-z]+)\.?"
_DATE_LINE = re.compile(
    rf"^{_WEEKDAY}(?:{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?|(?P<day2>\d{{1,2}})\s+(?P<month2>[a-z]+)\.?)"
    r"(?:,?\s+(?P<year>(?:19|20)\d{2}))?:?$",
    re.IGNORECASE,
)
_ISO_DATE = re.compile(r"^(?P<year>(?:19|20)\d{2})-(?P<month>\d{2})-(?P<day>\d{2}):?$")
_BYES = re.compile(
    r"^(?:[-*•]\s*)?(?:first[- ]round\s+)?byes?\s*(?:\([^)]*\))?\s*[:–—-]\s*(?P<names>.+)$", re.I
)
_DASH = r"\s*[-–—−]\s*"
_SCORE = re.compile(
    rf"(?<![\w.])(?:(?P<hs>\d{{1,2}}){_DASH}(?P<as>\d{{1,2}})|(?P<hr>[WL]){_DASH}(?P<ar>[WL]))(?![\w])"
)
_PAIR = re.compile(rf"(\d+){_DASH}(\d+)")
_SHOOTOUT_WORDS = r"(?:p|pen|pens|penalties|pso|pk|pks|so)\.?"
_NOTE_TEXT = (
    r"(?P<forfeit>forfeit(?:ed)?|ff)"
    r"|(?P<walkover>w/o|walkover|walk-over)"
    r"|(?P<aet>a\.?\s?e\.?\s?t\.?|aet|after extra time|extra time|ot|et)"
    rf"|(?P<pens>\d+{_DASH}\d+\s*{_SHOOTOUT_WORDS}|{_SHOOTOUT_WORDS}\s*\d+{_DASH}\d+"
    rf"|\d+{_DASH}\d+ on penalties)"
    r"|(?P<abandoned>abandoned|suspended)"
    r"|(?P<annulled>annulled|void(?:ed)?)"
    r"|(?P<replay>replay(?:ed)?)"
)
_NOTE_INSIDE = re.compile(rf"^\s*(?:{_NOTE_TEXT})\s*$", re.IGNORECASE)  # one part of a note in brackets
_NOTE_BARE = re.compile(r"^(?P<forfeit>forfeit)$|^(?P<aet>a\.e\.t\.|aet)$|^(?P<walkover>w/o)$", re.IGNORECASE)
_GROUP = re.compile(r"\s*(\([^()]*\)|[^\s()]+)")
# Lower-case words that belong inside club names ("Club de Fútbol", "Men of Steel"); any other lower-case
# word means a sentence, not a name.
_PARTICLES = {
    "de", "del", "la", "las", "los", "el", "y", "of", "the", "and", "da", "do", "dos", "du", "des", "di",
    "von", "van", "der", "den", "e", "et", "at", "on", "upon", "le", "l", "d", "a", "al", "am", "im", "&",
}  # fmt: skip
_ABBREVIATION = re.compile(r"(?:[A-Za-z]\.){2,}$|^(?:Jr|Sr|St|Mt|Ft|Inc|Co)\.$")
_SENTENCE_END = ".!?;,"


def parse_date(line: str, year: int) -> dt.date | None:
    """The day a date line names ('September 9', 'Saturday, Sept. 9, 2023', '9 September'), or None.

    `year` is used when the line gives none.
    """
    iso = _ISO_DATE.match(line.strip())
    if iso:
        try:
            return dt.date(int(iso.group("year")), int(iso.group("month")), int(iso.group("day")))
        except ValueError:
            return None
    found = _DATE_LINE.match(line.strip())
    if not found:
        return None
    month_word = (found.group("month") or found.group("month2") or "").lower()
    month = MONTHS.get(month_word) or _MONTH_ABBREVIATIONS.get(month_word)
    if month is None:
        return None
    day = int(found.group("day") or found.group("day2"))
    try:
        return dt.date(int(found.group("year") or year), month, day)
    except ValueError:
        return None


def date_year(line: str) -> int | None:
    """The year a date line states, if it states one."""
    found = _DATE_LINE.match(line.strip()) or _ISO_DATE.match(line.strip())
    return int(found.group("year")) if found and found.group("year") else None


def bye_names(line: str) -> list[str] | None:
    """The clubs a bye list names ('- Byes: A, B and C'), or None if the line is no bye list."""
    found = _BYES.match(line.strip())
    if not found:
        return None
    names = [part.strip().rstrip(".") for part in re.split(r",|\band\b", found.group("names"))]
    return [name for name in names if name]


@dataclass(frozen=True)
class MatchLine:
    """A match line as written: the sides, their tags, and the result with its notes."""

    home: str
    away: str
    home_tag: str = ""
    away_tag: str = ""
    home_score: int | None = None  # None for a forfeit written W-L / L-W
    away_score: int | None = None
    home_won_forfeit: bool | None = None  # W-L: True, L-W: False, a scored line: None
    forfeit: bool = False
    walkover: bool = False
    extra_time: bool = False
    penalties: tuple[int, int] | None = None  # home first, as written
    abandoned: bool = False
    annulled: bool = False
    replay: bool = False


def looks_like_name(text: str) -> bool:
    """Whether `text` can be a club's name: capitalised words (or particles, digits, signs), no sentence."""
    words = text.split()
    if not words or len(words) > 9:
        return False
    last = words[-1]
    if last[-1] in _SENTENCE_END and not _ABBREVIATION.search(last):
        return False
    for word in words:
        first = word.lstrip("'\"‘’“”(-/.")[:1]
        if not first or not first.isalpha() or first.isupper():
            continue
        if word.lower().strip(",") not in _PARTICLES:
            return False
    return any(ch.isalpha() for ch in text)


def _split_tag(side: str) -> tuple[str, str]:
    """A side's name and its league tag: 'Home FC (UPSL)' → ('Home FC', 'UPSL')."""
    found = re.match(r"^(?P<name>.+?)\s*\((?P<tag>[^()]{1,24})\)$", side)
    if not found or _note(f"({found.group('tag')})") is not None:
        return side, ""
    return found.group("name").strip(), found.group("tag").strip()


def _note(group: str) -> dict[str, str] | None:
    """What one group after a score notes: '(a.e.t.)', '(a.e.t., 4–3 pens)', 'forfeit'; None if no note."""
    if group.startswith("(") and group.endswith(")"):
        found: dict[str, str] = {}
        for part in re.split(r"[,;]", group[1:-1]):
            note = _NOTE_INSIDE.match(part)
            if not note:
                return None
            found |= {key: value for key, value in note.groupdict().items() if value}
        return found
    bare = _NOTE_BARE.match(group)
    return {key: value for key, value in bare.groupdict().items() if value} if bare else None


def _notes(parts: list[str]) -> dict[str, str] | None:
    """The notes of a result, each group read on its own; None if a group is no note."""
    found: dict[str, str] = {}
    for part in parts:
        note = _note(part)
        if note is None:
            return None
        found |= note
    return found


def _trailing_notes(text: str) -> tuple[str, list[str]]:
    """`text` without the notes at its end ('Away SC (EPSL) (a.e.t.)' → 'Away SC (EPSL)', ['(a.e.t.)'])."""
    notes: list[str] = []
    while True:
        found = re.search(r"\s*(\([^()]*\))$", text)
        if not found or _note(found.group(1)) is None:
            return text, notes[::-1]
        notes.append(found.group(1))
        text = text[: found.start()].rstrip()


def _leading_notes(text: str) -> tuple[list[str], str]:
    """The notes at the start of `text` ('(a.e.t.) Away SC' → ['(a.e.t.)'], 'Away SC')."""
    notes: list[str] = []
    while True:
        found = _GROUP.match(text)
        if not found or _note(found.group(1)) is None:
            return notes, text.strip()
        notes.append(found.group(1))
        text = text[found.end() :]


def parse_match(line: str) -> MatchLine | None:
    """The match a line states, or None when the line is no match line (a sentence, a heading, a list)."""
    text = re.sub(r"^[*•#]\s*|^-\s+(?=\S)", "", line.strip())
    if not text or text.endswith(":"):
        return None
    for score in _SCORE.finditer(text):
        before, after = text[: score.start()].strip(), text[score.end() :].strip()
        if not before or not after:
            continue
        leading, rest = _leading_notes(after)
        rest, trailing = _trailing_notes(rest)
        notes = _notes(leading + trailing)
        if notes is None:
            continue
        home, home_tag = _split_tag(before)
        away, away_tag = _split_tag(rest)
        if not (looks_like_name(home) and looks_like_name(away)):
            continue
        pens = _PAIR.search(notes.get("pens", ""))
        made = MatchLine(
            home=home,
            away=away,
            home_tag=home_tag,
            away_tag=away_tag,
            forfeit="forfeit" in notes,
            walkover="walkover" in notes,
            extra_time="aet" in notes,
            penalties=(int(pens.group(1)), int(pens.group(2))) if pens else None,
            abandoned="abandoned" in notes,
            annulled="annulled" in notes,
            replay="replay" in notes,
        )
        if score.group("hr"):
            home_won = score.group("hr").upper() == "W"
            won_both = home_won == (score.group("ar").upper() == "W")
            return MatchLine(
                **{**made.__dict__, "forfeit": True, "home_won_forfeit": None if won_both else home_won}
            )
        return MatchLine(
            **{**made.__dict__, "home_score": int(score.group("hs")), "away_score": int(score.group("as"))}
        )
    return None


def looks_like_prose(line: str) -> bool:
    """Whether a line that is no match, date or bye line reads as a sentence of the article."""
    words = line.split()
    if not words:
        return False
    ends = line.rstrip("\"”’')]")[-1:] in ".!?:;"
    lower = [w for w in words if w[:1].islower() and w.lower() not in _PARTICLES]
    return (ends and len(words) >= 3) or (len(words) >= 6 and bool(lower))
