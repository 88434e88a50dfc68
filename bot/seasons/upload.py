"""An uploaded file read as rows of facts: a fixtures, teams or byes CSV (data/'s columns), or a seed season.

Liberal in which columns a CSV has (any of data/'s columns, in any order, names in any case; the header
says which), strict in their values: a value that is not what its column holds makes its line "not
understood", with a sentence saying why, and the rest of the file is still read. A file that cannot be
read at all (too big, not UTF-8 text, empty, of no known shape) is refused whole with `BadUpload`.

Nothing here knows the store: matching names to clubs and rows to fixtures is `bot.store.imports`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from bot.modelbase import Deferred
from bot.names import AliasRule
from bot.seasons.datafiles import BYE_COLUMNS, FIXTURE_COLUMNS, TEAM_COLUMNS
from bot.seasons.facts import DecidedBy, FixtureStatus, RoundFacts, SeasonFacts, Track
from bot.seasons.reader import read_seed

MAX_UPLOAD_BYTES = 1024 * 1024  # 1 MiB: a whole season's files take about 30 KiB
MAX_UPLOAD_WORDS = "1 MiB"
NAME_LENGTH = 100  # characters in a club's name, as the commands allow
TEXT_LENGTH = 500  # characters in a note, a venue or a source line
ROUNDS = (1, 20)  # the rounds a season may have, as the commands allow
SEASONS = (1914, 2100)
FIXTURE_NUMBERS = (1, 100_000)
_LIST_SEPARATOR = ";"  # teams.csv's also_written: "A; B"
_TRUE = {"yes", "true", "1", "y"}
_FALSE = {"no", "false", "0", "n", ""}

Kind = Literal["fixtures", "teams", "byes", "season"]
# Columns that only a fixtures CSV has (a teams CSV has "name", a byes CSV "team").
_FIXTURE_ONLY = set(FIXTURE_COLUMNS) - {"round"}
RESULT_COLUMNS = frozenset(
    ("home_score", "away_score", "decided_by", "extra_time", "penalties", "winner", "status")
)


class BadUpload(ValueError):
    """A file that cannot be imported at all; `code` for scripts, the message for people."""

    def __init__(self, code: str, message: str) -> None:
        """Carry the refusal's code (file_too_large, bad_file) and its sentence."""
        super().__init__(message)
        self.code = code
        self.message = message


class LineProblem(Deferred):
    """A line of the file that was not understood (line None: the file as a whole, or a seed's finding)."""

    line: int | None
    why: str


class _Bad(ValueError):
    """A value that is not what its column holds; the message is the sentence a person reads."""


@dataclass
class TeamRow:
    """A club's entry as a line of a teams CSV (or a seed's club) gives it: only the columns given."""

    line: int | None
    name: str
    values: dict[str, Any]  # league, state, track, entry_round, berth, qualified_by: those given
    also_written: list[str] | None = None  # None: the column is not in the file


@dataclass
class FixtureRow:
    """A tie as a line of a fixtures CSV (or a seed's match) gives it: only the columns given are set.

    `given` names the columns the file has; a blank value in a given text column is an empty text, in a
    result column no result. Club names are as written; matching them to clubs is the store's business.
    """

    line: int | None
    given: frozenset[str]
    number: int | None = None
    round: int | None = None
    home: str | None = None
    away: str | None = None
    winner: str | None = None
    values: dict[str, Any] = field(default_factory=dict)  # every other given column, typed

    @property
    def carries_result(self) -> bool:
        """Whether the line reports how the tie stands (played, postponed, …), not only its draw."""
        status = self.values.get("status")
        if status is not None and status != FixtureStatus.SCHEDULED:
            return True
        return self.winner is not None or any(
            self.values.get(name) is not None for name in ("home_score", "away_score", "decided_by")
        )


@dataclass
class ByeRow:
    """A club's bye through a round."""

    line: int | None
    round: int
    team: str
    source: str = "listed"


@dataclass
class Upload:
    """What a file holds, read but not yet matched to the store."""

    filename: str
    kind: Kind
    year: int
    rows: int = 0  # lines of data read (a seed: its clubs, matches and byes)
    teams: list[TeamRow] = field(default_factory=list)
    fixtures: list[FixtureRow] = field(default_factory=list)
    byes: list[ByeRow] = field(default_factory=list)
    season: SeasonFacts | None = None  # a seed: the season's header, rounds and leagues
    problems: list[LineProblem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def rounds(self) -> list[RoundFacts]:
        """The rounds the file names (a seed lists them; a CSV names them in its lines)."""
        if self.season is not None:
            return list(self.season.rounds)
        numbers = {row.round for row in self.fixtures if row.round is not None}
        numbers |= {row.round for row in self.byes}
        return [RoundFacts(number=number, name=f"Round {number}") for number in sorted(numbers)]


def read_upload(
    content: bytes, filename: str, *, season: int | None, aliases: Sequence[AliasRule] = ()
) -> Upload:
    """Read an uploaded file; raises `BadUpload` when it cannot be read at all.

    `season` is required for a CSV (its lines do not say which season they belong to); a seed names its
    own, and a `season` that differs from it is refused. `aliases` are data/'s curated spellings, with
    which the seed reader joins a club's different spellings.
    """
    name = _shown_name(filename)
    if len(content) > MAX_UPLOAD_BYTES:
        raise BadUpload(
            "file_too_large",
            f"{name} is {len(content) / 1024 / 1024:.1f} MiB, and an import takes at most "
            f"{MAX_UPLOAD_WORDS}: split it (one file per round, say) and import each part.",
        )
    text = _text(content, name)
    header = _header(text)
    kind = _csv_kind(header) if header is not None else None
    if kind is None:
        if name.lower().endswith(".csv"):
            raise BadUpload("bad_file", f"{name}: {_UNKNOWN_CSV}")
        return _seed(text, name, season=season, aliases=aliases)
    if season is None:
        raise BadUpload(
            "bad_file", f"{name} is a {kind} CSV, whose lines do not say their season: name the season too."
        )
    _check_season(season)
    return _csv(text, name, kind, season)


_UNKNOWN_CSV = (
    "its header names none of data/'s columns (a fixtures CSV has number, round, home, away, home_score, …; "
    "a teams CSV name, league, track, …; a byes CSV round, team): write the header line with those names, "
    "separated by commas."
)


def _shown_name(filename: str) -> str:
    """The file's name as a message may show it: no folders, no control characters, not too long."""
    base = filename.replace("\\", "/").rsplit("/", 1)[-1]
    clean = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip()
    return (clean[:60] + "…" if len(clean) > 60 else clean) or "the file"


def _text(content: bytes, name: str) -> str:
    if not content.strip():
        raise BadUpload("bad_file", f"{name} is empty: attach the file with its lines.")
    if b"\x00" in content:
        raise BadUpload("bad_file", f"{name} is not a text file: save it as CSV (UTF-8) or plain text.")
    try:
        text = content.decode("utf-8-sig")  # a byte-order mark, as spreadsheets write it, is fine
    except UnicodeDecodeError as error:
        raise BadUpload(
            "bad_file",
            f"{name} is not UTF-8 text (byte 0x{content[error.start]:02x} at offset {error.start}): "
            "save it as CSV UTF-8 or plain UTF-8 text.",
        ) from None
    if not text.strip():
        raise BadUpload("bad_file", f"{name} is empty: attach the file with its lines.")
    return text


def _header(text: str) -> list[str] | None:
    """The first non-blank line as CSV column names (trimmed, lower case), or None if it is no CSV header."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    if "," not in first and first.strip().lower() not in {*FIXTURE_COLUMNS, *TEAM_COLUMNS}:
        return None
    try:
        fields = next(csv.reader([first]))
    except csv.Error:
        return None
    return [column.strip().lower() for column in fields]


def _csv_kind(header: list[str]) -> Kind | None:
    columns = set(header)
    if "name" in columns:
        return "teams"
    if {"round", "team"} <= columns:
        return "byes"
    if columns & _FIXTURE_ONLY:
        return "fixtures"
    return None


def _check_season(season: int) -> None:
    low, high = SEASONS
    if not low <= season <= high:
        raise BadUpload("bad_file", f"The season is a year from {low} to {high}, not {season}.")


def _seed(text: str, name: str, *, season: int | None, aliases: Sequence[AliasRule]) -> Upload:
    """A season in the seed format (the importer's reader), as rows; refused when it holds no season."""
    unknown = (
        f"{name} is neither a CSV with data/'s columns (fixtures: number, round, home, away, …; teams: name, "
        "league, …; byes: round, team) nor a season in the seed format: check that it is the right file."
    )
    try:
        facts = read_seed(text, source=name, aliases=list(aliases))
    except ValueError:  # how the reader says it found no season (no year) to read
        raise BadUpload("bad_file", unknown) from None
    if not facts.rounds and not facts.teams:
        raise BadUpload("bad_file", unknown)
    if season is not None and season != facts.year:
        raise BadUpload(
            "bad_file",
            f"{name} is the {facts.year} season, not {season}: leave the season out, or attach the "
            "right file.",
        )
    _check_season(facts.year)
    upload = Upload(filename=name, kind="season", year=facts.year, season=facts)
    for team in facts.teams:
        values = team.model_dump(include={"league", "state", "track", "entry_round", "berth", "qualified_by"})
        upload.teams.append(
            TeamRow(line=None, name=team.name, values=values, also_written=list(team.also_written))
        )
    every = frozenset(FIXTURE_COLUMNS)
    for fixture in facts.fixtures:
        values = fixture.model_dump(
            exclude={"number", "round", "home", "away", "winner", "home_from_fixture", "away_from_fixture"}
        )
        values["home_from_fixture"] = fixture.home_from_fixture
        values["away_from_fixture"] = fixture.away_from_fixture
        upload.fixtures.append(
            FixtureRow(
                line=None,
                given=every,
                number=fixture.number,
                round=fixture.round,
                home=fixture.home,
                away=fixture.away,
                winner=fixture.winner,
                values=values,
            )
        )
    upload.byes = [ByeRow(line=None, round=bye.round, team=bye.team, source=bye.source) for bye in facts.byes]
    upload.rows = len(upload.teams) + len(upload.fixtures) + len(upload.byes)
    for finding in facts.findings:
        if finding.level == "error":
            upload.problems.append(LineProblem(line=None, why=finding.message))
        elif finding.level == "warning":
            upload.notes.append(finding.message)
    return upload


def _csv(text: str, name: str, kind: Kind, season: int) -> Upload:
    upload = Upload(filename=name, kind=kind, year=season)
    known = {"fixtures": FIXTURE_COLUMNS, "teams": TEAM_COLUMNS, "byes": BYE_COLUMNS}[kind]
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header: list[str] | None = None
        for fields in reader:
            if not any(value.strip() for value in fields):
                continue  # a blank line
            if header is None:
                header = [column.strip().lower() for column in fields]
                repeated = sorted({column for column in header if header.count(column) > 1 and column})
                if repeated:
                    raise BadUpload(
                        "bad_file", f"{name}: the header names {', '.join(repeated)} more than once."
                    )
                ignored = [column for column in header if column not in known]
                if ignored:
                    upload.notes.append(
                        f"column{'s' if len(ignored) > 1 else ''} {', '.join(repr(c) for c in ignored)} "
                        f"{'are' if len(ignored) > 1 else 'is'} not among a {kind} CSV's columns: ignored"
                    )
                continue
            upload.rows += 1
            line = reader.line_num
            if len(fields) != len(header):
                upload.problems.append(
                    LineProblem(
                        line=line,
                        why=f"it has {len(fields)} fields where the header has {len(header)}: a value "
                        "holding a comma needs quotes.",
                    )
                )
                continue
            row = {column: value for column, value in zip(header, fields, strict=True) if column in known}
            try:
                if kind == "fixtures":
                    upload.fixtures.append(_fixture_row(line, row))
                elif kind == "teams":
                    upload.teams.append(_team_row(line, row))
                else:
                    upload.byes.append(_bye_row(line, row))
            except _Bad as bad:
                upload.problems.append(LineProblem(line=line, why=str(bad)))
    except csv.Error as error:
        raise BadUpload(
            "bad_file", f"{name}: line {reader.line_num} cannot be read as CSV ({error})."
        ) from None
    if upload.rows == 0:
        raise BadUpload("bad_file", f"{name} has its header line but no lines of data.")
    return upload


def _clean(value: str, column: str, *, most: int = TEXT_LENGTH) -> str:
    text = value.strip()
    if len(text) > most:
        raise _Bad(f"its {column} is longer than {most} characters.")
    if any(unicodedata.category(char) == "Cc" for char in text):
        raise _Bad(f"its {column} holds a control character (a line break or a tab).")
    return text


def _club(value: str, column: str) -> str | None:
    text = _clean(value, column, most=NAME_LENGTH)
    return text or None


def _whole(value: str, column: str, bounds: tuple[int, int]) -> int | None:
    text = value.strip()
    if not text:
        return None
    low, high = bounds
    if not (text.isascii() and text.isdigit()) or not low <= int(text) <= high:
        raise _Bad(f"its {column} '{text[:20]}' is not a whole number from {low} to {high}.")
    return int(text)


def _score(value: str, column: str) -> int | None:
    return _whole(value, column, (0, 99))


def _pair(value: str) -> str | None:
    text = value.strip().replace("–", "-").replace(" ", "")
    if not text:
        return None
    if text.lower() == "unknown":
        return "unknown"
    home, sep, away = text.partition("-")
    if not sep or not all(part.isascii() and part.isdigit() for part in (home, away)):
        raise _Bad(
            f"its penalties '{value.strip()[:20]}' are not a shoot-out score such as 4-3 (or unknown)."
        )
    return f"{int(home)}-{int(away)}"


def _choice(value: str, column: str, kind: type[DecidedBy] | type[FixtureStatus] | type[Track]) -> Any:
    text = value.strip().lower().replace(" ", "_")
    if not text:
        return None
    try:
        return kind(text)
    except ValueError:
        allowed = ", ".join(member.value for member in kind)
        raise _Bad(f"its {column} '{value.strip()[:30]}' is not one of {allowed}.") from None


def _date(value: str) -> dt.date | None:
    text = value.strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise _Bad(f"its date '{text[:30]}' is not a date written YYYY-MM-DD.") from None


def _kickoff(value: str) -> dt.datetime | None:
    text = value.strip()
    if not text:
        return None
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise _Bad(
            f"its kickoff '{text[:40]}' is not a time with its zone, such as 2027-03-19T19:30:00-05:00."
        )
    return moment.astimezone(dt.UTC)


def _yes_no(value: str, column: str) -> bool:
    text = value.strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise _Bad(f"its {column} '{value.strip()[:20]}' is neither yes nor empty.")


def _fixture_row(line: int, row: dict[str, str]) -> FixtureRow:
    """One line of a fixtures CSV, typed; raises `_Bad` at the first value that is not what it should be."""
    parsed = FixtureRow(line=line, given=frozenset(row))
    values = parsed.values
    for column, text in row.items():
        if column == "number":
            parsed.number = _whole(text, "number", FIXTURE_NUMBERS)
        elif column == "round":
            parsed.round = _whole(text, "round", ROUNDS)
        elif column in ("home", "away", "winner"):
            setattr(parsed, column, _club(text, column))
        elif column == "date":
            values["date"] = _date(text)
        elif column == "kickoff":
            values["kickoff"] = _kickoff(text)
        elif column in ("home_score", "away_score"):
            values[column] = _score(text, column.replace("_", " "))
        elif column == "decided_by":
            values[column] = _choice(text, "decided_by", DecidedBy)
        elif column == "status":
            values[column] = _choice(text, "status", FixtureStatus)
        elif column == "extra_time":
            values[column] = _yes_no(text, "extra_time")
        elif column == "penalties":
            values[column] = _pair(text)
        elif column in ("home_from_fixture", "away_from_fixture"):
            values[column] = _whole(text, column.replace("_", " "), FIXTURE_NUMBERS)
        else:  # home_league, away_league, note, source_line, venue
            values[column] = _clean(text, column.replace("_", " "))
    if "status" in values and values["status"] is None:
        del values["status"]  # blank: played if the line has a result, as data/ reads it
    if parsed.carries_result and "status" not in values:
        values["status"] = FixtureStatus.PLAYED
    status = values.get("status")
    scores = [values.get("home_score"), values.get("away_score")]
    if status == FixtureStatus.PLAYED and (scores[0] is None) != (scores[1] is None):
        raise _Bad("it has one side's score but not the other's.")
    if status not in (None, FixtureStatus.PLAYED) and (any(s is not None for s in scores) or parsed.winner):
        raise _Bad(
            f"a {status.value} tie has no score and no winner: leave them blank, or write status played."
        )
    for side in ("home", "away"):
        if (
            getattr(parsed, side) is None
            and values.get(f"{side}_from_fixture") is None
            and (side in parsed.given or parsed.number is None)
        ):
            raise _Bad(f"it names no {side} side (a club, or {side}_from_fixture for 'winner of fixture N').")
    return parsed


def _team_row(line: int, row: dict[str, str]) -> TeamRow:
    name = _club(row.get("name", ""), "name")
    if name is None:
        raise _Bad("it names no club (the name column is blank).")
    values: dict[str, Any] = {}
    for column in ("league", "state", "berth", "qualified_by"):
        if column in row:
            values[column] = _clean(row[column], column.replace("_", " "))
    if "track" in row:
        values["track"] = _choice(row["track"], "track", Track) or Track.LOCAL
    if "entry_round" in row:
        values["entry_round"] = _whole(row["entry_round"], "entry round", ROUNDS)
    also: list[str] | None = None
    if "also_written" in row:
        also = []
        for part in row["also_written"].split(_LIST_SEPARATOR):
            spelling = _club(part, "also_written")
            if spelling is not None and spelling != name and spelling not in also:
                also.append(spelling)
    return TeamRow(line=line, name=name, values=values, also_written=also)


def _bye_row(line: int, row: dict[str, str]) -> ByeRow:
    number = _whole(row.get("round", ""), "round", ROUNDS)
    team = _club(row.get("team", ""), "team")
    if number is None or team is None:
        raise _Bad("a bye needs its round and its club.")
    source = _clean(row.get("source", ""), "source") or "listed"
    return ByeRow(line=line, round=number, team=team, source=source)
