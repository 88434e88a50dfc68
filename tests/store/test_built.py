"""`built`: table objects made without validation, as the ORM makes them from rows, equal to made ones."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import inspect

from bot.seasons.facts import DecidedBy, FixtureStatus
from bot.store.models import Fixture, Revision, built


def _fixture_values() -> dict[str, object]:
    values: dict[str, object] = dict.fromkeys(Fixture.model_fields)
    values.update(
        id=7, season_id=2, number=31, round=3, date=dt.date(2024, 4, 2), home_id=11, away_id=12,
        home_score=1, away_score=1, penalties="4-3", decided_by=DecidedBy.PENALTIES, winner_id=11,
        status=FixtureStatus.PLAYED, venue="", note="", version=4,
    )  # fmt: skip
    return values


def test_built_fixture_equals_a_constructed_one() -> None:
    values = _fixture_values()
    made, constructed = built(Fixture, values), Fixture(**values)  # type: ignore[arg-type]
    assert made == constructed
    assert made.model_dump() == constructed.model_dump()
    assert made.model_fields_set == constructed.model_fields_set
    assert made.decided_by is DecidedBy.PENALTIES and made.date == dt.date(2024, 4, 2)
    state = inspect(made)
    assert state.transient and state.session is None  # of no session, like a new object


def test_built_objects_are_independent() -> None:
    values = _fixture_values()
    first, second = built(Fixture, values), built(Fixture, values)
    first.home_score = 5
    assert second.home_score == 1 and values["home_score"] == 1


def test_a_missing_field_is_refused() -> None:
    values = {name: None for name in Revision.model_fields if name != "actor"}
    with pytest.raises(ValueError, match="missing: actor"):
        built(Revision, values)
