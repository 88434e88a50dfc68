"""Moderators on any face but the console: who may write, what their pick lists offer, preview and confirm.

Everything here is free of Discord. `may_write` decides from plain facts (the guild, the member's roles,
whether they may manage the server) and the settings; `open_ties` and `opponents` are pure functions of the
store's model for autocomplete; `preview_write` and `confirm_write` run a writing command of the command
table as a preview and, later (perhaps in another process), as the write it previewed; `preview_import` and
`confirm_file_write` do the same for a whole file (an import, or the undo of one).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.answers.commands import COMMANDS
from bot.answers.errors import BadOption, SeasonNotFound
from bot.answers.lookup import current_model, season_in
from bot.answers.models import RoundMatch
from bot.answers.report import FixtureView, Refused, WriteAnswer, fixture_view
from bot.answers.round import round_match
from bot.names import IndexedTeam, TeamIndex
from bot.settings import Settings
from bot.store.model import SeasonSnapshot, StoreModel
from bot.store.models import Fixture, PendingWrite, Revision
from bot.store.pending import last_change_by, revision_of_request

if TYPE_CHECKING:  # the file imports' machinery is loaded when a file is imported, not at start-up
    from bot.answers.imports import ImportAnswer, UndoImportAnswer

    FileAnswer = ImportAnswer | UndoImportAnswer

Reason = Literal["direct_message", "guild", "role", "manage_server"]
FIXTURE_KINDS = ("report", "undo")  # writing commands that change one tie, and preview its version


class NotAllowed(Refused):
    """A moderator's command refused before it did anything, saying which condition failed."""

    def __init__(self, reason: Reason, message: str) -> None:
        """`reason`: a direct message, a guild not in MOD_GUILD_IDS, no moderator role, no Manage Server."""
        super().__init__("not_allowed", message)
        self.reason = reason


def may_write(
    *, guild_id: int | None, role_ids: Collection[int], manage_guild: bool, settings: Settings
) -> NotAllowed | None:
    """None if a member may use the moderators' commands here; otherwise the refusal, naming what failed.

    The guild must be one of MOD_GUILD_IDS, and the member must hold one of MOD_ROLE_IDS (when none are set:
    the Manage Server permission). A direct message is never a place to write from.
    """
    if guild_id is None:
        return NotAllowed(
            "direct_message",
            "Moderators' commands work only in a server this bot takes results in, not in direct messages.",
        )
    if guild_id not in settings.mod_guild_ids:
        return NotAllowed(
            "guild", "This server is not one this bot takes results in, so nothing can be changed from here."
        )
    if settings.mod_role_ids:
        if not set(role_ids) & set(settings.mod_role_ids):
            return NotAllowed(
                "role",
                "Only members with a moderator role can change results here: ask a server admin for one.",
            )
        return None
    if not manage_guild:
        return NotAllowed(
            "manage_server",
            "Only members with the Manage Server permission can change results here (no moderator "
            "roles are set).",
        )
    return None


def actor_name(user_name: str) -> str:
    """How revisions name a moderator acting on Discord ('mod:alice')."""
    return f"mod:{user_name}"


# ------------------------------------------------------------------ autocomplete


@dataclass(frozen=True)
class TieChoice:
    """A tie offered for `fixture:`, labelled '#88 FC Folsom v Valley 559 FC · R3 · Oct 21'."""

    number: int
    label: str


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def tie_label(view: SeasonSnapshot, tie: Fixture, *, limit: int = 100) -> str:
    """'#88 FC Folsom v Valley 559 FC · R3 · Oct 21', with the clubs' names shortened to fit `limit`."""
    sides = [
        view.name(team_id) or (f"winner of #{feed}" if feed else "?")
        for team_id, feed in ((tie.home_id, tie.home_from_fixture), (tie.away_id, tie.away_from_fixture))
    ]
    tail = f" · R{tie.round}" + (f" · {tie.date:%b} {tie.date.day}" if tie.date else "")
    if tie.status != "played" and tie.status != "scheduled":
        tail += f" · {tie.status}"
    elif tie.status == "played":
        tail += " · " + _result_words(round_match(tie, view))
    head = f"#{tie.number} "
    room = max(8, (limit - len(head) - len(tail) - 3) // 2)
    return _clip(f"{head}{_clip(sides[0], room)} v {_clip(sides[1], room)}{tail}", limit)


def _open(tie: Fixture) -> bool:
    """A tie that can take a result now: both sides known, and not played or struck from the record."""
    return tie.status not in ("played", "annulled") and tie.home_id is not None and tie.away_id is not None


def _season(model: StoreModel, season: int | None) -> SeasonSnapshot | None:
    try:
        return season_in(model, season)
    except SeasonNotFound:
        return None


def open_ties(model: StoreModel, *, season: int | None, typed: str = "", limit: int = 25) -> list[TieChoice]:
    """The season's open ties for `fixture:`, soonest first, filtered by what is typed.

    Digits match the tie's number (a tie already played is offered too when its number is typed in full,
    for a correction); words match the clubs' names.
    """
    view = _season(model, season)
    if view is None:
        return []
    typed = typed.strip().lstrip("#")
    if typed.isascii() and typed.isdigit():
        exact = view.by_number.get(int(typed))
        found = [exact] if exact is not None else []
        found += [
            t for t in _soonest(view) if _open(t) and t is not exact and str(t.number).startswith(typed)
        ]
    else:
        found = [t for t in _soonest(view) if _open(t)]
        if typed:
            named = {team.name for team in _index_of(model, view).suggest(typed, limit=200)}
            found = [
                t
                for t in found
                if {view.teams[s].name for s in (t.home_id, t.away_id) if s is not None} & named
            ]
    return [TieChoice(tie.number, tie_label(view, tie)) for tie in found[:limit]]


def _soonest(view: SeasonSnapshot) -> list[Fixture]:
    return sorted(view.fixtures, key=lambda t: (t.date or dt.date.max, t.round, t.number))


def _index_of(model: StoreModel, view: SeasonSnapshot) -> TeamIndex:
    return model.season_index(view.season.year)


def opponents(
    model: StoreModel, *, season: int | None, home: str, typed: str = "", limit: int = 25
) -> list[IndexedTeam] | None:
    """The clubs `home` plays at home in the season (or, if none, plays at all), for `away:`.

    Those of ties still open come first. None when `home` names no one club in the season (the caller then
    offers every club).
    """
    view = _season(model, season)
    if view is None or not home.strip():
        return None
    found = model.index.match(home)
    club = model.team_named(found.team) if found.team is not None else None
    if club is None or club.id not in view.entries:
        return None
    hosted = [(t, t.away_id) for t in view.fixtures if t.home_id == club.id and t.away_id is not None]
    visited = [(t, t.home_id) for t in view.fixtures if t.away_id == club.id and t.home_id is not None]
    still_open: dict[str, bool] = {}
    for tie, team_id in hosted or visited:
        name = view.teams[team_id].name
        still_open[name] = still_open.get(name, False) or _open(tie)
    choices = TeamIndex([team for team in model.index.teams if team.name in still_open])
    return sorted(choices.suggest(typed, limit=limit), key=lambda team: not still_open[team.name])


# ------------------------------------------------------------------ preview and confirm


@dataclass(frozen=True)
class Entered:
    """Who entered a result that a write would replace, and when."""

    by: str
    at: dt.datetime | None


@dataclass(frozen=True)
class Preview:
    """A writing command previewed: the answer, and what its confirmation is to run."""

    kind: str  # the command table's key
    answer: WriteAnswer
    arguments: dict[str, str]  # the options the confirmation runs with (as the console writes them)
    expected_version: int | None = None  # the version of the tie previewed, for a report or an undo
    replaces: Entered | None = None  # the result an overwrite replaces
    notes: list[str] = field(default_factory=list)


def _command(kind: str) -> None:
    command = COMMANDS.get(kind)
    if command is None or not command.writes:
        raise BadOption(f"/{kind} is not a writing command.")


async def preview_write(
    session: AsyncSession, *, kind: str, arguments: Mapping[str, str], actor: str
) -> Preview:
    """Preview writing command `kind` with `arguments`, as `actor`; nothing is written.

    A report for a tie that already has a result is previewed as an overwrite (its confirmation replaces
    the result, and `replaces` says whose it was); a bare undo is pinned to the revision it would revert
    now, so that its confirmation reverts that one and no later one.
    """
    _command(kind)
    command = COMMANDS[kind]
    wanted = dict(arguments)
    if kind == "undo" and "revision" not in wanted:
        last = await last_change_by(session=session, actor=actor)
        if last is not None:
            wanted["revision"] = str(last)
    try:
        answer = await command.run(session, wanted, apply=False, actor=actor)
    except Refused as refused:
        if kind != "report" or refused.code != "result_exists":
            raise
        wanted["overwrite"] = "true"
        answer = await command.run(session, wanted, apply=False, actor=actor)
    assert isinstance(answer, WriteAnswer)
    expected = None
    replaces = None
    if kind in FIXTURE_KINDS and answer.before is not None:
        expected = int(wanted["version"]) if "version" in wanted else answer.before.version
        tie = await _tie(session, answer.before)
        if kind == "report" and tie is not None and tie.status == "played" and tie.winner_id is not None:
            replaces = Entered(by=tie.entered_by or "the importer", at=tie.entered_at)
    return Preview(kind, answer, wanted, expected, replaces)


async def _tie(session: AsyncSession, shown: FixtureView) -> Fixture | None:
    view = (await current_model(session)).seasons.get(shown.season)
    return view.by_number.get(shown.number) if view is not None else None


async def confirm_write(
    session: AsyncSession,
    *,
    kind: str,
    arguments: Mapping[str, str],
    actor: str,
    expected_version: int | None,
    request: str,
) -> WriteAnswer:
    """Apply what `preview_write` previewed, once under `request`, if the tie is still at the version shown.

    Applying again under the same request (a second press, the same interaction delivered twice, another
    process) makes no second change: the answer is the first application's. A tie changed by someone else
    since the preview is refused with `changed_meanwhile`, naming who changed it and what it now holds.
    """
    _command(kind)
    command = COMMANDS[kind]
    wanted = dict(arguments)
    if kind == "report" and expected_version is not None:
        wanted["version"] = str(expected_version)
    try:
        if kind == "undo" and expected_version is not None:
            await _unchanged(session, command.name, wanted, actor, expected_version)
        answer = await command.run(session, wanted, apply=True, actor=actor, request=request)
    except Refused:
        made = await revision_of_request(session=session, request=request)
        if made is None:
            raise
        return await applied_before(session, made)
    assert isinstance(answer, WriteAnswer)
    return answer


async def _unchanged(
    session: AsyncSession, name: str, arguments: dict[str, str], actor: str, expected_version: int
) -> None:
    """Refuse an undo whose tie changed since its preview (the undo would revert what was not shown)."""
    now = await COMMANDS[name].run(session, arguments, apply=False, actor=actor)
    assert isinstance(now, WriteAnswer)
    if now.before is not None and now.before.version != expected_version:
        tie = await _tie(session, now.before)
        who = tie.entered_by if tie is not None and tie.entered_by else "the importer"
        raise Refused(
            "changed_meanwhile",
            f"Fixture {now.before.number} changed since it was previewed: it is now "
            f"{_result_words(now.before)}, entered by {who}. Look at it again before confirming.",
        )


async def applied_before(session: AsyncSession, made: Revision) -> WriteAnswer:
    """The answer of a write applied earlier (by revision `made`): the tie as it now stands, if it has one."""
    model = await current_model(session, fresh=True)
    answer = WriteAnswer(applied=True, revision=made.id, actor=made.actor)
    view = next((v for v in model.seasons.values() if v.season.id == made.season_id), None)
    tie = view.by_number.get(made.fixture_number) if view is not None and made.fixture_number else None
    if view is not None and tie is not None:
        answer.fixture = fixture_view(view, tie)
    return answer


def _result_words(tie: RoundMatch) -> str:
    """A tie's result in a few words: '2-2 a.e.t. (4-3 pens)', 'Holac FC by forfeit', 'postponed'."""
    if tie.status != "played":
        return "no result yet" if tie.status == "scheduled" else str(tie.status)
    if tie.decided_by == "forfeit":
        return f"{tie.winner or 'awarded'} by forfeit"
    pens = tie.penalties
    shoot = f" ({pens} pens)" if pens not in (None, "unknown") else (" (pens)" if pens else "")
    aet = " a.e.t." if tie.extra_time else ""
    return f"{tie.home_score}-{tie.away_score}{aet}{shoot}"


# ------------------------------------------------------------------ the correction form


HOW = ("regulation", "aet", "forfeit", "postponed", "abandoned", "annulled")


@dataclass(frozen=True)
class CorrectionForm:
    """A tie's result as the five fields of a correction form, filled with what the store holds."""

    season: int
    number: int
    title: str  # 'Correct #88 · 2024 round 3' (at most 45 characters)
    score: str
    penalties: str
    how: str  # one of HOW
    winner: str  # home / away, when the score alone does not say
    note: str


def correction_form(model: StoreModel, *, season: int, number: int) -> CorrectionForm:
    """The correction form of fixture `number` of `season`, filled with its values."""
    view = _season(model, season)
    tie = view.by_number.get(number) if view is not None else None
    if view is None or tie is None:
        raise Refused("not_found", f"The {season} season has no fixture {number}.")
    if tie.status != "played":
        how = tie.status if tie.status in HOW else "regulation"
    elif tie.decided_by == "forfeit":
        how = "forfeit"
    else:
        how = "aet" if tie.extra_time else "regulation"
    score = "" if tie.home_score is None or tie.away_score is None else f"{tie.home_score}-{tie.away_score}"
    side = "home" if tie.winner_id is not None and tie.winner_id == tie.home_id else "away"
    needs_winner = tie.winner_id is not None and (how == "forfeit" or tie.penalties == "unknown")
    return CorrectionForm(
        season=season,
        number=number,
        title=_clip(f"Correct #{number} · {season} round {tie.round}", 45),
        score=score,
        penalties="" if tie.penalties in (None, "unknown") else str(tie.penalties),
        how=how,
        winner=side if needs_winner else "",
        note=tie.note or "",
    )


def correction_arguments(*, season: int, number: int, fields: Mapping[str, str]) -> dict[str, str]:
    """The options of the /report a filled correction form asks for (checked again by the command table)."""
    how = fields.get("how", "").strip().lower() or "regulation"
    if how not in HOW:
        raise BadOption(f"'how' is one of {', '.join(HOW)}, not '{_clip(how, 40)}'.")
    arguments = {"season": str(season), "fixture": str(number), "overwrite": "true"}
    for name in ("score", "penalties", "winner", "note"):
        value = fields.get(name, "").strip()
        if value:
            arguments[name] = value
    if how == "aet":
        arguments["aet"] = "true"
    elif how == "forfeit":
        arguments["forfeit"] = "true"
    elif how != "regulation":
        arguments["status"] = how
    return arguments


# ------------------------------------------------------------------ a whole file: import and its undo


FILE_KINDS = ("import", "import-undo")  # pending writes that are not commands of the table


@dataclass(frozen=True)
class FilePreview:
    """An import (or the undo of one) previewed: the report, and what its confirmation is to run."""

    kind: str  # one of FILE_KINDS
    answer: FileAnswer
    arguments: dict[str, str]  # the options the confirmation runs with, and the preview's fingerprint
    upload: str | None = None  # the file, as text (an import's confirmation imports it again)


def fingerprint(answer: FileAnswer) -> str:
    """A short digest of what a preview showed: the confirmation goes ahead only if it would do the same."""
    shown = answer.model_dump(
        mode="json", include={"effects", "conflicts", "new_clubs", "not_understood", "ready", "season"}
    )
    text = json.dumps(shown, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _flag(value: bool) -> str:
    return "true" if value else "false"


async def preview_import(
    session: AsyncSession,
    *,
    content: bytes,
    filename: str,
    season: int | None,
    new_clubs: bool,
    overwrite: bool,
    actor: str,
) -> FilePreview:
    """Check an uploaded file against the store (nothing is written); refusals are raised as `Refused`."""
    from bot.answers.imports import import_file

    answer = await import_file(
        session,
        content=content,
        filename=filename,
        season=season,
        new_clubs=new_clubs,
        overwrite=overwrite,
        actor=actor,
    )
    arguments = {"file": filename, "new_clubs": _flag(new_clubs), "overwrite": _flag(overwrite)}
    if season is not None:
        arguments["season"] = str(season)
    arguments["expect"] = fingerprint(answer)
    # The file was read as UTF-8 (a non-UTF-8 one is refused): as text it gives back the same bytes.
    return FilePreview("import", answer, arguments, content.decode("utf-8"))


async def preview_import_undo(session: AsyncSession, *, batch: str, actor: str) -> FilePreview:
    """What undoing the import `batch` would put back (nothing is written)."""
    from bot.answers.imports import import_undo

    answer = await import_undo(session, batch=batch, actor=actor)
    arguments = {"batch": answer.batch, "expect": fingerprint(answer)}
    return FilePreview("import-undo", answer, arguments)


async def _run_file(
    session: AsyncSession,
    *,
    kind: str,
    arguments: Mapping[str, str],
    upload: str | None,
    actor: str,
    apply: bool,
    request: str | None,
) -> FileAnswer:
    from bot.answers.imports import import_file, import_undo

    if kind == "import-undo":
        return await import_undo(
            session, batch=arguments.get("batch", ""), apply=apply, actor=actor, request=request
        )
    if kind != "import" or upload is None:
        raise BadOption(f"A pending {kind} cannot be applied: preview it again.")
    season = arguments.get("season")
    return await import_file(
        session,
        content=upload.encode("utf-8"),
        filename=arguments.get("file", "the file"),
        season=int(season) if season else None,
        new_clubs=arguments.get("new_clubs") == "true",
        overwrite=arguments.get("overwrite") == "true",
        apply=apply,
        actor=actor,
        request=request,
    )


async def confirm_file_write(
    session: AsyncSession,
    *,
    kind: str,
    arguments: Mapping[str, str],
    upload: str | None,
    actor: str,
    request: str,
) -> FileAnswer:
    """Apply a previewed import (or undo of one), once under `request`, if it would still do what it showed.

    The store may have changed since the preview (a result entered, a club added, the import undone): then
    nothing is written and the refusal (`changed_meanwhile`) says what the file would do now. Applied again
    under the same request, the answer is the first application's (`already`), and nothing more is written.
    """
    from bot.store.imports import batch_of_request

    async def run(*, apply: bool) -> FileAnswer:
        return await _run_file(
            session,
            kind=kind,
            arguments=arguments,
            upload=upload,
            actor=actor,
            apply=apply,
            request=request if apply else None,
        )

    if not await batch_of_request(session, request):
        now = await run(apply=False)
        if fingerprint(now) != arguments.get("expect"):
            what = "; ".join(now.effects[:3]) or "nothing"
            raise Refused(
                "changed_meanwhile",
                f"The records changed since the preview, so nothing was {_done_words(kind)}: now it would "
                f"do this: {_clip(what, 300)}. Run the command again to see it in full.",
            )
    return await run(apply=True)


def _done_words(kind: str) -> str:
    return "undone" if kind == "import-undo" else "imported"


async def file_applied_before(
    session: AsyncSession,
    *,
    kind: str,
    arguments: Mapping[str, str],
    upload: str | None,
    actor: str,
    request: str | None,
) -> FileAnswer | None:
    """The answer of an import (or undo) applied earlier under `request`, or None; it writes nothing."""
    from bot.store.imports import batch_of_request

    if request is None or not await batch_of_request(session, request):
        return None
    return await _run_file(
        session, kind=kind, arguments=arguments, upload=upload, actor=actor, apply=True, request=request
    )


async def apply_pending(
    session: AsyncSession, pending: PendingWrite, *, request: str
) -> WriteAnswer | FileAnswer:
    """Apply a pending write under `request`: an import (or its undo) with the file it keeps, or a command."""
    if pending.kind in FILE_KINDS:
        return await confirm_file_write(
            session,
            kind=pending.kind,
            arguments=pending.arguments,
            upload=pending.upload,
            actor=pending.actor,
            request=request,
        )
    return await confirm_write(
        session,
        kind=pending.kind,
        arguments=pending.arguments,
        actor=pending.actor,
        expected_version=pending.expected_version,
        request=request,
    )


async def answer_when_applied(
    session: AsyncSession, pending: PendingWrite
) -> WriteAnswer | FileAnswer | None:
    """What a pending write applied earlier answered (for a press that comes after); it writes nothing."""
    if pending.kind in FILE_KINDS:
        return await file_applied_before(
            session,
            kind=pending.kind,
            arguments=pending.arguments,
            upload=pending.upload,
            actor=pending.actor,
            request=pending.finished_request,
        )
    made = await session.get(Revision, pending.revision_id) if pending.revision_id is not None else None
    return await applied_before(session, made) if made is not None else None
