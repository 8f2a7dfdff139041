"""What a KPI page shows, as its URL says it: `/kpis/revenue?period=2025-02&grain=quarter&region=EMEA&channel=web`.

The URL is the whole state (so that a page can be shared as a link, and reloading it shows the same thing): the
period (`period`, a name as `kpilot scorecard --period` takes it), the grain when no period is named (`grain`) and a
filter for each dimension (`dimension=value`). Every other query parameter is a filter too, so that a mistyped
dimension is told as such, never silently ignored; `lang` is the page's language (server.language)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from kpilot.definitions.model import Dimension
from kpilot.engine.periods import Grain
from kpilot.i18n import Message

# The query parameters that are not filters, and the grains the page offers (those a period name can name).
PERIOD, GRAIN, LANGUAGE = "period", "grain", "lang"
RESERVED = (PERIOD, GRAIN, LANGUAGE)
GRAINS = (Grain.MONTH, Grain.QUARTER, Grain.YEAR)
PERIOD_PATTERN = re.compile(
    r"^(current|last|[0-9]{4}(-Q[1-4]|-W(0[1-9]|[1-4][0-9]|5[0-3])|-(0[1-9]|1[0-2]))?)$", re.IGNORECASE
)


@dataclass(frozen=True)
class PageState:
    """The page's state as asked: `filters` in the order of the URL (the chips' order)."""

    kpi: str
    period: str | None = None
    grain: Grain = Grain.MONTH
    filters: tuple[tuple[str, str], ...] = ()
    problems: tuple[Message, ...] = ()  # what of the URL could not be used (shown on the page, never a failure)

    @property
    def scope(self) -> dict[str, str]:
        return dict(self.filters)

    def link(self, *, set_filter: tuple[str, str] | None = None, drop: str | None = None) -> str:
        """This page's URL with one filter set (`(dimension, value)`) or dropped (`drop`), the rest kept."""
        filters = dict(self.filters)
        if set_filter is not None:
            filters[set_filter[0]] = set_filter[1]
        if drop is not None:
            filters.pop(drop, None)
        return self._url(self.period, self.grain, filters)

    def at(self, period: str) -> str:
        """This page's URL for another period (its name: 2025-02, 2025-Q1, 2025), the filters kept."""
        return self._url(period, self.grain, dict(self.filters))

    def in_grain(self, grain: Grain) -> str:
        """This page's URL at another grain: the latest complete period of it, the filters kept."""
        return self._url(None, grain, dict(self.filters))

    def _url(self, period: str | None, grain: Grain, filters: Mapping[str, str]) -> str:
        """Links never carry `lang`: the reader's choice of language stays theirs. A named period says its grain."""
        items: list[tuple[str, str]] = [(PERIOD, period)] if period is not None else []
        if period is None and grain is not Grain.MONTH:
            items.append((GRAIN, grain.value))
        items.extend(filters.items())
        query = urlencode(items)
        return f"/kpis/{quote(self.kpi)}" + (f"?{query}" if query else "")

    def without(self, dimensions: Sequence[str], problems: Sequence[Message] = ()) -> PageState:
        """The state with the filters of `dimensions` left out (they cannot be applied), and why."""
        kept = tuple((key, value) for key, value in self.filters if key not in dimensions)
        return PageState(self.kpi, self.period, self.grain, kept, (*self.problems, *problems))


def read_state(kpi: str, pairs: Sequence[tuple[str, str]], dimensions: Mapping[str, Dimension]) -> PageState:
    """The state a URL asks for, with what cannot be used left out and told: an unknown dimension, a dimension named
    twice, a period or grain that is not one (the page then shows its default)."""
    problems: list[Message] = []
    period: str | None = None
    grain = Grain.MONTH
    filters: dict[str, str] = {}
    seen: set[str] = set()
    known = tuple(dimensions)
    for key, value in pairs:
        if key == LANGUAGE:
            continue
        if key == PERIOD:
            if PERIOD_PATTERN.match(value.strip()):
                period = value.strip().upper() if "q" in value.lower() else value.strip().lower()
            else:
                problems.append(Message("web.kpi.problem.period", period=value))
        elif key == GRAIN:
            chosen = next((g for g in GRAINS if g.value == value.strip().lower()), None)
            if chosen is None:
                problems.append(Message("web.kpi.problem.grain", grain=value, grains=tuple(g.value for g in GRAINS)))
            else:
                grain = chosen
        elif key not in dimensions:
            problems.append(_unknown_dimension(key, known))
        elif key in seen:
            problems.append(Message("web.kpi.problem.twice", dimension=key))
        elif not value.strip():
            problems.append(Message("web.kpi.problem.empty_value", dimension=key))
        else:
            seen.add(key)
            filters[key] = value.strip()
    return PageState(kpi, period, grain, tuple(filters.items()), tuple(problems))


def _unknown_dimension(name: str, known: tuple[str, ...]) -> Message:
    if not known:
        return Message("web.kpi.problem.no_dimensions", dimension=name)
    return Message("web.kpi.problem.dimension", dimension=name, dimensions=known)
