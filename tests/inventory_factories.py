"""factory_boy factories for connected subscriptions and cached gallery inventory rows.

`connect_account(account)` binds an account to a fake subscription; `gallery_image(...)` builds a
resource group, gallery, image and versions (each replicated to the regions given) in one call:

    sub = connect_account(account)
    image = gallery_image(sub, image="ubuntu-22", versions={"1.0.0": ["eastus"], "1.1.0": []})
"""

from __future__ import annotations

import uuid
from typing import Any

import factory
from django.utils import timezone

from galleries.arm_ids import (
    gallery_arm_id,
    image_arm_id,
    resource_group_arm_id,
    version_arm_id,
    version_sort_key,
)
from galleries.crypto import encrypt_secret
from galleries.models import (
    ConnectedSubscription,
    Gallery,
    GalleryImage,
    ImageVersion,
    ResourceGroup,
    ShareCheck,
    VersionRegion,
)


class ConnectedSubscriptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConnectedSubscription

    account = factory.SubFactory("tests.factories.AccountFactory")
    organization = factory.LazyAttribute(lambda sub: sub.account.organization)
    display_name = factory.Sequence(lambda n: f"Subscription {n}")
    subscription_id = factory.LazyFunction(lambda: str(uuid.uuid4()))
    tenant_id = factory.LazyFunction(lambda: str(uuid.uuid4()))
    client_id = factory.LazyFunction(lambda: str(uuid.uuid4()))
    client_secret_encrypted = factory.LazyFunction(lambda: encrypt_secret("test-client-secret"))
    credential_status = "valid"


class ResourceGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ResourceGroup

    subscription = factory.SubFactory(ConnectedSubscriptionFactory)
    name = factory.Sequence(lambda n: f"rg-images-{n}")
    arm_id = factory.LazyAttribute(
        lambda rg: resource_group_arm_id(rg.subscription.subscription_id, rg.name)
    )
    last_seen_at = factory.LazyFunction(timezone.now)


class GalleryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Gallery

    resource_group = factory.SubFactory(ResourceGroupFactory)
    subscription = factory.LazyAttribute(lambda g: g.resource_group.subscription)
    name = factory.Sequence(lambda n: f"gallery{n}")
    arm_id = factory.LazyAttribute(
        lambda g: gallery_arm_id(g.subscription.subscription_id, g.resource_group.name, g.name)
    )
    location = "eastus"
    last_seen_at = factory.LazyFunction(timezone.now)


class GalleryImageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GalleryImage

    gallery = factory.SubFactory(GalleryFactory)
    subscription = factory.LazyAttribute(lambda i: i.gallery.subscription)
    name = factory.Sequence(lambda n: f"image-{n}")
    arm_id = factory.LazyAttribute(
        lambda i: image_arm_id(
            i.subscription.subscription_id, i.gallery.resource_group.name, i.gallery.name, i.name
        )
    )
    os_type = "Linux"
    os_state = "Generalized"
    hyper_v_generation = "V2"
    architecture = "x64"
    publisher = "contoso"
    offer = "base"
    sku = "22"
    provisioning_state = "Succeeded"
    last_seen_at = factory.LazyFunction(timezone.now)


class ImageVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ImageVersion

    image = factory.SubFactory(GalleryImageFactory)
    subscription = factory.LazyAttribute(lambda v: v.image.subscription)
    name = "1.0.0"
    arm_id = factory.LazyAttribute(lambda v: version_arm_id(v.image.arm_id, v.name))
    sort_key = factory.LazyAttribute(lambda v: version_sort_key(v.name))
    provisioning_state = "Succeeded"
    published_date = factory.LazyFunction(timezone.now)
    last_seen_at = factory.LazyFunction(timezone.now)


def connect_account(account: Any, **kwargs: Any) -> ConnectedSubscription:
    """Bind `account` to a fake connected subscription (inventory rows hang off it)."""
    return ConnectedSubscriptionFactory(
        account=account, organization=account.organization, **kwargs
    )


def gallery_image(
    subscription: ConnectedSubscription,
    *,
    resource_group: str = "rg-images",
    gallery: str = "contosogallery",
    image: str = "ubuntu-22",
    versions: dict[str, list[str]] | None = None,
    failed: tuple[str, ...] = (),
    **image_fields: Any,
) -> GalleryImage:
    """An image of `subscription` (creating its resource group and gallery if needed).

    `versions` maps a version name to the regions it is replicated to (default: 1.0.0 in
    eastus); names in `failed` get provisioning state Failed.
    """
    rg_id = resource_group_arm_id(subscription.subscription_id, resource_group)
    rg = ResourceGroup.objects.filter(subscription=subscription, arm_id=rg_id).first()
    rg = rg or ResourceGroupFactory(subscription=subscription, name=resource_group)
    g_id = gallery_arm_id(subscription.subscription_id, resource_group, gallery)
    gal = Gallery.objects.filter(subscription=subscription, arm_id=g_id).first()
    gal = gal or GalleryFactory(resource_group=rg, subscription=subscription, name=gallery)
    img = GalleryImageFactory(gallery=gal, subscription=subscription, name=image, **image_fields)
    for name, regions in (versions if versions is not None else {"1.0.0": ["eastus"]}).items():
        version = ImageVersionFactory(
            image=img,
            subscription=subscription,
            name=name,
            provisioning_state="Failed" if name in failed else "Succeeded",
        )
        for region in regions:
            VersionRegion.objects.create(version=version, region=region)
    return img


def share(reader: ConnectedSubscription, gallery: Gallery, verdict: str = "readable") -> ShareCheck:
    """Record whether `reader`'s credential can read `gallery` (readable / not_shared / unknown)."""
    check, _ = ShareCheck.objects.update_or_create(
        reader=reader,
        gallery=gallery,
        defaults={"verdict": verdict, "checked_at": timezone.now()},
    )
    return check
