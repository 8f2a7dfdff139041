"""kpilot: define KPIs once, precisely, and compute them correctly and fast.

The public API is what this module exports; everything else is internal and may change.
"""

from kpilot.errors import (
    DataError,
    FormulaError,
    InternalError,
    Issue,
    KpilotError,
    Location,
    QueryError,
    UserError,
    ValidationFailed,
    WarehouseDataError,
    WarehouseError,
    WarehouseQueryError,
    WarehouseUnavailable,
)
from kpilot.workspace import Workspace

__all__ = [
    "DataError",
    "FormulaError",
    "InternalError",
    "Issue",
    "KpilotError",
    "Location",
    "QueryError",
    "UserError",
    "ValidationFailed",
    "WarehouseDataError",
    "WarehouseError",
    "WarehouseQueryError",
    "WarehouseUnavailable",
    "Workspace",
]
__version__ = "0.1.0"
