"""The target editing form (`/kpis/{name}/targets`) as values: what the editor typed, kept as typed so that a
refused save or a preview gives the form back unchanged, and the target entry it stands for.

The entry is the REST API's (`PUT /api/v1/targets/{kpi}`): period, scope and the levels, nothing empty. A KPI with
`direction: range` is given `min` and `max`; any other commit, target and stretch."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from kpilot.definitions.model import Direction, Kpi
from kpilot.engine.scope import parse_scope
from kpilot.errors import UserError
from kpilot.goals.suggest.propose import Proposal
from kpilot.i18n import Message, Raw

LEVELS = ("commit", "target", "stretch")
BOUNDS = ("min", "max")
FIELDS = ("period", "scope", *LEVELS, *BOUNDS, "version")
FIELD_LENGTH = 200  # longer than any period, scope or number an editor types


@dataclass(frozen=True)
class TargetForm:
    period: str = ""
    scope: str = ""  # dimension=value, as `--scope`: "team=EMEA" or "team=EMEA,country=IT"
    commit: str = ""
    target: str = ""
    stretch: str = ""
    min: str = ""
    max: str = ""
    version: str = ""  # the targets' version the form was rendered from (services.targets.targets_version)

    @classmethod
    def of(cls, values: Mapping[str, Any]) -> TargetForm:
        """The form from a query string or a posted form: unknown fields ignored, every value kept as text."""
        return cls(**{name: str(values.get(name) or "").strip()[:FIELD_LENGTH] for name in FIELDS})

    @property
    def typed(self) -> bool:
        """Whether any level was typed (the form then shows those, not a suggestion's or the current target's)."""
        return any(getattr(self, name) for name in (*LEVELS, *BOUNDS))

    def scope_values(self) -> dict[str, str]:
        return parse_scope(self.scope) if self.scope else {}

    def with_levels(self, levels: Mapping[str, float | None]) -> TargetForm:
        return replace(self, **{name: _text(value) for name, value in levels.items()})

    def entry(self, kpi: Kpi) -> dict[str, Any]:
        """The target this form asks for, as the targets service takes it; a level that is not a number is refused
        with its field named (the service checks everything else: order of the levels, the period, conflicts)."""
        entry: dict[str, Any] = {"kpi": kpi.name, "period": self.period}
        scope = self.scope_values()
        if scope:
            entry["scope"] = scope
        names = BOUNDS if kpi.direction is Direction.RANGE else LEVELS
        if kpi.direction is Direction.RANGE:
            entry["type"] = "range"
        for name in names:
            number = _number(getattr(self, name), name)
            if number is not None:
                entry[name] = number
        return entry


def proposal_levels(proposal: Proposal, kpi: Kpi) -> dict[str, float | None]:
    """A suggestion's levels, under the form's field names."""
    if kpi.direction is Direction.RANGE:
        return {"min": proposal.minimum, "max": proposal.maximum}
    return {"commit": proposal.commit, "target": proposal.target, "stretch": proposal.stretch}


def _number(text: str, name: str) -> float | None:
    """A level as typed: digits with a point or a comma as the decimal mark, spaces and underscores between groups
    ("1 200,5" or "1200.5"), never both marks (which of them groups is a guess this form does not make)."""
    if not text:
        return None
    cleaned = text.replace(" ", "").replace("\u00a0", "").replace("_", "")
    if "," in cleaned and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    try:
        number = float(cleaned)
    except ValueError:
        number = math.nan
    if not math.isfinite(number):
        raise UserError(Message("web.targets.not_a_number", field=name, value=Raw(text)), field=name)
    return number


def _text(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else repr(float(value))
