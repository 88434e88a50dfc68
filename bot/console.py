"""`python -m bot ask`: the bot's commands without Discord, answered by the same answer functions."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TextIO

from pydantic import BaseModel

from bot.answers.commands import COMMANDS, command_named
from bot.answers.errors import AnswerError, BadOption
from bot.render.json import answer_json, error_json
from bot.render.text import render_error, render_text
from bot.store.engine import Store


@dataclass
class Reply:
    """The outcome of one console line: an answer or an error."""

    command: str | None
    answer: BaseModel | None = None
    error: AnswerError | None = None

    def as_json(self) -> dict:
        """The DESIGN.md JSON object."""
        if self.error is not None:
            return error_json(self.command, self.error)
        assert self.answer is not None
        return answer_json(self.command or "", self.answer)

    def as_text(self) -> str:
        """Plain text."""
        return render_error(self.error) if self.error is not None else render_text(self.answer)


def parse_line(line: str) -> tuple[str, dict[str, str]]:
    """Split `/path team:FC Folsom season:2024` into the command and its raw option values."""
    text = line.strip()
    if not text.startswith("/"):
        raise BadOption("A command starts with '/', for example: /path team:folsom season:2024")
    name, _, rest = text[1:].partition(" ")
    group_member = f"{name} {rest.split(' ', 1)[0]}" if rest else ""
    if group_member.lower() in COMMANDS:  # "/eligible club …": a group's command
        name, rest = group_member, rest.partition(" ")[2]
    command = command_named(name)
    names = "|".join(re.escape(option.name) for option in command.options)
    pieces = re.split(rf"(?:^|\s+)({names}):", " " + rest) if names else [rest]
    if pieces[0].strip():
        raise BadOption(
            f"'{pieces[0].strip()}' is not an option; write it as name:value "
            f"(options: {', '.join(o.name for o in command.options)})."
        )
    raw: dict[str, str] = {}
    for option_name, value in zip(pieces[1::2], pieces[2::2], strict=True):
        if option_name in raw:
            raise BadOption(f"'{option_name}' is given twice.")
        raw[option_name] = value.strip().strip("'\"")
    return command.name, raw


async def ask(store: Store, line: str) -> Reply:
    """Answer one command line."""
    command_name: str | None = None
    try:
        command_name, raw = parse_line(line)
        async with store.session() as session:
            return Reply(command_name, answer=await COMMANDS[command_name].run(session, raw))
    except AnswerError as error:
        return Reply(command_name, error=error)


async def run_console(
    store: Store, commands: Iterable[str], *, as_json: bool, out: TextIO = sys.stdout
) -> int:
    """Answer each command; 0 when all were answered, 1 when any could not be."""
    status = 0
    first = True
    for line in commands:
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        reply = await ask(store, line)
        status |= reply.error is not None
        if as_json:
            out.write(json.dumps(reply.as_json(), ensure_ascii=False) + "\n")
        else:
            out.write(("" if first else "\n") + reply.as_text() + "\n")
        first = False
    return status
