"""OKRs in the store (docs/okrs.md): cycles, their objectives, key results, alignment links, milestones, check-ins
and initiatives, read a cycle at a time as immutable records.

Nothing here checks the rules of OKRs (five key results at most, weights, cycles of links, who may check in): the
service layer (services.okrs) does, before it writes, in the same transaction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kpilot.errors import InternalError
from kpilot.store.models import (
    OkrAlignmentRow,
    OkrCheckInRow,
    OkrCycleRow,
    OkrInitiativeRow,
    OkrKeyResultRow,
    OkrMilestoneRow,
    OkrObjectiveRow,
)
from kpilot.store.times import utc


@dataclass(frozen=True)
class Cycle:
    id: int
    name: str
    period: str | None  # as named (`2026-Q4`); None for custom dates
    starts_on: date
    ends_on: date  # the first day after the cycle
    state: str
    rollup: str
    green: Decimal
    yellow: Decimal
    created_at: datetime
    closed_at: datetime | None


@dataclass(frozen=True)
class Objective:
    id: int
    cycle_id: int
    title: str
    description: str
    level: str
    owner_person_id: int | None
    owner_team_id: int | None
    created_at: datetime


@dataclass(frozen=True)
class KeyResult:
    id: int
    objective_id: int
    position: int
    title: str
    kind: str
    kpi: str | None
    scope: Mapping[str, str]
    direction: str | None
    baseline: Decimal | None
    target: Decimal | None
    stretch: Decimal | None
    upper: Decimal | None
    unit: str | None
    weight: Decimal
    final_value: Decimal | None
    final_progress: Decimal | None


@dataclass(frozen=True)
class Alignment:
    id: int
    child_id: int
    parent_objective_id: int | None
    parent_key_result_id: int | None
    weight: Decimal


@dataclass(frozen=True)
class Milestone:
    id: int
    key_result_id: int
    position: int
    title: str
    done_on: date | None


@dataclass(frozen=True)
class CheckIn:
    id: int
    key_result_id: int
    at: datetime
    author_account_id: int | None
    author_email: str | None
    value: Decimal | None
    done: tuple[int, ...]  # milestone positions marked done by this check-in
    confidence: int
    note: str
    correction: bool


@dataclass(frozen=True)
class Initiative:
    id: int
    key_result_id: int
    title: str
    state: str
    link: str | None


@dataclass(frozen=True)
class CycleContent:
    """A cycle and everything in it, each list in a stable order (ids ascending; check-ins oldest first).
    `alignments` holds every link whose child is in the cycle: its parent may be in another cycle (a yearly
    objective above quarterly ones)."""

    cycle: Cycle
    objectives: tuple[Objective, ...] = ()
    key_results: tuple[KeyResult, ...] = ()
    alignments: tuple[Alignment, ...] = ()
    milestones: tuple[Milestone, ...] = ()
    check_ins: tuple[CheckIn, ...] = ()
    initiatives: tuple[Initiative, ...] = ()


class Okrs:
    """The OKRs of the store, read and written through one session (whose transaction the caller owns)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    # --- cycles ---------------------------------------------------------------------------------------------
    def cycles(self) -> tuple[Cycle, ...]:
        rows = self.session.scalars(select(OkrCycleRow).order_by(OkrCycleRow.starts_on, OkrCycleRow.id))
        return tuple(_cycle(row) for row in rows)

    def cycle_named(self, name: str) -> Cycle | None:
        row = self.session.scalars(select(OkrCycleRow).where(OkrCycleRow.name == name)).first()
        return None if row is None else _cycle(row)

    def add_cycle(
        self,
        *,
        name: str,
        period: str | None,
        starts_on: date,
        ends_on: date,
        state: str,
        rollup: str,
        green: Decimal,
        yellow: Decimal,
        at: datetime,
    ) -> Cycle:
        row = OkrCycleRow(
            name=name,
            period=period,
            starts_on=starts_on,
            ends_on=ends_on,
            state=state,
            rollup=rollup,
            green=str(green),
            yellow=str(yellow),
            created_at=utc(at),
        )
        self.session.add(row)
        self.session.flush()
        return _cycle(row)

    def set_state(self, cycle_id: int, state: str, closed_at: datetime | None) -> Cycle:
        row = self._row(OkrCycleRow, cycle_id)
        row.state = state
        row.closed_at = None if closed_at is None else utc(closed_at)
        self.session.flush()
        return _cycle(row)

    def content(self, cycle_id: int) -> CycleContent:
        cycle = _cycle(self._row(OkrCycleRow, cycle_id))
        objectives = tuple(
            _objective(row)
            for row in self.session.scalars(
                select(OkrObjectiveRow).where(OkrObjectiveRow.cycle_id == cycle_id).order_by(OkrObjectiveRow.id)
            )
        )
        ids = [objective.id for objective in objectives]
        key_results = tuple(
            _key_result(row)
            for row in self.session.scalars(
                select(OkrKeyResultRow)
                .where(OkrKeyResultRow.objective_id.in_(ids))
                .order_by(OkrKeyResultRow.objective_id, OkrKeyResultRow.position)
            )
        )
        kr_ids = [kr.id for kr in key_results]
        alignments = tuple(
            _alignment(row)
            for row in self.session.scalars(
                select(OkrAlignmentRow).where(OkrAlignmentRow.child_id.in_(ids)).order_by(OkrAlignmentRow.id)
            )
        )
        milestones = tuple(
            _milestone(row)
            for row in self.session.scalars(
                select(OkrMilestoneRow)
                .where(OkrMilestoneRow.key_result_id.in_(kr_ids))
                .order_by(OkrMilestoneRow.key_result_id, OkrMilestoneRow.position)
            )
        )
        check_ins = tuple(
            _check_in(row)
            for row in self.session.scalars(
                select(OkrCheckInRow)
                .where(OkrCheckInRow.key_result_id.in_(kr_ids))
                .order_by(OkrCheckInRow.at, OkrCheckInRow.id)
            )
        )
        initiatives = tuple(
            _initiative(row)
            for row in self.session.scalars(
                select(OkrInitiativeRow).where(OkrInitiativeRow.key_result_id.in_(kr_ids)).order_by(OkrInitiativeRow.id)
            )
        )
        return CycleContent(cycle, objectives, key_results, alignments, milestones, check_ins, initiatives)

    # --- objectives and key results -------------------------------------------------------------------------
    def add_objective(
        self,
        *,
        cycle_id: int,
        title: str,
        description: str,
        level: str,
        owner_person_id: int | None,
        owner_team_id: int | None,
        at: datetime,
    ) -> Objective:
        row = OkrObjectiveRow(
            cycle_id=cycle_id,
            title=title,
            description=description,
            level=level,
            owner_person_id=owner_person_id,
            owner_team_id=owner_team_id,
            created_at=utc(at),
        )
        self.session.add(row)
        self.session.flush()
        return _objective(row)

    def objective(self, objective_id: int) -> Objective | None:
        row = self.session.get(OkrObjectiveRow, objective_id)
        return None if row is None else _objective(row)

    def cycle_of_objective(self, objective_id: int) -> Cycle | None:
        row = self.session.get(OkrObjectiveRow, objective_id)
        return None if row is None else _cycle(self._row(OkrCycleRow, row.cycle_id))

    def key_result(self, key_result_id: int) -> KeyResult | None:
        row = self.session.get(OkrKeyResultRow, key_result_id)
        return None if row is None else _key_result(row)

    def key_result_count(self, objective_id: int) -> int:
        query = select(func.count()).select_from(OkrKeyResultRow).where(OkrKeyResultRow.objective_id == objective_id)
        return int(self.session.scalar(query) or 0)

    def add_key_result(self, *, objective_id: int, values: Mapping[str, Any]) -> KeyResult:
        """A key result at the end of the objective's list. `values` holds the row's columns (numbers as
        Decimals), as services.okrs checked them."""
        position = self.key_result_count(objective_id) + 1
        row = OkrKeyResultRow(
            objective_id=objective_id,
            position=position,
            title=values["title"],
            kind=values["kind"],
            kpi=values.get("kpi"),
            scope=dict(values.get("scope") or {}),
            direction=values.get("direction"),
            unit=values.get("unit"),
            weight=str(values.get("weight", Decimal(1))),
            **{name: _text(values.get(name)) for name in ("baseline", "target", "stretch", "upper")},
        )
        self.session.add(row)
        self.session.flush()
        return _key_result(row)

    def set_final(self, key_result_id: int, value: Decimal | None, progress: Decimal | None) -> None:
        row = self._row(OkrKeyResultRow, key_result_id)
        row.final_value = _text(value)
        row.final_progress = _text(progress)
        self.session.flush()

    def add_alignment(self, *, child_id: int, parent_objective_id: int | None, parent_key_result_id: int | None,
                      weight: Decimal) -> Alignment:  # fmt: skip
        row = OkrAlignmentRow(
            child_id=child_id,
            parent_objective_id=parent_objective_id,
            parent_key_result_id=parent_key_result_id,
            weight=str(weight),
        )
        self.session.add(row)
        self.session.flush()
        return _alignment(row)

    def alignments(self) -> tuple[Alignment, ...]:
        """Every link of every cycle (a cycle check must see links across cycles)."""
        return tuple(
            _alignment(row) for row in self.session.scalars(select(OkrAlignmentRow).order_by(OkrAlignmentRow.id))
        )

    def key_result_objectives(self) -> dict[int, int]:
        """Every key result's objective, by the key result's id."""
        rows = self.session.execute(select(OkrKeyResultRow.id, OkrKeyResultRow.objective_id))
        return {int(kr_id): int(objective_id) for kr_id, objective_id in rows}

    def key_result_positions(self) -> dict[tuple[int, int], int]:
        """Every key result's id, by (objective id, position)."""
        rows = self.session.execute(select(OkrKeyResultRow.objective_id, OkrKeyResultRow.position, OkrKeyResultRow.id))
        return {(int(objective), int(position)): int(kr) for objective, position, kr in rows}

    # --- milestones, check-ins, initiatives -----------------------------------------------------------------
    def add_milestone(self, *, key_result_id: int, title: str) -> Milestone:
        query = select(func.max(OkrMilestoneRow.position)).where(OkrMilestoneRow.key_result_id == key_result_id)
        row = OkrMilestoneRow(
            key_result_id=key_result_id, position=int(self.session.scalar(query) or 0) + 1, title=title
        )
        self.session.add(row)
        self.session.flush()
        return _milestone(row)

    def mark_done(self, key_result_id: int, positions: Sequence[int], day: date | None) -> None:
        """Milestones of a key result done on `day` (None: not done after all)."""
        query = select(OkrMilestoneRow).where(
            OkrMilestoneRow.key_result_id == key_result_id, OkrMilestoneRow.position.in_(list(positions))
        )
        for row in self.session.scalars(query):
            row.done_on = day
        self.session.flush()

    def add_check_in(
        self,
        *,
        key_result_id: int,
        at: datetime,
        author_account_id: int | None,
        author_email: str | None,
        value: Decimal | None,
        done: Sequence[int] | None,
        confidence: int,
        note: str,
        correction: bool,
    ) -> CheckIn:
        row = OkrCheckInRow(
            key_result_id=key_result_id,
            at=utc(at),
            author_account_id=author_account_id,
            author_email=author_email,
            value=_text(value),
            done=None if done is None else list(done),
            confidence=confidence,
            note=note,
            correction=correction,
        )
        self.session.add(row)
        self.session.flush()
        return _check_in(row)

    def add_initiative(self, *, key_result_id: int, title: str, state: str, link: str | None) -> Initiative:
        row = OkrInitiativeRow(key_result_id=key_result_id, title=title, state=state, link=link)
        self.session.add(row)
        self.session.flush()
        return _initiative(row)

    def _row(self, kind: Any, row_id: int) -> Any:
        row = self.session.get(kind, row_id)
        if row is None:
            raise InternalError(f"no {kind.__tablename__} row with id {row_id} in the store")
        return row


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _number(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def _cycle(row: OkrCycleRow) -> Cycle:
    return Cycle(
        row.id, row.name, row.period, row.starts_on, row.ends_on, row.state, row.rollup,
        Decimal(row.green), Decimal(row.yellow), row.created_at, row.closed_at,
    )  # fmt: skip


def _objective(row: OkrObjectiveRow) -> Objective:
    return Objective(
        row.id, row.cycle_id, row.title, row.description, row.level, row.owner_person_id, row.owner_team_id,
        row.created_at,
    )  # fmt: skip


def _key_result(row: OkrKeyResultRow) -> KeyResult:
    return KeyResult(
        id=row.id,
        objective_id=row.objective_id,
        position=row.position,
        title=row.title,
        kind=row.kind,
        kpi=row.kpi,
        scope=dict(row.scope),
        direction=row.direction,
        baseline=_number(row.baseline),
        target=_number(row.target),
        stretch=_number(row.stretch),
        upper=_number(row.upper),
        unit=row.unit,
        weight=Decimal(row.weight),
        final_value=_number(row.final_value),
        final_progress=_number(row.final_progress),
    )


def _alignment(row: OkrAlignmentRow) -> Alignment:
    return Alignment(row.id, row.child_id, row.parent_objective_id, row.parent_key_result_id, Decimal(row.weight))


def _milestone(row: OkrMilestoneRow) -> Milestone:
    return Milestone(row.id, row.key_result_id, row.position, row.title, row.done_on)


def _check_in(row: OkrCheckInRow) -> CheckIn:
    return CheckIn(
        row.id, row.key_result_id, row.at, row.author_account_id, row.author_email, _number(row.value),
        tuple(row.done or ()), row.confidence, row.note, row.correction,
    )  # fmt: skip


def _initiative(row: OkrInitiativeRow) -> Initiative:
    return Initiative(row.id, row.key_result_id, row.title, row.state, row.link)
