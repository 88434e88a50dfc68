"""The project's own season files in data/: written by the importer, read by the loader and the checker.

Layout: `data/aliases.csv` (curated spellings) and, per season, `data/seasons/<year>/` with
`season.toml` (title, source, stated figures, rounds, leagues, the reader's findings), `teams.csv`,
`fixtures.csv` and `byes.csv`: plain files a person can review in a diff.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import secrets
import shutil
import tomllib
from pathlib import Path
from typing import Any

import tomli_w

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


def season_dirs(data_dir: Path) -> list[Path]:
    """The season folders under `data_dir`, oldest first."""
    root = data_dir / "seasons"
    if not root.is_dir():
        return []
    return sorted((path for path in root.iterdir() if (path / "season.toml").is_file()), key=lambda p: p.name)


def read_aliases(data_dir: Path) -> list[AliasRule]:
    """The curated alias rules."""
    path = data_dir / "aliases.csv"
    if not path.is_file():
        return []
    with path.open(newline="", encoding="utf-8") as handle:
        return [
            AliasRule(
                alias=row["alias"].strip(),
                target=row["team"].strip(),
                season=int(row["season"]) if row.get("season", "").strip() else None,
                note=row.get("note", "").strip(),
            )
            for row in csv.DictReader(handle)
            if row.get("alias", "").strip()
        ]


def _csv_text(columns: list[str], rows: list[dict[str, Any]]) -> str:
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: "" if row.get(key) is None else row[key] for key in columns})
    return buffer.getvalue()


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


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


def read_season(folder: Path) -> SeasonFacts:
    """Read one season folder back into facts."""
    header = tomllib.loads((folder / "season.toml").read_text(encoding="utf-8"))
    teams = []
    for row in _read_csv(folder / "teams.csv"):
        values = _blank_to_none(row)
        values["also_written"] = [s for s in (row["also_written"] or "").split(_LIST_SEPARATOR) if s]
        for key in ("league", "state", "berth", "qualified_by"):
            values[key] = values[key] or ""
        teams.append(TeamFacts.model_validate(values))
    fixtures = []
    for row in _read_csv(folder / "fixtures.csv"):
        values = _blank_to_none(row)
        values["extra_time"] = row["extra_time"] == "yes"
        for key in ("home_league", "away_league", "note", "source_line", "venue"):
            values[key] = values.get(key) or ""
        values["status"] = values["status"] or "played"
        fixtures.append(FixtureFacts.model_validate(values))
    imported_at = header.get("imported_at")
    return SeasonFacts(
        year=header["year"],
        title=header["title"],
        source=header["source"],
        imported_at=dt.datetime.fromisoformat(imported_at) if isinstance(imported_at, str) else imported_at,
        stated=header.get("stated", {}),
        rounds=[RoundFacts.model_validate(item) for item in header.get("rounds", [])],
        leagues=[LeagueFacts.model_validate(item) for item in header.get("leagues", [])],
        teams=teams,
        fixtures=fixtures,
        byes=[ByeFacts.model_validate(row) for row in _read_csv(folder / "byes.csv")],
        findings=[Finding.model_validate(item) for item in header.get("findings", [])],
    )


def read_all(data_dir: Path) -> list[SeasonFacts]:
    """Every season in `data_dir`, oldest first."""
    return [read_season(folder) for folder in season_dirs(data_dir)]
