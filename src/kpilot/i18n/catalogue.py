"""The message catalogues: `messages/*.yaml`, one file per area, each code with its text in every language.

    query.unknown_kpi:
      en: "unknown KPI '{kpi}'"
      it: "KPI sconosciuto '{kpi}'"
      ...

A text names its values in braces (`{kpi}`; `{{` and `}}` are literal braces). A text that depends on a number is
a mapping of CLDR plural categories chosen by the value `count`: `{one: "1 problem", other: "{count} problems"}`
(Polish also has `few` and `many`). Data files rather than gettext: every language of a code sits next to the
English one, so a reviewer sees a missing or stale translation in the same diff (docs/i18n.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import TypeAlias

from ruamel.yaml import YAML

from kpilot.i18n.languages import Language

Text: TypeAlias = str | Mapping[str, str]
Entry: TypeAlias = Mapping[Language, Text]


class CatalogueBroken(RuntimeError):
    """A catalogue file kpilot ships is malformed: a bug in kpilot, caught by the catalogue tests."""


@cache
def catalogue() -> Mapping[str, Entry]:
    """Every code, from every file under `kpilot/i18n/messages/`, read once."""
    entries: dict[str, Entry] = {}
    origin: dict[str, str] = {}
    for name in files():
        for code, entry in _file(name).items():
            if code in entries:
                raise CatalogueBroken(f"{name}: code {code!r} is also in {origin[code]}")
            entries[code] = entry
            origin[code] = name
    return MappingProxyType(entries)


def entry(code: str) -> Entry | None:
    """One code's texts, reading only the file it belongs to: a code's first part names its file (`cli.` is in
    cli.yaml), and the few codes of no area are in core.yaml. A command that prints a line reads one file of the
    catalogue, not all of it (docs/performance.md, "The command line's start")."""
    area = code.partition(".")[0]
    for name in (f"{area}.yaml", "core.yaml"):
        if name in files():
            found = _file(name).get(code)
            if found is not None:
                return found
    return catalogue().get(code)  # a code filed elsewhere (the catalogue tests refuse it): still found


@cache
def _file(name: str) -> Mapping[str, Entry]:
    item = resources.files("kpilot.i18n") / "messages" / name
    data = YAML(typ="safe").load(item.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise CatalogueBroken(f"{name}: expected a mapping of codes")
    return MappingProxyType({str(code): _entry(name, str(code), texts) for code, texts in data.items()})


def _entry(file: str, code: str, texts: object) -> Entry:
    if not isinstance(texts, dict):
        raise CatalogueBroken(f"{file}: {code}: expected a text per language")
    entry: dict[Language, Text] = {}
    for key, text in texts.items():
        language = Language.parse(str(key)) if str(key) in set(Language) else None
        if language is None:
            raise CatalogueBroken(f"{file}: {code}: {key!r} is not a language kpilot speaks")
        if isinstance(text, dict):
            entry[language] = MappingProxyType({str(tag): str(form) for tag, form in text.items()})
        elif isinstance(text, str):
            entry[language] = text
        else:
            raise CatalogueBroken(f"{file}: {code}: {key}: expected a text or plural forms")
    return MappingProxyType(entry)


@cache
def files() -> tuple[str, ...]:
    """The catalogue files' names (for the completeness tests and docs)."""
    folder = resources.files("kpilot.i18n") / "messages"
    return tuple(sorted(item.name for item in folder.iterdir() if item.name.endswith(".yaml")))
