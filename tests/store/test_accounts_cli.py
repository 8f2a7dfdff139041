"""`kpilot users`, `kpilot tokens` and `kpilot audit` as people run them: exact output, passwords and tokens shown
once (and working), exit code 1 with a message for every mistake, and the audit log the commands leave behind."""

from __future__ import annotations

import io
import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kpilot.services.sign_in import sign_in
from kpilot.services.tokens import actor_for_token
from tests.store.accounts_support import opened
from tests.store.store_support import write_store_workspace
from tests.support import run_cli

Capsys = pytest.CaptureFixture[str]
PASSWORD = "correct horse battery"


def _stdin(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(text))


def test_users_add_with_a_generated_password_shows_it_once_and_it_works(root: Path, capsys: Capsys) -> None:
    code, out, err = run_cli(
        capsys, "users", "add", "Anna@Acme.example", "--role", "admin", "-r", "Member", "-w", str(root)
    )
    assert (code, err) == (0, "warning: this password is shown only this once; pass it on safely\n")
    found = re.fullmatch(r"Added the account Anna@Acme\.example \(admin, member\)\.\n  password: ([\w-]{20})\n", out)
    assert found is not None
    with opened(root) as store:
        actor = sign_in(store, "anna@acme.example", found[1], now=datetime.now(UTC), client="test")
    assert actor.is_admin


def test_users_add_with_a_password_on_stdin_or_none(
    root: Path, capsys: Capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    _stdin(monkeypatch, f"{PASSWORD}\nignored second line\n")
    code, out, err = run_cli(
        capsys, "users", "add", "bob@acme.example", "-r", "viewer", "--password-stdin", "-w", str(root)
    )
    assert (code, out, err) == (0, "Added the account bob@acme.example (viewer).\n", "")
    with opened(root) as store:
        assert (
            sign_in(store, "bob@acme.example", PASSWORD, now=datetime.now(UTC), client="test").email
            == "bob@acme.example"
        )
    code, out, err = run_cli(
        capsys, "users", "add", "carl@acme.example", "-r", "editor", "--no-password", "-w", str(root)
    )
    assert (code, err) == (0, "")
    assert out == (
        "Added the account carl@acme.example (editor).\n  it has no password: it signs in through OpenID Connect only\n"
    )


@pytest.mark.parametrize(
    ("args", "stdin", "expected"),
    [
        (
            ["users", "add", "x@acme.example", "-r", "admn"],
            "",
            "error: unknown role 'admn'\n  hint: did you mean 'admin'?\n",
        ),
        (
            ["users", "add", "x@acme.example"],
            "",
            "error: an account needs at least one role\n  hint: the roles are admin, editor, manager, member, viewer\n",
        ),
        (
            ["users", "add", "x@acme.example", "-r", "viewer", "--password-stdin", "--no-password"],
            "",
            "error: give --password-stdin or --no-password, not both\n",
        ),
        (
            ["users", "add", "x@acme.example", "-r", "viewer", "--password-stdin"],
            "short\n",
            "error: the password has 5 characters; it needs at least 12\n"
            "  hint: a few unrelated words make a long password that is easy to remember\n",
        ),
        (
            ["users", "add", "not-an-address", "-r", "viewer"],
            "",
            "error: 'not-an-address' is not an e-mail address\n"
            "  hint: write it as name@example.com, at most 320 characters\n",
        ),
        (
            ["users", "disable", "nobody@acme.example"],
            "",
            "error: no account has the e-mail address nobody@acme.example\n",
        ),
        (
            ["users", "grant", "nobody@acme.example", "salaries"],
            "",
            "error: unknown permission 'salaries'\n  hint: the permissions are compensation\n",
        ),
        (["tokens", "revoke", "0123456789abcdef"], "", "error: no API token has the id '0123456789abcdef'\n"),
        (
            ["audit", "--action", "sign-in"],
            "",
            "error: unknown audit action 'sign-in'\n  hint: did you mean 'sign_in'?\n",
        ),
    ],
)
def test_mistakes_are_errors_with_a_message(
    root: Path, capsys: Capsys, monkeypatch: pytest.MonkeyPatch, args: list[str], stdin: str, expected: str
) -> None:
    _stdin(monkeypatch, stdin)
    assert run_cli(capsys, *args, "-w", str(root)) == (1, "", expected)


def test_disable_enable_roles_grant_revoke_say_what_they_did(root: Path, capsys: Capsys) -> None:
    run_cli(capsys, "users", "add", "anna@acme.example", "-r", "member", "--no-password", "-w", str(root))
    steps = [
        (("disable",), "Disabled the account anna@acme.example: it can no longer sign in, and its tokens are refused."),
        (("disable",), "The account anna@acme.example is already disabled."),
        (("enable",), "Enabled the account anna@acme.example."),
        (("enable",), "The account anna@acme.example is already enabled."),
        (("roles", "-r", "viewer", "-r", "editor"), "The account anna@acme.example now has the roles editor, viewer."),
        (
            ("roles", "-r", "editor", "-r", "viewer"),
            "The account anna@acme.example already has the roles editor, viewer.",
        ),
        (("grant", "compensation"), "Granted compensation to anna@acme.example."),
        (("grant", "compensation"), "anna@acme.example already has the permission compensation."),
        (("revoke", "compensation"), "Revoked compensation from anna@acme.example."),
        (("revoke", "compensation"), "anna@acme.example does not have the permission compensation."),
    ]
    for args, said in steps:
        command, *rest = args
        assert run_cli(capsys, "users", command, "anna@acme.example", *rest, "-w", str(root)) == (0, said + "\n", "")


def test_users_list_as_json_and_as_a_table(root: Path, capsys: Capsys) -> None:
    assert run_cli(capsys, "users", "list", "-w", str(root))[:2] == (
        0,
        "No accounts yet: add one with `kpilot users add`.\n",
    )
    before = datetime.now(UTC)
    run_cli(capsys, "users", "add", "anna@acme.example", "-r", "member", "-r", "admin", "-w", str(root))
    run_cli(capsys, "users", "add", "bob@acme.example", "-r", "viewer", "--no-password", "-w", str(root))
    run_cli(capsys, "users", "disable", "bob@acme.example", "-w", str(root))
    run_cli(capsys, "users", "grant", "anna@acme.example", "compensation", "-w", str(root))
    after = datetime.now(UTC)
    code, out, _ = run_cli(capsys, "users", "list", "--format", "json", "-w", str(root))
    listed = json.loads(out)
    moments = [datetime.fromisoformat(item.pop(key)) for item in listed for key in ("created_at",)]
    assert all(before <= moment <= after for moment in moments)
    bob_disabled = datetime.fromisoformat(listed[1].pop("disabled_at"))
    assert before <= bob_disabled <= after
    assert (code, listed) == (
        0,
        [
            {
                "email": "anna@acme.example",
                "roles": ["admin", "member"],
                "permissions": ["compensation"],
                "password": True,
                "disabled_at": None,
                "person": None,
            },
            {"email": "bob@acme.example", "roles": ["viewer"], "permissions": [], "password": False, "person": None},
        ],
    )
    code, out, _ = run_cli(capsys, "users", "list", "-w", str(root))
    lines = out.splitlines()
    assert code == 0
    assert re.search(r"e-mail +┃ roles +┃ permissions +┃ password +┃ status +┃ person +┃ created \(UTC\)", out)
    assert re.search(r"anna@acme\.example +│ admin, member +│ compensation +│ yes +│ active +│ – +│", out)
    assert re.search(r"bob@acme\.example +│ viewer +│ – +│ no +│ disabled since \d{4}-\d\d-\d\d \d\d:\d\d +│", out)
    assert len(lines) == 6  # top border, header, rule, two accounts, bottom border


def test_tokens_create_list_revoke_and_the_token_works(root: Path, capsys: Capsys) -> None:
    run_cli(capsys, "users", "add", "bot@acme.example", "-r", "member", "--no-password", "-w", str(root))
    last = f"{datetime.now(UTC).year + 2}-01-15"
    code, out, err = run_cli(
        capsys,
        "tokens",
        "create",
        "--user",
        "bot@acme.example",
        "--name",
        "nightly",
        "--scope",
        "read",
        "--scope",
        "ingest:deals",
        "--expires",
        last,
        "-w",
        str(root),
    )
    assert (code, err) == (0, "warning: copy the token now: it is shown only this once (kpilot keeps only its hash)\n")
    # Valid through 15 January in Rome (the workspace's zone, CET in winter): it expires at 23:00 UTC that day.
    found = re.fullmatch(
        r"Created the token nightly \(id ([0-9a-f]{16})\) for bot@acme\.example, with the scopes ingest:deals, read,"
        rf" valid until {last} 23:00 UTC:\n(kpilot_\1_[0-9a-f]{{64}})\n",
        out,
    )
    assert found is not None
    lookup, raw = found[1], found[2]
    with opened(root) as store:
        actor = actor_for_token(store, raw, now=datetime.now(UTC))
    assert (actor.email, actor.token_scopes) == ("bot@acme.example", frozenset({"read", "ingest:deals"}))

    code, out, _ = run_cli(capsys, "tokens", "list", "--user", "bot@acme.example", "-f", "json", "-w", str(root))
    [listed] = json.loads(out)
    assert raw.rsplit("_", 1)[1] not in out
    assert {key: listed[key] for key in ("id", "user", "name", "scopes", "expires_at", "revoked_at", "status")} == {
        "id": lookup,
        "user": "bot@acme.example",
        "name": "nightly",
        "scopes": ["ingest:deals", "read"],
        "expires_at": f"{last}T23:00:00+00:00",
        "revoked_at": None,
        "status": "active",
    }
    assert listed["last_used_at"] is not None  # the token was used above

    code, out, _ = run_cli(capsys, "tokens", "revoke", lookup, "-w", str(root))
    assert (code, out) == (0, f"Revoked the token {lookup} (nightly) of bot@acme.example.\n")
    code, out, _ = run_cli(capsys, "tokens", "list", "-w", str(root))
    assert re.search(rf"{lookup} +│ bot@acme\.example +│ nightly +│ ingest:deals read +│ .* +│ revoked", out)


def test_tokens_create_as_json_and_its_mistakes(root: Path, capsys: Capsys) -> None:
    run_cli(capsys, "users", "add", "bot@acme.example", "-r", "member", "--no-password", "-w", str(root))
    code, out, _ = run_cli(
        capsys,
        "tokens",
        "create",
        "-u",
        "bot@acme.example",
        "-n",
        "ci",
        "-s",
        "write",
        "-e",
        "7d",
        "-f",
        "json",
        "-w",
        str(root),
    )
    created = json.loads(out)
    assert code == 0
    assert re.fullmatch(rf"kpilot_{created['id']}_[0-9a-f]{{64}}", created["token"])
    assert (created["scopes"], created["status"], created["last_used_at"]) == (["write"], "active", None)
    code, out, err = run_cli(
        capsys, "tokens", "create", "-u", "bot@acme.example", "-n", "ci", "-s", "ingest:dealz", "-w", str(root)
    )
    assert (code, out) == (1, "")
    assert err == (
        "error: the scope 'ingest:dealz' names the source 'dealz', which the definitions do not have\n"
        "  hint: did you mean 'deals'?\n"
    )
    code, _, err = run_cli(capsys, "tokens", "create", "-u", "bot@acme.example", "-n", "ci", "-w", str(root))
    assert (code, err) == (
        1,
        "error: a token needs at least one scope\n  hint: the scopes are read, write and ingest:SOURCE\n",
    )
    code, _, err = run_cli(
        capsys,
        "tokens",
        "create",
        "-u",
        "bot@acme.example",
        "-n",
        "ci",
        "-s",
        "read",
        "-e",
        "2020-01-01",
        "-w",
        str(root),
    )
    assert (code, err) == (
        1,
        "error: the token would have expired already: 2020-01-01 is over\n"
        "  hint: give a number of days (90d) or the last day the token is valid (YYYY-MM-DD)\n",
    )


def test_audit_shows_what_the_commands_did(root: Path, capsys: Capsys) -> None:
    before = datetime.now(UTC)
    run_cli(capsys, "users", "add", "anna@acme.example", "-r", "member", "--no-password", "-w", str(root))
    run_cli(capsys, "users", "roles", "anna@acme.example", "-r", "admin", "-w", str(root))
    after = datetime.now(UTC)
    code, out, _ = run_cli(capsys, "audit", "--format", "json", "-w", str(root))
    entries = json.loads(out)
    assert code == 0
    assert all(before <= datetime.fromisoformat(entry.pop("at")) <= after for entry in entries)
    operator = {"kind": "operator", "account_id": None, "email": None}
    assert entries == [
        {
            "id": 1,
            "actor": operator,
            "action": "account.created",
            "target": "anna@acme.example",
            "outcome": "succeeded",
            "details": {"roles": ["member"], "password": "none"},
            "client": None,
        },
        {
            "id": 2,
            "actor": operator,
            "action": "account.roles_set",
            "target": "anna@acme.example",
            "outcome": "succeeded",
            "details": {"roles": {"from": ["member"], "to": ["admin"]}},
            "client": None,
        },
    ]
    code, out, _ = run_cli(capsys, "audit", "--action", "account.roles_set", "-f", "json", "-w", str(root))
    assert [entry["id"] for entry in json.loads(out)] == [2]
    code, out, _ = run_cli(capsys, "audit", "--user", "anna@acme.example", "-w", str(root))
    assert out == "No audit entries.\n"  # what Anna did: nothing yet (the operator did it all)
    code, out, _ = run_cli(capsys, "audit", "--since", "2999-01-01", "-w", str(root))
    assert out == "No audit entries.\n"
    today = after.date().isoformat()
    code, out, _ = run_cli(capsys, "audit", "--since", today, "--until", today, "-w", str(root))
    assert code == 0
    assert "local operator" in out
    assert "account.roles_set" in out
    assert re.search(r"time \(UTC\) +┃ actor +┃ action +┃ target +┃ outcome +┃ details", out)


def test_the_commands_need_a_store(tmp_path: Path, capsys: Capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write_store_workspace(tmp_path / "ws", create=False)
    for args in (("users", "list"), ("tokens", "list"), ("audit",)):
        assert run_cli(capsys, *args, "-w", "ws") == (
            1,
            "",
            "error: there is no store at ws/kpilot.db yet\n"
            "  hint: run `kpilot db upgrade` (with -w WORKSPACE) to create or update it\n",
        )
