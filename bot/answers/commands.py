"""The commands every face offers: names, options, descriptions, and the answer function behind each.

The console reads this table to parse `/path team:… season:…`; the Discord cogs take their descriptions
from it, so a command is defined once.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from sqlmodel.ext.asyncio.session import AsyncSession

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
            value = value.strip()
            if option.kind is int:
                if not value.lstrip("-").isdigit():
                    raise BadOption(f"'{name}' must be a whole number, not '{value}'.")
                arguments[name] = int(value)
            else:
                arguments[name] = value
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
            "help", "What this bot can tell you, with an example of each command", (), help_answer, "/help"
        ),
    )
}


def command_named(name: str) -> Command:
    """The command called `name` (with or without the slash)."""
    key = name.lstrip("/").strip().lower()
    if key not in COMMANDS:
        raise UnknownCommand(
            f"There is no /{key} command. Commands: {', '.join('/' + n for n in COMMANDS)}.",
            candidates=["/" + n for n in COMMANDS],
        )
    return COMMANDS[key]
