"""Two organizations built the same way from different names, for walking every page.

`build_tenant("contoso", regions=..., versions=...)` makes an organization with one member per
role (plus a fourth member to remove), an API token per member, two accounts with connected
subscriptions, a gallery inventory (one gallery shared from the other account), refresh runs
(one under way, one that failed with an error), an active stateless group with two revisions,
an active stateful node and a draft. Every name, description, tag, region and version comes from
the brand, so what one tenant's pages may never show is exactly what only the other tenant has.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.utils import timezone

from console.members import create_invitation
from console.models import Account, ApiToken, Invitation, Membership, Organization, Role
from console.services import create_api_token
from galleries.models import ConnectedSubscription, Gallery, GalleryImage, RefreshRun
from groups.edit_context import EditContext
from groups.models import Group, Kind, Status
from groups.publish.models import Publication, SpotConnection, SyncState
from groups.publish.services import save_connection
from groups.reviews.models import ChangeRequest
from groups.reviews.services import comment, propose_change, request_review
from groups.services import save_group
from tests.factories import AccountFactory, MembershipFactory, OrganizationFactory, UserFactory
from tests.groups.api.bodies import group_body, node_body
from tests.inventory_factories import connect_account, gallery_image, share

ROLES = (Role.ADMIN, Role.EDITOR, Role.VIEWER)


@dataclass
class Tenant:
    brand: str
    organization: Organization
    account: Account  # the default account: groups live here
    images_account: Account  # its gallery is shared with `account`'s subscription
    subscription: ConnectedSubscription
    images_subscription: ConnectedSubscription
    gallery: Gallery
    image: GalleryImage
    shared_image: GalleryImage
    regions: tuple[str, ...]
    succeeded_run: RefreshRun
    failed_run: RefreshRun
    group: Group  # active stateless, two revisions
    node: Group  # active stateful
    draft: Group  # stateless draft
    members: dict[str, Membership] = field(default_factory=dict)  # role -> membership
    tokens: dict[str, ApiToken] = field(default_factory=dict)  # role -> that member's token
    removable: Membership | None = None  # a fourth member, for the remove page
    invitation: Invitation | None = None  # pending, for the members, revoke and join pages
    invitation_code: str = ""  # its raw code, as its link carries it
    change: ChangeRequest | None = None  # the group's open change, in review, with a comment
    # `account` publishes to Spot: the group is in sync with drift, the node's publish failed.
    spot_connection: SpotConnection | None = None
    publication: Publication | None = None
    failed_publication: Publication | None = None


def _spec(tenant_brand: str, body: dict[str, Any], name: str, region: str) -> dict[str, Any]:
    body["name"] = name
    body["description"] = f"{tenant_brand.title()} {name} tier, owned by the platform team"
    body["region"] = region
    body["resourceGroupName"] = f"rg-{tenant_brand}-apps"
    compute = body["compute"]
    compute["tags"] = [{"tagKey": "owner", "tagValue": f"{tenant_brand}-platform-team"}]
    network = compute["launchSpecification"]["network"]
    network["resourceGroupName"] = f"rg-{tenant_brand}-network"
    network["virtualNetworkName"] = f"vnet-{tenant_brand}-core"
    compute["launchSpecification"]["login"]["userName"] = f"{tenant_brand}ops"
    return body


def build_tenant(brand: str, *, regions: tuple[str, str], versions: tuple[str, str]) -> Tenant:
    title = brand.title()
    organization = OrganizationFactory(name=f"{title} Holdings")
    account = AccountFactory(organization=organization, name=f"{title} Production")
    images_account = AccountFactory(organization=organization, name=f"{title} Golden Images")
    subscription = connect_account(account, display_name=f"{title} production subscription")
    images_subscription = connect_account(
        images_account, display_name=f"{title} images subscription"
    )
    gallery_name = f"{brand}gallery"
    resource_group = f"rg-{brand}-images"
    image = gallery_image(
        subscription,
        resource_group=resource_group,
        gallery=gallery_name,
        image=f"{brand}-ubuntu-hardened",
        versions={versions[0]: list(regions), versions[1]: [regions[0]]},
        publisher=f"{brand}-publisher",
        offer=f"{brand}-hardened-offer",
        sku=f"{brand}-sku-2204",
        description=f"{title} hardened Ubuntu base image for the web tier",
    )
    gallery_image(
        subscription,
        resource_group=resource_group,
        gallery=gallery_name,
        image=f"{brand}-appliance",
        os_state="Specialized",
        versions={versions[0]: [regions[1]]},
        description=f"{title} specialized network appliance",
    )
    shared_image = gallery_image(
        images_subscription,
        resource_group=f"rg-{brand}-shared",
        gallery=f"{brand}sharedgallery",
        image=f"{brand}-golden-base",
        versions={versions[1]: [regions[0]]},
        description=f"{title} golden base shared across accounts",
    )
    Gallery.objects.filter(pk=image.gallery_id).update(
        description=f"{title} gallery of hardened images"
    )
    share(subscription, shared_image.gallery, "readable")

    now = timezone.now()
    succeeded_run = RefreshRun.objects.create(
        subscription=subscription,
        status="succeeded",
        started_at=now - timedelta(minutes=6),
        finished_at=now - timedelta(minutes=5),
        progress_done=4,
        progress_total=4,
    )
    # Under way: its progress bar polls on the subscription pages.
    RefreshRun.objects.create(
        subscription=subscription,
        status="running",
        started_at=now - timedelta(seconds=20),
        heartbeat_at=now,
        progress_done=3,
        progress_total=8,
    )
    failed_run = RefreshRun.objects.create(
        subscription=images_subscription,
        status="failed",
        started_at=now - timedelta(minutes=4),
        finished_at=now - timedelta(minutes=3),
        error=f"{title} images subscription: listing {brand}sharedgallery was throttled",
    )

    members: dict[str, Membership] = {}
    tokens: dict[str, ApiToken] = {}
    for role in ROLES:
        user = UserFactory(username=f"{brand}-{role}", email=f"{role}@{brand}.example")
        members[role] = MembershipFactory(user=user, organization=organization, role=role)
        tokens[role], _ = create_api_token(
            user=user, organization=organization, name=f"{brand} {role} deploys"
        )
    removable = MembershipFactory(
        user=UserFactory(username=f"{brand}-contractor", email=f"contractor@{brand}.example"),
        organization=organization,
        role=Role.VIEWER,
    )

    invitation, invitation_code = create_invitation(
        organization=organization,
        role=Role.EDITOR,
        days=7,
        note=f"{title} new release manager",
        actor=members[Role.ADMIN].user,
    )

    image_ref = {"resourceGroupName": resource_group, "galleryName": gallery_name}
    image_ref["imageName"] = image.name
    editor = members[Role.EDITOR].user
    group_context = EditContext(editor, organization, account, Kind.STATELESS)
    node_context = EditContext(editor, organization, account, Kind.STATEFUL)
    group_spec = _spec(
        brand, group_body(**image_ref, version=versions[0]), f"{brand}-storefront", regions[0]
    )
    group, _ = save_group(group_context, group_spec, status=Status.ACTIVE, source="console")
    group_spec["capacity"] = {"minimum": 1, "maximum": 3, "target": 2}  # a second revision
    group, _ = save_group(
        group_context, group_spec, status=Status.ACTIVE, source="console", group=group
    )
    node_spec = _spec(brand, node_body(**image_ref), f"{brand}-ledger-db", regions[0])
    node, _ = save_group(node_context, node_spec, status=Status.ACTIVE, source="api")
    draft_spec = _spec(
        brand, group_body(**image_ref, version="latest"), f"{brand}-canary", regions[1]
    )
    draft, _ = save_group(group_context, draft_spec, status=Status.DRAFT, source="console")
    proposed = {**group_spec, "capacity": {"minimum": 1, "maximum": 4, "target": 2}}
    change, _ = propose_change(actor=members[Role.EDITOR].user, group=group, spec=proposed)
    request_review(actor=members[Role.EDITOR].user, change=change)
    comment(
        actor=members[Role.VIEWER].user,
        change=change,
        text=f"<b>{title}</b>: is 4 enough for the sale?",
    )

    # Connected after the groups were saved, so that no publish is queued: the walk only reads.
    # Nothing listens on port 9 (discard): the publishing preview's live read is refused at once.
    spot_connection = save_connection(
        actor=members[Role.ADMIN].user,
        account=account,
        base_url="http://127.0.0.1:9",
        spot_account_id=f"act-{brand[:8]}",
        token=f"{brand}-spot-token",
    )
    publication = Publication.objects.create(
        organization=organization,
        account=account,
        group=group,
        group_public_id=group.id,
        kind=group.kind,
        name=group.name,
        remote_id=f"sig-{brand}",
        state=SyncState.IN_SYNC,
        requested_revision=group.revision,
        published_revision=group.revision,
        published_at=now,
        request_id=f"{brand}-publish-request",
        drift_checked_at=now,
        drift=[f"capacity.target: 2 here, 5 in Spot ({brand} console edit)"],
        remote_spec={**group_spec, "capacity": {"minimum": 1, "maximum": 5, "target": 5}},
    )
    failed_publication = Publication.objects.create(
        organization=organization,
        account=account,
        group=node,
        group_public_id=node.id,
        kind=node.kind,
        name=node.name,
        state=SyncState.FAILED,
        requested_revision=node.revision,
        error_code="UNREACHABLE",
        error_message=f"Spot's API at {brand}.spot.example could not be reached.",
        retryable=True,
        attempts=1,
    )

    return Tenant(
        brand=brand,
        organization=organization,
        account=account,
        images_account=images_account,
        subscription=subscription,
        images_subscription=images_subscription,
        gallery=image.gallery,
        image=image,
        shared_image=shared_image,
        regions=regions,
        succeeded_run=succeeded_run,
        failed_run=failed_run,
        group=group,
        node=node,
        draft=draft,
        members=members,
        tokens=tokens,
        removable=removable,
        invitation=invitation,
        invitation_code=invitation_code,
        change=change,
        spot_connection=spot_connection,
        publication=publication,
        failed_publication=failed_publication,
    )


def build_two_tenants() -> tuple[Tenant, Tenant]:
    """Contoso (walked) and Fabrikam (whose data must never show on Contoso's pages).

    Fabrikam's galleries are on an Azure Stack Hub, whose regions its operator names: unlike
    public regions (which the editor offers everyone), those names are Fabrikam's alone.
    """
    contoso = build_tenant("contoso", regions=("eastus", "westeurope"), versions=("1.0.0", "1.1.0"))
    fabrikam = build_tenant(
        "fabrikam", regions=("redmondstack", "orlandostack"), versions=("7.3.1", "7.4.0")
    )
    return contoso, fabrikam
