"""SMART checks of a workspace's KPIs and targets: one module per letter, `check` runs them all (see `check`).

A finding's severity is `kpilot.errors.Severity` (error, warning, info), the one severity of every problem kpilot
reports."""

from kpilot.goals.smart.check import check_workspace, has_errors
from kpilot.goals.smart.finding import Finding, Letter

__all__ = ["Finding", "Letter", "check_workspace", "has_errors"]
