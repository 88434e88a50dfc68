"""Reader for the seed format: plain-text renderings of a season's qualification article.

The reader is written against the *format* (headings, an infobox, tables, date lines, match lines, bye
lists, prose), not against one file. It puts together parts with one job each: `sections` (the headings as a
tree, what a heading names), `matchline` (one line at a time), `prose` (sentences that state facts),
`tables` (schedule, state/league and national-league tables) and `inference` (byes, winners of level ties,
clubs whose fate the source leaves open). Every line it cannot place becomes a finding; nothing is dropped
silently, and nothing is guessed: what the source does not say stays unknown and is reported as its gap.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field

from bot.names import AliasRule, NameBook, propose_matches
from bot.seasons import inference, prose
from bot.seasons.facts import (
    FATE_NOT_SAID,
    UNNAMED_PREFIX,
    WINNER_NOT_SAID,
    ByeFacts,
    DecidedBy,
    Finding,
    FindingKind,
    FixtureFacts,
    FixtureStatus,
    LeagueFacts,
    RoundFacts,
    SeasonFacts,
    TeamFacts,
    Track,
)
from bot.seasons.inference import Appearance
from bot.seasons.matchline import MONTHS, MatchLine, bye_names, looks_like_prose, parse_date, parse_match
from bot.seasons.outcome import BadResult, settle
from bot.seasons.sections import (
    Document,
    RoundHeading,
    Section,
    number_rounds,
    region_line,
    round_heading,
    split_document,
)
from bot.seasons.tables import TEAM_WITH_TAG, berth, initials, national_league, schedule_rows, state_table

_CHAMPION_NAMED = re.compile(r"champions?, (?P<name>[A-Z][^,]+?), qualified")
_UNNAMED_CLUBS = re.compile(r"\b(?:top|following) (?P<count>\w+) (?:[\w-]+ ){0,2}(?:teams|clubs)\b", re.I)
_STATED_BYES = re.compile(r"(\d+) clubs will get .*byes", re.IGNORECASE)
_SETTLE_LEVEL_LAST = (
    "a qualifiers list naming the side that went through (the infobox's Qualifiers), or a sentence such as "
    "'{home} beat {away} 4–3 on penalties'"
)
_SETTLE_LEVEL = (
    "the next round's line of the side that went through, or a sentence such as "
    "'{home} beat {away} 4–3 on penalties'"
)
_SETTLE_STRANDED = (
    "the round-{next} line of {name} (a match missing from the source), or a sentence saying that {name} "
    "withdrew or had a bye"
)
_SETTLE_SPELLING = "add the spelling to data/aliases.csv (alias,team,season,note) and import again"


def _month_years(text: str) -> dict[str, int]:
    """The year prose gives each month it names: 'played on November 16 and 17, 2024' → november: 2024.

    A round that runs into the next year ('replayed in full on January 16, 2025') dates each match by
    its own month; a month named without a year takes the round's year.
    """
    found: dict[str, int] = {}
    for sentence in prose.sentences(text):
        months: list[str] = []
        for word in re.finditer(r"[A-Za-z]+|(?:19|20)\d{2}\b", sentence):
            token = word.group(0)
            if token.lower() in MONTHS:
                months.append(token.lower())
            elif token.isdigit():
                for month in months:
                    found.setdefault(month, int(token))
                months = []
    return found


@dataclass
class _Said:
    """A sentence of a round's prose, kept until every match line of the season is read."""

    round: int
    sentence: str


@dataclass
class _Findings:
    """The reader's findings, in the order met."""

    items: list[Finding] = field(default_factory=list)

    def add(
        self, level: str, message: str, kind: FindingKind, *, line: str = "", settle_by: str = ""
    ) -> None:
        self.items.append(Finding(level=level, message=message, kind=kind, line=line, settle=settle_by))

    def error(self, message: str, kind: FindingKind = FindingKind.UNREAD, **more: str) -> None:
        """Something the reader could not make sense of: the season cannot be written without a person."""
        self.add("error", message, kind, **more)

    def warn(self, message: str, kind: FindingKind = FindingKind.DISAGREEMENT, **more: str) -> None:
        """A disagreement or a gap in the source."""
        self.add("warning", message, kind, **more)

    def note(self, message: str, kind: FindingKind = FindingKind.NOTE, **more: str) -> None:
        """Something worth knowing."""
        self.add("info", message, kind, **more)


@dataclass
class _Clubs:
    """Every club met so far: spellings grouped by the name book, where each was seen, its league tags."""

    book: NameBook
    appearances: dict[str, list[Appearance]] = field(default_factory=dict)
    tags: dict[str, list[str]] = field(default_factory=dict)
    match_spellings: Counter[str] = field(default_factory=Counter)

    def appear(self, name: str, round_number: int, kind: str) -> str:
        key = self.book.add(name)
        self.appearances.setdefault(key, []).append(
            Appearance(round_number, "match" if kind == "match" else "bye")
        )
        return key

    def tag(self, key: str, tag: str) -> None:
        self.tags.setdefault(key, []).append(tag)

    def spelling(self, key: str) -> str:
        """The club as the season spells it most often in its match lines."""
        spellings = self.book.spellings(key)
        played = [s for s in spellings if self.match_spellings[s]]
        return max(played, key=lambda s: self.match_spellings[s]) if played else spellings[0]

    def respelled(self, name: str | None) -> str | None:
        return None if name is None else self.spelling(self.book.key(name))


class _Reading:
    """One reading of one document: what each part found, put together into the season's facts."""

    def __init__(self, document: Document, *, year: int, source: str, aliases: list[AliasRule]) -> None:
        self.document = document
        self.year = year
        self.source = source
        self.clubs = _Clubs(NameBook(aliases, season=year))
        self.findings = _Findings()
        self.rounds: dict[int, RoundFacts] = {}
        self.if_needed: set[int] = set()
        self.fixtures: list[FixtureFacts] = []
        self.byes: list[ByeFacts] = []
        self.stated: dict[str, int | str | list[str]] = {}
        self.direct: list[TeamFacts] = []
        self.table_leagues: dict[str, list[str]] = {}
        self.league_names: dict[str, str] = {}
        self.said: list[_Said] = []
        self.final_winners_rounds: set[int] = set()
        self.year_assumed: set[int] = set()
        self.final_number = number_rounds(self._all_round_headings())

    # --- rounds: which headings are rounds, and their numbers -------------------------------------------

    def _round_of(self, section: Section) -> RoundHeading | None:
        heading = round_heading(section.heading)
        if heading is None or "qualif" not in section.path:
            return None
        return heading

    def _all_round_headings(self) -> list[RoundHeading]:
        found = [h for s in self.document.sections() if (h := self._round_of(s)) is not None]
        for section in self.document.sections():
            if "schedule" in section.heading.lower():
                found += [h for row in schedule_rows(section.lines) if (h := round_heading(row.round_text))]
        return found

    def _number(self, heading: RoundHeading) -> int:
        return heading.number if heading.number is not None else self.final_number

    # --- the whole document -------------------------------------------------------------------------------

    def read(self) -> SeasonFacts:
        infobox = self.document.infobox
        for key, stated_key in (("Num Teams", "teams"), ("Matches", "matches"), ("Goals", "goals")):
            if key in infobox and infobox[key].replace(",", "").isdigit():
                self.stated[stated_key] = int(infobox[key].replace(",", ""))
        for section in self.document.sections():
            self._read_section(section)
        self._read_prose()
        self._read_qualifier_list(infobox)
        self._drop_rounds_not_played()
        self._settle_level_ties()
        self._report_stranded()
        teams = self._teams()
        self._check_table_names(teams)
        for fixture in self.fixtures:  # every reference uses the season's own spelling of the club
            fixture.home = self.clubs.respelled(fixture.home)
            fixture.away = self.clubs.respelled(fixture.away)
            fixture.winner = self.clubs.respelled(fixture.winner)
        title = self.document.title
        return SeasonFacts(
            year=self.year,
            title=title or f"{self.year} U.S. Open Cup qualification",
            source=self.source,
            stated=self.stated,
            rounds=[self.rounds[number] for number in sorted(self.rounds)],
            leagues=self._leagues(),
            teams=teams,
            fixtures=self.fixtures,
            byes=self._all_byes(),
            findings=self.findings.items,
        )

    def _read_section(self, section: Section) -> None:
        if any(self._round_of(s) is not None for s in section.ancestors):
            return  # a region inside a round: read with its round
        heading = section.heading.lower()
        path = section.path
        found_round = self._round_of(section)
        if found_round is not None:
            self._read_round(section, found_round)
        elif "schedule" in heading:
            self._read_schedule(section)
        elif "state" in heading and "league" in heading:
            self._read_state_table(section)
        elif "national league" in path and section.level > 1 and section.ancestors:
            if "national league" in heading:
                return
            self._read_national_league(section)
        elif "amateur cup" in heading:
            self._read_direct_slot(section, Track.AMATEUR_CUP)
        elif "champion" in heading:
            self._read_direct_slot(section, Track.LEAGUE_CHAMPION)
        elif "professional" in path or "major league" in heading or "pro" in heading.split():
            self._read_professional(section)
        else:
            if heading == "local qualifying":
                self._read_local_intro(section)
            self._read_other_prose(section)

    def _read_local_intro(self, section: Section) -> None:
        text = section.prose()
        advancing = re.search(r"(\d+) (?:clubs|teams) advancing", text)
        if advancing:
            self.stated["local_qualifiers"] = int(advancing.group(1))
        entering = re.search(r"(\d+) teams would participate", text)
        if entering:
            self.stated["local_teams"] = int(entering.group(1))

    def _read_other_prose(self, section: Section) -> None:
        """Sentences outside the rounds that name a National Amateur Cup winner in their own words.

        Match lines outside any round are not guessed into one: they are reported.
        """
        stray = [line for line in section.lines if parse_match(line) is not None]
        if stray:
            self.findings.warn(
                f"'{section.heading or 'the introduction'}' holds {len(stray)} match line(s) but is no "
                f"qualifying round the reader knows (name the round in a heading): {stray[0]}",
                FindingKind.UNREAD,
                line=stray[0],
            )
        for sentence in prose.sentences(section.prose()):
            found = prose.read_direct_winner(sentence)
            if found and "amateur cup" in found.competition.lower():
                self._add_direct(found, Track.AMATEUR_CUP)

    def _read_schedule(self, section: Section) -> None:
        for row in schedule_rows(section.lines):
            heading = round_heading(row.round_text)
            if heading is None:
                self.findings.warn(
                    f"schedule row not understood: {row.line}", FindingKind.UNREAD, line=row.line
                )
                continue
            number = self._number(heading)
            if heading.if_needed:
                self.if_needed.add(number)
            facts = self.rounds.setdefault(number, RoundFacts(number=number, name=row.round_text))
            facts.name = row.round_text or facts.name
            facts.dates = row.dates if row.dates is not None else facts.dates
            facts.stated_new_teams = row.new_teams
            facts.stated_entrants = row.entrants

    def _read_state_table(self, section: Section) -> None:
        table = state_table(section.lines, section.prose())
        if table.states is not None:
            self.stated["states"] = table.states
        for league, members in table.leagues.items():
            self.table_leagues.setdefault(league, []).extend(members)
        for problem in table.problems:
            self.findings.warn(problem)

    def _read_national_league(self, section: Section) -> None:
        league = national_league(section.heading, section.lines, section.prose())
        self.league_names[league.abbreviation] = league.name
        for label, count in league.stated.items():
            self.stated[f"{league.abbreviation}_{label}"] = count
        for entry in league.entries:
            if not entry.name:
                self.findings.warn(f"{league.abbreviation}: a row in '{entry.group}' has no club name")
                continue
            self.clubs.book.add(entry.name)
            self.direct.append(
                TeamFacts(
                    name=entry.name,
                    league=league.abbreviation,
                    state=entry.state,
                    track=Track.NATIONAL_LEAGUE,
                    berth=berth(league.abbreviation, entry.group, entry.division),
                )
            )
        for problem in league.problems:
            self.findings.warn(problem, FindingKind.UNREAD)

    def _read_direct_slot(self, section: Section, track: Track) -> None:
        text = section.prose()
        found = prose.read_direct_winner(text, defeated_only=True)
        if found is None:
            found = next(filter(None, map(prose.read_direct_winner, prose.sentences(text))), None)
        if found is None:
            if text:
                self.findings.warn(
                    f"'{section.heading}': no winner found in: {text[:120]}", FindingKind.UNREAD
                )
            return
        self._add_direct(found, track)

    def _add_direct(self, found: prose.DirectSaid, track: Track) -> None:
        key = self.clubs.book.key(found.winner)
        if any(self.clubs.book.key(team.name) == key for team in self.direct):
            return
        self.clubs.book.add(found.winner)
        league = next((tag for tag in re.findall(r"\b[A-Z]{3,6}\b", found.competition)), "")
        self.direct.append(
            TeamFacts(
                name=found.winner,
                league=league if track is Track.LEAGUE_CHAMPION else "",
                track=track,
                berth=f"{found.competition} winner",
                qualified_by=f"beat {found.loser} {found.score}" if found.loser else "",
            )
        )

    def _read_professional(self, section: Section) -> None:
        text = section.prose()
        for found in _CHAMPION_NAMED.finditer(text):
            name = found.group("name").strip()
            self.clubs.book.add(name)
            self.direct.append(
                TeamFacts(
                    name=name,
                    track=Track.PROFESSIONAL,
                    league=initials(section.heading) if "league" in section.heading.lower() else "",
                    berth="defending U.S. Open Cup champion",
                )
            )
        for found in _UNNAMED_CLUBS.finditer(text):
            count = prose.number(found.group("count"))
            if count:
                self.stated[f"{UNNAMED_PREFIX}{section.heading}"] = count
                self.findings.warn(
                    f"'{section.heading}': the text speaks of {count} clubs but does not name them"
                )

    # --- a round ------------------------------------------------------------------------------------------

    def _round_lines(self, section: Section) -> list[str]:
        """The round's lines and those of the regions inside it, in document order."""
        lines = list(section.lines)
        for child in section.children:
            lines.append(f";{child.heading}")
            lines += self._round_lines(child)
        return lines

    def _read_round(self, section: Section, heading: RoundHeading) -> None:
        number = self._number(heading)
        if heading.if_needed:
            self.if_needed.add(number)
        facts = self.rounds.setdefault(number, RoundFacts(number=number, name=section.heading))
        if not facts.name or facts.name == section.heading:
            facts.name = section.heading[:1].upper() + section.heading[1:]
        lines = self._round_lines(section)
        text = " ".join(line for line in lines if line and not line.startswith(("|", "-", ";")))
        years = re.findall(r"\b((?:19|20)\d{2})\b", text + " " + facts.dates)
        around = [a.prose() for a in reversed(section.ancestors)]  # the region's, then local qualifying's …
        years = years or next(
            (found for p in around if (found := re.findall(r"\b((?:19|20)\d{2})\b", p))), []
        )
        if years:
            year = int(years[-1])
        else:
            year = self.year - 1
            if number not in self.year_assumed:
                self.year_assumed.add(number)
                self.findings.warn(
                    f"round {number}: no year given for its dates; assuming {year}", FindingKind.ASSUMED
                )
        month_years = _month_years(text)
        day: dt.date | None = None
        undated = 0
        for line in lines:
            if not line:
                continue
            month = next((word for word in re.findall(r"[a-z]+", line.lower()) if word in MONTHS), "")
            date = parse_date(line, month_years.get(month, year))
            if date is not None:
                day = date
                continue
            byes = bye_names(line)
            if byes is not None:
                for name in byes:
                    self.clubs.appear(name, number, "bye")
                    self.byes.append(ByeFacts(round=number, team=name, source="listed"))
                continue
            if region_line(line) is not None:
                day = None  # a region's matches carry their own date lines
                continue
            match = parse_match(line)
            if match is not None:
                undated += day is None
                self._read_match(match, number, day, line)
                continue
            if looks_like_prose(line):
                stated = _STATED_BYES.search(line)
                if stated:
                    self.stated[f"round_{number}_byes"] = int(stated.group(1))
                self.said += [_Said(number, sentence) for sentence in prose.sentences(line)]
                continue
            self.findings.error(f"round {number}: line not understood: {line}", line=line)
        if undated:
            self.findings.note(
                f"round {number}: {undated} match line{'s have' if undated > 1 else ' has'} no date line "
                "before it (the source gives no date)",
                FindingKind.ASSUMED,
            )

    def _read_match(self, match: MatchLine, number: int, day: dt.date | None, line: str) -> None:
        home_key = self.clubs.appear(match.home, number, "match")
        away_key = self.clubs.appear(match.away, number, "match")
        self.clubs.match_spellings.update([match.home, match.away])
        for key, tag in ((home_key, match.home_tag), (away_key, match.away_tag)):
            if tag:
                self.clubs.tag(key, tag)
        fixture = FixtureFacts(
            number=len(self.fixtures) + 1,
            round=number,
            date=day,
            home=match.home,
            away=match.away,
            home_league=match.home_tag,
            away_league=match.away_tag,
            source_line=line,
        )
        if match.abandoned or match.annulled:
            fixture.home_score, fixture.away_score = match.home_score, match.away_score
            fixture.status = FixtureStatus.ABANDONED if match.abandoned else FixtureStatus.ANNULLED
            fixture.decided_by = DecidedBy.ABANDONED if match.abandoned else DecidedBy.ANNULLED
            self.fixtures.append(fixture)
            return
        try:
            if match.forfeit or match.walkover:
                if match.home_score is None:
                    if match.home_won_forfeit is None:
                        raise BadResult("a forfeit with no single winner")
                    outcome = settle(
                        score=None, forfeit=True, winner="home" if match.home_won_forfeit else "away"
                    )
                else:
                    awarded = f"{match.home_score}-{match.away_score}"
                    fixture.note = f"awarded {awarded}"
                    outcome = settle(score=awarded, forfeit=True)
            else:
                fixture.home_score, fixture.away_score = match.home_score, match.away_score
                fixture.extra_time = match.extra_time
                # Level with no shoot-out written: the winner is whoever plays on (inferred later).
                outcome = settle(
                    score=f"{fixture.home_score}-{fixture.away_score}",
                    extra_time=fixture.extra_time,
                    penalties=f"{match.penalties[0]}-{match.penalties[1]}" if match.penalties else None,
                    allow_unknown_winner=True,
                )
        except BadResult as bad:
            self.findings.error(f"round {number}: {bad}: {line}", line=line)
            return
        fixture.decided_by, fixture.penalties = outcome.decided_by, outcome.penalties
        if outcome.winner is not None:
            fixture.winner = match.home if outcome.winner == "home" else match.away
        self.fixtures.append(fixture)

    # --- prose --------------------------------------------------------------------------------------------

    def _ties(self) -> list[prose.Tie]:
        """The played ties, as the prose reader finds them: each side's club and all its spellings."""
        book = self.clubs.book
        ties = []
        for fixture in self.fixtures:
            if fixture.status != FixtureStatus.PLAYED or fixture.home is None or fixture.away is None:
                continue
            home, away = book.key(fixture.home), book.key(fixture.away)
            ties.append(
                prose.Tie(
                    id=fixture.number,
                    round=fixture.round,
                    home=home,
                    away=away,
                    home_spellings=tuple(book.spellings(home)),
                    away_spellings=tuple(book.spellings(away)),
                )
            )
        return ties

    def _read_prose(self) -> None:
        """The rounds' sentences, read now that every match line is known."""
        by_number = {fixture.number: fixture for fixture in self.fixtures}
        every_tie = self._ties()
        for said in self.said:
            sentence = said.sentence
            qualified = prose.read_qualified(sentence)
            if qualified is not None:
                self._qualified(qualified, said.round)
            direct = prose.read_direct_winner(sentence)
            if direct is not None and "amateur cup" in direct.competition.lower():
                self._add_direct(direct, Track.AMATEUR_CUP)
                continue
            if not (prose.says_shootout(sentence) or prose.says_extra_time(sentence)):
                continue
            ties = prose.read_ties(sentence, every_tie, round_number=said.round)
            if not ties:
                if re.search(r"\b(?:beat|defeated|edged|won|lost|drew)\b|\d\s*[-–]\s*\d", sentence):
                    self.findings.warn(
                        f"round {said.round}: the prose names no tie that the match lines hold: {sentence}",
                        FindingKind.UNREAD,
                        line=sentence,
                    )
                continue
            counted = prose.counted_ties(sentence)
            if counted is not None and counted != len(ties):
                self.findings.warn(
                    f"round {said.round}: the prose counts {counted} ties but names {len(ties)}: {sentence}",
                    line=sentence,
                )
            for tie in ties:
                self._apply(by_number[tie.tie], tie)

    def _apply(self, fixture: FixtureFacts, said: prose.TieSaid) -> None:
        """Give a fixture what a sentence says of it, unless the sentence and the match line disagree."""
        found = prose.reconcile(fixture, said)
        if found.conflicts:
            self.findings.warn(
                f"round {fixture.round}: the prose and the match line disagree "
                f"({'; '.join(found.conflicts)}); the match line stands: '{fixture.source_line}' against "
                f"'{said.sentence}'",
                line=fixture.source_line,
            )
            return
        if found.outcome is None:
            return
        if found.winner_only:
            fixture.winner = fixture.home if found.outcome.winner == "home" else fixture.away
            fixture.note = f"the prose says who went through: {said.sentence}"
            return
        fixture.extra_time = fixture.extra_time or said.extra_time
        fixture.decided_by, fixture.penalties = found.outcome.decided_by, found.outcome.penalties
        if found.outcome.winner is not None:
            fixture.winner = fixture.home if found.outcome.winner == "home" else fixture.away
        fixture.note = f"from the prose: {said.sentence}"

    def _qualified(self, said: prose.QualifiedSaid, round_number: int) -> None:
        """A sentence saying who qualified: the round it closes, a count, or a list of clubs."""
        self.final_winners_rounds.add(round_number)
        if said.names and "qualifiers" not in self.stated:
            self.stated["qualifiers"] = list(said.names)
            for name in said.names:
                self.clubs.book.add(name)
        if said.count is not None:
            self.stated.setdefault("local_qualifiers", said.count)

    # --- qualifiers and inference -------------------------------------------------------------------------

    def _qualifier_key(self, infobox: dict[str, str]) -> str | None:
        """The infobox key that lists the qualifiers.

        'Qualifiers' (or a key holding the word), or a mislabelled one whose clubs play the last round.
        """
        keys = [key for key in infobox if "qualifier" in key.lower()]
        if keys:
            return keys[-1]
        last = max((f.round for f in self.fixtures), default=0)
        in_last = {
            self.clubs.book.key(side)
            for f in self.fixtures
            if f.round == last
            for side in (f.home, f.away)
            if side
        }
        best, best_share = None, 0.5
        for key, value in infobox.items():
            items = [
                TEAM_WITH_TAG.sub(r"\g<name>", part.strip()) for part in value.split(",") if part.strip()
            ]
            if len(items) < 2:
                continue
            share = sum(self.clubs.book.key(item) in in_last for item in items) / len(items)
            if share > best_share:
                best, best_share = key, share
        return best

    def _read_qualifier_list(self, infobox: dict[str, str]) -> None:
        key = self._qualifier_key(infobox)
        if key is None:
            return
        if key.lower() != "qualifiers":
            self.findings.note(f"the infobox lists the qualifiers under the key '{key}'")
        names = []
        for item in (part.strip() for part in infobox[key].split(",")):
            tagged = TEAM_WITH_TAG.match(item)
            name = tagged.group("name") if tagged else item
            names.append(name)
            self.clubs.book.add(name)
            if tagged:
                self.clubs.tag(self.clubs.book.key(name), tagged.group("tag"))
        prose_names = self.stated.get("qualifiers")
        if isinstance(prose_names, list):
            listed = {self.clubs.book.key(n) for n in names}
            if {self.clubs.book.key(n) for n in prose_names} != listed:
                self.findings.warn("the prose and the infobox name different qualifiers")
        self.stated["qualifiers"] = names

    def _settle_level_ties(self) -> None:
        last_round = max(self.rounds, default=0)
        listed = self.stated.get("qualifiers")
        qualifiers = {self.clubs.book.key(name) for name in listed} if isinstance(listed, list) else None
        for fixture in self.fixtures:
            if fixture.winner is not None or fixture.status != FixtureStatus.PLAYED:
                continue
            home, away = self._side_key(fixture.home), self._side_key(fixture.away)
            plays_on = inference.level_tie_winner(
                home=home,
                away=away,
                round_number=fixture.round,
                last_round=last_round,
                appearances=self.clubs.appearances,
                qualifiers=qualifiers,
            )
            if plays_on.winner is not None:
                fixture.winner = fixture.home if plays_on.winner == "home" else fixture.away
                fixture.note = f"level; winner inferred from {plays_on.where} (shootout score not given)"
                continue
            line = fixture.source_line
            if plays_on.both:
                self.findings.error(
                    f"round {fixture.round}: both sides of a level tie play on, so who went through cannot "
                    f"be told: {line}",
                    FindingKind.DISAGREEMENT,
                    line=line,
                )
                continue
            hint = _SETTLE_LEVEL_LAST if fixture.round >= last_round else _SETTLE_LEVEL
            self.findings.warn(
                f"round {fixture.round}: {WINNER_NOT_SAID} (level, no shoot-out given, neither side seen "
                f"in {plays_on.where}): {line}",
                FindingKind.GAP,
                line=line,
                settle_by=hint.format(home=fixture.home, away=fixture.away),
            )
            fixture.note = WINNER_NOT_SAID  # decided on penalties, score and winner unknown

    def _report_stranded(self) -> None:
        """Clubs that won a round before the last and have no later line: how far they went is not said."""
        last_round = max(self.rounds, default=0)
        winners = [
            (self.clubs.book.key(fixture.winner), fixture.round)
            for fixture in self.fixtures
            if fixture.winner is not None and fixture.status == FixtureStatus.PLAYED
        ]
        stranded: list[str] = []
        for key, round_number in inference.stranded(winners, self.clubs.appearances, last_round):
            if round_number in self.final_winners_rounds:
                continue
            name = self.clubs.spelling(key)
            line = next(
                f.source_line
                for f in self.fixtures
                if f.round == round_number and f.winner and self.clubs.book.key(f.winner) == key
            )
            self.findings.warn(
                f"round {round_number}: {name} won and has no later line: the source does not say how far "
                f"{name} went: {line}",
                FindingKind.GAP,
                line=line,
                settle_by=_SETTLE_STRANDED.format(next=round_number + 1, name=name),
            )
            stranded.append(name)
        if stranded:
            self.stated[FATE_NOT_SAID] = stranded
        for key, seen in self.clubs.appearances.items():
            played = sorted({a.round for a in seen if a.kind == "match"})
            for number in inference.skipped_rounds(seen):
                name = self.clubs.spelling(key)
                before = max(r for r in played if r < number)
                after = min(r for r in played if r > number)
                self.findings.warn(
                    f"round {number}: {name} plays rounds {before} and {after} but has no line in round "
                    f"{number}: its match is missing, or it had a bye the source does not list (the source "
                    "does not say which)",
                    FindingKind.GAP,
                    line=name,
                    settle_by=f"a round-{number} line for {name}, or {name} in that round's bye list",
                )

    def _drop_rounds_not_played(self) -> None:
        """A round announced 'if needed' that has no match line was never played: it is no round."""
        played = {fixture.round for fixture in self.fixtures}
        for number in sorted(self.if_needed - played):
            name = self.rounds.pop(number).name
            self.findings.note(
                f"round {number} ('{name}') was announced if needed and has no match: not played"
            )

    def _teams(self) -> list[TeamFacts]:
        teams: list[TeamFacts] = []
        book = self.clubs.book
        direct_keys = {book.key(team.name): team for team in self.direct}
        for key, seen in self.clubs.appearances.items():
            spellings = book.spellings(key)
            name = self.clubs.spelling(key)
            first_match = inference.first_match(seen)
            if first_match is None:
                proposals = propose_matches(name, list(self.clubs.match_spellings))
                hint = f" (closest: {', '.join(f'{n} {s:.0f}' for n, s in proposals)})" if proposals else ""
                self.findings.error(
                    f"'{name}' has a bye but never plays: another spelling of a club that does?{hint}",
                    FindingKind.SPELLING,
                    line=name,
                    settle_by=f"{_SETTLE_SPELLING}, e.g. '{name},{proposals[0][0]},{self.year},'"
                    if proposals
                    else _SETTLE_SPELLING,
                )
                first_match = max(a.round for a in seen) + 1
            tags = Counter(self.clubs.tags.get(key, []))
            if len(tags) > 1:
                listed = ", ".join(f"{tag} ({count}x)" for tag, count in tags.most_common())
                self.findings.warn(f"'{name}' is tagged with different leagues: {listed}")
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
                self.findings.warn(f"'{name}' both plays local qualifying and is listed on a direct track")
        for key, team in direct_keys.items():
            if key in self.clubs.appearances:
                continue
            team.also_written = [s for s in book.spellings(key) if s != team.name]
            teams.append(team)
        return teams

    def _all_byes(self) -> list[ByeFacts]:
        book = self.clubs.book
        byes = [bye.model_copy(update={"team": self.clubs.spelling(book.key(bye.team))}) for bye in self.byes]
        first_round = min(self.rounds, default=1)
        for key, seen in self.clubs.appearances.items():
            for round_number in inference.implied_byes(seen, first_round):
                byes.append(ByeFacts(round=round_number, team=self.clubs.spelling(key), source="implied"))
        return sorted(byes, key=lambda bye: (bye.round, bye.source, bye.team.lower()))

    def _side_key(self, name: str | None) -> str | None:
        """The club key of a fixture's side; None while the side is "winner of fixture N"."""
        return None if name is None else self.clubs.book.key(name)

    def _leagues(self) -> list[LeagueFacts]:
        names = dict(self.league_names)
        claims: dict[str, list[tuple[int, str]]] = {}
        tags_of = self.clubs.tags
        for league_name, members in self.table_leagues.items():
            tags = Counter(
                tag for member in members for tag in tags_of.get(self.clubs.book.key(member), [])[:1]
            )
            if tags:
                tag, count = tags.most_common(1)[0]
                if tag != league_name:
                    claims.setdefault(tag, []).append((count, league_name))
        for tag, claimants in claims.items():
            claimants.sort(reverse=True)
            if len(claimants) > 1:
                named = " and ".join(f"'{name}'" for _count, name in claimants)
                self.findings.warn(f"league tag {tag} is used by clubs of {named}; naming it after the first")
            names.setdefault(tag, claimants[0][1])
        used = {tag for tags in tags_of.values() for tag in tags} | set(names)
        return [LeagueFacts(abbreviation=tag, name=names.get(tag, "")) for tag in sorted(used)]

    def _check_table_names(self, teams: list[TeamFacts]) -> None:
        book = self.clubs.book
        known = {book.key(team.name) for team in teams}
        every_spelling = [s for team in teams for s in (team.name, *team.also_written)]
        for league_name, members in self.table_leagues.items():
            for member in members:
                if book.key(member) in known:
                    book.add(member)
                    continue
                proposals = propose_matches(member, every_spelling)
                hint = f" (closest: {', '.join(f'{n} {s:.0f}' for n, s in proposals)})" if proposals else ""
                self.findings.warn(
                    f"state/league table ('{league_name}') names '{member}', who plays no match{hint}",
                    FindingKind.SPELLING,
                    line=member,
                    settle_by=_SETTLE_SPELLING,
                )
        for team in teams:
            team.also_written = [s for s in book.spellings(book.key(team.name)) if s != team.name]


def read_seed(text: str, *, source: str, aliases: list[AliasRule] | None = None) -> SeasonFacts:
    """Read a season written in the seed format."""
    document = split_document(text)
    year_text = document.infobox.get("Year") or (re.search(r"\b(19|20)\d{2}\b", document.title) or [""])[0]
    if not year_text:
        raise ValueError(f"{source}: no season year in the infobox or the title")
    return _Reading(document, year=int(year_text), source=source, aliases=aliases or []).read()
