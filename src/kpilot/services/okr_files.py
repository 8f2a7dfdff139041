"""Cycle files (docs/okrs.md#cycle-files): a cycle's OKRs as YAML, read into what services.okrs.import_cycle takes,
and written back out from the store, so that an export imported into a fresh store gives the same cycle.

Reading checks the file's shape and the rules that can be told from the file alone (five key results at most,
weights of zero or more, measures that can be scored, alignment keys that exist and make no cycle), every problem
with its file:line:col, all of them at once; the service checks every rule again when it writes. Numbers become
Decimals as they are written (`0.1` is exactly 1/10): the number's own text is read back from the file.

Export writes the objectives and key results as they were defined, never the check-ins: the file is the plan.
"""

from __future__ import annotations

import difflib
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, TypeVar

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.representer import RoundTripRepresenter

from kpilot.auth.actor import Actor
from kpilot.definitions.yaml_source import key_location, node_location, read_yaml
from kpilot.errors import DataError, Issue, Location, ValidationFailed
from kpilot.i18n import Message, Raw
from kpilot.okr.alignment import Link, cycle_through
from kpilot.okr.errors import OkrNotFound, OkrRefused
from kpilot.okr.kinds import CycleState, Direction, KeyResultKind, Level, OwnerKind, Rollup
from kpilot.okr.numbers import exact
from kpilot.okr.scoring import Grading, Measure
from kpilot.services.okrs import (
    MAX_KEY_RESULTS,
    AlignTo,
    CycleImport,
    CycleSpec,
    ImportedObjective,
    NewKeyResult,
    NewObjective,
    cycles,
    import_cycle,
)
from kpilot.store.okrs import CycleContent, KeyResult, Objective, Okrs
from kpilot.store.organisation import read_organisation
from kpilot.store.session import Store
from kpilot.workspace import Workspace

CYCLE_KEYS = ("cycle", "period", "starts_on", "ends_on", "state", "rollup", "grading", "objectives")
GRADING_KEYS = ("green", "yellow")
OBJECTIVE_KEYS = ("key", "title", "level", "owner", "description", "aligned_to", "key_results")
OWNER_KEYS = tuple(kind.value for kind in OwnerKind)
LINK_KEYS = ("objective", "key_result", "weight")
KEY_RESULT_KEYS = (
    "title", "kind", "kpi", "scope", "direction", "baseline", "target", "stretch", "upper", "unit", "weight",
    "milestones",
)  # fmt: skip
MEASURE_KEYS = ("direction", "baseline", "target", "stretch", "upper")
FILE_STATES = (CycleState.DRAFT, CycleState.OPEN)  # a file makes a cycle; a cycle is never made closed
# A number as YAML writes it (what ruamel read as an int or a float), to take its digits from the file itself.
_NUMBER_TEXT = re.compile(r"[-+]?(?:\d[\d_]*)?(?:\.[\d_]*)?(?:[eE][-+]?\d+)?")
_SLUG = re.compile(r"[^a-z0-9]+")
E = TypeVar("E", KeyResultKind, Direction, Level, Rollup, CycleState)
_FileLink = tuple[str, int | None, Decimal, Location]  # parent key, key result position (or None), weight, place


@dataclass(frozen=True)
class CycleFile:
    """A cycle file as read: the cycle and its objectives, for services.okrs.import_cycle."""

    spec: CycleSpec
    objectives: tuple[ImportedObjective, ...]


def read_cycle_file(path: Path, shown: str | None = None) -> CycleFile:
    """The cycle file at `path` (`shown` names it in messages), or ValidationFailed listing every problem."""
    display = shown or str(path)
    if not path.is_file():
        raise DataError(Message("services.no_such_file", file=display), hint=Message("services.no_such_file_hint"))
    document = read_yaml(path, display)
    if isinstance(document, Issue):
        raise ValidationFailed([document])
    reader = _Reader(display, path.read_text(encoding="utf-8-sig").splitlines())
    found = reader.cycle_file(document.root)
    if reader.issues or found is None:
        raise ValidationFailed(reader.issues)
    return found


# --- reading ----------------------------------------------------------------------------------------------------
class _Reader:
    """Walks the YAML tree, collecting problems (with their places) instead of stopping at the first."""

    def __init__(self, shown: str, lines: Sequence[str]) -> None:
        self.shown = shown
        self.lines = lines
        self.issues: list[Issue] = []
        self.link_places: dict[str, list[Location]] = {}  # where each objective's links to keys are, in order

    def problem(
        self,
        message: Message,
        where: Location,
        *,
        hint: Message | None = None,
        field: str | None = None,
        suggestions: tuple[str, ...] = (),
    ) -> None:
        self.issues.append(Issue(message, where, hint=hint, field=field, suggestions=suggestions))

    def at(self, node: Any, key: str | int | None = None) -> Location:
        return node_location(self.shown, node, key)

    def cycle_file(self, top: Any) -> CycleFile | None:
        if not isinstance(top, CommentedMap):
            self.problem(Message("okr.file_not_mapping"), self.at(top) if top is not None else Location(self.shown))
            return None
        self.known_keys(top, CYCLE_KEYS, "")
        name = self.text(top, "cycle", "cycle", required=True)
        period = self.period(top)
        starts_on, ends_on = self.day(top, "starts_on"), self.day(top, "ends_on")
        state = self.choice(top, "state", "state", FILE_STATES) or CycleState.OPEN
        rollup = self.choice(top, "rollup", "rollup", tuple(Rollup)) or Rollup.WEIGHTED_MEAN
        grading = self.grading(top)
        items = self.objectives(top)
        if name is None:
            return None
        spec = CycleSpec(name, period, starts_on, ends_on, rollup, grading, state)
        return CycleFile(spec, tuple(items))

    # --- the cycle ------------------------------------------------------------------------------------------
    def period(self, top: CommentedMap) -> str | None:
        value = top.get("period")
        if value is None:
            return None
        if isinstance(value, int) and not isinstance(value, bool):  # `period: 2026` reads as a number
            return str(value)
        if not isinstance(value, str) or not value.strip():
            self.problem(Message("okr.file_not_text", field="period"), self.at(top, "period"), field="period")
            return None
        return value.strip()

    def day(self, top: CommentedMap, key: str) -> date | None:
        value = top.get(key)
        if value is None:
            return None
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value.strip())
            except ValueError:
                pass
        self.problem(Message("okr.file_not_date", field=key, value=Raw(repr(value))), self.at(top, key), field=key)
        return None

    def grading(self, top: CommentedMap) -> Grading:
        node = top.get("grading")
        if node is None:
            return Grading()
        if not isinstance(node, CommentedMap):
            self.problem(Message("okr.file_not_mapping_of", field="grading"), self.at(top, "grading"), field="grading")
            return Grading()
        self.known_keys(node, GRADING_KEYS, "grading.")
        green, yellow = (self.number(node, key, f"grading.{key}") for key in GRADING_KEYS)
        default = Grading()
        grading = Grading(
            default.green if green is None else exact(green), default.yellow if yellow is None else exact(yellow)
        )
        for _, problem in grading.problems():
            self.problem(problem, self.at(top, "grading"), field="grading")
        return grading

    # --- objectives -----------------------------------------------------------------------------------------
    def objectives(self, top: CommentedMap) -> list[ImportedObjective]:
        entries = self.items(top, "objectives", "objectives")
        found: list[ImportedObjective] = []
        keys: list[str] = []
        for index, entry in entries:
            where = f"objectives[{index}]"
            key = self.text(entry, "key", f"{where}.key") or str(index + 1)
            if key in keys:
                self.problem(Message("okr.duplicate_key", key=key), self.at(entry, "key"), field=f"{where}.key")
            keys.append(key)
            item = self.objective(entry, where, key)
            if item is not None:
                found.append(item)
        self.check_alignment(found, keys)
        return found

    def objective(self, entry: CommentedMap, where: str, key: str) -> ImportedObjective | None:
        self.known_keys(entry, OBJECTIVE_KEYS, f"{where}.")
        title = self.text(entry, "title", f"{where}.title", required=True)
        level = self.choice(entry, "level", f"{where}.level", tuple(Level), required=True)
        owner = self.owner(entry, where)
        description = self.text(entry, "description", f"{where}.description") or ""
        links, outside = self.links(entry, where)
        key_results = self.key_results(entry, where, title or key)
        if title is None or level is None or owner is None or key_results is None:
            return None
        objective = NewObjective(title, level, owner[0], owner[1], description, tuple(outside), tuple(key_results))
        self.link_places[key] = [place for *_, place in links]
        return ImportedObjective(key, objective, tuple((parent, kr, weight) for parent, kr, weight, _ in links))

    def owner(self, entry: CommentedMap, where: str) -> tuple[OwnerKind, str] | None:
        node = entry.get("owner")
        field = f"{where}.owner"
        if node is None:
            self.problem(Message("okr.file_missing_key", key="owner"), self.at(entry), field=field)
            return None
        if not isinstance(node, CommentedMap) or len(node) != 1 or str(next(iter(node))) not in OWNER_KEYS:
            self.problem(Message("okr.file_owner"), self.at(entry, "owner"), field=field, suggestions=OWNER_KEYS)
            return None
        kind = str(next(iter(node)))
        name = self.text(node, kind, f"{field}.{kind}", required=True)
        return None if name is None else (OwnerKind(kind), name)

    def links(self, entry: CommentedMap, where: str) -> tuple[list[_FileLink], list[AlignTo]]:
        """The objective's links: to objectives of the file by key (`grow`, `grow/2`), and to objectives outside
        it by their id (a number: an objective of another cycle, a yearly one above quarterly ones)."""
        inside: list[_FileLink] = []
        outside: list[AlignTo] = []
        for index, link in self.items(entry, "aligned_to", f"{where}.aligned_to"):
            field = f"{where}.aligned_to[{index}]"
            self.known_keys(link, LINK_KEYS, f"{field}.")
            weight = self.weight(link, f"{field}.weight")
            named = [key for key in ("objective", "key_result") if key in link]
            if len(named) != 1:
                self.problem(Message("okr.align_one_parent"), self.at(link), field=field)
                continue
            kind = named[0]
            value = link[kind]
            if isinstance(value, int) and not isinstance(value, bool):
                outside.append(AlignTo(value, None, weight) if kind == "objective" else AlignTo(None, value, weight))
                continue
            if not isinstance(value, str) or not value.strip():
                self.problem(Message("okr.file_not_text", field=kind), self.at(link, kind), field=field)
                continue
            place = self.at(link, kind)
            if kind == "objective":
                inside.append((value.strip(), None, weight, place))
                continue
            parent, _, position = value.strip().rpartition("/")
            if not parent or not position.isdigit() or int(position) < 1:
                self.problem(Message("okr.file_key_result_ref", value=value), place, field=field)
                continue
            inside.append((parent, int(position), weight, place))
        return inside, outside

    def check_alignment(self, found: Sequence[ImportedObjective], keys: Sequence[str]) -> None:
        """Links to keys the file lacks (or to a key result its objective lacks), and links that make a cycle:
        the rules services.okrs checks too, told here at their place in the file."""
        numbers = {key: number for number, key in enumerate(keys)}
        counts = {item.key: len(item.objective.key_results) for item in found}
        key_results: dict[tuple[str, int], int] = {}  # a number for each key result linked to
        owners: dict[int, int] = {}
        links: list[Link] = []
        for item in found:
            for (parent, position, weight), place in zip(item.aligned_to, self.link_places[item.key], strict=True):
                shown = parent if position is None else f"{parent}/{position}"
                if parent not in numbers or (position is not None and position > counts.get(parent, MAX_KEY_RESULTS)):
                    close = tuple(difflib.get_close_matches(parent, keys, n=3))
                    self.problem(Message("okr.unknown_key", key=shown), place, field="aligned_to", suggestions=close)
                    continue
                if position is None:
                    adding = Link(numbers[item.key], numbers[parent], None, exact(weight))
                else:
                    kr = key_results.setdefault((parent, position), len(key_results))
                    owners[kr] = numbers[parent]
                    adding = Link(numbers[item.key], None, kr, exact(weight))
                loop = cycle_through(links, owners, adding)
                if loop is not None:
                    path = " → ".join(keys[number] for number in loop)
                    self.problem(
                        Message("okr.alignment_cycle", path=path),
                        place,
                        hint=Message("okr.alignment_cycle_hint"),
                        field="aligned_to",
                    )
                    continue
                links.append(adding)

    # --- key results ----------------------------------------------------------------------------------------
    def key_results(self, entry: CommentedMap, where: str, title: str) -> list[NewKeyResult] | None:
        entries = self.items(entry, "key_results", f"{where}.key_results")
        if len(entries) > MAX_KEY_RESULTS:
            self.problem(
                Message("okr.too_many_key_results", title=title, count=len(entries), most=MAX_KEY_RESULTS),
                self.at(entry["key_results"], MAX_KEY_RESULTS),
                hint=Message("okr.too_many_key_results_hint"), field=f"{where}.key_results",
            )  # fmt: skip
        found = [self.key_result(node, f"{where}.key_results[{index}]") for index, node in entries]
        return None if any(kr is None for kr in found) else [kr for kr in found if kr is not None]

    def key_result(self, node: CommentedMap, where: str) -> NewKeyResult | None:
        before = len(self.issues)
        self.known_keys(node, KEY_RESULT_KEYS, f"{where}.")
        title = self.text(node, "title", f"{where}.title", required=True)
        kpi = self.text(node, "kpi", f"{where}.kpi")
        kind = self.choice(node, "kind", f"{where}.kind", tuple(KeyResultKind))
        if kind is None and "kind" not in node:
            if kpi is not None:
                kind = KeyResultKind.KPI
            else:
                self.problem(
                    Message("okr.file_kind_missing"),
                    self.at(node),
                    field=f"{where}.kind",
                    suggestions=tuple(k.value for k in KeyResultKind),
                )
        direction = self.choice(node, "direction", f"{where}.direction", tuple(Direction))
        numbers = {key: self.number(node, key, f"{where}.{key}") for key in ("baseline", "target", "stretch", "upper")}
        weight = self.weight(node, f"{where}.weight")
        scope = self.scope(node, f"{where}.scope")
        unit = self.text(node, "unit", f"{where}.unit")
        milestones = self.milestones(node, f"{where}.milestones")
        if kind in (KeyResultKind.KPI, KeyResultKind.NUMBER) and len(self.issues) == before:
            self.measure(node, where, kind, direction, numbers)
        if len(self.issues) > before or title is None or kind is None:
            return None
        return NewKeyResult(
            title, kind, kpi=kpi, scope=scope, direction=direction, baseline=numbers["baseline"],
            target=numbers["target"], stretch=numbers["stretch"], upper=numbers["upper"], unit=unit, weight=weight,
            milestones=milestones,
        )  # fmt: skip

    def measure(
        self,
        node: CommentedMap,
        where: str,
        kind: KeyResultKind,
        direction: Direction | None,
        numbers: Mapping[str, Decimal | None],
    ) -> None:
        baseline, target = numbers["baseline"], numbers["target"]
        if direction is None or baseline is None or target is None:
            missing = next(
                key for key, value in zip(MEASURE_KEYS, (direction, baseline, target), strict=False) if value is None
            )
            self.problem(Message("okr.measure_missing", kind=kind.value), self.at(node), field=f"{where}.{missing}")
            return
        measure = Measure.of(direction, baseline, target, numbers["stretch"], numbers["upper"])
        for name, problem in measure.problems():
            self.problem(problem, self.at(node, name if name in node else None), field=f"{where}.{name}")

    def scope(self, node: CommentedMap, field: str) -> dict[str, str] | None:
        value = node.get("scope")
        if value is None:
            return None
        if not isinstance(value, CommentedMap) or not all(
            isinstance(v, str | int) and not isinstance(v, bool) for v in value.values()
        ):
            self.problem(Message("okr.file_scope"), self.at(node, "scope"), field=field)
            return None
        return {str(key): str(item) for key, item in value.items()}

    def milestones(self, node: CommentedMap, field: str) -> tuple[str, ...]:
        value = node.get("milestones")
        if value is None:
            return ()
        if not isinstance(value, CommentedSeq) or not all(isinstance(item, str) and item.strip() for item in value):
            self.problem(Message("okr.file_milestones"), self.at(node, "milestones"), field=field)
            return ()
        return tuple(str(item).strip() for item in value)

    def weight(self, node: CommentedMap, field: str) -> Decimal:
        weight = self.number(node, "weight", field)
        if weight is None:
            return Decimal(1)
        if weight < 0:
            self.problem(Message("okr.weight_negative", weight=str(weight)), self.at(node, "weight"), field=field)
        return weight

    # --- values ---------------------------------------------------------------------------------------------
    def known_keys(self, node: CommentedMap, known: tuple[str, ...], prefix: str) -> None:
        for key in node:
            if str(key) in known:
                continue
            close = difflib.get_close_matches(str(key), known, n=1)
            hint = (
                Message("okr.file_did_you_mean", name=close[0])
                if close
                else Message("okr.file_known_keys", keys=tuple(known))
            )
            self.problem(
                Message("okr.file_unknown_key", key=str(key)),
                key_location(self.shown, node, str(key)),
                hint=hint,
                field=f"{prefix}{key}",
                suggestions=tuple(close) or known,
            )

    def items(self, node: CommentedMap, key: str, field: str) -> list[tuple[int, CommentedMap]]:
        value = node.get(key)
        if value is None:
            return []
        if not isinstance(value, CommentedSeq):
            self.problem(Message("okr.file_not_list", field=key), self.at(node, key), field=field)
            return []
        found = []
        for index, item in enumerate(value):
            if isinstance(item, CommentedMap):
                found.append((index, item))
            else:
                self.problem(
                    Message("okr.file_not_mapping_of", field=f"{key}[{index}]"),
                    self.at(value, index),
                    field=f"{field}[{index}]",
                )
        return found

    def text(self, node: CommentedMap, key: str, field: str, *, required: bool = False) -> str | None:
        value = node.get(key)
        if value is None:
            if required:
                self.problem(Message("okr.file_missing_key", key=key), self.at(node), field=field)
            return None
        if not isinstance(value, str) or not value.strip():
            self.problem(Message("okr.file_not_text", field=key), self.at(node, key), field=field)
            return None
        return value.strip()

    def choice(
        self, node: CommentedMap, key: str, field: str, allowed: tuple[E, ...], *, required: bool = False
    ) -> E | None:
        value = node.get(key)
        if value is None:
            if required:
                self.problem(Message("okr.file_missing_key", key=key), self.at(node), field=field)
            return None
        for choice in allowed:
            if isinstance(value, str) and value.strip() == choice.value:
                return choice
        names = tuple(choice.value for choice in allowed)
        self.problem(
            Message("okr.file_invalid_choice", field=key, value=Raw(repr(value)), choices=names),
            self.at(node, key),
            field=field,
            suggestions=names,
        )
        return None

    def number(self, node: CommentedMap, key: str, field: str) -> Decimal | None:
        """The number as written: an int exactly, a float by its own digits in the file (0.1 is 1/10)."""
        value = node.get(key)
        if value is None:
            return None
        found: Decimal | None = None
        if isinstance(value, int) and not isinstance(value, bool):
            found = Decimal(value)
        elif isinstance(value, float):
            found = self.written(node, key, value)
        elif isinstance(value, str):
            try:
                found = Decimal(value.strip())
            except InvalidOperation:
                found = None
        if found is None or not found.is_finite():
            self.problem(
                Message("okr.file_not_number", field=key, value=Raw(repr(value))), self.at(node, key), field=field
            )
            return None
        return found

    def written(self, node: CommentedMap, key: str, value: float) -> Decimal | None:
        """A float's own text in the file, as a Decimal (its shortest repr when the text cannot be found)."""
        if value != value or value in (float("inf"), float("-inf")):
            return None
        where = self.at(node, key)
        if where.line is not None and where.col is not None and where.line <= len(self.lines):
            match = _NUMBER_TEXT.match(self.lines[where.line - 1], where.col - 1)
            if match and match.group(0):
                try:
                    spelled = Decimal(match.group(0).replace("_", ""))
                except InvalidOperation:
                    spelled = None
                if spelled is not None and float(spelled) == value:
                    return spelled
        return Decimal(repr(value))


# --- writing ----------------------------------------------------------------------------------------------------
def export_cycle(store: Store, actor: Actor, workspace: Workspace, name: str) -> str:
    """The cycle's OKRs as a cycle file: what `read_cycle_file` reads back into the same cycle."""
    known = {cycle.name: cycle for cycle in cycles(store, actor, workspace)}  # checks that `actor` reads OKRs
    if name.strip() not in known:
        names = tuple(known)[-10:]
        raise OkrNotFound(Message("okr.unknown_cycle", name=name), field="cycle", suggestions=names)
    with store.reading() as session:
        content = Okrs(session).content(known[name.strip()].id)
        organisation = read_organisation(session)
        people = {person.id: person.email for person in organisation.people}
        teams = {team.id: team.name for team in organisation.teams}
    return cycle_file_text(content, people, teams)


def cycle_file_text(content: CycleContent, people: Mapping[int, str], teams: Mapping[int, str]) -> str:
    """The YAML of a cycle's content; `people` and `teams` name the owners (e-mail addresses, team names)."""
    cycle = content.cycle
    top = CommentedMap()
    top["cycle"] = cycle.name
    if cycle.period is not None:
        top["period"] = cycle.period
    else:
        top["starts_on"] = cycle.starts_on
        top["ends_on"] = cycle.ends_on - timedelta(days=1)  # the last day, as people write it
    top["state"] = CycleState.DRAFT.value if cycle.state == CycleState.DRAFT.value else CycleState.OPEN.value
    top["rollup"] = cycle.rollup
    grading = CommentedMap(green=cycle.green, yellow=cycle.yellow)
    grading.fa.set_flow_style()
    top["grading"] = grading
    keys = _keys(content.objectives)
    by_id = {objective.id: objective for objective in content.objectives}
    key_results = {kr.id: kr for kr in content.key_results}
    objectives = CommentedSeq()
    for objective in content.objectives:
        entry = CommentedMap()
        entry["key"] = keys[objective.id]
        entry["title"] = objective.title
        entry["level"] = objective.level
        owner = CommentedMap()
        if objective.owner_person_id is not None:
            owner["person"] = people.get(objective.owner_person_id, "")
        else:
            owner["team"] = teams.get(objective.owner_team_id or -1, "")
        owner.fa.set_flow_style()
        entry["owner"] = owner
        if objective.description:
            entry["description"] = objective.description
        links = [_link(a, keys, by_id, key_results) for a in content.alignments if a.child_id == objective.id]
        if links:
            entry["aligned_to"] = _flow_list(links)
        mine = [kr for kr in content.key_results if kr.objective_id == objective.id]
        milestones = {kr.id: [m.title for m in content.milestones if m.key_result_id == kr.id] for kr in mine}
        if mine:
            entry["key_results"] = _flow_list(_key_result(kr, milestones[kr.id]) for kr in mine)
        objectives.append(entry)
    top["objectives"] = objectives
    stream = io.StringIO()
    _writer().dump(top, stream)
    return stream.getvalue()


def _keys(objectives: Iterable[Objective]) -> dict[int, str]:
    """A key for each objective, from its title (`grow-revenue-in-emea`), unique in the file."""
    found: dict[int, str] = {}
    for number, objective in enumerate(objectives, start=1):
        base = _SLUG.sub("-", objective.title.lower()).strip("-")[:40].strip("-") or f"objective-{number}"
        key, suffix = base, 2
        while key in found.values():
            key, suffix = f"{base}-{suffix}", suffix + 1
        found[objective.id] = key
    return found


def _link(
    alignment: Any, keys: Mapping[int, str], objectives: Mapping[int, Objective], key_results: Mapping[int, KeyResult]
) -> CommentedMap:
    """A link by key when its parent is in the cycle, else by the parent's id (an objective of another cycle)."""
    link = CommentedMap()
    if alignment.parent_objective_id is not None:
        parent = alignment.parent_objective_id
        link["objective"] = keys[parent] if parent in objectives else parent
    else:
        kr = key_results.get(alignment.parent_key_result_id)
        link["key_result"] = (
            f"{keys[kr.objective_id]}/{kr.position}" if kr is not None else alignment.parent_key_result_id
        )
    if alignment.weight != 1:
        link["weight"] = alignment.weight
    return link


def _key_result(kr: KeyResult, milestones: Sequence[str]) -> CommentedMap:
    entry = CommentedMap()
    entry["title"] = kr.title
    kind = KeyResultKind(kr.kind)
    if kind is not KeyResultKind.KPI:
        entry["kind"] = kind.value
    if kr.kpi is not None:
        entry["kpi"] = kr.kpi
    if kr.scope:
        scope = CommentedMap(sorted(kr.scope.items()))
        scope.fa.set_flow_style()
        entry["scope"] = scope
    for name in MEASURE_KEYS:
        value = getattr(kr, name)
        if value is not None:
            entry[name] = value
    if kr.unit is not None:
        entry["unit"] = kr.unit
    if kr.weight != 1:
        entry["weight"] = kr.weight
    if kind is KeyResultKind.MILESTONES or (kind is KeyResultKind.MILESTONE and list(milestones) != [kr.title]):
        titles = CommentedSeq(milestones)
        titles.fa.set_flow_style()
        entry["milestones"] = titles
    return entry


def _flow_list(items: Iterable[CommentedMap]) -> CommentedSeq:
    """A list of mappings each on one line (`- {title: ..., target: 300}`), as people write key results."""
    found = CommentedSeq()
    for item in items:
        item.fa.set_flow_style()
        found.append(item)
    return found


def _decimal(representer: RoundTripRepresenter, value: Decimal) -> Any:
    """A Decimal as the number it is, every digit kept (never through a binary float)."""
    if value == value.to_integral_value():
        return representer.represent_int(int(value))
    return representer.represent_scalar("tag:yaml.org,2002:float", format(value.normalize(), "f"))


def _writer() -> YAML:
    yaml = YAML(typ="rt")
    yaml.width = 4096  # a key result on one line, however long its title
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.representer.add_representer(Decimal, _decimal)
    return yaml


def import_cycle_file(
    store: Store, actor: Actor, workspace: Workspace, path: Path, *, now: datetime, shown: str | None = None
) -> CycleImport:
    """A cycle file imported in one transaction (services.okrs.import_cycle): all of it, or nothing. A rule the
    service refuses is reported at the file (the file's own checks give line and column for those they know)."""
    found = read_cycle_file(path, shown)
    try:
        return import_cycle(store, actor, workspace, found.spec, found.objectives, now=now)
    except OkrRefused as error:
        if error.location is None:
            error.location = Location(shown or str(path))
        raise


def objective_counts(store: Store, actor: Actor, workspace: Workspace) -> dict[int, int]:
    """How many objectives each cycle has, by the cycle's id (for lists of cycles, without scoring them)."""
    found = cycles(store, actor, workspace)  # checks that `actor` reads OKRs
    with store.reading() as session:
        okrs = Okrs(session)
        return {cycle.id: len(okrs.content(cycle.id).objectives) for cycle in found}
