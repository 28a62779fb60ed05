"""Role-based access: which ARM scopes a principal may read or write.

A role assignment at a scope covers that scope and everything below it, so
Reader on one gallery makes only that gallery (and its images/versions) visible
in lists of its resource group or subscription.

Checks are lookups of an id's ancestors in sets of assigned scopes, so a principal with
a thousand assignments (one per subscription) costs no more per check than one with one.
"""

from __future__ import annotations

from bisect import bisect_left

from azure_sandbox.messages import ArmError
from azure_sandbox.world import Principal, World

READ_ROLES = frozenset({"reader", "contributor", "owner"})
WRITE_ROLES = frozenset({"contributor", "owner"})


def _normalised(scope: str) -> str:
    return scope.rstrip("/").lower()


def _covered(scopes: set[str], resource_id: str) -> bool:
    """True if one of ``scopes`` is ``resource_id`` or one of its ancestors."""
    target = _normalised(resource_id)
    while True:
        if target in scopes:
            return True
        if not target:
            return False
        target = target[: target.rfind("/")]


class Access:
    """The role assignments of one principal, checked against ARM ids."""

    def __init__(self, world: World, principal: Principal) -> None:
        self.principal = principal
        client = principal.client_id.lower()
        self._read: set[str] = set()
        self._write: set[str] = set()
        for assignment in world.role_assignments:
            if assignment.principal_client_id.lower() != client:
                continue
            role, scope = assignment.role.lower(), _normalised(assignment.scope)
            if role in READ_ROLES:
                self._read.add(scope)
            if role in WRITE_ROLES:
                self._write.add(scope)
        self._read_sorted = sorted(self._read)

    def can(self, resource_id: str, write: bool = False) -> bool:
        return _covered(self._write if write else self._read, resource_id)

    def has_any_below(self, scope: str) -> bool:
        """True if some read assignment lies at or below ``scope`` (list filtering applies)."""
        if self.can(scope):
            return True
        prefix = _normalised(scope) + "/"
        index = bisect_left(self._read_sorted, prefix)
        return index < len(self._read_sorted) and self._read_sorted[index].startswith(prefix)

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
