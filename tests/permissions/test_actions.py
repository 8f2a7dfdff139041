"""What each role may do (the actions that are not about one KPI), and how API tokens limit it: `read` to read,
`write` to change, `ingest:SOURCE` for that one source; pay data needs the `compensation` permission."""

from __future__ import annotations

import pytest

from kpilot import Workspace
from kpilot.auth.actor import ANONYMOUS, Actor, Role
from kpilot.services.kpis import workspace_for
from kpilot.services.permissions import Action, PermissionDenied, SourceResource, can, ensure
from tests.permissions.org_support import DAY, actor

A = Action
ALLOWED: dict[Role, set[Action]] = {
    Role.ADMIN: {*Action} - {A.READ_COMPENSATION, A.RUN_BONUS, A.APPROVE_BONUS},  # pay data: `compensation` too
    Role.EDITOR: {
        A.READ_KPIS,
        A.COMPUTE,
        A.READ_DEFINITIONS,
        A.EDIT_DEFINITIONS,
        A.EDIT_TARGETS,
        A.READ_PEOPLE,
        A.INGEST,
        A.READ_OKRS,
        A.MANAGE_CYCLES,
        A.EDIT_OKRS,
        A.CHECK_IN,
        A.FOLLOW,
    },
    # Whose OKRs a manager or member may write and check in on: tests/okr/test_okr_service.py.
    Role.MANAGER: {A.READ_KPIS, A.COMPUTE, A.READ_PEOPLE, A.READ_OKRS, A.EDIT_OKRS, A.CHECK_IN, A.FOLLOW},
    Role.MEMBER: {A.READ_KPIS, A.COMPUTE, A.READ_PEOPLE, A.READ_OKRS, A.EDIT_OKRS, A.CHECK_IN, A.FOLLOW},
    Role.VIEWER: {A.READ_KPIS, A.COMPUTE, A.READ_OKRS, A.FOLLOW},
}
DEALS = SourceResource("deals")


def _someone(*roles: str, **options: object) -> Actor:
    return Actor(account_id=1, person_id=None, email="x@acme.example", roles=frozenset(roles), **options)  # type: ignore[arg-type]


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("action", list(Action))
def test_what_each_role_may_do(role: Role, action: Action) -> None:
    resource = DEALS if action is Action.INGEST else None
    assert can(_someone(role), action, resource) is (action in ALLOWED[role])


@pytest.mark.parametrize("action", list(Action))
def test_nobody_may_do_anything_and_the_operator_everything(action: Action) -> None:
    resource = DEALS if action is Action.INGEST else None
    assert not can(ANONYMOUS, action, resource)
    assert not can(_someone("superuser"), action, resource)  # a role kpilot does not know is no role
    assert can(Actor.operator(), action, resource)


def test_a_refusal_names_the_action() -> None:
    with pytest.raises(PermissionDenied) as refused:
        ensure(_someone(Role.MEMBER), Action.READ_AUDIT)
    assert refused.value.code == "permissions.denied"
    assert refused.value.field == "action"
    assert str(refused.value) == "you may not read the audit log"


def test_pay_data_needs_the_compensation_permission() -> None:
    assert not can(_someone(Role.ADMIN), Action.READ_COMPENSATION)
    assert can(_someone(Role.MEMBER, permissions=frozenset({"compensation"})), Action.READ_COMPENSATION)
    assert not can(_someone(permissions=frozenset({"compensation"})), Action.READ_COMPENSATION)  # and a role


@pytest.mark.parametrize(("action", "role"), [(Action.RUN_BONUS, Role.EDITOR), (Action.APPROVE_BONUS, Role.MANAGER)])
def test_running_and_approving_bonuses_need_a_role_and_the_compensation_permission(action: Action, role: Role) -> None:
    paid = frozenset({"compensation"})
    assert not can(_someone(role), action)
    assert can(_someone(role, permissions=paid), action)
    assert not can(_someone(Role.MEMBER, permissions=paid), action)  # the permission does not replace the role
    assert not can(_someone(role, permissions=paid, token_scopes=frozenset({"read"})), action)  # a write


def test_a_token_limits_its_account_to_its_scopes() -> None:
    reader = _someone(Role.ADMIN, token_scopes=frozenset({"read"}))
    assert can(reader, Action.COMPUTE)
    assert can(reader, Action.READ_AUDIT)
    assert not can(reader, Action.EDIT_SOURCES)
    writer = _someone(Role.ADMIN, token_scopes=frozenset({"write"}))
    assert can(writer, Action.EDIT_SOURCES)
    assert not can(writer, Action.COMPUTE)  # `write` does not include `read`
    with pytest.raises(PermissionDenied) as refused:
        ensure(writer, Action.COMPUTE)
    assert (refused.value.code, refused.value.field) == ("permissions.token_lacks_scope", "token")


def test_an_ingest_token_opens_one_source_only() -> None:
    pipeline = _someone(Role.EDITOR, token_scopes=frozenset({"ingest:deals"}))
    assert can(pipeline, Action.INGEST, SourceResource("deals"))
    assert not can(pipeline, Action.INGEST, SourceResource("budget"))
    assert not can(pipeline, Action.INGEST)  # which source, then? none
    assert not can(pipeline, Action.COMPUTE)
    assert not can(pipeline, Action.EDIT_TARGETS)
    # A token never widens its account's roles: a member's ingest token ingests nothing.
    assert not can(_someone(Role.MEMBER, token_scopes=frozenset({"ingest:deals"})), Action.INGEST, DEALS)


def test_a_token_without_read_computes_nothing(company: Workspace) -> None:
    with pytest.raises(PermissionDenied) as refused:
        workspace_for(actor(company, "anna", token_scopes=frozenset({"write"})), company, on=DAY)
    assert refused.value.code == "permissions.token_lacks_scope"
    view = workspace_for(actor(company, "anna", token_scopes=frozenset({"read"})), company, on=DAY)
    # The same rows as her account's: rows 1-4 and 8 of EMEA.
    assert view.compute(["team_revenue"], grain="all").column("team_revenue").to_pylist() == [1075]


def test_writing_targets_through_a_view_needs_the_right_to(company: Workspace) -> None:
    view = workspace_for(actor(company, "anna"), company, on=DAY)
    before = sorted(path.name for path in (company.root / "definitions").iterdir())
    with pytest.raises(PermissionDenied) as refused:
        view.suggest_targets("team_revenue", period="2025-04", write="target")
    assert refused.value.message.values["action"].code == "permissions.action.edit_targets"
    assert sorted(path.name for path in (company.root / "definitions").iterdir()) == before
    editor = workspace_for(actor(company, "eddie", token_scopes=frozenset({"read"})), company, on=DAY)
    with pytest.raises(PermissionDenied):  # an editor's read-only token does not write either
        editor.suggest_targets("team_revenue", period="2025-04", write="target")
