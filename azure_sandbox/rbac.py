"""Role-based access: which ARM scopes a principal may read or write.

A role assignment at a scope covers that scope and everything below it, so
Reader on one gallery makes only that gallery (and its images/versions) visible
in lists of its resource group or subscription.
"""

from __future__ import annotations

from azure_sandbox.messages import ArmError
from azure_sandbox.world import Principal, RoleAssignment, World

READ_ROLES = frozenset({"reader", "contributor", "owner"})
WRITE_ROLES = frozenset({"contributor", "owner"})


def _covers(scope: str, resource_id: str) -> bool:
    """True if ``scope`` is ``resource_id`` or one of its ancestors (case-insensitive)."""
    scope = scope.rstrip("/").lower()
    target = resource_id.rstrip("/").lower()
    return target == scope or target.startswith(scope + "/")


class Access:
    """The role assignments of one principal, checked against ARM ids."""

    def __init__(self, world: World, principal: Principal) -> None:
        self.principal = principal
        client = principal.client_id.lower()
        self._assignments: list[RoleAssignment] = [
            a for a in world.role_assignments if a.principal_client_id.lower() == client
        ]

    def can(self, resource_id: str, write: bool = False) -> bool:
        roles = WRITE_ROLES if write else READ_ROLES
        return any(
            a.role.lower() in roles and _covers(a.scope, resource_id) for a in self._assignments
        )

    def has_any_below(self, scope: str) -> bool:
        """True if some read assignment lies at or below ``scope`` (list filtering applies)."""
        return any(
            a.role.lower() in READ_ROLES and (_covers(scope, a.scope) or _covers(a.scope, scope))
            for a in self._assignments
        )

    def denied(self, action: str, scope: str) -> ArmError:
        return ArmError(
            403,
            "AuthorizationFailed",
            f"The client '{self.principal.client_id}' with object id '{self.principal.object_id}' "
            f"does not have authorization to perform action '{action}' over scope '{scope}' or the "
            "scope is invalid. If access was recently granted, please refresh your credentials.",
        )

    def require(self, action: str, scope: str, write: bool = False) -> None:
        if not self.can(scope, write=write):
            raise self.denied(action, scope)
