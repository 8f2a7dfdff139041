"""No module outside the rendering layer builds a user-facing sentence (issue 7): words live in the message
catalogues (src/kpilot/i18n/messages/) and are produced by kpilot.i18n at the surfaces.

The scanner (tests/i18n/sentences.py) flags string literals with two or more lowercase words in a row. What it
flags and is not a sentence for a user is listed in ALLOWED, each with why.
"""

from __future__ import annotations

import pytest

from tests.i18n.sentences import Sentence, packages, sentences

# (file relative to src/kpilot, a substring of the literal): why it is not a user-facing sentence.
ALLOWED: dict[tuple[str, str], str] = {
    ("definitions/model.py", "kpilot workspace"): "the default value of the settings' `name`, data like a KPI's name",
    ("workspace.py", "# kpilot workspace settings"): "a YAML comment written into a new kpilot.yaml: file content",
    ("catalogue/add.py", "KPI definitions added from the kpilot catalogue"): "the YAML comment heading the "
    "definitions/catalogue.yaml that `catalogue add` writes: file content, kept by later edits",
    ("warehouse/connection.py", "disabled by configuration"): "DuckDB's own error text, matched to tell a refused file",
    ("warehouse/failures.py", "Conflicting lock is held in"): "a regex over DuckDB's own lock error text",
    ("warehouse/failures.py", "could not set lock"): "a regex over DuckDB's own lock error text",
    ("warehouse/failures.py", "different configuration than existing"): "DuckDB's own error text, matched",
    ("warehouse/failures.py", "not a valid DuckDB database file"): "DuckDB's own error text, matched",
    ("warehouse/failures.py", "password authentication failed"): "a regex over libpq's and DuckDB's refusals",
    ("warehouse/ingest_log.py", "seq BIGINT NOT NULL"): "SQL: the ingest log's columns (lowercase identifiers)",
    ("warehouse/ingest_log.py", "AND mode IN ('create', 'replace')"): "SQL: a query of the ingest log",
    ("warehouse/ingest_log.py", "SELECT loaded_at, file, sheet FROM"): "SQL: a query of the ingest log",
    ("warehouse/ingest_log.py", "ORDER BY seq DESC LIMIT 1"): "SQL: a query of the ingest log",
    ("warehouse/rollup_state.py", "source VARCHAR PRIMARY KEY"): "SQL: the rollup states' columns",
    ("warehouse/rollup_state.py", " WHERE source = ?"): "SQL: a query of the rollup states",
    ("warehouse/ingest_log.py", "SELECT seq FROM "): "SQL: a query of the ingest log",
    ("warehouse/ingest_log.py", " WHERE table_name = ? ORDER BY seq DESC LIMIT 2"): "SQL: a query of the ingest log",
    ("warehouse/text_encoding.py", " (no BOM)"): "part of an encoding's label in notice data (UTF-16 LE (no BOM))",
    ("store/models.py", "language IN ("): "SQL: a CHECK constraint",
    ("store/models.py", "kind IN ("): "SQL: a CHECK constraint",
    ("store/migrations/versions/0001_organisation.py", "language IN ("): "SQL: a CHECK constraint (a migration)",
    ("store/migrations/versions/0001_organisation.py", "kind IN ("): "SQL: a CHECK constraint (a migration)",
    ("goals/writer.py", "Targets: what each KPI should reach"): "the YAML comment heading a new "
    "definitions/targets.yaml: file content, kept by later edits",
    ("goals/definition_edits.py", " of this workspace (see docs/definitions.md)"): "the YAML comment heading a new "
    "definitions/kpis.yaml, goals.yaml or sources.yaml: file content, kept by later edits",
    ("demo/bonus.py", "bonus plans (docs/bonus.md"): "the YAML comment heading the demo's definitions/bonus.yaml: "
    "file content",
    ("demo/bonus.py", "The targets the plans pay on"): "a YAML comment of the demo's definitions/bonus.yaml",
    ("demo/bonus.py", "The plans: who is in each"): "a YAML comment of the demo's definitions/bonus.yaml",
    ("services/alert_schedule.py", "alert tick failed: %s"): "the scheduler's log line for its operator (a message "
    "code or an exception's type follows); nobody is told in words",
    ("services/alert_schedule.py", "alert lease not released"): "a debug log line for the operator",
    ("server/problems.py", "internal error on %s %s"): "the server's log line for a bug, for its operator (the "
    "traceback follows); the caller gets the envelope's words",
}


def _allowed(found: Sentence) -> bool:
    return any(file == found.file and part in found.text for file, part in ALLOWED)


@pytest.mark.parametrize("package", packages())
def test_no_sentence_is_built_outside_the_rendering_layer(package: str) -> None:
    found = [str(sentence) for sentence in sentences(package) if not _allowed(sentence)]
    assert not found, "sentences outside kpilot/i18n (make them Message codes):\n" + "\n".join(found)


def test_every_allowance_is_still_needed() -> None:
    everything = list(sentences())
    stale = [key for key in ALLOWED if not any(s.file == key[0] and key[1] in s.text for s in everything)]
    assert not stale, f"ALLOWED entries that match nothing any more: {stale}"


def test_the_scanner_finds_sentences_and_spares_what_is_not_one() -> None:
    import ast

    from tests.i18n import sentences as scanner

    source = '''
"""A docstring is fine."""
def f(x):
    """So is this one."""
    raise InternalError("a bug in kpilot, not for users")
def g():
    return UserError("unknown KPI name", hint=f"did you mean {x}?")
OPTION = typer.Option(None, help="the period to show")
SQL = "SELECT a FROM t"
'''
    tree = ast.parse(source)
    skipped = scanner._skipped(tree)
    flagged = [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in skipped
        and scanner.WORDS.search(node.value)
    ]
    assert flagged == ["unknown KPI name", "did you mean "]
