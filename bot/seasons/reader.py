"""Reader for the seed format: plain-text renderings of a season's qualification article.

The reader is written against the *format* (headings, an infobox, tables, date lines, match lines, bye
lists, prose), not against one file. Every line it cannot place becomes a finding; nothing is dropped
silently.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field

from bot.names import AliasRule, NameBook, propose_matches
from bot.seasons.facts import (
    UNNAMED_PREFIX,
    ByeFacts,
    Finding,
    FixtureFacts,
    LeagueFacts,
    RoundFacts,
    SeasonFacts,
    TeamFacts,
    Track,
)
from bot.seasons.outcome import BadResult, settle

MONTHS = {
    name: number
    for number, name in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ],
        1,
    )
}
_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
}  # fmt: skip
_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
}  # fmt: skip

_HEADING = re.compile(r"^(=+)\s*(.*?)\s*=*\s*$")
_DATE_LINE = re.compile(rf"^({'|'.join(MONTHS)})\s+(\d{{1,2}})$", re.IGNORECASE)
_BYES_LINE = re.compile(r"^-\s*byes?\s*:\s*(.+)$", re.IGNORECASE)
_TAG = r"(?:\s+\((?P<{0}>[^()]{{1,24}})\))?"
_ANNOTATION = (
    r"\(forfeit\)|forfeit|\(a\.?e\.?t\.?\)|a\.?e\.?t\.?"
    r"|\(\s*\d+\s*[-–]\s*\d+\s*(?:p|pen|pens|penalties|pso)\s*\)"
    r"|\(\s*(?:p|pen|pens|penalties|pso)\s*\d+\s*[-–]\s*\d+\s*\)"
)
_MATCH_LINE = re.compile(
    r"^(?P<home>.+?)" + _TAG.format("home_tag")
    + r"\s+(?:(?P<hs>\d+)\s*[-–]\s*(?P<as>\d+)|(?P<hr>[WL])\s*[-–]\s*(?P<ar>[WL]))"
    + rf"(?P<notes>(?:\s*(?:{_ANNOTATION}))*)"
    + r"\s+(?P<away>.+?)" + _TAG.format("away_tag") + r"$",
    re.IGNORECASE,
)  # fmt: skip
_PENALTIES = re.compile(r"(\d+)\s*[-–]\s*(\d+)")
_TABLE_ROW = re.compile(r"^\|(.*)\|\s*$")
_TEAM_WITH_TAG = re.compile(r"^(?P<name>.+?)\s*\((?P<tag>[^()]+)\)$")
_DIRECT_SLOT = re.compile(
    r"(?P<winner>[A-Z][^.,]*?) defeated (?P<loser>.+?) (?P<a>\d+)\s*[–-]\s*(?P<b>\d+),?"
    r"\s*to win the (?P<competition>.+?)(?:\s+and\b|,|\.)"
)
_CHAMPION_NAMED = re.compile(r"champions?, (?P<name>[A-Z][^,]+?), qualified")
_UNNAMED_CLUBS = re.compile(r"\b(?:top|following) (?P<count>\w+) (?:[\w-]+ ){0,2}(?:teams|clubs)\b", re.I)
_STATED_TEAMS = re.compile(r"\((?P<count>\d+) teams\)")


def _number(word: str) -> int | None:
    word = word.lower().strip()
    if word.isdigit():
        return int(word)
    return _NUMBER_WORDS.get(word)


def _initials(league_name: str) -> str:
    return "".join(word[0] for word in league_name.split() if word[:1].isupper())


@dataclass
class _Section:
    level: int
    heading: str
    parents: list[str]
    lines: list[str] = field(default_factory=list)

    @property
    def path(self) -> str:
        return " / ".join([*self.parents, self.heading]).lower()

    def prose(self) -> str:
        return " ".join(line for line in self.lines if line and not line.startswith(("|", "-")))


def _sections(text: str) -> tuple[str, dict[str, str], list[_Section]]:
    title = ""
    infobox: dict[str, str] = {}
    sections: list[_Section] = []
    stack: list[tuple[int, str]] = []
    current: _Section | None = None
    in_infobox = False
    for raw in text.splitlines():
        line = raw.strip()
        heading = _HEADING.match(line)
        if heading and line.endswith("="):
            level, name = len(heading.group(1)), heading.group(2)
            if level == 1 and not title:
                title = name
            stack = [(lvl, head) for lvl, head in stack if lvl < level]
            current = _Section(level, name, [head for _lvl, head in stack])
            stack.append((level, name))
            sections.append(current)
            in_infobox = False
            continue
        if line == "Infobox":
            in_infobox = True
            continue
        if in_infobox:
            if not line:
                in_infobox = False
            elif line.startswith("- ") and ":" in line:
                key, value = line[2:].split(":", 1)
                infobox[key.strip()] = value.strip()
            continue
        if current is None:
            current = _Section(1, "", [])
            sections.append(current)
        current.lines.append(line)
    return title, infobox, sections


def _cells(line: str) -> list[str] | None:
    row = _TABLE_ROW.match(line)
    if not row:
        return None
    cells = [cell.strip() for cell in row.group(1).split("|")]
    if all(re.fullmatch(r":?-*:?", cell) for cell in cells):
        return None
    return cells


def _round_number(heading: str) -> int | None:
    words = heading.lower().split()
    for word in words:
        if word in _ORDINALS:
            return _ORDINALS[word]
    found = re.search(r"(?:round\s+(\d+)|(\d+)(?:st|nd|rd|th)\b)", heading.lower())
    if found:
        return int(found.group(1) or found.group(2))
    return None


@dataclass
class _Appearance:
    round: int
    kind: str  # "match" or "bye"


class SeedReader:
    """Reads one season written in the seed format."""

    def __init__(self, text: str, *, source: str, aliases: list[AliasRule] | None = None) -> None:
        """Prepare to read `text`, citing `source` and honouring curated `aliases`."""
        self.text = text
        self.source = source
        self.aliases = aliases or []
        self.findings: list[Finding] = []
        self.rounds: dict[int, RoundFacts] = {}
        self.fixtures: list[FixtureFacts] = []
        self.byes: list[ByeFacts] = []
        self.stated: dict[str, int | str | list[str]] = {}
        self.direct: list[TeamFacts] = []
        self.table_leagues: dict[str, list[str]] = {}
        self.table_states: dict[str, str] = {}
        self.league_names: dict[str, str] = {}
        self.tags: dict[str, list[str]] = {}
        self.appearances: dict[str, list[_Appearance]] = {}
        self.match_spellings: Counter[str] = Counter()
        self.book = NameBook(self.aliases)

    def warn(self, message: str) -> None:
        """Record a disagreement or gap in the source."""
        self.findings.append(Finding(level="warning", message=message))

    def note(self, message: str) -> None:
        """Record something worth knowing."""
        self.findings.append(Finding(level="info", message=message))

    def error(self, message: str) -> None:
        """Record something the reader could not make sense of."""
        self.findings.append(Finding(level="error", message=message))

    # --- the whole document -------------------------------------------------------------------------

    def read(self) -> SeasonFacts:
        """Read the document into season facts."""
        title, infobox, sections = _sections(self.text)
        year_text = infobox.get("Year") or (re.search(r"\b(19|20)\d{2}\b", title) or [""])[0]
        if not year_text:
            raise ValueError(f"{self.source}: no season year in the infobox or the title")
        year = int(year_text)
        self.book.season = year
        self._read_infobox(infobox)
        for section in sections:
            self._read_section(section, year)
        self._read_qualifier_list(infobox)
        self._infer_level_winners()
        teams = self._teams()
        self._check_table_names(teams)
        for fixture in self.fixtures:  # every reference uses the season's own spelling of the club
            fixture.home = self._respelled(fixture.home)
            fixture.away = self._respelled(fixture.away)
            if fixture.winner:
                fixture.winner = self._season_spelling(self.book.key(fixture.winner))
        return SeasonFacts(
            year=year,
            title=title or f"{year} U.S. Open Cup qualification",
            source=self.source,
            stated=self.stated,
            rounds=[self.rounds[number] for number in sorted(self.rounds)],
            leagues=self._leagues(),
            teams=teams,
            fixtures=self.fixtures,
            byes=self._all_byes(),
            findings=self.findings,
        )

    def _read_infobox(self, infobox: dict[str, str]) -> None:
        for key, stated_key in (("Num Teams", "teams"), ("Matches", "matches"), ("Goals", "goals")):
            if key in infobox and infobox[key].replace(",", "").isdigit():
                self.stated[stated_key] = int(infobox[key].replace(",", ""))

    def _read_qualifier_list(self, infobox: dict[str, str]) -> None:
        for key, value in infobox.items():
            if "qualifiers" not in key.lower():
                continue
            if key.lower() != "qualifiers":
                self.note(f"the infobox lists the qualifiers under the key '{key}'")
            names = []
            for item in (part.strip() for part in value.split(",")):
                tagged = _TEAM_WITH_TAG.match(item)
                name = tagged.group("name") if tagged else item
                names.append(name)
                self.book.add(name)
                if tagged:
                    self.tags.setdefault(self.book.key(name), []).append(tagged.group("tag"))
            self.stated["qualifiers"] = names

    # --- sections -------------------------------------------------------------------------------------

    def _read_section(self, section: _Section, year: int) -> None:
        heading = section.heading.lower()
        path = section.path
        number = _round_number(section.heading) if "round" in heading else None
        if number is not None and "qualif" in path:
            self._read_round(section, number, year)
        elif "schedule" in heading:
            self._read_schedule(section)
        elif "state" in heading and "league" in heading:
            self._read_state_table(section)
        elif "national league" in path and section.level > 1 and section.parents:
            if "national league" in heading:
                return
            self._read_national_league(section)
        elif "amateur cup" in heading:
            self._read_direct_slot(section, Track.AMATEUR_CUP)
        elif "champion" in heading:
            self._read_direct_slot(section, Track.LEAGUE_CHAMPION)
        elif "professional" in path or "major league" in heading or "pro" in heading.split():
            self._read_professional(section)
        elif heading == "local qualifying":
            self._read_local_intro(section)

    def _read_local_intro(self, section: _Section) -> None:
        prose = section.prose()
        advancing = re.search(r"(\d+) (?:clubs|teams) advancing", prose)
        if advancing:
            self.stated["local_qualifiers"] = int(advancing.group(1))
        entering = re.search(r"(\d+) teams would participate", prose)
        if entering:
            self.stated["local_teams"] = int(entering.group(1))

    def _read_schedule(self, section: _Section) -> None:
        header: list[str] | None = None
        for line in section.lines:
            cells = _cells(line)
            if cells is None:
                continue
            if header is None:
                header = [cell.lower() for cell in cells]
                continue
            row = dict(zip(header, cells, strict=False))
            number = _round_number(row.get("round", ""))
            if number is None:
                self.warn(f"schedule row not understood: {line}")
                continue
            facts = self.rounds.setdefault(number, RoundFacts(number=number, name=row.get("round", "")))
            facts.name = row.get("round") or facts.name
            facts.dates = row.get("match day", facts.dates)
            new, entrants = row.get("new teams", ""), row.get("entrants", "")
            facts.stated_new_teams = int(new) if new.isdigit() else None
            facts.stated_entrants = int(entrants) if entrants.isdigit() else None

    def _read_state_table(self, section: _Section) -> None:
        states = re.search(r"total of (\d+) states", section.prose())
        if states:
            self.stated["states"] = int(states.group(1))
        state = ""
        unreadable = 0
        for line in section.lines:
            cells = _cells(line)
            if cells is None or len(cells) < 3:
                continue
            first, second, third = cells[0], cells[1], cells[2]
            if second.lower() == "states":
                continue
            if third.isdigit():
                state = second
                if not second:
                    unreadable += 1
                continue
            if first.isdigit() and second and third:
                teams = [name.strip() for name in third.split(",") if name.strip()]
                self.table_leagues.setdefault(second, []).extend(teams)
                if len(teams) != int(first):
                    self.warn(f"state/league table: '{second}' says {first} teams but names {len(teams)}")
                for team in teams:
                    if state:
                        self.table_states[team] = state
                continue
            self.warn(f"state/league table: row cannot be read: {line}")
        if unreadable:
            self.warn(
                f"state/league table: {unreadable} state names are missing, so clubs' states are unknown"
            )

    def _read_round(self, section: _Section, number: int, season_year: int) -> None:
        facts = self.rounds.setdefault(number, RoundFacts(number=number, name=section.heading))
        if not facts.name or facts.name == section.heading:
            facts.name = section.heading[:1].upper() + section.heading[1:]
        years = re.findall(r"\b((?:19|20)\d{2})\b", section.prose() + " " + facts.dates)
        if years:
            year = int(years[-1])
        else:
            year = season_year - 1
            self.warn(f"round {number}: no year given for its dates; assuming {year}")
        day: dt.date | None = None
        for line in section.lines:
            if not line:
                continue
            date_line = _DATE_LINE.match(line)
            if date_line:
                day = dt.date(year, MONTHS[date_line.group(1).lower()], int(date_line.group(2)))
                continue
            byes = _BYES_LINE.match(line)
            if byes:
                for name in (part.strip() for part in re.split(r",|\band\b", byes.group(1))):
                    if name:
                        self._appear(name, number, "bye")
                        self.byes.append(ByeFacts(round=number, team=name, source="listed"))
                continue
            match = _MATCH_LINE.match(line)
            if match:
                self._read_match(match, number, day, line)
                continue
            if line.endswith(".") and len(line.split()) >= 4:
                stated = re.search(r"(\d+) clubs will get .*byes", line, re.IGNORECASE)
                if stated:
                    self.stated[f"round_{number}_byes"] = int(stated.group(1))
                continue
            self.error(f"round {number}: line not understood: {line}")

    def _appear(self, name: str, round_number: int, kind: str) -> str:
        key = self.book.add(name)
        self.appearances.setdefault(key, []).append(_Appearance(round_number, kind))
        return key

    def _read_match(self, match: re.Match[str], number: int, day: dt.date | None, line: str) -> None:
        home, away = match.group("home").strip(), match.group("away").strip()
        home_key, away_key = self._appear(home, number, "match"), self._appear(away, number, "match")
        self.match_spellings.update([home, away])
        for key, tag in ((home_key, match.group("home_tag")), (away_key, match.group("away_tag"))):
            if tag:
                self.tags.setdefault(key, []).append(tag.strip())
        notes = (match.group("notes") or "").lower()
        fixture = FixtureFacts(
            number=len(self.fixtures) + 1,
            round=number,
            date=day,
            home=home,
            away=away,
            home_league=(match.group("home_tag") or "").strip(),
            away_league=(match.group("away_tag") or "").strip(),
            source_line=line,
        )
        if day is None:
            self.warn(f"round {number}: match has no date line before it: {line}")
        try:
            if match.group("hr"):
                home_won = match.group("hr").upper() == "W"
                if home_won == (match.group("ar").upper() == "W"):
                    raise BadResult("a forfeit with no single winner")
                outcome = settle(score=None, forfeit=True, winner="home" if home_won else "away")
            elif "forfeit" in notes:
                awarded = f"{match.group('hs')}-{match.group('as')}"
                fixture.note = f"awarded {awarded}"
                outcome = settle(score=awarded, forfeit=True)
            else:
                fixture.home_score, fixture.away_score = int(match.group("hs")), int(match.group("as"))
                fixture.extra_time = "a" in notes and "e" in notes and "t" in notes
                shootout = _PENALTIES.search(notes)
                # Level with no shoot-out written: the winner is whoever plays on (inferred later).
                outcome = settle(
                    score=f"{fixture.home_score}-{fixture.away_score}",
                    extra_time=fixture.extra_time,
                    penalties=f"{shootout.group(1)}-{shootout.group(2)}" if shootout else None,
                    allow_unknown_winner=True,
                )
        except BadResult as bad:
            self.error(f"round {number}: {bad}: {line}")
            return
        fixture.decided_by, fixture.penalties = outcome.decided_by, outcome.penalties
        if outcome.winner is not None:
            fixture.winner = home if outcome.winner == "home" else away
        self.fixtures.append(fixture)

    def _read_national_league(self, section: _Section) -> None:
        league_name = re.sub(r"\s*\(.*?\)\s*", "", section.heading).strip()
        abbreviation = _initials(league_name)
        self.league_names[abbreviation] = league_name
        stated = _STATED_TEAMS.search(section.heading)
        if stated:
            self.stated[f"{abbreviation}_teams"] = int(stated.group("count"))
        prose = section.prose().lower()
        for pattern, label in (
            (r"(\w+) division winners", "division_winners"),
            (r"(\w+) at[- ]large", "at_large"),
        ):
            found = re.search(pattern, prose)
            count = _number(found.group(1)) if found else None
            if count is not None:
                self.stated[f"{abbreviation}_{label}"] = count
        group = ""
        header: list[str] | None = None
        for line in section.lines:
            cells = _cells(line)
            if cells is not None:
                if cells[0] and not any(cells[1:]):
                    group, header = cells[0], None
                elif header is None:
                    header = [cell.lower() for cell in cells]
                else:
                    row = dict(zip(header, cells, strict=False))
                    division = next((value for key, value in row.items() if "division" in key), "")
                    self._national_entry(
                        row.get("club", ""), abbreviation, group, division, row.get("state", "")
                    )
                continue
            bullet = re.match(r"^-\s+(.+)$", line)
            if bullet:
                tagged = _TEAM_WITH_TAG.match(bullet.group(1).strip())
                name, state = (tagged.group("name"), tagged.group("tag")) if tagged else (bullet.group(1), "")
                self._national_entry(name.strip(), abbreviation, group, "", state)
            elif line and not line.endswith(".") and len(line.split()) <= 4:
                group = line
            elif line and not line.endswith("."):
                self.warn(f"{league_name}: line not understood: {line}")

    def _national_entry(self, name: str, league: str, group: str, division: str, state: str) -> None:
        if not name:
            self.warn(f"{league}: a row in '{group}' has no club name")
            return
        group_words = group.lower()
        if "winner" in group_words:
            berth = f"{league} {division} division winner" if division else f"{league} division winner"
        elif "large" in group_words:
            berth = f"{league} at-large berth"
        elif "playoff" in group_words:
            berth = f"{league} playoff berth"
        else:
            berth = f"{league} {group}".strip()
        self.book.add(name)
        self.direct.append(
            TeamFacts(name=name, league=league, state=state, track=Track.NATIONAL_LEAGUE, berth=berth)
        )

    def _read_direct_slot(self, section: _Section, track: Track) -> None:
        found = _DIRECT_SLOT.search(section.prose())
        if not found:
            if section.prose():
                self.warn(f"'{section.heading}': no winner found in: {section.prose()[:120]}")
            return
        winner = found.group("winner").strip()
        competition = found.group("competition").strip()
        self.book.add(winner)
        league = next((tag for tag in re.findall(r"\b[A-Z]{3,6}\b", competition)), "")
        self.direct.append(
            TeamFacts(
                name=winner,
                league=league if track is Track.LEAGUE_CHAMPION else "",
                track=track,
                berth=f"{competition} winner",
                qualified_by=f"beat {found.group('loser').strip()} {found.group('a')}–{found.group('b')}",
            )
        )

    def _read_professional(self, section: _Section) -> None:
        prose = section.prose()
        for found in _CHAMPION_NAMED.finditer(prose):
            name = found.group("name").strip()
            self.book.add(name)
            self.direct.append(
                TeamFacts(
                    name=name,
                    track=Track.PROFESSIONAL,
                    league=_initials(section.heading) if "league" in section.heading.lower() else "",
                    berth="defending U.S. Open Cup champion",
                )
            )
        for found in _UNNAMED_CLUBS.finditer(prose):
            count = _number(found.group("count"))
            if count:
                self.stated[f"{UNNAMED_PREFIX}{section.heading}"] = count
                self.warn(f"'{section.heading}': the text speaks of {count} clubs but does not name them")

    # --- inference ------------------------------------------------------------------------------------

    def _infer_level_winners(self) -> None:
        last_round = max(self.rounds, default=0)
        listed = self.stated.get("qualifiers", [])
        qualifiers = {self.book.key(name) for name in listed} if isinstance(listed, list) else set()
        for fixture in self.fixtures:
            if fixture.winner is not None:
                continue
            home, away = self._side_key(fixture.home), self._side_key(fixture.away)
            if fixture.round < last_round:
                later = {
                    key
                    for key, seen in self.appearances.items()
                    if any(a.round > fixture.round for a in seen)
                }
                where = f"round {fixture.round + 1}"
            else:
                later = qualifiers
                where = "the qualifiers list"
            going_on = [side for side, key in ((fixture.home, home), (fixture.away, away)) if key in later]
            if len(going_on) == 1:
                fixture.winner = going_on[0]
                fixture.note = f"level; winner inferred from {where} (shootout score not given)"
            else:
                self.error(f"round {fixture.round}: cannot tell who went through: {fixture.source_line}")

    def _teams(self) -> list[TeamFacts]:
        teams: list[TeamFacts] = []
        direct_keys = {self.book.key(team.name): team for team in self.direct}
        for key, seen in self.appearances.items():
            spellings = self.book.spellings(key)
            played = [s for s in spellings if self.match_spellings[s]]
            name = max(played, key=lambda s: self.match_spellings[s]) if played else spellings[0]
            first_match = min((a.round for a in seen if a.kind == "match"), default=None)
            if first_match is None:
                proposals = propose_matches(name, list(self.match_spellings))
                hint = f" (closest: {', '.join(f'{n} {s:.0f}' for n, s in proposals)})" if proposals else ""
                self.error(f"'{name}' has a bye but never plays: another spelling of a club that does?{hint}")
                first_match = max(a.round for a in seen) + 1
            tags = Counter(self.tags.get(key, []))
            if len(tags) > 1:
                listed = ", ".join(f"{tag} ({count}x)" for tag, count in tags.most_common())
                self.warn(f"'{name}' is tagged with different leagues: {listed}")
            teams.append(
                TeamFacts(
                    name=name,
                    also_written=[s for s in spellings if s != name],
                    league=tags.most_common(1)[0][0] if tags else "",
                    track=Track.LOCAL,
                    entry_round=first_match,
                )
            )
            if key in direct_keys:
                self.warn(f"'{name}' both plays local qualifying and is listed on a direct track")
        for key, team in direct_keys.items():
            if key in self.appearances:
                continue
            team.also_written = [s for s in self.book.spellings(key) if s != team.name]
            teams.append(team)
        return teams

    def _all_byes(self) -> list[ByeFacts]:
        listed = {(bye.round, self.book.key(bye.team)) for bye in self.byes}
        byes = [
            bye.model_copy(update={"team": self._season_spelling(self.book.key(bye.team))})
            for bye in self.byes
        ]
        for key, seen in self.appearances.items():
            first_match = min((a.round for a in seen if a.kind == "match"), default=None)
            if first_match is None:
                continue
            for round_number in range(min(self.rounds, default=1), first_match):
                if (round_number, key) not in listed:
                    spelling = self._season_spelling(key)
                    byes.append(ByeFacts(round=round_number, team=spelling, source="implied"))
        return sorted(byes, key=lambda bye: (bye.round, bye.source, bye.team.lower()))

    def _season_spelling(self, key: str) -> str:
        spellings = self.book.spellings(key)
        played = [s for s in spellings if self.match_spellings[s]]
        return max(played, key=lambda s: self.match_spellings[s]) if played else spellings[0]

    def _side_key(self, name: str | None) -> str | None:
        """The club key of a fixture's side; None while the side is "winner of fixture N"."""
        return None if name is None else self.book.key(name)

    def _respelled(self, name: str | None) -> str | None:
        """A fixture's side as the season spells the club most often; None stays None."""
        return None if name is None else self._season_spelling(self.book.key(name))

    def _leagues(self) -> list[LeagueFacts]:
        names = dict(self.league_names)
        claims: dict[str, list[tuple[int, str]]] = {}
        for league_name, members in self.table_leagues.items():
            tags = Counter(tag for member in members for tag in self.tags.get(self.book.key(member), [])[:1])
            if tags:
                tag, count = tags.most_common(1)[0]
                if tag != league_name:
                    claims.setdefault(tag, []).append((count, league_name))
        for tag, claimants in claims.items():
            claimants.sort(reverse=True)
            if len(claimants) > 1:
                named = " and ".join(f"'{name}'" for _count, name in claimants)
                self.warn(f"league tag {tag} is used by clubs of {named}; naming it after the first")
            names.setdefault(tag, claimants[0][1])
        used = {tag for tags in self.tags.values() for tag in tags} | set(names)
        return [LeagueFacts(abbreviation=tag, name=names.get(tag, "")) for tag in sorted(used)]

    def _check_table_names(self, teams: list[TeamFacts]) -> None:
        known = {self.book.key(team.name) for team in teams}
        every_spelling = [s for team in teams for s in (team.name, *team.also_written)]
        for league_name, members in self.table_leagues.items():
            for member in members:
                if self.book.key(member) in known:
                    self.book.add(member)
                    continue
                proposals = propose_matches(member, every_spelling)
                hint = f" (closest: {', '.join(f'{n} {s:.0f}' for n, s in proposals)})" if proposals else ""
                self.warn(f"state/league table ('{league_name}') names '{member}', who plays no match{hint}")
        for team in teams:
            team.also_written = [s for s in self.book.spellings(self.book.key(team.name)) if s != team.name]


def read_seed(text: str, *, source: str, aliases: list[AliasRule] | None = None) -> SeasonFacts:
    """Read a season written in the seed format."""
    return SeedReader(text, source=source, aliases=aliases).read()
