"""`kpilot db` and `kpilot org` as people run them: exit codes, exact messages, and user errors that are errors
(exit code 1, a message that says what to do), never tracebacks."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.store.store_support import everything, memberships, people, write_store_workspace
from tests.store.test_org_import import ORG, ORG_EXPORTED
from tests.support import run_cli

Capsys = pytest.CaptureFixture[str]


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_db_upgrade_current_downgrade(here: Path, capsys: Capsys) -> None:
    write_store_workspace(here / "ws", create=False)
    code, out, _ = run_cli(capsys, "db", "current", "-w", "ws")
    assert (code, out) == (
        0,
        "store: ws/kpilot.db\nrevision: none (this kpilot's newest: 0007)\n"
        "status: not created yet; run `kpilot db upgrade`\n",
    )
    assert not (here / "ws" / "kpilot.db").exists()  # looking creates nothing

    title = "The organisation: people, teams, memberships with effective dates, and the scopes of people and teams"
    accounts = "Accounts: sign-in, roles, permissions, API tokens and the audit log"
    keys = "Idempotency keys: REST API requests made at most once"
    shares = "Share links: read-only links to a KPI or a board, with locked filters, an expiry and a revocation"
    okrs = (
        "OKRs: cycles, objectives, key results, alignment links, milestones, check-ins and initiatives (docs/okrs.md)"
    )
    bonus = (
        "Bonuses: runs and approvals, the append-only ledger, period locks, disputes and compensation (docs/store.md)"
    )
    alerts = (
        "Alerts: rule states and evaluations, the outbox and its deliveries, channels, subscriptions, silences, leases"
    )
    code, out, _ = run_cli(capsys, "db", "upgrade", "-w", "ws")
    assert (code, out) == (
        0,
        f"Created the store ws/kpilot.db: now at revision 0007.\n  applied 0001: {title}\n  applied 0002: {accounts}\n"
        f"  applied 0003: {keys}\n  applied 0004: {shares}\n  applied 0005: {okrs}\n  applied 0006: {bonus}\n"
        f"  applied 0007: {alerts}\n",
    )
    assert run_cli(capsys, "db", "upgrade", "-w", "ws")[:2] == (
        0,
        "The store ws/kpilot.db is up to date (revision 0007).\n",
    )
    code, out, _ = run_cli(capsys, "db", "current", "-w", "ws")
    assert out == "store: ws/kpilot.db\nrevision: 0007 (this kpilot's newest: 0007)\nstatus: up to date\n"

    code, out, _ = run_cli(capsys, "db", "downgrade", "-w", "ws")
    assert (code, out) == (0, f"Downgraded the store ws/kpilot.db: now at 0006.\n  undid 0007: {alerts}\n")
    code, out, _ = run_cli(capsys, "db", "downgrade", "-w", "ws")
    assert (code, out) == (0, f"Downgraded the store ws/kpilot.db: now at 0005.\n  undid 0006: {bonus}\n")
    code, out, _ = run_cli(capsys, "db", "downgrade", "-w", "ws")
    assert (code, out) == (0, f"Downgraded the store ws/kpilot.db: now at 0004.\n  undid 0005: {okrs}\n")
    code, out, _ = run_cli(capsys, "db", "downgrade", "-w", "ws")
    assert (code, out) == (0, f"Downgraded the store ws/kpilot.db: now at 0003.\n  undid 0004: {shares}\n")
    code, out, _ = run_cli(capsys, "db", "downgrade", "-w", "ws")
    assert (code, out) == (0, f"Downgraded the store ws/kpilot.db: now at 0002.\n  undid 0003: {keys}\n")
    code, out, _ = run_cli(capsys, "db", "downgrade", "-w", "ws")
    assert (code, out) == (0, f"Downgraded the store ws/kpilot.db: now at 0001.\n  undid 0002: {accounts}\n")
    code, out, _ = run_cli(capsys, "db", "downgrade", "-w", "ws")
    assert (code, out) == (0, f"Downgraded the store ws/kpilot.db: now at no revision.\n  undid 0001: {title}\n")
    code, out, _ = run_cli(capsys, "db", "current", "-w", "ws")
    assert out.endswith(
        "status: behind (to apply: 0001, 0002, 0003, 0004, 0005, 0006, 0007); run `kpilot db upgrade`\n"
    )
    code, _, err = run_cli(capsys, "db", "downgrade", "-w", "ws")
    assert (code, err) == (1, "error: the store ws/kpilot.db has no migrations applied: nothing to downgrade\n")

    code, out, _ = run_cli(capsys, "db", "upgrade", "-w", "ws")
    assert out.startswith("Upgraded the store ws/kpilot.db: now at revision 0007.")


def test_db_downgrade_to_an_unknown_revision(here: Path, capsys: Capsys) -> None:
    write_store_workspace(here / "ws")
    code, _, err = run_cli(capsys, "db", "downgrade", "nope", "-w", "ws")
    assert code == 1
    assert err.startswith("error: cannot downgrade the store ws/kpilot.db to 'nope': ")
    revisions = "0001, 0002, 0003, 0004, 0005, 0006, 0007"
    assert f"hint: name a revision ({revisions}), 'base' (downgrade: everything) or a step such as -1" in err


def test_org_commands_on_a_missing_store_say_to_upgrade(here: Path, capsys: Capsys) -> None:
    write_store_workspace(here / "ws", create=False)
    (here / "org.yaml").write_text(ORG)
    for args in (("org", "export"), ("org", "import", "org.yaml")):
        code, out, err = run_cli(capsys, *args, "-w", "ws")
        assert (code, out) == (1, "")
        assert err == (
            "error: there is no store at ws/kpilot.db yet\n"
            "  hint: run `kpilot db upgrade` (with -w WORKSPACE) to create or update it\n"
        )
    assert not (here / "ws" / "kpilot.db").exists()


def test_org_import_and_export(root: Path, store: str, here: Path, capsys: Capsys) -> None:
    (here / "org.yaml").write_text(ORG)
    code, out, err = run_cli(capsys, "org", "import", "org.yaml", "--on", "2025-01-01", "-w", str(root))
    shown = "ws/kpilot.db" if "://" not in store else store
    assert (code, err) == (0, "")
    assert out == (
        f"Imported org.yaml into the store {shown}, as of 2025-01-01:\n"
        "  added team Acme: company\n"
        "  added team Sales: department under Acme\n"
        "  added team EMEA: team under Sales\n"
        "  added team Support: team under Acme\n"
        "  added ceo@acme.example: in Acme\n"
        "  added Anna@Acme.example: in EMEA\n"
        "  added bruno@acme.example: in EMEA\n"
        "  (4 team(s) and 3 person(s) added, 0 changed, 0 ended)\n"
    )
    code, out, _ = run_cli(capsys, "org", "export", "--on", "2025-02-01", "-w", str(root))
    assert (code, out) == (0, ORG_EXPORTED)
    code, _, err = run_cli(capsys, "org", "export", "--on", "2025-02-01", "-o", "out.yaml", "-w", str(root))
    assert (code, err) == (0, "Wrote out.yaml\n")
    assert (here / "out.yaml").read_text() == ORG_EXPORTED

    moved = ORG.replace("teams: EMEA\n    since: 2025-01-10", "teams: [Support]\n    since: 2025-03-15")
    (here / "moved.yaml").write_text(moved)
    before = everything(root, store)
    code, out, _ = run_cli(capsys, "org", "import", "moved.yaml", "--dry-run", "--on", "2025-03-20", "-w", str(root))
    assert out == (
        f"Checked (dry run: nothing written) moved.yaml into the store {shown}, as of 2025-03-20:\n"
        "  changed bruno@acme.example: teams EMEA → Support (from 2025-03-15)\n"
        "  (0 team(s) and 0 person(s) added, 1 changed, 0 ended)\n"
    )
    assert everything(root, store) == before

    full = ORG.split("  - name: Bruno Neri")[0]
    (here / "full.yaml").write_text(full)
    code, out, _ = run_cli(capsys, "org", "import", "full.yaml", "--full", "--on", "2025-06-01", "-w", str(root))
    assert out.splitlines()[1:] == [
        "  ended bruno@acme.example: out of EMEA from 2025-06-01",
        "  (0 team(s) and 0 person(s) added, 0 changed, 1 ended)",
    ]
    # The February export says Bruno is in EMEA from 10 January: still true of that day, so nothing changes (it
    # does not undo the end of his membership on 1 June).
    code, out, _ = run_cli(capsys, "org", "import", "out.yaml", "--on", "2025-06-01", "-w", str(root))
    assert out.splitlines()[1:] == ["  nothing to change: the store already holds all of it"]


def test_org_import_refuses_a_bad_file_with_every_problem(root: Path, store: str, here: Path, capsys: Capsys) -> None:
    (here / "bad.csv").write_text(
        "name,email,manager,language\n"
        "Anna,anna@x.example,carlo@x.example,it\n"
        "Bruno,bruno@x.example,anna@x.example,fr\n"
        "Anna Again,ANNA@x.example,,en\n"
    )
    code, out, err = run_cli(capsys, "org", "import", "bad.csv", "-w", str(root))
    assert (code, out) == (1, "")
    assert err == (
        "error: 3 problem(s) found\n"
        "  bad.csv:2: error: unknown manager 'carlo@x.example': it is neither in the file nor in the store"
        " (add it to the file, or import it first)\n"
        "  bad.csv:3: error: language 'fr' is not one kpilot speaks (use one of en, it, pl, zh)\n"
        "  bad.csv:4: error: a second person with the e-mail 'ANNA@x.example' (the first is at bad.csv:2)\n"
    )
    assert people(root, store) == []
    assert memberships(root, store) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("org", "import"), "error: give either a FILE or --table TABLE to import from"),
        (("org", "import", "org.yaml", "--table", "hr"), "error: give either a FILE or --table TABLE to import from"),
        (("org", "import", "missing.yaml"), "error: there is no file missing.yaml"),
        (("org", "import", "org.txt"), "error: cannot tell the format of org.txt from its name"),
        (("org", "import", "org.yaml", "--on", "15/03/2025"), "error: on '15/03/2025' is not a date"),
        (("org", "import", "--table", "hr"), "error: the warehouse has no table 'hr'"),
        (("org", "export", "--on", "tomorrow"), "error: on 'tomorrow' is not a date"),
    ],
)
def test_org_user_errors(root: Path, here: Path, capsys: Capsys, args: tuple[str, ...], message: str) -> None:
    (here / "org.yaml").write_text(ORG)
    (here / "org.txt").write_text(ORG)
    code, out, err = run_cli(capsys, *args, "-w", str(root))
    assert (code, out) == (1, "")
    assert err.startswith(message), err
