"""The outbox (issue 14): a notification is written in the same transaction as the change it tells of.

A committed result, correction, undo, draw or bye has exactly one notification keyed to its revision; a
write that is refused or rolled back part-way leaves none; a process killed while applying reports leaves
a notification for every report it committed, and none for one it did not. Deliveries are made once per
(notification, target), however often the expansion runs.
"""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

import pytest
from sqlalchemy import insert
from sqlmodel import col, select

import bot.store.writes as writes
from bot.answers.report import Refused, bye, fixture_new, report, undo
from bot.store.engine import Store
from bot.store.follows import add_follow
from bot.store.guilds import set_results_channel
from bot.store.models import Delivery, Fixture, Notification, Revision, Team
from bot.store.outbox import claim_due, expand_notifications, record_sent
from tests.conftest import DATA
from tests.store.test_write_durability import PREFIX, TIES, acknowledged, forks, kill_after
from tests.support.report_process import ReportForks, data_in_progress

__all__ = ["forks"]  # the fork server fixture, shared with the durability drill
SEASON = 2024
FOLSOM_TIE = 85  # round 3: FC Folsom v Valley 559 FC


async def notifications(store: Store) -> list[Notification]:
    async with store.session() as session:
        return list((await session.exec(select(Notification).order_by(col(Notification.id)))).all())


async def test_each_committed_change_has_one_notification_of_its_kind(moderated: Store) -> None:
    async with moderated.session() as session:
        first = await report(
            session, fixture=FOLSOM_TIE, score="2-1", season=SEASON, apply=True, actor="mod:alice"
        )
    async with moderated.session() as session:
        again = await report(
            session,
            fixture=FOLSOM_TIE,
            score="0-1",
            overwrite=True,
            season=SEASON,
            apply=True,
            actor="mod:bob",
        )
    async with moderated.session() as session:
        undone = await undo(session, revision=again.revision, apply=True, actor="mod:bob")
    async with moderated.session() as session:
        drawn = await fixture_new(
            session, round=3, home="FC Folsom", away="Valley 559 FC", season=SEASON, apply=True, actor="m"
        )
    async with moderated.session() as session:
        byed = await bye(session, round=3, team="FC Folsom", season=SEASON, apply=True, actor="m")
    made = await notifications(moderated)
    assert [(n.revision_id, n.kind) for n in made] == [
        (first.revision, "result"),
        (again.revision, "correction"),
        (undone.revision, "undo"),
        (drawn.revision, "drawn"),
        (byed.revision, "bye"),
    ]
    async with moderated.session() as session:
        folsom = (await session.exec(select(Team).where(Team.name == "FC Folsom"))).one()
        tie = (await session.exec(select(Fixture).where(Fixture.number == FOLSOM_TIE))).first()
    assert (
        tie is not None and made[0].fixture_id == tie.id and folsom.id in (made[0].home_id, made[0].away_id)
    )
    assert made[4].home_id == folsom.id and made[4].fixture_id is None


async def test_a_write_rolled_back_part_way_leaves_no_notification(
    moderated: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The notification's insert fails after the result's UPDATE and the revision: nothing of it stays."""
    broken = insert(writes.NOTIFICATIONS).values(expanded=None)  # NOT NULL: refused
    monkeypatch.setattr(writes, "_INSERT_NOTIFICATION", broken)
    async with moderated.session() as session:
        with pytest.raises(Refused):
            await report(session, fixture=FOLSOM_TIE, score="2-1", season=SEASON, apply=True, actor="m")
    async with moderated.session() as session:
        tie = (await session.exec(select(Fixture).where(Fixture.number == FOLSOM_TIE))).one()
        revisions = (await session.exec(select(Revision).where(Revision.actor == "m"))).all()
    assert (tie.home_score, revisions) == (None, [])
    assert await notifications(moderated) == []


async def test_a_refused_write_leaves_no_notification(moderated: Store) -> None:
    async with moderated.session() as session:
        await report(session, fixture=FOLSOM_TIE, score="2-1", season=SEASON, apply=True, actor="m")
    async with moderated.session() as session:  # previewed at version 0, which is gone
        with pytest.raises(Refused):
            await report(
                session, fixture=FOLSOM_TIE, score="3-1", overwrite=True, version=0, season=SEASON,
                apply=True, actor="m",
            )  # fmt: skip
    assert len(await notifications(moderated)) == 1


async def test_deliveries_are_made_once_per_target_however_often_expanded(moderated: Store) -> None:
    async with moderated.session() as session:
        folsom = (await session.exec(select(Team).where(Team.name == "FC Folsom"))).one()
        assert folsom.id is not None
        await set_results_channel(session=session, guild_id=1, channel_id=10, actor="m")
        await add_follow(session=session, user_id=7, team_id=folsom.id, guild_id=None, channel_id=None)
        await add_follow(
            session=session, user_id=8, team_id=folsom.id, guild_id=1, channel_id=10
        )  # = results
        await add_follow(session=session, user_id=8, team_id=folsom.id, guild_id=1, channel_id=11)
        await report(session, fixture=FOLSOM_TIE, score="2-1", season=SEASON, apply=True, actor="m")
    async with moderated.session() as session:
        assert await expand_notifications(session=session) == 1
        assert await expand_notifications(session=session) == 0
        claimed = await claim_due(session=session, worker="a")
        assert await claim_due(session=session, worker="b") == []  # one worker claims each
        await record_sent(
            session=session, delivery_id=claimed[0].id or 0, worker="a", message_id=99, message_channel_id=10
        )
        made = (await session.exec(select(Delivery).order_by(col(Delivery.id)))).all()
    assert sorted(d.target for d in made) == ["channel:10", "channel:11", "dm:7"]
    assert [d.state for d in made] == ["sent", "sending", "sending"]
    assert all(d.attempts == 1 for d in made)


async def test_a_killed_writer_leaves_a_notification_for_each_committed_report(
    empty_url: str, tmp_path: Path, forks: ReportForks
) -> None:
    """SIGKILLed part-way through its reports: every revision it committed has its notification, no more."""
    folder = data_in_progress(DATA, tmp_path / "data")
    store = await Store(empty_url, folder).open()
    async with store.session() as session:
        ties = list(
            await session.exec(select(Fixture.number).where(Fixture.round == 3).order_by(col(Fixture.number)))
        )[:TIES]
    await store.close()
    acks, result = tmp_path / "acks.jsonl", tmp_path / "drill.json"
    pid = forks.start(
        "drill", url=empty_url, data=folder, season=SEASON, fixtures=ties, count=30, prefix=PREFIX,
        acks=acks, result=result,
    )  # fmt: skip
    status = await asyncio.to_thread(kill_after, forks, pid, acks, result, 8, 0.5)
    assert status == -signal.SIGKILL
    assert len(acknowledged(acks)) >= 8
    store = await Store(empty_url, folder).open()
    try:
        async with store.session() as session:
            revisions = (
                await session.exec(
                    select(Revision.id)
                    .where(col(Revision.request).startswith(PREFIX))
                    .order_by(col(Revision.id))
                )
            ).all()
            notified = (
                await session.exec(select(Notification.revision_id).order_by(col(Notification.id)))
            ).all()
    finally:
        await store.close()
    assert len(revisions) >= 8
    assert list(notified) == list(revisions)
