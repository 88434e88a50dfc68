"""The commands every face offers: names, options, descriptions, and the answer function behind each.

The console reads this table to parse `/path team:… season:…`; the Discord cogs take their descriptions
from it, so a command is defined once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.answers.eligible import eligible_club, eligible_league, eligible_team
from bot.answers.errors import BadOption, UnknownCommand
from bot.answers.path import path
from bot.answers.qualifiers import qualifiers
from bot.answers.result import result
from bot.answers.round import round_fixtures
from bot.answers.stats import stats
from bot.answers.team import team

Answer = Callable[..., Awaitable[BaseModel]]


@dataclass(frozen=True)
class Option:
    """One option of a command."""

    name: str
    kind: type
    description: str
    required: bool = False
    choices: tuple[str, ...] = ()

    def parse(self, value: str) -> Any:
        """The typed value of what was written, or a friendly error."""
        if self.choices and value.lower() not in self.choices:
            raise BadOption(
                f"'{self.name}' is one of {', '.join(self.choices)}, not '{value}'.",
                candidates=list(self.choices),
            )
        if self.kind is int:
            if not value.lstrip("-").isdigit():
                raise BadOption(f"'{self.name}' must be a whole number, not '{value}'.")
            return int(value)
        if self.kind is bool:
            if value.lower() not in _BOOLEANS:
                raise BadOption(
                    f"'{self.name}' is true or false, not '{value}'.", candidates=["true", "false"]
                )
            return _BOOLEANS[value.lower()]
        if self.kind is dt.date:
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                raise BadOption(f"'{self.name}' is a date written YYYY-MM-DD, not '{value}'.") from None
        return value.lower() if self.choices else value


_BOOLEANS = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}


@dataclass(frozen=True)
class Command:
    """A command: its name, what it answers, its options, and the answer function."""

    name: str
    description: str
    options: tuple[Option, ...]
    answer: Answer
    example: str = ""

    def option(self, name: str) -> Option | None:
        """The option called `name`, if the command has one."""
        return next((option for option in self.options if option.name == name), None)

    def arguments(self, raw: dict[str, str]) -> dict[str, Any]:
        """Check and convert typed option values into the answer function's arguments."""
        arguments: dict[str, Any] = {}
        for name, value in raw.items():
            option = self.option(name)
            if option is None:
                known = ", ".join(o.name for o in self.options)
                raise BadOption(f"/{self.name} has no option '{name}' (options: {known}).")
            arguments[name] = option.parse(value.strip())
        for option in self.options:
            if option.required and not arguments.get(option.name):
                raise BadOption(f"/{self.name} needs '{option.name}': {option.description}.")
        return arguments

    async def run(self, session: AsyncSession, raw: dict[str, str]) -> BaseModel:
        """Answer with typed option values `raw`."""
        return await self.answer(session, **self.arguments(raw))


TEAM = Option("team", str, "the club, typed any way (e.g. folsom)", required=True)
SEASON = Option("season", int, "the tournament year (default: the club's latest season)")
SEASON_ANY = Option("season", int, "the tournament year (default: the latest season)")


async def help_answer(_session: AsyncSession) -> HelpAnswer:
    """Every command with what it answers and one example."""
    return HelpAnswer(
        commands=[
            HelpLine(name=c.name, description=c.description, example=c.example) for c in COMMANDS.values()
        ]
    )


class HelpLine(BaseModel):
    """One command in /help."""

    name: str
    description: str
    example: str


class HelpAnswer(BaseModel):
    """`/help`: the commands, one example each."""

    commands: list[HelpLine]


COMMANDS: dict[str, Command] = {
    command.name: command
    for command in (
        Command(
            "path",
            "A club's route to the Open Cup proper: entry, byes, each tie, status",
            (TEAM, SEASON),
            path,
            "/path team:folsom season:2024",
        ),
        Command(
            "result",
            "A club's results in a season, or head to head with another club",
            (TEAM, Option("opponent", str, "another club, for head to head over all seasons"), SEASON),
            result,
            "/result team:azteca opponent:harpos",
        ),
        Command(
            "round",
            "Every tie of a qualifying round, with scores and byes",
            (Option("number", int, "the round: 1 is the first qualifying round", required=True), SEASON_ANY),
            round_fixtures,
            "/round number:4 season:2024",
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
            (Option("name", str, "the club, typed any way (e.g. harpos)", required=True), SEASON),
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
            (Option("name", str, "the club, typed any way", required=True), SEASON),
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
                    True,
                    ("open", "pro"),
                ),
                Option("league_teams", int, "how many teams the club's league has"),
                Option("matches_per_team", int, "how many league matches each club plays"),
                Option("owned_by_higher_pro", bool, "majority-owned or roster-managed by a higher pro club?"),
                Option("applied_on", dt.date, "the day the club applied, YYYY-MM-DD"),
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
                Option("teams", int, "active U.S.-based teams in the league"),
                *(
                    Option(zone, int, f"teams in the {zone.capitalize()} time zone")
                    for zone in ("eastern", "central", "mountain", "pacific")
                ),
                *(
                    Option(
                        f"states_{zone}", int, f"states (or D.C.) with teams in the {zone.capitalize()} zone"
                    )
                    for zone in ("eastern", "central", "mountain", "pacific")
                ),
                Option("states", int, "states (or D.C.) with teams, in all"),
                Option("championship", bool, "a compulsory league championship each season?"),
                Option("standings_format", bool, "a league format with a standings table?"),
                Option("fees_paid", bool, "entry fees paid for every team?"),
                Option("months_operating", int, "months the league has met these criteria"),
                SEASON_ANY,
            ),
            eligible_league,
            "/eligible league teams:60 eastern:20 central:15 mountain:10 pacific:15 states_eastern:5 "
            "states_central:4 states_mountain:3 states_pacific:3 states:15 championship:true "
            "standings_format:true fees_paid:true months_operating:12",
        ),
        Command(
            "help", "What this bot can tell you, with an example of each command", (), help_answer, "/help"
        ),
    )
}


def command_named(name: str) -> Command:
    """The command called `name` (with or without the slash; a group's commands are 'group sub')."""
    key = " ".join(name.lstrip("/").split()).lower()
    if key not in COMMANDS:
        raise UnknownCommand(
            f"There is no /{key} command. Commands: {', '.join('/' + n for n in COMMANDS)}.",
            candidates=["/" + n for n in COMMANDS],
        )
    return COMMANDS[key]
