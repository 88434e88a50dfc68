"""The team index on a labelled set of fan-typed queries: accuracy overall and per kind, and no confident
wrong answer for a name that is ambiguous or absent."""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from bot.answers.lookup import team_index
from bot.names import NameMatch, TeamIndex
from bot.store.engine import Store

QUERIES = Path(__file__).with_name("queries.csv")
KINDS = {
    "exact",
    "partial",
    "abbreviation",
    "typo",
    "variant",
    "accent",
    "cross-season",
    "ambiguous",
    "absent",
}


@dataclass
class Labelled:
    query: str
    kind: str
    expected: list[str]
    season: int | None


def labelled() -> list[Labelled]:
    with QUERIES.open(newline="", encoding="utf-8") as handle:
        return [
            Labelled(
                row["query"],
                row["kind"],
                [name for name in row["expected"].split("|") if name],
                int(row["season"]) if row["season"] else None,
            )
            for row in csv.DictReader(handle)
        ]


def judge(item: Labelled, found: NameMatch) -> tuple[bool, bool]:
    """(right, confidently wrong) for one query."""
    if item.kind == "absent":
        return found.team is None and not found.candidates, found.team is not None
    if item.kind == "ambiguous":
        return found.team is None and set(item.expected) <= set(found.candidates), found.team is not None
    return found.team == item.expected[0], found.team not in (None, item.expected[0])


def test_the_labelled_set_is_well_formed() -> None:
    """At least 150 queries, every kind present, every non-absent query labelled with a club."""
    items = labelled()
    assert len(items) >= 150
    assert {item.kind for item in items} == KINDS
    assert all(item.expected for item in items if item.kind != "absent")
    assert all(len(item.expected) >= 2 for item in items if item.kind == "ambiguous")


async def test_accuracy_on_the_labelled_set(store: Store) -> None:
    """At least 97 % right overall; not one confident answer for an ambiguous or absent name."""
    indexes: dict[int | None, TeamIndex] = {}
    right, wrong, total = Counter(), Counter(), Counter()
    misses = []
    async with store.session() as session:
        for item in labelled():
            if item.season not in indexes:
                indexes[item.season] = await team_index(session, season=item.season)
            found = indexes[item.season].match(item.query)
            is_right, is_wrong = judge(item, found)
            total[item.kind] += 1
            right[item.kind] += is_right
            wrong[item.kind] += is_wrong
            if not is_right:
                misses.append((item.kind, item.query, found.team, found.candidates[:3]))
    accuracy = sum(right.values()) / sum(total.values())
    report = ", ".join(f"{kind} {right[kind]}/{total[kind]}" for kind in sorted(total))
    print(f"\nteam index: {accuracy:.1%} right ({report}); misses: {misses}")
    assert accuracy >= 0.97, (report, misses)
    assert wrong["ambiguous"] == 0 and wrong["absent"] == 0, misses
