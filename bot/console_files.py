"""`python -m bot import FILE --season YEAR [--yes]` and `python -m bot import-undo BATCH [--yes]`.

The console's face of `bot.answers.imports`: a file (a fixtures, teams or byes CSV with data/'s columns, or
a season in the seed format) is checked against the store and previewed; `--yes` applies it as one batch,
and `import-undo BATCH` takes a batch back. Without `--season`, `--store` or a `.csv`, `python -m bot import`
keeps its first meaning: seed documents written into data/ (see `bot.__main__`).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, TextIO

from bot.settings import get_settings

if TYPE_CHECKING:  # the store and the answers are loaded only when an import runs
    from pydantic import BaseModel

    from bot.answers.errors import AnswerError
    from bot.answers.imports import ImportAnswer, UndoImportAnswer

STORE_ONLY = (
    ("yes", "--yes"),
    ("new_clubs", "--new-clubs"),
    ("overwrite", "--overwrite"),
    ("json", "--json"),
)


def add_store_options(parser: argparse.ArgumentParser) -> None:
    """The options of `import` that send a file to the store instead of writing seeds into data/."""
    parser.add_argument(
        "--season",
        type=int,
        metavar="YEAR",
        help="import FILE into the store as this season (a CSV needs it; a seed file names its own)",
    )
    parser.add_argument(
        "--store", action="store_true", help="import FILE into the store (a seed file: its season is read)"
    )
    parser.add_argument("--yes", action="store_true", help="apply the import (without it: a preview only)")
    parser.add_argument(
        "--new-clubs",
        action="store_true",
        help="enter the names the records do not hold as new clubs (the preview lists them)",
    )
    parser.add_argument(
        "--overwrite",
        action="store_true",
        help="replace results already entered where the file differs (otherwise they stand)",
    )
    parser.add_argument("--as", dest="actor", metavar="NAME", help="who imports (default: console:<user>)")
    parser.add_argument("--json", action="store_true", help="print the report as one JSON object")


def add_undo_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """`import-undo BATCH [--yes]`."""
    undo = commands.add_parser(
        "import-undo", help="take back a whole import into the store, by its batch (e.g. import-1a2b3c4d)"
    )
    undo.add_argument("batch", help="the batch the import named when it was applied")
    undo.add_argument("--yes", action="store_true", help="apply the undo (without it: a preview only)")
    undo.add_argument("--as", dest="actor", metavar="NAME", help="who undoes (default: console:<user>)")
    undo.add_argument("--json", action="store_true", help="print the answer as one JSON object")


def store_usage(args: argparse.Namespace) -> str | None:
    """Whether `import` goes to the store: None for data/ (seeds), "" for the store, else a usage error."""
    files = list(args.seeds)
    to_store = args.store or args.season is not None or any(f.suffix.lower() == ".csv" for f in files)
    if not to_store:
        given = [flag for name, flag in STORE_ONLY if getattr(args, name)] + (["--as"] if args.actor else [])
        if given:
            return (
                f"{' '.join(given)} {'is' if len(given) == 1 else 'are'} for an import into the store: "
                "add --store (or --season YEAR for a CSV); without them, import writes seed documents "
                "into data/"
            )
        return None
    if args.force:
        return "--force is for seed documents written into data/; an import into the store previews instead"
    if len(files) != 1:
        return "an import into the store takes one file at a time"
    if files[0].suffix.lower() == ".csv" and args.season is None:
        return f"{files[0].name} is a CSV, whose lines do not say their season: add --season YEAR"
    return ""


def _emit(out: TextIO, as_json: bool, command: str, answer: BaseModel, text: str) -> None:
    from bot.render.json import answer_json

    out.write((json.dumps(answer_json(command, answer), ensure_ascii=False) if as_json else text) + "\n")


def _refused(out: TextIO, err: TextIO, as_json: bool, command: str, error: AnswerError) -> int:
    from bot.render.json import error_json

    if as_json:
        out.write(json.dumps(error_json(command, error), ensure_ascii=False) + "\n")
    else:
        err.write(error.message + "\n")
    return 1


async def import_into_store(args: argparse.Namespace, *, out: TextIO | None = None) -> int:
    """Preview (or with --yes apply) one file into the store; 0 when it went through or changes nothing."""
    from bot.answers.errors import AnswerError
    from bot.answers.imports import import_file
    from bot.console import local_operator
    from bot.store.engine import DamagedStore, open_store

    out, err = out or sys.stdout, sys.stderr
    path = args.seeds[0]
    try:
        content = path.read_bytes()
    except OSError as error:
        err.write(f"{path}: cannot read it ({error.strerror or error})\n")
        return 1
    settings = get_settings()
    actor = args.actor or local_operator()
    options = {
        "season": args.season,
        "new_clubs": args.new_clubs,
        "overwrite": args.overwrite,
        "actor": actor,
    }
    try:
        async with open_store(settings.resolved_database_url(), settings.data_dir) as store:
            async with store.session() as session:
                try:
                    preview = await import_file(session, content=content, filename=path.name, **options)
                except AnswerError as error:
                    return _refused(out, err, args.json, "import", error)
            if not args.yes:
                _emit(out, args.json, "import", preview, import_text(preview))
                return 0 if preview.ready or not (preview.not_understood or preview.new_clubs) else 1
            if not preview.ready and not args.json:
                _emit(out, False, "import", preview, import_text(preview))
                return 1 if preview.not_understood or (preview.new_clubs and not args.new_clubs) else 0
            async with store.session() as session:
                try:
                    done = await import_file(
                        session, content=content, filename=path.name, apply=True, **options
                    )
                except AnswerError as error:
                    return _refused(out, err, args.json, "import", error)
            _emit(out, args.json, "import", done, import_text(done))
            return 0
    except DamagedStore as damaged:
        err.write(f"{damaged}\n")
        return 1


async def undo_in_store(args: argparse.Namespace, *, out: TextIO | None = None) -> int:
    """Preview (or with --yes apply) the undo of a whole import."""
    from bot.answers.errors import AnswerError
    from bot.answers.imports import import_undo
    from bot.console import local_operator
    from bot.store.engine import DamagedStore, open_store

    out, err = out or sys.stdout, sys.stderr
    settings = get_settings()
    try:
        async with open_store(settings.resolved_database_url(), settings.data_dir) as store:
            async with store.session() as session:
                try:
                    answer = await import_undo(
                        session, batch=args.batch, apply=args.yes, actor=args.actor or local_operator()
                    )
                except AnswerError as error:
                    return _refused(out, err, args.json, "import-undo", error)
            _emit(out, args.json, "import-undo", answer, undo_text(answer))
            return 0
    except DamagedStore as damaged:
        err.write(f"{damaged}\n")
        return 1


_KINDS = {
    "fixtures": "a fixtures CSV",
    "teams": "a teams CSV",
    "byes": "a byes CSV",
    "season": "a seed season",
}


def import_text(answer: ImportAnswer) -> str:
    """The import's report as plain text."""
    rows = f"{answer.rows} row{'' if answer.rows == 1 else 's'} read"
    lines = [f"{answer.file}: {_KINDS.get(answer.kind, answer.kind)} for {answer.season} — {rows}"]
    if answer.new_clubs:
        confirmed = " (entered as new: --new-clubs)" if answer.new_clubs_confirmed else ""
        lines.append(f"names the records do not hold{confirmed}:")
        for club in answer.new_clubs:
            where = f"line {club.line}: " if club.line is not None else ""
            maybe = (
                f"perhaps {', '.join(club.proposals)}"
                if club.proposals
                else "no club of the records is close"
            )
            lines.append(f"  {where}{club.name} — {maybe}")
    if answer.conflicts:
        lines.append("results already entered that the file gives differently:")
        for conflict in answer.conflicts:
            where = f"line {conflict.line}: " if conflict.line is not None else ""
            when = f", {conflict.entered_at:%Y-%m-%d %H:%M}" if conflict.entered_at else ""
            fate = "kept (--overwrite replaces it)" if conflict.kept else "replaced"
            lines.append(
                f"  {where}fixture {conflict.fixture} {conflict.home or '?'} v {conflict.away or '?'}: "
                f"the records have {conflict.store} ({conflict.entered_by}{when}), "
                f"the file {conflict.file}: {fate}"
            )
    if answer.not_understood:
        lines.append("lines not understood:")
        lines += [
            f"  {'line ' + str(p.line) + ': ' if p.line is not None else ''}{p.why}"
            for p in answer.not_understood
        ]
    lines += [f"note: {note}" for note in answer.notes[:20]]
    if answer.applied:
        lines.append("already applied:" if answer.already else "applied:")
    else:
        lines.append("the import would make:" if answer.ready else "what the file holds:")
    lines += [f"  - {effect}" for effect in answer.effects]
    if answer.applied and answer.batch:
        lines.append(f"batch {answer.batch}: {len(answer.revisions)} revisions")
    elif answer.confirm:
        lines.append(f"to go on: {answer.confirm}")
    return "\n".join(lines)


def undo_text(answer: UndoImportAnswer) -> str:
    """The undo's answer as plain text."""
    head = f"import {answer.batch} ({answer.season})"
    lines = [f"{head}: {'undone' if answer.applied else 'the undo would put back'}:"]
    lines += [f"  - {effect}" for effect in answer.effects]
    if answer.applied and answer.undo_batch:
        lines.append(f"batch {answer.undo_batch}: {len(answer.revisions)} revisions")
    elif answer.confirm:
        lines.append(f"to go on: {answer.confirm}")
    return "\n".join(lines)
