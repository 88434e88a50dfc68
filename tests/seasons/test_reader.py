"""The seed reader on the two real seeds, and on a season written by hand in the same format."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.seasons.datafiles import read_aliases
from bot.seasons.facts import SeasonFacts, Track
from bot.seasons.reader import read_seed
from tests.conftest import DATA, SEED_2017, SEED_2024


@pytest.fixture(scope="module")
def s2024(seeds: Path) -> SeasonFacts:
    return read_seed((seeds / SEED_2024).read_text(), source=SEED_2024, aliases=read_aliases(DATA))


@pytest.fixture(scope="module")
def s2017(seeds: Path) -> SeasonFacts:
    return read_seed((seeds / SEED_2017).read_text(), source=SEED_2017, aliases=read_aliases(DATA))


def fixture_between(season: SeasonFacts, home: str, away: str):
    found = [f for f in season.fixtures if (f.home, f.away) == (home, away)]
    assert len(found) == 1, (home, away)
    return found[0]


def test_2024_counts(s2024: SeasonFacts) -> None:
    """109 local teams in 4 rounds and 98 matches; 42 play round 1 and 67 have a listed bye."""
    local = [t for t in s2024.teams if t.track is Track.LOCAL]
    assert len(local) == 109
    assert [r.number for r in s2024.rounds] == [1, 2, 3, 4]
    assert len(s2024.fixtures) == 98
    assert [sum(1 for f in s2024.fixtures if f.round == n) for n in (1, 2, 3, 4)] == [21, 44, 22, 11]
    assert len({side for f in s2024.fixtures if f.round == 1 for side in (f.home, f.away)}) == 42
    assert sum(1 for b in s2024.byes if b.round == 1 and b.source == "listed") == 67
    assert not [b for b in s2024.byes if b.source == "implied"]
    assert s2024.stated["teams"] == 109 and s2024.stated["matches"] == 98


def test_2024_goals_disagree_with_infobox(s2024: SeasonFacts) -> None:
    """The match lines add up to 418 goals; the infobox says 413 — both are kept."""
    assert sum((f.home_score or 0) + (f.away_score or 0) for f in s2024.fixtures) == 418
    assert s2024.stated["goals"] == 413


def test_2024_rounds_from_schedule(s2024: SeasonFacts) -> None:
    """Round names, dates and stated entrants come from the schedule table."""
    first = s2024.rounds[0]
    assert first.name == "First Qualifying Round"
    assert first.dates == "September 9–10, 2023"
    assert [(r.stated_new_teams, r.stated_entrants) for r in s2024.rounds] == [
        (42, 42),
        (67, 88),
        (0, 44),
        (0, 22),
    ]


LEVEL_2024 = {
    ("Bellevue Athletic FC", "Holac FC"): "Holac FC",
    ("Philadelphia Heritage SC", "Kensington Soccer Club"): "Philadelphia Heritage SC",
    ("Boston Street FC", "CD Faialense"): "CD Faialense",
    ("United German Hungarians", "Vereinigung Erzgebirge"): "Vereinigung Erzgebirge",
    ("Steel Pulse FC", "Christos FC"): "Christos FC",
    ("Escondido FC", "Irvine Zeta FC"): "Irvine Zeta FC",
    ("Vereinigung Erzgebirge", "New Jersey Alliance FC"): "Vereinigung Erzgebirge",
}


def test_2024_level_matches_won_on_unknown_penalties(s2024: SeasonFacts) -> None:
    """The seven level matches go to the side that played on (or qualified), shootout score unknown."""
    level = [f for f in s2024.fixtures if f.home_score is not None and f.home_score == f.away_score]
    assert {(f.home, f.away) for f in level} == set(LEVEL_2024)
    for fixture in level:
        assert fixture.winner == LEVEL_2024[(fixture.home, fixture.away)]
        assert fixture.decided_by == "penalties"
        assert fixture.penalties == "unknown"


def test_2024_forfeits(s2024: SeasonFacts) -> None:
    """`L-W (forfeit)` and `W-L forfeit`: the W side wins, no goals are recorded."""
    forfeits = {(f.home, f.away): f for f in s2024.fixtures if f.decided_by == "forfeit"}
    assert set(forfeits) == {
        ("Austin Longhorns", "Alamo City Soccer Club"),
        ("Athletic Katy FC", "Foro SC"),
        ("UDA Soccer", "Sporting Arizona FC"),
    }
    assert forfeits[("Austin Longhorns", "Alamo City Soccer Club")].winner == "Alamo City Soccer Club"
    assert forfeits[("Athletic Katy FC", "Foro SC")].winner == "Foro SC"
    assert forfeits[("UDA Soccer", "Sporting Arizona FC")].winner == "UDA Soccer"
    assert all(f.home_score is None and f.away_score is None for f in forfeits.values())


def test_2024_spellings_resolve_to_one_club(s2024: SeasonFacts) -> None:
    """Every spelling the seed uses for a club lands on one entry, the spelling kept as an alias."""
    expected = {
        "FC America CFL Spurs": "CFL GOSA Spurs",
        "Clearwater Chargers SC": "Chargers Soccer Club",
        "Real Central New Jersey": "Real Center NJ Soccer",
        "Rebels Soccer Club": "Rebels SC",
        "Temecula FC": "Temecula Football Club",
        "SF Vikings SC": "San Francisco Vikings Soccer Club",
        "UC Davis Club Soccer": "UC Davis Soccer Club",
        "Philadelphia Ukrainians Nationals": "Philadelphia Ukrainian Nationals",
    }
    for name, other in expected.items():
        team = s2024.team(name)
        assert team is not None, name
        assert other in team.also_written, (name, team.also_written)
    assert not [f for f in s2024.findings if f.level == "error"]


def test_2024_league_tags_that_differ_are_reported(s2024: SeasonFacts) -> None:
    """Chicago House AC is MWPL in the matches and MPL in the infobox: kept as MWPL, reported."""
    assert s2024.team("Chicago House AC").league == "MWPL"
    assert any("Chicago House AC" in f.message and "MPL" in f.message for f in s2024.findings)


def test_2024_qualifiers_and_direct_slots(s2024: SeasonFacts) -> None:
    """11 local qualifiers under a mislabelled key; the cup winner and spring champion from prose."""
    assert len(s2024.stated["qualifiers"]) == 11
    last = {f.winner for f in s2024.fixtures if f.round == 4}
    assert last == set(s2024.stated["qualifiers"])
    assert any("Continental Cup Qualifiers" in f.message for f in s2024.findings)
    meso = s2024.team("SC MesoAmerica")
    assert meso.track is Track.AMATEUR_CUP
    assert meso.berth == "2023 National Amateur Cup winner"
    assert meso.qualified_by == "beat Newtown Pride FC 2–1"
    frenzi = s2024.team("AS Frenzi")
    assert frenzi.track is Track.LEAGUE_CHAMPION and frenzi.qualified_by == "beat Sporting Wichita SC 2–1"
    houston = s2024.team("Houston Dynamo FC")
    assert houston.track is Track.PROFESSIONAL


def test_2024_damaged_state_table_is_reported(s2024: SeasonFacts) -> None:
    """The state/league table's missing state names and unreadable rows are findings, not silence."""
    messages = [f.message for f in s2024.findings]
    assert any("state names are missing" in m for m in messages)
    assert sum("row cannot be read" in m for m in messages) == 15
    assert any("Lancaster Elite" in m for m in messages)
    leagues = {league.abbreviation: league.name for league in s2024.leagues}
    assert leagues["SFSFL"] == "San Francisco Soccer Football League"
    assert leagues["NISAN"] == "NISA Nation"


def test_2017_local_rounds_and_implied_byes(s2017: SeasonFacts) -> None:
    """28 round-1 and 18 round-2 matches; 8 round-2 clubs had byes the article does not list."""
    assert sum(1 for f in s2017.fixtures if f.round == 1) == 28
    assert sum(1 for f in s2017.fixtures if f.round == 2) == 18
    implied = {b.team for b in s2017.byes if b.source == "implied"}
    assert implied == {
        "Tartan Devils Oak Avalon", "Aromas Café FC", "Minneapolis City SC", "Boca Raton FC", "CD Motagua",
        "IPS/Marathon Taverna", "Uruguay Kendall FC", "MF 10",
    }  # fmt: skip
    assert all(b.round == 1 for b in s2017.byes)
    assert {t.entry_round for t in s2017.teams if t.name in implied} == {2}
    assert len([t for t in s2017.teams if t.track is Track.LOCAL]) == 64
    assert s2017.fixtures[0].date.year == 2016


def test_2017_forfeits_with_awarded_scores(s2017: SeasonFacts) -> None:
    """`0-2 (forfeit)`: the side awarded the goals wins; no goals count."""
    forfeit = fixture_between(s2017, "Newport FC", "Newtown Pride FC")
    assert forfeit.decided_by == "forfeit" and forfeit.winner == "Newtown Pride FC"
    assert forfeit.home_score is None and forfeit.note == "awarded 0-2"
    assert sum(1 for f in s2017.fixtures if f.decided_by == "forfeit") == 4


def test_2017_national_league_track(s2017: SeasonFacts) -> None:
    """PDL division winners (with divisions) and at-large berths; NPSL playoff and at-large with states."""
    national = [t for t in s2017.teams if t.track is Track.NATIONAL_LEAGUE]
    assert len(national) == 38
    bucks = s2017.team("Michigan Bucks")
    assert (bucks.league, bucks.berth) == ("PDL", "PDL Great Lakes division winner")
    pdl = [t for t in national if t.league == "PDL"]
    assert sum("division winner" in t.berth for t in pdl) == 9
    assert sum("at-large" in t.berth for t in pdl) == 11
    npsl = [t for t in national if t.league == "NPSL"]
    assert len(npsl) == 18 and all(len(t.state) == 2 for t in npsl)
    assert s2017.team("AFC Cleveland").state == "OH"
    assert s2017.stated["PDL_teams"] == 21 and s2017.stated["PDL_at_large"] == 12


HAND_WRITTEN = """\
= 2031 U.S. Open Cup qualification =

Infobox
- Year: 2031
- Matches: 5
- Goals: 12

== Local qualifying ==

=== First qualifying round ===
The first round was played in 2030.
August 2
Alpha FC (XL) 1-1 (4-3 p) Beta SC (XL)
August 2
Gamma United (YL) 2-1 (a.e.t.) Delta FC (YL)
August 3
Epsilon FC (XL) W-L forfeit Zeta FC (YL)
- Byes: Eta Athletic Club

=== Second qualifying round ===
The second round was played in 2030.
September 6
Alpha FC (XL) 0-3 Gamma United (YL)
September 6
Eta AC (XL) 2-2 Theta FC (ZL)
this line belongs nowhere

=== Third qualifying round ===
The third round was played in 2030.
October 1
Gamma United (YL) 1-0 Theta FC (ZL)
"""


def test_reader_handles_another_season_in_the_same_format() -> None:
    """Shootout and extra-time notes, W-L forfeits, listed and implied byes, unplaced lines reported."""
    season = read_seed(HAND_WRITTEN, source="hand.txt")
    assert season.year == 2031
    alpha = fixture_between(season, "Alpha FC", "Beta SC")
    assert (alpha.decided_by, alpha.penalties, alpha.winner) == ("penalties", "4-3", "Alpha FC")
    gamma = fixture_between(season, "Gamma United", "Delta FC")
    assert (gamma.decided_by, gamma.extra_time, gamma.winner) == ("extra_time", True, "Gamma United")
    assert fixture_between(season, "Epsilon FC", "Zeta FC").winner == "Epsilon FC"
    eta = fixture_between(season, "Eta AC", "Theta FC")
    assert eta.winner == "Theta FC" and eta.penalties == "unknown"  # Theta plays round 3
    assert season.team("Eta AC").also_written == ["Eta Athletic Club"]
    assert {(b.team, b.source) for b in season.byes} == {("Eta AC", "listed"), ("Theta FC", "implied")}
    assert season.fixtures[0].date.isoformat() == "2030-08-02"
    errors = [f.message for f in season.findings if f.level == "error"]
    assert errors == ["round 2: line not understood: this line belongs nowhere"]


def test_without_curated_aliases_the_reader_reports_and_proposes(seeds: Path) -> None:
    """With no alias file, each bye spelling is reported, and rapidfuzz proposes the right club first."""
    season = read_seed((seeds / SEED_2024).read_text(), source=SEED_2024)
    errors = [f.message for f in season.findings if f.level == "error"]
    expected = {
        "CFL GOSA Spurs": "FC America CFL Spurs",
        "Chargers Soccer Club": "Clearwater Chargers SC",
        "Philadelphia Ukrainian Nationals": "Philadelphia Ukrainians Nationals",
        "Real Center NJ Soccer": "Real Central New Jersey",
    }
    assert len(errors) == len(expected)
    for spelling, club in expected.items():
        [message] = [m for m in errors if m.startswith(f"'{spelling}'")]
        assert f"(closest: {club} " in message
