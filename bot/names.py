"""Team names: normalisation and resolution of written names to one club.

The fuzzy team index (ranked candidates, "did you mean") builds on `normalise`; for now lookups are exact,
alias or normalised-equal, and rapidfuzz only *proposes* merges for a person to review.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

# Whole designators a club name may carry; dropped so "Rebels SC" and "Rebels Soccer Club" agree.
_DESIGNATOR_PHRASES = ("soccer club", "football club", "athletic club", "futbol club", "club de futbol")
_DESIGNATOR_WORDS = {"fc", "sc", "ac", "cf", "the"}
# Short forms fans and sources use interchangeably (symmetric: applied to names and queries alike).
_SHORT_FORMS = {
    "ny": "new york",
    "nyc": "new york city",
    "sf": "san francisco",
    "nj": "new jersey",
    "inter": "international",
    "intl": "international",
    "utd": "united",
    "st": "saint",
    "philly": "philadelphia",
    "phila": "philadelphia",
    "jax": "jacksonville",
    "okc": "oklahoma city",
    "sd": "san diego",
    "tx": "texas",
    "tn": "tennessee",
    "n": "north",
    "s": "south",
    "e": "east",
    "w": "west",
}
_NUMBER_WORDS = {
    "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7", "eight": "8",
    "nine": "9", "ten": "10", "eleven": "11", "twelve": "12",
}  # fmt: skip
MATCHES_KEPT = 1024  # answers of `TeamIndex.match` kept per index (~0.3 KiB each; a miss costs ~0.2 ms)
_APOSTROPHES = "'\u2019\u2018`\u00b4"
# Letters that Unicode does not decompose into a base letter and an accent.
_PLAIN_LETTERS = str.maketrans(
    {
        "ł": "l",
        "Ł": "L",
        "ø": "o",
        "Ø": "O",
        "đ": "d",
        "Đ": "D",
        "ß": "ss",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ı": "i",
    }
)


def fold(text: str) -> str:
    """Lower-case, strip accents and apostrophes, turn other punctuation into spaces."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_PLAIN_LETTERS))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    plain = plain.replace("&", " and ")
    for mark in _APOSTROPHES:
        plain = plain.replace(mark, "")
    plain = plain.replace(".", "")
    plain = re.sub(r"[^a-z0-9]+", " ", plain)
    plain = re.sub(r"\b([a-z]) (\d+)\b", r"\1\2", plain)  # "u 23" (from U-23) is "u23"
    plain = re.sub(r"(\w{3,})our\b", r"\1or", plain)  # harbour / harbor
    return " ".join(plain.split())


def normalise(name: str, *, numbers: bool = True) -> str:
    """The comparison key of a club name: folded, short forms expanded, designators dropped."""
    words = [_SHORT_FORMS.get(word, word) for word in fold(name).split()]
    if numbers:
        words = [_NUMBER_WORDS.get(word, word) for word in words]
    text = " ".join(words)
    stripped = text
    for phrase in _DESIGNATOR_PHRASES:
        stripped = re.sub(rf"\b{phrase}\b", " ", stripped)
    kept = [word for word in stripped.split() if word not in _DESIGNATOR_WORDS]
    return " ".join(kept) or text


def compact(name: str) -> str:
    """The key without spaces and without number words turned into digits ("Battle Born" = "BattleBorn")."""
    return normalise(name, numbers=False).replace(" ", "")


def _acronym_variants(key: str) -> set[str]:
    """The key with one run of consecutive words written as initials ("south carolina united" → "scu")."""
    words = key.split()
    variants = set()
    for start in range(len(words)):
        for end in range(start + 2, min(len(words), start + 4) + 1):
            initials = "".join(word[0] for word in words[start:end])
            variant = [*words[:start], initials, *words[end:]]
            if len(variant) > 1 or len(initials) >= 3:
                variants.add(" ".join(variant))
    return variants


def _typo_allowance(word: str) -> int:
    """How many slips (Damerau-Levenshtein) a typed word may have: none in short words."""
    if len(word) <= 3 or word.isdigit():
        return 0
    return 1 if len(word) <= 7 else 2


@dataclass(frozen=True)
class AliasRule:
    """A curated statement: `alias` names the club written `target` (in `season`, or in any season)."""

    alias: str
    target: str
    season: int | None = None
    note: str = ""


@dataclass
class NameBook:
    """Groups the spellings met in one source into clubs, using normalisation and curated aliases."""

    rules: list[AliasRule] = field(default_factory=list)
    season: int | None = None
    _groups: dict[str, list[str]] = field(default_factory=dict)

    def _curated_key(self, name: str) -> str:
        key = normalise(name)
        for rule in self.rules:
            if rule.season in (None, self.season) and normalise(rule.alias) == key:
                return normalise(rule.target)
        return key

    def add(self, name: str) -> str:
        """Record a spelling; return its club key."""
        key = self._curated_key(name)
        spellings = self._groups.setdefault(key, [])
        if name not in spellings:
            spellings.append(name)
        return key

    def key(self, name: str) -> str:
        """The club key of a spelling (recorded or not)."""
        return self._curated_key(name)

    def spellings(self, key: str) -> list[str]:
        """Every spelling recorded for a club key, in the order met."""
        return list(self._groups.get(key, []))

    def keys(self) -> list[str]:
        """Every club key recorded."""
        return list(self._groups)


def propose_matches(name: str, choices: Iterable[str], *, limit: int = 3) -> list[tuple[str, float]]:
    """The spellings `name` may be another way of writing, best first, with a closeness score (0-100).

    The same team index that answers users decides; the score is only for a person reviewing.
    """
    spellings = [choice for choice in dict.fromkeys(choices) if choice != name]
    found = TeamIndex(IndexedTeam(name=s, label=s, spellings=()) for s in spellings).match(name)
    ranked = [found.team] if found.team else found.candidates or found.suggestions
    key = normalise(name)
    return [(choice, round(fuzz.token_set_ratio(key, normalise(choice)), 1)) for choice in ranked[:limit]]


def _frozen(table: dict[str, set[int]]) -> dict[str, tuple[int, ...]]:
    """`table` with each set of clubs as a sorted tuple."""
    return {name: tuple(sorted(owners)) for name, owners in table.items()}


@dataclass(frozen=True)
class IndexedTeam:
    """A club as the index knows it: canonical name, a label to tell it apart, every spelling."""

    name: str
    label: str
    spellings: tuple[str, ...]


@dataclass
class NameMatch:
    """The outcome of a lookup: one club, several to choose from, or none (with suggestions)."""

    team: str | None = None
    candidates: list[str] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)


class TeamIndex:
    """Every club's spellings in memory: lookups and autocomplete without a database round trip.

    A lookup tries, in order: the exact spelling; the normalised key (confident only when no other club's
    name holds the same words); whole-word containment; the compact key and acronyms; and whole words
    with a typo or two. One club found → a match; several → ranked candidates; none → suggestions.
    Nothing scans every spelling: words and keys are looked up in tables, prefixes by bisection of the
    sorted keys and words, and only the word vocabulary (far smaller than the list of spellings) is
    searched fuzzily. (Sorted lists instead of a table per prefix: the same answers in a third of the memory.)
    """

    SUGGESTION_POOL = 300  # at most this many clubs are ranked for "did you mean"

    def __init__(self, teams: Iterable[IndexedTeam] = ()) -> None:
        """Index `teams`."""
        self.teams = sorted(teams, key=lambda team: team.name.casefold())
        self._matched: dict[str, NameMatch] = {}
        folded: dict[str, set[int]] = {}
        keys: dict[str, set[int]] = {}
        compacts: dict[str, set[int]] = {}
        acronyms: dict[str, set[int]] = {}
        words_held: dict[str, set[int]] = {}
        self._spellings: list[
            list[tuple[str, frozenset[str]]]
        ] = []  # per club: (key, words) of each spelling
        sorted_keys: set[tuple[str, int]] = set()
        for position, team in enumerate(self.teams):
            own: list[tuple[str, frozenset[str]]] = []
            for spelling in dict.fromkeys((team.name, *team.spellings)):
                key = normalise(spelling)
                folded.setdefault(fold(spelling), set()).add(position)
                keys.setdefault(key, set()).add(position)
                compacts.setdefault(compact(spelling), set()).add(position)
                for variant in _acronym_variants(key):
                    acronyms.setdefault(variant, set()).add(position)
                # Typed designators ("coronado athletic") may still be matched, so keep the folded words too.
                words = frozenset(key.split()) | frozenset(fold(spelling).split())
                for word in words:
                    words_held.setdefault(word, set()).add(position)
                sorted_keys.add((key, position))
                own.append((key, words))
            self._spellings.append(own)
        # Each table's clubs as a tuple: most hold one club, and a tuple of one is a quarter of a set's size.
        self._folded = _frozen(folded)
        self._keys = _frozen(keys)
        self._compact = _frozen(compacts)
        self._acronyms = _frozen(acronyms)
        self._words = _frozen(words_held)
        self._vocabulary = list(self._words)
        self._sorted_keys = sorted(sorted_keys)  # (key, club): bisected for the clubs a key prefix starts
        self._sorted_words = sorted(self._words)  # bisected for the words a prefix starts

    def _starting(self, prefix: str) -> list[int]:
        """Clubs with a spelling whose key starts with `prefix`, in name order."""
        keys = self._sorted_keys
        found: set[int] = set()
        at = bisect_left(keys, (prefix,))
        while at < len(keys) and keys[at][0].startswith(prefix):
            found.add(keys[at][1])
            at += 1
        return sorted(found)

    def _with_word_starting(self, prefix: str) -> list[int]:
        """Clubs with a word (of some spelling) that starts with `prefix`, in name order."""
        words = self._sorted_words
        found: set[int] = set()
        at = bisect_left(words, prefix)
        while at < len(words) and words[at].startswith(prefix):
            found.update(self._words[words[at]])
            at += 1
        return sorted(found)

    def __len__(self) -> int:
        """How many clubs are indexed."""
        return len(self.teams)

    def _closeness(self, query_key: str, position: int) -> float:
        return max(fuzz.ratio(query_key, key) for key, _words in self._spellings[position])

    def _ranked(self, query_key: str, positions: Iterable[int]) -> list[str]:
        order = sorted(set(positions), key=lambda p: (-self._closeness(query_key, p), self.teams[p].name))
        return [self.teams[p].name for p in order]

    def _decide(self, query_key: str, found: set[int]) -> NameMatch | None:
        return self._pick(query_key, found) if found else None

    def _pick(self, query_key: str, found: set[int]) -> NameMatch:
        """The one club of `found` (not empty), or its clubs as candidates."""
        if len(found) == 1:
            return NameMatch(team=self.teams[next(iter(found))].name)
        return NameMatch(candidates=self._ranked(query_key, found))

    def _containing(self, words: set[str]) -> set[int]:
        """Clubs with one spelling holding every word."""
        found: set[int] | None = None
        for word in words:
            owners = self._words.get(word, ())
            found = set(owners) if found is None else found.intersection(owners)
            if not found:
                return set()
        return {
            owner
            for owner in found or ()
            if any(words <= spelling for _k, spelling in self._spellings[owner])
        }

    def _near_words(self, word: str) -> dict[str, int]:
        """Vocabulary words within `word`'s typo allowance, with their distance."""
        allowance = _typo_allowance(word)
        if allowance == 0:
            return {word: 0} if word in self._words else {}
        near = process.extract(
            word, self._vocabulary, scorer=OSA.distance, score_cutoff=allowance, limit=None
        )
        return {other: int(distance) for other, distance, _at in near}

    def _with_typos(self, words: list[str]) -> dict[int, int]:
        """Clubs having a spelling in which every typed word appears, each within its typo allowance."""
        nearby = [self._near_words(word) for word in words]
        if not all(nearby):
            return {}
        owners: set[int] | None = None
        for near in nearby:
            holders = {owner for other in near for owner in self._words[other]}
            owners = holders if owners is None else owners & holders
        slips: dict[int, int] = {}
        for owner in owners or ():
            for _key, spelling in self._spellings[owner]:
                costs = [
                    min((d for other, d in near.items() if other in spelling), default=None)
                    for near in nearby
                ]
                known = [cost for cost in costs if cost is not None]
                if len(known) == len(costs):
                    total = sum(known)
                    slips[owner] = min(total, slips.get(owner, total))
        return slips

    def match(self, query: str) -> NameMatch:
        """The club `query` names, several it may name, or none (with suggestions).

        Answers are kept per index (a bounded number): the same words typed again are not looked up again.
        """
        found = self._matched.get(query)
        if found is None:
            found = self._match(query)
            if len(self._matched) >= MATCHES_KEPT:
                self._matched.pop(next(iter(self._matched)))
            self._matched[query] = found
        return found

    def _match(self, query: str) -> NameMatch:
        wanted = query.strip()
        key = normalise(wanted) if wanted else ""
        if not key or not re.search(r"[a-z0-9]", key):
            return NameMatch()
        exact = set(self._folded.get(fold(wanted), ()))
        if exact:
            return self._pick(key, exact)
        words = set(key.split())
        containing = self._containing(words)
        same_key = set(self._keys.get(key, ()))
        if same_key:
            # "irvine" is Irvine FC's key, but Irvine Zeta FC holds the word too: let the user choose.
            return self._pick(key, same_key | containing)
        typed_acronyms = {p for variant in _acronym_variants(key) for p in self._keys.get(variant, ())}
        acronyms = typed_acronyms.union(self._acronyms.get(key, ()))
        for found in (containing, set(self._compact.get(compact(wanted), ())), acronyms):
            decided = self._decide(key, found)
            if decided is not None:
                return decided
        slips = self._with_typos(key.split())
        if slips:
            fewest = min(slips.values())
            return self._pick(key, {owner for owner, count in slips.items() if count == fewest})
        return NameMatch(suggestions=self._suggestions(key))

    def _suggestions(self, key: str) -> list[str]:
        """Clubs sharing a word (roughly) with what was typed, closest whole name first."""
        holders: list[tuple[int, ...]] = []
        for word in key.split():
            if len(word) >= 3:
                near = process.extract(word, self._vocabulary, scorer=fuzz.ratio, score_cutoff=75, limit=20)
                holders += [self._words[other] for other, _score, _at in near]
        # The rarest words say most about a club: rank only the holders of those ("football" holds thousands).
        owners: set[int] = set()
        for group in sorted(holders, key=len):
            if owners and len(owners) + len(group) > self.SUGGESTION_POOL:
                break
            owners.update(group)
        # Whole names compared by their shared words: one generic word ("united") is not enough (score < 70).
        close = sorted(
            (
                max(fuzz.token_set_ratio(key, spelling) for spelling, _w in self._spellings[owner]),
                self.teams[owner].name,
            )
            for owner in owners
        )
        return [name for score, name in reversed(close) if score >= 70][:3]

    def suggest(self, query: str, limit: int = 25) -> list[IndexedTeam]:
        """Autocomplete: names starting with what is typed, then a word that does, then a word like it.

        Words before the last must be whole words of the club; the last may be a prefix. A last word that
        is a short form is read both ways: "s" offers the South clubs first, then every other club
        starting with S ("st": Saint, then Stockton), since the word may not be finished yet.
        """
        key = normalise(query) if query.strip() else ""
        if not key:
            return self.teams[:limit]
        picked: list[int] = []
        seen: set[int] = set()

        def take(owners: Iterable[int], check: Callable[[int], bool]) -> None:
            for owner in owners:
                if len(picked) >= limit:
                    return
                if owner not in seen and check(owner):
                    seen.add(owner)
                    picked.append(owner)

        readings = [key]
        typed = fold(query).split()
        if typed and typed[-1] in _SHORT_FORMS:
            head = normalise(" ".join(typed[:-1])) if len(typed) > 1 else ""
            readings.append(f"{head} {typed[-1]}".strip())
        pool, last, fits = self._take_prefixed(readings[0], take)
        for reading in readings[1:]:
            self._take_prefixed(reading, take)
        if len(picked) < limit and len(last) >= 3:
            for other, _score, _at in process.extract(
                last, self._vocabulary, scorer=fuzz.ratio, score_cutoff=70, limit=limit
            ):
                holders = self._words[other] if pool is None else pool.intersection(self._words[other])
                take(sorted(holders), partial(fits, prefix=other))
        return [self.teams[owner] for owner in picked]

    def _take_prefixed(
        self, key: str, take: Callable[[Iterable[int], Callable[[int], bool]], None]
    ) -> tuple[set[int] | None, str, Callable[..., bool]]:
        """Offer `take` the clubs whose name starts with `key`, then those with a word starting with its last.

        Returns the clubs holding every whole word typed (None: one word typed), the last word, and the
        test that a club holds the whole words and a word starting with a prefix (the last word by default).
        """
        *whole, last = key.split()
        required = set(whole)

        def fits(owner: int, prefix: str = last) -> bool:
            return any(
                required <= words and any(word.startswith(prefix) for word in words)
                for _k, words in self._spellings[owner]
            )

        pool: set[int] | None = None  # with whole words typed, only clubs holding all of them qualify
        for word in required:
            owners = self._words.get(word, ())
            pool = set(owners) if pool is None else pool.intersection(owners)
        if pool is not None:
            ordered = sorted(pool)  # positions are in name order
            take(
                (o for o in ordered if any(k.startswith(key) for k, _ in self._spellings[o])), lambda _o: True
            )
            take(ordered, fits)
        else:
            take(self._starting(key), lambda _o: True)
            take(self._with_word_starting(last), fits)
        return pool, last, fits
