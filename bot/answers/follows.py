"""Following clubs: `/follow`, `/unfollow`, `/following`, and the announcement a notification carries.

The follower is `actor`: on Discord the user's id; on the console `--as USER_ID`. Where a follow goes
(`dm`, or `here`: the channel asked in) is checked by the face that knows the member (Manage Channels).
"""

from __future__ import annotations

import datetime as dt

from pydantic import Field
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.answers.errors import AnswerError, BadOption
from bot.answers.lookup import find_team
from bot.answers.path import path
from bot.answers.standing import standing_words
from bot.modelbase import Deferred
from bot.store.follows import add_follow, follows_of, remove_follows
from bot.store.models import Fixture, Notification, Revision, Season, Team, stored_id

WHERE = ("dm", "here")


class FollowAnswer(Deferred):
    """`/follow` or `/unfollow`: the club, where its news goes, and whether anything changed."""

    action: str  # follow / unfollow
    team: str
    where: str = "dm"  # dm / here
    channel_id: int | None = None
    changed: bool = True  # False: already followed (follow), or not followed (unfollow)
    stopped: int = 0  # follows stopped (unfollow)


class FollowedClub(Deferred):
    """One club a user follows, where, and how it stands."""

    team: str
    where: str
    channel_id: int | None = None
    standing: str = ""


class FollowingAnswer(Deferred):
    """`/following`: the clubs a user follows, with each club's status."""

    clubs: list[FollowedClub] = Field(default_factory=list)


class ClubNews(Deferred):
    """How a club named in an announcement stands now: its next tie (and kick-off), or how it went out."""

    team: str
    standing: str
    next_kickoff: dt.datetime | None = None


class Announcement(Deferred):
    """What a notification tells fans: the tie and its result (or draw, or bye), and each club's standing."""

    kind: str  # result / correction / undo / postponed / drawn / bye
    season: int
    round: int | None = None
    fixture: int | None = None
    home: str | None = None
    away: str | None = None
    home_score: int | None = None
    away_score: int | None = None
    extra_time: bool = False
    penalties: str | None = None
    decided_by: str | None = None
    status: str = ""
    winner: str | None = None
    kickoff: dt.datetime | None = None
    date: dt.date | None = None
    note: str = ""
    actor: str = ""
    clubs: list[ClubNews] = Field(default_factory=list)


def follower_id(actor: str) -> int:
    """The Discord user id that follows (Discord passes it; the console takes it from --as)."""
    text = actor.strip()
    if not (text.isascii() and text.isdigit()) or not 0 < len(text) <= 20:
        raise BadOption("Following is per Discord user: give the user's id (on the console: --as USER_ID).")
    return int(text)


async def follow(
    session: AsyncSession,
    *,
    team: str,
    where: str = "dm",
    actor: str,
    guild_id: int | None = None,
    channel_id: int | None = None,
) -> FollowAnswer:
    """Follow club `team`: its results in the user's DMs, or in this channel (`here`)."""
    user = follower_id(actor)
    if where not in WHERE:
        raise BadOption(f"'where' is dm or here, not '{where[:40]}'.")
    if where == "here" and channel_id is None:
        raise BadOption("'here' follows a club in a Discord channel: on the console, only dm works.")
    club = await find_team(session, team)
    changed = await add_follow(
        session=session,
        user_id=user,
        team_id=stored_id(club),
        guild_id=guild_id if where == "here" else None,
        channel_id=channel_id if where == "here" else None,
    )
    return FollowAnswer(
        action="follow",
        team=club.name,
        where=where,
        channel_id=channel_id if where == "here" else None,
        changed=changed,
    )


async def unfollow(session: AsyncSession, *, team: str, actor: str) -> FollowAnswer:
    """Stop following club `team` (in DMs and in every channel where this user followed it)."""
    user = follower_id(actor)
    club = await find_team(session, team)
    stopped = await remove_follows(session=session, user_id=user, team_id=stored_id(club))
    return FollowAnswer(action="unfollow", team=club.name, changed=stopped > 0, stopped=stopped)


async def club_standing(session: AsyncSession, team: str) -> tuple[str, dt.datetime | None]:
    """A club's standing in its latest season, in words, and the kick-off of its next tie if known."""
    try:
        answer = await path(session, team=team)
    except AnswerError:
        return "", None
    nxt = answer.next_fixture
    return standing_words(answer), (nxt.kickoff if nxt is not None else None)


async def following(session: AsyncSession, *, actor: str) -> FollowingAnswer:
    """The clubs this user follows, where, and how each stands."""
    user = follower_id(actor)
    clubs: list[FollowedClub] = []
    for row in await follows_of(session=session, user_id=user):
        club = await session.get(Team, row.team_id)
        if club is None:
            continue
        standing, _ = await club_standing(session, club.name)
        clubs.append(
            FollowedClub(
                team=club.name,
                where="dm" if row.channel_id is None else "here",
                channel_id=row.channel_id,
                standing=standing,
            )
        )
    return FollowingAnswer(clubs=clubs)


async def announcement(session: AsyncSession, notification: Notification) -> Announcement:
    """What `notification` tells: the tie as its revision left it, and each club's standing now."""
    revision = await session.get(Revision, notification.revision_id)
    season = await session.get(Season, notification.season_id) if notification.season_id else None
    after = (revision.after if revision is not None else None) or {}

    async def name(team_id: int | None) -> str | None:
        club = await session.get(Team, team_id) if team_id is not None else None
        return club.name if club is not None else None

    made = Announcement(
        kind=notification.kind,
        season=season.year if season is not None else 0,
        actor=notification.actor,
        note=str(after.get("note") or ""),
    )
    if notification.kind == "bye":
        made.home, made.round = await name(notification.home_id), after.get("round")
    elif notification.fixture_id is not None:
        tie = await session.get(Fixture, notification.fixture_id)
        home_id = after.get("home_id", notification.home_id)
        away_id = after.get("away_id", notification.away_id)
        made.home, made.away = await name(home_id), await name(away_id)
        made.home_score, made.away_score = after.get("home_score"), after.get("away_score")
        made.extra_time = bool(after.get("extra_time"))
        made.penalties = after.get("penalties")
        made.decided_by = after.get("decided_by")
        made.status = str(after.get("status") or "")
        made.winner = await name(after.get("winner_id"))
        made.date = dt.date.fromisoformat(after["date"]) if after.get("date") else None
        if tie is not None:
            made.fixture, made.round, made.kickoff = tie.number, tie.round, tie.kickoff
    for club in (made.home, made.away):
        if club is not None:
            standing, kickoff = await club_standing(session, club)
            made.clubs.append(ClubNews(team=club, standing=standing, next_kickoff=kickoff))
    return made
