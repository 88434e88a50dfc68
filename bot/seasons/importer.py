"""`python -m bot import SEED`: read a seed document and write its season into data/.

An import writes nothing unless the document reads without errors (or the caller forces it), and then
swaps the season's folder in whole. Importing a document whose facts are already in data/ leaves data/
byte for byte as it was: the season keeps the `imported_at` of the import that first entered its facts,
since answers cite that time as when the facts were entered.
"""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from bot.seasons.datafiles import read_aliases, read_season, render_season, write_season
from bot.seasons.facts import Finding, FindingKind, SeasonFacts
from bot.seasons.reader import read_seed
from bot.store.models import utcnow


class NotASeason(ValueError):
    """The document is not a season in the seed format: no year, no rounds and no clubs could be read."""


@dataclass
class ImportOutcome:
    """What an import read, where the season belongs, and what became of data/."""

    facts: SeasonFacts
    folder: Path
    written: bool = True  # False: the reader found errors and the import was not forced
    unchanged: bool = False  # data/ already held these facts, so the folder was left as it was

    @property
    def errors(self) -> list[str]:
        """Findings that mean data/ needs a person (usually a missing alias)."""
        return [finding.message for finding in self.facts.findings if finding.level == "error"]


def _read_document(seed: Path, data_dir: Path) -> SeasonFacts:
    """Read the seed document `seed` with the curated aliases of `data_dir`.

    Raises `NotASeason` for a document that holds no season (a README, a binary file, an empty page),
    and `OSError` when the file cannot be read.
    """
    try:
        text = seed.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise NotASeason(f"{seed.name}: not a season in the seed format (not UTF-8 text)") from None
    try:
        facts = read_seed(text, source=seed.name, aliases=read_aliases(data_dir))
    except ValueError as error:  # how the reader says that it found no season (no year) to read
        reason = str(error).removeprefix(f"{seed.name}: ")
        raise NotASeason(f"{seed.name}: not a season in the seed format ({reason})") from error
    if not facts.rounds and not facts.teams:
        raise NotASeason(
            f"{seed.name}: not a season in the seed format (a year, {facts.year}, but no qualifying "
            "rounds, clubs or matches)"
        )
    return facts


def _facts_only(facts: SeasonFacts) -> dict[str, bytes]:
    """The season as data/ holds it, without what an import adds (its time and the reader's findings)."""
    return render_season(facts.model_copy(update={"imported_at": None, "findings": []}))


def _season_in(folder: Path) -> SeasonFacts | None:
    """The season data/ holds in `folder`, or None if there is none (or none that can be read)."""
    if not (folder / "season.toml").is_file():
        return None
    try:
        return read_season(folder)
    except (OSError, ValueError, KeyError, csv.Error):  # a damaged folder: the import replaces it
        return None


def import_seed(seed: Path, data_dir: Path, *, force: bool = False) -> ImportOutcome:
    """Read `seed` with the curated aliases of `data_dir` and write its season there.

    Nothing is written when the reader reports an error, unless `force` is set. The season keeps its
    previous `imported_at` when its facts are unchanged, so importing the same document again changes
    nothing in data/. Raises `NotASeason` for a document that holds no season.
    """
    facts = _read_document(seed, data_dir)
    folder = data_dir / "seasons" / str(facts.year)
    previous = _season_in(folder)
    same_facts = previous is not None and _facts_only(previous) == _facts_only(facts)
    if previous is not None and same_facts and previous.imported_at is not None:
        facts.imported_at = previous.imported_at
    else:
        facts.imported_at = utcnow()
    unchanged = previous is not None and render_season(previous) == render_season(facts)
    outcome = ImportOutcome(facts=facts, folder=folder, unchanged=unchanged)
    if outcome.errors and not force:
        outcome.written = False
        return outcome
    write_season(facts, data_dir)
    return outcome


SHOWN_PER_KIND = 3  # findings listed in full per kind; the rest are counted (check-data lists them all)


def _finding_lines(finding: Finding) -> list[str]:
    lines = [f"  {finding.level}: {finding.message}"]
    if finding.line and finding.line not in finding.message:
        lines.append(f"    line: {finding.line}")
    if finding.settle:
        lines.append(f"    would settle it: {finding.settle}")
    return lines


def import_report(facts: SeasonFacts) -> list[str]:
    """The import's short report: counts per round, findings by kind, and what the reader cannot tell.

    Each thing it cannot tell comes with its line and what would settle it (an alias, a qualifiers list, a
    sentence). Errors are listed in full; other findings beyond a few per kind are counted.
    """
    fixtures = Counter(fixture.round for fixture in facts.fixtures)
    listed = Counter(bye.round for bye in facts.byes if bye.source == "listed")
    implied = Counter(bye.round for bye in facts.byes if bye.source == "implied")
    rounds = []
    for info in facts.rounds:
        parts = [f"{fixtures[info.number]} fixture{'s' if fixtures[info.number] != 1 else ''}"]
        parts += [f"{listed[info.number]} listed byes"] if listed[info.number] else []
        parts += [f"{implied[info.number]} implied byes"] if implied[info.number] else []
        rounds.append(f"round {info.number}: {', '.join(parts)}")
    lines = ["  " + " · ".join(rounds)] if rounds else []
    kinds = Counter((finding.kind or FindingKind.NOTE).value for finding in facts.findings)
    if kinds:
        by_kind = ", ".join(f"{kind} ({count})" for kind, count in kinds.most_common())
        lines.append(f"  findings by kind: {by_kind}")
    unsure = [finding for finding in facts.findings if finding.cannot_tell]
    if unsure:
        lines.append(f"  cannot tell ({len(unsure)}):")
        for finding in unsure:
            lines += _finding_lines(finding)
    shown: Counter[str] = Counter()
    more = 0
    for finding in facts.findings:
        if finding.cannot_tell:
            continue
        kind = (finding.kind or FindingKind.NOTE).value
        shown[kind] += 1
        if finding.level == "error" or shown[kind] <= SHOWN_PER_KIND:
            lines += _finding_lines(finding)
        else:
            more += 1
    if more:
        lines.append(f"  … and {more} more warnings and notes (python -m bot check-data lists them all)")
    return lines
