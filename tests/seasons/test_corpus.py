"""The corpus (tests/seasons/corpus/): seasons in the seed format, written from public facts, with keys.

Each `<year>.txt` is imported as `python -m bot import` imports it, loaded into a store of its own, and every
club's route from `/path` (the structured answer) is compared with `<year>.key.toml`. The texts hold the
shapes real articles have (regions, prose in rounds, round headings in other words, gaps); the reader is
never tuned to them. A failure names the season, the club and what differed.
"""

from __future__ import annotations

import io
import re
import tomllib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

import bot.__main__ as cli
from bot.answers.models import MatchLine, PathAnswer
from bot.answers.path import path
from bot.console import run_console
from bot.seasons.datafiles import read_season
from bot.seasons.importer import ImportOutcome, import_seed
from bot.settings import Settings
from bot.store.engine import Store
from tests.conftest import fresh_database_url

CORPUS = Path(__file__).parent / "corpus"
# `/path`'s status for a club whose route the source leaves open ("the source does not say").
SOURCE_DOES_NOT_SAY = "unknown"


@dataclass(frozen=True)
class Tie:
    """A tie as the key states it: scores and shoot-outs home first."""

    round: int
    home: str
    away: str
    how: str  # regulation / extra_time / penalties / forfeit
    winner: str  # home / away / unknown
    score: str | None = None  # None for a forfeit
    pens: str | None = None  # "4-3", "unknown", or None


@dataclass(frozen=True)
class Club:
    """A club's entry as the key states it."""

    name: str
    status: str  # qualified / eliminated / unknown
    written: tuple[str, ...] = ()
    entry: int | None = None
    track: str = "local"
    out: int | None = None
    byes: tuple[int, ...] | None = None  # compared only when the key gives them

    @property
    def spellings(self) -> set[str]:
        return {self.name, *self.written}


@dataclass
class Key:
    """One season's answer key."""

    name: str
    season: int
    source: str
    ties: list[Tie]
    clubs: dict[str, Club]
    gaps: list[dict[str, Any]] = field(default_factory=list)
    disagreements: list[dict[str, Any]] = field(default_factory=list)

    def club_of(self, spelling: str | None) -> str | None:
        """The key's name of the club written `spelling`, or None."""
        return next((club.name for club in self.clubs.values() if spelling in club.spellings), None)

    def ties_of(self, club: str) -> list[Tie]:
        return sorted((t for t in self.ties if club in (t.home, t.away)), key=lambda t: t.round)


def load_key(name: str) -> Key:
    raw = tomllib.loads((CORPUS / f"{name}.key.toml").read_text(encoding="utf-8"))
    clubs = {}
    for entry in raw["clubs"]:
        byes = entry.get("byes")
        club = Club(
            name=entry["name"],
            status=entry["status"],
            written=tuple(entry.get("written", ())),
            entry=entry.get("entry"),
            track=entry.get("track", "local"),
            out=entry.get("out"),
            byes=tuple(byes) if byes is not None else None,
        )
        clubs[club.name] = club
    return Key(
        name=name,
        season=raw["season"],
        source=raw["source"],
        ties=[Tie(**tie) for tie in raw["ties"]],
        clubs=clubs,
        gaps=raw.get("gaps", []),
        disagreements=raw.get("disagreements", []),
    )


SEASONS = sorted(path.name.removesuffix(".key.toml") for path in CORPUS.glob("*.key.toml"))
KEYS = {name: load_key(name) for name in SEASONS}
CLUBS = [pytest.param(name, club, id=f"{name}-{club}") for name in SEASONS for club in KEYS[name].clubs]


def _flip(score: str | None) -> str | None:
    if score is None or "-" not in score:
        return score
    home, away = score.split("-", 1)
    return f"{away}-{home}"


def _result(tie: Tie, club: str) -> str:
    """'won', 'lost' or 'unknown' for `club` in `tie`."""
    if tie.winner == "unknown":
        return "unknown"
    return "won" if (tie.winner == "home") == (tie.home == club) else "lost"


# --- the key itself --------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", SEASONS)
def test_key_agrees_with_itself(name: str) -> None:
    """Every club in a tie is a club of the key, and every status follows from the club's ties."""
    key = KEYS[name]
    assert (CORPUS / key.source).is_file(), f"{name}: the key names {key.source}, which is not in the corpus"
    problems = []
    for tie in key.ties:
        for side in (tie.home, tie.away):
            if side not in key.clubs:
                problems.append(f"tie {tie} names '{side}', not a club of the key")
        level = tie.score is not None and len(set(tie.score.split("-"))) == 1
        if (tie.how == "penalties") != level and tie.how != "forfeit":
            problems.append(f"tie {tie}: only a level score goes to penalties")
    last = max(tie.round for tie in key.ties)
    for club in key.clubs.values():
        ties = key.ties_of(club.name)
        if club.track != "local":
            if ties or club.status != "qualified":
                problems.append(f"{club.name}: a direct entry plays no ties and is qualified")
            continue
        if not ties or ties[0].round != club.entry:
            problems.append(
                f"{club.name}: entry round {club.entry}, first tie {ties[0].round if ties else None}"
            )
            continue
        results = [_result(tie, club.name) for tie in ties]
        if "lost" in results:
            expected = ("eliminated", ties[results.index("lost")].round)
        elif results[-1] == "won" and ties[-1].round == last:
            expected = ("qualified", None)
        else:
            expected = ("unknown", None)
        if (club.status, club.out) != expected:
            problems.append(f"{club.name}: status {(club.status, club.out)} but its ties say {expected}")
    assert not problems, f"{name}.key.toml:\n" + "\n".join(problems)


# --- importing and loading each season -------------------------------------------------------------------


@dataclass
class Loaded:
    """A corpus season imported into a data folder of its own, and a store loaded from it."""

    outcome: ImportOutcome
    store: Store | None
    load_error: str = ""


class Corpus:
    """Imports and loads each season once, on first use."""

    def __init__(self, tmp: pytest.TempPathFactory) -> None:
        self.tmp = tmp
        self.loaded: dict[str, Loaded] = {}

    async def season(self, name: str) -> Loaded:
        if name not in self.loaded:
            folder = self.tmp.mktemp(f"corpus-{name}")
            data = folder / "data"
            data.mkdir()
            outcome = import_seed(CORPUS / KEYS[name].source, data)
            loaded = Loaded(outcome=outcome, store=None)
            if outcome.written:
                try:
                    loaded.store = await Store(await fresh_database_url("sqlite", folder), data).open()
                except Exception as error:  # reported by every test of the season
                    loaded.load_error = f"{type(error).__name__}: {error}"
            self.loaded[name] = loaded
        return self.loaded[name]

    async def store(self, name: str) -> Store:
        loaded = await self.season(name)
        if loaded.store is None:
            errors = "\n".join(f"  {e}" for e in loaded.outcome.errors) or f"  {loaded.load_error}"
            pytest.fail(
                f"{name}: the season was not imported and loaded, so no route can be checked:\n{errors}"
            )
        return loaded.store

    async def close(self) -> None:
        for loaded in self.loaded.values():
            if loaded.store is not None:
                await loaded.store.close()


@pytest_asyncio.fixture(scope="module")
async def corpus(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Corpus]:
    opened = Corpus(tmp_path_factory)
    yield opened
    await opened.close()


@pytest.mark.parametrize("name", SEASONS)
async def test_season_imports_without_errors(corpus: Corpus, name: str) -> None:
    """The season imports (written, no errors: a gap in the source is a warning) and loads into a store."""
    loaded = await corpus.season(name)
    facts = loaded.outcome.facts
    assert facts.year == KEYS[name].season, f"{name}: read as season {facts.year}"
    assert loaded.outcome.written and not loaded.outcome.errors, (
        f"{name}: the import reported errors, so nothing was written:\n"
        + "\n".join(f"  {error}" for error in loaded.outcome.errors)
    )
    assert facts.teams and facts.fixtures, (
        f"{name}: read a season of {len(facts.teams)} clubs and {len(facts.fixtures)} fixtures"
    )
    assert not loaded.load_error, (
        f"{name}: the imported season does not load into a store: {loaded.load_error}"
    )


@pytest.mark.parametrize("name", SEASONS)
async def test_season_holds_the_keys_clubs(corpus: Corpus, name: str) -> None:
    """The clubs read are the key's clubs: none missing, none made up from prose or headings."""
    key = KEYS[name]
    facts = (await corpus.season(name)).outcome.facts
    read = {team.name: {team.name, *team.also_written} for team in facts.teams}
    missing = [club.name for club in key.clubs.values() if not any(club.spellings & s for s in read.values())]
    extra = [
        team
        for team, spellings in read.items()
        if not any(spellings & c.spellings for c in key.clubs.values())
    ]
    assert not missing and not extra, (
        f"{name}: clubs differ from the key.\n  not read: {missing}\n  read but not in the key: {extra}"
    )
    rounds = sorted({tie.round for tie in key.ties})
    read_rounds = sorted({fixture.round for fixture in facts.fixtures})
    assert read_rounds == rounds, f"{name}: fixtures in rounds {read_rounds}, the key has ties in {rounds}"
    assert len(facts.fixtures) == len(key.ties), (
        f"{name}: {len(facts.fixtures)} fixtures read, the key has {len(key.ties)} ties:\n"
        + "\n".join(f"  round {f.round}: {f.source_line}" for f in facts.fixtures)
    )


def _route_differences(key: Key, club: Club, answer: PathAnswer) -> list[str]:
    """What `/path` says differently from the key for `club`, one line per difference."""
    found: list[str] = []
    expected_status = SOURCE_DOES_NOT_SAY if club.status == "unknown" else club.status
    if answer.status != expected_status:
        found.append(f"status '{answer.status}', expected '{expected_status}'")
    if (answer.track or "local") != club.track:
        found.append(f"track '{answer.track}', expected '{club.track}'")
    if club.track == "local" and answer.entry_round != club.entry:
        found.append(f"entry round {answer.entry_round}, expected {club.entry}")
    if club.byes is not None and answer.byes != list(club.byes):
        found.append(f"byes in rounds {answer.byes}, expected {list(club.byes)}")
    ties = key.ties_of(club.name)
    if club.status == "eliminated":
        [lost] = [t for t in ties if t.round == club.out]
        beaten_by = lost.away if lost.home == club.name else lost.home
        if answer.eliminated_in_round != club.out or key.club_of(answer.eliminated_by) != beaten_by:
            found.append(
                f"eliminated in round {answer.eliminated_in_round} by {answer.eliminated_by}, "
                f"expected round {club.out} by {beaten_by}"
            )
    lines = sorted(answer.matches, key=lambda m: m.round)
    if [m.round for m in lines] != [t.round for t in ties]:
        found.append(
            f"ties in rounds {[m.round for m in lines]} "
            f"({', '.join(f'{m.round}: v {m.opponent}' for m in lines)}), "
            f"expected rounds {[t.round for t in ties]}"
        )
        return found
    for tie, line in zip(ties, lines, strict=True):
        found += [f"round {tie.round}: {problem}" for problem in _tie_differences(key, club, tie, line)]
    return found


def _tie_differences(key: Key, club: Club, tie: Tie, line: MatchLine) -> list[str]:
    home = tie.home == club.name
    opponent = tie.away if home else tie.home
    found = []
    if key.club_of(line.opponent) != opponent:
        found.append(f"opponent {line.opponent}, expected {opponent}")
    if line.home != home:
        found.append(f"{'home' if line.home else 'away'}, expected {'home' if home else 'away'}")
    if line.status != "played":
        found.append(f"status '{line.status}', expected 'played'")
    if tie.score is not None:
        score = tie.score if home else _flip(tie.score)
        got = f"{line.goals_for}-{line.goals_against}"
        if got != score:
            found.append(f"score {got} (club's side), expected {score}")
    if line.decided_by != tie.how:
        found.append(f"decided by {line.decided_by}, expected {tie.how}")
    if tie.how == "extra_time" and not line.extra_time:
        found.append("extra_time is false, expected true (the text says extra time)")
    if tie.how == "penalties":
        pens = tie.pens if home else _flip(tie.pens)
        if line.penalties != pens:
            found.append(f"shoot-out {line.penalties} (club's side), expected {pens}")
    won = None if tie.winner == "unknown" else (tie.winner == "home") == home
    if line.won != won:
        says = {True: "won", False: "lost", None: "unknown"}
        found.append(f"result {says[line.won]}, expected {says[won]}")
    return found


@pytest.mark.parametrize(("name", "club"), CLUBS)
async def test_route_matches_the_key(corpus: Corpus, name: str, club: str) -> None:
    """`/path` for the club: status, track, entry round, byes, and each tie (opponent, score, how, result)."""
    key = KEYS[name]
    store = await corpus.store(name)
    async with store.session() as session:
        try:
            answer = await path(session, team=club, season=key.season)
        except Exception as error:  # the message names the club
            pytest.fail(f"{name}: {club}: /path could not answer: {type(error).__name__}: {error}")
    differences = _route_differences(key, key.clubs[club], answer)
    assert not differences, f"{name}: {club}:\n" + "\n".join(f"  {d}" for d in differences)


# A finding of each kind names the clubs and says what kind it is, in words of any of these.
GAP_WORDS = ("cannot tell", "does not say", "gap", "missing", "no later", "unknown", "who went through")
DISAGREEMENT_WORDS = ("disagree", "contradict", "differ", "conflict", "but ", "while ")


@pytest.mark.parametrize("name", [name for name in SEASONS if KEYS[name].gaps or KEYS[name].disagreements])
async def test_gaps_and_disagreements_are_findings(corpus: Corpus, name: str) -> None:
    """What the source cannot tell, and prose contradicting a match line, are warnings, not errors."""
    key = KEYS[name]
    findings = (await corpus.season(name)).outcome.facts.findings
    missing = []
    for expected, words in [(gap, GAP_WORDS) for gap in key.gaps] + [
        (disagreement, DISAGREEMENT_WORDS) for disagreement in key.disagreements
    ]:
        names = [mention.lower() for mention in expected["mentions"]]
        if not any(
            finding.level != "error"
            and all(name in finding.message.lower() for name in names)
            and any(word in finding.message.lower() for word in words)
            for finding in findings
        ):
            missing.append(
                f"{expected['why']} (a warning naming {', '.join(expected['mentions'])} "
                f"and saying one of: {', '.join(words)})"
            )
    assert not missing, (
        f"{name}: findings missing:\n"
        + "\n".join(f"  {m}" for m in missing)
        + ("\nfindings made:\n" + "\n".join(f"  {f.level}: {f.message}" for f in findings))
    )


# --- the command line and the text answers ---------------------------------------------------------------


def test_import_command_exits_0(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`python -m bot import` (in process) on a corpus season with regions, prose and a forfeit: exit 0."""
    data = tmp_path / "data"
    data.mkdir()
    monkeypatch.setattr(cli, "get_settings", lambda: Settings(_env_file=None, data_dir=data))
    code = cli.main(["import", str(CORPUS / "2019.txt")])
    assert code == 0, "2019: `python -m bot import 2019.txt` exited with status 1"
    written = read_season(data / "seasons" / "2019")
    key = KEYS["2019"]
    assert (len(written.teams), len(written.fixtures)) == (len(key.clubs), len(key.ties)), (
        f"2019: the import wrote {len(written.teams)} clubs and {len(written.fixtures)} fixtures, "
        f"the key has {len(key.clubs)} clubs and {len(key.ties)} ties"
    )


SHOOTOUT_WON = r"won 5-4 on penalties|won on penalties \(5-4\)"


async def test_shootout_in_prose_shows_in_path_and_round(corpus: Corpus) -> None:
    """2019: Virginia United won 5–4 on penalties, stated only in prose: `/path` and `/round` say so."""
    store = await corpus.store("2019")
    texts = {}
    for command in ("/path team:Virginia United season:2019", "/round number:4 season:2019"):
        out = io.StringIO()
        await run_console(store, [command], as_json=False, out=out)
        texts[command.split()[0]] = out.getvalue()
    for command, text in texts.items():
        assert re.search(SHOOTOUT_WON, text), f"2019: {command} does not show the 5-4 shoot-out:\n{text}"
