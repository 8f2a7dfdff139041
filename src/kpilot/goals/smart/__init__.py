"""SMART checks of a workspace's KPIs and targets: one module per letter, `check` runs them all (see `check`)."""

from kpilot.goals.smart.check import check_workspace, has_errors
from kpilot.goals.smart.finding import Finding, Letter, Level

__all__ = ["Finding", "Letter", "Level", "check_workspace", "has_errors"]
