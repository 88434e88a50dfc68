"""Team names: normalisation and resolution of written names to one club.

The fuzzy team index (ranked candidates, "did you mean") builds on `normalise`; for now lookups are exact,
alias or normalised-equal, and rapidfuzz only *proposes* merges for a person to review.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

# Whole designators a club name may carry; dropped so "Rebels SC" and "Rebels Soccer Club" agree.
_DESIGNATOR_PHRASES = ("soccer club", "football club", "athletic club", "futbol club", "club de futbol")
_DESIGNATOR_WORDS = {"fc", "sc", "ac", "cf"}
# Short forms fans and sources use interchangeably.
_SHORT_FORMS = {
    "ny": "new york",
    "nyc": "new york city",
    "sf": "san francisco",
    "nj": "new jersey",
    "inter": "international",
    "intl": "international",
    "utd": "united",
    "st": "saint",
}
_APOSTROPHES = "'\u2019\u2018`\u00b4"


def fold(text: str) -> str:
    """Lower-case, strip accents and apostrophes, turn other punctuation into spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    plain = plain.replace("&", " and ")
    for mark in _APOSTROPHES:
        plain = plain.replace(mark, "")
    plain = plain.replace(".", "")
    plain = re.sub(r"[^a-z0-9]+", " ", plain)
    return " ".join(plain.split())


def normalise(name: str) -> str:
    """The comparison key of a club name: folded, short forms expanded, designators dropped."""
    words = [_SHORT_FORMS.get(word, word) for word in fold(name).split()]
    text = " ".join(words)
    stripped = text
    for phrase in _DESIGNATOR_PHRASES:
        stripped = re.sub(rf"\b{phrase}\b", " ", stripped)
    kept = [word for word in stripped.split() if word not in _DESIGNATOR_WORDS]
    return " ".join(kept) or text


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


def propose_matches(
    name: str, choices: Iterable[str], *, limit: int = 3, cutoff: float = 70
) -> list[tuple[str, float]]:
    """Rank the spellings that `name` may be another way of writing (for a person to review)."""
    keyed = {choice: normalise(choice) for choice in choices if choice != name}
    found = process.extract(
        normalise(name), keyed, scorer=fuzz.token_set_ratio, limit=limit, score_cutoff=cutoff
    )
    return [(choice, round(score, 1)) for _key, score, choice in found]


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
    """Every club's spellings in memory: lookups and autocomplete without a database round trip."""

    def __init__(self, teams: Iterable[IndexedTeam] = ()) -> None:
        """Index `teams`."""
        self.teams = sorted(teams, key=lambda team: team.name.casefold())
        self._folded: dict[str, set[int]] = {}
        self._keys: dict[str, set[int]] = {}
        self._choices: list[str] = []
        self._owners: list[int] = []
        for position, team in enumerate(self.teams):
            for spelling in {team.name, *team.spellings}:
                key = normalise(spelling)
                self._folded.setdefault(spelling.casefold(), set()).add(position)
                self._keys.setdefault(key, set()).add(position)
                self._choices.append(key)
                self._owners.append(position)

    def __len__(self) -> int:
        """How many clubs are indexed."""
        return len(self.teams)

    def _ranked(self, query_key: str, positions: Iterable[int]) -> list[str]:
        def closeness(position: int) -> float:
            team = self.teams[position]
            return max(fuzz.ratio(query_key, normalise(s)) for s in (team.name, *team.spellings))

        return [
            self.teams[p].name
            for p in sorted(set(positions), key=lambda p: (-closeness(p), self.teams[p].name))
        ]

    def match(self, query: str) -> NameMatch:
        """The club `query` names: exact spelling, then normalised spelling, then whole-word containment."""
        wanted = query.strip()
        if not wanted:
            return NameMatch()
        key = normalise(wanted)
        for found in (self._folded.get(wanted.casefold(), set()), self._keys.get(key, set())):
            if len(found) == 1:
                return NameMatch(team=self.teams[next(iter(found))].name)
            if found:
                return NameMatch(candidates=self._ranked(key, found))
        words = set(key.split())
        containing = {
            owner
            for choice, owner in zip(self._choices, self._owners, strict=True)
            if words <= set(choice.split())
        }
        if len(containing) == 1:
            return NameMatch(team=self.teams[next(iter(containing))].name)
        if containing:
            return NameMatch(candidates=self._ranked(key, containing))
        close = process.extract(key, self._choices, scorer=fuzz.WRatio, limit=10, score_cutoff=70)
        suggestions: list[str] = []
        for _choice, _score, at in close:
            name = self.teams[self._owners[at]].name
            if name not in suggestions:
                suggestions.append(name)
        return NameMatch(suggestions=suggestions[:3])

    def suggest(self, query: str, limit: int = 25) -> list[IndexedTeam]:
        """Autocomplete: clubs whose spellings start with, then contain, then resemble what is typed."""
        key = normalise(query) if query.strip() else ""
        if not key:
            return self.teams[:limit]
        folded = fold(query)
        scored: dict[int, float] = {}
        for choice, owner in zip(self._choices, self._owners, strict=True):
            if choice.startswith(key) or any(word.startswith(key) for word in choice.split()):
                score = 300.0 - len(choice) / 100
            elif key in choice or folded in choice:
                score = 200.0 - len(choice) / 100
            else:
                continue
            scored[owner] = max(scored.get(owner, 0.0), score)
        if len(scored) < limit:
            for _choice, score, at in process.extract(
                key, self._choices, scorer=fuzz.WRatio, limit=limit * 2, score_cutoff=60
            ):
                owner = self._owners[at]
                scored[owner] = max(scored.get(owner, 0.0), float(score))
        ranked = sorted(scored, key=lambda position: (-scored[position], self.teams[position].name))
        return [self.teams[position] for position in ranked[:limit]]
