"""docs/alerts.md stays true: its example rules load, and it documents every key of a rule and every value their
choices allow."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import BaseModel

from kpilot.definitions.alert_model import AlertRule, Recipients, RuleKind, Volume
from kpilot.definitions.loader import load_definitions
from tests.support import write_workspace
from tests.test_docs import blocks, choices, mentioned, public_fields, read


def test_the_example_rules_load(tmp_path: Path) -> None:
    (example,) = [block for block in blocks(read("alerts.md")) if "# example: rules" in block.text]
    write_workspace(tmp_path / "ws", example.text)
    definitions, issues = load_definitions(tmp_path / "ws")
    assert [str(issue) for issue in issues] == []
    assert {rule.when for rule in definitions.alert_rules} == set(RuleKind)  # one of each kind


@pytest.mark.parametrize("model", [AlertRule, Volume, Recipients], ids=lambda model: model.__name__)
def test_every_key_is_documented(model: type[BaseModel]) -> None:
    text = read("alerts.md")
    for name, info in public_fields(model).items():
        assert mentioned(name, text), f"docs/alerts.md lacks the key '{name}' of {model.__name__}"
        for value in choices(info.annotation):
            assert f"`{value}`" in text, f"docs/alerts.md lacks {name}: {value}"
