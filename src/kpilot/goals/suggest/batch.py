"""Suggestions for many KPIs and periods at once, from histories computed once per grain and scope.

The same suggestions as `goals.suggest.propose.suggest` (the same history, cut before each target period, and the same
methods), for the demo's targets and for the SMART checks, which judge a target against what kpilot would suggest.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from kpilot.engine.period_names import last_complete
from kpilot.engine.periods import Grain, grain_word
from kpilot.engine.scope import Scope, scope_of
from kpilot.errors import UserError
from kpilot.forecast.history import Point, history_end, load_histories
from kpilot.goals.suggest.methods import SUGGESTED_GRAINS
from kpilot.goals.suggest.propose import Related, Suggestion, propose
from kpilot.i18n import Message
from kpilot.semantic.lookup import require_kpi
from kpilot.semantic.series_kind import GrowthOf, growth_of, series_kind
from kpilot.workspace import Workspace

History = tuple[Point, ...] | UserError


class Suggester:
    """Suggestions for `names` (and the KPIs their growth follows), their histories loaded on first use."""

    def __init__(self, workspace: Workspace, names: Sequence[str], today: date | None = None) -> None:
        self.workspace = workspace
        self.today = today or workspace.calendar.today()
        model = workspace.model
        self.growths: dict[str, GrowthOf | None] = {name: growth_of(model, name) for name in names}
        bases = [g.base for g in self.growths.values() if g is not None]
        self.names = list(dict.fromkeys([*names, *bases]))
        self._histories: dict[tuple[Grain, Scope], dict[str, History]] = {}

    def history(self, kpi: str, grain: Grain, scope: Mapping[str, str]) -> History:
        chosen = scope_of(scope)
        key = (grain, chosen)
        if key not in self._histories:
            newest = last_complete(self.today, grain, self.workspace.calendar)
            self._histories[key] = load_histories(
                self.workspace, self.names, newest, grain, scope=chosen, today=self.today, final=True
            )
        return self._histories[key][kpi]

    def suggestion(
        self, kpi: str, start: date, grain: Grain, scope: Mapping[str, str] | None = None
    ) -> Suggestion | UserError:
        """The suggestion for the period of `grain` starting at `start`, or the error that stops the KPI."""
        if grain not in SUGGESTED_GRAINS:
            return UserError(Message("goals.suggest.grain_not_suggested_for", grain=grain_word(grain)), field="grain")
        scope = dict(scope or {})
        history = self.history(kpi, grain, scope)
        if isinstance(history, UserError):
            return history
        calendar = self.workspace.calendar
        last = history_end(start, grain, calendar, self.today)
        try:
            definition = require_kpi(self.workspace.definitions, kpi)
        except UserError as error:
            return error
        model = self.workspace.model
        related = None
        growth = self.growths.get(kpi) or growth_of(model, kpi)
        if growth is not None:
            base = self.history(growth.base, grain, scope) if growth.base in self.names else None
            base_kpi = self.workspace.definitions.kpi(growth.base)
            if base is not None and not isinstance(base, UserError) and base_kpi is not None:
                cut = tuple(p for p in base if p.start <= last)
                related = (Related(base_kpi, cut, series_kind(model, growth.base)), growth.lag)
        points = tuple(p for p in history if p.start <= last)
        return propose(
            definition, points, start, grain, calendar, kind=series_kind(model, kpi), scope=scope, growth=related
        )
