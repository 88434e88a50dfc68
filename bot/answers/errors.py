"""Typed errors an answer can raise; every face (console, Discord) turns them into a friendly reply."""

from __future__ import annotations


class AnswerError(Exception):
    """A question that cannot be answered as asked."""

    code = "error"

    def __init__(self, message: str, *, candidates: list[str] | None = None, query: str = "") -> None:
        """Carry a message for the user, names to choose from where useful, and what was typed."""
        super().__init__(message)
        self.message = message
        self.candidates = candidates or []
        self.query = query


class TeamNotFound(AnswerError):
    """No club matches what was typed."""

    code = "team_not_found"


class AmbiguousTeam(AnswerError):
    """Several clubs match what was typed, none clearly best."""

    code = "ambiguous_team"


class SeasonNotFound(AnswerError):
    """The store has no such season."""

    code = "season_not_found"


class BadOption(AnswerError):
    """An option is missing, unknown, or has a value of the wrong kind."""

    code = "bad_option"


class UnknownCommand(AnswerError):
    """No command of that name."""

    code = "unknown_command"


class InternalError(AnswerError):
    """A fault on our side; the details go to the log, never to the user."""

    code = "internal"

    def __init__(self) -> None:
        """Say so briefly: the traceback is in the log."""
        super().__init__("Something went wrong on our side while answering; it has been logged.")
