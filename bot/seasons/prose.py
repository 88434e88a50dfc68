"""The sentences of a season article that state facts: how ties were decided, who qualified, direct slots.

Prose is never a match line. A sentence about ties ("Six matches were decided in extra time: A beat B,
C beat D …", "X beat Y 4–3 on penalties after a 2–2 draw") is read against the ties the match lines hold:
the clubs it names are found by their spellings, and each pair that is a tie says who won, and whether
in extra time or on penalties. The caller decides what to do when a sentence and a match line disagree.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from bot.seasons.facts import DecidedBy, FixtureFacts
from bot.seasons.matchline import looks_like_name
from bot.seasons.outcome import BadResult, Outcome, settle

_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
}  # fmt: skip
_ABBREVIATED = re.compile(r"(?:\b[A-Za-z]\.){2,}$|\b(?:St|Mt|Ft|Jr|Sr|Dr|No|vs|Inc|Co)\.$")
_PAIR = re.compile(r"(?<![\w.])(\d{1,2})\s*[-–—−]\s*(\d{1,2})(?![\w])")
_SHOOTOUT = re.compile(
    r"penalt|\bpens?\b|shoot-?out|\bpks?\b|spot[- ]kicks|kicks from the (?:penalty )?mark", re.I
)
_EXTRA_TIME = re.compile(r"extra[- ]time|overtime|\ba\.?e\.?t\b|after extra", re.I)
_LOST = re.compile(
    r"\b(?:lost|lose|loses|fell|falls|bowed|succumbed|(?:was|were) (?:beaten|defeated|eliminated|knocked out|"
    r"edged|ousted)|went out)\b",
    re.I,
)
_WON = re.compile(
    r"\b(?:beat|beats|defeated|defeats|edged|edges|eliminated|eliminates|knocked out|overcame|ousted|"
    r"got past|downed|topped|outlasted|won|wins|advanced|advances|prevailed|progressed|went through|"
    r"came through|needed)\b",
    re.I,
)
_WENT_ON = re.compile(r"^\W{0,3}(?:won|advanced|went through|prevailed|progressed|came through)\b", re.I)
_COUNTED = re.compile(
    r"\b(?P<count>\d+|[a-z]+)\s+(?:of the\s+)?(?:matches|ties|games|fixtures)\b(?:\s+[\w-]+){0,6}?"
    r"\s+(?:were|was|went|needed)\b",
    re.I,
)
_DESIGNATORS = re.compile(
    r"^(?:the|fc|sc|ac|cf|afc)\s+|\s+(?:fc|sc|ac|cf|afc|soccer club|football club)$", re.I
)


def number(word: str) -> int | None:
    """'7' or 'seven' as 7; None for anything else."""
    word = word.lower().strip()
    return int(word) if word.isdigit() else _NUMBER_WORDS.get(word)


def sentences(text: str) -> list[str]:
    """`text` cut into sentences, not after abbreviations ('U.S.', 'St.', 'F.C.')."""
    found: list[str] = []
    start = 0
    for end in re.finditer(r"[.!?](?=\s+[\"“'‘(]?[A-Z0-9])", text):
        head = text[start : end.end()]
        if _ABBREVIATED.search(head):
            continue
        found.append(head.strip())
        start = end.end()
    tail = text[start:].strip()
    return [*found, tail] if tail else found


def _plain(char: str) -> str:
    """One character without its accent, lower-cased, with every apostrophe and dash made one."""
    if char in "'’‘`´":
        return "'"
    if char in "-–—−":
        return "-"
    base = unicodedata.normalize("NFKD", char)[:1] or char
    return base.lower()[:1] or char


def plain(text: str) -> str:
    """`text` for matching names: same length, positions kept, accents and case and quote styles ignored."""
    return "".join(_plain(char) for char in text)


@dataclass(frozen=True)
class Tie:
    """A tie the match lines hold, as the prose reader needs it: id, round, each side's club and spellings."""

    id: int
    round: int
    home: str
    away: str
    home_spellings: tuple[str, ...]
    away_spellings: tuple[str, ...]


@dataclass(frozen=True)
class TieSaid:
    """What one sentence says of one tie."""

    tie: int
    winner: str | None  # "home" or "away" as the sentence puts it; None when it does not say
    extra_time: bool = False
    shootout: tuple[int, int] | None = None  # the winner's kicks first
    level: tuple[int, int] | None = None  # the drawn score it gives ("after a 2–2 draw")
    score: tuple[int, int] | None = None  # a score that is not level, winner first
    sentence: str = ""


@dataclass(frozen=True)
class _Mention:
    start: int
    end: int
    club: str  # the club's key


def _variants(spelling: str) -> set[str]:
    """A spelling and its shorter forms that prose uses ('Lansdowne Yonkers FC' → 'Lansdowne Yonkers')."""
    found = {spelling.strip()}
    shorter = _DESIGNATORS.sub("", spelling.strip())
    while shorter not in found:
        found.add(shorter)
        shorter = _DESIGNATORS.sub("", shorter)
    return {plain(v) for v in found if len(v) >= 4}


def _mentions(sentence: str, ties: list[Tie]) -> list[_Mention]:
    """Where the sentence names a club of one of `ties`, longest names first, never overlapping."""
    text = plain(sentence)
    spellings: dict[str, set[str]] = {}
    for tie in ties:
        spellings.setdefault(tie.home, set()).update(tie.home_spellings)
        spellings.setdefault(tie.away, set()).update(tie.away_spellings)
    candidates: list[tuple[int, int, str]] = []
    for club, written in spellings.items():
        for variant in set().union(*(_variants(s) for s in written)):
            for found in re.finditer(rf"(?<![\w]){re.escape(variant)}(?![\w])", text):
                candidates.append((found.start(), found.end(), club))
    candidates.sort(key=lambda c: (c[0], -(c[1] - c[0])))
    taken: list[_Mention] = []
    for start, end, club in candidates:
        if taken and start < taken[-1].end:
            continue
        taken.append(_Mention(start, end, club))
    return taken


def _scores(text: str) -> list[tuple[int, int]]:
    return [(int(a), int(b)) for a, b in _PAIR.findall(text)]


def _tie_of(first: str, second: str, ties: list[Tie], round_number: int | None) -> Tie | None:
    """The tie between two clubs: the one of `round_number` if they met then, else their first meeting."""
    met = [tie for tie in ties if {tie.home, tie.away} == {first, second}]
    same_round = [tie for tie in met if tie.round == round_number]
    found = same_round or sorted(met, key=lambda tie: tie.round)
    return found[0] if found else None


def read_ties(sentence: str, ties: list[Tie], *, round_number: int | None = None) -> list[TieSaid]:
    """What `sentence` says of each tie it names as a pair ("A beat B", "A and B drew 2–2; B won …").

    A pair that met in several rounds is taken as their tie of `round_number`, the sentence's round.
    """
    mentions = _mentions(sentence, ties)
    pairs: list[tuple[_Mention, _Mention, Tie]] = []
    index = 0
    while index + 1 < len(mentions):
        first, second = mentions[index], mentions[index + 1]
        tie = _tie_of(first.club, second.club, ties, round_number) if first.club != second.club else None
        if tie is not None:
            pairs.append((first, second, tie))
            index += 2
        else:
            index += 1
    if not pairs:
        return []
    header = sentence[: pairs[0][0].start]
    said: list[TieSaid] = []
    for at, (first, second, tie) in enumerate(pairs):
        end = pairs[at + 1][0].start if at + 1 < len(pairs) else len(sentence)
        start = 0 if at == 0 else first.start
        segment = sentence[start:end]
        between = sentence[first.end : second.start]
        winner_club = _winner(sentence, first, second, between, end, mentions)
        shootout_said = bool(_SHOOTOUT.search(segment) or _SHOOTOUT.search(header))
        masked = sentence[start : first.start] + " " + between + " " + sentence[second.end : end]
        scores = _scores(masked)
        level = next((s for s in scores if s[0] == s[1]), None)
        others = [(max(s), min(s)) for s in scores if s[0] != s[1]]
        said.append(
            TieSaid(
                tie=tie.id,
                winner=None if winner_club is None else ("home" if winner_club == tie.home else "away"),
                extra_time=bool(_EXTRA_TIME.search(segment) or _EXTRA_TIME.search(header)),
                shootout=others[0] if shootout_said and others else None,
                level=level,
                score=others[0] if others and not shootout_said else None,
                sentence=sentence,
            )
        )
    return said


def _winner(
    sentence: str, first: _Mention, second: _Mention, between: str, end: int, mentions: list[_Mention]
) -> str | None:
    """The club the sentence says went through: 'A beat B' (A), 'A lost to B' (B), 'A and B drew; B won …'."""
    lost, won = list(_LOST.finditer(between)), list(_WON.finditer(between))
    if lost or won:
        last_lost = lost[-1].start() if lost else -1
        last_won = won[-1].start() if won else -1
        return second.club if last_lost > last_won else first.club
    for mention in mentions:  # a later mention of one side, followed by what it did
        later = mention.club in (first.club, second.club) and second.end <= mention.start < end
        if later and _WENT_ON.search(sentence[mention.end : mention.end + 30]):
            return mention.club
    return None


@dataclass(frozen=True)
class Reconciled:
    """A sentence about a tie held against the tie's match line."""

    conflicts: list[str]  # where they disagree; any conflict: the match line stands, nothing is taken
    outcome: Outcome | None = None  # the tie as the line and the sentence together settle it
    winner_only: bool = False  # the sentence adds only who went through a level tie


def reconcile(fixture: FixtureFacts, said: TieSaid) -> Reconciled:
    """What a sentence adds to a fixture read from its match line, or where the two disagree.

    The line's score, forfeit, winner and written shoot-out stand; the sentence may add a shoot-out score
    (oriented home first from who it says won), extra time, or the winner of a level tie.
    """
    home_won = {"home": True, "away": False, None: None}[said.winner]
    level = fixture.home_score is not None and fixture.home_score == fixture.away_score
    conflicts: list[str] = []
    line_winner = None if fixture.winner is None else fixture.winner == fixture.home
    if home_won is not None and line_winner is not None and home_won != line_winner:
        conflicts.append(f"the line has {fixture.winner} going through")
    if fixture.decided_by == DecidedBy.FORFEIT and (said.shootout or said.extra_time or said.level):
        conflicts.append("the line records a forfeit")
    scored = fixture.home_score is not None and fixture.away_score is not None
    scores = (fixture.home_score or 0, fixture.away_score or 0)
    written = f"{fixture.home_score}-{fixture.away_score}"
    if scored and said.level is not None and said.level != scores:
        conflicts.append(f"the line's score is {written}")
    if scored and said.score is not None and said.score != (max(scores), min(scores)):
        conflicts.append(f"the line's score is {written}")
    penalties: str | None = None
    if said.shootout is not None and not conflicts:
        side = home_won if home_won is not None else line_winner
        if not level:
            conflicts.append(f"the line's score {written} is not level")
        elif side is None:
            conflicts.append("the sentence does not say who won the shoot-out")
        else:
            high, low = said.shootout
            penalties = f"{high}-{low}" if side else f"{low}-{high}"
            if fixture.penalties not in (None, "unknown", penalties):
                conflicts.append(f"the line's shoot-out is {fixture.penalties}")
    if said.extra_time and not said.shootout and level and not conflicts:
        conflicts.append(f"the line's score {written} is level")
    if conflicts or not scored:
        return Reconciled(conflicts)
    try:
        outcome = settle(
            score=written,
            extra_time=fixture.extra_time or said.extra_time,
            penalties=penalties or fixture.penalties,
            winner=None if home_won is None else ("home" if home_won else "away"),
            allow_unknown_winner=True,
        )
    except BadResult:
        return Reconciled([])
    if penalties is None and not said.extra_time:  # no shoot-out, no extra time: at most who went through
        adds_winner = fixture.winner is None and outcome.winner is not None
        return Reconciled([], outcome if adds_winner else None, winner_only=adds_winner)
    return Reconciled([], outcome)


def counted_ties(sentence: str) -> int | None:
    """How many ties a sentence counts ('Six matches were decided in extra time'), if it counts them."""
    found = _COUNTED.search(sentence)
    return number(found.group("count")) if found else None


def says_extra_time(sentence: str) -> bool:
    """Whether a sentence speaks of extra time."""
    return bool(_EXTRA_TIME.search(sentence))


def says_shootout(sentence: str) -> bool:
    """Whether a sentence speaks of a penalty shoot-out."""
    return bool(_SHOOTOUT.search(sentence))


# --- who qualified ---------------------------------------------------------------------------------------

_QUALIFIED_VERB = (
    r"(?:qualified|qualify|qualifies|advanced|advance|advances|earned|earn|went through|progressed|reached)"
)
_WINNERS_QUALIFIED = re.compile(
    rf"\b(?P<all>all|the|these|its|each of the)\s+(?:(?P<count>\w+)\s+)?(?:(?:round|match|tie|regional|"
    rf"final)\s+)?winners\b(?:\s+\w+){{0,6}}?\s+{_QUALIFIED_VERB}\b",
    re.I,
)
_LISTED_QUALIFIED = re.compile(
    rf"\b(?:the\s+)?(?:following\s+)?(?P<count>\w+\s+)?(?:teams|clubs|sides|winners)\s+{_QUALIFIED_VERB}\b[^:]*:\s*"
    r"(?P<names>.+?)\.?$",
    re.I,
)


@dataclass(frozen=True)
class QualifiedSaid:
    """A sentence saying who qualified: every winner of its round, a count of them, or named clubs."""

    all_winners: bool
    count: int | None
    names: tuple[str, ...]
    sentence: str


def _list_names(text: str) -> list[str]:
    names = [part.strip().strip(".") for part in re.split(r",\s*(?:and\s+)?|\s+and\s+", text)]
    return [name for name in names if name]


def read_qualified(sentence: str) -> QualifiedSaid | None:
    """Who a sentence says qualified, or None.

    'All winners qualified for the tournament proper', 'The seven winners qualified', 'The following teams
    qualified: A, B and C'.
    """
    listed = _LISTED_QUALIFIED.search(sentence)
    if listed:
        names = _list_names(listed.group("names"))
        if len(names) >= 1 and all(looks_like_name(name) for name in names):
            count = number(listed.group("count") or "")
            return QualifiedSaid(False, count, tuple(names), sentence)
    winners = _WINNERS_QUALIFIED.search(sentence)
    if winners and not re.search(r"\bnot\b|\bwill\b", sentence[: winners.end()], re.I):
        count = number(winners.group("count") or "")
        return QualifiedSaid(winners.group("all").lower() != "these" or count is None, count, (), sentence)
    return None


# --- direct slots (National Amateur Cup, league champions) -----------------------------------------------

_COMPETITION = (
    r"(?P<competition>(?:(?:19|20)\d{2}\s+)?[A-Z][\w.'’]*(?:\s+[A-Z][\w.'’]*)*\s+(?:Cup|Championships?))"
)
_DEFEATED_TO_WIN = re.compile(
    r"(?P<winner>[A-Z][^.,]*?) defeated (?P<loser>.+?) (?P<a>\d+)\s*[–-]\s*(?P<b>\d+),?"
    r"\s*to win the (?P<competition>.+?)(?:\s+and\b|,|\.)"
)
_DIRECT_SHAPES = [
    re.compile(
        rf"^(?:The\s+)?{_COMPETITION}\s+(?:was|were)\s+won\s+by\s+(?P<winner>.+?)"
        r"(?:,|\s+who\b|\s+which\b|\s+and\b|\s+after\b|\s+with\b|\s+in\b|\.|$)"
    ),
    re.compile(
        rf"^(?P<winner>.+?),?\s+(?:won|claimed|captured|took)\s+the\s+{_COMPETITION}"
        r"(?:\s+(?:title|final|crown))?(?:\s*,|\s+and\b|\s+to\b|\.|$)"
    ),
    re.compile(
        rf"^(?:The\s+)?{_COMPETITION}\s+(?:winners?|champions?|title[- ]holders?),?\s+(?P<winner>.+?),?\s+"
        r"(?:(?:also|directly|automatically)\s+)?(?:qualified|earned|received|took|was|were|entered|went)\b"
    ),
    re.compile(
        rf"^(?P<winner>.+?),\s+(?:the\s+)?(?:winners?|champions?)\s+of\s+the\s+{_COMPETITION},\s+"
        r"(?:qualified|earned|received|took|entered|went)\b"
    ),
    re.compile(
        rf"^(?P<winner>.+?)\s+(?:qualified|earned (?:a|its|their) (?:place|spot|berth))\s+(?:directly\s+)?"
        rf"(?:by winning|as (?:the\s+)?(?:winners?|champions?) of)\s+the\s+{_COMPETITION}"
    ),
]
_GENERIC_WINNER = re.compile(
    r"\b(?:team|teams|club|clubs|winner|winners|champion|champions|side|sides|one|each|it|they)$", re.I
)


@dataclass(frozen=True)
class DirectSaid:
    """A club the prose says won a competition that gives a direct slot."""

    winner: str
    competition: str
    loser: str = ""
    score: str = ""  # "2–1" as written, the winner's goals first
    sentence: str = ""


def read_direct_winner(text: str, *, defeated_only: bool = False) -> DirectSaid | None:
    """The club `text` says won a cup or championship, or None.

    'X defeated Y 2–1, to win the 2023 National Amateur Cup', 'X won the 2021 National Amateur Cup and
    qualified directly', 'The 2021 National Amateur Cup winner, X, qualified', 'The 2018 National Amateur
    Cup was won by X'. `defeated_only`: only the first shape, read over a whole section.
    """
    found = _DEFEATED_TO_WIN.search(text)
    if found:
        return DirectSaid(
            winner=found.group("winner").strip(),
            competition=found.group("competition").strip(),
            loser=found.group("loser").strip(),
            score=f"{found.group('a')}–{found.group('b')}",
            sentence=text,
        )
    if defeated_only:
        return None
    for shape in _DIRECT_SHAPES:
        match = shape.search(text.strip())
        if not match:
            continue
        winner = re.sub(r"^(?:In \d{4},\s*)", "", match.group("winner").strip().strip(","))
        if looks_like_name(winner) and not _GENERIC_WINNER.search(winner):
            return DirectSaid(winner=winner, competition=match.group("competition").strip(), sentence=text)
    return None
