"""`python -m bot [run|ask|import|check-data|migrate]`."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from bot.settings import get_settings

NO_TOKEN = """\
DISCORD_TOKEN is not set, so the bot cannot log in to Discord.
Put it in the environment or in a .env file (copy .env.example and fill it in).
Without Discord, the console answers the same commands:
  python -m bot ask '/path team:folsom season:2024'
  python -m bot ask --json '/result team:Holac FC season:2024'"""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="Open Cup Bot")
    commands = parser.add_subparsers(dest="action", metavar="COMMAND")
    commands.add_parser("run", help="run the bot on Discord (the default; needs DISCORD_TOKEN)")
    ask = commands.add_parser("ask", help="answer commands without Discord, e.g. ask '/path team:folsom'")
    ask.add_argument(
        "command",
        nargs="*",
        help="a command such as '/path team:folsom season:2024'; "
        "none: read commands from standard input, one per line",
    )
    ask.add_argument("--json", action="store_true", help="print one JSON object per command")
    seed = commands.add_parser("import", help="read seed documents and write their seasons into data/")
    seed.add_argument("seeds", nargs="+", type=Path, help="seed-format text files")
    seed.add_argument(
        "--force",
        action="store_true",
        help="write a season even though the reader reported errors (otherwise nothing is written)",
    )
    commands.add_parser("check-data", help="validate data/ and report the sources' disagreements")
    commands.add_parser("migrate", help="bring the database schema up to date (Alembic)")
    return parser


async def _ask(commands: list[str], as_json: bool) -> int:
    from bot.console import command_lines, run_console
    from bot.store.engine import open_store

    settings = get_settings()
    if not commands and sys.stdin.isatty():  # a person at a terminal would otherwise see nothing happen
        print(
            "Reading commands from standard input, one per line (Ctrl-D to end). "
            "Or ask one directly: python -m bot ask '/help'",
            file=sys.stderr,
        )
    lines = [" ".join(commands)] if commands else command_lines(sys.stdin.buffer)
    async with open_store(settings.resolved_database_url(), settings.data_dir) as store:
        return await run_console(store, lines, as_json=as_json)


def _import(seeds: list[Path], *, force: bool = False) -> int:
    """Import each seed; a document that cannot be imported is one line on stderr, and the status 1."""
    from bot.seasons.importer import NotASeason, import_seed

    data_dir = get_settings().data_dir
    status = 0
    for seed in seeds:
        if not seed.is_file():
            print(f"{seed}: {'not a file' if seed.exists() else 'no such file'}", file=sys.stderr)
            status = 1
            continue
        try:
            outcome = import_seed(seed, data_dir, force=force)
        except NotASeason as refusal:
            print(f"{refusal}; nothing written", file=sys.stderr)
            status = 1
            continue
        except OSError as error:
            print(f"{seed}: cannot import: {error.strerror or error}", file=sys.stderr)
            status = 1
            continue
        facts = outcome.facts
        counts = f"{len(facts.teams)} teams, {len(facts.fixtures)} fixtures, {len(facts.byes)} byes"
        if not outcome.written:
            where = f"; nothing written to {outcome.folder}"
        else:
            where = f" → {outcome.folder}" + (" (unchanged)" if outcome.unchanged else "")
        print(f"{seed.name}: {facts.year} — {counts}{where}")
        for finding in facts.findings:
            print(f"  {finding.level}: {finding.message}")
        if outcome.errors:
            errors = f"{len(outcome.errors)} error{'s' if len(outcome.errors) != 1 else ''}"
            if outcome.written:
                print(f"  Written despite {errors}, because of --force: data/ needs a person before use.")
            else:
                print(
                    f"  Nothing written because of {errors}: review them (often a spelling for "
                    "data/aliases.csv) and import again, or pass --force to write the season anyway."
                )
            status = 1
    return status


def _check_data() -> int:
    from bot.seasons.check import check_season, render_report
    from bot.seasons.datafiles import read_all

    reports = [check_season(facts) for facts in read_all(get_settings().data_dir)]
    print(render_report(reports))
    return 1 if any(report.errors for report in reports) or not reports else 0


async def _migrate() -> int:
    from bot.store.engine import Store

    settings = get_settings()
    store = Store(settings.resolved_database_url(), settings.data_dir)
    try:
        await store.migrate()
    finally:
        await store.close()
    print("schema is up to date")
    return 0


def _run() -> int:
    settings = get_settings()
    if not settings.discord_token:
        print(NO_TOKEN, file=sys.stderr)
        return 2
    from bot.client import run_bot

    return run_bot(settings)


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    args = _parser().parse_args(argv)
    action = args.action or "run"
    if action == "ask":
        return asyncio.run(_ask(args.command, args.json))
    if action == "import":
        return _import(args.seeds, force=args.force)
    if action == "check-data":
        return _check_data()
    if action == "migrate":
        return asyncio.run(_migrate())
    return _run()


if __name__ == "__main__":
    sys.exit(main())
