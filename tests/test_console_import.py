"""`python -m bot import FILE --season YEAR [--yes]`, `import-undo BATCH` and export, end to end."""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.settings import get_settings
from tests.conftest import ROOT, SEED_2017
from tests.store.test_csv_import import BYES, DRAW, RESULTS, TEAMS


def cli(*args: str, tmp_path: Path, process: bool = False) -> subprocess.CompletedProcess[str]:
    """`python -m bot ARGS` on a store in `tmp_path`: in this process (main() as the command line calls
    it, with the same environment), or, with `process`, as a real process."""
    env = {key: value for key, value in os.environ.items() if key != "DISCORD_TOKEN"}
    env["DATABASE_URL"] = f"sqlite+aiosqlite:///{tmp_path / 'console.sqlite3'}"
    env["DATA_DIR"] = str(ROOT / "data")
    if process:
        return subprocess.run(
            [sys.executable, "-m", "bot", *args],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    out, err = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as patch:
        for key in ("DATABASE_URL", "DATA_DIR", "DISCORD_TOKEN"):
            patch.delenv(key, raising=False)
        patch.setenv("DATABASE_URL", env["DATABASE_URL"])
        patch.setenv("DATA_DIR", env["DATA_DIR"])
        patch.chdir(tmp_path)
        get_settings.cache_clear()
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                code = main(list(args))
        finally:
            get_settings.cache_clear()
    return subprocess.CompletedProcess(list(args), code, out.getvalue(), err.getvalue())


def test_a_season_imported_from_the_console_exports_as_it_came_in(tmp_path: Path) -> None:
    """Preview, --yes, --json, results, export to a folder, undo: each a command a person types."""
    for name, content in (
        ("teams.csv", TEAMS),
        ("byes.csv", BYES),
        ("draw.csv", DRAW),
        ("results.csv", RESULTS),
    ):
        (tmp_path / name).write_bytes(content)
    preview = cli("import", "teams.csv", "--season", "2027", tmp_path=tmp_path, process=True)
    assert preview.returncode == 1, preview.stderr  # new clubs not confirmed yet
    assert "line 4: Folsom Gold SC — perhaps FC Folsom" in preview.stdout
    assert "to go on: names the records do not hold are new clubs" in preview.stdout

    teams = cli(
        "import",
        "teams.csv",
        "--season",
        "2027",
        "--yes",
        "--new-clubs",
        "--as",
        "mod:alice",
        tmp_path=tmp_path,
    )
    assert teams.returncode == 0, teams.stderr
    assert "applied:" in teams.stdout and "6 clubs entered" in teams.stdout
    [teams_batch] = [
        line.split()[1].rstrip(":") for line in teams.stdout.splitlines() if line.startswith("batch ")
    ]
    assert cli("import", "byes.csv", "--season", "2027", "--yes", tmp_path=tmp_path).returncode == 0
    drawn = cli("import", "draw.csv", "--season", "2027", "--yes", "--json", tmp_path=tmp_path)
    reply = json.loads(drawn.stdout)
    assert reply["ok"] and reply["command"] == "import" and reply["data"]["applied"] is True
    assert reply["data"]["fixtures_added"] == 5 and reply["data"]["batch"].startswith("import-")
    results = cli("import", "results.csv", "--season", "2027", "--yes", tmp_path=tmp_path)
    assert results.returncode == 0 and "4 results entered" in results.stdout, results.stdout + results.stderr
    [results_batch] = [
        line.split()[1].rstrip(":") for line in results.stdout.splitlines() if line.startswith("batch ")
    ]

    asked = cli("ask", "--json", "/path team:Placer United season:2027", tmp_path=tmp_path)
    assert json.loads(asked.stdout)["data"]["next_fixture"]["opponent"] == "Roseville Rangers"
    out = tmp_path / "out"
    exported = cli("export", "--season", "2027", "--out", str(out), tmp_path=tmp_path)
    assert exported.returncode == 0, exported.stderr
    folder = out / "seasons" / "2027"
    assert (folder / "teams.csv").read_bytes() == TEAMS and (folder / "byes.csv").read_bytes() == BYES
    assert (folder / "fixtures.csv").read_bytes() == RESULTS

    refused = cli("import-undo", teams_batch, "--yes", tmp_path=tmp_path)
    assert refused.returncode == 1 and "nothing was undone" in refused.stderr, refused.stdout
    shown = cli("import-undo", results_batch, tmp_path=tmp_path)
    assert shown.returncode == 0 and "fixture 2: 1-1 (4-3 pens) → scheduled" in shown.stdout
    undone = cli("import-undo", results_batch, "--yes", "--json", tmp_path=tmp_path)
    assert json.loads(undone.stdout)["data"]["undo_batch"] == f"{results_batch}-undo"
    again = cli("import-undo", results_batch, "--yes", tmp_path=tmp_path)
    assert again.returncode == 1 and "has been undone already" in again.stderr
    asked = cli("ask", "--json", "/path team:Placer United season:2027", tmp_path=tmp_path)
    assert [match["won"] for match in json.loads(asked.stdout)["data"]["matches"]] == [None]


def test_import_says_how_to_use_it_when_the_arguments_do_not_fit(tmp_path: Path) -> None:
    """A CSV without --season, store options on seeds, --force on the store, two files: a usage error."""
    (tmp_path / "draw.csv").write_bytes(DRAW)
    cases = {
        ("import", "draw.csv"): "add --season YEAR",
        ("import", "season.txt", "--yes"): "--yes is for an import into the store: add --store",
        ("import", "draw.csv", "--season", "2027", "--force"): "--force is for seed documents",
        ("import", "draw.csv", "draw.csv", "--season", "2027"): "one file at a time",
    }
    for args, words in cases.items():
        done = cli(*args, tmp_path=tmp_path)
        assert done.returncode == 2 and words in done.stderr, (args, done.stderr)
        assert "Traceback" not in done.stderr and not (tmp_path / "console.sqlite3").exists()
    missing = cli("import", "nowhere.csv", "--season", "2027", tmp_path=tmp_path, process=True)
    assert missing.returncode == 1 and "nowhere.csv: cannot read it" in missing.stderr
    (tmp_path / "photo.csv").write_bytes(b"\x89PNG\r\n\x1a\n\x00")
    binary = cli("import", "photo.csv", "--season", "2027", "--json", tmp_path=tmp_path)
    error = json.loads(binary.stdout)
    assert binary.returncode == 1 and error["ok"] is False and error["error"]["code"] == "bad_file"


def test_a_seed_into_the_store_that_holds_it_changes_nothing(tmp_path: Path, seeds: Path) -> None:
    """`import SEED --store` reads the seed against the store (loaded from data/): nothing to import."""
    done = cli("import", str(seeds / SEED_2017), "--store", "--yes", tmp_path=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "a seed season for 2017 — 156 rows read" in done.stdout
    assert "nothing to import: the records hold all of it already" in done.stdout
