"""Shared pieces of the ARM handlers: the per-request context and lookups raising ARM's 404s."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from azure_sandbox.graph_journal import GraphJournal
from azure_sandbox.messages import ArmError, Request
from azure_sandbox.rbac import Access
from azure_sandbox.world import Gallery, ImageDefinition, ResourceGroup, Subscription, World


@dataclass
class ArmContext:
    request: Request
    world: World
    access: Access
    token_tenant_id: str
    write_lock: threading.Lock
    journal: GraphJournal  # ARM writes, for Resource Graph's lag


def find_subscription(ctx: ArmContext, sub_id: str) -> Subscription:
    sub = ctx.world.subscriptions.get(sub_id.lower())
    if sub is None:
        raise ArmError(
            404, "SubscriptionNotFound", f"The subscription '{sub_id}' could not be found."
        )
    if sub.tenant_id.lower() != ctx.token_tenant_id.lower():
        raise ArmError(
            401,
            "InvalidAuthenticationTokenTenant",
            "The access token is from the wrong issuer "
            f"'https://sts.windows.net/{ctx.token_tenant_id}/'. It must match the tenant "
            f"'https://sts.windows.net/{sub.tenant_id}/' associated with this subscription. "
            "Please use the authority (URL) "
            f"'https://login.windows.net/{sub.tenant_id}' to get the token.",
        )
    return sub


def find_group(sub: Subscription, rg: str) -> ResourceGroup:
    group = sub.resource_groups.get(rg.lower())
    if group is None:
        raise ArmError(404, "ResourceGroupNotFound", f"Resource group '{rg}' could not be found.")
    return group


def not_found(resource: str, rg: str) -> ArmError:
    return ArmError(
        404,
        "ResourceNotFound",
        f"The Resource '{resource}' under resource group '{rg}' was not found. For more details "
        "please go to https://aka.ms/ARMResourceNotFoundFix",
    )


def find_gallery(group: ResourceGroup, name: str) -> Gallery:
    gallery = group.galleries.get(name.lower())
    if gallery is None:
        raise not_found(f"Microsoft.Compute/galleries/{name}", group.name)
    return gallery


def find_image(group: ResourceGroup, gallery: Gallery, name: str) -> ImageDefinition:
    image = gallery.images.get(name.lower())
    if image is None:
        raise not_found(f"Microsoft.Compute/galleries/{gallery.name}/images/{name}", group.name)
    return image
