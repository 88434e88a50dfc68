"""Normalisation of club names: the spellings the seeds use for one club compare equal."""

from __future__ import annotations

import pytest

from bot.names import AliasRule, NameBook, normalise


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
