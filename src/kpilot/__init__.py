"""kpilot: define KPIs once, precisely, and compute them correctly and fast.

The public API is what this module exports; everything else is internal and may change.
"""

import importlib
from typing import TYPE_CHECKING, Any

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

if TYPE_CHECKING:
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

# The result types load the goals and forecasting code (and statsmodels): on first use, so that `import kpilot`
# stays quick for a script that only computes.
_RESULTS = {
    "CheckResult": "kpilot.results.check",
    "ForecastResult": "kpilot.results.forecast",
    "MatrixResult": "kpilot.results.matrix",
    "ScorecardResult": "kpilot.results.scorecard",
    "SuggestionResult": "kpilot.results.targets",
}


def __getattr__(name: str) -> Any:
    if name in _RESULTS:
        return getattr(importlib.import_module(_RESULTS[name]), name)
    raise AttributeError(name, name=name)


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
