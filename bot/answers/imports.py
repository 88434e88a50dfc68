"""The moderators' bulk commands: `/import` (a file in), its undo, and `/export` (a season out).

`import_file` validates an uploaded file without writing and answers with a report: rows read, new clubs
(each with the clubs the team index proposes), conflicts with results already entered, lines not
understood. With `apply` it writes the whole file as one batch of revisions (see `bot.store.imports`),
which `import_undo` takes back as a whole. `export_season` gives a season of the store as its data/ files,
one by one and as one zip. No Discord here: the faces attach, render and confirm.

The rule for new clubs: a name the records do not hold (as written, whatever its case, accents or
punctuation) is a new club. An import holding any refuses to apply until the moderator either writes those
names as the records do (the report proposes the clubs they may be) or confirms them all as new clubs
(`new_clubs`). A moderator's result that the file contradicts stands unless `overwrite` is given.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Sequence
from pathlib import Path

from pydantic import Field
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.answers.errors import BadOption, SeasonNotFound
from bot.answers.lookup import current_model
from bot.answers.report import Refused
from bot.modelbase import Deferred
from bot.names import AliasRule
from bot.seasons.datafiles import DataFileError, read_aliases
from bot.seasons.upload import MAX_UPLOAD_BYTES, BadUpload, LineProblem, Upload, read_upload
from bot.store.export import SeasonNotInStore
from bot.store.imports import (
    ImportPlan,
    apply_import,
    apply_undo,
    batch_of_request,
    plan_import,
    plan_undo,
    season_files,
)
from bot.store.models import Revision, Season
from bot.store.writes import WriteRefused

__all__ = ["MAX_UPLOAD_BYTES", "LineProblem"]

NEW_CLUBS_RULE = (
    "names the records do not hold are new clubs: write them as the records do (see the proposals), "
    "or confirm them all as new (new_clubs)"
)


class NewClubLine(Deferred):
    """A name the records do not hold, and the clubs of the records it may be."""

    name: str
    line: int | None
    proposals: list[str] = Field(default_factory=list)


class ConflictLine(Deferred):
    """A line whose result differs from the one already entered."""

    fixture: int
    line: int | None
    home: str | None
    away: str | None
    store: str  # the result the store holds, in words
    file: str  # the result the file gives
    entered_by: str
    entered_at: dt.datetime | None
    kept: bool  # the store's result stands (no overwrite)


class ImportAnswer(Deferred):
    """What an import would do (a preview) or did (applied)."""

    file: str
    kind: str  # fixtures / teams / byes / season (the seed format)
    season: int
    applied: bool = False
    already: bool = False  # this request had been applied before: nothing was applied again
    batch: str | None = None  # the batch of revisions it made (undo: import-undo BATCH)
    revision: int | None = None  # the batch's first revision
    revisions: list[int] = Field(default_factory=list)
    rows: int = 0
    new_season: bool = False
    new_clubs: list[NewClubLine] = Field(default_factory=list)
    new_clubs_confirmed: bool = False
    entries_added: int = 0
    entries_changed: int = 0
    fixtures_added: int = 0
    results: int = 0
    fixtures_changed: int = 0
    sides_filled: int = 0
    byes_added: int = 0
    rounds_added: int = 0
    unchanged: int = 0  # lines that change nothing
    kept: int = 0  # lines without a result, on ties that have one (left as they are)
    conflicts: list[ConflictLine] = Field(default_factory=list)
    not_understood: list[LineProblem] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    effects: list[str] = Field(default_factory=list)
    ready: bool = False  # whether applying would go ahead now
    confirm: str = ""  # how to apply this preview, or why it cannot be
    actor: str = ""


class UndoImportAnswer(Deferred):
    """What undoing an import would do, or did."""

    batch: str
    season: int
    applied: bool = False
    already: bool = False
    undo_batch: str | None = None
    revision: int | None = None
    revisions: list[int] = Field(default_factory=list)
    effects: list[str] = Field(default_factory=list)
    confirm: str = ""
    actor: str = ""


class ExportFile(Deferred):
    """One file of an exported season (its content is not part of the JSON)."""

    name: str
    size: int
    content: bytes = Field(default=b"", exclude=True, repr=False)


class ExportAnswer(Deferred):
    """A season of the store as data/ files: each file, and all of them as one zip."""

    season: int
    files: list[ExportFile] = Field(default_factory=list)
    total_size: int = 0
    zip_name: str = ""
    zip_size: int = 0
    zip_content: bytes = Field(default=b"", exclude=True, repr=False)
    problems: list[str] = Field(default_factory=list)  # checks of check-data the season fails

    def contents(self) -> dict[str, bytes]:
        """The files, name → bytes."""
        return {file.name: file.content for file in self.files}


def _aliases(session: AsyncSession) -> list[AliasRule]:
    """data/'s curated spellings (the seed reader joins a club's spellings with them), if there are any."""
    data_dir = session.info.get("data_dir")
    if not isinstance(data_dir, Path):
        return []
    try:
        return read_aliases(data_dir)
    except DataFileError:
        return []  # check-data reports a damaged aliases.csv; the reader does without it


async def _year_of(session: AsyncSession, season_id: int | None) -> int:
    season = await session.get(Season, season_id) if season_id is not None else None
    return season.year if season is not None else 0


def _ids(revisions: Sequence[Revision]) -> list[int]:
    return [revision.id for revision in revisions if revision.id is not None]


async def import_file(
    session: AsyncSession,
    *,
    content: bytes,
    filename: str,
    season: int | None = None,
    new_clubs: bool = False,
    overwrite: bool = False,
    apply: bool = False,
    actor: str = "console",
    request: str | None = None,
    aliases: Sequence[AliasRule] | None = None,
) -> ImportAnswer:
    """Check an uploaded file against the store (a preview), or with `apply` import it as one batch.

    `season` is required for a CSV; a seed-format file names its own. The same `request` applies once:
    applied again, it answers with the batch it made (`already`). Refusals (`Refused`): the file cannot be
    read (`file_too_large`, `bad_file`), lines were not understood (`not_understood`), new clubs are not
    confirmed (`new_clubs`), the store changed meanwhile (`changed_meanwhile`).
    """
    rules = _aliases(session) if aliases is None else list(aliases)
    try:
        upload = read_upload(content, filename, season=season, aliases=rules)
    except BadUpload as refused:
        raise Refused(refused.code, refused.message) from None
    if apply:
        done = await batch_of_request(session, request)
        if done:
            return ImportAnswer(
                file=upload.filename,
                kind=upload.kind,
                season=await _year_of(session, done[0].season_id),
                applied=True,
                already=True,
                batch=done[0].batch,
                revision=done[0].id,
                revisions=_ids(done),
                effects=[f"already applied, as import {done[0].batch}: nothing was applied again"],
                actor=actor,
            )
    model = await current_model(session, fresh=True)  # a writer sees the store as it is now
    plan = plan_import(model, upload, overwrite=overwrite, aliases=rules)
    answer = _report(plan, upload, new_clubs=new_clubs, overwrite=overwrite, actor=actor)
    if not apply:
        return answer
    if answer.not_understood:
        first = answer.not_understood[0]
        where = f"line {first.line}: " if first.line is not None else ""
        count = len(answer.not_understood)
        raise Refused(
            "not_understood",
            f"Nothing was imported: {count} line{'s' if count != 1 else ''} of {upload.filename} "
            f"{'were' if count != 1 else 'was'} not understood ({where}{first.why.rstrip('.')}); "
            "correct the file and import it again.",
        )
    if answer.new_clubs and not new_clubs:
        raise Refused("new_clubs", f"Nothing was imported: {_new_clubs_words(answer)}.")
    if not answer.ready:  # nothing to change
        return answer
    try:
        made = await apply_import(session=session, plan=plan, actor=actor, request=request)
    except WriteRefused as refused:
        raise Refused(refused.code, refused.message) from None
    answer.applied, answer.confirm, answer.already = True, "", made.already
    answer.batch = made.batch
    answer.revision = made.revisions[0].id if made.revisions else None
    answer.revisions = _ids(made.revisions)
    if answer.batch:
        answer.effects.append(f"undo all of it with: python -m bot import-undo {answer.batch}")
    return answer


def _new_clubs_words(answer: ImportAnswer) -> str:
    shown = []
    for club in answer.new_clubs[:5]:
        maybe = f" (perhaps {' or '.join(club.proposals[:2])})" if club.proposals else ""
        shown.append(f"{club.name}{maybe}")
    more = f" and {len(answer.new_clubs) - 5} more" if len(answer.new_clubs) > 5 else ""
    count = len(answer.new_clubs)
    return (
        f"{count} name{'s' if count != 1 else ''} in the file {'are' if count != 1 else 'is'} not in the "
        f"records: {', '.join(shown)}{more}; write them as the records do, or confirm them as new clubs "
        "(new_clubs)"
    )


def _report(
    plan: ImportPlan, upload: Upload, *, new_clubs: bool, overwrite: bool, actor: str
) -> ImportAnswer:
    counts = plan.count()
    answer = ImportAnswer(
        file=upload.filename,
        kind=upload.kind,
        season=plan.year,
        rows=upload.rows,
        new_season=plan.new_season,
        new_clubs=[
            NewClubLine(name=club.name, line=club.line, proposals=club.proposals) for club in plan.new_clubs
        ],
        new_clubs_confirmed=new_clubs and bool(plan.new_clubs),
        unchanged=plan.unchanged,
        kept=plan.kept,
        conflicts=[
            ConflictLine(
                fixture=conflict.number,
                line=conflict.line,
                home=conflict.home,
                away=conflict.away,
                store=conflict.store,
                file=conflict.file,
                entered_by=conflict.entered_by,
                entered_at=conflict.entered_at,
                kept=not conflict.overwritten,
            )
            for conflict in plan.conflicts
        ],
        not_understood=plan.problems,
        notes=list(upload.notes),
        actor=actor,
    )
    for key, value in counts.items():
        setattr(answer, key, value)
    effects = answer.effects
    if plan.new_season:
        effects.append(f"a new {plan.year} season")
    if plan.new_clubs:
        effects.append(
            f"{_count(len(plan.new_clubs), 'new club')}: "
            + ", ".join(c.name for c in plan.new_clubs[:10])
            + (" …" if len(plan.new_clubs) > 10 else "")
        )
    for key, words in (
        ("entries_added", "club entered"),
        ("entries_changed", "entry changed"),
        ("rounds_added", "round added"),
        ("fixtures_added", "tie drawn"),
        ("results", "result entered"),
        ("fixtures_changed", "tie changed"),
        ("sides_filled", "side following from a result"),
        ("byes_added", "bye"),
    ):
        if counts[key]:
            effects.append(_count(counts[key], words))
    kept = [c for c in answer.conflicts if c.kept]
    if kept:
        effects.append(
            f"{_count(len(kept), 'result')} already entered and different in the file: kept "
            "(overwrite to replace them)"
        )
    if answer.conflicts and not kept:
        effects.append(f"{_count(len(answer.conflicts), 'result')} already entered: replaced (overwrite)")
    if plan.unchanged:
        effects.append(f"{_count(plan.unchanged, 'line')} the records hold already")
    if plan.kept:
        effects.append(
            f"{_count(plan.kept, 'line')} of the draw for ties that have their result: left as they are"
        )
    changes = plan.changes()
    blocked = bool(plan.problems) or (bool(plan.new_clubs) and not new_clubs)
    answer.ready = changes > 0 and not blocked
    if plan.problems:
        answer.confirm = "correct the lines not understood, then import the file again"
    elif plan.new_clubs and not new_clubs:
        answer.confirm = NEW_CLUBS_RULE
    elif not changes:
        answer.confirm = ""
        effects.append("nothing to import: the records hold all of it already")
    else:
        answer.confirm = (
            "apply with --yes"
            + (" --new-clubs" if plan.new_clubs else "")
            + (" --overwrite" if overwrite and plan.conflicts else "")
        )
    return answer


_PLURALS = {
    "new club": "new clubs",
    "club entered": "clubs entered",
    "entry changed": "entries changed",
    "round added": "rounds added",
    "tie drawn": "ties drawn",
    "result entered": "results entered",
    "tie changed": "ties changed",
    "side following from a result": "sides following from results",
    "bye": "byes",
    "result": "results",
    "line": "lines",
}


def _count(number: int, noun: str) -> str:
    return f"{number} {noun if number == 1 else _PLURALS[noun]}"


def _batch_words(batch: str) -> str:
    text = batch.strip()
    if not text or len(text) > 60 or any(unicodedata.category(ch)[0] == "C" for ch in text):
        raise BadOption(
            "Name the import to undo by its batch, such as import-1a2b3c4d (the import names it)."
        )
    return text


async def import_undo(
    session: AsyncSession,
    *,
    batch: str,
    apply: bool = False,
    actor: str = "console",
    request: str | None = None,
) -> UndoImportAnswer:
    """Preview (or, with `apply`, make) the undo of a whole import, as one new batch of revisions."""
    batch = _batch_words(batch)
    if apply:
        done = await batch_of_request(session, request)
        if done:
            return UndoImportAnswer(
                batch=batch,
                season=await _year_of(session, done[0].season_id),
                applied=True,
                already=True,
                undo_batch=done[0].batch,
                revision=done[0].id,
                revisions=_ids(done),
                effects=["already undone by this request: nothing was applied again"],
                actor=actor,
            )
    try:
        plan = await plan_undo(session=session, batch=batch)
    except WriteRefused as refused:
        raise Refused(refused.code, refused.message) from None
    answer = UndoImportAnswer(
        batch=batch,
        season=await _year_of(session, plan.season_id),
        effects=plan.effects,
        confirm="apply with --yes",
        actor=actor,
    )
    if not apply:
        return answer
    try:
        made = await apply_undo(session=session, plan=plan, actor=actor, request=request)
    except WriteRefused as refused:
        raise Refused(refused.code, refused.message) from None
    answer.applied, answer.confirm, answer.already = True, "", made.already
    answer.undo_batch = made.batch
    answer.revision = made.revisions[0].id if made.revisions else None
    answer.revisions = _ids(made.revisions)
    return answer


async def export_season(session: AsyncSession, *, season: int) -> ExportAnswer:
    """A season of the store as its data/ files (the bytes `python -m bot export` writes) and as one zip."""
    try:
        exported = await season_files(session=session, year=season)
    except SeasonNotInStore as missing:
        known = [str(year) for year in sorted((await session.exec(select(Season.year))).all(), reverse=True)]
        raise SeasonNotFound(f"{str(missing)[0].upper()}{str(missing)[1:]}.", candidates=known) from None
    packed = exported.zipped()
    files = [ExportFile(name=name, size=len(data), content=data) for name, data in exported.files.items()]
    return ExportAnswer(
        season=season,
        files=files,
        total_size=sum(file.size for file in files),
        zip_name=f"opencup-{season}.zip",
        zip_size=len(packed),
        zip_content=packed,
        problems=exported.problems,
    )
