"""ARM routes the console uses: subscriptions, resource groups, galleries, images, versions,
virtual networks and subnets.

Paths are matched case-insensitively (the SDKs mix ``resourcegroups`` and
``resourceGroups``); ``api-version`` is logged by the server but never checked.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from azure_sandbox import arm_json, arm_writes, network, resource_graph
from azure_sandbox.arm_lookup import (
    ArmContext,
    find_gallery,
    find_group,
    find_image,
    find_subscription,
    not_found,
)
from azure_sandbox.arm_paging import json_headers, paged, paged_encoded, visible
from azure_sandbox.messages import ArmError, Response
from azure_sandbox.world import Gallery, Subscription

Handler = Callable[[ArmContext, dict[str, str]], Response]


@dataclass
class Route:
    method: str
    pattern: re.Pattern[str]
    name: str
    handler: Handler
    kind: str = "arm"  # or "resource_graph": its own throttling, paging and error shapes


_SUB = r"/subscriptions/(?P<sub>[^/]+)"
_RG = _SUB + r"/resourcegroups/(?P<rg>[^/]+)"
_GAL = _RG + r"/providers/microsoft\.compute/galleries/(?P<gallery>[^/]+)"
_IMG = _GAL + r"/images/(?P<image>[^/]+)"
_VER = _IMG + r"/versions/(?P<version>[^/]+)"
_VNET = _RG + r"/providers/microsoft\.network/virtualnetworks/(?P<vnet>[^/]+)"


# --- read handlers ------------------------------------------------------------------------


def list_subscriptions(ctx: ArmContext, params: dict[str, str]) -> Response:
    subs = [
        s
        for s in list(ctx.world.subscriptions.values())
        if s.tenant_id.lower() == ctx.token_tenant_id.lower()
        and ctx.access.has_any_below(arm_json.subscription_id(s))
    ]
    return paged(ctx, subs, arm_json.render_subscription)


def get_subscription(ctx: ArmContext, params: dict[str, str]) -> Response:
    sub = find_subscription(ctx, params["sub"])
    if not ctx.access.has_any_below(arm_json.subscription_id(sub)):
        raise ArmError(
            404, "SubscriptionNotFound", f"The subscription '{params['sub']}' could not be found."
        )
    return Response.json(200, arm_json.render_subscription(sub))


def list_resource_groups(ctx: ArmContext, params: dict[str, str]) -> Response:
    sub = find_subscription(ctx, params["sub"])
    scope = arm_json.subscription_id(sub)
    action = "Microsoft.Resources/subscriptions/resourceGroups/read"
    if not ctx.access.has_any_below(scope):
        raise ctx.access.denied(action, scope)
    groups = [
        g
        for g in list(sub.resource_groups.values())
        if ctx.access.can(arm_json.resource_group_id(sub, g))
    ]
    return paged(ctx, groups, lambda g: arm_json.render_resource_group(sub, g))


def get_resource_group(ctx: ArmContext, params: dict[str, str]) -> Response:
    sub = find_subscription(ctx, params["sub"])
    scope = f"{arm_json.subscription_id(sub)}/resourceGroups/{params['rg']}"
    ctx.access.require("Microsoft.Resources/subscriptions/resourceGroups/read", scope)
    group = find_group(sub, params["rg"])
    return Response.json(200, arm_json.render_resource_group(sub, group))


def _render_gallery(sub: Subscription) -> Callable[[tuple[str, Gallery]], dict[str, Any]]:
    return lambda pair: arm_json.render_gallery(pair[0], sub, pair[1])


def list_galleries(ctx: ArmContext, params: dict[str, str]) -> Response:
    sub = find_subscription(ctx, params["sub"])
    pairs = [
        (arm_json.gallery_id(sub, group, gallery), gallery)
        for group in list(sub.resource_groups.values())
        for gallery in list(group.galleries.values())
    ]
    readable = visible(
        ctx, "Microsoft.Compute/galleries/read", arm_json.subscription_id(sub), pairs
    )
    return paged(ctx, readable, _render_gallery(sub))


def list_galleries_by_group(ctx: ArmContext, params: dict[str, str]) -> Response:
    sub = find_subscription(ctx, params["sub"])
    scope = f"{arm_json.subscription_id(sub)}/resourceGroups/{params['rg']}"
    if not ctx.access.has_any_below(scope):
        raise ctx.access.denied("Microsoft.Compute/galleries/read", scope)
    group = find_group(sub, params["rg"])
    pairs = [(arm_json.gallery_id(sub, group, g), g) for g in list(group.galleries.values())]
    readable = visible(ctx, "Microsoft.Compute/galleries/read", scope, pairs)
    return paged(ctx, readable, _render_gallery(sub))


def _gallery_scope(sub: Subscription, params: dict[str, str]) -> str:
    return (
        f"/subscriptions/{sub.id}/resourceGroups/{params['rg']}"
        f"/providers/Microsoft.Compute/galleries/{params['gallery']}"
    )


def get_gallery(ctx: ArmContext, params: dict[str, str]) -> Response:
    sub = find_subscription(ctx, params["sub"])
    ctx.access.require("Microsoft.Compute/galleries/read", _gallery_scope(sub, params))
    group = find_group(sub, params["rg"])
    gallery = find_gallery(group, params["gallery"])
    return Response.json(
        200, arm_json.render_gallery(arm_json.gallery_id(sub, group, gallery), sub, gallery)
    )


def list_images(ctx: ArmContext, params: dict[str, str]) -> Response:
    sub = find_subscription(ctx, params["sub"])
    scope = _gallery_scope(sub, params)
    if not ctx.access.has_any_below(scope):
        raise ctx.access.denied("Microsoft.Compute/galleries/images/read", scope)
    group = find_group(sub, params["rg"])
    gallery = find_gallery(group, params["gallery"])
    base = arm_json.gallery_id(sub, group, gallery)
    pairs = [(f"{base}/images/{i.name}", i) for i in list(gallery.images.values())]
    readable = visible(ctx, "Microsoft.Compute/galleries/images/read", scope, pairs)
    return paged_encoded(ctx, readable, lambda pair: arm_json.encoded_image(pair[0], pair[1]))


def get_image(ctx: ArmContext, params: dict[str, str]) -> Response:
    sub = find_subscription(ctx, params["sub"])
    ctx.access.require(
        "Microsoft.Compute/galleries/images/read",
        f"{_gallery_scope(sub, params)}/images/{params['image']}",
    )
    group = find_group(sub, params["rg"])
    gallery = find_gallery(group, params["gallery"])
    image = find_image(group, gallery, params["image"])
    image_id = f"{arm_json.gallery_id(sub, group, gallery)}/images/{image.name}"
    return Response(200, arm_json.encoded_image(image_id, image), json_headers())


def list_versions(ctx: ArmContext, params: dict[str, str]) -> Response:
    sub = find_subscription(ctx, params["sub"])
    scope = f"{_gallery_scope(sub, params)}/images/{params['image']}"
    action = "Microsoft.Compute/galleries/images/versions/read"
    if not ctx.access.has_any_below(scope):
        raise ctx.access.denied(action, scope)
    group = find_group(sub, params["rg"])
    gallery = find_gallery(group, params["gallery"])
    image = find_image(group, gallery, params["image"])
    base = f"{arm_json.gallery_id(sub, group, gallery)}/images/{image.name}/versions"
    pairs = [(f"{base}/{v.name}", v) for v in list(image.versions.values())]
    readable = visible(ctx, action, scope, pairs)
    return paged_encoded(ctx, readable, lambda pair: arm_json.encoded_version(pair[0], pair[1]))


def get_version(ctx: ArmContext, params: dict[str, str]) -> Response:
    sub = find_subscription(ctx, params["sub"])
    scope = f"{_gallery_scope(sub, params)}/images/{params['image']}/versions/{params['version']}"
    ctx.access.require("Microsoft.Compute/galleries/images/versions/read", scope)
    group = find_group(sub, params["rg"])
    gallery = find_gallery(group, params["gallery"])
    image = find_image(group, gallery, params["image"])
    version = image.versions.get(params["version"].lower())
    if version is None:
        raise not_found(
            f"Microsoft.Compute/galleries/{gallery.name}/images/{image.name}/versions/{params['version']}",
            group.name,
        )
    expand = ctx.request.query.get("$expand", "").lower()
    version_id = (
        f"{arm_json.gallery_id(sub, group, gallery)}/images/{image.name}/versions/{version.name}"
    )
    body = arm_json.encoded_version(version_id, version, expand == "replicationstatus")
    return Response(200, body, json_headers())


# --- routing ---------------------------------------------------------------------------


def _route(method: str, pattern: str, name: str, handler: Handler, kind: str = "arm") -> Route:
    return Route(method, re.compile(pattern + r"/?$"), name, handler, kind)


ROUTES: list[Route] = [
    _route("GET", r"^/subscriptions", "subscriptions.list", list_subscriptions),
    _route("GET", "^" + _SUB, "subscriptions.get", get_subscription),
    _route("GET", "^" + _SUB + "/resourcegroups", "resource_groups.list", list_resource_groups),
    _route("GET", "^" + _RG, "resource_groups.get", get_resource_group),
    _route(
        "GET",
        "^" + _SUB + r"/providers/microsoft\.compute/galleries",
        "galleries.list",
        list_galleries,
    ),
    _route(
        "GET",
        "^" + _RG + r"/providers/microsoft\.compute/galleries",
        "galleries.list_by_resource_group",
        list_galleries_by_group,
    ),
    _route("GET", "^" + _GAL, "galleries.get", get_gallery),
    _route("GET", "^" + _GAL + "/images", "gallery_images.list_by_gallery", list_images),
    _route("GET", "^" + _IMG, "gallery_images.get", get_image),
    _route("PUT", "^" + _IMG, "gallery_images.create_or_update", arm_writes.put_image),
    _route("DELETE", "^" + _IMG, "gallery_images.delete", arm_writes.delete_image),
    _route(
        "GET",
        "^" + _IMG + "/versions",
        "gallery_image_versions.list_by_gallery_image",
        list_versions,
    ),
    _route("GET", "^" + _VER, "gallery_image_versions.get", get_version),
    _route("PUT", "^" + _VER, "gallery_image_versions.create_or_update", arm_writes.put_version),
    _route("DELETE", "^" + _VER, "gallery_image_versions.delete", arm_writes.delete_version),
    _route(
        "GET",
        "^" + _SUB + r"/providers/microsoft\.network/virtualnetworks",
        "virtual_networks.list_all",
        network.list_all,
    ),
    _route(
        "GET",
        "^" + _RG + r"/providers/microsoft\.network/virtualnetworks",
        "virtual_networks.list",
        network.list_by_group,
    ),
    _route("GET", "^" + _VNET, "virtual_networks.get", network.get),
    _route("GET", "^" + _VNET + "/subnets", "subnets.list", network.list_subnets),
    _route("GET", "^" + _VNET + r"/subnets/(?P<subnet>[^/]+)", "subnets.get", network.get_subnet),
    _route(
        "POST",
        r"^/providers/microsoft\.resourcegraph/resources",
        "resource_graph.resources",
        resource_graph.query_resources,
        kind="resource_graph",
    ),
]


def match_route(method: str, path: str) -> tuple[Route, dict[str, str]] | None:
    """The route for a request; raises 405 if the path exists for another method.

    Matching is on the lower-cased path, but parameters keep the caller's spelling.
    """
    path_matched = False
    for route in ROUTES:
        found = route.pattern.match(path.lower())
        if found is None:
            continue
        if route.method == method:
            return route, {
                name: path[found.start(name) : found.end(name)] for name in found.groupdict()
            }
        path_matched = True
    if path_matched:
        raise ArmError(
            405, "MethodNotAllowed", f"The method '{method}' is not allowed on this resource."
        )
    return None
