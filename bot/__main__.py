"""`python -m bot [run|ask|import|check-data|export|migrate|rebuild|outbox|status]`."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from bot.console_files import add_store_options, add_undo_command, store_usage
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
    run = commands.add_parser("run", help="run the bot on Discord (the default; needs DISCORD_TOKEN)")
    run.add_argument(
        "--shards",
        type=shard_list,
        metavar="IDS",
        help="hold only these shards in this process, e.g. 0-1 or 0,2 (sets SHARD_IDS; needs --of)",
    )
    run.add_argument(
        "--of", type=shard_count, metavar="N", help="how many shards the bot has in all (sets SHARD_COUNT)"
    )
    ask = commands.add_parser("ask", help="answer commands without Discord, e.g. ask '/path team:folsom'")
    ask.add_argument(
        "command",
        nargs="*",
        help="a command such as '/path team:folsom season:2024'; "
        "none: read commands from standard input, one per line",
    )
    ask.add_argument("--json", action="store_true", help="print one JSON object per command")
    ask.add_argument("--yes", action="store_true", help="apply writing commands (without it they preview)")
    ask.add_argument(
        "--as",
        dest="actor",
        metavar="NAME",
        help="who makes the changes (default: console:<user>)",
    )
    seed = commands.add_parser(
        "import",
        help="read seed documents and write their seasons into data/; with --season YEAR or --store "
        "(or a .csv): check one file against the store, and with --yes import it",
    )
    seed.add_argument("seeds", nargs="+", type=Path, help="seed-format text files (or one CSV for the store)")
    seed.add_argument(
        "--force",
        action="store_true",
        help="write a season even though the reader reported errors (otherwise nothing is written)",
    )
    add_store_options(seed)
    add_undo_command(commands)
    commands.add_parser("check-data", help="validate data/ and report the sources' disagreements")
    export = commands.add_parser("export", help="write the store's seasons back to data/ files")
    export.add_argument("--season", type=int, metavar="YEAR", help="export this season only (default: all)")
    export.add_argument(
        "--out", type=Path, metavar="DIR", help="write to this folder instead of the configured DATA_DIR"
    )
    commands.add_parser("migrate", help="bring the database schema up to date (Alembic)")
    commands.add_parser("outbox", help="list the notifications' deliveries: pending, sent and failing")
    status = commands.add_parser(
        "status", help="the bot processes running on this store (shards, heartbeat, version), and the outbox"
    )
    status.add_argument("--json", action="store_true", help="print it as one JSON object")
    commands.add_parser(
        "rebuild",
        help="replace a damaged SQLite store with one built from data/ (the old file is kept beside it)",
    )
    return parser


async def _ask(commands: list[str], as_json: bool, *, apply: bool = False, actor: str | None = None) -> int:
    from bot.console import command_lines, run_console
    from bot.store.engine import DamagedStore, open_store

    settings = get_settings()
    if not commands and sys.stdin.isatty():  # a person at a terminal would otherwise see nothing happen
        print(
            "Reading commands from standard input, one per line (Ctrl-D to end). "
            "Or ask one directly: python -m bot ask '/help'",
            file=sys.stderr,
        )
    lines = [" ".join(commands)] if commands else command_lines(sys.stdin.buffer)
    try:
        async with open_store(settings.resolved_database_url(), settings.data_dir) as store:
            return await run_console(store, lines, as_json=as_json, apply=apply, actor=actor)
    except DamagedStore as damaged:
        print(damaged, file=sys.stderr)
        return 1


def _import(seeds: list[Path], *, force: bool = False) -> int:
    """Import each seed; a document that cannot be imported is one line on stderr, and the status 1."""
    from bot.seasons.importer import NotASeason, import_report, import_seed

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
        for line in import_report(facts):
            print(line)
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
    """Check data/ (every file, every season) and the store against it; status 1 on any error.

    A file that is missing, unreadable or malformed is an error line naming it, never a traceback; the
    store is only read (integrity, and its facts per season against data/), never created or changed.
    """
    from bot.seasons.check import check_data, render_report
    from bot.store.loader import check_store

    settings = get_settings()
    report = check_data(data_dir=settings.data_dir)
    store = asyncio.run(check_store(url=settings.resolved_database_url(), report=report))
    print(render_report(report.seasons, data=report.section(), store=store))
    return 1 if report.errors or store.problems else 0


async def _export(season: int | None, out: Path | None) -> int:
    """Write the store's seasons (or one) to data/ files; status 1 if a season is missing or not written.

    The store is opened as the bot opens it, so a changed data/ is merged in first (a moderator's result
    standing where they disagree); then each season is written to DIR/seasons/<year>/, swapped in whole.
    """
    from bot.store.engine import DamagedStore, open_store
    from bot.store.export import SeasonNotInStore, copy_curated, export_seasons
    from bot.store.loader import DATA_VERSION_KEY, data_version

    settings = get_settings()
    target = out if out is not None else settings.data_dir
    if target.exists() and not target.is_dir():
        print(f"{target} is not a folder: name a folder for --out", file=sys.stderr)
        return 1
    in_place = target.resolve() == settings.data_dir.resolve()
    try:
        async with open_store(settings.resolved_database_url(), settings.data_dir) as store:
            if in_place and await store.get_meta(DATA_VERSION_KEY) != data_version(settings.data_dir):
                print(
                    f"Nothing exported: {settings.data_dir} holds changes the store could not load "
                    "(python -m bot check-data says why), and exporting would overwrite them: correct data/ "
                    "first, or export to another folder with --out DIR.",
                    file=sys.stderr,
                )
                return 1
            async with store.session() as session:
                done = await export_seasons(
                    session=session, out=target, years=[season] if season is not None else None
                )
    except DamagedStore as damaged:
        print(damaged, file=sys.stderr)
        return 1
    except SeasonNotInStore as missing:
        print(f"Nothing exported: {missing}.", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"Cannot write to {target}: {error.strerror or error}", file=sys.stderr)
        return 1
    if not done:
        print("The store holds no season yet: nothing to export.")
        return 0
    status = 0
    for exported in done:
        if exported.problems:
            status = 1
            print(
                f"{exported.year}: not written: it fails {len(exported.problems)} checks of check-data, "
                "so the bot would not load it; correct the store with the moderators' commands first:",
                file=sys.stderr,
            )
            for problem in exported.problems[:10]:
                print(f"  {problem}", file=sys.stderr)
            continue
        print(f"{exported.year} → {exported.folder}" + ("" if exported.written else " (unchanged)"))
    if not in_place:
        try:
            copied = copy_curated(data_dir=settings.data_dir, out=target)
        except OSError as error:
            print(
                f"Cannot copy aliases.csv and rules/ to {target}: {error.strerror or error}", file=sys.stderr
            )
            return 1
        if copied:
            curated = "aliases.csv, rules/"
            print(f"copied {len(copied)} files the store does not hold ({curated}) from {settings.data_dir}")
    return status


async def _migrate() -> int:
    from bot.store.engine import DamagedStore, Store

    settings = get_settings()
    store = Store(settings.resolved_database_url(), settings.data_dir)
    try:
        await store.migrate()
    except DamagedStore as damaged:
        print(damaged, file=sys.stderr)
        return 1
    finally:
        await store.close()
    print("schema is up to date")
    return 0


REBUILD_WARNING = """\
Rebuilding {path} from {data_dir}: the new store holds what data/ holds, so whatever was changed in the
store since data/ was last exported from it would be lost: moderators' results, draws and byes entered
since the last `python -m bot export`. Export first if the damaged store can still be read; the old file is
kept beside the new one all the same."""


async def _rebuild() -> int:
    """Replace the SQLite store with one built from data/, keeping the old file; refuse on PostgreSQL."""
    from sqlalchemy import make_url

    from bot.store.engine import StoreInUse, in_use, rebuild_sqlite, sqlite_file
    from bot.store.loader import DataError

    settings = get_settings()
    url = settings.resolved_database_url()
    path = sqlite_file(url)
    if path is None:
        backend = make_url(url).get_backend_name()
        where = "on PostgreSQL" if backend == "postgresql" else f"not an SQLite file ({backend})"
        print(
            f"rebuild replaces an SQLite store's file, and this store is {where}: it is left alone. "
            "To start it afresh, drop and create the database (after a backup); the next start loads data/.",
            file=sys.stderr,
        )
        return 1
    if in_use(path):
        print(StoreInUse(path), file=sys.stderr)
        return 1
    print(REBUILD_WARNING.format(path=path, data_dir=settings.data_dir), file=sys.stderr)
    try:
        rebuilt = await rebuild_sqlite(url, settings.data_dir)
    except StoreInUse as busy:
        print(busy, file=sys.stderr)
        return 1
    except DataError as refused:
        print(f"Nothing was replaced: {refused}. Fix data/, then rebuild again.", file=sys.stderr)
        return 1
    if rebuilt.kept is None:
        print(f"There was no store at {path}: built one from {settings.data_dir}.")
        return 0
    if rebuilt.damage is not None:
        print(f"Kept the damaged store ({rebuilt.damage}) as {rebuilt.kept}.")
    else:
        print(f"Kept the old store as {rebuilt.kept}.")
    print(f"Rebuilt {path} from {settings.data_dir}.")
    return 0


async def _outbox() -> int:
    """Print the outbox (following clubs): deliveries pending, sent and failing."""
    from bot.store.engine import open_store
    from bot.store.outbox import outbox_text

    settings = get_settings()
    async with (
        open_store(settings.resolved_database_url(), settings.data_dir) as store,
        store.session() as session,
    ):
        print(await outbox_text(session=session))
    return 0


async def _status(as_json: bool) -> int:
    """Print each bot process recorded in the store (stale ones marked), the store version, the outbox.

    Only reads: the store is not created, migrated or loaded from data/ (processes may be running on it).
    """
    import json

    from sqlalchemy.exc import DBAPIError

    from bot.store.engine import Store, sqlite_file
    from bot.store.processes import store_status

    settings = get_settings()
    url = settings.resolved_database_url()
    path = sqlite_file(url)
    if path is not None and not path.is_file():
        print(f"There is no store at {path} yet: no bot has run on it.", file=sys.stderr)
        return 1
    store = Store(url, settings.data_dir)
    try:
        async with store.session() as session:
            found = await store_status(session=session)
    except (DBAPIError, OSError) as error:
        said = str(error.orig if isinstance(error, DBAPIError) else error).strip().splitlines() or ["?"]
        print(
            f"Cannot read the bot processes from the store ({said[0]}): is it running and migrated? "
            "(python -m bot migrate)",
            file=sys.stderr,
        )
        return 1
    finally:
        await store.close()
    print(json.dumps(found.as_json()) if as_json else found.text())
    return 0


def shard_list(written: str) -> list[int]:
    """`0-1`, `0,2` or `3` (as `--shards` takes them) as shard ids."""
    shards: set[int] = set()
    try:
        for part in written.replace(" ", "").split(","):
            first, _, last = part.partition("-")
            shards.update(range(int(first), int(last or first) + 1))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{written!r} is not shard ids such as 0-1 or 0,2") from None
    if not shards:
        raise argparse.ArgumentTypeError(f"{written!r} names no shard")
    return sorted(shards)


def shard_count(written: str) -> int:
    """`--of N`: a number of shards, 1 or more."""
    try:
        count = int(written)
    except ValueError:
        count = 0
    if count < 1:
        raise argparse.ArgumentTypeError(f"{written!r} is not a number of shards (1 or more)")
    return count


def _run(shards: list[int] | None = None, of: int | None = None) -> int:
    settings = get_settings()
    if shards is not None or of is not None:  # --shards/--of: this process's SHARD_IDS and SHARD_COUNT
        settings = settings.model_copy(
            update={
                "shard_ids": shards if shards is not None else settings.shard_ids,
                "shard_count": of if of is not None else settings.shard_count,
            }
        )
    if not settings.discord_token:
        print(NO_TOKEN, file=sys.stderr)
        return 2
    problem = settings.shard_problem()
    if problem:
        print(problem, file=sys.stderr)
        return 1
    from bot.client import run_bot  # light: the store side is imported while the gateway connects

    try:
        return run_bot(settings)
    except Exception as failure:
        from bot.store.engine import DamagedStore

        if not isinstance(failure, DamagedStore):
            raise
        print(failure, file=sys.stderr)
        return 1


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    args = _parser().parse_args(argv)
    action = args.action or "run"
    if action == "ask":
        return asyncio.run(_ask(args.command, args.json, apply=args.yes, actor=args.actor))
    if action == "import":
        usage = store_usage(args)
        if usage:
            print(f"python -m bot import: {usage}", file=sys.stderr)
            return 2
        if usage == "":
            from bot.console_files import import_into_store

            return asyncio.run(import_into_store(args))
        return _import(args.seeds, force=args.force)
    if action == "import-undo":
        from bot.console_files import undo_in_store

        return asyncio.run(undo_in_store(args))
    if action == "check-data":
        return _check_data()
    if action == "export":
        return asyncio.run(_export(args.season, args.out))
    if action == "migrate":
        return asyncio.run(_migrate())
    if action == "outbox":
        return asyncio.run(_outbox())
    if action == "rebuild":
        return asyncio.run(_rebuild())
    if action == "status":
        return asyncio.run(_status(args.json))
    return _run(getattr(args, "shards", None), getattr(args, "of", None))


if __name__ == "__main__":
    sys.exit(main())
