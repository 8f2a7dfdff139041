"""Roles and permissions by name, and the store's CHECK constraint on roles kept equal to kpilot.auth's roles."""

from __future__ import annotations

import pytest

from kpilot.auth.actor import Actor, Role
from kpilot.auth.errors import AuthError
from kpilot.auth.grants import Permission, permission_of, role_of
from kpilot.store.models import ROLES


def test_the_store_knows_exactly_the_roles_of_auth() -> None:
    assert ROLES == tuple(role.value for role in Role) == ("admin", "editor", "manager", "member", "viewer")


def test_roles_and_permissions_by_name_in_any_case() -> None:
    assert role_of(" Admin ") is Role.ADMIN
    assert role_of("viewer") is Role.VIEWER
    assert permission_of("COMPENSATION") is Permission.COMPENSATION


def test_unknown_names_are_refused_with_the_closest_or_the_list() -> None:
    with pytest.raises(AuthError) as refused:
        role_of("admn")
    assert (str(refused.value.message), str(refused.value.hint)) == ("unknown role 'admn'", "did you mean 'admin'?")
    assert refused.value.suggestions == ("admin", "editor", "manager", "member", "viewer")
    with pytest.raises(AuthError) as refused:
        role_of("owner")
    assert str(refused.value.hint) == "the roles are admin, editor, manager, member, viewer"
    with pytest.raises(AuthError) as refused:
        permission_of("salaries")
    assert (refused.value.field, str(refused.value.hint)) == ("permission", "the permissions are compensation")


def test_the_operator_is_an_admin_and_nobody_else_is_by_default() -> None:
    assert Actor.operator().is_admin
    assert Actor.operator().local
    assert not Actor(account_id=1, person_id=None, email="a@b.c", roles=frozenset({Role.MEMBER})).is_admin
