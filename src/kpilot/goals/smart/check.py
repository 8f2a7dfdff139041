"""SMART checks: is every KPI and target Specific, Measurable, Achievable, Relevant and Time-bound?

Each finding names its letter, a severity (error, warning, info), the KPI (and target), the reason and a fix:

- S, Specific: a KPI with no owner (warning), no description (warning) or no label (info); two targets for the same
  KPI, period and scope (error).
- M, Measurable: definitions that do not validate (error: data checks are skipped until they do); a KPI that does not
  compute for its last complete period (error; a warning under T when it computes over all time); a KPI whose data
  stops before that period (warning), with no value for it (warning), or with 0 where the period before or the same
  period last year was not (warning: the data may be missing); a target with no value for its type (error), with
  levels in the wrong order (error), or whose scope cannot be computed (error).
- A, Achievable: a target beyond the best value history has reached by more than 20 % of it (warning), or needing
  more growth per period than the best period-over-period growth seen (warning; for lower-is-better KPIs, the best
  fall); a target the last period already meets (info); too little history to judge (info).
- R, Relevant: no goals at all (warning); a KPI that serves no goal (warning; info when another KPI's formula uses
  it); a target or goal link naming an unknown KPI (error).
- T, Time-bound: a target whose period cannot be read (error), a recurring `every:` target, which has no end (info),
  a target for periods shorter than the KPI's grain (warning), a KPI with no grain and no target (warning), a KPI
  that computes only over all time, its sources having no time column (warning).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from kpilot.errors import Severity
from kpilot.goals.smart.achievable import achievable
from kpilot.goals.smart.finding import Finding, Letter
from kpilot.goals.smart.measurable import measurable
from kpilot.goals.smart.relevant import relevant
from kpilot.goals.smart.specific import specific
from kpilot.goals.smart.time_bound import time_bound
from kpilot.workspace import Workspace


def has_errors(findings: Iterable[Finding]) -> bool:
    return any(f.severity is Severity.ERROR for f in findings)


def check_workspace(workspace: Workspace, *, today: date | None = None) -> list[Finding]:
    """Every SMART finding of the workspace's KPIs and targets, by letter, errors first."""
    definitions = workspace.definitions
    now = today or workspace.calendar.today()
    findings = specific(definitions)
    measured, broken = measurable(workspace, now)
    findings += measured
    if not any(f.kpi is None and f.letter is Letter.M and f.severity is Severity.ERROR for f in measured):
        findings += achievable(workspace, now, broken)
    findings += relevant(definitions)
    findings += time_bound(definitions, workspace.calendar)
    order = list(Letter), list(Severity)
    return sorted(findings, key=lambda f: (order[0].index(f.letter), order[1].index(f.severity)))
