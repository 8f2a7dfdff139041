"""kpilot: define KPIs once, precisely, and compute them correctly and fast.

The public API is what this module exports; everything else is internal and may change.
"""

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kpilot.api import Workspace
    from kpilot.engine.periods import Grain
    from kpilot.engine.plan import Request
    from kpilot.errors import (
        DataError,
        FormulaError,
        InternalError,
        Issue,
        KpilotError,
        Location,
        QueryError,
        Severity,
        UserError,
        ValidationFailed,
        WarehouseDataError,
        WarehouseError,
        WarehouseQueryError,
        WarehouseUnavailable,
    )
    from kpilot.i18n import Language, Message
    from kpilot.results.check import CheckResult
    from kpilot.results.forecast import ForecastResult
    from kpilot.results.matrix import MatrixResult
    from kpilot.results.scorecard import ScorecardResult
    from kpilot.results.targets import SuggestionResult

__all__ = [
    "CheckResult",
    "DataError",
    "ForecastResult",
    "FormulaError",
    "Grain",
    "InternalError",
    "Issue",
    "KpilotError",
    "Language",
    "Location",
    "MatrixResult",
    "Message",
    "QueryError",
    "Request",
    "ScorecardResult",
    "Severity",
    "SuggestionResult",
    "UserError",
    "ValidationFailed",
    "WarehouseDataError",
    "WarehouseError",
    "WarehouseQueryError",
    "WarehouseUnavailable",
    "Workspace",
]
__version__ = "0.1.0"

# Every public name loads on first use, from the module that defines it: importing any part of kpilot imports this
# package first, so an eager import here would load the engine (Ibis, DuckDB, pyarrow) for `kpilot --help` and
# `kpilot validate --no-data` too, and the goals and forecasting code (statsmodels) for a script that only computes.
_HOMES = {
    "Workspace": "kpilot.api",
    "Grain": "kpilot.engine.periods",
    "Request": "kpilot.engine.plan",
    **dict.fromkeys(
        [
            "DataError",
            "FormulaError",
            "InternalError",
            "Issue",
            "KpilotError",
            "Location",
            "QueryError",
            "Severity",
            "UserError",
            "ValidationFailed",
            "WarehouseDataError",
            "WarehouseError",
            "WarehouseQueryError",
            "WarehouseUnavailable",
        ],
        "kpilot.errors",
    ),
    "Language": "kpilot.i18n",
    "Message": "kpilot.i18n",
    "CheckResult": "kpilot.results.check",
    "ForecastResult": "kpilot.results.forecast",
    "MatrixResult": "kpilot.results.matrix",
    "ScorecardResult": "kpilot.results.scorecard",
    "SuggestionResult": "kpilot.results.targets",
}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        value = getattr(importlib.import_module(_HOMES[name]), name)
        globals()[name] = value  # looked up once: the next access is a plain attribute
        return value
    raise AttributeError(name, name=name)


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
