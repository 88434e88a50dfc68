"""A data/ folder of many seasons for benchmarks: the real seasons of data/, copied under other years.

Each extra season is a copy of one of the real seasons (2024 and 2017 in turn), moved to another year,
with its clubs renamed the way `bench/synthetic.py` makes names (a city, a nickname, a designator): the
draw, the results, the byes, the rounds and the leagues stay those of the real season, so `check-data`
passes it as it passes the real one. About a third of the clubs of each copy keep their real names, as
clubs come back season after season, so a club's history spans several seasons; the others are new clubs.
Each entry's other spellings are renamed with it, and the curated aliases and entry rules of the real
season are copied for the new year. The output is the same for the same arguments (no clock, a seeded
random), so its data version is stable across runs.

    python -m bench.seasons20 TARGET [--seasons 20]

Other code imports `make_data_dir`.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import random
import re
import shutil
from collections.abc import Callable
from pathlib import Path

from bench.synthetic import CITIES, DESIGNATORS, NICKNAMES
from bot.names import AliasRule, normalise
from bot.seasons.datafiles import ALIAS_COLUMNS, read_data, write_season
from bot.seasons.facts import SeasonFacts

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
KEPT = 0.3  # the share of a copy's clubs that keep their real names (and so their club, across seasons)
_YEAR = re.compile(r"\b(19|20)\d\d\b")


def extra_years(real: list[int], count: int) -> list[int]:
    """`count` years for copies: counting down from the latest real season, skipping the real ones."""
    years: list[int] = []
    year = max(real)
    while len(years) < count:
        year -= 1
        if year not in real:
            years.append(year)
    return years


def _shift_years(text: str, delta: int) -> str:
    """`text` with every year in it moved by `delta` ("September 9–10, 2023" → "..., 2016")."""
    return _YEAR.sub(lambda found: str(int(found.group()) + delta), text)


def _moved(day: dt.date, delta: int) -> dt.date:
    try:
        return day.replace(year=day.year + delta)
    except ValueError:  # 29 February, in a year without one
        return day.replace(year=day.year + delta, day=28)


class _Names:
    """Club names for copies, no two alike (by their comparison key) across the whole folder."""

    def __init__(self, taken: set[str], rng: random.Random) -> None:
        self.taken = set(taken)
        self.rng = rng

    def _free(self, name: str) -> bool:
        key = normalise(name)
        if key in self.taken:
            return False
        self.taken.add(key)
        return True

    def club(self) -> str:
        """A new club name, like synthetic.py's: 'Tacoma Rovers FC', 'SC Fresno Owls'."""
        while True:
            city, nickname, designator = (
                self.rng.choice(CITIES),
                self.rng.choice(NICKNAMES),
                self.rng.choice(DESIGNATORS),
            )
            if designator in ("FC", "SC", "AC") and self.rng.random() < 0.3:
                name = f"{designator} {city} {nickname}"
            else:
                name = f"{city} {nickname} {designator}".strip()
            if self._free(name):
                return name

    def spelling(self, name: str, written: set[str]) -> str:
        """Another way of writing the new club `name`, not among `written`: a designator, a slip, a number."""
        words = name.split()
        bare = " ".join(word for word in words if word not in DESIGNATORS) or name
        for designator in ("Soccer Club", "Football Club", "FC", "SC", ""):
            candidate = f"{bare} {designator}".strip()
            if candidate not in written and candidate != name:
                return candidate  # the same key as `name`: nothing new to reserve
        for at in range(1, 20):
            word = words[0]
            slipped = word[:1] + word[2:3] + word[1:2] + word[3:] if len(word) > 3 else word + "s"
            candidate = " ".join([slipped, *words[1:]]) + ("" if at == 1 else f" {at}")
            if candidate not in written and self._free(candidate):
                return candidate
        raise RuntimeError(f"no other spelling left for {name}")


def _renamer(spellings: dict[str, str]) -> Callable[[str], str]:
    """Replace every spelling in a text (the source's match lines) by its new one, longest first."""
    if not spellings:
        return lambda text: text
    pattern = re.compile("|".join(re.escape(old) for old in sorted(spellings, key=len, reverse=True)))
    return lambda text: pattern.sub(lambda found: spellings[found.group()], text)


def _copy_season(
    facts: SeasonFacts, *, year: int, names: _Names, rng: random.Random
) -> tuple[SeasonFacts, dict[str, str]]:
    """`facts` moved to `year` with most clubs renamed; returns the copy and each old spelling's new one."""
    delta = year - facts.year
    spellings: dict[str, str] = {}
    teams = []
    for team in facts.teams:
        written = [team.name, *team.also_written]
        if rng.random() < KEPT:
            spellings.update({spelling: spelling for spelling in written})
            teams.append(team.model_copy())
            continue
        name = names.club()
        new_written = {name}
        others = []
        for spelling in team.also_written:
            other = names.spelling(name, new_written)
            new_written.add(other)
            others.append(other)
            spellings[spelling] = other
        spellings[team.name] = name
        teams.append(team.model_copy(update={"name": name, "also_written": others}))
    rename = _renamer({old: new for old, new in spellings.items() if old != new})

    def club(name: str | None) -> str | None:
        return None if name is None else spellings.get(name, name)

    fixtures = [
        fixture.model_copy(
            update={
                "home": club(fixture.home),
                "away": club(fixture.away),
                "winner": club(fixture.winner),
                "date": None if fixture.date is None else _moved(fixture.date, delta),
                "kickoff": None if fixture.kickoff is None else _moved(fixture.kickoff, delta),
                "source_line": rename(fixture.source_line),
                "note": rename(fixture.note),
            }
        )
        for fixture in facts.fixtures
    ]
    stated = dict(facts.stated)
    qualifiers = stated.get("qualifiers")
    if isinstance(qualifiers, list):
        stated["qualifiers"] = [spellings.get(name, name) for name in qualifiers]
    copy = facts.model_copy(
        update={
            "year": year,
            "title": _shift_years(facts.title, delta),
            "stated": stated,
            "rounds": [
                item.model_copy(update={"dates": _shift_years(item.dates, delta)}) for item in facts.rounds
            ],
            "teams": teams,
            "fixtures": fixtures,
            "byes": [
                bye.model_copy(update={"team": spellings.get(bye.team, bye.team)}) for bye in facts.byes
            ],
            "findings": [
                finding.model_copy(update={"message": rename(finding.message)}) for finding in facts.findings
            ],
        }
    )
    return copy, spellings


def _alias_text(rules: list[AliasRule]) -> str:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(ALIAS_COLUMNS)
    for rule in rules:
        writer.writerow([rule.alias, rule.target, "" if rule.season is None else rule.season, rule.note])
    return buffer.getvalue()


def make_data_dir(*, target: Path, seasons: int, source: Path = DATA, seed: int = 7) -> Path:
    """Write a data/ folder of `seasons` seasons to `target` (replacing what it held); returns `target`.

    The real seasons of `source` come first (all of them, or the latest ones if `seasons` is fewer); the
    others are renamed copies of them under earlier years (see the module's docstring). `check-data`
    accepts the folder as it accepts `source`.
    """
    if seasons < 1:
        raise ValueError(f"a data/ folder holds one season at least, not {seasons}")
    snapshot = read_data(data_dir=source)
    if snapshot.errors or not snapshot.seasons:
        raise ValueError(f"{source} cannot be copied: it holds no readable season, or fails to read")
    real = sorted(snapshot.seasons, key=lambda facts: facts.year, reverse=True)[:seasons]
    for stale in ("seasons", "rules"):
        shutil.rmtree(target / stale, ignore_errors=True)
    target.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    taken = {normalise(rule.alias) for rule in snapshot.aliases}
    taken |= {normalise(rule.target) for rule in snapshot.aliases}
    for facts in snapshot.seasons:
        taken |= {normalise(spelling) for team in facts.teams for spelling in [team.name, *team.also_written]}
    names = _Names(taken, rng)
    aliases = list(snapshot.aliases)
    rules_in = source / "rules"
    rules_out = target / "rules"
    rules_out.mkdir()
    for facts in real:
        write_season(facts, target)
        rules = rules_in / f"{facts.year}.toml"
        if rules.is_file():
            shutil.copyfile(rules, rules_out / rules.name)
    for at, year in enumerate(extra_years([facts.year for facts in real], seasons - len(real))):
        original = real[at % len(real)]
        copy, spellings = _copy_season(original, year=year, names=names, rng=rng)
        write_season(copy, target)
        aliases += [
            AliasRule(
                alias=spellings[rule.alias],
                target=spellings[rule.target],
                season=year,
                note=f"as {original.year}: {rule.note}",
            )
            for rule in snapshot.aliases
            if rule.season == original.year and rule.alias in spellings and rule.target in spellings
        ]
        rules = rules_in / f"{original.year}.toml"
        if rules.is_file():
            text = _shift_years(rules.read_text(encoding="utf-8"), year - original.year)
            (rules_out / f"{year}.toml").write_text(text, encoding="utf-8")
    (target / "aliases.csv").write_text(_alias_text(aliases), encoding="utf-8")
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "target", type=Path, help="the folder to write (its seasons/ and rules/ are replaced)"
    )
    parser.add_argument("--seasons", type=int, default=20)
    parser.add_argument("--seed", type=int, default=7)
    arguments = parser.parse_args()
    made = make_data_dir(target=arguments.target, seasons=arguments.seasons, seed=arguments.seed)
    print(f"wrote {arguments.seasons} seasons to {made}")
    print(f"check them with: DATA_DIR={made} python -m bot check-data")


if __name__ == "__main__":
    main()
