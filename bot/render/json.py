"""Answers as the console's JSON (DESIGN.md: a public interface; add fields, never rename)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from bot.answers.errors import AnswerError


def answer_json(command: str, answer: BaseModel) -> dict[str, Any]:
    """A successful answer."""
    return {"command": command, "ok": True, "data": answer.model_dump(mode="json")}


def error_json(command: str | None, error: AnswerError) -> dict[str, Any]:
    """A question that could not be answered."""
    return {
        "command": command,
        "ok": False,
        "error": {"code": error.code, "message": error.message, "candidates": error.candidates},
    }
