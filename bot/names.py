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
