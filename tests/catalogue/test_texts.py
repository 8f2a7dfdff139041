"""The catalogue's texts: every KPI explained in every language, nothing missing, nothing extra, nothing empty."""

from __future__ import annotations

from importlib import resources
from typing import Any

import pytest
from ruamel.yaml import YAML

from kpilot.catalogue.catalogue import LANGUAGES, TEXT_FIELDS, VARIANT_FIELD, load_catalogue

# Characters that exist only in Simplified Chinese; the Chinese texts are in Traditional characters.
SIMPLIFIED_ONLY = "们这说发数为过时对会个东务点击转换营销员门问题检试让给还够价钱费单计额"


def _texts(language: str) -> dict[str, Any]:
    text = resources.files("kpilot.catalogue").joinpath(f"texts/{language}.yaml").read_text(encoding="utf-8")
    data = YAML(typ="safe").load(text)
    assert isinstance(data, dict), f"texts/{language}.yaml must be a mapping of KPI name to texts"
    return data


def _expected_fields(name: str) -> set[str]:
    entry = load_catalogue().kpi(name)
    has_variants = entry.variant_of is not None or bool(entry.variants)
    return {*TEXT_FIELDS, VARIANT_FIELD} if has_variants else set(TEXT_FIELDS)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_kpi_and_no_other_key(language: str) -> None:
    names = set(load_catalogue().names)
    keys = set(_texts(language))
    assert not names - keys, f"texts/{language}.yaml misses: {sorted(names - keys)}"
    assert not keys - names, f"texts/{language}.yaml has keys that are no catalogue KPI: {sorted(keys - names)}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_fields_are_complete_and_not_empty(language: str) -> None:
    for name, item in _texts(language).items():
        assert isinstance(item, dict), f"{language}: {name} must map field names to texts"
        expected = _expected_fields(name)
        assert set(item) == expected, f"{language}: {name} has fields {sorted(item)}, expected {sorted(expected)}"
        for field, value in item.items():
            assert isinstance(value, str), f"{language}: {name}.{field} is not a text"
            assert value.strip(), f"{language}: {name}.{field} is empty"


@pytest.mark.parametrize("language", LANGUAGES)
def test_labels_are_unique(language: str) -> None:
    labels = [item["label"] for item in _texts(language).values()]
    repeated = sorted({label for label in labels if labels.count(label) > 1})
    assert not repeated, f"{language}: labels used by more than one KPI: {repeated}"


def test_variant_notes_name_the_other_definitions() -> None:
    """A variant's note names the KPI it is a variant of, so readers can find the other definition."""
    catalogue = load_catalogue()
    for language in LANGUAGES:
        texts = _texts(language)
        for entry in catalogue.entries:
            if entry.variant_of is not None:
                assert entry.variant_of in texts[entry.name][VARIANT_FIELD], f"{language}: {entry.name}"
            for variant in entry.variants:
                assert variant in texts[entry.name][VARIANT_FIELD], f"{language}: {entry.name} names {variant}"


def test_chinese_is_traditional() -> None:
    for name, item in _texts("zh").items():
        for field, value in item.items():
            found = sorted({char for char in value if char in SIMPLIFIED_ONLY})
            assert not found, f"zh: {name}.{field} uses simplified characters {found}"


def test_loaded_texts_match_the_files() -> None:
    catalogue = load_catalogue()
    for language in LANGUAGES:
        texts = _texts(language)
        for entry in catalogue.entries:
            assert entry.text(language).label == texts[entry.name]["label"].strip()
