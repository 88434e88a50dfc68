"""The console (`python -m bot ask`) and the command line: DESIGN.md's JSON contract, text, errors."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.console import parse_line, run_console
from bot.store.engine import Store
from tests.conftest import ROOT

MATCH_FIELDS = {
    "round",
    "date",
    "opponent",
    "home",
    "goals_for",
    "goals_against",
    "decided_by",
    "penalties",
    "won",
}


async def answer_json(store: Store, *lines: str) -> list[dict]:
    out = io.StringIO()
    await run_console(store, lines, as_json=True, out=out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


async def test_path_json_contract(store: Store) -> None:
    """`/path --json` carries every field DESIGN.md names, with FC Folsom's four wins."""
    [reply] = await answer_json(store, "/path team:FC Folsom season:2024")
    assert reply["ok"] is True and reply["command"] == "path"
    data = reply["data"]
    assert {"team", "season", "status", "route", "entry_round", "byes", "matches"} <= set(data)
    assert (data["team"], data["season"], data["status"]) == ("FC Folsom", 2024, "qualified")
    assert all(set(match) >= MATCH_FIELDS for match in data["matches"])
    assert [
        (m["opponent"], m["goals_for"], m["goals_against"], m["home"], m["won"]) for m in data["matches"]
    ] == [
        ("BattleBorn FC", 3, 2, False, True),
        ("UC Davis Club Soccer", 2, 1, True, True),
        ("Valley 559 FC", 5, 3, True, True),
        ("Inter San Francisco", 4, 2, True, True),
    ]


async def test_result_json_and_forfeit_nulls(store: Store) -> None:
    """`/result --json`: team, season, matches; a forfeit has null goals."""
    [reply] = await answer_json(store, "/result team:Austin Longhorns season:2024")
    data = reply["data"]
    assert (data["team"], data["season"]) == ("Austin Longhorns", 2024)
    [match] = data["matches"]
    assert (match["decided_by"], match["goals_for"], match["goals_against"], match["won"]) == (
        "forfeit",
        None,
        None,
        False,
    )


async def test_team_json_contract(store: Store) -> None:
    """`/team --json`: match, ambiguous and candidates (best first), as DESIGN.md names them."""
    found, several, none = await answer_json(
        store, "/team name:inter sf", "/team name:austin", "/team name:LA Galaxy"
    )
    assert (found["data"]["match"], found["data"]["ambiguous"]) == ("Inter San Francisco", False)
    assert several["data"]["match"] is None and several["data"]["ambiguous"] is True
    assert set(several["data"]["candidates"]) == {"Austin Thunder", "Austin Longhorns"}
    assert (none["data"]["match"], none["data"]["ambiguous"], none["data"]["candidates"]) == (None, False, [])


async def test_round_and_qualifiers_json_contract(store: Store) -> None:
    """`/round` and `/qualifiers --json` carry DESIGN.md's fields; every /help example answers."""
    [round_reply, qualifiers_reply] = await answer_json(
        store, "/round number:2 season:2024", "/qualifiers season:2024"
    )
    data = round_reply["data"]
    assert (data["season"], data["round"], len(data["matches"])) == (2024, 2, 44)
    fields = {"home", "away", "home_score", "away_score", "decided_by", "winner"}
    assert all(fields <= set(match) for match in data["matches"])
    forfeit = next(m for m in data["matches"] if m["decided_by"] == "forfeit")
    assert (forfeit["home"], forfeit["winner"], forfeit["home_score"]) == (
        "Austin Longhorns",
        "Alamo City Soccer Club",
        None,
    )
    listed = qualifiers_reply["data"]["qualifiers"]
    assert all({"team", "route"} <= set(item) for item in listed)
    assert {"SC MesoAmerica", "AS Frenzi", "FC Folsom"} <= {item["team"] for item in listed}
    examples = [command["example"] for command in (await answer_json(store, "/help"))[0]["data"]["commands"]]
    assert all(reply["ok"] for reply in await answer_json(store, *examples))


async def test_eligible_json_contract(store: Store) -> None:
    """`/eligible --json`: eligible (true/false/null) and checks with rule, passed and text."""
    club, team, bad = await answer_json(
        store,
        "/eligible club division:open league_teams:3 matches_per_team:12 owned_by_higher_pro:false "
        "applied_on:2023-07-15 season:2024",
        "/eligible team name:Holac FC season:2024",
        "/eligible club division:open applied_on:31/07/2023",
    )
    assert club["command"] == "eligible club" and club["data"]["eligible"] is False
    assert all({"rule", "passed", "text"} <= set(check) for check in club["data"]["checks"])
    assert [c["rule"] for c in club["data"]["checks"] if c["passed"] is False] == ["league-size"]
    assert (
        team["data"]["eligible"] is False
        and team["data"]["standing"] == "out in round 2 (lost to Sharktopus Football Club)"
    )
    assert (
        bad["ok"] is False
        and bad["error"]["code"] == "bad_option"
        and "YYYY-MM-DD" in bad["error"]["message"]
    )


async def test_error_json_contract(store: Store) -> None:
    """Errors: ok false, with code, message and candidates; bad input never crashes the console."""
    replies = await answer_json(
        store,
        "/path team:Manchester United",
        "/path team:folsom season:1999",
        "/path season:2024",
        "/path team:folsom season:twenty",
        "/nonsense team:x",
        "path team:folsom",
        "/path folsom",
        "/path team:@everyone <@&123>",
    )
    codes = [reply["error"]["code"] for reply in replies]
    assert codes == [
        "team_not_found",
        "season_not_found",
        "bad_option",
        "bad_option",
        "unknown_command",
        "bad_option",
        "bad_option",
        "team_not_found",
    ]
    for reply in replies:
        assert reply["ok"] is False and set(reply["error"]) == {"code", "message", "candidates"}
    assert replies[1]["error"]["candidates"] == ["2024", "2017"]


async def test_text_answers(store: Store) -> None:
    """Plain text says what a fan needs: status, each tie, the shootout we do not know."""
    out = io.StringIO()
    status = await run_console(store, ["/path team:holac fc season:2024"], as_json=False, out=out)
    text = out.getvalue()
    assert status == 0
    assert "eliminated in round 2 by Sharktopus Football Club" in text
    assert "2-2, won on penalties (score unknown)" in text


def test_option_parsing() -> None:
    """Values may hold spaces and colons; only the command's own option names split them."""
    assert parse_line("/path team:FC Folsom season:2024") == ("path", {"team": "FC Folsom", "season": "2024"})
    assert parse_line("/result team:A: B opponent:'C D'") == ("result", {"team": "A: B", "opponent": "C D"})


def run_cli(*args: str, tmp_path: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key != "DISCORD_TOKEN"}
    env["DATABASE_URL"] = f"sqlite+aiosqlite:///{tmp_path / 'cli.sqlite3'}"
    env["DATA_DIR"] = str(ROOT / "data")
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=tmp_path,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_cli_ask_json_and_stdin(tmp_path: Path) -> None:
    """`ask --json` answers one command; with none, it reads JSON Lines commands from standard input."""
    one = run_cli("ask", "--json", "/path team:SC MesoAmerica season:2024", tmp_path=tmp_path)
    assert one.returncode == 0, one.stderr
    assert json.loads(one.stdout)["data"]["route"] == "direct: National Amateur Cup"
    many = run_cli(
        "ask",
        "--json",
        tmp_path=tmp_path,
        stdin="/path team:Michigan Bucks season:2017\n\n/path team:nobody at all\n",
    )
    replies = [json.loads(line) for line in many.stdout.splitlines()]
    assert [reply["ok"] for reply in replies] == [True, False]
    assert replies[0]["data"]["berth"] == "PDL Great Lakes division winner"
    assert many.returncode == 1


def test_cli_run_without_token(tmp_path: Path) -> None:
    """With no DISCORD_TOKEN the bot says so plainly, points to the console, and exits 2."""
    done = run_cli("run", tmp_path=tmp_path)
    assert done.returncode == 2
    for needed in ("DISCORD_TOKEN", ".env.example", "python -m bot ask"):
        assert needed in done.stderr
    assert "Traceback" not in done.stderr
    assert run_cli(tmp_path=tmp_path).returncode == 2  # plain `python -m bot` is `run`


def test_cli_help_lists_subcommands(tmp_path: Path) -> None:
    """`python -m bot --help` lists every subcommand."""
    done = run_cli("--help", tmp_path=tmp_path)
    for name in ("run", "ask", "import", "check-data", "migrate"):
        assert name in done.stdout


def test_cli_check_data(tmp_path: Path) -> None:
    """`check-data` prints the counts and the 413/418 disagreement, and exits 0."""
    done = run_cli("check-data", tmp_path=tmp_path)
    assert done.returncode == 0, done.stdout
    assert "goals: the source states 413, the facts add up to 418" in done.stdout
    assert "fixtures: 98" in done.stdout and "fixtures: 46" in done.stdout


def test_cli_import_writes_data(tmp_path: Path, seeds: Path) -> None:
    """`import SEED` writes the season's files into DATA_DIR."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "aliases.csv").write_bytes((ROOT / "data" / "aliases.csv").read_bytes())
    env_dir = tmp_path / "run"
    env_dir.mkdir()
    done = subprocess.run(
        [sys.executable, "-m", "bot", "import", str(seeds / "001_40227375bb590b15.txt")],
        cwd=env_dir,
        env={**os.environ, "DATA_DIR": str(data)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2017 — 102 teams, 46 fixtures, 8 byes" in done.stdout
    assert (data / "seasons" / "2017" / "fixtures.csv").is_file()


@pytest.mark.parametrize("bad", ["/path team:", "/", ""])
async def test_empty_input_is_harmless(store: Store, bad: str) -> None:
    """Empty commands give an error reply or are skipped; nothing raises."""
    replies = await answer_json(store, bad)
    assert all(reply["ok"] is False for reply in replies)
