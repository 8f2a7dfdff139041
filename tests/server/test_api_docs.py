"""docs/api.md and the OpenAPI document list the same endpoints (each as a `### METHOD /path` heading), and every
endpoint's parameters are named in its section."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

PAGE = Path(__file__).resolve().parents[2] / "docs" / "api.md"
HEADING = re.compile(r"^### (GET|POST|PUT|PATCH|DELETE) (\S+)$", re.MULTILINE)


def sections() -> dict[tuple[str, str], str]:
    text = PAGE.read_text(encoding="utf-8")
    found = list(HEADING.finditer(text))
    ends = [match.start() for match in found[1:]] + [len(text)]
    return {(m.group(1), m.group(2)): text[m.end() : end] for m, end in zip(found, ends, strict=True)}


def test_the_page_and_the_openapi_document_list_the_same_endpoints(api: TestClient) -> None:
    document = api.get("/api/openapi.json").json()
    served = {(method.upper(), path) for path, item in document["paths"].items() for method in item}
    assert served == set(sections())


def test_every_parameter_is_named_in_its_section(api: TestClient) -> None:
    document = api.get("/api/openapi.json").json()
    pages = sections()
    for path, item in document["paths"].items():
        for method, operation in item.items():
            text = pages[(method.upper(), path)]
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path":
                    continue
                name = parameter["name"]
                assert f"`{name}`" in text, f"docs/api.md, {method.upper()} {path}, does not name `{name}`"
