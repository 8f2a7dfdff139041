"""The demo's OKRs (src/kpilot/demo/data/okrs.yaml) and `okr propose` on the demo, built on 22 November 2026 (day 53
of 2026-Q4's 92).

Expected values come from the demo's own data read independently: the KPIs computed by `Workspace.compute` for the
quarter (and the quarter before), the targets read from definitions/targets.yaml as written.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from ruamel.yaml import YAML

from kpilot import Workspace
from kpilot.auth.actor import Actor
from kpilot.engine.periods import Grain
from kpilot.goals.scorecard import scorecard
from kpilot.goals.status import Status
from kpilot.i18n import Language
from kpilot.services import okrs
from kpilot.services.okr_propose import propose, write_proposals
from kpilot.services.okr_scores import CycleScores
from kpilot.store import open_store
from tests.demo.conftest import NOVEMBER, NOVEMBER_GROUP

TODAY = NOVEMBER
Q4 = date(2026, 10, 1)
Q3 = date(2026, 7, 1)
OPERATOR = Actor.operator()
pytestmark = [pytest.mark.slow, NOVEMBER_GROUP]


@pytest.fixture(scope="module")
def demo(november_demo: Workspace) -> Workspace:
    """The demo of tests/demo/conftest.py (the last test here adds objectives to its cycle)."""
    return november_demo


@pytest.fixture(scope="module")
def scored(demo: Workspace) -> CycleScores:
    with open_store(demo) as store:
        return okrs.read_cycle(store, OPERATOR, demo, "2026-Q4", today=TODAY)


def test_the_demo_cascades_from_the_company_to_a_rep(scored: CycleScores) -> None:
    levels = {found.objective.level for found in scored.objectives}
    assert levels == {"company", "department", "team", "person"}
    (company,) = (o for o in scored.objectives if o.objective.level == "company")
    aligned = {link.child_id for link in scored.content.alignments}
    assert aligned == {o.objective.id for o in scored.objectives} - {company.objective.id}
    # Sales EMEA aligns to Sales' third key result ("Close 30 new contracts"): its cascade is shown beside it.
    sales = next(o for o in scored.objectives if o.objective.title == "Win more and bigger deals")
    contracts = sales.key_results[2].key_result
    assert contracts.title == "Close 30 new contracts"
    assert scored.cascade_of_key_results[contracts.id].progress is not None
    kinds = {kr.key_result.kind for o in scored.objectives for kr in o.key_results}
    assert kinds == {"kpi", "number", "milestone", "milestones"}


def test_check_ins_are_spread_over_the_quarter(scored: CycleScores) -> None:
    """Two weeks apart from the quarter's start, up to the day the demo was built: 15 October, 29 October and 12
    November (26 November is after 22 November)."""
    days = sorted({check_in.at.date() for check_in in scored.content.check_ins})
    assert days == [date(2026, 10, 15), date(2026, 10, 29), date(2026, 11, 12)]
    typed = next(kr for o in scored.objectives for kr in o.key_results if kr.key_result.title == "Meet 300 clients")
    assert [c.value for c in typed.check_ins] == [Decimal(54), Decimal(108), Decimal(156)]  # 300 x 0.18, 0.36, 0.52
    assert typed.value == Decimal(156)


def test_kpi_key_results_are_what_compute_gives(demo: Workspace, scored: CycleScores) -> None:
    measured = [kr for o in scored.objectives for kr in o.key_results if kr.key_result.kind == "kpi"]
    assert len(measured) >= 8
    for kr in measured:
        kpi = kr.key_result.kpi
        assert kpi is not None
        table = demo.compute(
            [kpi], grain=Grain.QUARTER, start=Q4, end=TODAY, scope=dict(kr.key_result.scope), today=TODAY
        ).to_pylist()
        assert kr.value is not None, kpi
        assert table, kpi
        assert float(kr.value) == pytest.approx(table[0][kpi], rel=1e-12), kpi
        assert kr.partial


def targets_for(demo: Workspace, start: str) -> dict[str, dict[str, float]]:
    document = YAML(typ="safe").load((demo.root / "definitions" / "targets.yaml").read_text())
    return {entry["kpi"]: entry for entry in document["targets"] if entry.get("period") == start}


def test_propose_only_for_kpis_off_track_or_at_risk_with_numbers_from_the_data(demo: Workspace) -> None:
    with open_store(demo) as store:
        proposals = propose(store, OPERATOR, demo, cycle="2026-Q4", today=TODAY)
    lines = {line.kpi.name: line for line in scorecard(demo, Q4, Grain.QUARTER, None, {}, TODAY)}
    statuses = {name: line.evaluation.status for name, line in lines.items() if line.evaluation is not None}
    assert proposals
    assert {p.kpi for p in proposals} <= {
        name for name, status in statuses.items() if status in (Status.OFF_TRACK, Status.AT_RISK)
    }
    assert not {p.kpi for p in proposals} & {n for n, s in statuses.items() if s in (Status.ON_TRACK, Status.ACHIEVED)}
    quarter_targets = targets_for(demo, "2026-Q4")
    previous = demo.compute(
        [p.kpi for p in proposals], grain=Grain.QUARTER, start=Q3, end=date(2026, 9, 30)
    ).to_pylist()[0]
    for proposal in proposals:
        written = quarter_targets[proposal.kpi]
        kr = proposal.key_result
        if kr.direction is not None and kr.direction.value == "stay_within":
            assert (float(proposal.target), float(kr.upper or 0)) == (written["min"], written["max"])
        else:
            assert float(proposal.target) == written["target"]
        if lines[proposal.kpi].additive and kr.direction is not None and kr.direction.value == "increase":
            assert proposal.baseline == 0  # a sum counts from 0 at the quarter's start
        else:
            assert float(proposal.baseline) == pytest.approx(previous[proposal.kpi], rel=1e-12)  # where Q3 ended


def test_written_proposals_become_objectives(demo: Workspace) -> None:
    with open_store(demo) as store:
        proposals = propose(store, OPERATOR, demo, cycle="2026-Q4", today=TODAY)[:2]
        made = write_proposals(
            store,
            OPERATOR,
            demo,
            "2026-Q4",
            proposals,
            language=Language.IT,
            now=datetime(2026, 11, 22, 10, tzinfo=UTC),
        )
        assert not made.created
        assert [o.title for o in made.objectives] == [
            f"Riportare {demo.definitions.kpi(p.kpi).title} sul target" for p in proposals
        ]  # type: ignore[union-attr]
