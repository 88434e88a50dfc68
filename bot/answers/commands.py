"""The commands every face offers: names, options, limits, descriptions, and the answer function behind each.

This table is the one definition of a command. The console parses `/path team:… season:…` by it, the Discord
cogs take their option types, limits, choices and descriptions from it (a test holds the synced commands
equal to it), and `/help` is built from it.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from typing import Any

from pydantic import BaseModel, Field
from rapidfuzz import fuzz, process
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.answers.eligible import eligible_club, eligible_league, eligible_team
from bot.answers.errors import BadOption, UnknownCommand
from bot.answers.follows import follow, following, unfollow
from bot.answers.path import path
from bot.answers.qualifiers import qualifiers
from bot.answers.report import bye, fixture_new, history, report, season_new, undo
from bot.answers.result import result
from bot.answers.round import bracket, round_fixtures
from bot.answers.stats import stats
from bot.answers.team import team
from bot.modelbase import Deferred

Answer = Callable[..., Awaitable[BaseModel]]

MODERATOR_GROUP = "mod"  # the Discord group of the moderators' commands: /mod report, /mod season new
NAME_LENGTH = 100  # characters: Discord's limit for an autocompleted value, and more than any club's name
_BOOLEANS = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}
_KIND_WORDS = {int: "a whole number", bool: "true or false", dt.date: "a date, YYYY-MM-DD", str: "text"}


def _of_kind(value: Any, kind: type) -> bool:
    """Whether `value` is of `kind` (a bool is not a whole number here, though Python says it is)."""
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, kind)


def written(value: Any) -> str:
    """An option's value as the console writes it, which `Option.parse` reads back to the same value."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


@dataclass(frozen=True)
class Option:
    """One option of a command, with the limits every face enforces."""

    name: str
    kind: type
    description: str
    required: bool = False
    choices: tuple[str, ...] = ()
    min_value: int | None = None
    max_value: int | None = None
    max_length: int | None = None  # text options
    discord_only: bool = False  # shown on Discord only (a picture): the console accepts it and ignores it
    what: str = ""  # what a value is, in a fan's words ("a club's name"); by default from `kind`

    def parse(self, value: str) -> Any:
        """The typed value of what was written (console), or a friendly error."""
        if self.kind is int:
            digits = value.removeprefix("-")
            # isdigit() also accepts '²' and other digits int() refuses: ASCII digits only.
            if not (digits.isascii() and digits.isdigit()):
                raise self._not_a(value)
            if len(digits) > 12:  # far outside any limit; never build an absurd number
                raise BadOption(f"'{self.name}' {self.limits_words()}, not '{value[:40]}…'.")
            return self.check(int(value))
        if self.kind is bool:
            if value.lower() not in _BOOLEANS:
                raise BadOption(
                    f"'{self.name}' is true or false, not '{value[:40]}'.", candidates=["true", "false"]
                )
            return _BOOLEANS[value.lower()]
        if self.kind is dt.date:
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                raise BadOption(f"'{self.name}' is a date written YYYY-MM-DD, not '{value[:40]}'.") from None
        return self.check(value.lower() if self.choices else value)

    def check(self, value: Any) -> Any:
        """`value` as it arrived (Discord sends it typed, or anything at all if forged), within the limits.

        Every face calls this before an answer runs, so a value of the wrong kind, a number out of range or
        an over-long text is a friendly refusal, never an answer to a question that was not asked.
        """
        if self.kind is dt.date:
            if isinstance(value, dt.date):
                return value
            if not isinstance(value, str):
                raise self._not_a(value)
            return self.parse(value.strip())
        if not _of_kind(value, self.kind):
            raise self._not_a(value)
        if self.choices and str(value).lower() not in self.choices:
            raise BadOption(
                f"'{self.name}' is one of {', '.join(self.choices)}, not '{str(value)[:40]}'.",
                candidates=list(self.choices),
            )
        if isinstance(value, int) and not isinstance(value, bool):
            low = self.min_value if self.min_value is not None else value
            high = self.max_value if self.max_value is not None else value
            if not low <= value <= high:
                shown = str(value) if len(str(value)) <= 12 else str(value)[:12] + "…"
                raise BadOption(f"'{self.name}' {self.limits_words()}, not {shown}.")
        if isinstance(value, str):
            if self.max_length is not None and len(value) > self.max_length:
                raise BadOption(f"'{self.name}' is at most {self.max_length} characters long.")
            if any(unicodedata.category(char) == "Cc" for char in value):
                raise BadOption(f"'{self.name}' cannot hold control characters (line breaks, tabs).")
        if self.choices:
            return str(value).lower()
        return value

    def _not_a(self, value: Any) -> BadOption:
        """The refusal of a value of the wrong kind: 'team' takes a club's name, and 123 is not one."""
        shown = repr(value) if not isinstance(value, str) else f"'{value}'"
        shown = shown if len(shown) <= 40 else shown[:39] + "…"
        return BadOption(
            f"'{self.name}' takes {self.what or _KIND_WORDS[self.kind]}, and {shown} is not one."
        )

    def limits_words(self) -> str:
        """The option's limits in words: 'is from 1 to 20', 'is one of open, pro'."""
        if self.choices:
            return f"is one of {', '.join(self.choices)}"
        if self.min_value is not None and self.max_value is not None:
            return f"is from {self.min_value} to {self.max_value}"
        if self.min_value is not None:
            return f"is at least {self.min_value}"
        if self.max_value is not None:
            return f"is at most {self.max_value}"
        if self.max_length is not None:
            return f"is at most {self.max_length} characters"
        return f"is {_KIND_WORDS.get(self.kind, 'text')}"


@dataclass(frozen=True)
class Command:
    """A command: its name, what it answers, its options, and the answer function."""

    name: str
    description: str
    options: tuple[Option, ...]
    answer: Answer
    example: str = ""
    writes: bool = False  # it previews, and applies only when told (console: --yes)
    moderators: bool = False  # for moderators only
    personal: bool = False  # answers for the user asking (their follows): gets `actor`, the user's id

    @property
    def for_moderators(self) -> bool:
        """Whether only moderators may use it (it writes, or reads what only they see)."""
        return self.moderators or self.writes

    @property
    def discord_name(self) -> str:
        """Its name on Discord: the moderators' are in the /mod group, synced only to MOD_GUILD_IDS."""
        return f"{MODERATOR_GROUP} {self.name}" if self.for_moderators else self.name

    def option(self, name: str) -> Option | None:
        """The option called `name`, if the command has one."""
        return next((option for option in self.options if option.name == name), None)

    def arguments(self, raw: dict[str, str]) -> dict[str, Any]:
        """Check and convert typed option values into the answer function's arguments."""
        arguments: dict[str, Any] = {}
        for name, value in raw.items():
            option = self.option(name)
            if option is None:
                known = ", ".join(o.name for o in self.options) or "none"
                raise BadOption(f"/{self.name} has no option '{name}' (options: {known}).")
            parsed = option.parse(value.strip())
            if not option.discord_only:
                arguments[name] = parsed
        missing = self.missing({name for name, value in arguments.items() if value not in (None, "")})
        if missing is not None:
            raise missing
        return arguments

    def missing(self, given: set[str]) -> BadOption | None:
        """The refusal for the first required option not among `given`, or None when all are there."""
        for option in self.options:
            if option.required and option.name not in given:
                return BadOption(f"/{self.name} needs '{option.name}': {option.description}.")
        return None

    async def run(
        self,
        session: AsyncSession,
        raw: dict[str, str],
        *,
        apply: bool = False,
        actor: str = "console",
        request: str | None = None,
    ) -> BaseModel:
        """Answer with typed option values `raw`; a writing command previews, or applies as `actor`.

        `request` is the idempotency key of an applied write (a Discord interaction id): applied once at most.
        """
        extra: dict[str, Any] = {"apply": apply, "actor": actor, "request": request} if self.writes else {}
        if self.personal:
            extra = {"actor": actor}
        return await self.answer(session, **self.arguments(raw), **extra)


CLUB = "a club's name"
TEAM = Option(
    "team", str, "the club, typed any way (e.g. folsom)", required=True, max_length=NAME_LENGTH, what=CLUB
)
SEASON = Option(
    "season",
    int,
    "the tournament year (default: the club's latest season)",
    min_value=1914,  # the first Open Cup
    max_value=2100,
    what="a year",
)
SEASON_ANY = replace(SEASON, description="the tournament year (default: the latest season)")
ROUND = Option(
    "number",
    int,
    "the round: 1 is the first qualifying round",
    required=True,
    min_value=1,
    max_value=20,
    what="a round number",
)


def _count(name: str, description: str, most: int) -> Option:
    """A count of something a league has: a whole number from 0 to `most`."""
    return Option(name, int, description, min_value=0, max_value=most)


TEAMS, STATES = 100_000, 51  # the most teams a league may count, and the states and D.C.


class HelpOption(Deferred):
    """One option of a command in `/help`."""

    name: str
    description: str
    required: bool
    limits: str


class HelpLine(Deferred):
    """One command in /help."""

    name: str
    description: str
    example: str
    options: list[HelpOption] = Field(default_factory=list)


class HelpAnswer(Deferred):
    """`/help`: the commands, one example each; or one command in full."""

    commands: list[HelpLine]
    command: str | None = None  # set when the help is for one command


def help_line(command: Command) -> HelpLine:
    """A command's help: what it answers, each option with its limits, and an example."""
    return HelpLine(
        name=command.name,
        description=command.description,
        example=command.example,
        options=[
            HelpOption(name=o.name, description=o.description, required=o.required, limits=o.limits_words())
            for o in command.options
        ],
    )


async def help_answer(
    _session: AsyncSession, *, command: str | None = None, discord_only: bool = False
) -> HelpAnswer:
    """Every command with what it answers and one example; with `command`, that command in full.

    `discord_only` leaves out the moderators' commands (on Discord they are under /mod, and only in the
    servers that take results). The table does not change while the bot runs, so each answer is made once.
    """
    key = (command, discord_only)
    if key not in _HELP:
        if command:
            wanted = command_named(command)
            made = HelpAnswer(commands=[help_line(wanted)], command=wanted.name)
        else:
            shown = [help_line(c) for c in COMMANDS.values() if not (c.for_moderators and discord_only)]
            made = HelpAnswer(commands=shown)
        if len(_HELP) < 256:  # what is typed as `command` is the user's: keep a bounded number
            _HELP[key] = made
        return made
    return _HELP[key]


_HELP: dict[tuple[str | None, bool], HelpAnswer] = {}


_TABLE = (
    Command(
        "path",
        "A club's route to the Open Cup proper: entry, byes, each tie, status",
        (TEAM, SEASON, Option("picture", bool, "also show the route as a picture", discord_only=True)),
        path,
        "/path team:folsom season:2024",
    ),
    Command(
        "result",
        "A club's results in a season, or head to head with another club",
        (
            TEAM,
            replace(
                TEAM,
                name="opponent",
                description="another club, for head to head over all seasons",
                required=False,
            ),
            SEASON,
        ),
        result,
        "/result team:azteca opponent:harpos",
    ),
    Command(
        "round",
        "Every tie of a qualifying round, with scores and byes",
        (ROUND, SEASON_ANY),
        round_fixtures,
        "/round number:4 season:2024",
    ),
    Command(
        "bracket",
        "A picture of a qualifying round's ties, readable on a phone",
        (replace(ROUND, name="round"), SEASON_ANY),
        bracket,
        "/bracket round:4 season:2024",
    ),
    Command(
        "qualifiers",
        "Every club that reached the tournament proper, and its route",
        (SEASON_ANY,),
        qualifiers,
        "/qualifiers season:2017",
    ),
    Command(
        "team",
        "A club's card: names, leagues, seasons, best finish (or the clubs a name may mean)",
        (
            replace(TEAM, name="name", description="the club, typed any way (e.g. harpos)"),
            SEASON,
        ),
        team,
        "/team name:harpos",
    ),
    Command(
        "stats",
        "How many clubs came from each league and state",
        (SEASON_ANY,),
        stats,
        "/stats season:2024",
    ),
    Command(
        "eligible team",
        "A club's standing for the proper, with the rules that decide it",
        (replace(TEAM, name="name", description="the club, typed any way"), SEASON),
        eligible_team,
        "/eligible team name:SC MesoAmerica season:2024",
    ),
    Command(
        "eligible club",
        "A club rep's checklist against the season's entry rules",
        (
            Option(
                "division",
                str,
                "open (below Division III) or pro (Division I-III)",
                required=True,
                choices=("open", "pro"),
            ),
            Option(
                "league_teams", int, "how many teams the club's league has", min_value=0, max_value=10_000
            ),
            Option(
                "matches_per_team",
                int,
                "how many league matches each club plays",
                min_value=0,
                max_value=1_000,
            ),
            Option("owned_by_higher_pro", bool, "majority-owned or roster-managed by a higher pro club?"),
            Option("applied_on", dt.date, "the day the club applied, YYYY-MM-DD", max_length=10),
            SEASON_ANY,
        ),
        eligible_club,
        "/eligible club division:open league_teams:3 matches_per_team:12 owned_by_higher_pro:false "
        "applied_on:2023-07-15 season:2024",
    ),
    Command(
        "eligible league",
        "A league's check against the national-league criteria",
        (
            _count("teams", "active U.S.-based teams in the league", TEAMS),
            *(
                _count(zone, f"teams in the {zone.capitalize()} time zone", TEAMS)
                for zone in ("eastern", "central", "mountain", "pacific")
            ),
            *(
                _count(
                    f"states_{zone}", f"states (or D.C.) with teams in the {zone.capitalize()} zone", STATES
                )
                for zone in ("eastern", "central", "mountain", "pacific")
            ),
            _count("states", "states (or D.C.) with teams, in all", STATES),
            Option("championship", bool, "a compulsory league championship each season?"),
            Option("standings_format", bool, "a league format with a standings table?"),
            Option("fees_paid", bool, "entry fees paid for every team?"),
            Option(
                "months_operating",
                int,
                "months the league has met these criteria",
                min_value=0,
                max_value=1_200,
            ),
            SEASON_ANY,
        ),
        eligible_league,
        "/eligible league teams:60 eastern:20 central:15 mountain:10 pacific:15 states_eastern:5 "
        "states_central:4 states_mountain:3 states_pacific:3 states:15 championship:true "
        "standings_format:true fees_paid:true months_operating:12",
    ),
    Command(
        "follow",
        "Follow a club: its results sent to your DMs (or posted in this channel)",
        (
            TEAM,
            Option(
                "where",
                str,
                "dm (your direct messages, the default) or here (this channel: Manage Channels)",
                choices=("dm", "here"),
            ),
        ),
        follow,
        "/follow team:folsom",
        personal=True,
    ),
    Command(
        "unfollow",
        "Stop following a club (in your DMs and in the channels where you followed it)",
        (TEAM,),
        unfollow,
        "/unfollow team:folsom",
        personal=True,
    ),
    Command(
        "following", "The clubs you follow, with how each stands", (), following, "/following", personal=True
    ),
)
_TEXT = 200  # characters: a note, a source
_FIXTURE = Option(
    "fixture", int, "the tie's number in its season", min_value=1, max_value=10_000, what="a fixture number"
)
_WRITING = (
    Command(
        "report",
        "Enter or correct one tie's result (moderators): preview, then apply",
        (
            _FIXTURE,
            replace(
                TEAM,
                name="home",
                description="the home club (with away:, instead of fixture:)",
                required=False,
            ),
            replace(TEAM, name="away", description="the away club", required=False),
            Option("score", str, "home-away, e.g. 2-1", max_length=7),
            Option("aet", bool, "decided in extra time"),
            Option("penalties", str, "the shoot-out, home first, e.g. 4-3", max_length=7),
            Option("forfeit", bool, "awarded by forfeit (name the winner)"),
            Option("winner", str, "who went through: home, away or the club", max_length=NAME_LENGTH),
            Option(
                "status",
                str,
                "played (default), postponed, abandoned or annulled",
                choices=("played", "postponed", "abandoned", "annulled"),
            ),
            Option("date", dt.date, "the day it was (or will be) played, YYYY-MM-DD", max_length=10),
            Option("note", str, "why, or anything fans should know", max_length=_TEXT),
            Option("source", str, "where the result comes from: a link or words", max_length=_TEXT),
            Option("overwrite", bool, "replace a result already entered"),
            Option(
                "version", int, "the fixture version the preview showed", min_value=0, max_value=1_000_000
            ),
            SEASON_ANY,
        ),
        report,
        "/report fixture:88 score:2-2 penalties:4-3 overwrite:true season:2024",
        writes=True,
    ),
    Command(
        "fixture",
        "Draw a tie of a round (moderators): a side may be 'winner of N'",
        (
            replace(ROUND, name="round"),
            replace(TEAM, name="home", description="the home club, or 'winner of N' (fixture N's winner)"),
            replace(TEAM, name="away", description="the away club, or 'winner of N'"),
            Option("date", dt.date, "the day it is to be played, YYYY-MM-DD", max_length=10),
            Option("kickoff", str, "the kick-off with its zone, e.g. 2024-03-19T19:30-05:00", max_length=40),
            Option("venue", str, "where it is played", max_length=_TEXT),
            Option("new_club", bool, "a club the records do not hold yet: create it"),
            SEASON_ANY,
        ),
        fixture_new,
        "/fixture round:3 home:winner of 60 away:winner of 61 season:2024",
        writes=True,
    ),
    Command(
        "bye",
        "A club goes through a round without playing (moderators)",
        (replace(ROUND, name="round"), replace(TEAM, name="team", description="the club"), SEASON_ANY),
        bye,
        "/bye round:2 team:folsom season:2024",
        writes=True,
    ),
    Command(
        "undo",
        "Revert one change (moderators), as a new revision: by default your last",
        (
            Option("revision", int, "the revision to revert", min_value=1, max_value=2**31 - 1),
            Option("force", bool, "undo even if the tie changed again since"),
        ),
        undo,
        "/undo revision:12",
        writes=True,
    ),
    Command(
        "history",
        "The changes moderators made, newest first",
        (
            replace(_FIXTURE, description="only this tie"),
            replace(TEAM, name="team", description="only this club's ties", required=False),
            SEASON_ANY,
            Option("by", str, "only this moderator's changes", max_length=NAME_LENGTH),
        ),
        history,
        "/history fixture:88",
        moderators=True,
    ),
    Command(
        "season new",
        "Start a season by hand (moderators)",
        (
            Option(
                "year",
                int,
                "the tournament year",
                required=True,
                min_value=1914,
                max_value=2100,
                what="a year",
            ),
            Option("title", str, "its title (default: 'YEAR U.S. Open Cup qualification')", max_length=_TEXT),
        ),
        season_new,
        "/season new year:2026",
        writes=True,
    ),
)
COMMANDS: dict[str, Command] = {command.name: command for command in (*_TABLE, *_WRITING)}


def groups() -> dict[str, list[str]]:
    """Command groups ('eligible') and their commands' full names."""
    found: dict[str, list[str]] = {}
    for name in COMMANDS:
        if " " in name:
            found.setdefault(name.split()[0], []).append(name)
    return found


COMMANDS["help"] = Command(
    "help",
    "What this bot can tell you, with an example of each command",
    (Option("command", str, "one command to explain in full", choices=(*COMMANDS, *groups(), "help")),),
    help_answer,
    "/help command:path",
)


def command_named(name: str) -> Command:
    """The command called `name` (with or without the slash; a group's commands are 'group sub')."""
    key = " ".join(name.lstrip("/").split()).lower()
    if key in COMMANDS:
        return COMMANDS[key]
    members = groups().get(key)
    if members:
        forms = ", ".join("/" + member for member in members)
        raise UnknownCommand(
            f"/{key} comes in {len(members)} forms: {forms}.", candidates=["/" + m for m in members]
        )
    close = [
        "/" + found
        for found, score, _ in process.extract(key, list(COMMANDS), scorer=fuzz.ratio, limit=3)
        if score >= 70
    ]
    if close:
        raise UnknownCommand(
            f"There is no /{key[:40]} command. Did you mean {' or '.join(close)}?", candidates=close
        )
    raise UnknownCommand(
        f"There is no /{key[:40]} command. Commands: {', '.join('/' + n for n in COMMANDS)}.",
        candidates=["/" + n for n in COMMANDS],
    )
