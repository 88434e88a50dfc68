"""`python -m bot ask`: the bot's commands without Discord, answered by the same answer functions."""

from __future__ import annotations

import getpass
import io
import json
import logging
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO, TextIO

from pydantic import BaseModel

from bot.answers.commands import COMMANDS, Command, command_named
from bot.answers.errors import AnswerError, BadOption, InternalError
from bot.render import announce  # noqa: F401  (registers the follow answers' text)
from bot.render.json import answer_json, error_json
from bot.render.text import render_error, render_text
from bot.store.engine import Store

log = logging.getLogger(__name__)

# `name:` at the start of a word, followed by its value. Known option names are matched in any case; an
# unknown lower-case name is a mistake to report, while `Club: Name` (capital, or a space after the colon)
# is part of a value, so a club whose name holds a colon is still read right.
_OPTION_NAME = re.compile(r"(?<!\S)([A-Za-z][A-Za-z_]*):(?=\S)")
_QUOTES = "\"'"


@dataclass
class Reply:
    """The outcome of one console line: an answer or an error."""

    command: str | None
    answer: BaseModel | None = None
    error: AnswerError | None = None

    def as_json(self) -> dict[str, Any]:
        """The DESIGN.md JSON object."""
        if self.error is not None:
            return error_json(self.command, self.error)
        assert self.answer is not None  # a Reply holds an answer or an error
        return answer_json(self.command or "", self.answer)

    def as_text(self) -> str:
        """Plain text."""
        if self.error is not None:
            return render_error(self.error)
        assert self.answer is not None
        return render_text(self.answer)

    @property
    def answered(self) -> bool:
        """Whether the question got an answer (an unknown club asked of /team did not)."""
        return self.error is None and getattr(self.answer, "answered", True) is not False


def _command_of(text: str) -> tuple[Command, str]:
    """The command a line names, and the rest of the line (its options)."""
    name, _, rest = text[1:].partition(" ")
    words = rest.split(maxsplit=1)
    if words and f"{name} {words[0]}".lower() in COMMANDS:  # "/eligible club …": a group's command
        return COMMANDS[f"{name} {words[0]}".lower()], words[1] if len(words) > 1 else ""
    return command_named(name), rest


def parse_line(line: str) -> tuple[str, dict[str, str]]:
    """Split `/path team:FC Folsom season:2024` into the command and its raw option values."""
    text = line.strip()
    if not text.startswith("/"):
        raise BadOption("A command starts with '/', for example: /path team:folsom season:2024")
    command, rest = _command_of(text)
    known = {option.name for option in command.options}
    listed = ", ".join(option.name for option in command.options) or "none"
    raw: dict[str, str] = {}
    position, name = 0, ""
    for found in _OPTION_NAME.finditer(rest):
        if found.start() < position:
            continue  # inside a quoted value
        word = found.group(1)
        if word.lower() not in known:
            if word.islower():
                raise BadOption(f"/{command.name} has no option '{word}' (options: {listed}).")
            continue  # 'Club:Name' inside a value
        _take(command, raw, name, rest[position : found.start()])
        name, position = word.lower(), found.end()
        if rest[position : position + 1] in _QUOTES and rest[position : position + 1]:
            quote = rest[position]
            end = rest.find(quote, position + 1)
            if end < 0:
                raise BadOption(f"The value of '{name}' opens a quote {quote} that is never closed.")
            _take(command, raw, name, rest[position + 1 : end], quoted=True)
            name, position = "", end + 1
    _take(command, raw, name, rest[position:])
    return command.name, raw


def _take(command: Command, raw: dict[str, str], name: str, value: str, *, quoted: bool = False) -> None:
    """Record option `name`'s value; text before any option fills a command's only option, if it has one."""
    if not name:
        if not value.strip():
            return
        if len(command.options) != 1:
            listed = ", ".join(o.name for o in command.options) or "none"
            raise BadOption(
                f"'{value.strip()[:60]}' is not an option; write it as name:value (options: {listed})."
            )
        name = command.options[0].name
    if name in raw:
        raise BadOption(f"'{name}' is given twice.")
    raw[name] = value if quoted else value.strip()


def local_operator() -> str:
    """Who the console acts as by default: `console:<the OS user>`."""
    return f"console:{getpass.getuser()}"


async def ask(store: Store, line: str, *, apply: bool = False, actor: str | None = None) -> Reply:
    """Answer one command line; nothing typed, and no fault inside, ends in anything but a Reply."""
    command_name: str | None = None
    try:
        command_name, raw = parse_line(line)
        async with store.session() as session:
            answer = await COMMANDS[command_name].run(
                session, raw, apply=apply, actor=actor or local_operator()
            )
            return Reply(command_name, answer=answer)
    except AnswerError as error:
        return Reply(command_name, error=error)
    except Exception:
        log.exception("the console could not answer %r", line[:500])
        return Reply(command_name, error=InternalError())


def command_lines(stream: BinaryIO) -> Iterator[str]:
    """Standard input as command lines, split at newlines only.

    A carriage return inside a line stays in it (and is refused as part of a value, never read as a second
    command); bytes that are not UTF-8 are replaced rather than fatal.
    """
    for line in io.TextIOWrapper(stream, encoding="utf-8", errors="replace", newline="\n"):
        yield line.removesuffix("\n").removesuffix("\r")


async def run_console(
    store: Store,
    commands: Iterable[str],
    *,
    as_json: bool,
    out: TextIO | None = None,
    apply: bool = False,
    actor: str | None = None,
) -> int:
    """Answer each command; 0 when all were answered, 1 when any could not be.

    Writing commands preview; with `apply` they are applied, as `actor` (default: the local operator).
    """
    out = out or sys.stdout  # looked up now: a caller (or a test harness) may have replaced it
    status = 0
    first = True
    for line in commands:
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        reply = await ask(store, line, apply=apply, actor=actor)
        status |= not reply.answered
        if as_json:
            out.write(json.dumps(reply.as_json(), ensure_ascii=False) + "\n")
        else:
            out.write(("" if first else "\n") + reply.as_text() + "\n")
        out.flush()
        first = False
    return status
