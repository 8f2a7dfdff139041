"""The SMART check as a result: `kpilot check` and `kpilot.Workspace.check` build it here, and its `to_data` is the
command's `--format json`."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from kpilot.errors import Severity
from kpilot.goals.smart.check import check_workspace, has_errors
from kpilot.goals.smart.finding import Finding
from kpilot.i18n import DEFAULT, Language
from kpilot.results import arguments
from kpilot.results.data import code, plain, words
from kpilot.workspace import Workspace


@dataclass(frozen=True)
class CheckResult:
    """Every SMART finding of the workspace's KPIs and targets, by letter, errors first."""

    findings: tuple[Finding, ...]

    @property
    def has_errors(self) -> bool:
        """Whether any finding is an error (`kpilot check` then exits with 1)."""
        return has_errors(self.findings)

    def summary(self) -> dict[str, int]:
        """How many findings of each severity: {"error": 0, "warning": 3, "info": 2}."""
        counts = Counter(finding.severity.value for finding in self.findings)
        return {level.value: counts.get(level.value, 0) for level in Severity}

    def to_data(self, language: Language | str = DEFAULT) -> dict[str, Any]:
        """`{"findings": [...], "summary": {...}}`, as `kpilot check --format json` prints it."""
        chosen = arguments.language(language)
        data = {"findings": [_finding(f, chosen) for f in self.findings], "summary": self.summary()}
        result: dict[str, Any] = plain(data)
        return result


def check_result(workspace: Workspace, *, today: date | None = None) -> CheckResult:
    return CheckResult(tuple(check_workspace(workspace, today=arguments.today(today))))


def _finding(finding: Finding, language: Language) -> dict[str, Any]:
    return {
        "letter": finding.letter.value,
        "criterion": words(finding.letter.word, language),
        "severity": finding.severity.value,
        "kpi": finding.kpi,
        "target": words(finding.target, language),
        "reason": words(finding.reason, language),
        "reason_code": code(finding.reason),
        "fix": words(finding.fix, language),
        "fix_code": code(finding.fix),
        "location": str(finding.location) if finding.location else None,
    }
