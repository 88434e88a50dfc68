"""Sectioning of a seed document: its title, infobox and headings as a tree, and what a heading names.

A season article nests its parts in headings of any depth (`== Local qualifying ==`, `=== First qualifying
round ===`, `=====Northeast Region=====`). This module knows nothing of matches or clubs: it only says where
each line sits, and reads a heading as a round (its number, whether it is the final round or one announced
"if needed") or as a region.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10,
}  # fmt: skip
_HEADING = re.compile(r"^(=+)\s*(.*?)\s*=*\s*$")
_NUMBERED = re.compile(r"(?:round\s+(\d+)\b|\b(\d+)(?:st|nd|rd|th)\b)")
_REGION_WORDS = ("region", "conference", "zone", "division", "group", "area", "section")
_REGION_LINE = re.compile(r"^(?:;\s*(?P<term>.+?)|'''(?P<bold>[^']+?)''')\s*:?$")


@dataclass
class Section:
    """A heading and the lines under it (up to the next heading), with the sections nested inside."""

    level: int
    heading: str
    parent: Section | None = None
    lines: list[str] = field(default_factory=list)
    children: list[Section] = field(default_factory=list)

    @property
    def ancestors(self) -> list[Section]:
        """The enclosing sections, outermost first (the document's root excluded)."""
        found: list[Section] = []
        section = self.parent
        while section is not None and section.level > 0:
            found.append(section)
            section = section.parent
        return found[::-1]

    @property
    def path(self) -> str:
        """Every heading from the outermost down to this one, lower-cased: 'x / y / z'."""
        return " / ".join([s.heading for s in self.ancestors] + [self.heading]).lower()

    def walk(self) -> Iterator[Section]:
        """The section and every section inside it, in document order."""
        yield self
        for child in self.children:
            yield from child.walk()

    def prose(self) -> str:
        """The section's own lines that are neither table rows nor list items, joined with spaces."""
        return " ".join(line for line in self.lines if line and not line.startswith(("|", "-")))


@dataclass
class Document:
    """A seed document cut into its title, its infobox and its tree of sections."""

    title: str
    infobox: dict[str, str]
    root: Section

    def sections(self) -> list[Section]:
        """Every section in document order (the root, holding the lines before any heading, first)."""
        return list(self.root.walk())


def _heading(line: str) -> tuple[int, str] | None:
    found = _HEADING.match(line)
    if found and line.endswith("="):
        return len(found.group(1)), found.group(2)
    return None


def _open_round(section: Section) -> Section | None:
    """The round section `section` is in (or is), if any."""
    while section.level > 0:
        if round_heading(section.heading) is not None:
            return section
        assert section.parent is not None
        section = section.parent
    return None


def split_document(text: str) -> Document:
    """Cut `text` into title, infobox and sections; every line lands in exactly one section.

    A region's heading inside a round may be written at a higher level than the round's own
    (`===First qualifying round===` then `==Northeast==` and its matches): when a region's heading comes
    in a round and lines (not a heading) follow it, it is taken as part of that round. A region heading
    followed by round headings (`==Northeast==` / `===Round 1===`) is the upper heading of its rounds.
    """
    title = ""
    infobox: dict[str, str] = {}
    root = Section(level=0, heading="")
    current = root
    in_infobox = False
    lines = [raw.strip() for raw in text.splitlines()]
    for at, line in enumerate(lines):
        heading = _heading(line)
        if heading is not None:
            level, name = heading
            if level == 1 and not title:
                title = name
            parent = current
            inside = _open_round(current)
            following = next((later for later in lines[at + 1 :] if later), "")
            if (
                inside is not None
                and inside.level >= level
                and _region_name(name)
                and not _heading(following)
            ):
                parent, level = inside, inside.level + 1
            while parent.level >= level:
                assert parent.parent is not None  # the root's level (0) is below every heading's
                parent = parent.parent
            current = Section(level=level, heading=name, parent=parent)
            parent.children.append(current)
            in_infobox = False
            continue
        if line == "Infobox":
            in_infobox = True
            continue
        if in_infobox:
            if not line:
                in_infobox = False
            elif line.startswith("- ") and ":" in line:
                key, value = line[2:].split(":", 1)
                infobox[key.strip()] = value.strip()
            continue
        current.lines.append(line)
    return Document(title=title, infobox=infobox, root=root)


@dataclass(frozen=True)
class RoundHeading:
    """What a heading (or a schedule row) says of a round: its number, and whether it is the last one."""

    number: int | None  # None: "Final qualifying round", numbered once every round is known
    final: bool = False
    if_needed: bool = False


def round_heading(text: str) -> RoundHeading | None:
    """The round a heading names, or None if it names no round.

    'First qualifying round', 'Round 1', 'Fourth (final) qualifying round', 'Final qualifying round',
    'Fifth qualifying round (if needed)'.
    """
    lower = text.lower()
    if "round" not in lower:
        return None
    final = bool(re.search(r"\bfinal\b", lower))
    if_needed = bool(re.search(r"\bif (?:needed|necessary|required)\b", lower))
    for word in re.findall(r"[a-z]+", lower):
        if word in ORDINALS:
            return RoundHeading(ORDINALS[word], final, if_needed)
    found = _NUMBERED.search(lower)
    if found:
        return RoundHeading(int(found.group(1) or found.group(2)), final, if_needed)
    if final:
        return RoundHeading(None, True, if_needed)
    return None


def number_rounds(headings: list[RoundHeading]) -> int:
    """The number the "final" round takes.

    The one a heading gives it ('Fourth (final) …'), else the round after the highest numbered one.
    """
    final_numbers = [h.number for h in headings if h.final and h.number is not None]
    if final_numbers:
        return max(final_numbers)
    numbered = [h.number for h in headings if h.number is not None and not h.if_needed]
    return max(numbered, default=0) + 1


_COMPASS = {
    "north", "south", "east", "west", "central", "northeast", "northwest", "southeast", "southwest",
    "mid-atlantic", "midwest", "mid-south", "midsouth", "pacific", "mountain", "atlantic", "gulf", "great",
    "lakes", "plains", "new", "england", "northern", "southern", "eastern", "western", "coast", "upper",
    "lower", "mid", "deep", "valley", "rockies", "rocky", "texas", "florida", "california", "northwestern",
    "southwestern", "northeastern", "southeastern",
}  # fmt: skip


def _region_name(text: str) -> bool:
    """Whether a heading names a region: 'Northeast', 'Mid-Atlantic Region', 'Pacific Conference'."""
    words = text.lower().replace("–", "-").split()
    if not words or len(words) > 4 or round_heading(text) is not None:
        return False
    return words[-1] in _REGION_WORDS or all(word in _COMPASS for word in words)


def region_line(line: str) -> str | None:
    """The region a line inside a round names (';Northeast', 'Southeast Region'), or None."""
    marked = _REGION_LINE.match(line)
    if marked:
        return (marked.group("term") or marked.group("bold") or "").strip() or None
    name = line.rstrip(":").strip()
    if all(word[:1].isupper() for word in name.split()) and _region_name(name):
        return name
    return None
