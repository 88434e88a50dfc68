"""Normalisation of club names: the spellings the seeds use for one club compare equal."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from bot.names import _SHORT_FORMS as SHORT_FORMS
from bot.names import AliasRule, IndexedTeam, NameBook, TeamIndex, fold, normalise


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Harpo's FC", "Harpos FC"),
        ("SF Vikings SC", "San Francisco Vikings Soccer Club"),
        ("Inter San Francisco", "International San Francisco SC"),
        ("Temecula Football Club", "Temecula FC"),
        ("Rebels SC", "Rebels Soccer Club"),
        ("JASA RWC", "Jasa RWC"),
        ("New Jersey Alliance FC", "New Jersey Alliance"),
        ("La Máquina FC", "la maquina"),
        ("FC Folsom", "folsom"),
    ],
)
def test_same_club(one: str, other: str) -> None:
    """Case, accents, apostrophes, club designators and short forms do not tell clubs apart."""
    assert normalise(one) == normalise(other)


@pytest.mark.parametrize(
    ("one", "other"),
    [("AFC Ann Arbor", "Ann Arbor FC"), ("Olympic Club", "Olympic"), ("Miami United FC", "Miami FC")],
)
def test_different_clubs(one: str, other: str) -> None:
    """Words that carry meaning stay: normalisation must not merge different clubs."""
    assert normalise(one) != normalise(other)


def test_name_of_designators_only_survives() -> None:
    """A name made only of designators keeps them rather than becoming empty."""
    assert normalise("FC") == "fc"


def test_curated_alias_binds_within_its_season() -> None:
    """A season-bound alias applies in that season only; a season-free rename applies in all."""
    rules = [
        AliasRule("CFL GOSA Spurs", "FC America CFL Spurs", 2024),
        AliasRule("Lansdowne Bhoys", "Lansdowne Yonkers"),
    ]
    book_2024, book_2017 = NameBook(rules, season=2024), NameBook(rules, season=2017)
    assert book_2024.key("CFL GOSA Spurs") == normalise("FC America CFL Spurs")
    assert book_2017.key("CFL GOSA Spurs") == normalise("CFL GOSA Spurs")
    assert book_2017.key("Lansdowne Bhoys") == normalise("Lansdowne Yonkers")


# --------------------------------------------------------------------------------------------------
# Autocomplete (TeamIndex.suggest)


def real_clubs(data_dir: Path) -> list[IndexedTeam]:
    """Every club of data/'s seasons, with the other spellings its teams.csv gives."""
    spellings: dict[str, set[str]] = {}
    for teams in sorted(data_dir.glob("seasons/*/teams.csv")):
        with teams.open(newline="", encoding="utf-8") as rows:
            for row in csv.DictReader(rows):
                also = {part.strip() for part in (row["also_written"] or "").split(";") if part.strip()}
                spellings.setdefault(row["name"], set()).update(also)
    return [
        IndexedTeam(name=name, label=name, spellings=tuple(sorted(also))) for name, also in spellings.items()
    ]


Spellings = list[
    tuple[str, list[tuple[str, set[str]]]]
]  # per club in name order: (key, words) of each spelling


def spellings_of(teams: list[IndexedTeam]) -> Spellings:
    """Each club's name and the key and words of each of its spellings, clubs in name order."""
    found = []
    for team in sorted(teams, key=lambda team: team.name.casefold()):
        own = []
        for spelling in dict.fromkeys((team.name, *team.spellings)):
            words = set(normalise(spelling).split()) | set(fold(spelling).split())
            own.append((normalise(spelling), words))
        found.append((team.name, own))
    return found


def brute_force_prefixed(clubs: Spellings, query: str, limit: int = 25) -> list[str]:
    """What `suggest` offers before its fuzzy stage, worked out by scanning every spelling of every club:
    names whose key starts with what is typed, then names with a word starting with the last word typed
    (with the words typed before it whole words of the same spelling)."""
    key = normalise(query)
    *whole, last = key.split()
    required = set(whole)
    holding = [(name, own) for name, own in clubs if any(required <= words for _k, words in own)]
    starting = [name for name, own in holding if any(k.startswith(key) for k, _w in own)]
    with_word = [
        name
        for name, own in holding
        if any(required <= words and any(word.startswith(last) for word in words) for _k, words in own)
    ]
    return list(dict.fromkeys([*starting, *with_word]))[:limit]


def test_autocomplete_prefixes_match_a_scan_of_every_spelling(data_dir: Path) -> None:
    """For every prefix (1 to 4 letters) of every word of every real club, and a first word followed by a
    prefix, the index offers exactly what scanning every spelling offers, in the same order."""
    teams = real_clubs(data_dir)
    index, clubs = TeamIndex(teams), spellings_of(teams)
    queries: set[str] = set()
    for team in teams:
        words = normalise(team.name).split()
        for word in words:
            queries.update(word[:end] for end in range(1, min(len(word), 4) + 1))
        if len(words) > 1:
            queries.add(f"{words[0]} {words[1][:2]}")
    queries = {q for q in queries if fold(q).split()[-1] not in SHORT_FORMS}  # read two ways: tested below
    assert len(queries) > 500
    for query in sorted(queries):
        offered = [team.name for team in index.suggest(query)]
        expected = brute_force_prefixed(clubs, query)
        assert offered[: len(expected)] == expected, query


def test_a_short_form_being_typed_is_also_the_start_of_a_word() -> None:
    """ "s" is South, or the start of San Jose; "st" is Saint, or the start of Stockton: both are offered,
    the short form's reading first. (Before, "s" offered the South clubs only, and "real s" nothing.)"""
    names = (
        "South Florida Surf",
        "San Jose Earthquakes",
        "Stockton Cargo",
        "St. Louis Lions",
        "Real San Jose",
    )
    index = TeamIndex([IndexedTeam(name=name, label=name, spellings=()) for name in names])

    def offered(query: str) -> list[str]:
        return [team.name for team in index.suggest(query)]

    assert offered("s") == [
        "South Florida Surf",  # "s" read as South
        "San Jose Earthquakes",  # then as typed: names starting with S, in name order,
        "St. Louis Lions",
        "Stockton Cargo",
        "Real San Jose",  # then a word starting with S
    ]
    assert offered("st")[:2] == ["St. Louis Lions", "Stockton Cargo"]  # then names like "saint" (San)
    assert offered("real s") == ["Real San Jose"]
    assert offered("sa") == ["San Jose Earthquakes", "St. Louis Lions", "Real San Jose"]  # St. is Saint
