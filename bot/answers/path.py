"""`/path team [season]`: how a club entered a season and how far it went."""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.answers.cache import cached
from bot.answers.lookup import SeasonSnapshot, find_season, find_team, snapshot, team_seasons
from bot.answers.matches import freshness, match_line
from bot.answers.models import MatchLine, PathAnswer
from bot.seasons.facts import FATE_NOT_SAID
from bot.store.models import stored_id

ROUTES = {
    "local": "local qualifying",
    "national_league": "national-league track",
    "amateur_cup": "direct: National Amateur Cup",
    "league_champion": "direct: league champion",
    "professional": "professional entry",
}


@cached
async def path(session: AsyncSession, *, team: str, season: int | None = None) -> PathAnswer:
    """The route of club `team` in `season` (by default the latest season it played)."""
    club = await find_team(session, team)
    club_id = stored_id(club)
    view = await snapshot(session, await find_season(session, season, club))
    seasons = await team_seasons(session, club)
    others = [year for year in seasons if year != view.season.year]
    entry = view.entries.get(club_id)
    if entry is None:
        return PathAnswer(
            team=club.name,
            season=view.season.year,
            status="not_entered",
            other_seasons=others,
            rounds_in_season=view.last_round,
            freshness=freshness([], view),
        )
    fixtures = [f for f in view.fixtures if club_id in (f.home_id, f.away_id)]
    lines = [match_line(f, club_id, view) for f in fixtures]
    answer = PathAnswer(
        team=club.name,
        season=view.season.year,
        name_in_season=entry.name_in_season,
        status="alive",
        route=ROUTES.get(entry.track, entry.track),
        track=entry.track,
        berth=entry.berth,
        qualified_by=entry.qualified_by,
        league=entry.league,
        entry_round=entry.entry_round,
        byes=sorted(bye.round for bye in view.byes if bye.team_id == club_id),
        matches=lines,
        rounds_in_season=view.last_round,
        other_seasons=others,
        freshness=freshness(fixtures, view),
    )
    if entry.track != "local":
        answer.status = "qualified"
        answer.rounds_left = 0
        return answer
    for line in lines:
        if line.won is False:
            answer.status = "eliminated"
            answer.eliminated_in_round = line.round
            answer.eliminated_by = line.opponent
            answer.rounds_left = 0
            return answer
        if line.won is None and line.status == "played":  # played, and the source does not say who won
            return _not_said(answer, line.round)
    upcoming = [line for line in lines if line.won is None]
    won_rounds = [line.round for line in lines if line.won]
    if won_rounds and max(won_rounds) >= view.last_round and not upcoming:
        answer.status = "qualified"
        answer.rounds_left = 0
        return answer
    if not upcoming:  # the draw may already name the club as "winner of fixture N"
        linked = [_linked(view, club_id, line.fixture) for line in lines if line.won]
        upcoming = [line for line in linked if line is not None]
    if upcoming:
        answer.next_fixture = min(upcoming, key=lambda line: line.round)
        answer.possible_opponents = _possible(view, answer.next_fixture)
        reached = answer.next_fixture.round
    else:
        not_said = view.season.stated.get(FATE_NOT_SAID)
        if isinstance(not_said, list) and entry.name_in_season in not_said and won_rounds:
            return _not_said(answer, max(won_rounds) + 1)  # won a round, and the source stops there
        answer.awaiting_draw = True
        reached = max(won_rounds + answer.byes, default=0) + 1
    answer.rounds_left = view.last_round - reached + 1
    return answer


def _not_said(answer: PathAnswer, round_number: int) -> PathAnswer:
    """The club's route as far as the source tells it: from round `round_number` on, it does not say."""
    answer.status = "unknown"
    answer.unknown_from_round = round_number
    return answer


def _linked(view: SeasonSnapshot, team_id: int, number: int) -> MatchLine | None:
    """The drawn fixture whose side is the winner of the club's fixture `number`, if the draw is made."""
    for fixture in view.fixtures:
        if number in (fixture.home_from_fixture, fixture.away_from_fixture) and fixture.status != "played":
            return match_line(fixture, team_id, view, via=number)
    return None


def _possible(view: SeasonSnapshot, line: MatchLine) -> list[str]:
    """Who the club may meet next: the known opponent, or every club still able to win the feeding fixture."""
    if line.opponent:
        return [line.opponent]
    by_number = {fixture.number: fixture for fixture in view.fixtures}
    found: list[str] = []
    waiting = [line.opponent_from_fixture] if line.opponent_from_fixture is not None else []
    while waiting:
        fixture = by_number.get(waiting.pop(0))
        if fixture is None:
            continue
        if fixture.winner_id is not None:
            found.append(view.name(fixture.winner_id) or "")
            continue
        for side, source in (
            (fixture.home_id, fixture.home_from_fixture),
            (fixture.away_id, fixture.away_from_fixture),
        ):
            if side is not None:
                found.append(view.name(side) or "")
            elif source is not None:
                waiting.append(source)
    return found
