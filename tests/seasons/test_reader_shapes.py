"""The reader on small seasons written by hand in the seed format, each holding shapes real articles hold.

Regions inside rounds and above them, round headings in other words, prose in rounds (shoot-outs, extra
time, qualifiers, a cup winner), undated and untagged lines, the source's gaps; then what check-data, the
import's report and `/path` make of them.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

import bot.__main__ as cli
from bot.answers.path import path
from bot.console import run_console
from bot.seasons.check import check_season
from bot.seasons.datafiles import write_season
from bot.seasons.facts import FATE_NOT_SAID, WINNER_NOT_SAID, FindingKind, FixtureFacts, SeasonFacts, Track
from bot.seasons.reader import read_seed
from bot.settings import Settings
from bot.store.engine import Store
from tests.conftest import fresh_database_url

REGIONS_AND_PROSE = """\
= 2041 U.S. Open Cup qualification =

Infobox
- Year: 2041
- Num Teams: 14

Golf FC won the 2040 National Amateur Cup and qualified directly for the tournament proper.

== Local qualifying ==

=== First qualifying round ===
The first round was played on September 7 and 8, 2040.

=====North Region=====
September 7
Alpha FC 1–1 Bravo SC
Charlie FC 2–1 Delta SC
Alpha FC beat Bravo SC 5–4 on penalties after a 1–1 draw.

=====Central Region=====
September 8
O’Brien’s FC 3–0 India AC
Kilo–Lima FC 1–1 (4–2 p) Mike United
Kilo–Lima FC beat Mike United 3–2 on penalties after a 1–1 draw.

=== Second qualifying round ===
Echo FC W–L Foxtrot SC
The remaining matches were played on October 5, 2040. The South Region entered in this round.
;North
October 5
Alpha FC 2–1 Charlie FC
;Central
October 5
O'Brien's FC 0–1 Kilo–Lima FC
;South
October 5
Club Atlético Ñandú 3–2 Juliet FC
One match was decided in extra time: Alpha FC beat Charlie FC.

=== Final qualifying round ===
November 2
Alpha FC 2–2 Kilo–Lima FC
November 3
Echo FC 0–1 Club Atlético Ñandú

The two winners qualified for the tournament proper.

=== Fourth qualifying round (if needed) ===
A fourth round was planned in case more qualifiers were needed. It was never played.
"""

UPPER_REGIONS_AND_GAPS = """\
= 2042 U.S. Open Cup qualification =

Infobox
- Year: 2042
- Continental Cup Qualifier: Alpha FC (XL), Echo FC (YL)

== Local qualifying ==
Local qualifying was played in the autumn of 2041.

==North==
===Round 1===
September 6
Alpha FC (XL) 3–0 Bravo SC (XL)
Charlie FC (XL) 2–0 Delta SC (XL)
===Round 2===
October 4
Alpha FC (XL) 1–1 Charlie FC (XL)
Hotel FC (XL) 2–0 India AC (XL)
===Round 3===
November 1
Alpha FC (XL) 2–0 Juliet FC (ZL)

==South==
===Round 1===
September 6
Echo FC (YL) 2–1 Foxtrot SC (YL)
Golf FC (YL) 1–0 Kilo FC (YL)
===Round 3===
November 1
Echo FC (YL) 2–1 Golf FC (YL)
"""


@pytest.fixture(scope="module")
def regions() -> SeasonFacts:
    return read_seed(REGIONS_AND_PROSE, source="2041.txt")


@pytest.fixture(scope="module")
def upper() -> SeasonFacts:
    return read_seed(UPPER_REGIONS_AND_GAPS, source="2042.txt")


def between(season: SeasonFacts, home: str, away: str) -> FixtureFacts:
    [found] = [f for f in season.fixtures if (f.home, f.away) == (home, away)]
    return found


def test_regions_inside_rounds_and_round_headings_in_other_words(regions: SeasonFacts) -> None:
    """Region sub-headings and `;Region` lines hold their round's matches.

    'Final qualifying round' is round 3; the round 'if needed' without a match is no round; a region
    entering at round 2 has round-1 byes.
    """
    assert [(r.number, r.name) for r in regions.rounds] == [
        (1, "First qualifying round"),
        (2, "Second qualifying round"),
        (3, "Final qualifying round"),
    ]
    assert [sum(f.round == n for f in regions.fixtures) for n in (1, 2, 3)] == [4, 4, 2]
    assert {t.name: t.entry_round for t in regions.teams if t.name in ("Club Atlético Ñandú", "Echo FC")} == {
        "Club Atlético Ñandú": 2,
        "Echo FC": 2,
    }
    assert {(b.team, b.round, b.source) for b in regions.byes if b.team == "Juliet FC"} == {
        ("Juliet FC", 1, "implied")
    }
    assert not [f for f in regions.findings if f.level == "error"]


def test_untagged_undated_and_differently_written_lines(regions: SeasonFacts) -> None:
    """A forfeit before any date line has no date; curly and straight apostrophes are one club; accents and
    an en dash inside a name survive; no tags leaves the league empty."""
    forfeit = between(regions, "Echo FC", "Foxtrot SC")
    assert (forfeit.date, forfeit.decided_by, forfeit.winner) == (None, "forfeit", "Echo FC")
    obriens = regions.team("O’Brien’s FC")
    assert obriens is not None and obriens.also_written == ["O'Brien's FC"] and obriens.league == ""
    assert between(regions, "Alpha FC", "Charlie FC").date.isoformat() == "2040-10-05"
    assert regions.team("Kilo–Lima FC") is not None
    assert any(f.kind is FindingKind.ASSUMED and "no date" in f.message for f in regions.findings)


def test_prose_gives_a_shootout_and_extra_time_and_keeps_its_sentence(regions: SeasonFacts) -> None:
    """'Alpha FC beat Bravo SC 5–4 on penalties after a 1–1 draw': the level line becomes a 5-4 shoot-out
    win; 'One match was decided in extra time: Alpha FC beat Charlie FC' marks that tie; each keeps its
    sentence in the fixture's note."""
    shootout = between(regions, "Alpha FC", "Bravo SC")
    assert (shootout.decided_by, shootout.penalties, shootout.winner) == ("penalties", "5-4", "Alpha FC")
    assert "Alpha FC beat Bravo SC 5–4 on penalties after a 1–1 draw." in shootout.note
    extra = between(regions, "Alpha FC", "Charlie FC")
    assert (extra.decided_by, extra.extra_time, extra.winner) == ("extra_time", True, "Alpha FC")
    assert "One match was decided in extra time" in extra.note


def test_prose_that_disagrees_with_its_match_line(regions: SeasonFacts) -> None:
    """The line says 4–2 on penalties, the prose 3–2: the line stands, and the disagreement is a warning."""
    tie = between(regions, "Kilo–Lima FC", "Mike United")
    assert (tie.penalties, tie.winner) == ("4-2", "Kilo–Lima FC")
    [finding] = [f for f in regions.findings if "disagree" in f.message]
    assert finding.level == "warning" and "Kilo–Lima FC" in finding.message and "3–2" in finding.message


def test_a_level_last_round_tie_nobody_names_stays_unknown(regions: SeasonFacts) -> None:
    """No qualifiers list names either side: no winner, shoot-out unknown, a warning saying what would
    settle it; the season checks without errors, listing the gap."""
    tie = between(regions, "Alpha FC", "Kilo–Lima FC")
    assert (tie.winner, tie.decided_by, tie.penalties, tie.note) == (
        None,
        "penalties",
        "unknown",
        WINNER_NOT_SAID,
    )
    [gap] = [f for f in regions.findings if f.kind is FindingKind.GAP]
    assert gap.level == "warning" and gap.line == tie.source_line and "qualifiers list" in gap.settle
    report = check_season(regions)
    assert report.problems == [] and report.counts["winner not said"] == 1
    assert any("does not say who went through" in warning for warning in report.warnings)


def test_qualifiers_and_a_cup_winner_in_prose(regions: SeasonFacts) -> None:
    """'The two winners qualified' is a stated count; the cup winner's sentence makes a direct entry."""
    assert regions.stated["local_qualifiers"] == 2
    golf = regions.team("Golf FC")
    assert (
        golf is not None
        and golf.track is Track.AMATEUR_CUP
        and golf.berth == "2040 National Amateur Cup winner"
    )


def test_regions_as_upper_headings_and_a_mislabelled_qualifiers_key(upper: SeasonFacts) -> None:
    """Rounds inside region headings keep their numbers (the South has no round 2).

    The qualifiers listed under 'Continental Cup Qualifier' are read as the list; the level round-2 tie
    goes to Alpha FC, which plays round 3.
    """
    assert sorted({f.round for f in upper.fixtures}) == [1, 2, 3]
    assert upper.stated["qualifiers"] == ["Alpha FC", "Echo FC"]
    assert any("'Continental Cup Qualifier'" in f.message for f in upper.findings)
    assert between(upper, "Alpha FC", "Charlie FC").winner == "Alpha FC"
    assert between(upper, "Echo FC", "Golf FC").date.year == 2041


@pytest.mark.parametrize("key", ["Qualified teams", "Continental Cup Entrants"])
def test_a_qualifiers_list_under_any_key_is_found_by_its_clubs(key: str) -> None:
    """A key without the word 'qualifier' whose clubs play the last round is the qualifiers list."""
    season = read_seed(UPPER_REGIONS_AND_GAPS.replace("Continental Cup Qualifier", key), source="2042.txt")
    assert season.stated["qualifiers"] == ["Alpha FC", "Echo FC"]
    assert any(f"under the key '{key}'" in f.message for f in season.findings)


def test_what_the_source_leaves_unsaid_is_a_gap_not_a_guess(upper: SeasonFacts) -> None:
    """Hotel FC won round 2 and has no later line: its fate is not said. Echo FC and Golf FC play rounds 1
    and 3 with no round-2 line: no bye is guessed, each is a gap. None of it is an error."""
    assert upper.stated[FATE_NOT_SAID] == ["Hotel FC"]
    gaps = [f.message for f in upper.findings if f.kind is FindingKind.GAP]
    assert len(gaps) == 3 and any("Hotel FC won and has no later line" in m for m in gaps)
    assert sum("no line in round 2" in m for m in gaps) == 2
    assert not [b for b in upper.byes if b.team in ("Echo FC", "Golf FC") and b.round == 2]
    report = check_season(upper)
    assert report.problems == []


def test_import_prints_a_short_report_and_exits_0_with_gaps(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`python -m bot import`: counts per round, findings by kind, each 'cannot tell' with what settles it."""
    seed = tmp_path / "2041.txt"
    seed.write_text(REGIONS_AND_PROSE, encoding="utf-8")
    monkeypatch.setattr(cli, "get_settings", lambda: Settings(_env_file=None, data_dir=tmp_path / "data"))
    assert cli.main(["import", str(seed)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("2041.txt: 2041 — 13 teams, 10 fixtures, 4 byes → ")
    assert out[1] == "  round 1: 4 fixtures, 4 implied byes · round 2: 4 fixtures · round 3: 2 fixtures"
    assert out[2] == (
        "  findings by kind: assumed (1), disagreement (1), note (1), the source does not say (1)"
    )
    assert out[3] == "  cannot tell (1):"
    assert out[4].startswith("  warning: round 3: the source does not say who went through")
    assert out[5].startswith("    would settle it: a qualifiers list naming the side that went through")
    assert (tmp_path / "data" / "seasons" / "2041" / "fixtures.csv").is_file()


async def test_path_and_round_say_what_the_source_does_not(tmp_path: Path) -> None:
    """Loaded into a store: `/path` answers 'unknown' for a club whose tie or later round the source leaves
    open, and `/round` shows a prose shoot-out and an open tie in words."""
    data = tmp_path / "data"
    (data / "seasons").mkdir(parents=True)
    write_season(read_seed(REGIONS_AND_PROSE, source="2041.txt"), data)
    write_season(read_seed(UPPER_REGIONS_AND_GAPS, source="2042.txt"), data)
    store = await Store(await fresh_database_url("sqlite", tmp_path), data).open()
    try:
        async with store.session() as session:
            kilo = await path(session, team="Kilo–Lima FC", season=2041)
            hotel = await path(session, team="Hotel FC", season=2042)
            alpha = await path(session, team="Alpha FC", season=2042)
        assert (kilo.status, kilo.unknown_from_round, [m.won for m in kilo.matches]) == (
            "unknown",
            3,
            [True, True, None],
        )
        assert (hotel.status, hotel.unknown_from_round) == ("unknown", 3)
        assert alpha.status == "qualified"
        out = io.StringIO()
        await run_console(
            store,
            ["/round number:1 season:2041", "/path team:Kilo–Lima FC season:2041"],
            as_json=False,
            out=out,
        )
        text = out.getvalue()
        assert "Alpha FC 1-1 Bravo SC — Alpha FC won on penalties (5-4)" in text
        assert "the source does not say whether it went through round 3" in text
        assert "2-2, on penalties (score unknown): the source does not say who went through" in text
    finally:
        await store.close()
