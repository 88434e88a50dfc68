"""`python -m bot import SEED`: read a seed document and write its season into data/."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.seasons.datafiles import read_aliases, write_season
from bot.seasons.facts import SeasonFacts
from bot.seasons.reader import read_seed
from bot.store.models import utcnow


@dataclass
class ImportOutcome:
    """What an import wrote and what it wants a person to review."""

    facts: SeasonFacts
    folder: Path

    @property
    def errors(self) -> list[str]:
        """Findings that mean data/ needs a person (usually a missing alias)."""
        return [finding.message for finding in self.facts.findings if finding.level == "error"]


def import_seed(seed: Path, data_dir: Path) -> ImportOutcome:
    """Read `seed` with the curated aliases of `data_dir` and write the season there."""
    facts = read_seed(seed.read_text(encoding="utf-8"), source=seed.name, aliases=read_aliases(data_dir))
    facts.imported_at = utcnow()
    return ImportOutcome(facts=facts, folder=write_season(facts, data_dir))
