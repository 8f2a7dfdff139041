"""The KPI catalogue: standard KPIs over the standard data model, explained in four languages.

`kpis.yaml` holds catalogue sources (data-model tables with shared measures) and KPIs; `texts/<language>.yaml`
holds their explanations. `load_catalogue()` reads both into frozen values, with lookups by name and category.
Mapping standard names onto the user's is in `mapping`; copying KPIs into a workspace is `add.add_to_workspace()`.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any

from pydantic import ValidationError
from ruamel.yaml import YAML

from kpilot.definitions.base import Identifier
from kpilot.definitions.model import Kpi, Source
from kpilot.errors import InternalError, KpilotError, UserError
from kpilot.formula.check import names_in
from kpilot.formula.parser import parse
from kpilot.i18n import Message

LANGUAGES = ("en", "it", "pl", "zh")
TEXT_FIELDS = ("label", "what", "why", "how")
VARIANT_FIELD = "variants"
CATEGORIES = ("marketing", "sales", "service", "website", "finance", "hr", "operations")


class CatalogueError(UserError):
    """A catalogue request cannot be served: unknown KPI, bad mapping, missing data, name clash."""


# ---------------------------------------------------------------------------------------------------- values


@dataclass(frozen=True)
class KpiText:
    """A KPI explained in one language; `variants` only for KPIs that have alternative definitions."""

    label: str
    what: str
    why: str
    how: str
    variants: str | None = None


class _Entry(Kpi):
    """A KPI as written in kpis.yaml: a workspace KPI plus catalogue-only fields."""

    variant_of: Identifier | None = None
    breakdown: Identifier | None = None


@dataclass(frozen=True)
class CatalogueKpi:
    """One catalogue KPI: its definition, texts, and what its formula refers to directly."""

    definition: Kpi
    texts: Mapping[str, KpiText]
    measures: tuple[tuple[str, str], ...]  # (source, measure) named in the formula
    uses: tuple[str, ...]  # other KPIs named in the formula
    variant_of: str | None = None
    variants: tuple[str, ...] = ()
    breakdown: str | None = None

    @property
    def name(self) -> str:
        return self.definition.name

    @property
    def formula(self) -> str:
        return self.definition.formula

    @property
    def category(self) -> str:
        return self.definition.category or ""

    @property
    def unit(self) -> str:
        return self.definition.unit.value

    @property
    def direction(self) -> str:
        return self.definition.direction.value

    def text(self, language: str = "en") -> KpiText:
        if language not in self.texts:
            raise CatalogueError(
                Message("catalogue.unknown_language", language=language),
                hint=Message("catalogue.use_one_of", allowed=LANGUAGES),
                field="language",
                suggestions=LANGUAGES,
            )
        return self.texts[language]


@dataclass(frozen=True)
class Catalogue:
    """Every catalogue source and KPI, in file order."""

    sources: tuple[Source, ...]
    entries: tuple[CatalogueKpi, ...]
    _by_name: Mapping[str, CatalogueKpi] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_name", MappingProxyType({e.name: e for e in self.entries}))

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self._by_name)

    def kpi(self, name: str) -> CatalogueKpi:
        entry = self._by_name.get(name)
        if entry is None:
            close = tuple(difflib.get_close_matches(name, list(self._by_name), n=1, cutoff=0.6))
            hint = Message("catalogue.did_you_mean", name=close[0]) if close else Message("catalogue.see_list_hint")
            raise CatalogueError(Message("catalogue.no_such_kpi", kpi=name), hint=hint, field="kpi", suggestions=close)
        return entry

    def kpis(self, category: str | None = None) -> tuple[CatalogueKpi, ...]:
        if category is not None and category not in CATEGORIES:
            raise CatalogueError(
                Message("catalogue.unknown_category", category=category),
                hint=Message("catalogue.use_one_of", allowed=CATEGORIES),
                field="category",
                suggestions=CATEGORIES,
            )
        return tuple(e for e in self.entries if category is None or e.category == category)

    def source(self, name: str) -> Source:
        found = next((s for s in self.sources if s.name == name), None)
        if found is None:
            raise InternalError(f"catalogue source '{name}' is not defined")
        return found

    def closure(self, names: Iterable[str]) -> tuple[CatalogueKpi, ...]:
        """The KPIs named plus every KPI their formulas use, in catalogue order."""
        wanted: set[str] = set()
        stack = [self.kpi(name).name for name in names]
        while stack:
            name = stack.pop()
            if name not in wanted:
                wanted.add(name)
                stack.extend(self.kpi(name).uses)
        return tuple(e for e in self.entries if e.name in wanted)


# ---------------------------------------------------------------------------------------------------- loading


@cache
def load_catalogue() -> Catalogue:
    """The catalogue shipped with kpilot (read once)."""
    package = resources.files("kpilot.catalogue")
    try:
        raw = _yaml_safe(package.joinpath("kpis.yaml").read_text(encoding="utf-8"))
        texts = {lang: _yaml_safe(package.joinpath(f"texts/{lang}.yaml").read_text("utf-8")) for lang in LANGUAGES}
        return build_catalogue(raw, texts)
    except (KpilotError, ValidationError, ValueError, OSError) as error:
        raise InternalError(f"the shipped KPI catalogue is invalid: {error}") from error


def build_catalogue(raw: Any, texts: Mapping[str, Any]) -> Catalogue:
    """Check and assemble catalogue data; raises ValueError (or pydantic's) naming the first problem."""
    sources = tuple(Source.model_validate(item) for item in raw["sources"])
    entries = [_Entry.model_validate(item) for item in raw["kpis"]]
    variants: dict[str, list[str]] = {}
    for entry in entries:
        if entry.variant_of is not None:
            variants.setdefault(entry.variant_of, []).append(entry.name)
    measures = {(s.name, m.name) for s in sources for m in s.measures}
    names = {e.name for e in entries}
    variant_names = {e.name for e in entries if e.variant_of is not None}
    result = []
    for entry in entries:
        refs, uses = formula_references(entry.formula)
        unknown = [f"measure {s}.{m}" for s, m in refs if (s, m) not in measures]
        unknown += [f"KPI {u}" for u in uses if u not in names]
        if unknown:
            raise ValueError(f"KPI '{entry.name}' refers to unknown {', '.join(unknown)}")
        if entry.variant_of is not None and (entry.variant_of not in names or entry.variant_of in variant_names):
            raise ValueError(f"KPI '{entry.name}': variant_of must name a main KPI that is not a variant")
        has_variants = entry.variant_of is not None or entry.name in variants
        result.append(
            CatalogueKpi(
                definition=Kpi.model_validate(entry.model_dump(exclude={"variant_of", "breakdown"})),
                texts=MappingProxyType({lang: _text(texts[lang], entry.name, has_variants) for lang in LANGUAGES}),
                measures=refs,
                uses=uses,
                variant_of=entry.variant_of,
                variants=tuple(variants.get(entry.name, ())),
                breakdown=entry.breakdown,
            )
        )
    return Catalogue(sources=sources, entries=tuple(result))


def _text(texts: Any, name: str, has_variants: bool) -> KpiText:
    item = texts.get(name) if isinstance(texts, dict) else None
    if not isinstance(item, dict):
        raise ValueError(f"no texts for KPI '{name}'")
    fields = [*TEXT_FIELDS, VARIANT_FIELD] if has_variants else list(TEXT_FIELDS)
    if set(item) != set(fields) or not all(isinstance(item[f], str) and item[f].strip() for f in fields):
        raise ValueError(f"texts of KPI '{name}' need exactly these non-empty fields: {', '.join(fields)}")
    return KpiText(**{key: str(value).strip() for key, value in item.items()})


def formula_references(formula: str) -> tuple[tuple[tuple[str, str], ...], tuple[str, ...]]:
    """(source, measure) pairs and KPI names used by a catalogue formula (measures are always qualified)."""
    measures: dict[tuple[str, str], None] = {}
    kpis: dict[str, None] = {}
    for node in names_in(parse(formula)):
        if len(node.parts) == 2:
            measures[(node.parts[0], node.parts[1])] = None
        else:
            kpis[node.dotted] = None
    return tuple(measures), tuple(kpis)


def _yaml_safe(text: str) -> Any:
    return YAML(typ="safe").load(text)
