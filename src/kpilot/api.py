"""The public `kpilot.Workspace`: the workspace facade with the methods of the commands above it.

`kpilot.workspace.Workspace` computes KPIs (compute, sql, validate) and sits below goals and forecasting, which use
it; this subclass, at the top layer next to the command line, adds what each of those commands does: `scorecard`,
`forecast`, `suggest_targets`, `check` and `matrix`. Each takes the command's options as keyword arguments, named
as the model names them, and returns the frozen result the command prints: `result.to_data(language)` is exactly
its `--format json` output.

The goals and forecasting code (and statsmodels under it) is imported on a method's first call, so that
`import kpilot` stays as quick as before for scripts that only compute.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING

from kpilot import workspace
from kpilot.engine.periods import Grain

if TYPE_CHECKING:
    from kpilot.goals.suggest.methods import Method
    from kpilot.goals.suggest.propose import Level
    from kpilot.results.check import CheckResult
    from kpilot.results.forecast import ForecastResult
    from kpilot.results.matrix import MatrixResult
    from kpilot.results.scorecard import ScorecardResult
    from kpilot.results.targets import SuggestionResult


class Workspace(workspace.Workspace):
    """A kpilot workspace folder: compute KPIs, and score, forecast, check and set targets for them."""

    def scorecard(
        self,
        *,
        period: str | None = None,
        scope: Mapping[str, str] | None = None,
        category: str | None = None,
        kpis: Sequence[str] | str | None = None,
        today: date | None = None,
    ) -> ScorecardResult:
        """Each KPI for `period` (2025-05, 2025-Q2, 2025, current or last; default: the last complete month that
        has data): value, target, status, pace, projection and changes, as `kpilot scorecard`."""
        from kpilot.results.scorecard import scorecard_result

        return scorecard_result(self, period=period, scope=scope, category=category, kpis=kpis, today=today)

    def forecast(
        self,
        kpi: str,
        *,
        grain: Grain | str = Grain.MONTH,
        periods: int = 3,
        method: str = "auto",
        history: int | None = None,
        scope: Mapping[str, str] | None = None,
        today: date | None = None,
    ) -> ForecastResult:
        """`kpi`'s next `periods` periods from its complete ones, with intervals and the method's back-test, as
        `kpilot forecast`."""
        from kpilot.results.forecast import forecast_result

        return forecast_result(
            self, kpi, grain=grain, periods=periods, method=method, history=history, scope=scope, today=today
        )

    def suggest_targets(
        self,
        kpi: str,
        *,
        period: str,
        scope: Mapping[str, str] | None = None,
        history: int | None = None,
        write: Level | str | None = None,
        method: Method | str | None = None,
        today: date | None = None,
    ) -> SuggestionResult:
        """Commit, target and stretch for `kpi` in `period` by several methods, and the one recommended, as
        `kpilot targets suggest`; `write` merges the chosen levels into definitions/targets.yaml (this object's
        definitions stay as they were read: open the workspace again to see the new target)."""
        from kpilot.results.targets import suggestion_result

        return suggestion_result(
            self, kpi, period=period, scope=scope, history=history, write=write, method=method, today=today
        )

    def check(self, *, today: date | None = None) -> CheckResult:
        """The SMART review of every KPI and target, as `kpilot check` (with the grants of restricted KPIs checked
        against the store, when there is one)."""
        from kpilot.services.grant_checks import check_with_store

        return check_with_store(self, today=today)

    def matrix(self, *, period: str | None = None, today: date | None = None) -> MatrixResult:
        """Goals by the KPIs that serve them, with weights, statuses and each goal's attainment, as
        `kpilot matrix`."""
        from kpilot.results.matrix import matrix_result

        return matrix_result(self, period=period, today=today)
