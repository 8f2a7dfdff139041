"""The long, coverage-guided fuzzing run for releases (docs/security.md): atheris over kpilot's input parsers.

Not part of `make test` (it runs until stopped). Usage, from the repository root:

    .venv/bin/pip install atheris
    PYTHONPATH=. .venv/bin/python tests/security/atheris_fuzz.py formula -max_total_time=3600
    PYTHONPATH=. .venv/bin/python tests/security/atheris_fuzz.py definitions -max_total_time=3600

`formula` feeds arbitrary text to the formula pipeline (lexer, parser, type check, compilation to SQL for DuckDB and
PostgreSQL) as a row-level filter and as a KPI formula; `definitions` feeds arbitrary bytes to the definitions loader
and validator. A user error is the expected outcome of bad input; any other exception is a crash that atheris
reports with the input that caused it.
"""

from __future__ import annotations

import contextlib
import sys
import tempfile
from pathlib import Path

import atheris

with atheris.instrument_imports():
    import ibis

    from kpilot import Workspace
    from kpilot.engine.rows import RowCompiler
    from kpilot.errors import UserError
    from kpilot.formula.check import check
    from kpilot.formula.parser import parse
    from kpilot.semantic.resolve import KpiScope, SemanticModel
    from tests.security import strategies as gen
    from tests.support import write_workspace

TABLE = ibis.table(
    {"day": "date", "channel": "string", "status": "string", "amount": "float64", "clicks": "int64", "flag": "boolean"},
    name="events",
)
WORKSPACE = Path(tempfile.mkdtemp(prefix="kpilot_atheris_"))
write_workspace(WORKSPACE, gen.definitions({"ctr": "clicks / orders"}))
MODEL: SemanticModel = Workspace(WORKSPACE).model


def formula(data: bytes) -> None:
    text = atheris.FuzzedDataProvider(data).ConsumeUnicodeNoSurrogates(400)
    with contextlib.suppress(UserError):
        expression = RowCompiler(TABLE).text(text, "--where")
        shaped = TABLE.filter(expression) if expression.type().is_boolean() else TABLE.select(x=expression)
        for dialect in ("duckdb", "postgres"):
            ibis.to_sql(shaped, dialect=dialect)
    with contextlib.suppress(UserError):
        check(parse(text), KpiScope(MODEL, None))


def definitions(data: bytes) -> None:
    (WORKSPACE / "definitions" / "main.yaml").write_bytes(data)
    with contextlib.suppress(UserError):
        Workspace(WORKSPACE).validate(with_data=False)


TARGETS = {"formula": formula, "definitions": definitions}

if __name__ == "__main__":
    target = TARGETS[sys.argv[1]] if len(sys.argv) > 1 and sys.argv[1] in TARGETS else None
    if target is None:
        sys.exit(f"usage: {sys.argv[0]} {{{','.join(TARGETS)}}} [libFuzzer options]")
    atheris.Setup([sys.argv[0], *sys.argv[2:]], target)
    atheris.Fuzz()
