"""The project's own season files in data/: written by the importer, read by the loader and the checker.

Layout: `data/aliases.csv` (curated spellings) and, per season, `data/seasons/<year>/` with
`season.toml` (title, source, stated figures, rounds, leagues, the reader's findings), `teams.csv`,
`fixtures.csv` and `byes.csv`: plain files a person can review in a diff.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import secrets
import shutil
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomli_w
from pydantic import ValidationError

from bot.names import AliasRule
from bot.seasons.facts import (
    ByeFacts,
    Finding,
    FixtureFacts,
    LeagueFacts,
    RoundFacts,
    SeasonFacts,
    TeamFacts,
)

TEAM_COLUMNS = ["name", "also_written", "league", "state", "track", "entry_round", "berth", "qualified_by"]
FIXTURE_COLUMNS = [
    "number", "round", "date", "home", "home_league", "away", "away_league", "home_score", "away_score",
    "decided_by", "extra_time", "penalties", "winner", "status", "note", "source_line",
    "home_from_fixture", "away_from_fixture", "venue", "kickoff",
]  # fmt: skip
BYE_COLUMNS = ["round", "team", "source"]
ALIAS_COLUMNS = ["alias", "team", "season", "note"]
_LIST_SEPARATOR = "; "


SEASON_FILES = ("season.toml", "teams.csv", "fixtures.csv", "byes.csv")
_RESTORE = "restore it from version control (git checkout -- data/) or import the season again"


class DataFileError(ValueError):
    """A file of data/ that cannot be read as what it should hold: names the file and the check it failed."""

    def __init__(self, path: Path, check: str, detail: str) -> None:
        """`path` failed `check` (a short name, e.g. "fields per line"); `detail` says how, and what to do."""
        super().__init__(f"{path}: [{check}] {detail}")
        self.path = path
        self.check = check
        self.detail = detail


def season_dirs(data_dir: Path) -> list[Path]:
    """The season folders under `data_dir`, oldest first: every folder in `seasons/` but hidden ones.

    A folder that has lost its season.toml is still listed, so that reading it reports the missing file
    instead of the season silently disappearing.
    """
    root = data_dir / "seasons"
    if not root.is_dir():
        return []
    return sorted(
        (path for path in root.iterdir() if path.is_dir() and not path.name.startswith(".")),
        key=lambda p: p.name,
    )


def _read_bytes(path: Path) -> bytes:
    """A data file's content; a missing or unreadable file is a `DataFileError`."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        detail = f"the season folder has no {path.name}: {_RESTORE}"
        raise DataFileError(path, "missing file", detail) from None
    except OSError as error:
        reason = error.strerror or str(error)
        raise DataFileError(
            path, "unreadable", f"cannot be read ({reason}): make it a file the bot's user may read"
        ) from None


def _decode(path: Path, content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")  # a byte-order mark, as spreadsheets write it, is fine
    except UnicodeDecodeError as error:
        raise DataFileError(
            path,
            "not UTF-8",
            f"byte 0x{content[error.start]:02x} at offset {error.start} is not UTF-8: save the file as UTF-8",
        ) from None


def _parse_csv(path: Path, content: bytes, columns: list[str]) -> list[tuple[int, dict[str, str]]]:
    """The rows of a CSV file with their line numbers, after checking the file's shape.

    The header must name every one of `columns`; every row must have as many fields as the header; the
    file must end with a line break (a file cut short mostly ends inside a line).
    """
    text = _decode(path, content)
    if not text.strip():
        raise DataFileError(path, "CSV header", f"the file is empty, not even its header line: {_RESTORE}")
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[tuple[int, dict[str, str]]] = []
    try:
        header = next(reader)
        missing = [column for column in columns if column not in header]
        if missing:
            raise DataFileError(
                path, "CSV header", f"the header line lacks the column(s) {', '.join(missing)}: {_RESTORE}"
            )
        for fields in reader:
            if not fields:
                continue  # a blank line
            if len(fields) != len(header):
                raise DataFileError(
                    path,
                    "fields per line",
                    f"line {reader.line_num} has {len(fields)} fields where the header has {len(header)}: "
                    "the line is cut short or has a stray comma (quote a value that holds one)",
                )
            rows.append((reader.line_num, dict(zip(header, fields, strict=True))))
    except csv.Error as error:
        raise DataFileError(path, "CSV syntax", f"line {reader.line_num}: {error}") from None
    if not text.endswith("\n"):
        raise DataFileError(
            path,
            "cut short",
            "the last line does not end with a line break, so the file may have been cut short: check "
            "that line against the source, and end it with a line break if it is complete",
        )
    return rows


def _invalid(path: Path, error: ValidationError, line: int | None = None) -> DataFileError:
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"])
    at = f"line {line}: " if line is not None else ""
    return DataFileError(
        path, "values", f"{at}{where}: {first['msg']} (found {first.get('input')!r}): correct the value"
    )


def _aliases_from(path: Path, content: bytes) -> list[AliasRule]:
    rules = []
    for line, row in _parse_csv(path, content, ["alias", "team"]):
        if not row["alias"].strip():
            continue
        season = row.get("season", "").strip()
        if season and not season.isdigit():
            raise DataFileError(path, "values", f"line {line}: season: {season!r} is not a year")
        rules.append(
            AliasRule(
                alias=row["alias"].strip(),
                target=row["team"].strip(),
                season=int(season) if season else None,
                note=row.get("note", "").strip(),
            )
        )
    return rules


def read_aliases(data_dir: Path) -> list[AliasRule]:
    """The curated alias rules (none when there is no aliases.csv); a damaged file is a `DataFileError`."""
    path = data_dir / "aliases.csv"
    if not path.exists():
        return []
    return _aliases_from(path, _read_bytes(path))


def _csv_text(columns: list[str], rows: list[dict[str, Any]]) -> str:
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: "" if row.get(key) is None else row[key] for key in columns})
    return buffer.getvalue()


def _without_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _without_none(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [_without_none(item) for item in value]
    return value


def render_season(facts: SeasonFacts) -> dict[str, bytes]:
    """The files of one season folder (file name to content), exactly as `write_season` writes them."""
    header = facts.model_dump(mode="json", include={"year", "title", "source", "imported_at", "stated"})
    header["rounds"] = [item.model_dump(mode="json") for item in facts.rounds]
    header["leagues"] = [item.model_dump(mode="json") for item in facts.leagues]
    header["findings"] = [item.model_dump(mode="json") for item in facts.findings]
    teams = []
    for team in facts.teams:
        row = team.model_dump(mode="json")
        row["also_written"] = _LIST_SEPARATOR.join(team.also_written)
        teams.append(row)
    fixtures = []
    for fixture in facts.fixtures:
        row = fixture.model_dump(mode="json")
        row["extra_time"] = "yes" if fixture.extra_time else ""
        fixtures.append(row)
    texts = {
        "season.toml": tomli_w.dumps(_without_none(header)),
        "teams.csv": _csv_text(TEAM_COLUMNS, teams),
        "fixtures.csv": _csv_text(FIXTURE_COLUMNS, fixtures),
        "byes.csv": _csv_text(BYE_COLUMNS, [bye.model_dump(mode="json") for bye in facts.byes]),
    }
    return {name: text.encode("utf-8") for name, text in texts.items()}


def _holds_exactly(folder: Path, files: dict[str, bytes]) -> bool:
    """Whether `folder` holds these files, byte for byte, and nothing else."""
    if not folder.is_dir():
        return False
    present = sorted(path.name for path in folder.iterdir())
    return present == sorted(files) and all((folder / name).read_bytes() == files[name] for name in files)


def _replace_folder(folder: Path, files: dict[str, bytes], *, staging_root: Path) -> None:
    """Put `files` in place as `folder` in one step: readers see the old folder or the new, never half.

    The files are written to a new folder in `staging_root` (on the same file system, but outside
    `seasons/` so that no reader takes a half-written folder for a season), which is then renamed into
    place; an existing folder is first moved aside, and removed once the new one is in place.
    """
    token = secrets.token_hex(4)
    staging = staging_root / f".{folder.name}.new-{token}"
    retired = staging_root / f".{folder.name}.old-{token}"
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging.mkdir()
    try:
        for name, content in files.items():
            (staging / name).write_bytes(content)
        if folder.exists():
            folder.rename(retired)
            try:
                staging.rename(folder)
            except BaseException:
                retired.rename(folder)
                raise
            shutil.rmtree(retired, ignore_errors=True)
        else:
            staging.rename(folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def holds_season(facts: SeasonFacts, data_dir: Path) -> bool:
    """Whether `data_dir` already holds this season's folder exactly as `write_season` would write it."""
    return _holds_exactly(data_dir / "seasons" / str(facts.year), render_season(facts))


def write_season(facts: SeasonFacts, data_dir: Path) -> Path:
    """Write one season's facts to `data_dir/seasons/<year>/`, replacing that folder whole; returns it.

    The folder is swapped in at once (see `_replace_folder`), so a bot starting meanwhile never reads a
    half-written season. A folder that already holds exactly these files is left untouched.
    """
    folder = data_dir / "seasons" / str(facts.year)
    files = render_season(facts)
    if not _holds_exactly(folder, files):
        _replace_folder(folder, files, staging_root=data_dir)
    return folder


def _blank_to_none(row: dict[str, str]) -> dict[str, Any]:
    return {key: (value if value != "" else None) for key, value in row.items()}


def _season_from(folder: Path, files: dict[str, bytes]) -> SeasonFacts:
    """One season from the content of its files (name to bytes); raises `DataFileError` on the first fault."""
    toml_path = folder / "season.toml"
    try:
        header = tomllib.loads(_decode(toml_path, files["season.toml"]))
    except tomllib.TOMLDecodeError as error:
        raise DataFileError(toml_path, "TOML syntax", f"{error}: {_RESTORE}") from None
    for key in ("year", "title", "source"):
        if key not in header:
            raise DataFileError(toml_path, "season.toml keys", f"'{key}' is missing: {_RESTORE}")
    if str(header["year"]) != folder.name:
        raise DataFileError(
            toml_path,
            "year",
            f"says year {header['year']}, but its folder is named {folder.name}: name the folder by the year",
        )
    teams = []
    path = folder / "teams.csv"
    for line, row in _parse_csv(path, files["teams.csv"], TEAM_COLUMNS):
        values = _blank_to_none(row)
        values["also_written"] = [s for s in (row["also_written"] or "").split(_LIST_SEPARATOR) if s]
        for key in ("league", "state", "berth", "qualified_by"):
            values[key] = values[key] or ""
        try:
            teams.append(TeamFacts.model_validate(values))
        except ValidationError as error:
            raise _invalid(path, error, line) from None
    fixtures = []
    path = folder / "fixtures.csv"
    for line, row in _parse_csv(path, files["fixtures.csv"], FIXTURE_COLUMNS):
        values = _blank_to_none(row)
        values["extra_time"] = row["extra_time"] == "yes"
        for key in ("home_league", "away_league", "note", "source_line", "venue"):
            values[key] = values.get(key) or ""
        values["status"] = values["status"] or "played"
        try:
            fixtures.append(FixtureFacts.model_validate(values))
        except ValidationError as error:
            raise _invalid(path, error, line) from None
    byes = []
    path = folder / "byes.csv"
    for line, row in _parse_csv(path, files["byes.csv"], BYE_COLUMNS):
        try:
            byes.append(ByeFacts.model_validate(row))
        except ValidationError as error:
            raise _invalid(path, error, line) from None
    imported_at = header.get("imported_at")
    try:
        if isinstance(imported_at, str):
            imported_at = dt.datetime.fromisoformat(imported_at)
        return SeasonFacts(
            year=header["year"],
            title=header["title"],
            source=header["source"],
            imported_at=imported_at,
            stated=header.get("stated", {}),
            rounds=[RoundFacts.model_validate(item) for item in header.get("rounds", [])],
            leagues=[LeagueFacts.model_validate(item) for item in header.get("leagues", [])],
            teams=teams,
            fixtures=fixtures,
            byes=byes,
            findings=[Finding.model_validate(item) for item in header.get("findings", [])],
        )
    except ValidationError as error:
        raise _invalid(toml_path, error) from None
    except (TypeError, ValueError) as error:  # imported_at that is not a time, a table where a list belongs
        raise DataFileError(toml_path, "values", f"{error}: correct the value") from None


def read_season(folder: Path) -> SeasonFacts:
    """Read one season folder back into facts; a missing, unreadable or malformed file: `DataFileError`."""
    return _season_from(folder, {name: _read_bytes(folder / name) for name in SEASON_FILES})


@dataclass
class DataSnapshot:
    """data/ as read at one moment: what could be read, what could not, and a hash of every file's bytes.

    The seasons are parsed from the very bytes that were hashed, so `version` always describes them.
    """

    data_dir: Path
    version: str
    folders: list[Path] = field(default_factory=list)  # every season folder, whether it could be read or not
    seasons: list[SeasonFacts] = field(default_factory=list)
    aliases: list[AliasRule] = field(default_factory=list)
    errors: list[DataFileError] = field(default_factory=list)


def read_data(*, data_dir: Path) -> DataSnapshot:
    """Read all of `data_dir` once; each file that cannot be read is an error, not an exception."""
    digest = hashlib.sha256()
    errors: list[DataFileError] = []

    def take(path: Path) -> bytes | None:
        try:
            content = _read_bytes(path)
        except DataFileError as error:
            errors.append(error)
            return None
        digest.update(path.relative_to(data_dir).as_posix().encode())
        digest.update(content)
        return content

    aliases: list[AliasRule] = []
    alias_path = data_dir / "aliases.csv"
    if alias_path.exists():
        content = take(alias_path)
        if content is not None:
            try:
                aliases = _aliases_from(alias_path, content)
            except DataFileError as error:
                errors.append(error)
    try:
        folders = season_dirs(data_dir)
    except OSError as error:
        folders = []
        errors.append(
            DataFileError(data_dir / "seasons", "unreadable", f"cannot be listed ({error.strerror or error})")
        )
    seasons = []
    for folder in folders:
        files: dict[str, bytes] = {}
        try:
            listing = sorted(folder.iterdir())
        except OSError as error:
            reason = error.strerror or str(error)
            errors.append(DataFileError(folder, "unreadable", f"cannot be listed ({reason})"))
            continue
        for path in listing:
            if path.is_file():
                content = take(path)
                if content is not None:
                    files[path.name] = content
        try:
            for name in SEASON_FILES:
                if name not in files:
                    files[name] = _read_bytes(folder / name)  # raises: it is missing or not a file
            seasons.append(_season_from(folder, files))
        except DataFileError as error:
            errors.append(error)
    return DataSnapshot(
        data_dir=data_dir,
        version=digest.hexdigest()[:16],
        folders=folders,
        seasons=seasons,
        aliases=aliases,
        errors=errors,
    )


def files_version(data_dir: Path) -> str | None:
    """`read_data(data_dir=...).version`, from the files' bytes alone, without parsing them.

    A start whose data/ is unchanged needs no more. None when a file or folder cannot be read, or a season
    lacks a file (reading data/ whole says which).
    """
    digest = hashlib.sha256()

    def take(path: Path) -> None:
        digest.update(path.relative_to(data_dir).as_posix().encode())
        digest.update(path.read_bytes())

    try:
        if (data_dir / "aliases.csv").exists():
            take(data_dir / "aliases.csv")
        for folder in season_dirs(data_dir):
            listing = sorted(path for path in folder.iterdir() if path.is_file())
            if not set(SEASON_FILES) <= {path.name for path in listing}:
                return None
            for path in listing:
                take(path)
    except OSError:
        return None
    return digest.hexdigest()[:16]


def read_all(data_dir: Path) -> list[SeasonFacts]:
    """Every season in `data_dir`, oldest first; the first file that cannot be read raises `DataFileError`."""
    snapshot = read_data(data_dir=data_dir)
    if snapshot.errors:
        raise snapshot.errors[0]
    return snapshot.seasons
