"""A round cut into pages: one split for the embed and for the picture, so page 2 is page 2 in both.

A page holds at most TIES_PER_PAGE ties (a 16-tie picture is about 2,800 px tall: two or three screens on a
phone). A long round is cut into as few pages as that allows, of even size (21 ties: 11 and 10, never 16
and 5). The round's byes are listed under the last ties when they fit in what is left of that page (a tie's
room holds BYES_PER_TIE names), and otherwise on pages of their own.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.answers.models import RoundAnswer, RoundMatch
from bot.answers.standing import counted

__all__ = [
    "BYES_PER_PAGE",
    "BYES_PER_TIE",
    "TIES_PER_PAGE",
    "RoundPage",
    "byes_elsewhere",
    "even_split",
    "round_pages",
]

TIES_PER_PAGE = 16
BYES_PER_TIE = 6  # a tie card is about as tall as three rows of two names
BYES_PER_PAGE = TIES_PER_PAGE * BYES_PER_TIE


@dataclass(frozen=True)
class RoundPage:
    """One page of a round: some of its ties (numbered from 1 within the round), some of its byes."""

    number: int  # from 1
    count: int  # pages in the round
    matches: tuple[RoundMatch, ...]
    first_tie: int  # the round's tie number of matches[0] (from 1); 0 when the page has no ties
    ties_in_round: int
    byes: tuple[str, ...]
    first_bye: int  # the round's bye number of byes[0] (from 1); 0 when the page lists none
    byes_in_round: int
    byes_page: int  # the page that lists the round's first bye (0 when it has none)

    @property
    def last_tie(self) -> int:
        """The round's tie number of the page's last tie (0 when the page has no ties)."""
        return self.first_tie + len(self.matches) - 1 if self.matches else 0

    @property
    def byes_spread(self) -> bool:
        """Whether the page lists only some of the round's byes (the rest are on other pages)."""
        return 0 < len(self.byes) < self.byes_in_round

    @property
    def first(self) -> bool:
        """Whether this is the round's first page."""
        return self.number == 1

    @property
    def last(self) -> bool:
        """Whether this is the round's last page."""
        return self.number == self.count


def even_split(total: int, most: int) -> list[range]:
    """`range(total)` cut into the fewest runs of at most `most`, the first ones longer by one at most."""
    if total <= 0:
        return []
    pages = -(-total // most)
    size, longer = divmod(total, pages)
    runs, start = [], 0
    for index in range(pages):
        stop = start + size + (index < longer)
        runs.append(range(start, stop))
        start = stop
    return runs


def round_pages(answer: RoundAnswer) -> list[RoundPage]:
    """The pages of a round, in order; a round with neither ties nor byes is one empty page."""
    ties = even_split(len(answer.matches), TIES_PER_PAGE)
    byes = list(answer.byes)
    room = (TIES_PER_PAGE - (len(ties[-1]) if ties else 0)) * BYES_PER_TIE
    plan: list[tuple[range, range]] = [(run, range(0)) for run in ties]
    if len(byes) <= room:  # under the last ties (or alone, on the only page)
        last = ties[-1] if ties else range(0)
        plan[-1:] = [(last, range(len(byes)))]
    else:
        plan += [(range(0), run) for run in even_split(len(byes), BYES_PER_PAGE)]
    byes_page = next((at for at, (_, run) in enumerate(plan, 1) if len(run)), 0)
    return [
        RoundPage(
            number=at,
            count=len(plan),
            matches=tuple(answer.matches[index] for index in tie_run),
            first_tie=tie_run.start + 1 if len(tie_run) else 0,
            ties_in_round=len(answer.matches),
            byes=tuple(byes[index] for index in bye_run),
            first_bye=bye_run.start + 1 if len(bye_run) else 0,
            byes_in_round=len(byes),
            byes_page=byes_page,
        )
        for at, (tie_run, bye_run) in enumerate(plan, 1)
    ]


def byes_elsewhere(page: RoundPage) -> str:
    """Where a page that lists none of the round's byes sends the reader: '67 byes listed on page 3'."""
    if page.byes or not page.byes_in_round:
        return ""
    return f"{counted(page.byes_in_round, 'bye')} listed on page {page.byes_page}"
