"""Target suggestions from a KPI's history (`propose`), the methods behind them (`methods`, `levels`), many at once
(`batch`), and their replay over past periods (`backtest`)."""

from kpilot.goals.suggest.backtest import Backtest, KpiBacktest, backtest
from kpilot.goals.suggest.batch import Suggester
from kpilot.goals.suggest.methods import Method
from kpilot.goals.suggest.propose import Level, NoSuggestion, Proposal, Suggestion, propose, suggest

__all__ = [
    "Backtest",
    "KpiBacktest",
    "Level",
    "Method",
    "NoSuggestion",
    "Proposal",
    "Suggester",
    "Suggestion",
    "backtest",
    "propose",
    "suggest",
]
