"""The console (`python -m bot ask`) and the command line: DESIGN.md's JSON contract, text, errors."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.answers.commands import COMMANDS
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
    helped = (await answer_json(store, "/help"))[0]["data"]["commands"]
    asked = [COMMANDS[c["name"]] for c in helped]  # a follower's commands need a user (--as): not here
    reads = [c.example for c in asked if not (c.writes or c.personal) and c.name != "history"]
    assert all(reply["ok"] for reply in await answer_json(store, *reads))
    # Writing examples only preview here (no --yes): they parse, and answer or refuse for a reason.
    writes = [c["example"] for c in helped if COMMANDS[c["name"]].writes or c["name"] == "history"]
    for reply in await answer_json(store, *writes):
        assert reply["ok"] or reply["error"]["code"] in ("result_exists", "not_found"), reply


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
    assert (  # it took part, so it was eligible; losing in round 2 means it did not qualify
        team["data"]["eligible"] is True
        and team["data"]["qualified"] is False
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
    assert "out in round 2 (lost to Sharktopus Football Club)" in text
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


@pytest.mark.parametrize(
    ("bad", "replies", "code"),
    [("/path team:", 1, "bad_option"), ("/", 1, "unknown_command"), ("", 0, None), ("   ", 0, None)],
)
async def test_empty_input_is_harmless(store: Store, bad: str, replies: int, code: str | None) -> None:
    """An empty command is an error reply with its code; a blank line is skipped; nothing raises."""
    out = io.StringIO()
    status = await run_console(store, [bad], as_json=True, out=out)
    answered = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len(answered) == replies
    assert [reply["error"]["code"] for reply in answered] == ([code] if code else [])
    assert status == (1 if replies else 0)


async def test_unknown_option_names_are_refused_not_folded_into_a_value(store: Store) -> None:
    """`color:red` is not read as part of the club's name; the reply lists the command's options."""
    [reply] = await answer_json(store, "/path team:folsom color:red")
    assert reply["ok"] is False and reply["error"]["code"] == "bad_option"
    assert reply["error"]["message"] == "/path has no option 'color' (options: team, season, picture)."
    club_with_colon = ("path", {"team": "Club: Name", "season": "2024"})
    assert parse_line("/path team:Club: Name season:2024") == club_with_colon
    assert parse_line('/path team:"a:b c" season:2017') == ("path", {"team": "a:b c", "season": "2017"})
    assert parse_line("/path TEAM:folsom") == ("path", {"team": "folsom"})


async def test_limits_are_the_tables_on_every_face(store: Store) -> None:
    """The console refuses what Discord refuses: out-of-range numbers, 0 is a value (not 'missing')."""
    replies = await answer_json(
        store,
        "/eligible club division:open league_teams:-5",
        "/round number:0",
        "/round number:21 season:2024",
        "/path team:folsom season:99999999999999999999",
        "/eligible club division:semi-pro",
        f"/team name:{'x' * 101}",
    )
    assert all(reply["ok"] is False for reply in replies)
    assert [reply["error"]["code"] for reply in replies] == ["bad_option"] * 6
    messages = [reply["error"]["message"] for reply in replies]
    assert messages[0] == "'league_teams' is from 0 to 10000, not -5."
    assert messages[1] == "'number' is from 1 to 20, not 0."
    assert "'season' is from 1914 to 2100" in messages[3]
    assert messages[4].startswith("'division' is one of open, pro")
    assert "at most 100 characters" in messages[5]


async def test_an_unexpected_fault_is_one_json_object_and_the_batch_goes_on(
    store: Store, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A fault inside an answer is `internal`, its traceback only in the log; the next line is answered."""
    from bot.answers import commands

    async def broken(*_args: object, **_kwargs: object) -> None:
        raise OverflowError("Python int too large to convert to SQLite INTEGER")

    monkeypatch.setitem(commands.COMMANDS, "stats", commands.Command("stats", "broken", (), broken))
    out = io.StringIO()
    status = await run_console(store, ["/stats", "/path team:folsom season:2024"], as_json=True, out=out)
    first, second = (json.loads(line) for line in out.getvalue().splitlines())
    assert first == {
        "command": "stats",
        "ok": False,
        "error": {
            "code": "internal",
            "message": "Something went wrong on our side while answering; it has been logged.",
            "candidates": [],
        },
    }
    assert second["ok"] is True and second["data"]["status"] == "qualified"
    assert status == 1
    assert "OverflowError" in caplog.text and "Traceback" not in out.getvalue()


async def test_team_known_but_absent_from_the_season(store: Store) -> None:
    """FC Folsom is in the records but did not enter 2017: say so, with the seasons it played."""
    [reply] = await answer_json(store, "/team name:folsom season:2017")
    data = reply["data"]
    assert reply["ok"] is True and data["match"] == "FC Folsom" and data["entered_season"] is False
    assert [played["season"] for played in data["card"]["seasons"]] == [2024]
    out = io.StringIO()
    status = await run_console(store, ["/team name:folsom season:2017"], as_json=False, out=out)
    assert "did not enter the 2017 qualification (seasons it played: 2024)" in out.getvalue()
    assert "No club called" not in out.getvalue() and status == 0


async def test_qualifiers_say_what_the_source_counts_but_does_not_name(store: Store) -> None:
    """2024: 14 clubs named, and the 16 professional entrants the source counts are said out loud."""
    [reply] = await answer_json(store, "/qualifiers season:2024")
    assert len(reply["data"]["qualifiers"]) == 14
    assert reply["data"]["not_named"] == {"Major League Soccer": 7, "MLS Next Pro": 9}
    out = io.StringIO()
    await run_console(store, ["/qualifiers season:2024"], as_json=False, out=out)
    text = out.getvalue()
    assert text.startswith(
        "2024 — 14 clubs named as through to the tournament proper, and 16 more that the source counts"
    )
    assert "MLS Next Pro: the source counts 9 more clubs and does not name them" in text
    [older] = await answer_json(store, "/qualifiers season:2017")
    assert older["data"]["not_named"] == {"PDL": 1}


async def test_footers_name_the_season_and_who_entered_the_facts(store: Store) -> None:
    """A footer names the season's title and who entered the facts; no facts, no footer."""
    [reply] = await answer_json(store, "/path team:folsom season:2024")
    fresh = reply["data"]["freshness"]
    assert (fresh["season"], fresh["title"]) == (2024, "2024 U.S. Open Cup qualification")
    out = io.StringIO()
    await run_console(store, ["/path team:folsom season:2024"], as_json=False, out=out)
    footer = out.getvalue().splitlines()[-1]
    assert footer.startswith("2024 U.S. Open Cup qualification · imported from the season's article, ")
    assert "000_789a3d893517aefb" not in footer
    out = io.StringIO()
    await run_console(store, ["/result team:folsom opponent:holac"], as_json=False, out=out)
    assert out.getvalue().splitlines()[1:] == ["These clubs have never met in the records."]


async def test_friendly_errors_for_commands(store: Store) -> None:
    """A bare group lists its forms; a slip suggests the command; /help NAME explains one command."""
    group, slip, helped, galaxy = await answer_json(
        store, "/eligible", "/patth team:folsom", "/help path", "/path team:LA Galaxy"
    )
    assert group["error"]["message"] == (
        "/eligible comes in 3 forms: /eligible team, /eligible club, /eligible league."
    )
    assert slip["error"]["message"] == "There is no /patth command. Did you mean /path?"
    assert slip["error"]["candidates"] == ["/path"]
    assert helped["ok"] is True and helped["data"]["command"] == "path"
    [line] = helped["data"]["commands"]
    assert [(o["name"], o["required"], o["limits"]) for o in line["options"]] == [
        ("team", True, "is at most 100 characters"),
        ("season", False, "is from 1914 to 2100"),
        ("picture", False, "is true or false"),
    ]
    assert "professional" in galaxy["error"]["message"]
    [every] = await answer_json(store, "/help")
    assert {"bracket", "eligible team", "help"} <= {c["name"] for c in every["data"]["commands"]}


async def test_exit_status_counts_unanswered_team_questions(store: Store) -> None:
    """`/team` for a name that matches no club (or several) leaves the question open: exit status 1."""
    for line, status in (("/team name:folsom", 0), ("/team name:zzqqx", 1), ("/team name:miami", 1)):
        assert await run_console(store, [line], as_json=True, out=io.StringIO()) == status, line


async def test_counted_nouns(store: Store) -> None:
    """'1 club', never '1 clubs'."""
    from bot.answers.standing import counted

    assert (counted(1, "club"), counted(2, "club"), counted(0, "tie")) == ("1 club", "2 clubs", "0 ties")
    out = io.StringIO()
    await run_console(store, ["/stats season:2024"], as_json=False, out=out)
    assert " 1 clubs" not in out.getvalue()


def test_cli_ask_at_a_terminal_says_it_reads_standard_input(tmp_path: Path) -> None:
    """`python -m bot ask` with no command, at a terminal, says what it is waiting for."""
    import pty

    controller, terminal = pty.openpty()
    env = {key: value for key, value in os.environ.items() if key != "DISCORD_TOKEN"}
    env["DATABASE_URL"] = f"sqlite+aiosqlite:///{tmp_path / 'cli.sqlite3'}"
    with subprocess.Popen(
        [sys.executable, "-m", "bot", "ask"],
        cwd=tmp_path,
        env=env,
        stdin=terminal,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as process:
        os.close(terminal)
        os.write(controller, b"\x04")  # Ctrl-D: end of input at a terminal
        _out, err = process.communicate(timeout=120)
    os.close(controller)
    assert "Reading commands from standard input" in err and process.returncode == 0


def test_every_input_line_is_one_json_object(tmp_path: Path) -> None:
    """Odd digits, doubled signs, a carriage return in a value, bytes not in UTF-8: one object a line."""
    lines = [
        b"/round number:\xc2\xb2",  # '²': isdigit() says yes, int() says no
        b"/round number:--5",
        b"/path team:fol\rsom season:2024",  # a carriage return stays inside its line
        b"/path team:folsom season:2024\r",  # a Windows line end is only a line end
        b"/help \xff\xfe",
        b"/round number:4 season:2024",
    ]
    env = {key: value for key, value in os.environ.items() if key != "DISCORD_TOKEN"}
    env["DATABASE_URL"] = f"sqlite+aiosqlite:///{tmp_path / 'cli.sqlite3'}"
    env["DATA_DIR"] = str(ROOT / "data")
    done = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "--json"],
        cwd=tmp_path,
        env=env,
        input=b"\n".join(lines) + b"\n",
        capture_output=True,
        timeout=120,
    )
    replies = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert [reply["ok"] for reply in replies] == [False, False, False, True, False, True], done.stderr
    assert replies[0]["error"]["message"] == "'number' takes a round number, and '²' is not one."
    assert "'--5' is not one" in replies[1]["error"]["message"]
    assert "control characters" in replies[2]["error"]["message"]
    assert done.returncode == 1 and b"Traceback" not in done.stderr
