"""`/smart`: the SMART check of the KPIs and targets the reader may see (docs/dashboard.md#the-smart-check), as
`kpilot check` makes it (kpilot.goals.smart): each finding's criterion, severity, where it is (the KPI, the target,
the definitions file and line) and how to fix it, in the reader's language. The check is the reader's
(server.reading.seen_by): a KPI they may not see has no finding here."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from kpilot.errors import Severity
from kpilot.goals.smart.finding import Finding
from kpilot.i18n import Language
from kpilot.results.check import CheckResult
from kpilot.results.data import words
from kpilot.server.reading import seen_by
from kpilot.server.runtime import Runtime
from kpilot.server.web.kpi_kept import keeper
from kpilot.server.web.reader import Reader, signed_in, signed_page

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True)
class Shown:
    letter: str  # S, M, A, R or T
    criterion: str
    severity: str  # the severity's code: error, warning or info
    kpi: str | None
    target: str | None
    location: str | None  # file:line:column in the definitions
    reason: str
    fix: str


@dataclass(frozen=True)
class KpiFindings:
    kpi: str | None  # None: findings about the workspace as a whole
    findings: tuple[Shown, ...]


@dataclass(frozen=True)
class SmartPage:
    groups: tuple[KpiFindings, ...]  # by KPI, in the order the check finds them (errors first)
    counts: tuple[tuple[str, int], ...]  # (severity code, how many), errors first

    @property
    def total(self) -> int:
        return sum(count for _, count in self.counts)


@router.get("/smart")
async def smart(request: Request) -> Response:
    reader = await signed_in(request)
    if not isinstance(reader, Reader):
        return reader
    runtime: Runtime = request.app.state.runtime

    def made() -> SmartPage:
        with seen_by(runtime, reader.actor) as workspace:
            day = workspace.calendar.today()
            keep = keeper(request, runtime, reader.actor, workspace.warehouse.path, day)
            # The same kept check as the KPI pages' (server.web.kpi_kept): one check serves them all until a change.
            result = keep.kept(("check", day), workspace.check)
            return smart_page(result, reader.language)

    return signed_page(request, "smart.html", reader, check=await run_in_threadpool(made))


def smart_page(result: CheckResult, language: Language) -> SmartPage:
    summary = result.summary()
    counts = tuple((level.value, summary[level.value]) for level in Severity)
    grouped: dict[str | None, list[Shown]] = {}
    for finding in result.findings:
        grouped.setdefault(finding.kpi, []).append(_shown(finding, language))
    return SmartPage(tuple(KpiFindings(kpi, tuple(shown)) for kpi, shown in grouped.items()), counts)


def _shown(finding: Finding, language: Language) -> Shown:
    return Shown(
        finding.letter.value,
        words(finding.letter.word, language) or finding.letter.value,
        finding.severity.value,
        finding.kpi,
        words(finding.target, language),
        str(finding.location) if finding.location else None,
        words(finding.reason, language) or "",
        words(finding.fix, language) or "",
    )
