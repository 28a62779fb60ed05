"""Spot's calls about running VMs, which this console does not run (it keeps configuration).

spotinst-sdk2's `elastigroup_azure_v3` / `stateful_node_azure` clients and spotinst-sdk-go's
Azure v3 and stateful-node services call these; each is answered in Spot's envelope with
VM_OPERATIONS_NOT_SUPPORTED (HTTP 400) instead of a bare 404, after the caller's token and,
for a group's or node's own call, the object itself (404 GROUP_DOESNT_EXIST) are checked.
Registered before the configuration routes so that `/statefulNode/status` is not read as a
node called "status".
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterator
from typing import Any

from django.http import HttpRequest, JsonResponse
from ninja import Router

from console.api_auth import bearer, caller
from console.api_envelope import ApiError, ErrorItem
from console.api_schemas import ERRORS

from .spot_resources import STATEFUL, STATELESS, Resource, find

VM_OPERATIONS_NOT_SUPPORTED = "VM_OPERATIONS_NOT_SUPPORTED"

router = Router(auth=bearer, tags=["Spot: Azure (VM operations, not supported)"])

# (method, path below the resource, what it does at Spot) for a group's or node's own calls.
OBJECT_CALLS: dict[Resource, tuple[tuple[str, str, str], ...]] = {
    STATELESS: (
        ("PUT", "scale/up", "scaling up"),
        ("PUT", "scale/down", "scaling down"),
        ("PUT", "detachVms", "detaching VMs"),
        ("POST", "vm/{vmName}/protection", "protecting a VM from scale-in"),
        ("DELETE", "vm/{vmName}/protection", "unprotecting a VM"),
        ("GET", "status", "the status of the group's VMs"),
        ("GET", "vm/healthiness", "the health of the group's VMs"),
        ("GET", "vmHealthiness", "the health of the group's VMs"),
        ("PUT", "suspend", "suspending the group's processes"),
        ("PUT", "resume", "resuming the group's processes"),
        ("POST", "deployment", "a blue/green deployment"),
        ("GET", "deployment", "the group's deployments"),
        ("GET", "deployment/{deploymentId}", "a deployment"),
        ("GET", "deployment/{deploymentId}/status", "a deployment's status"),
        ("GET", "logs", "the group's VM log"),
        ("GET", "costs", "the group's VM costs"),
    ),
    STATEFUL: (
        ("GET", "resources", "the node's Azure resources"),
        ("GET", "status", "the node's VM status"),
        ("PUT", "state", "pausing, resuming or recycling the node's VM"),
        ("PUT", "dataDisk/attach", "attaching a data disk"),
        ("PUT", "dataDisk/detach", "detaching a data disk"),
        ("GET", "log", "the node's VM log"),
        ("PUT", "osDisk/swap", "swapping the OS disk"),
    ),
}
# Calls that name no group or node.
ACCOUNT_CALLS: tuple[tuple[str, str, str], ...] = (
    ("POST", "/azure/compute/vm/signal", "a VM signal"),
    (
        "GET",
        "/azure/compute/group/import/{path:rest}",
        "importing a group from running Azure resources",
    ),
    ("GET", "/azure/compute/statefulNode/status", "the status of every node's VM"),
    ("GET", "/azure/compute/statefulNode/cost", "the nodes' VM costs"),
    ("GET", "/azure/compute/statefulNode/cost/daily", "the nodes' daily VM costs"),
    ("GET", "/azure/compute/statefulNode/sizeUsage/daily", "the nodes' VM size usage"),
    ("POST", "/azure/compute/statefulNode/import", "importing a running VM as a node"),
    ("GET", "/azure/compute/statefulNode/import/{importId}/status", "an import's status"),
    (
        "GET",
        "/azure/compute/statefulNode/resourceGroup/{resourceGroupName}/virtualMachine/"
        "{virtualMachineName}/importConfiguration",
        "a running VM's configuration",
    ),
)


def not_supported(what: str) -> ApiError:
    return ApiError(
        400,
        ErrorItem(
            VM_OPERATIONS_NOT_SUPPORTED,
            f"Gallery Console keeps group and node configuration and runs no VMs, so it does "
            f"not answer {what}; use Spot's console or API for running VMs.",
        ),
    )


def _view(resource: Resource | None, path: str, what: str) -> Callable[..., JsonResponse]:
    """A view for one call; its signature names the path's parameters (ninja reads it)."""
    names = re.findall(r"{(?:\w+:)?(\w+)}", path)

    def view(request: HttpRequest, **params: Any) -> JsonResponse:
        who = caller(request, params.get("accountId"))
        if resource is not None:
            find(resource, who, params[names[0]])
        raise not_supported(what)

    keyword = inspect.Parameter.KEYWORD_ONLY
    view.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [
            inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD),
            *(inspect.Parameter(name, keyword, annotation=str) for name in names),
            inspect.Parameter("accountId", keyword, default=None, annotation=str | None),
        ]
    )
    view.__name__ = "vm_call_" + re.sub(r"\W+", "_", path).strip("_")
    return view


def _operations() -> Iterator[tuple[str, str, Resource | None, str]]:
    for resource, calls in OBJECT_CALLS.items():
        for method, below, what in calls:
            yield method, f"{resource.path}/{{{resource.id_param}}}/{below}", resource, what
    for method, path, what in ACCOUNT_CALLS:
        yield method, path, None, what


def operation_id(method: str, path: str, taken: set[str]) -> str:
    """A unique, readable id for the OpenAPI document: `getAzureComputeGroupGroupIdStatus`.

    Spot spells one call two ways (`vm/healthiness` and `vmHealthiness`), which read as the same
    words; the later spelling's id ends in `Alias` so that client generators keep both.
    """
    words = re.findall(r"[A-Za-z0-9]+", re.sub(r"{(?:\w+:)?(\w+)}", r"\1", path))
    name = method.lower() + "".join(word[0].upper() + word[1:] for word in words)
    if name in taken:
        name += "Alias"
    taken.add(name)
    return name


_taken_ids: set[str] = set()
for _method, _path, _resource, _what in _operations():
    _unknown = " (404 `GROUP_DOESNT_EXIST` for an unknown one)" if _resource else ""
    router.add_api_operation(
        _path,
        [_method],
        _view(_resource, _path, _what),
        response=ERRORS,
        operation_id=operation_id(_method, _path, _taken_ids),
        summary=f"Not supported here: {_what}",
        description=(
            f"Spot's call for {_what}. This console runs no VMs, so it answers HTTP 400 "
            f"`{VM_OPERATIONS_NOT_SUPPORTED}` in Spot's envelope{_unknown}."
        ),
    )
