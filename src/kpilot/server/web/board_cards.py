"""A board's cards (docs/dashboard.md#boards): the scorecard of a workspace view (a team's rows, or the company's),
as cards grouped by the goals the KPIs serve, in the order of the definitions' goals and of each goal's links.

A KPI that serves several goals is shown once, under the first of them, so that a board stays short (about twelve
cards above the fold); the KPIs that serve no goal come last, in a group of their own. A goal none of whose KPIs
the reader may see is not shown: the view's goals hold only the links to KPIs the reader sees."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from kpilot.api import Workspace
from kpilot.definitions.goals_model import Goal
from kpilot.i18n import Language, Period
from kpilot.server.web.cards import Card, card


@dataclass(frozen=True)
class Group:
    goal: str | None  # the goal's name; None: the KPIs that serve no goal
    label: str | None
    cards: tuple[Card, ...]


@dataclass(frozen=True)
class BoardCards:
    period: Period
    groups: tuple[Group, ...]

    @property
    def count(self) -> int:
        return sum(len(group.cards) for group in self.groups)

    @property
    def kpis(self) -> list[str]:
        """The KPIs on the board, in its order (what its live updates listen for)."""
        return [card.kpi for group in self.groups for card in group.cards]


def board_cards(workspace: Workspace, language: Language, scope: Mapping[str, str] | None = None) -> BoardCards:
    """The scorecard of `workspace` (a view) for the period `kpilot scorecard` shows by default, over `scope`."""
    result = workspace.scorecard(scope=scope)
    currency = workspace.settings.currency
    cards = {line.kpi.name: card(line, currency, language) for line in result.lines}
    period = Period(result.period, result.grain.value, result.name)
    return BoardCards(period, grouped(workspace.definitions.goals, cards))


def grouped(goals: Sequence[Goal], cards: Mapping[str, Card]) -> tuple[Group, ...]:
    """`cards` (by KPI, in scorecard order) under the goals they serve; each card once, the rest last."""
    placed: set[str] = set()
    groups: list[Group] = []
    for goal in goals:
        names = list(dict.fromkeys(link.kpi for link in goal.kpis if link.kpi in cards and link.kpi not in placed))
        placed.update(names)
        if names:
            groups.append(Group(goal.name, goal.title, tuple(cards[name] for name in names)))
    rest = tuple(shown for name, shown in cards.items() if name not in placed)
    if rest:
        groups.append(Group(None, None, rest))
    return tuple(groups)
