"""The state of each alert rule in each scope, and its last evaluations.

A state is written with the version it was read at (`put_state(..., expected_version=...)`): the write goes through
only if the row still has that version, and bumps it, so that two evaluators that read the same state cannot both
move it (the second is refused with `StoreConflict` and nothing of its transaction is written). Version 0 means
"not stored yet": the row is inserted, unless another evaluator inserted it first. Of the evaluations, the last
`KEPT_EVALUATIONS` (50) of each rule and scope are kept; older ones are deleted in the same transaction.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from kpilot.i18n import Message
from kpilot.store.alert_inserts import upsert
from kpilot.store.alert_records import AlertLevel, Evaluation, EvaluationOutcome, StoredState, json_value
from kpilot.store.errors import StoreConflict
from kpilot.store.models import AlertEvaluationRow, AlertStateRow
from kpilot.store.times import utc

KEPT_EVALUATIONS = 50


class AlertStates:
    """Rule states and evaluations, through one session (whose transaction the caller owns)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def state(self, rule: str, scope_key: str) -> StoredState | None:
        """Where `rule` stands in the scope of `scope_key` (`alert_records.scope_key`), None if never evaluated."""
        query = select(AlertStateRow).where(AlertStateRow.rule == rule, AlertStateRow.scope_key == scope_key)
        row = self.session.scalars(query.execution_options(populate_existing=True)).one_or_none()
        return None if row is None else _state(row)

    def states(self, rule: str | None = None) -> tuple[StoredState, ...]:
        """Every state (of one rule), by rule and scope: the admin view."""
        query = select(AlertStateRow).order_by(AlertStateRow.rule, AlertStateRow.scope_key)
        if rule is not None:
            query = query.where(AlertStateRow.rule == rule)
        return tuple(_state(row) for row in self.session.scalars(query.execution_options(populate_existing=True)))

    def put_state(self, state: StoredState, *, expected_version: int) -> StoredState:
        """Write `state` if its row is still at `expected_version` (0: not stored yet); the state as written, with
        its new version. Refused with `StoreConflict` when another writer moved it first."""
        values = _values(state)
        if expected_version == 0:
            statement: Any = (
                upsert(self.session, AlertStateRow)
                .values(**values, version=1)
                .on_conflict_do_nothing(index_elements=["rule", "scope_key"])
            )
        else:
            statement = (
                update(AlertStateRow)
                .where(
                    AlertStateRow.rule == state.rule,
                    AlertStateRow.scope_key == state.scope_key,
                    AlertStateRow.version == expected_version,
                )
                .values(**values, version=AlertStateRow.version + 1)
                .execution_options(synchronize_session=False)
            )
        version = self.session.execute(statement.returning(AlertStateRow.version)).scalar_one_or_none()
        if version is None:
            raise StoreConflict(
                Message("store.alert.state_changed", rule=state.rule, scope=state.scope_key, version=expected_version),
                hint=Message("store.conflict_hint"),
            )
        return replace(state, version=int(version))

    def record_evaluation(self, evaluation: Evaluation) -> Evaluation:
        """Keep an evaluation, and forget those of its rule and scope older than the last `KEPT_EVALUATIONS`."""
        row = AlertEvaluationRow(
            rule=evaluation.rule,
            scope_key=evaluation.scope_key,
            period=evaluation.period,
            at=utc(evaluation.at),
            outcome=evaluation.outcome.value,
            state=evaluation.state.value,
            reason_code=evaluation.reason_code,
            reason_values=None if evaluation.reason_values is None else json_value(evaluation.reason_values),
            value=evaluation.value,
        )
        self.session.add(row)
        self.session.flush()
        same = (AlertEvaluationRow.rule == evaluation.rule, AlertEvaluationRow.scope_key == evaluation.scope_key)
        kept = (
            select(AlertEvaluationRow.id)
            .where(*same)
            .order_by(AlertEvaluationRow.at.desc(), AlertEvaluationRow.id.desc())
            .limit(KEPT_EVALUATIONS)
        )
        # A subquery inside NOT IN: SQLite and PostgreSQL both take a LIMIT there (MySQL would not).
        self.session.execute(
            delete(AlertEvaluationRow)
            .where(*same, AlertEvaluationRow.id.not_in(kept.scalar_subquery()))
            .execution_options(synchronize_session=False)
        )
        return _evaluation(row)

    def evaluations(self, rule: str, scope_key: str, limit: int = KEPT_EVALUATIONS) -> tuple[Evaluation, ...]:
        """The last `limit` evaluations of a rule in a scope, newest first."""
        query = (
            select(AlertEvaluationRow)
            .where(AlertEvaluationRow.rule == rule, AlertEvaluationRow.scope_key == scope_key)
            .order_by(AlertEvaluationRow.at.desc(), AlertEvaluationRow.id.desc())
            .limit(limit)
        )
        return tuple(_evaluation(row) for row in self.session.scalars(query))


def _values(state: StoredState) -> dict[str, Any]:
    return {
        "rule": state.rule,
        "scope_key": state.scope_key,
        "scope": dict(state.scope),
        "state": state.state.value,
        "streak": state.streak,
        "empties": state.empties,
        "failures": state.failures,
        "episode": state.episode,
        "in_episode": state.in_episode,
        "recent": ",".join(level.value for level in state.recent),
        "flapping": state.flapping,
        "announced": state.announced.value,
        "evaluated_at": utc(state.evaluated_at),
    }


def _state(row: AlertStateRow) -> StoredState:
    return StoredState(
        rule=row.rule,
        scope={str(key): str(value) for key, value in row.scope.items()},
        state=AlertLevel(row.state),
        streak=row.streak,
        empties=row.empties,
        failures=row.failures,
        episode=row.episode,
        in_episode=row.in_episode,
        recent=tuple(AlertLevel(level) for level in row.recent.split(",") if level),
        flapping=row.flapping,
        announced=AlertLevel(row.announced),
        evaluated_at=row.evaluated_at,
        version=row.version,
    )


def _evaluation(row: AlertEvaluationRow) -> Evaluation:
    return Evaluation(
        id=row.id,
        rule=row.rule,
        scope_key=row.scope_key,
        period=row.period,
        at=row.at,
        outcome=EvaluationOutcome(row.outcome),
        state=AlertLevel(row.state),
        reason_code=row.reason_code,
        reason_values=None if row.reason_values is None else dict(row.reason_values),
        value=row.value,
    )
