"""The moderators' core, free of Discord: who may write, autocomplete's ties and opponents, preview and
confirm (once per request, at the version previewed), the correction form."""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot.answers.errors import BadOption
from bot.answers.report import Refused
from bot.moderation import (
    HOW,
    confirm_write,
    correction_arguments,
    correction_form,
    may_write,
    open_ties,
    opponents,
    preview_write,
)
from bot.settings import Settings
from bot.store.engine import Store
from bot.store.models import Revision

GUILD, ROLE = 111, 222
WITH_ROLES = Settings(mod_guild_ids=[GUILD], mod_role_ids=[ROLE])
WITHOUT_ROLES = Settings(mod_guild_ids=[GUILD])


@pytest.mark.parametrize(
    ("guild", "roles", "manage", "settings", "reason"),
    [
        (GUILD, [ROLE], False, WITH_ROLES, None),
        (GUILD, [5, ROLE], True, WITH_ROLES, None),
        (None, [ROLE], True, WITH_ROLES, "direct_message"),
        (999, [ROLE], True, WITH_ROLES, "guild"),
        (GUILD, [5], True, WITH_ROLES, "role"),  # Manage Server does not stand in for a role that is set
        (GUILD, [], True, WITHOUT_ROLES, None),
        (GUILD, [ROLE], False, WITHOUT_ROLES, "manage_server"),
        (GUILD, [ROLE], True, Settings(), "guild"),  # no MOD_GUILD_IDS: nowhere
    ],
)
def test_who_may_write(
    guild: int | None, roles: list[int], manage: bool, settings: Settings, reason: str | None
) -> None:
    """The guild must take results, and the member hold a moderator role (or Manage Server if none)."""
    refused = may_write(guild_id=guild, role_ids=roles, manage_guild=manage, settings=settings)
    assert (refused.reason if refused else None) == reason
    if refused is not None:
        assert refused.code == "not_allowed" and refused.message.endswith(".")


async def test_open_ties_and_a_home_clubs_opponents(moderated: Store) -> None:
    """Round 3 is open (round 4 waits for its sides); a number typed in full finds a played tie too."""
    model = await moderated.model()
    ties = open_ties(model, season=2024)
    assert len(ties) == 22 and {tie.number for tie in ties} == set(range(66, 88))
    assert all(len(tie.label) <= 100 for tie in ties)
    assert [t.label for t in open_ties(model, season=2024, typed="valley")] == [
        "#85 FC Folsom v Valley 559 FC · R3 · Oct 22"
    ]
    played = open_ties(model, season=2024, typed="14")
    assert played[0].number == 14 and "2-3" in played[0].label
    assert open_ties(model, season=1999) == []
    assert open_ties(model, season=2017) == []  # a finished season has none
    hosted = opponents(model, season=2024, home="folsom")
    assert hosted is not None and [team.name for team in hosted] == ["Valley 559 FC", "UC Davis Club Soccer"]
    assert opponents(model, season=2024, home="no such club at all") is None


async def test_a_confirmation_applies_once_per_request_at_the_version_previewed(moderated: Store) -> None:
    """Confirming twice under one request makes one revision; a tie changed since its preview is refused."""
    asked = {"fixture": "85", "score": "2-1", "season": "2024"}
    async with moderated.session() as session:
        preview = await preview_write(session, kind="report", arguments=asked, actor="mod:alice")
    assert preview.expected_version == 0 and preview.replaces is None
    for _ in range(2):
        async with moderated.session() as session:
            done = await confirm_write(
                session,
                kind="report",
                arguments=preview.arguments,
                actor="mod:alice",
                expected_version=preview.expected_version,
                request="interaction-1",
            )
        assert done.applied and done.fixture is not None and done.fixture.home_score == 2
    async with moderated.session() as session:
        made = (await session.exec(select(Revision).where(Revision.request == "interaction-1"))).all()
        assert len(made) == 1
        overwrite = await preview_write(
            session, kind="report", arguments={**asked, "score": "0-1"}, actor="mod:bob"
        )
        assert overwrite.arguments["overwrite"] == "true" and overwrite.replaces is not None
        assert overwrite.replaces.by == "mod:alice"
    async with moderated.session() as session:
        with pytest.raises(Refused) as refused:
            await confirm_write(
                session,
                kind="report",
                arguments=overwrite.arguments,
                actor="mod:bob",
                expected_version=0,  # as previewed before alice's result
                request="interaction-2",
            )
    assert refused.value.code == "changed_meanwhile" and "mod:alice" in refused.value.message


async def test_a_bare_undo_is_pinned_to_the_change_it_previewed(moderated: Store) -> None:
    """/undo with no revision reverts the change that was last when it was previewed, not a later one."""
    async with moderated.session() as session:
        first = await preview_write(
            session, kind="report", arguments={"fixture": "85", "score": "2-1"}, actor="mod:alice"
        )
        await confirm_write(
            session,
            kind="report",
            arguments=first.arguments,
            actor="mod:alice",
            expected_version=0,
            request="a",
        )
        undo = await preview_write(session, kind="undo", arguments={}, actor="mod:alice")
        pinned = undo.arguments["revision"]
        later = await preview_write(
            session, kind="report", arguments={"fixture": "86", "score": "1-0"}, actor="mod:alice"
        )
        await confirm_write(
            session,
            kind="report",
            arguments=later.arguments,
            actor="mod:alice",
            expected_version=0,
            request="b",
        )
        done = await confirm_write(
            session,
            kind="undo",
            arguments=undo.arguments,
            actor="mod:alice",
            expected_version=undo.expected_version,
            request="c",
        )
    assert done.applied and done.fixture is not None and done.fixture.number == 85
    async with moderated.session() as session:
        made = (await session.exec(select(Revision).where(Revision.request == "c"))).one()
    assert str(made.undoes) == pinned


async def test_the_correction_form_holds_the_tie_and_reads_back(moderated: Store) -> None:
    """The form is filled from the store; what is sent back becomes /report's options (checked again)."""
    model = await moderated.model()
    played = correction_form(model, season=2024, number=14)  # BattleBorn FC 2-3 FC Folsom
    assert (played.score, played.how, played.winner, played.penalties) == ("2-3", "regulation", "", "")
    assert len(played.title) <= 45
    waiting = correction_form(model, season=2024, number=85)
    assert (waiting.score, waiting.how) == ("", "regulation") and "scheduled" not in HOW
    with pytest.raises(Refused):
        correction_form(model, season=2024, number=9999)
    arguments = correction_arguments(
        season=2024, number=85, fields={"score": " 2-2 ", "penalties": "4-3", "how": "AET", "winner": ""}
    )
    assert arguments == {
        "season": "2024",
        "fixture": "85",
        "overwrite": "true",
        "score": "2-2",
        "penalties": "4-3",
        "aet": "true",
    }
    assert correction_arguments(season=2024, number=85, fields={"how": "postponed"})["status"] == "postponed"
    with pytest.raises(BadOption):
        correction_arguments(season=2024, number=85, fields={"how": "golden goal"})
